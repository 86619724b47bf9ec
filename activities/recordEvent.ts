import { SpanStatusCode } from '@opentelemetry/api';
import { ApplicationFailure } from '@temporalio/activity';
import { ConcurrencyError, EventStoreError, type EventStore } from '../src/eventstore';
import { sagaflowTracer } from '../src/observability/tracing';
import type { AppendedEvent, EventSlot } from '../src/saga/eventStream';
import { eventTraceOfAttempt } from './eventTrace';

/** What an activity appended for the workflow: the stream's new version and the event's position in the log. */
export type Appended = AppendedEvent;

/**
 * Appends the slot's event, idempotent by the event id the workflow made: a retry finds its event
 * there and reports the same version. A stream conflict or an invalid event is a non-retryable
 * failure; anything else (the database away) is thrown and retried.
 *
 * The event's metadata carries its order's trace (`traceId`, and `spanId`, the span that asked for
 * the append) when the workflow traced, read from the activity's headers: the same on every retry
 * (activities/eventTrace.ts). The append is a span of its own, `sagaflow.append`.
 */
export async function recordEvent(store: EventStore, slot: EventSlot, type: string, data: unknown): Promise<Appended> {
  const trace = eventTraceOfAttempt();
  const metadata = trace ? { ...slot.metadata, traceId: trace.traceId, spanId: trace.spanId } : slot.metadata;
  return sagaflowTracer().startActiveSpan('sagaflow.append', { attributes: { 'sagaflow.stream_id': slot.streamId, 'sagaflow.event_type': type, 'sagaflow.event_id': slot.eventId } }, async (span) => {
    try {
      const result = await store.append(slot.streamId, [{ eventId: slot.eventId, type, data, metadata }], { expectedVersion: slot.expectedVersion });
      span.setAttributes({ 'sagaflow.stream_version': result.streamVersion, 'sagaflow.global_position': result.checkpoint.globalPosition, 'sagaflow.duplicate': result.duplicate });
      return { streamVersion: result.streamVersion, globalPosition: result.checkpoint.globalPosition, transactionId: result.transactionId };
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      if (error instanceof EventStoreError) {
        // Retrying cannot fix a stream another writer moved, or an event the contract refuses.
        throw ApplicationFailure.nonRetryable(error.message, error instanceof ConcurrencyError ? 'ConcurrencyError' : error.name);
      }
      throw error;
    } finally {
      span.end();
    }
  });
}
