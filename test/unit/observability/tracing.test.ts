import { trace } from '@opentelemetry/api';
import { defaultPayloadConverter } from '@temporalio/common';
import { eventTraceOf } from '../../../activities/eventTrace';
import { ConfigError, loadTracingConfig } from '../../../src/config/env';
import { tracingFromEnv } from '../../../src/observability/tracing';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const headersWith = (carrier: unknown) => ({ '_tracer-data': defaultPayloadConverter.toPayload(carrier) });

describe('tracing configuration', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: nothing registered, the OpenTelemetry API stays a no-op', () => {
    expect(loadTracingConfig({})).toEqual({});
    expect(tracingFromEnv('sagaflow-test', { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBeUndefined();
    expect(trace.getTracer('sagaflow').startSpan('x').isRecording()).toBe(false);
  });

  it('exports to the endpoint when it is set', async () => {
    const tracing = tracingFromEnv('sagaflow-test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' });
    try {
      expect(tracing).toBeDefined();
      expect(trace.getTracer('sagaflow').startSpan('x').isRecording()).toBe(true);
    } finally {
      await tracing?.shutdown();
    }
    expect(trace.getTracer('sagaflow').startSpan('x').isRecording()).toBe(false);
  });

  it.each(['localhost:4318', 'grpc://collector:4317', 'not a url'])('refuses the endpoint %j with a ConfigError naming the variable', (endpoint) => {
    expect(() => loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toThrow(ConfigError);
    expect(() => loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/);
  });
});

describe("an event's trace, read from its activity's headers", () => {
  it('is the trace id and parent span id of the W3C traceparent Temporal propagates', () => {
    expect(eventTraceOf(headersWith({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` }))).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID });
  });

  it.each([
    ['no trace header', {}],
    ['an empty carrier (a client without a tracer provider)', headersWith({})],
    ['an all-zero trace id', headersWith({ traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` })],
    ['a malformed traceparent', headersWith({ traceparent: `00-${TRACE_ID}-01` })],
  ])('is absent with %s', (_case, headers) => {
    expect(eventTraceOf(headers)).toBeUndefined();
  });
});
