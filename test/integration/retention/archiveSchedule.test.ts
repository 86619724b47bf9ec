import { createPool } from '../../../src/config/connections';
import { verifyChain } from '../../../src/eventstore';
import { startArchiveSchedule, type ArchiveSchedule } from '../../../src/retention/archiveSchedule';
import { composition } from '../../../processes';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder } from '../../support/orderScenarios';
import { ageStream } from '../../support/retention';
import { startTcpProxy, type TcpProxy } from '../../support/tcpProxy';
import { waitFor } from '../../support/waitFor';

describe("the projection worker's scheduled archive", () => {
  const db = useTestDatabase();
  const where = async (streamIds: string[]) =>
    (
      await db.pool.query<{ hot: string; archived: string }>(
        'select (select count(distinct stream_id) from events where stream_id = any($1)) as hot, (select count(distinct stream_id) from events_archive where stream_id = any($1)) as archived',
        [streamIds],
      )
    ).rows[0]!;
  /** Closed orders, their streams written `days` ago. */
  const closedOrders = async (count: number, days: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const streamId = `Order-${await appendOrder(testEventStore(db), 'completed')}`;
      await ageStream(db, streamId, days);
      ids.push(streamId);
    }
    return ids;
  };

  let proxy: TcpProxy;
  let schedule: ArchiveSchedule | undefined;
  const log: string[] = [];
  let pool: ReturnType<typeof createPool>;
  beforeAll(async () => {
    proxy = await startTcpProxy(Number(new URL(db.url).port));
    const url = new URL(db.url);
    url.port = String(proxy.port);
    pool = createPool(url.toString(), {}, { max: 3 });
  });
  afterAll(async () => {
    await schedule?.stop();
    await pool.end();
    await proxy.close();
  });

  it('archives by the declared retention, only while it holds the lock every worker takes, and goes on after PostgreSQL was away', async () => {
    expect(composition.retention.find((r) => r.streamType === 'Order')!.archiveAfterDays).toBe(90);
    const old = await closedOrders(3, 91);
    const recent = await closedOrders(1, 89);
    const anotherWorker = await db.pool.connect();
    try {
      await anotherWorker.query("select pg_advisory_lock(hashtextextended('sagaflow_archive_schedule', 0))");
      schedule = startArchiveSchedule({ pool, retention: composition.retention, everyMs: 50, batchSize: 2, log: (line) => log.push(line) });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await where(old)).toEqual({ hot: '3', archived: '0' });
    } finally {
      await anotherWorker.query("select pg_advisory_unlock(hashtextextended('sagaflow_archive_schedule', 0))");
      anotherWorker.release();
    }
    await waitFor(async () => (await where(old)).archived === '3', 10_000);
    expect(await where(recent)).toEqual({ hot: '1', archived: '0' });
    expect(log).toContainEqual('archived closed streams: Order 3 stream(s), 18 event(s)');

    await proxy.down();
    const later = await closedOrders(2, 100);
    await waitFor(async () => log.some((line) => line.startsWith('archive run failed')), 10_000);
    expect(await where(later)).toEqual({ hot: '2', archived: '0' });
    await proxy.up();
    await waitFor(async () => (await where(later)).archived === '2', 10_000);
    expect(await verifyChain(db.pool)).toMatchObject({ brokenCount: 0 });
  });
});
