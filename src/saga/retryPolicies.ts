import type { RetryPolicy } from '@temporalio/workflow';

/** Actions: infrastructure errors are retried a few times; business rejections are non-retryable failures and never are. */
export const stepRetry: RetryPolicy = {
  initialInterval: '200 milliseconds',
  backoffCoefficient: 2,
  maximumInterval: '5 seconds',
  maximumAttempts: 5,
};

/**
 * Compensations must eventually succeed, so they get a longer budget; when even that is spent the
 * saga parks in COMPENSATION_FAILED for an operator rather than giving up silently.
 */
export const compensationRetry: RetryPolicy = {
  initialInterval: '500 milliseconds',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 10,
};

/** For demos and tests: every outcome, including an exhausted compensation, within seconds. */
export const fastRetry: RetryPolicy = {
  initialInterval: '50 milliseconds',
  backoffCoefficient: 1.5,
  maximumInterval: '200 milliseconds',
  maximumAttempts: 3,
};
