import { ApplicationFailure } from '@temporalio/workflow';
import { BUSINESS_REJECTION } from './failures';
import type { SagaResult } from './types';

/** The failure type a step-engine run ends with when it failed and was undone (outcome COMPENSATED). */
export const SAGA_COMPENSATED = 'SagaCompensated';

/** The failure type a step-engine run ends with when a compensation failed and an operator resolved it by hand (outcome COMPENSATION_FAILED). */
export const SAGA_COMPENSATION_RESOLVED = 'SagaCompensationResolved';

/** The failure types whose single detail is the run's SagaResult (with the process's own fields). */
export const COMPENSATED_RUN_TYPES: readonly string[] = [SAGA_COMPENSATED, SAGA_COMPENSATION_RESOLVED];

/**
 * How a step-engine run that did not complete ends: failed, so that the Web UI's header and
 * workflow list say Failed with what happened instead of a green Completed. The SagaResult rides
 * in the failure's details, where the saga clients read it back (sagaRuns' result()).
 */
export function compensatedRunFailure(result: SagaResult<unknown>): ApplicationFailure {
  const resolved = result.outcome === 'COMPENSATION_FAILED';
  const failure = ApplicationFailure.create({
    type: resolved ? SAGA_COMPENSATION_RESOLVED : SAGA_COMPENSATED,
    message: compensatedRunMessage(result),
    nonRetryable: true,
    details: [result],
  });
  // An outcome, not a bug: a stack trace of the engine would only push the message aside in the UI.
  failure.stack = '';
  return failure;
}

/**
 * One line saying what happened: `compensated after createShipment failed: simulated outage …`, or
 * for a business rejection its own reason (`payment declined: …`: the failure type says the rest).
 */
export function compensatedRunMessage({ outcome, failure, resolutions }: SagaResult<unknown>): string {
  const why = !failure
    ? 'the run failed'
    : failure.type === BUSINESS_REJECTION
      ? failure.message // a rejection says it itself: "payment declined: …"
      : failure.step
        ? `${failure.step} failed: ${failure.message}`
        : failure.message;
  const line =
    outcome === 'COMPENSATION_FAILED'
      ? `${why}; compensated, with ${resolutions.map((r) => `${r.step} resolved by hand by ${r.resolvedBy}`).join(', ')}`
      : failure?.type === BUSINESS_REJECTION
        ? why
        : `compensated after ${why}`;
  const oneLine = line.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 299)}…` : oneLine;
}
