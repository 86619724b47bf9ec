/**
 * What a step's activity and the engine say to each other. Workflow-safe: the workflow reads the
 * replies, the activities build the outcomes, the step recorder (activities/stepRecorder.ts) turns
 * one into the other.
 */
import type { AppendedEvent, EventSlot } from './eventStream';

/** A domain event a step records: its contract's type and data. */
export interface StepEvent {
  type: string;
  data: unknown;
}

/** What the engine hands an action besides its input. */
export interface StepCall {
  /** The idempotency key of the external call: `<workflow id>:<step name>`, the same on every retry and replay. */
  key: string;
}

/** What the engine hands a compensation besides its input. */
export interface UndoCall extends StepCall {
  /** The key its action used, to find what the action did when its reply was lost. */
  actionKey: string;
  /** Whether the workflow saw the action's result. When false, the action may or may not have happened. */
  actionCompleted: boolean;
}

/**
 * How a step's activity ended, as its activity returns it:
 * - done: the effect happened (or was found done), with its result and the event recording it;
 * - rejected: the service said no for a business reason; nothing happened, so nothing is undone. It
 *   may still record an event (a declined card is a fact worth keeping);
 * - nothing_to_undo: a compensation found no effect of its action to undo, and records nothing.
 */
export type StepOutcome<R> =
  | { kind: 'done'; result: R; event?: StepEvent }
  | { kind: 'rejected'; reason: string; event?: StepEvent }
  | { kind: 'nothing_to_undo' };

export function done<R>(result: R, event?: StepEvent): StepOutcome<R> {
  return { kind: 'done', result, ...(event ? { event } : {}) };
}

export function rejected(reason: string, event?: StepEvent): StepOutcome<never> {
  return { kind: 'rejected', reason, ...(event ? { event } : {}) };
}

export function nothingToUndo(): StepOutcome<never> {
  return { kind: 'nothing_to_undo' };
}

/** A step activity: a plain function of its input and the engine's call, doing one idempotent effect. */
export type StepActivity<I, R> = (input: I, call: StepCall & Partial<UndoCall>) => Promise<StepOutcome<R>>;

/** The one argument the engine schedules a step activity with; the recorder unpacks it. */
export interface StepEnvelope {
  sagaflowStep: 1;
  input: unknown;
  call: StepCall | UndoCall;
  /** Where the outcome's event goes: the id and expected version made in the workflow. */
  slot: EventSlot;
}

/** What the workflow gets back: the outcome, with the appended event's position instead of the event. */
export type StepReply<R> =
  | { kind: 'done'; result: R; appended?: AppendedEvent }
  | { kind: 'rejected'; reason: string; appended?: AppendedEvent }
  | { kind: 'nothing_to_undo' };

export function isStepEnvelope(value: unknown): value is StepEnvelope {
  return typeof value === 'object' && value !== null && (value as { sagaflowStep?: unknown }).sagaflowStep === 1;
}

/** The input and result types of a process's step activities, for the workflow's typed calls. */
export type StepInput<F> = F extends (input: infer I, call: never) => Promise<StepOutcome<unknown>> ? I : never;
export type StepResult<F> = F extends (input: never, call: never) => Promise<StepOutcome<infer R>> ? R : never;
