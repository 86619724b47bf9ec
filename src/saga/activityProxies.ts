import { proxyActivities, proxyLocalActivities, type ActivityInterfaceFor, type LocalActivityInterfaceFor } from '@temporalio/workflow';
import { compensationRetry, fastRetry, stepRetry } from './retryPolicies';

export interface SagaActivityProxies<A> {
  /** For actions: the step retry budget. */
  actions: ActivityInterfaceFor<A>;
  /** For compensations: the longer budget compensations need. */
  compensations: ActivityInterfaceFor<A>;
  /**
   * For appends with no external call beside them (the run's first and last events, compensation
   * records): local activities, run inline by the worker, so the server records only their result
   * and each saves two round trips through it. As idempotent as the others: the workflow makes the
   * event id before the first attempt. Same budget as compensations, as they must land too.
   */
  records: LocalActivityInterfaceFor<A>;
  /** How many attempts a compensation gets before the saga parks for an operator (recorded with the failure). */
  compensationAttempts: number;
}

/**
 * A saga's activities with the standard timeouts and retry policies, and the same with fast ones
 * (5 s, 3 attempts) for runs whose input asks for them. Only the workflows of runs started before
 * the step engine (processes/<name>/legacy/) use these; StepSaga takes its options from the worker's retry
 * profile (retryProfile.ts). Retire with them.
 */
export function proxySagaActivities<A>(): { normal: SagaActivityProxies<A>; fast: SagaActivityProxies<A> } {
  return {
    normal: {
      actions: proxyActivities<A>({ startToCloseTimeout: '10 seconds', retry: stepRetry }),
      compensations: proxyActivities<A>({ startToCloseTimeout: '10 seconds', retry: compensationRetry }),
      records: proxyLocalActivities<A>({ startToCloseTimeout: '10 seconds', retry: compensationRetry }),
      compensationAttempts: compensationRetry.maximumAttempts ?? 1,
    },
    fast: {
      actions: proxyActivities<A>({ startToCloseTimeout: '5 seconds', retry: fastRetry }),
      compensations: proxyActivities<A>({ startToCloseTimeout: '5 seconds', retry: fastRetry }),
      records: proxyLocalActivities<A>({ startToCloseTimeout: '5 seconds', retry: fastRetry }),
      compensationAttempts: fastRetry.maximumAttempts ?? 1,
    },
  };
}
