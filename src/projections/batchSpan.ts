import { SpanKind, SpanStatusCode, TraceFlags, type Link } from '@opentelemetry/api';
import type { StoredEvent } from '../eventstore';
import { sagaflowTracer } from '../observability/tracing';
import type { Projection } from './defineProjection';

/** The name of a projection batch's span. */
export const PROJECTION_BATCH_SPAN = 'sagaflow.projection.batch';

/**
 * Runs one projection batch in a span of its own, `sagaflow.projection.batch`, linked to the trace
 * of every order whose events it applies.
 *
 * A link, not a parent: one batch applies the events of many orders, so it belongs to none of their
 * traces, and an order's trace should not stay open until some projection catches up. Each link
 * points at the span an event's metadata names (`traceId`, `spanId`: the workflow's span that
 * scheduled the append, see activities/eventTrace.ts); ids that are stable, not the append's own
 * span, because the metadata must be the same on every retry of the activity. One link per trace
 * (its first event in the batch), so a 500-event batch stays within the SDK's 128 links per span.
 */
export async function inBatchSpan<T>(projection: Projection, events: readonly StoredEvent[], apply: () => Promise<T>): Promise<T> {
  const links = traceLinks(events);
  const attributes = { 'sagaflow.projection': projection.name, 'sagaflow.projection_version': projection.version, 'sagaflow.events': events.length, 'sagaflow.traces': links.length };
  return sagaflowTracer().startActiveSpan(PROJECTION_BATCH_SPAN, { kind: SpanKind.CONSUMER, attributes, links }, async (span) => {
    try {
      return await apply();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

function traceLinks(events: readonly StoredEvent[]): Link[] {
  const links = new Map<string, Link>();
  for (const { metadata, eventId, streamId } of events) {
    const { traceId, spanId } = metadata;
    if (typeof traceId !== 'string' || typeof spanId !== 'string' || links.has(traceId)) continue;
    links.set(traceId, { context: { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true }, attributes: { 'sagaflow.stream_id': streamId, 'sagaflow.event_id': eventId } });
  }
  return [...links.values()];
}
