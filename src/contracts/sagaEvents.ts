import { z } from 'zod';
import { defineEvent, type EventOf } from '../eventstore/contracts';
import { SAGA_EVENTS } from '../saga/sagaEvents';
import { compensationFailedFields, compensationResolvedFields, eventRef as id, reason } from './fields';

/**
 * The engine's saga-level events (src/saga/sagaEvents.ts), owned by no process. Besides their own
 * fields they carry the run's subject, the business keys its process names it by (`orderId`,
 * `tripId`): any further field must be such a key.
 */
const sagaEvent = <Shape extends z.ZodRawShape>(shape: Shape) => {
  const own = new Set(['sagaType', ...Object.keys(shape)]);
  // catchall(id) would type every field as a string, `attempts` included: checked here instead.
  return z
    .object({ sagaType: id, ...shape })
    .catchall(z.unknown().meta({ description: "the run's subject (orderId, tripId)" }))
    .superRefine((data, context) => {
      for (const [field, value] of Object.entries(data)) {
        if (own.has(field)) continue;
        if (!id.safeParse(value).success) context.addIssue({ code: 'custom', path: [field], message: 'must be a business key: a string of 1 to 200 characters' });
      }
    })
    // The rule above in words for the events reference (src/catalog): JSON Schema cannot state it.
    .meta({ 'x-refinements': ['every other field is a business key of the subject: a string of 1 to 200 characters'] });
};

export const SagaCompleted = defineEvent(SAGA_EVENTS.completed, 1, sagaEvent({}), {
  description: "The saga's body returned: every step is done. The run's last event.",
});
export const SagaFailed = defineEvent(SAGA_EVENTS.failed, 1, sagaEvent({ reason, failedStep: id.optional() }), {
  description: 'Compensation is over after a failure or a cancellation: the reason, and the step that failed when one did.',
});
export const SagaCompensationFailed = defineEvent(SAGA_EVENTS.compensationFailed, 1, sagaEvent(compensationFailedFields), {
  description: 'A compensation still failed after its retries (the step, the error, the attempts): the run waits for an operator.',
});
export const SagaCompensationResolved = defineEvent(SAGA_EVENTS.compensationResolved, 1, sagaEvent(compensationResolvedFields), {
  description: 'An operator resolved a failed compensation by hand: the step, a note and who resolved it.',
});

export const sagaEventContracts = [SagaCompleted, SagaFailed, SagaCompensationFailed, SagaCompensationResolved];

/** An engine event, narrowed by `type`. */
export type SagaEvent = EventOf<(typeof sagaEventContracts)[number]>;
