import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import pg from 'pg';
import { createTemporalClient } from '../src/client';
import { connectTemporal, connectTemporalWorker, createPool, reportLostConnections } from '../src/config/connections';
import { loadConfig, loadProjectionMaxLag, loadSagaStuckAfter } from '../src/config/env';
import { migrate } from '../src/db/migrate';
import { startLocalServices, type LocalServices, type ServiceProfile } from '../src/infra/localServices';
import { withDatabase } from '../src/infra/postgres';
import type { Shutdown } from '../src/infra/shutdown';
import { tracingFromEnv } from '../src/observability/tracing';
import { composition } from '../processes';
import { startProjectionWorker, type ProjectionWorker, type ProjectionWorkerOptions } from './projectionWorker';
import { rebuildNewerReadModels } from './readModelVersions';
import { createSagaWorker, type SagaWorkerOptions } from './sagaWorker';

export interface LocalStackOptions {
  profile: ServiceProfile;
  taskQueue: string;
  shutdown: Shutdown;
  log: (line: string) => void;
  /** Run in a fresh database of this name (dropped at shutdown) instead of the profile's own. */
  freshDatabase?: string;
  /** Worker additions, e.g. a benchmark's extra workflows, and activities made over the stack's pool. */
  worker?: Pick<SagaWorkerOptions, 'extraWorkflowModules' | 'retries'> & { extraActivities?: (pool: pg.Pool) => SagaWorkerOptions['extraActivities'] };
  /** Also run the projection worker over the read models, with these settings (metricsPort 0 picks a free port; metricsHost defaults to 127.0.0.1). */
  projections?: Omit<ProjectionWorkerOptions, 'databaseUrl' | 'projections'>;
}

export interface LocalStack {
  services: LocalServices;
  databaseUrl: string;
  pool: pg.Pool;
  client: Client;
  worker: Worker;
  projections?: ProjectionWorker;
}

/**
 * What the demo, the benchmarks and the history recorder each need: the profile's PostgreSQL and
 * Temporal (started or reused), a migrated database, a saga worker polling the task queue, a client,
 * and optionally the projection worker. Everything is registered with `shutdown`, so one Ctrl-C
 * drains the workers before the services they talk to go away.
 */
export async function startLocalStack({ profile, taskQueue, shutdown, log, freshDatabase, worker: workerOptions, projections }: LocalStackOptions): Promise<LocalStack> {
  const config = loadConfig();
  // Before any service starts: a misspelt projection name is refused with nothing started.
  const maxLag = projections ? loadProjectionMaxLag(composition.readModels.map((p) => p.name)) : {};
  const stuckAfter = loadSagaStuckAfter(composition.processes.map((p) => p.sagaType));
  const services = await startLocalServices({ profile, config, searchAttributes: composition.searchAttributes, log });
  shutdown.add(() => services.stop());
  // One provider for the whole stack (saga worker, projection worker, client): shut down after them.
  const tracing = tracingFromEnv(`sagaflow-${profile}`);
  if (tracing) shutdown.add(() => tracing.shutdown());

  let databaseUrl = services.postgres.url;
  if (freshDatabase) {
    const admin = createPool(withDatabase(services.postgres.url, 'postgres'), config, { max: 1 });
    shutdown.add(() => admin.end());
    const ident = pg.escapeIdentifier(freshDatabase);
    // A run killed before its cleanup leaves its database behind; start from nothing regardless.
    await admin.query(`drop database if exists ${ident} with (force)`);
    await admin.query(`create database ${ident}`);
    shutdown.add(async () => void (await admin.query(`drop database if exists ${ident} with (force)`)));
    databaseUrl = withDatabase(services.postgres.url, freshDatabase);
  }
  await migrate(databaseUrl, log, config);
  const pool = createPool(databaseUrl, config, { max: 20, onConnectionLost: reportLostConnections(log) });
  shutdown.add(() => pool.end());

  const workerConnection = await connectTemporalWorker(services.temporal.address, config);
  shutdown.add(() => workerConnection.close());
  log('bundling the workflows');
  const extraActivities = workerOptions?.extraActivities?.(pool);
  const worker = await createSagaWorker({
    connection: workerConnection,
    namespace: services.temporal.namespace,
    taskQueue,
    pool,
    ...(workerOptions?.extraWorkflowModules ? { extraWorkflowModules: workerOptions.extraWorkflowModules } : {}),
    retries: workerOptions?.retries ?? config.retries,
    ...(extraActivities ? { extraActivities } : {}),
    ...(tracing ? { tracing } : {}),
  });
  const running = worker.run();
  shutdown.add(async () => {
    worker.shutdown();
    await running;
  });

  let projectionWorker: ProjectionWorker | undefined;
  if (projections) {
    // In-process rather than a child: one Ctrl-C, one shutdown list. Cleanups run last-first, so it
    // finishes its batch in hand while PostgreSQL is still up.
    await rebuildNewerReadModels(pool, log);
    projectionWorker = await startProjectionWorker({ ...projections, maxLag, stuckAfter, databaseUrl, databaseSsl: config, projections: composition.readModels });
    shutdown.add(() => projectionWorker!.stop());
  }

  const connection = await connectTemporal(services.temporal.address, config);
  shutdown.add(() => connection.close());
  const client = createTemporalClient(connection, services.temporal.namespace);
  return { services, databaseUrl, pool, client, worker, ...(projectionWorker ? { projections: projectionWorker } : {}) };
}
