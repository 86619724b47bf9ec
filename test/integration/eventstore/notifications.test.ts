import { randomUUID } from 'node:crypto';
import { subscribeToAppends } from '../../../src/eventstore';
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
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
