import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Command } from 'commander';
import { ConfigError, DEFAULT_METRICS_PORT, loadConfig, loadProjectionWorkerConfig } from '../src/config/env';
import { preferredOrFreePort } from '../src/infra/ports';
import { InfraError } from '../src/infra/errors';
import { redactUrl } from '../src/infra/postgres';
import { handleShutdown } from '../src/infra/shutdown';
import { composition } from '../processes';
import { ping } from '../workflows/ping';
import { startClusterStack } from './clusterStack';
import { startLocalStack } from './localStack';

const log = (line: string) => console.log(`[dev] ${line}`);

/**
 * `npm run dev`: the local stack in one process: PostgreSQL and the Temporal dev server (started, or reused when
 * already running), migrations, the saga worker, the projection worker keeping the read models
 * current, and a ping workflow proving they work together. Stays up until Ctrl-C, then drains both
 * workers and stops everything it started.
 */
const shutdown = handleShutdown(log);

async function main(): Promise<void> {
  const { cluster } = new Command('dev')
    .description('the local stack until Ctrl-C')
    .option('--cluster', 'a Temporal server on PostgreSQL with its Web UI, 2 saga worker and 2 projection worker processes (.sagaflow/cluster)', false)
    .parse()
    .opts<{ cluster: boolean }>();
  if (cluster) return runCluster();
  const config = loadConfig();
  const projectionConfig = loadProjectionWorkerConfig();
  // Signals are ours to handle: the worker must drain before the services it talks to go away.
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });

  const { services, client, projections } = await startLocalStack({
    profile: 'dev',
    taskQueue: config.taskQueue,
    shutdown,
    log,
    projections: {
      metricsHost: projectionConfig.metricsHost,
      // A newcomer's machine may run another exporter on 9464: unless a port was asked for, take a free one then.
      metricsPort: projectionConfig.metricsPort ?? (await preferredOrFreePort(DEFAULT_METRICS_PORT)),
      batchSize: projectionConfig.batchSize,
      pollIntervalMs: projectionConfig.pollIntervalMs,
      heldBackLogAfterMs: projectionConfig.heldBackLogAfterMs,
      log: (line) => console.log(`[projections] ${line}`),
    },
  });
  const workflowId = `ping-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const pinged = await client.workflow.execute(ping, { taskQueue: config.taskQueue, workflowId, args: ['dev stack is up'] });

  const ui = services.temporal.uiUrl;
  console.log(
    [
      '',
      'sagaflow dev stack is up',
      `  Temporal Web UI  ${ui ? `${ui}/namespaces/${services.temporal.namespace}/workflows` : '(not served by this Temporal)'}`,
      `  Temporal         ${services.temporal.address} (namespace ${services.temporal.namespace})`,
      `  PostgreSQL       ${redactUrl(services.postgres.url)}`,
      `  saga worker      task queue '${config.taskQueue}'`,
      `  projections      ${composition.readModels.map((p) => p.name).join(', ')}: metrics ${projections!.httpUrl}/metrics, health ${projections!.httpUrl}/healthz, ${projections!.httpUrl}/livez`,
      `  ping             ${workflowId} recorded at ${pinged.recordedAt}`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

/**
 * `npm run dev -- --cluster`: what a self-hosted deployment runs, on this machine. The Temporal
 * server, its SQL tool and the UI server are built with Go on the first run (cached like the CLI).
 */
async function runCluster(): Promise<void> {
  const config = loadConfig();
  if (config.temporalAddress || config.databaseUrl) {
    throw new InfraError('--cluster starts its own Temporal server and PostgreSQL: unset TEMPORAL_ADDRESS and DATABASE_URL (or run the workers against them yourself)');
  }
  const started = Date.now();
  const stack = await startClusterStack({ taskQueue: config.taskQueue, namespace: config.namespace, retries: config.retries, shutdown, log, stablePorts: true });
  const workflowId = `ping-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const pinged = await stack.client.workflow.execute(ping, { taskQueue: config.taskQueue, workflowId, args: ['cluster is up'] });
  const { cluster } = stack;
  const ui = cluster.temporal.uiUrl;
  console.log(
    [
      '',
      `sagaflow cluster profile is up (${Math.round((Date.now() - started) / 1000)} s)`,
      `  Temporal Web UI  ${ui ? `${ui}/namespaces/${cluster.temporal.namespace}/workflows` : '(none)'}`,
      `  Temporal         ${cluster.temporal.address} (namespace ${cluster.temporal.namespace}; HTTP API ${cluster.httpAddress}; PostgreSQL persistence and visibility)`,
      `  PostgreSQL       ${redactUrl(cluster.postgres.url)} (Temporal's databases temporal and temporal_visibility beside it)`,
      ...stack.workers.map((w) =>
        w.kind === 'saga'
          ? `  ${w.name.padEnd(15)}  pid ${w.process.child.pid}, task queue '${config.taskQueue}'`
          : `  ${w.name.padEnd(15)}  pid ${w.process.child.pid}, metrics ${w.httpUrl}/metrics, health ${w.httpUrl}/healthz`,
      ),
      `  ping             ${workflowId} recorded at ${pinged.recordedAt}`,
      '',
      'Point the CLI at it:',
      `  TEMPORAL_ADDRESS=${cluster.temporal.address} DATABASE_URL=${cluster.postgres.url} npx sagaflow sagas stats`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof InfraError;
  console.error(`[dev] ${known ? error.message : ((error as Error).stack ?? String(error))}`);
  shutdown.exit(1);
});
