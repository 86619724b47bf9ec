import { handleShutdown } from '../../src/infra/shutdown';
import { readModels } from './readModels';
import { startProjectionWorker } from '../../workers/projectionWorker';
import { applicationCounter } from './projections';

/**
 * The projection worker as tests run it in a child process: the read models plus the
 * application counter, fast polling, and optionally a crash: SIGKILL inside the transaction of the
 * CRASH_AT_BATCH-th non-empty batch of projection CRASH_IN, after its read-table writes and before
 * its checkpoint moves.
 */
async function main(): Promise<void> {
  const shutdown = handleShutdown((line) => console.log(line));
  const crashIn = process.env.CRASH_IN;
  const crashAtBatch = Number(process.env.CRASH_AT_BATCH ?? '1');
  let batches = 0;
  const worker = await startProjectionWorker({
    databaseUrl: process.env.DATABASE_URL!,
    projections: [...readModels, applicationCounter],
    metricsPort: 0,
    batchSize: Number(process.env.BATCH_SIZE ?? '500'),
    pollIntervalMs: 100,
    log: (line) => console.log(line),
    ...(crashIn
      ? {
          beforeCheckpoint: (projection, events) => {
            if (projection.name === crashIn && events.length > 0 && ++batches === crashAtBatch) process.kill(process.pid, 'SIGKILL');
          },
        }
      : {}),
  });
  shutdown.add(() => worker.stop());
  console.log(`projection worker ready at ${worker.httpUrl}`);
}

main().catch((error: unknown) => {
  console.error((error as Error).stack ?? String(error));
  process.exit(1);
});
