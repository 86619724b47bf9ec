import { ApplicationFailure } from '@temporalio/workflow';
import { messageOf } from './failures';

/** The failure type of a run whose opening event could not be recorded: it did nothing and wrote nothing. */
export const OPENING_EVENT_REFUSED = 'OpeningEventRefused';

/**
 * Runs started before this change compensated and recorded their failure event when the opening
 * append failed, leaving a stream whose first event was that failure event. Runs after it stop
 * instead. Asked only on that failure path, so a run whose opening event lands records no marker.
 * Retire with deprecatePatch once no run started before it is open.
 */
export const OPENING_EVENT_PATCH = 'saga-opening-event-refused';

/**
 * The failure that ends such a run. Non-retryable: the same input makes the same event, which the
 * store would refuse again. The cause (the store's own error) says which field and rule.
 */
export function openingEventRefused(eventType: string, cause: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type: OPENING_EVENT_REFUSED,
    message: `the opening event ${eventType} could not be recorded, so the run records nothing else: ${messageOf(cause)}`,
    nonRetryable: true,
    details: [{ eventType }],
    ...(cause instanceof Error ? { cause } : {}),
  });
}
