import { CancellationScope, condition, isCancellation, patched, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { BUSINESS_REJECTION, failureTypeOf, messageOf } from './failures';
import { resolveCompensationSignal, retryCompensationSignal, sagaStateQuery } from './handlers';
import { OPENING_EVENT_PATCH, OPENING_EVENT_REFUSED, openingEventRefused } from './opening';
import { SagaStatusKey } from './searchAttributes';
import { webUiMarkdown } from './webUiMarkdown';
import type { EventPosition, Resolution, SagaFailure, SagaOutcome, SagaResult, SagaState, SagaStatus, StepState } from './types';

export interface StepDefinition<T> {
  /** One line for the Web UI, e.g. "Reserve 3 items". */
  summary?: string;
  /** The action: an idempotent activity call. */
  run: () => Promise<T>;
  /**
   * Undoes the action; idempotent too. Registered before the action runs, because an action whose
   * reply was lost (a timeout, a crashed worker) may still have happened. Receives the action's
   * result when it is known. Resolves to 'nothing_to_undo' when it found no effect to undo.
   */
  compensate?: (result: T | undefined) => Promise<void | 'nothing_to_undo'>;
}

export interface NamedStep<T> extends StepDefinition<T> {
  name: string;
}

export interface SagaOptions {
  sagaType: string;
  /** The stream the run writes (a WorkflowEventStream): its last position goes into the state and the result. */
  stream?: { readonly lastPosition: EventPosition | undefined };
  /**
   * The run's business search attributes, published with its first SagaStatus in one upsert, and
   * only those the run was not started with (a client sets them all at start). Without it the
   * SagaStatus is upserted on its own, as runs started before the step engine did.
   */
  startAttributes?: SearchAttributeUpdatePair[];
  /** Failure types that prove the action had no effect, so its compensation is skipped. */
  noEffectFailureTypes?: string[];
  /** Called when a compensation is out of retries, before the run waits for an operator (e.g. to record an event). */
  onCompensationFailed?: (step: string, error: string) => Promise<void>;
  /** Called after an operator resolved a failed compensation by hand. */
  onCompensationResolved?: (resolution: Resolution) => Promise<void>;
  /** Called once compensation is over, whatever its outcome, still shielded from cancellation. */
  afterCompensation?: (outcome: SagaOutcome, failure: SagaFailure | undefined) => Promise<void>;
}

type OperatorAction = { kind: 'retry' } | { kind: 'resolve'; note: string; resolvedBy: string };

/** A step's row in the step table: what its action did and what its compensation did, each in a few words. */
interface StepRow {
  action: string;
  undo: string;
}

/**
 * A saga inside one workflow run: steps with compensations, undone last-in-first-out on failure or
 * cancellation, in a scope cancellation cannot interrupt. Its state is served by the `sagaState`
 * query, its status kept in the SagaStatus search attribute and its step table in the run's
 * current details, so the Web UI shows where it stands. A compensation still failing after its
 * activity's retry budget parks the run in COMPENSATION_FAILED until an operator signals
 * `retryCompensation` or `resolveCompensation`.
 *
 * Construct it at the start of the workflow function (it registers the query and signal handlers).
 */
export class Saga {
  private readonly steps: StepState[] = [];
  private readonly compensations: Array<{ state: StepState; compensate: () => Promise<void | 'nothing_to_undo'> }> = [];
  private readonly resolutions: Resolution[] = [];
  /** The step table's rows: kept apart from the steps' states, whose single status and error cannot say both what the action and its compensation did. */
  private readonly rows = new Map<StepState, StepRow>();
  private readonly noEffect: Set<string>;
  private status: SagaStatus = 'RUNNING';
  private publishedStatus: SagaStatus | undefined;
  private failure: SagaFailure | undefined;
  private operatorAction: OperatorAction | undefined;

  constructor(private readonly options: SagaOptions) {
    this.noEffect = new Set(options.noEffectFailureTypes ?? [BUSINESS_REJECTION]);
    setHandler(sagaStateQuery, () => this.state());
    // Signals count only while a compensation is parked; one sent at any other time is ignored, so
    // a stale signal cannot resolve a failure that happens later.
    setHandler(retryCompensationSignal, () => {
      if (this.status === 'COMPENSATION_FAILED') this.operatorAction = { kind: 'retry' };
    });
    setHandler(resolveCompensationSignal, ({ note, resolvedBy }) => {
      if (this.status === 'COMPENSATION_FAILED' && note?.trim() && resolvedBy?.trim()) {
        this.operatorAction = { kind: 'resolve', note: note.trim(), resolvedBy: resolvedBy.trim() };
      }
    });
    this.publish();
  }

  state(): SagaState {
    return {
      sagaType: this.options.sagaType,
      status: this.status,
      steps: this.steps.map((s) => ({ ...s })),
      ...(this.failure ? { failure: { ...this.failure } } : {}),
      resolutions: [...this.resolutions],
      ...this.position(),
    };
  }

  private position(): { position?: EventPosition } {
    const position = this.options.stream?.lastPosition;
    return position ? { position } : {};
  }

  /**
   * Records the run's opening event (OrderPlaced): call it first in run()'s body, before any step.
   * Every other event of the stream follows it, so when it cannot be recorded (the contract refuses
   * the input, the stream exists, the store stays away past the retries) the run writes nothing
   * else: no compensation, as nothing happened, and no failure event, which would open the stream
   * in its place. It fails with OpeningEventRefused and SagaStatus FAILED.
   */
  async open(eventType: string, record: () => Promise<unknown>): Promise<void> {
    if (this.steps.length > 0) throw new Error(`the opening event ${eventType} must be recorded before the first step`);
    try {
      await record();
    } catch (error) {
      // A cancellation is the run being stopped, not the event being refused: it compensates as ever.
      if (isCancellation(error) || !patched(OPENING_EVENT_PATCH)) throw error;
      const failure = openingEventRefused(eventType, error);
      this.failure = { message: failure.message, type: OPENING_EVENT_REFUSED };
      this.setStatus('FAILED');
      throw failure;
    }
  }

  async step<T>(name: string, definition: StepDefinition<T>): Promise<T> {
    const state: StepState = { name, status: 'running', ...(definition.summary ? { summary: definition.summary } : {}) };
    this.steps.push(state);
    const row: StepRow = { action: 'running…', undo: '' };
    this.rows.set(state, row);
    let result: T | undefined;
    const compensation = definition.compensate;
    const entry = compensation ? { state, compensate: () => compensation(result) } : undefined;
    if (entry) this.compensations.push(entry);
    this.publish();
    try {
      result = await definition.run();
      state.status = 'done';
      row.action = 'done';
      return result;
    } catch (error) {
      state.status = 'failed';
      state.error = messageOf(error);
      const type = failureTypeOf(error);
      row.action = type === BUSINESS_REJECTION ? `refused: ${state.error}` : type === 'Cancelled' ? 'cancelled' : `failed: ${state.error}`;
      if (entry && type !== undefined && this.noEffect.has(type)) {
        this.compensations.splice(this.compensations.indexOf(entry), 1);
      }
      this.failure ??= { step: name, message: state.error, ...(type ? { type } : {}) };
      throw error;
    } finally {
      this.publish();
    }
  }

  /** Runs steps concurrently; if any fails, waits for all to settle, then fails with the first failure. */
  async parallel<T extends readonly unknown[]>(steps: { [K in keyof T]: NamedStep<T[K]> }): Promise<T> {
    const settled = await Promise.allSettled(steps.map((s: NamedStep<unknown>) => this.step(s.name, s)));
    const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
  }

  /**
   * Runs the saga's body. On success: COMPLETED with the body's value. On failure: compensates and
   * returns COMPENSATED (or COMPENSATION_FAILED after an operator resolution). On cancellation:
   * compensates, then rethrows the cancellation so the run ends as cancelled. When open() could not
   * record the opening event: rethrows its OpeningEventRefused failure, with nothing compensated or recorded.
   */
  async run<R>(body: () => Promise<R>): Promise<SagaResult<R>> {
    try {
      const value = await body();
      this.setStatus('COMPLETED');
      return { outcome: 'COMPLETED', value, steps: this.state().steps, resolutions: [], ...this.position() };
    } catch (error) {
      // The opening event was refused: there is nothing to undo and no stream to record the failure in.
      if (this.status === 'FAILED') throw error;
      if (isCancellation(error)) {
        this.failure = { ...(this.failure?.step ? { step: this.failure.step } : {}), message: 'the run was cancelled', type: 'Cancelled' };
      } else {
        const type = failureTypeOf(error);
        this.failure ??= { message: messageOf(error), ...(type ? { type } : {}) };
      }
      const outcome = await CancellationScope.nonCancellable(async () => {
        const result = await this.compensate();
        await this.options.afterCompensation?.(result, this.failure);
        return result;
      });
      if (isCancellation(error)) throw error;
      return { outcome, ...(this.failure ? { failure: this.failure } : {}), steps: this.state().steps, resolutions: [...this.resolutions], ...this.position() };
    }
  }

  private async compensate(): Promise<SagaOutcome> {
    this.setStatus('COMPENSATING');
    for (const entry of [...this.compensations].reverse()) {
      const row = this.rows.get(entry.state)!;
      for (;;) {
        entry.state.status = 'compensating';
        row.undo = 'undoing…';
        this.publish();
        try {
          entry.state.status = (await entry.compensate()) === 'nothing_to_undo' ? 'nothing_to_undo' : 'compensated';
          row.undo = entry.state.status === 'nothing_to_undo' ? 'nothing to undo' : 'undone';
          this.publish();
          break;
        } catch (error) {
          entry.state.status = 'compensation_failed';
          entry.state.error = messageOf(error);
          row.undo = `undo failed: ${entry.state.error}`;
          this.setStatus('COMPENSATION_FAILED');
          await this.options.onCompensationFailed?.(entry.state.name, entry.state.error);
          await condition(() => this.operatorAction !== undefined);
          const action = this.operatorAction!;
          this.operatorAction = undefined;
          if (action.kind === 'resolve') {
            const resolution = { step: entry.state.name, note: action.note, resolvedBy: action.resolvedBy };
            this.resolutions.push(resolution);
            entry.state.status = 'resolved';
            row.undo = 'resolved by hand';
            await this.options.onCompensationResolved?.(resolution);
            this.setStatus('COMPENSATING');
            break;
          }
          this.setStatus('COMPENSATING');
        }
      }
    }
    const resolved = this.resolutions.length > 0;
    this.setStatus(resolved ? 'RESOLVED' : 'COMPENSATED');
    return resolved ? 'COMPENSATION_FAILED' : 'COMPENSATED';
  }

  private setStatus(status: SagaStatus): void {
    this.status = status;
    this.publish();
  }

  /** Mirrors the state where people look: the SagaStatus search attribute and the run's current details. */
  private publish(): void {
    if (this.publishedStatus !== this.status) {
      const status: SearchAttributeUpdatePair = { key: SagaStatusKey, value: this.status };
      const first = this.publishedStatus === undefined && this.options.startAttributes;
      const pairs = first ? [...first, status].filter((pair) => !startedWith(pair)) : [status];
      if (pairs.length > 0) upsertSearchAttributes(pairs);
      this.publishedStatus = this.status;
    }
    const rows = this.steps.map((s) => {
      const row = this.rows.get(s)!;
      return `| ${cell(s.summary ?? s.name)} | ${cell(row.action)} | ${cell(row.undo)} |`;
    });
    setCurrentDetails(webUiMarkdown([`**${this.options.sagaType}**: ${this.status}`, '', '| step | action | compensation |', '| --- | --- | --- |', ...rows]));
  }
}

/** Text for one table cell: on one line, without the column separator, cut short. */
function cell(text: string): string {
  const line = text.replace(/\s+/g, ' ').replace(/\|/g, '/').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** Whether the run was started with this search attribute at this value (it is in the start event, so replay agrees). */
function startedWith(pair: SearchAttributeUpdatePair): boolean {
  return workflowInfo().typedSearchAttributes.get(pair.key) === pair.value;
}
