/**
 * Workflow interceptor module (bundled when the saga worker traces): Temporal's OpenTelemetry
 * workflow interceptors, with two changes that keep a traced run the same run as an untraced one.
 *
 * - Their span and trace ids come from a random stream of their own. Temporal's interceptors draw
 *   them from the workflow's Math.random, the stream uuid4() draws event ids from: a run started on
 *   an untraced worker and replayed on a traced one (or the reverse) would make other event ids on
 *   replay than it appended, and its next event would name a cause that is not in the log.
 * - Queries are not traced. A query changes nothing, and the Web UI queries a run each time someone
 *   opens it: every view would add a trace of its own.
 *
 * Replay emits nothing again: the spans leave the sandbox through a sink, and the worker drops sink
 * calls made while replaying history (a replay worker drops them all).
 */
import { getRandomStream, type WorkflowInboundCallsInterceptor, type WorkflowInterceptors, type WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';
import { OpenTelemetryInboundInterceptor, OpenTelemetryInternalsInterceptor, OpenTelemetryOutboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/workflow';

/** The stream's name is part of every traced run's determinism: never rename it. */
const SPAN_ID_STREAM = 'sagaflow.tracing';

/** Runs an interceptor method with its randomness drawn from the tracing stream; its `next` returns to the workflow's own. */
function withSpanIds<T>(fn: () => T): T {
  return getRandomStream(SPAN_ID_STREAM).with(fn);
}

class TracedInbound implements WorkflowInboundCallsInterceptor {
  private readonly traced = new OpenTelemetryInboundInterceptor();

  execute: NonNullable<WorkflowInboundCallsInterceptor['execute']> = (input, next) => withSpanIds(() => this.traced.execute(input, next));
  handleSignal: NonNullable<WorkflowInboundCallsInterceptor['handleSignal']> = (input, next) => withSpanIds(() => this.traced.handleSignal(input, next));
  handleUpdate: NonNullable<WorkflowInboundCallsInterceptor['handleUpdate']> = (input, next) => withSpanIds(() => this.traced.handleUpdate(input, next));
  validateUpdate: NonNullable<WorkflowInboundCallsInterceptor['validateUpdate']> = (input, next) => withSpanIds(() => this.traced.validateUpdate(input, next));
}

class TracedOutbound implements WorkflowOutboundCallsInterceptor {
  private readonly traced = new OpenTelemetryOutboundInterceptor();

  scheduleActivity: NonNullable<WorkflowOutboundCallsInterceptor['scheduleActivity']> = (input, next) => withSpanIds(() => this.traced.scheduleActivity(input, next));
  scheduleLocalActivity: NonNullable<WorkflowOutboundCallsInterceptor['scheduleLocalActivity']> = (input, next) =>
    withSpanIds(() => this.traced.scheduleLocalActivity(input, next));
  startChildWorkflowExecution: NonNullable<WorkflowOutboundCallsInterceptor['startChildWorkflowExecution']> = (input, next) =>
    withSpanIds(() => this.traced.startChildWorkflowExecution(input, next));
  continueAsNew: NonNullable<WorkflowOutboundCallsInterceptor['continueAsNew']> = (input, next) => withSpanIds(() => this.traced.continueAsNew(input, next));
  signalWorkflow: NonNullable<WorkflowOutboundCallsInterceptor['signalWorkflow']> = (input, next) => withSpanIds(() => this.traced.signalWorkflow(input, next));
  getLogAttributes: NonNullable<WorkflowOutboundCallsInterceptor['getLogAttributes']> = (input, next) => this.traced.getLogAttributes(input, next);
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new TracedInbound()],
  outbound: [new TracedOutbound()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
