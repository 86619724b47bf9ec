import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresConnection, type DatabaseSettings } from '../config/connections';
import { classifyPostgresError } from '../errors/postgresErrors';
import { InfraError } from './errors';
import { isProcessAlive, preferredOrFreePort } from './ports';
import { embeddedPostgresBinaries, reachableByOthers } from './postgresBinaries';
import { spawnService } from './processes';

export interface PostgresService {
  /** Connection string of the application database. */
  url: string;
  /** True when this process started the server and will stop it. */
  owned: boolean;
  /** The embedded server's data directory (it may be elsewhere than the one asked for; see accessibleDataDir). */
  dataDir?: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Cluster directory; reused across runs (a second start finds the data, or the running server). */
  dataDir: string;
  /** Port tried first; any free port when it is taken. */
  preferredPort?: number;
  /** Application database created on first start. */
  database?: string;
  /**
   * false trades crash safety for speed (fsync off): for throwaway test clusters only.
   * Benchmarks and dev keep it true so their numbers and data mean something.
   */
  durable?: boolean;
  /**
   * As root, the system user the server runs as (PostgreSQL refuses to run as root), created when
   * missing: `postgres` unless told otherwise.
   */
  osUser?: string;
  log?: (line: string) => void;
}

const SUPERUSER = 'postgres';
const PASSWORD = 'postgres';

/** An external server when a URL is given (checked, never silently replaced), otherwise an embedded one. */
export async function startPostgres(options: EmbeddedPostgresOptions & { databaseUrl?: string; ssl?: DatabaseSettings }): Promise<PostgresService> {
  const external = options.databaseUrl;
  if (external) {
    await assertReachable(external, 'DATABASE_URL', options.ssl);
    return { url: external, owned: false, stop: async () => undefined };
  }
  return startEmbeddedPostgres(options);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<PostgresService> {
  const database = options.database ?? 'sagaflow';
  const dataDir = accessibleDataDir(options.dataDir, options.log);

  const running = runningServer(dataDir);
  if (running) {
    const url = connectionString(running.port, database);
    await assertReachable(connectionString(running.port, 'postgres'), `the PostgreSQL already running on ${dataDir} (pid ${running.pid})`);
    await ensureDatabase(running.port, database);
    options.log?.(`reusing PostgreSQL pid ${running.pid} on port ${running.port}`);
    return { url, owned: false, dataDir, stop: async () => undefined };
  }

  removeStaleLockFile(dataDir, options.log);
  const owner = serverUser(options.osUser ?? SUPERUSER, options.log);
  const binaries = embeddedPostgresBinaries({ forOtherUser: owner !== undefined });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    options.log?.(`initialising a PostgreSQL cluster in ${dataDir}`);
    initCluster(binaries.initdb, dataDir, owner);
  }

  const port = await preferredOrFreePort(options.preferredPort ?? 54329);
  const settings = [
    '-D', dataDir,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    // TCP only: a socket path under a deep checkout can exceed the 107-byte limit of sun_path.
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=300',
    ...(options.durable === false ? ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off'] : []),
  ];
  const server = spawnService(binaries.postgres, settings, {
    stopSignal: 'SIGINT', // "fast" shutdown: roll back open transactions, checkpoint, exit
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    env: { ...process.env, LC_ALL: 'C' },
  });
  await new Promise<void>((resolve, reject) => {
    const onExit = () =>
      reject(new InfraError(`PostgreSQL exited while starting (data ${dataDir}, port ${port}):\n${server.recentOutput()}`));
    server.child.once('exit', onExit);
    const onData = (chunk: Buffer) => {
      if (chunk.toString().includes('ready to accept connections')) {
        server.child.off('exit', onExit);
        server.child.stderr?.off('data', onData);
        resolve();
      }
    };
    server.child.stderr?.on('data', onData);
  });
  await ensureDatabase(port, database);
  options.log?.(`PostgreSQL started on port ${port}`);
  return { url: connectionString(port, database), owned: true, dataDir, stop: () => server.stop() };
}

/**
 * The URL of the PostgreSQL already running on a data directory (the local stack's), found without
 * starting, creating or changing anything; undefined when none runs there.
 */
export function runningPostgresUrl(dataDir: string, database = 'sagaflow'): string | undefined {
  const running = runningServer(accessibleDataDir(dataDir));
  return running ? connectionString(running.port, database) : undefined;
}

export function connectionString(port: number, database: string): string {
  return `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable connection string>';
  }
}

export async function assertReachable(url: string, what: string, ssl: DatabaseSettings = {}): Promise<void> {
  const client = new pg.Client({ ...postgresConnection(url, ssl), connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // a session ended under us fails the query below, which says so
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new InfraError(`${what} (${redactUrl(url)}) did not answer: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: connectionString(port, 'postgres') });
  client.on('error', () => undefined); // a session ended under us fails the query in flight, which is thrown
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) {
      await client.query(`create database ${pg.escapeIdentifier(database)}`).catch((error: unknown) => {
        if (classifyPostgresError(error).kind !== 'already_exists') throw error; // created concurrently by another process: fine
      });
    }
  } finally {
    await client.end();
  }
}

