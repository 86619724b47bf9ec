import { ActivityFailure, ApplicationFailure, isCancellation, TimeoutFailure } from '@temporalio/workflow';

/** The ApplicationFailure type activities use for a business "no" (declined card, no stock): nothing happened, nothing to undo. */
export const BUSINESS_REJECTION = 'BusinessRejection';

/** The most useful message of a failure: an activity's own error rather than "Activity task failed". */
export function messageOf(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) {
    if (error.cause instanceof TimeoutFailure) return `${error.activityType} timed out (${error.cause.timeoutType})`;
    return error.cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function failureTypeOf(error: unknown): string | undefined {
  if (isCancellation(error)) return 'Cancelled';
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return cause.type ?? undefined;
  if (cause instanceof TimeoutFailure) return 'Timeout';
  return undefined;
}
