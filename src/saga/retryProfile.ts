import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { compensationRetry, fastRetry, stepRetry } from './retryPolicies';

/** How long steps may take and how often they are retried: the standard budgets, or fast ones for demos and tests. */
export type RetryProfileName = 'standard' | 'fast';

export interface RetryProfile {
  actions: ActivityOptions;
  compensations: ActivityOptions;
  /** For appends with no external call beside them: local activities, with the compensations' budget, as they must land too. */
  records: LocalActivityOptions;
  /** How many attempts a compensation gets before the saga parks for an operator (recorded with the failure). */
  compensationAttempts: number;
}

const PROFILES: Record<RetryProfileName, RetryProfile> = {
  standard: {
    actions: { startToCloseTimeout: '10 seconds', retry: stepRetry },
    compensations: { startToCloseTimeout: '10 seconds', retry: compensationRetry },
    records: { startToCloseTimeout: '10 seconds', retry: compensationRetry },
    compensationAttempts: compensationRetry.maximumAttempts ?? 1,
  },
  fast: {
    actions: { startToCloseTimeout: '5 seconds', retry: fastRetry },
    compensations: { startToCloseTimeout: '5 seconds', retry: fastRetry },
    records: { startToCloseTimeout: '5 seconds', retry: fastRetry },
    compensationAttempts: fastRetry.maximumAttempts ?? 1,
  },
};

// Chosen once per workflow bundle, when the worker's interceptor modules load (src/saga/fastRetries.ts),
// and the same for every run the worker serves. Retry options are not part of a run's commands, so a
// history recorded under one profile replays under the other.
let current: RetryProfileName = 'standard';

export function useRetryProfile(name: RetryProfileName): void {
  current = name;
}

export function retryProfile(): RetryProfile {
  return PROFILES[current];
}
