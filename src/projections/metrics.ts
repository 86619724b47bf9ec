import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Projection } from './defineProjection';
import { freshnessBreaches } from './freshness';
import { blockerAgeMs } from './logBlocker';
import type { DaemonHealth } from './projectionDaemon';
import type { ProjectionObserver } from './projectionRunner';
import type { ProjectionStatus } from './projectionStatus';
import type { StatusReading } from './statusSnapshot';

export interface ProjectionMetrics {
  registry: Registry;
  /** Pass it to the daemon: it counts what this worker applies. */
  observer: ProjectionObserver;
}

const LABELS = ['projection', 'version'] as const;
const STATUSES = ['running', 'retrying', 'stalled', 'rebuilding'] as const;
const MAX_ERROR_LABEL_LENGTH = 200;

export interface ProjectionMetricsOptions {
  /** The projections' status, read once per scrape (`sharedStatusSnapshot`). */
  snapshot: () => Promise<StatusReading>;
  health: () => DaemonHealth;
  /** The projections this worker runs: their freshness is judged. */
  runs: ReadonlySet<string>;
  /** Each one's acceptable lag (`maxLagResolver`). */
  maxLagOf: (name: string) => number;
  /** Where the metrics go; a new registry with Node's default metrics when absent. */
  registry?: Registry;
}

/**
 * Prometheus metrics of the projection engine. Positions, lag, rates, states and freshness come
 * from the database at scrape time (one status query shared by every gauge of a scrape), so every
 * worker reports every projection, including the ones a standby is waiting for. Counters and batch
 * durations are this process's own.
 */
