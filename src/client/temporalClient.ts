import { Client, type ConnectionLike } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

/**
 * The Temporal client for sagaflow's process clients (createOrderClient, …): a saga's trace begins
 * at its start call, in a span that travels to the workflow in the start's headers. It reports to
 * the process's global OpenTelemetry provider: app code installs one itself, or lets sagaflow do it
 * from OTEL_EXPORTER_OTLP_ENDPOINT with `tracingFromEnv('my-app')` (src/observability/tracing.ts).
 * Without one the interceptor costs a no-op span per call.
 */
export function createTemporalClient(connection: ConnectionLike, namespace: string): Client {
  return new Client({ connection, namespace, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
}
