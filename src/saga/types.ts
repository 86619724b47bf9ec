/**
 * Where a saga run stands; also the value of its SagaStatus search attribute. The one list of them:
 * - RUNNING, COMPENSATING: on its way, or undoing what it did;
 * - COMPLETED, COMPENSATED: ended, done or cleanly undone;
 * - COMPENSATION_FAILED: a compensation is out of retries and the run waits for an operator to retry or resolve it;
 * - RESOLVED: an operator resolved a failed compensation by hand and the run finished;
 * - FAILED: the run could not record its opening event, so it did nothing, wrote nothing and failed.
 */
export const SAGA_STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED', 'RESOLVED', 'FAILED'] as const;

export type SagaStatus = (typeof SAGA_STATUSES)[number];

/** How a saga ended: every step done, compensated, or compensated after an operator resolved a compensation by hand. */
export const SAGA_OUTCOMES = ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'] as const;

export type SagaOutcome = (typeof SAGA_OUTCOMES)[number];

export type StepStatus =
  | 'running'
  | 'done'
  /** The action failed and had no effect to undo (a business rejection). */
  | 'failed'
  | 'compensating'
  | 'compensated'
  /** Its compensation found nothing its action had done (the action never took effect), and recorded nothing. */
  | 'nothing_to_undo'
  | 'compensation_failed'
  /** Its compensation failed and an operator took care of it by hand. */
  | 'resolved';

export interface StepState {
  name: string;
  summary?: string;
  status: StepStatus;
  /** The last error of the action or of its compensation. */
  error?: string;
}

export interface SagaFailure {
  step?: string;
  message: string;
  /** The failure type, e.g. BusinessRejection, or 'Cancelled' when the run was cancelled. */
  type?: string;
}

export interface Resolution {
  step: string;
  note: string;
  resolvedBy: string;
}

/**
 * A point in the event log's global order, as the event store's append reports it (its `Checkpoint`;
 * restated here because workflow code may not import the store). Hand it to `waitForProjection` to
 * read a projection that reflects everything up to it.
 */
export interface EventPosition {
  /** The appending transaction's id, as a decimal string. */
  transactionId: string;
  globalPosition: number;
}

/** What the `sagaState` query returns. */
export interface SagaState {
  sagaType: string;
  status: SagaStatus;
  steps: StepState[];
  failure?: SagaFailure;
  resolutions: Resolution[];
  /** The position of the last event the run has appended so far; absent before its first. */
  position?: EventPosition;
}

export interface SagaResult<T> {
  outcome: SagaOutcome;
  /** The body's result when the outcome is COMPLETED. */
  value?: T;
  failure?: SagaFailure;
  steps: StepState[];
  resolutions: Resolution[];
  /** The position of the run's last appended event: a projection past it shows the whole run. */
  position?: EventPosition;
}
