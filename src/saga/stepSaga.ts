import { ApplicationFailure, proxyActivities, proxyLocalActivities, workflowInfo, type ActivityInterfaceFor, type LocalActivityInterfaceFor } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { compensatedRunFailure } from './compensatedRun';
import { recordCompensationEvents } from './compensationEvents';
import { WorkflowEventStream, type AppendedEvent, type EventSlot, type SlotOptions } from './eventStream';
import { BUSINESS_REJECTION } from './failures';
import { retryProfile } from './retryProfile';
import { Saga, type StepDefinition } from './saga';
import { SAGA_EVENT_FIELDS, SAGA_EVENTS } from './sagaEvents';
import type { StepEnvelope, StepInput, StepReply, StepResult, UndoCall } from './stepOutcome';
import type { SagaResult } from './types';

/**
 * The activity type of a saga's step: its saga type and step name (`OrderFulfillment.reserveInventory`),
 * so two processes' steps never share a name and the Web UI says whose step ran.
 */
export function stepActivityType(sagaType: string, step: string): string {
  return `${sagaType}.${step}`;
}

/** The local activity every saga appends its own events with (opening, completion, compensation records). */
export const RECORD_SAGA_EVENT = 'recordSagaEvent';

export interface StepSagaOptions {
  sagaType: string;
  /** The stream the run writes, e.g. `Order-<id>`: the run is its single writer. */
  streamId: string;
  /**
   * The business keys the run is known by, e.g. `{ orderId }`: every saga-level event (SagaCompleted,
   * SagaFailed, SagaCompensationFailed, SagaCompensationResolved) carries them beside the saga type.
   */
  subject: Record<string, string>;
  /** The run's business search attributes (the key, the customer); set at start by the client, upserted only when missing. */
  searchAttributes?: SearchAttributeUpdatePair[];
}

/** How a step's compensation is called: which step activity, with what input, labelled how. */
export type Undo<A, R> = {
  [U in keyof A & string]: {
    step: U;
    /** Made from the action's result, or from nothing when its reply was lost (the activity then looks its action up by key). */
    input: (result: R | undefined) => StepInput<A[U]>;
    summary?: string;
  };
}[keyof A & string];

export interface StepOptions<A, R> {
  /** One line for the Web UI's event history and the step table, e.g. "Reserve 3 items". */
  summary?: string;
  undo?: Undo<A, R>;
  /**
   * The step's own name when one activity runs as several steps of a run (`reserveSeat` as
   * `outboundSeat` and `returnSeat`): the idempotency key and the step table use it. Defaults to
   * the activity's name.
   */
  as?: string;
}

/** One member of a parallel group. */
export type ParallelStep<A> = {
  [K in keyof A & string]: StepOptions<A, StepResult<A[K]>> & { step: K; input: StepInput<A[K]> };
}[keyof A & string];

type ResultsOf<A, G extends readonly ParallelStep<A>[]> = { [I in keyof G]: G[I] extends { step: infer K extends keyof A } ? StepResult<A[K]> : never };

// The engine calls a process's step activities by name with an envelope, whatever their own signatures.
type StepActivities = Record<string, (envelope: StepEnvelope) => Promise<StepReply<unknown>>>;
type RecordActivities = Record<string, (slot: EventSlot, type: string, data: unknown) => Promise<AppendedEvent>>;
type StepProxy = ActivityInterfaceFor<StepActivities>;
type RecordProxy = LocalActivityInterfaceFor<RecordActivities>;

/**
 * A saga whose steps are declared by name: from the name the engine derives the external call's
 * idempotency key (`<workflow id>:<step>`; its undo's is `<workflow id>:<step>:undo`), the event
 * slot (id made here, before scheduling), the activity summary, and the key a compensation uses to
 * find an action whose reply was lost. The
 * step activities (typed by `A`) do one effect each and return `done(result, event)`,
 * `rejected(reason, event?)` or `nothingToUndo()`; the worker's step recorder appends the event in
 * the same attempt. A rejection fails the step with nothing to undo; anything else thrown is retried
 * by the activity's policy, then compensated.
 *
 * Construct it at the start of the workflow function (it registers the saga's query and signals).
 */
export class StepSaga<A> {
  readonly stream: WorkflowEventStream;
  private readonly saga: Saga;
  private readonly actions: StepProxy;
  private readonly compensations: StepProxy;
  private readonly records: RecordProxy;
  private readonly usedNames = new Set<string>();

  constructor(private readonly options: StepSagaOptions) {
    const reserved = Object.keys(options.subject).filter((field) => (SAGA_EVENT_FIELDS as readonly string[]).includes(field));
    if (reserved.length > 0) {
      throw ApplicationFailure.nonRetryable(`${options.sagaType}'s subject may not use ${reserved.join(', ')}: the saga events set those fields themselves`, 'InvalidSagaSubject');
    }
    const profile = retryProfile();
    this.actions = proxyActivities<StepActivities>(profile.actions);
    this.compensations = proxyActivities<StepActivities>(profile.compensations);
    this.records = proxyLocalActivities<RecordActivities>(profile.records);
    this.stream = new WorkflowEventStream(options.streamId);
    this.saga = new Saga({
      sagaType: options.sagaType,
      stream: this.stream,
      startAttributes: options.searchAttributes ?? [],
      ...recordCompensationEvents((type, data) => this.record(type, data), {
        subject: this.subject(),
        types: SAGA_EVENTS,
        compensationAttempts: profile.compensationAttempts,
      }),
    });
  }