function runningServer(dataDir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && Number.isInteger(port) && isProcessAlive(pid) ? { pid, port } : undefined;
}

/**
 * A server killed with its owner leaves postmaster.pid behind. PostgreSQL overwrites the file when
 * its pid is gone, but not while that pid is an unreaped zombie (it too asks with signal 0), and an
 * init that reaps slowly keeps it so for a while: the new server then refuses to start. The pid is
 * known dead here, so the lock file is stale and goes.
 */
function removeStaleLockFile(dataDir: string, log?: (line: string) => void): void {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(lockFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) return;
  log?.(`removing the lock file of a PostgreSQL that is no longer running (pid ${pid})`);
  fs.rmSync(lockFile, { force: true });
}

function initCluster(initdb: string, dataDir: string, owner: { uid: number; gid: number } | undefined): void {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (owner) fs.chownSync(dataDir, owner.uid, owner.gid);
  const passwordFile = path.join(os.tmpdir(), `sagaflow-pw-${crypto.randomUUID()}`);
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    execFileSync(
      initdb,
      ['-D', dataDir, '-U', SUPERUSER, `--pwfile=${passwordFile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '--encoding=UTF8', '--no-locale'],
      { stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' }, ...(owner ? { uid: owner.uid, gid: owner.gid } : {}) },
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new InfraError(`initdb failed for ${dataDir}: ${stderr || (error as Error).message}`);
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

/** PostgreSQL refuses to run as root; as root we run it as a system user (`postgres`), creating it once. */
function serverUser(name: string, log?: (line: string) => void): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { stdio: 'pipe' }).toString().trim());
      const gid = Number(execFileSync('id', ['-g', name], { stdio: 'pipe' }).toString().trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  log?.(`creating the system user '${name}' to run PostgreSQL (it refuses to run as root)`);
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new InfraError(`running as root, PostgreSQL needs a '${name}' user and useradd failed: ${stderr || (error as Error).message}`);
  }
  const created = lookup();
  if (!created) throw new InfraError(`created the '${name}' user but cannot look it up`);
  return created;
}

/**
 * As root the server runs as `postgres`, which must be able to reach its data directory. A checkout
 * under a private directory (e.g. /root, or a mode-700 temp dir) is not reachable; then the cluster
 * lives under the system temp directory instead, keyed by the requested path so it is still reused.
 */
function accessibleDataDir(requested: string, log?: (line: string) => void): string {
  if (process.getuid?.() !== 0 || reachableByOthers(requested)) return requested;
  const key = crypto.createHash('sha256').update(path.resolve(requested)).digest('hex').slice(0, 12);
  const fallback = path.join(os.tmpdir(), `sagaflow-postgres-${key}`);
  log?.(`${path.dirname(requested)} is not reachable by the postgres user; keeping the cluster in ${fallback}`);
  return fallback;
}
