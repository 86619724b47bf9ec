/**
 * The saga-level facts every step saga records in its stream, whatever its process: the engine's
 * own event types, each carrying the saga type and the run's subject fields (`{ sagaType:
 * 'OrderFulfillment', orderId }`). A process declares no events of its own for them, and a read
 * model that follows every saga (saga_outcomes, saga metrics) reads these four types.
 */
export const SAGA_EVENTS = {
  /** Recorded when the body returns, as the run's last event. */
  completed: 'SagaCompleted',
  /** The run failed (or was cancelled) and compensation is over. */
  failed: 'SagaFailed',
  /** A compensation out of retries; the run waits for an operator. */
  compensationFailed: 'SagaCompensationFailed',
  /** An operator resolved it by hand. */
  compensationResolved: 'SagaCompensationResolved',
} as const;

export type SagaFact = keyof typeof SAGA_EVENTS;

/**
 * The facts a run records as its last event: after one of them its stream is closed and takes no
 * more events. A compensation failure parks the run (an operator may still retry it), and a
 * resolution is followed by the run's failure, so neither closes it.
 */
export const CLOSING_FACTS: readonly SagaFact[] = ['completed', 'failed'];
export type SagaEventType = (typeof SAGA_EVENTS)[SagaFact];

/** Which event type records each saga-level fact: the engine's, or a process's own from before them. */
export type SagaEventTypes = Readonly<Record<SagaFact, string>>;

export const SAGA_EVENT_TYPES: readonly SagaEventType[] = Object.values(SAGA_EVENTS);

/** The fields the engine's events set themselves: a run's subject may not use them. */
export const SAGA_EVENT_FIELDS = ['sagaType', 'reason', 'failedStep', 'step', 'error', 'attempts', 'note', 'resolvedBy'] as const;
