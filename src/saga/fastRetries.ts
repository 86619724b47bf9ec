import type { WorkflowInterceptors } from '@temporalio/workflow';
import { useRetryProfile } from './retryProfile';

/**
 * A workflow interceptor module that gives every saga the fast retry profile (5 s timeouts, 3
 * attempts), so demos and tests reach every outcome, an exhausted compensation included, in
 * seconds. A worker opts in with `retries: 'fast'` (workers/sagaWorker.ts), which bundles it.
 */
useRetryProfile('fast');

export const interceptors = (): WorkflowInterceptors => ({});
