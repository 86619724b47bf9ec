import { AsyncLocalStorage } from 'node:async_hooks';
import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/**
 * Where an appended event sits in its order's trace: the trace's id, and the span that asked for the
 * append (the workflow's span scheduling the activity). Both come from the trace context the workflow
 * put in the activity's headers, which Temporal keeps in the run's history: every retry of the
 * activity, on any worker, after any restart, reads the same two ids. That matters because the
 * store compares a retried event's metadata with the stored one byte for byte. The activity's own
 * span is no use here: it is new on each attempt.
 */
export interface EventTrace {
  traceId: string;
  spanId: string;
}

const traceOfAttempt = new AsyncLocalStorage<EventTrace | undefined>();

/**
 * Activity interceptor: makes the trace context in an activity's headers what `eventTraceOfAttempt`
 * returns while it runs. Installed whether or not this worker traces, so an event's metadata does not
 * depend on which worker ran the attempt.
 */
export function readEventTraces(): ActivityInterceptorsFactory {
  return () => ({ inbound: { execute: (input, next) => traceOfAttempt.run(eventTraceOf(input.headers), () => next(input)) } });
}

/** The trace the running activity's events belong to; undefined outside one, or when its workflow did not trace. */
export function eventTraceOfAttempt(): EventTrace | undefined {
  return traceOfAttempt.getStore();
}

/** The W3C trace context Temporal's interceptors propagate (`traceparent`: version-traceid-spanid-flags), if valid. */
export function eventTraceOf(headers: Headers): EventTrace | undefined {
  const payload = headers[TRACE_HEADER];
  if (!payload) return undefined;
  const carrier: unknown = defaultPayloadConverter.fromPayload(payload);
  const traceparent = (carrier as { traceparent?: unknown } | null)?.traceparent;
  if (typeof traceparent !== 'string') return undefined;
  const [, traceId, spanId] = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(traceparent) ?? [];
  return traceId && spanId && isValidTraceId(traceId) && isValidSpanId(spanId) ? { traceId, spanId } : undefined;
}
