import { randomUUID } from 'node:crypto';
import { postgresConnection } from '../../../src/config/connections';
import { contracts } from '../../support/contracts';
import { appendEvents, AppendNotifier, DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_PAYLOAD_BYTES, subscribeToAppends } from '../../../src/eventstore';
import { useTestDatabase } from '../../support/database';
import { orderPlaced, testEventStore } from '../../support/eventStore';

describe('append notifications', () => {
  const db = useTestDatabase();

  it('wakes a subscriber on commit with the stream id, and stays silent when notify is off', async () => {
    const received: string[] = [];
    const subscription = await subscribeToAppends(db.url, (streamId) => received.push(streamId));
    try {
      const loud = randomUUID();
      const quiet = randomUUID();
      await testEventStore(db, { notify: false }).append(`Order-${quiet}`, [orderPlaced(quiet)], { expectedVersion: 'no_stream' });
      await testEventStore(db).append(`Order-${loud}`, [orderPlaced(loud)], { expectedVersion: 'no_stream' });

      await waitFor(() => received.length > 0);
      expect(received).toEqual([`Order-${loud}`]);
    } finally {
      await subscription.close();
    }
  });

  it('takes client settings as well as a URL, so TLS and the rest of postgresConnection reach the listening session', async () => {
    const applicationName = `listener-${randomUUID().slice(0, 8)}`;
    const subscription = await subscribeToAppends({ ...postgresConnection(db.url), application_name: applicationName }, () => undefined);
    try {
      const { rows } = await db.pool.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where application_name = $1', [applicationName]);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await subscription.close();
    }
  });

  it("inside the caller's transaction, notifies on its commit and not before", async () => {
    const received: string[] = [];
    const subscription = await subscribeToAppends(db.url, (streamId) => received.push(streamId));
    const client = await db.pool.connect();
    try {
      const orderId = randomUUID();
      await client.query('begin');
      const settings = { contracts, maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES, maxMetadataBytes: DEFAULT_MAX_METADATA_BYTES, notifier: new AppendNotifier(db.pool) };
      await appendEvents(client, settings, `Order-${orderId}`, [orderPlaced(orderId)], { expectedVersion: 'no_stream' });
      await new Promise((r) => setTimeout(r, 200));
      expect(received).toEqual([]);

      await client.query('commit');

      await waitFor(() => received.length > 0);
      expect(received).toEqual([`Order-${orderId}`]);
    } finally {
      client.release();
      await subscription.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
