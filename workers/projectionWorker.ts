import { withPersonalDataFromEnv } from '../src/eventstore/personalData/fromEnv';
import { createPool, postgresConnection, type DatabaseSettings } from '../src/config/connections';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { ConfigError, DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT, loadProjectionMaxLag, loadProjectionWorkerConfig, loadSagaStuckAfter, type StuckAfterSettings } from '../src/config/env';
import { migrate } from '../src/db/migrate';
import { InfraError } from '../src/infra/errors';
import { stateDir } from '../src/infra/paths';
import { redactUrl, startPostgres } from '../src/infra/postgres';
import { handleShutdown } from '../src/infra/shutdown';
import { tracingFromEnv } from '../src/observability/tracing';
import {
  createProjectionDaemon,
  createProjectionMetrics,
  healthReport,
  maxLagResolver,
  serveHttpEndpoints,
  sharedStatusSnapshot,
  type EngineOptionsInput,
  type Projection,
  type ProjectionDaemon,
  type ProjectionDaemonOptions,
} from '../src/projections';
import { registerSagaMetrics, stuckAfterResolver } from '../src/read-models';
import { startArchiveSchedule } from '../src/retention/archiveSchedule';
import { composition } from '../processes';

export interface ProjectionWorkerOptions extends EngineOptionsInput {
  databaseUrl: string;
  /** TLS for the database (DATABASE_SSL_CA); sslmode comes with the URL. */
  databaseSsl?: DatabaseSettings;
  projections: readonly Projection[];
  /** Acceptable lags by projection name over the declared ones (SAGAFLOW_PROJECTION_MAX_LAG): /healthz and the freshness metrics judge by them. */
  maxLag?: Readonly<Record<string, number>>;
  /** When a saga run counts as stuck, for the saga metrics (SAGAFLOW_SAGA_STUCK_AFTER). */
  stuckAfter?: StuckAfterSettings;
  /** Address /metrics and /healthz listen on; default 127.0.0.1, this machine only (0.0.0.0: every interface). */
  metricsHost?: string;
  /** Port of /metrics and /healthz; 0 picks a free one. */
  metricsPort: number;
  log?: (line: string) => void;
  /** Archive closed streams by the processes' retention this often (SAGAFLOW_ARCHIVE_EVERY); unset: never. */
  archive?: { everyMs: number; batchSize: number };
  beforeCheckpoint?: ProjectionDaemonOptions['beforeCheckpoint'];
}

export interface ProjectionWorker {
  daemon: ProjectionDaemon;
  /** Where /metrics and /healthz are served. */
  httpUrl: string;
  /** Finishes the batches in flight, hands the projections to a standby, closes everything. */
  stop(): Promise<void>;
}

/**
 * The projection engine over its own pool, with its metrics (the projections', and every saga
 * type's from the saga_runs read model) and health endpoints. The schema must be migrated.
 */
