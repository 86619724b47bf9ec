import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ConfigError, DEFAULT_METRICS_PORT, loadConfig, loadProjectionWorkerConfig } from '../src/config/env';
import { preferredOrFreePort } from '../src/infra/ports';
import { InfraError } from '../src/infra/errors';
import { redactUrl } from '../src/infra/postgres';
import { handleShutdown } from '../src/infra/shutdown';
import { composition } from '../processes';
import { ping } from '../workflows/ping';
import { startLocalStack } from './localStack';

const log = (line: string) => console.log(`[dev] ${line}`);

/**
 * The local stack in one process: PostgreSQL and the Temporal dev server (started, or reused when
 * already running), migrations, the saga worker, the projection worker keeping the read models
 * current, and a ping workflow proving they work together. Stays up until Ctrl-C, then drains both
 * workers and stops everything it started.
 */
const shutdown = handleShutdown(log);

async function main(): Promise<void> {
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
      `  projections      ${composition.readModels.map((p) => p.name).join(', ')}: metrics ${projections!.httpUrl}/metrics, health ${projections!.httpUrl}/healthz`,
      `  ping             ${workflowId} recorded at ${pinged.recordedAt}`,
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
