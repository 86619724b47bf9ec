import { connectTemporalWorker, createPool, reportLostConnections } from '../../src/config/connections';
import { loadConfig } from '../../src/config/env';
import { createSagaWorker } from '../../workers/sagaWorker';
import { crashAfterEffect } from './crashAfterEffect';
import { simulatedFaults } from './faults';

/**
 * The saga worker as the crash tests run it in a child process: the standalone worker's set-up on
 * the test bundle (fast retries), plus the test-only interceptor that dies after a planned effect.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const pool = createPool(config.databaseUrl!, config, { onConnectionLost: reportLostConnections((line) => console.log(`saga worker: ${line}`)) });
  const connection = await connectTemporalWorker(config.temporalAddress!, config);
  try {
    const worker = await createSagaWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      pool,
      workflowBundle: { codePath: config.workflowBundlePath! },
      activityInterceptors: [crashAfterEffect(simulatedFaults(pool))],
    });
    console.log(`saga worker polling task queue '${config.taskQueue}' on ${config.temporalAddress}`);
    await worker.run();
  } finally {
    await connection.close();
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(`saga worker: ${(error as Error).message}`);
  process.exit(1);
});
