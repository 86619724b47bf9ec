export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * The pause before retry number `attempt` (from 1): doubling from the initial delay up to the
 * maximum, with ±20% jitter so that workers cut off together do not hammer the server together.
 */
export function backoffDelay({ initialDelayMs, maxDelayMs }: BackoffPolicy, attempt: number): number {
  const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
