import type { SagaOptions } from './saga';
import type { SagaEventTypes } from './sagaEvents';

type CompensationEventTypes<T extends string> = Readonly<Record<Exclude<keyof SagaEventTypes, 'completed'>, T>>;

/**
 * The Saga hooks that record how a failed run was undone, as events in its stream: the engine's
 * (SAGA_EVENTS) for a step saga, a process's own for runs started before them. Each event carries
 * `subject` (e.g. `{ sagaType, orderId }`); texts are cut to what the event contracts accept.
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
