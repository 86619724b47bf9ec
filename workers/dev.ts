import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { connectTemporal, connectTemporalWorker, createPool } from '../src/config/connections';
import { ConfigError, loadConfig } from '../src/config/env';
import { migrate } from '../src/db/migrate';
import { InfraError } from '../src/infra/errors';
import { startLocalServices } from '../src/infra/localServices';
import { redactUrl } from '../src/infra/postgres';
import { handleShutdown } from '../src/infra/shutdown';
import { ping } from '../workflows/ping';
import { allSearchAttributes } from '../workflows/searchAttributes';
import { createSagaWorker } from './sagaWorker';

const log = (line: string) => console.log(`[dev] ${line}`);

/**
 * The local stack in one process: PostgreSQL and the Temporal dev server (started, or reused when
 * already running), migrations, the saga worker, and a ping workflow proving they work together.
 * Stays up until Ctrl-C, then stops everything it started.
 */
const shutdown = handleShutdown(log);

async function main(): Promise<void> {
  const config = loadConfig();
  // Signals are ours to handle: the worker must drain before the services it talks to go away.
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });

  const services = await startLocalServices({ profile: 'dev', config, searchAttributes: allSearchAttributes, log });
  shutdown.add(() => services.stop());
  await migrate(services.postgres.url, log, config);

  const pool = createPool(services.postgres.url, config);
  shutdown.add(() => pool.end());
  const workerConnection = await connectTemporalWorker(services.temporal.address, config);
  shutdown.add(() => workerConnection.close());
  const worker = await createSagaWorker({ connection: workerConnection, namespace: services.temporal.namespace, taskQueue: config.taskQueue, pool });
  const running = worker.run();
  shutdown.add(async () => {
    worker.shutdown();
    await running;
  });

  const clientConnection = await connectTemporal(services.temporal.address, config);
  shutdown.add(() => clientConnection.close());
  const client = new Client({ connection: clientConnection, namespace: services.temporal.namespace });
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
