import { connectTemporalWorker, createPool, reportLostConnections } from '../src/config/connections';
import { loadConfig } from '../src/config/env';
import { migrate } from '../src/db/migrate';
import { registerSearchAttributes } from '../src/infra/temporal';
import { tracingFromEnv } from '../src/observability/tracing';
import { composition } from '../processes';
import { createSagaWorker as createCompositionWorker, type SagaWorkerOptions as CompositionWorkerOptions } from './createSagaWorker';
import type { Worker } from '@temporalio/worker';

export type SagaWorkerOptions = Omit<CompositionWorkerOptions, 'composition'>;

/** The worker that runs every workflow and activity of this repository's processes (processes/index.ts) on one task queue. */
export function createSagaWorker(options: SagaWorkerOptions): Promise<Worker> {
  return createCompositionWorker({ ...options, composition });
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
