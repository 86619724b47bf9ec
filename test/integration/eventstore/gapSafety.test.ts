import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { contracts } from '../../support/contracts';
import { appendEvents, DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_PAYLOAD_BYTES, START, type Checkpoint, type StoredEvent } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { orderPlaced, testEventStore } from '../../support/eventStore';

describe('gap-safe global reads', () => {
  const db = useTestDatabase();

  const settings = { contracts, maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES, maxMetadataBytes: DEFAULT_MAX_METADATA_BYTES, notifier: undefined };

  async function readEverything(after: Checkpoint): Promise<{ events: StoredEvent[]; checkpoint: Checkpoint }> {
    const store = testEventStore(db);
    const events: StoredEvent[] = [];
    for (;;) {
      const page = await store.readAll({ after, limit: 2 });
      if (page.events.length === 0) return { events, checkpoint: after };
      events.push(...page.events);
      after = page.checkpoint;
    }
  }

  it('withholds a committed event while an earlier append is still in flight, then delivers both exactly once', async () => {
    const slow = new pg.Client({ connectionString: db.url });
    await slow.connect();
    try {
      const first = randomUUID();
      const second = randomUUID();
      // The first append takes its position and stays uncommitted.
      await slow.query('begin');
      const held = await appendEvents(slow as unknown as pg.PoolClient, settings, `Order-${first}`, [orderPlaced(first)], { expectedVersion: 'no_stream' });
      // A later append commits.
      const committed = await testEventStore(db).append(`Order-${second}`, [orderPlaced(second)], { expectedVersion: 'no_stream' });
      expect(committed.positions[0]).toBeGreaterThan(held.positions[0]!);

      const whileHeld = await readEverything(START);
      expect(whileHeld.events.map((e) => e.streamId)).not.toContain(`Order-${second}`);

      await slow.query('commit');
      const afterCommit = await readEverything(whileHeld.checkpoint);

      const delivered = [...whileHeld.events, ...afterCommit.events].map((e) => e.streamId);
      expect(delivered.filter((s) => s === `Order-${first}`)).toHaveLength(1);
      expect(delivered.filter((s) => s === `Order-${second}`)).toHaveLength(1);
      expect(delivered.indexOf(`Order-${first}`)).toBeLessThan(delivered.indexOf(`Order-${second}`));
    } finally {
      await slow.end();
    }
  });

  it('a reader that resumes from its checkpoint under concurrent appenders sees every event once', async () => {
    const store = testEventStore(db);
    const before = await readEverything(START);
    let checkpoint = before.checkpoint;
    const seen = new Set<string>();
    let stop = false;

    const reader = (async () => {
      while (!stop) {
        const page = await store.readAll({ after: checkpoint, limit: 50 });
        for (const event of page.events) {
          expect(seen.has(event.eventId)).toBe(false);
          seen.add(event.eventId);
        }
        checkpoint = page.checkpoint;
      }
    })();
    const writers = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 25; i++) {
        const orderId = randomUUID();
        await store.append(`Order-${orderId}`, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });
      }
    });
    await Promise.all(writers);
    stop = true;
    await reader;
    const rest = await readEverything(checkpoint);
    for (const event of rest.events) seen.add(event.eventId);

    expect(seen.size).toBe(200);
  });
});
