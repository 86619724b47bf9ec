import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, type OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import { Worker, type ActivityInterceptorsFactory, type InjectedSinks, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type pg from 'pg';
import { createActivities, recordStepEvents } from '../activities';
import { readEventTraces } from '../activities/eventTrace';
import { connectTemporalWorker, createPool, reportLostConnections } from '../src/config/connections';
import { loadConfig } from '../src/config/env';
import { migrate } from '../src/db/migrate';
import { createEventStore } from '../src/eventstore';
import { registerSearchAttributes } from '../src/infra/temporal';
import { tracingFromEnv, type Tracing } from '../src/observability/tracing';
import type { RetryProfileName } from '../src/saga';
import { composition } from '../processes';
import { workflowBundleOptions } from './workflowBundle';

export interface SagaWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: pg.Pool;
  /** A prebuilt bundle (tests bundle once per run); by default the workflows are bundled at start. */
  workflowBundle?: WorkflowBundleOption;
  /** Workflow modules bundled beside the processes' (a benchmark's bare workflow). */
  extraWorkflowModules?: string[];
  /** Activities registered beside sagaflow's (a benchmark's bare ones). */
  extraActivities?: Record<string, (...args: never[]) => Promise<unknown>>;
  /**
   * 'fast' gives every saga 5 s timeouts and 3 attempts, so demos and tests reach every outcome in
   * seconds; 'standard' (the default) is the production budget. Bundled into the workflow code, so a
   * prebuilt bundle carries its own (workers/workflowBundle.ts).
   */
  retries?: RetryProfileName;
  /** Activity interceptors after the step recorder: they run between a step's effect and its append. */
  activityInterceptors?: ActivityInterceptorsFactory[];
  /**
   * Traces workflows and activities into this tracing's processor (src/observability/tracing.ts).
   * A worker that bundles at start bundles the workflow interceptors then; a prebuilt bundle
   * carries them or not (`npm run bundle:workflows -- --tracing`).
   */
  tracing?: Tracing;
}

/** The worker that runs every sagaflow workflow and activity on one task queue. */
export function createSagaWorker(options: SagaWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, pool, workflowBundle, extraWorkflowModules, extraActivities, retries, activityInterceptors = [], tracing } = options;
  const store = createEventStore(pool, { contracts: composition.contracts });
  // A prebuilt bundle carries its own workflows, retry profile and tracing; otherwise bundle the composition's now.
  const toBundle = workflowBundle
    ? undefined
    : workflowBundleOptions({ ...(retries ? { retries } : {}), ...(extraWorkflowModules ? { extraWorkflowModules } : {}), tracing: tracing !== undefined });
  // The activity's span is outermost, so the step recorder's append is inside it. The trace in the
  // headers is read on every worker, tracing or not: it goes into the event, which a retry must repeat.
  const traceActivities: ActivityInterceptorsFactory[] = tracing ? [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })] : [];
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(toBundle ? { workflowsPath: toBundle.workflowsPath } : { workflowBundle: workflowBundle! }),
    activities: { ...createActivities({ pool, store }, composition), ...extraActivities },
    interceptors: {
      activity: [...traceActivities, readEventTraces(), recordStepEvents(store), ...activityInterceptors],
      workflowModules: toBundle?.workflowInterceptorModules ?? [],
    },
    sinks: workflowSpanSink(tracing),
  });
}

/**
 * Where the workflows' spans leave the sandbox. Registered even without tracing, where it drops
 * them, so a bundle built with tracing runs on any worker. Not called during replay (Temporal's
 * default for a sink): a span a replayed run ends again was exported when the run first ended it.
 */
function workflowSpanSink(tracing: Tracing | undefined): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: tracing ? makeWorkflowExporter(tracing.spanProcessor, tracing.resource) : { export: { fn: () => undefined } } };
}

/** Standalone entry point: connects to the configured services, migrates, and serves until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporalAddress) {
    throw new Error('a standalone saga worker needs DATABASE_URL and TEMPORAL_ADDRESS (`npm run dev` starts a local stack instead)');
  }
  await migrate(config.databaseUrl, console.log, config);
  const pool = createPool(config.databaseUrl, config, { onConnectionLost: reportLostConnections((line) => console.log(`saga worker: ${line}`)) });
  // The worker knows the composition's search attributes; a namespace lacking one would refuse every start.
  const added = await registerSearchAttributes(config.temporalAddress, config.namespace, composition.searchAttributes, config);
  if (added.length > 0) console.log(`saga worker: registered the search attributes ${added.join(', ')} in namespace '${config.namespace}'`);
  const tracing = tracingFromEnv('sagaflow-saga-worker');
  const connection = await connectTemporalWorker(config.temporalAddress, config);
  try {
    const worker = await createSagaWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      pool,
      ...(config.workflowBundlePath ? { workflowBundle: { codePath: config.workflowBundlePath } } : { retries: config.retries }),
      ...(tracing ? { tracing } : {}),
    });
    console.log(`saga worker polling task queue '${config.taskQueue}' on ${config.temporalAddress}`);
    await worker.run(); // returns after SIGINT/SIGTERM, once in-flight tasks have finished
  } finally {
    await connection.close();
    await pool.end();
    await tracing?.shutdown();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`saga worker: ${(error as Error).message}`);
    process.exit(1);
  });
}