export async function startProjectionWorker({
  databaseUrl,
  databaseSsl,
  projections,
  maxLag = {},
  stuckAfter,
  metricsHost = DEFAULT_METRICS_HOST,
  metricsPort,
  log,
  archive,
  beforeCheckpoint,
  ...engine
}: ProjectionWorkerOptions): Promise<ProjectionWorker> {
  const connection = postgresConnection(databaseUrl, databaseSsl);
  const pool = createPool(databaseUrl, databaseSsl, { application_name: 'sagaflow projection worker' });
  let daemon: ProjectionDaemon | undefined;
  const liveness = () => daemon?.health() ?? { connected: false, owned: [] };
  const snapshot = sharedStatusSnapshot(pool);
  const judging = { runs: new Set(projections.map((p) => p.name)), maxLagOf: maxLagResolver(projections, { configured: maxLag }) };
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerSagaMetrics(registry, pool, { sagaTypes: composition.processes.map((p) => p.sagaType), stuckAfterOf: stuckAfterResolver(stuckAfter) });
  const metrics = createProjectionMetrics({ snapshot, health: liveness, ...judging, registry });
  try {
    daemon = createProjectionDaemon({
      ...engine,
      pool,
      connectionString: connection.connectionString,
      ...(connection.ssl !== undefined ? { ssl: connection.ssl } : {}),
      contracts: withPersonalDataFromEnv(pool, composition.contracts),
      projections,
      observer: metrics.observer,
      ...(log ? { log } : {}),
      ...(beforeCheckpoint ? { beforeCheckpoint } : {}),
    });
    await daemon.start();
  } catch (error) {
    await pool.end();
    throw error;
  }
  const running = daemon;
  const http = await serveHttpEndpoints({
    host: metricsHost,
    port: metricsPort,
    registry: metrics.registry,
    liveness,
    health: async () => healthReport(liveness(), await snapshot(), judging),
  }).catch(async (error: Error) => {
    await running.stop();
    await pool.end();
    throw new InfraError(`cannot serve metrics on ${metricsHost} port ${metricsPort}: ${error.message}`);
  });
  const archiving = archive ? startArchiveSchedule({ pool, retention: composition.retention, ...archive, log: log ?? (() => undefined) }) : undefined;
  return {
    daemon: running,
    httpUrl: http.url,
    async stop() {
      await archiving?.stop();
      await running.stop();
      await http.close();
      await pool.end();
    },
  };
}

const log = (line: string) => console.log(`[projections] ${line}`);

/**
 * `npm run projections`: applies the read models to DATABASE_URL (or to the local dev stack's
 * PostgreSQL when it is unset) until SIGINT/SIGTERM, serving /metrics and /healthz. Run several:
 * each projection is applied by one of them at a time, the others stand by.
 */
async function main(): Promise<void> {
  const shutdown = handleShutdown(log);
  try {
    const config = loadProjectionWorkerConfig();
    const maxLag = loadProjectionMaxLag(composition.readModels.map((p) => p.name));
    const stuckAfter = loadSagaStuckAfter(composition.processes.map((p) => p.sagaType));
    // Registered first, so it is shut down last: the final batches' spans are exported too.
    const tracing = tracingFromEnv('sagaflow-projection-worker');
    if (tracing) shutdown.add(() => tracing.shutdown());
    const postgres = await startPostgres({
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl, ssl: config } : {}),
      dataDir: stateDir('dev', 'postgres'),
      preferredPort: 54329,
      log,
    });
    shutdown.add(() => postgres.stop());
    await migrate(postgres.url, log, config);
    const worker = await startProjectionWorker({
      databaseUrl: postgres.url,
      databaseSsl: config,
      projections: composition.readModels,
      maxLag,
      stuckAfter,
      metricsHost: config.metricsHost,
      metricsPort: config.metricsPort ?? DEFAULT_METRICS_PORT,
      batchSize: config.batchSize,
      pollIntervalMs: config.pollIntervalMs,
      heldBackLogAfterMs: config.heldBackLogAfterMs,
      ...(config.archiveEveryMs !== undefined ? { archive: { everyMs: config.archiveEveryMs, batchSize: config.archiveBatchSize } } : {}),
      log,
    });
    shutdown.add(() => worker.stop());
    log(`projection worker running ${composition.readModels.map((p) => `${p.name} v${p.version}`).join(', ')} on ${redactUrl(postgres.url)}`);
    if (config.archiveEveryMs !== undefined) log(`archiving closed streams every ${Math.round(config.archiveEveryMs / 60_000)} min, ${config.archiveBatchSize} streams per transaction`);
    log(`metrics on ${worker.httpUrl}/metrics, health on ${worker.httpUrl}/healthz (freshness) and ${worker.httpUrl}/livez (the process)`);
  } catch (error) {
    const known = error instanceof ConfigError || error instanceof InfraError;
    console.error(`[projections] ${known ? error.message : ((error as Error).stack ?? String(error))}`);
    shutdown.exit(1);
  }
}

if (require.main === module) void main();
