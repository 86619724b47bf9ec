import { freshnessBreaches, type FreshnessBreach } from './freshness';
import type { DaemonHealth } from './projectionDaemon';
import type { StatusReading } from './statusSnapshot';

/**
 * - healthy: this worker's session is up and every projection it runs is fresh;
 * - lagging: the only breaches are projections past their lag but applying (catching up);
 * - unhealthy: anything else — this worker's session is down, PostgreSQL did not answer the status
 *   query, or a projection has no worker, is stopped on a poison event, held back, retrying or stalled.
 */
export type HealthState = 'healthy' | 'lagging' | 'unhealthy';

export interface HealthReport extends DaemonHealth {
  status: HealthState;
  /** Why the status query failed, when it did: freshness is then unknown, which is not healthy. */
  statusQueryError: string | null;
  breaches: FreshnessBreach[];
}

/**
 * What `/healthz` answers: the worker's own session and the freshness of the projections it runs
 * (owned or stood by for: a standby sees a projection no one holds). The same judgement as
 * `sagaflow projections status`, so a dead or stuck worker never reads as healthy, and one that
 * lags but progresses says so.
 */
export function healthReport(
  daemon: DaemonHealth,
  reading: StatusReading,
  { runs, maxLagOf }: { runs: ReadonlySet<string>; maxLagOf: (name: string) => number },
): HealthReport {
  const breaches = freshnessBreaches(
    reading.rows.filter((row) => runs.has(row.name)),
    maxLagOf,
  );
  const fine = daemon.connected && reading.ok;
  const status: HealthState = fine && breaches.length === 0 ? 'healthy' : fine && breaches.every((b) => b.reason === 'lagging') ? 'lagging' : 'unhealthy';
  return { status, ...daemon, statusQueryError: reading.ok ? null : (reading.error ?? 'the status query failed'), breaches };
}
