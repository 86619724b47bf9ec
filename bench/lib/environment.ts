import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';

export interface Environment {
  date: string;
  machine: string;
  node: string;
  postgres: string;
  /** The settings that decide what a commit costs and how much stays in memory. */
  postgresSettings: string;
  command: string;
}

const SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'max_wal_size'] as const;

export async function describeEnvironment(admin: pg.Pool, argv: readonly string[]): Promise<Environment> {
  const { rows } = await admin.query<{ name: string; setting: string }>(
    `select name, current_setting(name) as setting from unnest($1::text[]) as name`,
    [SETTINGS],
  );
  const version = await admin.query<{ v: string }>(`select current_setting('server_version') as v`);
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'),
    machine: `${os.type()} ${os.release()} ${os.arch()}, ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
    node: process.version,
    postgres: `PostgreSQL ${version.rows[0]?.v ?? '?'}`,
    postgresSettings: rows.map((row) => `${row.name}=${row.setting}`).join(', '),
    command: commandLine(argv),
  };
}

/** As the user typed it, when run through npm; otherwise the node invocation. */
function commandLine(argv: readonly string[]): string {
  const args = argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(' ');
  const script = process.env.npm_lifecycle_event;
  if (script?.startsWith('bench:')) return `npm run ${script}${args ? ` -- ${args}` : ''}`;
  return `node --import tsx ${path.relative(process.cwd(), process.argv[1] ?? 'bench')}${args ? ` ${args}` : ''}`;
}

/** The report lines every benchmark opens with: when, on what machine, against which PostgreSQL. */
export function environmentLines(env: Environment): string[] {
  return [`- date: ${env.date}`, `- machine: ${env.machine}; Node ${env.node}`, `- ${env.postgres}: ${env.postgresSettings}`];
}
