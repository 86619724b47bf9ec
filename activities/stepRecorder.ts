import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import type { EventStore } from '../src/eventstore';
import type { EventSlot } from '../src/saga/eventStream';
import { isStepEnvelope, type StepOutcome, type StepReply } from '../src/saga/stepOutcome';
import { recordEvent } from './recordEvent';

/**
 * Turns a step activity's outcome into its recorded reply, in the same attempt: the activity does
 * its effect and returns the event; this appends the event with the slot the workflow made. One
 * round trip per step, and under retries and crashes exactly one effect (the external call's key)
 * and one event (the slot's event id).
 *
 * An interceptor rather than a wrapper around each function, so that interceptors placed after it
 * in the worker's list (a test's crash between effect and append) run between the two.
 */
export function recordStepEvents(store: EventStore): ActivityInterceptorsFactory {
  return (context) => ({ inbound: new StepRecorder(store, context.info.activityType) });
}

class StepRecorder implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly store: EventStore,
    private readonly activityType: string,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const [envelope] = input.args;
    if (input.args.length !== 1 || !isStepEnvelope(envelope)) return next(input);
    const outcome = (await next({ ...input, args: [envelope.input, envelope.call] })) as StepOutcome<unknown>;
    return this.reply(envelope.slot, outcome);
  }

  private async reply(slot: EventSlot, outcome: StepOutcome<unknown>): Promise<StepReply<unknown>> {
    switch (outcome?.kind) {
      case 'nothing_to_undo':
        return outcome;
      case 'done':
        return { kind: 'done', result: outcome.result, ...(outcome.event ? { appended: await recordEvent(this.store, slot, outcome.event.type, outcome.event.data) } : {}) };
      case 'rejected':
        return { kind: 'rejected', reason: outcome.reason, ...(outcome.event ? { appended: await recordEvent(this.store, slot, outcome.event.type, outcome.event.data) } : {}) };
      default:
        // A programming error: no retry returns anything else.
        throw ApplicationFailure.nonRetryable(`${this.activityType} must return done(…), rejected(…) or nothingToUndo() (src/saga); it returned ${JSON.stringify(outcome)}`, 'InvalidStepOutcome');
    }
  }
}
