import { contracts } from '../../support/contracts';
import { rebuildProjection, type BuildProgress } from '../../../src/projections';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { applicationCounter, applications, catchUp, eventIds } from '../../support/projections';
import { appendOrders, runKilledRebuild } from '../../support/rebuilds';

describe('a rebuild SIGKILLed half way', () => {
  const db = useTestDatabase();

  it('resumes from its partition checkpoints and applies every event exactly once', async () => {
    await appendOrders(testEventStore(db), 200);
    // The counter is not idempotent: any event a resumed rebuild applied twice would count 2.
    await catchUp(db.pool, [applicationCounter]);
    const { signal, stderr } = await runKilledRebuild(db.pool, db.url, { PROJECTION: applicationCounter.name, PARTITIONS: '4', BATCH_SIZE: '20', KILL_AFTER_PAGES: '9' });
    expect({ signal, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });

    const { rows: partitions } = await db.pool.query<{ partition: number; events_done: string }>(
      `select partition, events_done from projection_build_partitions where name = $1 order by partition`,
      [applicationCounter.name],
    );
    const doneBefore = partitions.reduce((sum, p) => sum + Number(p.events_done), 0);
    expect(partitions).toHaveLength(4);
    expect(doneBefore).toBeGreaterThan(0);

    const progress: BuildProgress[] = [];
    const report = await rebuildProjection(db.pool, applicationCounter, { contracts, partitions: 4, batchSize: 20, onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({ mode: 'replace', resumed: true, validation: { equal: true }, oldTablesDropped: true });
    expect(progress[0]).toMatchObject({ phase: 'partitions', done: doneBefore });
    expect(doneBefore).toBeLessThan(progress[0]!.total);

    const counted = await applications(db.pool);
    expect([...counted.keys()].sort()).toEqual((await eventIds(db.pool, applicationCounter.eventTypes)).sort());
    expect([...counted.values()].filter((times) => times !== 1)).toEqual([]);
    const { rows: leftovers } = await db.pool.query(`select relname from pg_class where relname in ('applications_v1_rebuild', 'applications_v1_retired', 'applications_v1_verify')`);
    expect(leftovers).toEqual([]);
  }, 90_000);
});
