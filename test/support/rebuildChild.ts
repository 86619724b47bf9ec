import pg from 'pg';
import { contracts } from './contracts';
import { rebuildProjection, type FoldChoice } from '../../src/projections';
import { readModels } from './readModels';
import { applicationCounter } from './projections';

/**
 * A rebuild in a child process, for tests that kill it: rebuilds PROJECTION in PARTITIONS
 * partitions of BATCH_SIZE-event pages (folding as FOLD says) and SIGKILLs itself after KILL_AFTER_PAGES committed pages.
 * POOL_MAX bounds its connections: 2 (the build's session and one more) makes partitions take turns,
 * so no other partition can commit between a page's commit and the kill.
 */
async function main(): Promise<void> {
  const projection = [...readModels, applicationCounter].find((p) => p.name === process.env.PROJECTION)!;
  const killAfter = Number(process.env.KILL_AFTER_PAGES ?? 'Infinity');
  let pages = 0;
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL!, max: Number(process.env.POOL_MAX ?? '10') });
  await rebuildProjection(pool, projection, {
    contracts,
    partitions: Number(process.env.PARTITIONS ?? '4'),
    batchSize: Number(process.env.BATCH_SIZE ?? '50'),
    fold: (process.env.FOLD ?? 'auto') as FoldChoice,
    afterPartitionPage: () => {
      if (++pages >= killAfter) process.kill(process.pid, 'SIGKILL');
    },
  });
  await pool.end();
}

main().catch((error: unknown) => {
  console.error((error as Error).stack ?? String(error));
  process.exit(1);
});
