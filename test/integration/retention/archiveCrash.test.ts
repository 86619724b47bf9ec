import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { appendEvents, computeLogDigest, DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_PAYLOAD_BYTES, verifyChain, verifyLogAgainst, type LogDigest } from '../../../src/eventstore';
import { archiveClosedStreams } from '../../../src/retention/archiveClosedStreams';
import { composition } from '../../../processes';
import { contracts } from '../../support/contracts';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder } from '../../support/orderScenarios';
import { waitFor } from '../../support/waitFor';

const retention = composition.retention;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every event id of the log once, and where each one is: nothing lost, nothing in both tables. */
async function whereEventsAre(pool: pg.Pool): Promise<{ ids: string[]; hot: number; archived: number; both: number }> {
  const { rows } = await pool.query<{ ids: string[]; hot: string; archived: string; both: string }>(
    `select (select array_agg(event_id::text order by event_id) from events_log) as ids,
            (select count(*) from events) as hot, (select count(*) from events_archive) as archived,
            (select count(*) from events e join events_archive a using (event_id)) as both`,
  );
  const row = rows[0]!;
  return { ids: row.ids ?? [], hot: Number(row.hot), archived: Number(row.archived), both: Number(row.both) };
}

describe('archiving cut off part-way', () => {
  const db = useTestDatabase();
  let digest: LogDigest;
  let before: Awaited<ReturnType<typeof whereEventsAre>>;

  beforeEach(async () => {
    for (let i = 0; i < 12; i++) await appendOrder(testEventStore(db), i % 3 ? 'completed' : 'declined');
    await pause(5);
    digest = await computeLogDigest(db.pool, { windowSize: 8 });
    before = await whereEventsAre(db.pool);
  });

  /** After any cut and a full re-run: every event once, all in the archive, the chain and the digest intact. */
  async function expectWholeLogArchived(): Promise<void> {
    const after = await whereEventsAre(db.pool);
    expect(after).toEqual({ ids: before.ids, hot: 0, archived: before.ids.length, both: 0 });
    expect(await verifyChain(db.pool)).toMatchObject({ brokenCount: 0, eventsChecked: before.ids.length });
    expect(await verifyLogAgainst(db.pool, digest)).toMatchObject({ ok: true });
  }

  it('a run that fails between batches leaves whole batches moved; the next run moves the rest, nothing lost or doubled', async () => {
    const started = (await whereEventsAre(db.pool)).archived;
    let batches = 0;
    const failing = archiveClosedStreams(db.pool, retention, {
      olderThanMs: 1,
      batchSize: 5,
      onProgress: () => {
        if (++batches === 2) throw new Error('the archiver died');
      },
    });
    await expect(failing).rejects.toThrow('the archiver died');
    const cut = await whereEventsAre(db.pool);
    expect(cut.archived - started).toBeGreaterThan(0);
    expect(cut.hot).toBeGreaterThan(0);
    expect(cut).toMatchObject({ ids: before.ids, both: 0 });

    const rerun = await archiveClosedStreams(db.pool, retention, { olderThanMs: 1, batchSize: 5 });
    expect(rerun.events).toBe(cut.hot);
    await expectWholeLogArchived();
  });

  it('a session killed inside a batch moves none of it; the next run moves it all', async () => {
    const { rows } = await db.pool.query<{ stream_id: string }>('select stream_id from events order by stream_id desc limit 1');
    const last = rows[0]!.stream_id;
    const holder = await db.pool.connect();
    const archiver = new pg.Pool({ connectionString: db.url, application_name: 'archiver under test', max: 1 });
    archiver.on('error', () => undefined);
    try {
      // The batch queues for every stream in order: holding the last one's queue stops it after it moved the others.
      await holder.query('begin');
      await holder.query('select sagaflow_queue_for_stream($1)', [last]);
      const run = archiveClosedStreams(archiver, retention, { olderThanMs: 1, batchSize: 1000 });
      const failed = run.then(
        () => undefined,
        (error: Error) => error,
      );
      await waitFor(async () => {
        const waiting = await db.pool.query("select 1 from pg_stat_activity where application_name = 'archiver under test' and wait_event_type = 'Lock'");
        return waiting.rowCount === 1;
      }, 10_000);
      await db.pool.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'archiver under test'");
      expect(await failed).toBeInstanceOf(Error);
      expect(await whereEventsAre(db.pool)).toEqual(before);
    } finally {
      await holder.query('rollback');
      holder.release();
      await archiver.end();
    }
    await archiveClosedStreams(db.pool, retention, { olderThanMs: 1, batchSize: 1000 });
    await expectWholeLogArchived();
  });

  it('an append that reaches a stream before its batch does keeps the stream whole in the hot table', async () => {
    const orderId = await appendOrder(testEventStore(db), 'completed');
    const streamId = `Order-${orderId}`;
    await pause(5);
    const writer = await db.pool.connect();
    try {
      await writer.query('begin');
      await writer.query('select sagaflow_queue_for_stream($1)', [streamId]);
      const run = archiveClosedStreams(db.pool, retention, { olderThanMs: 1, batchSize: 1000 });
      await waitFor(async () => (await db.pool.query("select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%sagaflow_archive_streams%'")).rowCount === 1, 10_000);
      // The writer had queued first: its event goes in, after the stream's closing one.
      await appendEvents(
        writer,
        { contracts, maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES, maxMetadataBytes: DEFAULT_MAX_METADATA_BYTES, notifier: undefined },
        streamId,
        [{ eventId: randomUUID(), type: 'InventoryReleased', data: { orderId, reservationId: `res-${orderId}`, reason: 'late correction' } }],
        { expectedVersion: 6 },
      );
      await writer.query('commit');
      const summary = await run;
      expect(summary.byStreamType.find((s) => s.streamType === 'Order')).toMatchObject({ reopened: 1 });
    } finally {
      writer.release();
    }
    const { rows } = await db.pool.query<{ hot: string; archived: string }>(
      'select (select count(*) from events where stream_id = $1) as hot, (select count(*) from events_archive where stream_id = $1) as archived',
      [streamId],
    );
    expect(rows[0]).toEqual({ hot: '7', archived: '0' });
  });
});
