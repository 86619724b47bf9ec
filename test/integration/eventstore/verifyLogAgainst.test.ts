import { randomUUID } from 'node:crypto';
import { computeLogDigest, formatLogDigest, parseLogDigest, verifyLogAgainst, type LogDigest } from '../../../src/eventstore';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { asSuperuser as tamper, seedOrderStreams } from '../../support/tampering';

// The six kinds of tampering, truncation and appends since the digest are tested through the command
// (test/integration/cli/events.test.ts); these are the cases it does not show.
describe('verifyLogAgainst', () => {
  let db: TestDatabase;
  let digest: LogDigest;
  let streams: string[];
  beforeEach(async () => {
    db = await createTestDatabase();
    // Windows of 4: 0 = A1 A2 A3 B1, 1 = B2 B3 C1 C2, 2 = C3 D1 D2 D3.
    streams = await seedOrderStreams(db, 4);
    digest = await computeLogDigest(db.pool, { windowSize: 4 });
  });
  afterEach(() => db?.drop());

  const asSuperuser = (sql: string, params: unknown[]) => tamper(db, sql, params);

  it('puts a missing version in the window whose fingerprint it settles, when its neighbours lie in two short windows', async () => {
    const [A, B] = streams as [string, string];
    await asSuperuser('delete from events where (stream_id = $1 and version = 3) or (stream_id = $2 and version = 2)', [A, B]);

    const report = await verifyLogAgainst(db.pool, digest);

    expect(report.differingWindows).toEqual([
      expect.objectContaining({ index: 0, change: 'missing', missing: [{ streamId: A, version: 3, where: 'last', streamNowEndsAt: 2 }], unnamedMissing: 0 }),
      expect.objectContaining({ index: 1, change: 'missing', missing: [{ streamId: B, version: 2, where: 'gap' }], unnamedMissing: 0 }),
    ]);
  });

  it('names an event forged into an earlier window, with the transaction id of an event already there', async () => {
    const [, B] = streams as [string, string];
    const forged = `Order-${randomUUID()}`;
    await asSuperuser(
      `insert into events (global_position, event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at, transaction_id, hash)
       select 1000, gen_random_uuid(), $2, 'Order', 1, event_type, schema_version, data, metadata, created_at, transaction_id, hash
         from events where stream_id = $1 and version = 2`,
      [B, forged],
    );

    const report = await verifyLogAgainst(db.pool, digest);

    expect(report).toMatchObject({ ok: false, events: { digest: 12, now: 13 }, streams: { digest: 4, now: 5 } });
    expect(report.differingWindows).toEqual([expect.objectContaining({ index: 1, change: 'added', expectedEvents: 4, actualEvents: 5, added: [expect.objectContaining({ streamId: forged, version: 1, globalPosition: 1000 })] })]);
  });

  it('holds nothing against the log for a digest of an empty one', async () => {
    const empty = await createTestDatabase();
    try {
      const nothing = await computeLogDigest(empty.pool);
      expect(nothing).toMatchObject({ events: 0, streams: 0, through: null, windows: [] });
      expect(parseLogDigest(JSON.parse(formatLogDigest(nothing)))).toEqual(nothing);
      await seedOrderStreams(empty, 1);
      expect(await verifyLogAgainst(empty.pool, nothing)).toMatchObject({ ok: true, appendedSince: 3, chain: { eventsChecked: 0 } });
    } finally {
      await empty.drop();
    }
  });
});
