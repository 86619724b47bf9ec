import type { SagaOptions } from './saga';

export interface CompensationEventTypes<T extends string> {
  /** A compensation out of retries; the run waits for an operator. */
  compensationFailed: T;
  /** An operator resolved it by hand. */
  compensationResolved: T;
  /** The run failed (or was cancelled) and compensation is over. */
  failed: T;
}

/**
 * The Saga hooks that record how a failed run was undone, as events in the process's stream. Each
 * event carries `subject` (e.g. `{ orderId }`); texts are cut to what the event contracts accept.
 */
export function recordCompensationEvents<T extends string>(
  record: (type: T, data: Record<string, unknown>) => Promise<unknown>,
  { subject, types, compensationAttempts }: { subject: Record<string, string>; types: CompensationEventTypes<T>; compensationAttempts: number },
): Pick<SagaOptions, 'onCompensationFailed' | 'onCompensationResolved' | 'afterCompensation'> {
  return {
    onCompensationFailed: async (step, error) => {
      await record(types.compensationFailed, { ...subject, step, error: error.slice(0, 4000), attempts: compensationAttempts });
    },
    onCompensationResolved: async ({ step, note, resolvedBy }) => {
      await record(types.compensationResolved, { ...subject, step, note, resolvedBy });
    },
    afterCompensation: async (_outcome, failure) => {
      await record(types.failed, { ...subject, reason: (failure?.message ?? 'failed').slice(0, 2000), ...(failure?.step ? { failedStep: failure.step } : {}) });
    },
  };
}
