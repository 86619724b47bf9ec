import { createProjectionDaemon } from 'sagaflow/projections';
import { connectTemporalWorker, createPool, createSagaWorker, loadConfig, migrate, registerSearchAttributes } from 'sagaflow/worker';
import { composition } from './process';

/** The app's worker process: its sagas' workflows and steps, and its read models, on DATABASE_URL and TEMPORAL_ADDRESS. */
async function main(): Promise<void> {
  const config = loadConfig(); // DATABASE_URL, TEMPORAL_ADDRESS, the namespace and task queue (see sagaflow's Configuration)
  if (!config.databaseUrl || !config.temporalAddress) throw new Error('set DATABASE_URL and TEMPORAL_ADDRESS');
  await migrate(config.databaseUrl, console.log, config);
  // The namespace must know the saga's search attributes (SagaStatus, TicketId) before a run starts.
  await registerSearchAttributes(config.temporalAddress, config.namespace, composition.searchAttributes, config);
  const pool = createPool(config.databaseUrl, config);
  const projections = createProjectionDaemon({ pool, connectionString: config.databaseUrl, contracts: composition.contracts, projections: composition.readModels });
  await projections.start();
  const connection = await connectTemporalWorker(config.temporalAddress, config);
  try {
    const worker = await createSagaWorker({ composition, connection, namespace: config.namespace, taskQueue: config.taskQueue, pool });
    await worker.run(); // until SIGINT/SIGTERM
  } finally {
    await connection.close();
    await projections.stop();
    await pool.end();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
