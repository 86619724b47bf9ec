import { loadConfig } from '../../src/config/env';
import { stateDir } from '../../src/infra/paths';
import { redactUrl, startPostgres, type PostgresService } from '../../src/infra/postgres';
import { handleShutdown, type Shutdown } from '../../src/infra/shutdown';
import { UsageError } from './args';

export interface BenchProcess {
  /** Progress goes to stderr; the report alone goes to stdout. */
  log: (line: string) => void;
  shutdown: Shutdown;
  /** Exits when the run ends: 0, 2 on bad usage (with the usage), 1 on failure; quietly after Ctrl-C. */
  finish(run: Promise<void>, usage: string): void;
}

/** What every benchmark entry point sets up first: logging, cleanup on exit and Ctrl-C. */
export function benchProcess(): BenchProcess {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const shutdown = handleShutdown(log);
  // After Ctrl-C the calls in flight fail as their database goes away; that is not worth a stack trace.
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (interrupted = true));
  return {
    log,
    shutdown,
    finish(run, usage) {
      run.then(
        () => shutdown.exit(0),
        (error: unknown) => {
          if (interrupted) return;
          log(error instanceof UsageError ? `${error.message}\n\n${usage}` : `benchmark failed: ${(error as Error).stack ?? String(error)}`);
          shutdown.exit(error instanceof UsageError ? 2 : 1);
        },
      );
    },
  };
}

/** DATABASE_URL, or the bench profile's own durable PostgreSQL (started if needed, stopped at exit). */
export async function startBenchPostgres({ log, shutdown }: BenchProcess): Promise<PostgresService> {
  const config = loadConfig();
  const postgres = await startPostgres({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    dataDir: stateDir('bench', 'postgres'),
    preferredPort: 54339,
    durable: true,
    log,
  });
  shutdown.add(() => postgres.stop());
  log(`PostgreSQL at ${redactUrl(postgres.url)}${postgres.owned ? '' : ' (not started by this run; left running)'}`);
  return postgres;
}
