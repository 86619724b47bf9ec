/**
 * Starts the local services of a profile (PostgreSQL and Temporal) under SAGAFLOW_HOME and reports
 * where they run, then idles until killed: the first-run tests SIGKILL it to leave behind exactly
 * what a killed `npm run dev` leaves.
 */
import { loadConfig } from '../../src/config/env';
import { startLocalServices } from '../../src/infra/localServices';
import { composition } from '../../processes';

async function main(): Promise<void> {
  const services = await startLocalServices({ profile: 'dev', config: loadConfig(), searchAttributes: composition.searchAttributes });
  process.stdout.write(`${JSON.stringify({ postgres: services.postgres.url, temporal: services.temporal.address, ui: services.temporal.uiUrl })}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
