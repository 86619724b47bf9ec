import { ConfigError, loadConfig } from '../config/env';
import { InfraError } from '../infra/errors';
import { stateDir } from '../infra/paths';
import { redactUrl, startPostgres } from '../infra/postgres';
import { migrate } from './migrate';

/**
 * `npm run migrate`: brings DATABASE_URL, or the local dev database when it is unset, to the newest
 * schema. The workers and the tests migrate by themselves; this is for deploy pipelines and people.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const postgres = await startPostgres({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl, ssl: config } : {}),
    dataDir: stateDir('dev', 'postgres'),
    preferredPort: 54329,
  });
  try {
    const { applied } = await migrate(postgres.url, undefined, config);
    console.log(
      applied.length
        ? `${redactUrl(postgres.url)}: applied ${applied.length} migration(s): ${applied.join(', ')}`
        : `${redactUrl(postgres.url)}: schema is up to date`,
    );
  } finally {
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof InfraError;
  console.error(`migrate: ${known ? error.message : ((error as Error).stack ?? String(error))}`);
  process.exit(1);
});
