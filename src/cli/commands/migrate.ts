import type { Command } from 'commander';
import { loadConfig } from '../../config/env';
import { migrate } from '../../db/migrate';
import { stateDir } from '../../infra/paths';
import { redactUrl, startPostgres } from '../../infra/postgres';
import { printJson, processIo, type CliIo } from '../output';

/**
 * `sagaflow migrate`: brings DATABASE_URL (or the local dev database when it is unset) to the newest
 * schema, from the migrations that ship with the engine. The workers and the tests migrate by
 * themselves; this is for deploy pipelines and people.
 */
export function registerMigrateCommand(program: Command, io: CliIo = processIo): void {
  program
    .command('migrate')
    .description("Apply the event store's and the engine's pending migrations to DATABASE_URL (or the local dev database)")
    .option('--json', 'print the applied migrations as JSON')
    .addHelpText('after', '\nExample:\n  $ DATABASE_URL=postgres://app@db/app sagaflow migrate')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig();
      const postgres = await startPostgres({
        ...(config.databaseUrl ? { databaseUrl: config.databaseUrl, ssl: config } : {}),
        dataDir: stateDir('dev', 'postgres'),
        preferredPort: 54329,
      });
      try {
        const { applied } = await migrate(postgres.url, undefined, config);
        if (options.json) return printJson(io, { database: redactUrl(postgres.url), applied });
        io.stdout(
          applied.length
            ? `${redactUrl(postgres.url)}: applied ${applied.length} migration(s): ${applied.join(', ')}\n`
            : `${redactUrl(postgres.url)}: schema is up to date\n`,
        );
      } finally {
        await postgres.stop();
      }
    });
}
