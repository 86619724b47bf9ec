import { WorkflowEventStream, type EventSlot } from '../../../src/saga';

const slot = (eventId: string): EventSlot => ({ streamId: 'Order-1', expectedVersion: 0, eventId, metadata: { correlationId: 'order-1', workflowId: 'order-1', runId: 'r' } });

describe('WorkflowEventStream positions', () => {
  it('has no position before its first append, then the position of the latest', () => {
    const stream = new WorkflowEventStream('Order-1');
    expect(stream.lastPosition).toBeUndefined();

    stream.appended(slot('a'), { streamVersion: 1, transactionId: '999', globalPosition: 7 });
    stream.appended(slot('b'), { streamVersion: 2, transactionId: '1000', globalPosition: 8 });

    expect(stream.currentVersion).toBe(2);
    expect(stream.lastPosition).toEqual({ transactionId: '1000', globalPosition: 8 });
  });

  it('orders transaction ids as numbers, not as text, and never moves back for an older report', () => {
    const stream = new WorkflowEventStream('Order-1');
    stream.appended(slot('a'), { streamVersion: 1, transactionId: '1000', globalPosition: 9 });
    // '999' sorts after '1000' as text; as a transaction id it is older.
    stream.appended(slot('b'), { streamVersion: 2, transactionId: '999', globalPosition: 12 });

    expect(stream.lastPosition).toEqual({ transactionId: '1000', globalPosition: 9 });
  });
});
