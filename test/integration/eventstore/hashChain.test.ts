import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { inventoryReserved, orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';
import { asSuperuser as tamper } from '../../support/tampering';

describe('hash chain', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(() => db?.drop());

  async function seed(): Promise<string[]> {
    const store = testEventStore(db);
    const ids = [randomUUID(), randomUUID()];
    for (const orderId of ids) {
      await store.append(`Order-${orderId}`, [orderPlaced(orderId), inventoryReserved(orderId)], { expectedVersion: 'no_stream' });
      await store.append(`Order-${orderId}`, [orderCompleted(orderId)], { expectedVersion: 2 });
    }
    return ids.map((id) => `Order-${id}`);
  }

  const asSuperuser = (sql: string, params: unknown[]) => tamper(db, sql, params);

  it('verifies an untouched log', async () => {
    const [streamId] = await seed();
    expect(await testEventStore(db).verifyAll()).toEqual({ eventsChecked: 6, brokenCount: 0 });
    expect(await testEventStore(db).verifyStream(streamId!)).toEqual({ eventsChecked: 3, brokenCount: 0 });
  });

  it('reports the first broken link when a payload is edited', async () => {
    const [, streamId] = await seed();
    await asSuperuser(`update events set data = jsonb_set(data, '{totalCents}', '1') where stream_id = $1 and version = 1`, [streamId]);

    const report = await testEventStore(db).verifyAll();

    expect(report.brokenCount).toBe(1);
    expect(report.firstBroken).toMatchObject({ streamId, version: 1 });
    expect(report.firstBroken!.storedHash).not.toBe(report.firstBroken!.recomputedHash);
  });

  it('catches an edit whose own hash was recomputed at the next link', async () => {
    const [streamId] = await seed();
    await asSuperuser(
      `update events set data = jsonb_set(data, '{reservationId}', '"forged"'),
              hash = sagaflow_event_hash((select hash from events where stream_id = $1 and version = 1), event_id, stream_id,
                                         version, event_type, schema_version, jsonb_set(data, '{reservationId}', '"forged"'), metadata, created_at)
        where stream_id = $1 and version = 2`,
      [streamId],
    );

    const report = await testEventStore(db).verifyStream(streamId!);

    expect(report).toMatchObject({ eventsChecked: 3, brokenCount: 1, firstBroken: { streamId, version: 3 } });
  });

  it('reports a deleted event as a gap in the chain', async () => {
    const [streamId] = await seed();
    await asSuperuser('delete from events where stream_id = $1 and version = 2', [streamId]);

    expect(await testEventStore(db).verifyStream(streamId!)).toMatchObject({ brokenCount: 1, firstBroken: { streamId, version: 3 } });
  });
});