  /** Records the run's opening event: first in run()'s body. If it cannot be recorded, the run ends FAILED having written nothing. */
  open(eventType: string, data: unknown): Promise<void> {
    return this.saga.open(eventType, () => this.record(eventType, data));
  }

  /** Runs one step; its compensation, if any, is registered before it starts (its reply may be lost after the effect). */
  step<K extends keyof A & string>(activity: K, input: StepInput<A[K]>, options: StepOptions<A, StepResult<A[K]>> = {}): Promise<StepResult<A[K]>> {
    return this.saga.step(options.as ?? activity, this.define<StepResult<A[K]>>(activity, input, options, false));
  }

  /**
   * Runs steps concurrently, each recording its event once. Their events land in the stream in the
   * order they finish; the workflow learns each position from its reply, so replay sees the same.
   * If any fails, the group waits for the rest, then compensates every step that ran or may have,
   * last declared first.
   */
  parallel<G extends readonly ParallelStep<A>[]>(group: G): Promise<ResultsOf<A, G>> {
    const steps = group.map((member) => ({ name: member.as ?? member.step, ...this.define(member.step, member.input, member as StepOptions<A, unknown>, true) }));
    return this.saga.parallel(steps) as Promise<ResultsOf<A, G>>;
  }

  /**
   * Runs the body, records SagaCompleted, and on failure compensates; see Saga.run. A run
   * that completed returns its SagaResult with `fields` (the process's own, e.g. `{ orderId }`);
   * one that was compensated ends failed, with a SagaCompensated (or, after an operator resolved a
   * compensation, SagaCompensationResolved) ApplicationFailure carrying that same object in its
   * details, so the Web UI shows it as Failed and says why. A cancelled run stays cancelled.
   */
  async run<R, F extends object = Record<never, never>>(body: () => Promise<R>, fields?: F): Promise<F & SagaResult<R>> {
    const result = await this.saga.run(async () => {
      const value = await body();
      await this.record(SAGA_EVENTS.completed, this.subject());
      return value;
    });
    const decorated = { ...fields, ...result } as F & SagaResult<R>;
    if (result.outcome === 'COMPLETED') return decorated;
    throw compensatedRunFailure(decorated);
  }

  private define<R>(activity: string, input: unknown, { summary, undo, as }: StepOptions<A, R>, concurrent: boolean): StepDefinition<R> {
    const name = as ?? activity;
    if (this.usedNames.has(name)) {
      throw ApplicationFailure.nonRetryable(`step ${name} runs twice in one ${this.options.sagaType} run: its idempotency key would repeat (name each with \`as\`)`, 'DuplicateStep');
    }
    this.usedNames.add(name);
    const key = this.keyOf(name);
    let actionCompleted = false;
    return {
      ...(summary ? { summary } : {}),
      run: async () => {
        const reply = await this.call(this.actions, activity, summary, input, { key }, { concurrent, mark: { step: name } });
        if (reply.kind === 'rejected') throw ApplicationFailure.nonRetryable(reply.reason, BUSINESS_REJECTION);
        if (reply.kind !== 'done') throw ApplicationFailure.nonRetryable(`step ${name} answered ${reply.kind}, which only a compensation may`, 'InvalidStepOutcome');
        actionCompleted = true;
        return reply.result as R;
      },
      ...(undo
        ? {
            compensate: async (result: R | undefined) => {
              // The undo's own key is its action's, marked: one undo activity may serve several steps.
              const call: UndoCall = { key: `${key}:undo`, actionKey: key, actionCompleted };
              // Not having seen the action complete, the workflow cannot tell whether there is anything to undo: the label says so.
              const label = actionCompleted ? undo.summary : `${undo.summary ?? undo.step}, if ${name} took effect`;
              const reply = await this.call(this.compensations, undo.step, label, undo.input(result), call, { mark: { compensates: name } });
              return reply.kind === 'nothing_to_undo' ? 'nothing_to_undo' : undefined;
            },
          }
        : {}),
    };
  }

  private call(proxy: StepProxy, activity: string, summary: string | undefined, input: unknown, call: StepEnvelope['call'], slot: SlotOptions) {
    return this.stream.write(
      (made) => proxy[stepActivityType(this.options.sagaType, activity)]!.executeWithOptions(summary ? { summary } : {}, [{ sagaflowStep: 1, input, call, slot: made }]),
      slot,
    );
  }

  private async record(type: string, data: unknown): Promise<void> {
    await this.stream.write(async (slot) => ({ appended: await this.records[RECORD_SAGA_EVENT]!.executeWithOptions({ summary: `Record ${type}` }, [slot, type, data]) }));
  }

  /** What every saga-level event says of the run: its saga type and business keys. */
  private subject(): Record<string, string> {
    return { sagaType: this.options.sagaType, ...this.options.subject };
  }

  private keyOf(step: string): string {
    return `${workflowInfo().workflowId}:${step}`;
  }
}