export function createProjectionMetrics({ snapshot, health, runs, maxLagOf, registry = defaultRegistry() }: ProjectionMetricsOptions): ProjectionMetrics {
  const labelsOf = (row: { name: string; version: number }) => ({ projection: row.name, version: String(row.version) });

  const fromStatus = (name: string, help: string, value: (row: ProjectionStatus) => number) =>
    new Gauge({
      name,
      help,
      labelNames: LABELS,
      registers: [registry],
      async collect() {
        const { rows } = await snapshot();
        this.reset();
        for (const row of rows) this.set(labelsOf(row), value(row));
      },
    });
  fromStatus('sagaflow_projection_position', 'Global position of the last event the projection applied', (row) => row.checkpoint.globalPosition);
  fromStatus('sagaflow_projection_lag_events', 'Committed events of the projection’s types not applied yet', (row) => row.lagEvents);
  fromStatus('sagaflow_projection_lag_seconds', 'Age of the oldest event the projection has not applied yet (0 when caught up)', (row) => row.lagMs / 1000);
  fromStatus('sagaflow_projection_events_per_second', 'Events the projection applied per second over the last minute, by any worker', (row) => row.eventsPerSecond);
  fromStatus('sagaflow_projection_active', '1 for the version readers see through the stable views', (row) => (row.active ? 1 : 0));
  fromStatus('sagaflow_projection_owned', '1 when some worker holds the projection version’s lock', (row) => (row.owned ? 1 : 0));
  fromStatus(
    'sagaflow_projection_blocker_age_seconds',
    'Age of the open transaction holding committed events of the projection behind the gap-safe read bound (0 when none); ' +
      'at least the wait of its oldest held event when the worker’s role may not see other sessions’ transaction start',
    (row) => (row.heldBack ? blockerAgeMs(row.heldBack.by) / 1000 : 0),
  );

  new Gauge({
    name: 'sagaflow_projection_blocker',
    help: 'The session whose open transaction holds committed events behind the gap-safe read bound, in any database of the server; present only while it does',
    labelNames: ['pid', 'database', 'application_name'],
    registers: [registry],
    async collect() {
      const { rows } = await snapshot();
      this.reset();
      // One server, one bound: every held projection names the same session.
      const blocker = rows.find((row) => row.heldBack)?.heldBack?.by;
      if (blocker) this.set({ pid: String(blocker.pid), database: blocker.database ?? '', application_name: blocker.applicationName }, 1);
    },
  });

  new Gauge({
    name: 'sagaflow_projection_status',
    help: 'The projection’s state: 1 on the label of the current one (running, retrying, stalled, rebuilding)',
    labelNames: [...LABELS, 'status'],
    registers: [registry],
    async collect() {
      const { rows } = await snapshot();
      this.reset();
      for (const row of rows) for (const status of STATUSES) this.set({ ...labelsOf(row), status }, row.status === status ? 1 : 0);
    },
  });
  new Gauge({
    name: 'sagaflow_projection_failing_event',
    help: 'The event a retrying or stalled projection fails on, with the error',
    labelNames: [...LABELS, 'global_position', 'event_id', 'error'],
    registers: [registry],
    async collect() {
      const { rows } = await snapshot();
      this.reset();
      for (const row of rows) {
        if (!row.failedEvent) continue;
        const error = (row.lastError ?? '').slice(0, MAX_ERROR_LABEL_LENGTH);
        this.set({ ...labelsOf(row), global_position: String(row.failedEvent.globalPosition), event_id: row.failedEvent.eventId, error }, 1);
      }
    },
  });
  new Gauge({
    name: 'sagaflow_projection_status_up',
    help: '1 when the last status query succeeded; 0 means the other status gauges are empty because PostgreSQL did not answer',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'sagaflow_projection_worker_connected',
    help: '1 while this worker’s session with PostgreSQL (locks and wake-ups) is up',
    registers: [registry],
    collect() {
      this.set(health().connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'sagaflow_projection_worker_owns',
    help: '1 for each projection version this worker applies now',
    labelNames: LABELS,
    registers: [registry],
    collect() {
      this.reset();
      for (const owned of health().owned) this.set(labelsOf(owned), 1);
    },
  });

  registerFreshnessMetrics(registry, snapshot, runs, maxLagOf);

  const applied = new Counter({ name: 'sagaflow_projection_events_applied_total', help: 'Events this worker applied', labelNames: LABELS, registers: [registry] });
  const batches = new Histogram({
    name: 'sagaflow_projection_batch_duration_seconds',
    help: 'Time to apply one batch and move the checkpoint, in this worker',
    labelNames: LABELS,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'sagaflow_projection_handler_failures_total',
    help: 'Failed attempts to apply an event, in this worker',
    labelNames: [...LABELS, 'stalled'],
    registers: [registry],
  });

  const observer: ProjectionObserver = {
    batchApplied(projection: Projection, events: number, durationMs: number) {
      applied.inc(labelsOf(projection), events);
      batches.observe(labelsOf(projection), durationMs / 1000);
    },
    handlerFailed(projection: Projection, _error, stalled: boolean) {
      failures.inc({ ...labelsOf(projection), stalled: String(stalled) });
    },
  };
  return { registry, observer };
}

function defaultRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The freshness SLA as metrics: the acceptable lag, the breaches now (with their reason), and a
 * count of breaches this worker saw begin — a scrape that finds a (projection, reason) breach the
 * previous scrape did not counts one. Alert on the gauge; chart the breach rate from the counter.
 */
function registerFreshnessMetrics(registry: Registry, snapshot: () => Promise<StatusReading>, runs: ReadonlySet<string>, maxLagOf: (name: string) => number): void {
  const judged = async () => {
    const { rows } = await snapshot();
    const active = rows.filter((row) => row.active && runs.has(row.name));
    return { active, breaches: freshnessBreaches(active, maxLagOf) };
  };
  let seen = new Set<string>();
  new Counter({
    name: 'sagaflow_projection_freshness_breaches_total',
    help: 'Freshness breaches this worker saw begin, by projection and reason (counted when a scrape first finds one)',
    labelNames: ['projection', 'reason'],
    registers: [registry],
    async collect() {
      const { breaches } = await judged();
      const now = new Set(breaches.map((b) => `${b.name}/${b.reason}`));
      for (const breach of breaches) if (!seen.has(`${breach.name}/${breach.reason}`)) this.inc({ projection: breach.name, reason: breach.reason });
      seen = now;
    },
  });
  new Gauge({
    name: 'sagaflow_projection_freshness_breach',
    help: 'Present while the active projection is past its acceptable lag or cannot keep up, with the reason (no_worker, poison_event, retrying, held_back, not_progressing, lagging)',
    labelNames: [...LABELS, 'reason'],
    registers: [registry],
    async collect() {
      const { breaches } = await judged();
      this.reset();
      for (const breach of breaches) this.set({ projection: breach.name, version: String(breach.version), reason: breach.reason }, 1);
    },
  });
  new Gauge({
    name: 'sagaflow_projection_max_lag_seconds',
    help: 'The active projection’s acceptable lag: declared, set by SAGAFLOW_PROJECTION_MAX_LAG, or the default',
    labelNames: LABELS,
    registers: [registry],
    async collect() {
      const { active } = await judged();
      this.reset();
      for (const row of active) this.set({ projection: row.name, version: String(row.version) }, maxLagOf(row.name) / 1000);
    },
  });
}
