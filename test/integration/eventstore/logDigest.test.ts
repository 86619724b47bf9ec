import { randomUUID } from 'node:crypto';
import { computeLogDigest, formatLogDigest, LogDigestFormatError, parseLogDigest, verifyLogAgainst, type Checkpoint, type LogDigest } from '../../../src/eventstore';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { orderPlaced, testEventStore } from '../../support/eventStore';
import { seedOrderStreams } from '../../support/tampering';

describe('log digest', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(() => db?.drop());

  async function keyOf(streamId: string, version: number): Promise<Checkpoint> {
    const { rows } = await db.pool.query<{ x: string; p: string }>('select transaction_id::text as x, global_position as p from events where stream_id = $1 and version = $2', [streamId, version]);
    return { transactionId: rows[0]!.x, globalPosition: Number(rows[0]!.p) };
  }

  it('cuts the log into windows in the global order, every one full but the last, each ending at its last event', async () => {
    const [A, B, C, D, , F] = (await seedOrderStreams(db, 6)) as [string, string, string, string, string, string];

    const digest = await computeLogDigest(db.pool, { windowSize: 4 });

    expect(digest).toMatchObject({ format: 'sagaflow-log-digest/1', events: 18, streams: 6, windowSize: 4, through: await keyOf(F, 3) });
    expect(digest.windows.map((w) => w.through)).toEqual([await keyOf(B, 1), await keyOf(C, 2), await keyOf(D, 3), await keyOf(F, 1), await keyOf(F, 3)]);
    expect(digest.windows[0]!.head).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(digest.windows.map((w) => w.head)).size).toBe(5);
    expect((await computeLogDigest(db.pool, { windowSize: 4 })).head).toBe(digest.head);
    expect((await computeLogDigest(db.pool, { windowSize: 5 })).head).not.toBe(digest.head);
    expect((await computeLogDigest(db.pool, { through: await keyOf(A, 3), windowSize: 4 })).events).toBe(3);
  });

  it('covers the gap-safe end only: events of a transaction still open, and of every one after it, wait for the next digest', async () => {
    await seedOrderStreams(db, 2);
    const open = await db.pool.connect();
    try {
      await open.query('begin');
      const orderId = randomUUID();
      const late = orderPlaced(orderId);
      await open.query(`select * from sagaflow_append_events($1, 'Order', 'no_stream', null, $2, $3, $4, $5, $6, false)`, [
        `Order-${orderId}`,
        [late.eventId],
        [late.type],
        [2],
        [JSON.stringify(late.data)],
        ['{}'],
      ]);
      await seedOrderStreams(db, 1);

      const digest = await computeLogDigest(db.pool);

      expect(digest).toMatchObject({ events: 6, streams: 2 });
      await open.query('commit');
      expect(await verifyLogAgainst(db.pool, digest)).toMatchObject({ ok: true, appendedSince: 4 });
      expect(await computeLogDigest(db.pool)).toMatchObject({ events: 10, streams: 4 });
    } finally {
      open.release();
    }
  });

  it('reads back from its file, which takes 91 bytes a window besides its last transaction id and position, and refuses a file whose head does not match it', async () => {
    const [A] = await seedOrderStreams(db, 12);
    await testEventStore(db).append(A!, [orderPlaced(A!.slice('Order-'.length))], { expectedVersion: 3 });
    const digest = await computeLogDigest(db.pool, { windowSize: 2 });
    const text = formatLogDigest(digest);

    expect(parseLogDigest(JSON.parse(text))).toEqual(digest);
    expect(digest.windows).toHaveLength(19);
    const windowLines = text.split('\n').filter((line) => line.startsWith('  ["'));
    expect(windowLines).toHaveLength(19);
    const digitsOf = (w: LogDigest['windows'][number]) => w.through.transactionId.length + String(w.through.globalPosition).length;
    const bytes = windowLines.map((line, i) => line.length + 1 - digitsOf(digest.windows[i]!));
    expect(bytes).toEqual([...new Array<number>(18).fill(91), 90]); // the last without its comma

    const reject = (change: (json: Record<string, unknown>) => void) => {
      const json = JSON.parse(text) as Record<string, unknown>;
      change(json);
      return () => parseLogDigest(json);
    };
    expect(reject((json) => (json.streams = 11))).toThrow(new LogDigestFormatError('head: does not match the windows and totals: the file was changed or cut short'));
    expect(reject((json) => (json.events = 36))).toThrow(new LogDigestFormatError('windows: 36 events in windows of 2 make 18 windows, the file has 19'));
    expect(reject((json) => (json.windows as unknown[]).reverse())).toThrow(new LogDigestFormatError('windows.1: must come after window 0 in the global order'));
    expect(reject((json) => (json.windows as unknown[]).pop())).toThrow(/^windows: 37 events in windows of 2 make 19 windows, the file has 18$/);
    expect(reject((json) => ((json.windows as string[][])[3]![3] = 'ab'))).toThrow(new LogDigestFormatError('windows.3.3: must be 64 lowercase hex digits'));
    expect(reject((json) => delete json.format)).toThrow(LogDigestFormatError);
  });

  it('refuses a window size out of range', async () => {
    await expect(computeLogDigest(db.pool, { windowSize: 0 })).rejects.toThrow('windowSize must be a whole number from 1 to 1048576, got 0');
  });
});
