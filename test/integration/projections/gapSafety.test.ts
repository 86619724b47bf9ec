import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { contracts } from '../../support/contracts';
import { appendEvents, DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_METADATA_BYTES } from '../../../src/eventstore';
import { createProjectionDaemon, projectionStatus, type ProjectionDaemon } from '../../../src/projections';
import { useTestDatabase } from '../../support/database';
import { orderPlaced, testEventStore } from '../../support/eventStore';
import { applicationCounter, applications, eventIds } from '../../support/projections';
import { waitFor } from '../../support/waitFor';

describe('a running projection and appends still in flight', () => {
  const db = useTestDatabase();
  let daemon: ProjectionDaemon;
  beforeAll(async () => {
    daemon = createProjectionDaemon({ pool: db.pool, connectionString: db.url, contracts, projections: [applicationCounter], pollIntervalMs: 50, batchSize: 10 });
    await daemon.start();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('an append committed after later ones is applied, once, and nothing later is applied before it', async () => {
    const store = testEventStore(db);
    const slow = new pg.Client({ connectionString: db.url });
    await slow.connect();
    try {
      // The slow appender takes its position first and keeps its transaction open...
      const held = randomUUID();
      await slow.query('begin');
      const settings = { contracts, maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES, maxMetadataBytes: DEFAULT_MAX_METADATA_BYTES, notifier: undefined };
      const heldEvent = orderPlaced(held);
      await appendEvents(slow as unknown as pg.PoolClient, settings, `Order-${held}`, [heldEvent], { expectedVersion: 'no_stream' });
      // ...while concurrent appenders commit many later positions.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 10; i++) {
            const orderId = randomUUID();
            await store.append(`Order-${orderId}`, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 400));
      // Nothing after the open transaction is applied yet: applying it would move the checkpoint past the held event.
      expect((await applications(db.pool)).size).toBe(0);
      expect((await projectionStatus(db.pool))[0]!.lagEvents).toBe(40);

      await slow.query('commit');
      await waitFor(async () => (await projectionStatus(db.pool))[0]!.lagEvents === 0, 10_000);

      const counted = await applications(db.pool);
      expect(counted.get(heldEvent.eventId!)).toBe(1);
      expect([...counted.keys()].sort()).toEqual((await eventIds(db.pool, applicationCounter.eventTypes)).sort());
      expect([...counted.values()].every((times) => times === 1)).toBe(true);
      expect((await projectionStatus(db.pool))[0]).toMatchObject({ eventsApplied: 41, lagEvents: 0, lagMs: 0, status: 'running', owned: true });
      expect((await projectionStatus(db.pool))[0]!.eventsPerSecond).toBeCloseTo(41 / 60, 5);
    } finally {
      await slow.end();
    }
  });
});
