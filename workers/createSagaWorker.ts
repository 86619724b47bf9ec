import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, type OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import { Worker, type ActivityInterceptorsFactory, type InjectedSinks, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type pg from 'pg';
import { createActivities, recordStepEvents } from '../activities';
import { readEventTraces } from '../activities/eventTrace';
import { createEventStore, withPersonalDataFromEnv } from '../src/eventstore';
import type { Tracing } from '../src/observability/tracing';
import type { Composition } from '../src/process/composeProcesses';
import type { RetryProfileName } from '../src/saga';
import { compositionBundleOptions } from './compositionBundle';

export interface SagaWorkerOptions {
  /** The processes the worker runs (composeProcesses). */
  composition: Composition;
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

/** The worker that runs every workflow and activity of a composition on one task queue. */
export function createSagaWorker(options: SagaWorkerOptions): Promise<Worker> {
  const { composition, connection, namespace, taskQueue, pool, workflowBundle, extraWorkflowModules, extraActivities, retries, activityInterceptors = [], tracing } = options;
  const store = createEventStore(pool, { contracts: withPersonalDataFromEnv(pool, composition.contracts) });
  // A prebuilt bundle carries its own workflows, retry profile and tracing; otherwise bundle the composition's now.
  const toBundle = workflowBundle
    ? undefined
    : compositionBundleOptions(composition, { ...(retries ? { retries } : {}), ...(extraWorkflowModules ? { extraWorkflowModules } : {}), tracing: tracing !== undefined });
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
