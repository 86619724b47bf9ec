import { ApplicationFailure } from '@temporalio/activity';
import { ConcurrencyError, EventStoreError, type EventStore } from '../src/eventstore';
import type { AppendedEvent, EventSlot } from '../src/saga/eventStream';

/** What an activity appended for the workflow: the stream's new version and the event's position in the log. */
export type Appended = AppendedEvent;

/**
 * Appends the slot's event, idempotent by the event id the workflow made: a retry finds its event
 * there and reports the same version. A stream conflict or an invalid event is a non-retryable
 * failure; anything else (the database away) is thrown and retried.
 */
export async function recordEvent(store: EventStore, slot: EventSlot, type: string, data: unknown): Promise<Appended> {
  try {
    const result = await store.append(slot.streamId, [{ eventId: slot.eventId, type, data, metadata: slot.metadata }], {
      expectedVersion: slot.expectedVersion,
    });
    return { streamVersion: result.streamVersion, globalPosition: result.checkpoint.globalPosition, transactionId: result.transactionId };
  } catch (error) {
    if (error instanceof EventStoreError) {
      // Retrying cannot fix a stream another writer moved, or an event the contract refuses.
      throw ApplicationFailure.nonRetryable(error.message, error instanceof ConcurrencyError ? 'ConcurrencyError' : error.name);
    }
    throw error;
  }
}
