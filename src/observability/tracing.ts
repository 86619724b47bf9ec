import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { loadTracingConfig } from '../config/env';

/**
 * OpenTelemetry tracing for one process: a tracer provider registered as the process's global one
 * (what Temporal's client and activity interceptors and sagaflow's own spans use), and the span
 * processor the saga worker also hands its workflows' spans to (they are made in the sandbox and
 * cross into the worker through a sink).
 */
export interface Tracing {
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Exports what is still buffered and unregisters the provider. */
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider for the process. Production passes nothing and gets OTLP export
 * (`tracingFromEnv`); tests pass a processor over an in-memory exporter.
 */
export function startTracing({ serviceName, spanProcessor }: { serviceName: string; spanProcessor: SpanProcessor }): Tracing {
  const resource = Resource.default().merge(new Resource({ 'service.name': serviceName }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // AsyncLocalStorage context and W3C trace context: an append's span is the child of its activity's span.
  provider.register();
  return {
    spanProcessor,
    resource,
    async shutdown() {
      await provider.shutdown();
      // Without this a later startTracing in the same process (a test file's next rig) would be ignored.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * Tracing as OTEL_EXPORTER_OTLP_ENDPOINT configures it: OTLP/HTTP export in batches when set, and
 * undefined (nothing registered, the OpenTelemetry API stays a no-op) when not. A malformed endpoint
 * throws ConfigError naming the variable.
 */
export function tracingFromEnv(serviceName: string, env?: NodeJS.ProcessEnv): Tracing | undefined {
  const { otlpEndpoint } = loadTracingConfig(env);
  if (!otlpEndpoint) return undefined;
  const exporter = new OTLPTraceExporter({ url: new URL('v1/traces', otlpEndpoint.endsWith('/') ? otlpEndpoint : `${otlpEndpoint}/`).toString() });
  return startTracing({ serviceName, spanProcessor: new BatchSpanProcessor(exporter) });
}

/** sagaflow's own spans (an append, a projection batch); a no-op until a provider is registered. */
export function sagaflowTracer(): Tracer {
  return trace.getTracer('sagaflow');
}
