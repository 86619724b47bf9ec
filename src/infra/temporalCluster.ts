import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import pg from 'pg';
import { connectTemporal } from '../config/connections';
import { InfraError } from './errors';
import { isPortFree, isProcessAlive, preferredOrFreePort, waitForPort } from './ports';
import { startEmbeddedPostgres, withDatabase, type PostgresService } from './postgres';
import { spawnService, stopPid, type ManagedProcess } from './processes';
import { registerSearchAttributes, waitForNamespace, type TemporalService } from './temporal';
import { goAvailable } from './temporalCli';
import { NAMESPACE_RETENTION_HOURS, schemaSetupScript, TEMPORAL_DATABASES, TEMPORAL_DB } from './temporalSetup';
import { buildTemporalServer, findTemporalServer, type TemporalServerInstall } from './temporalServer';

export interface TemporalClusterOptions {
  /** Holds PostgreSQL's data, pid files and the servers' logs. */
  stateDir: string;
  namespace: string;
  searchAttributes: readonly SearchAttributeKey<SearchAttributeType>[];
  ui: boolean;
  /** Frontend gRPC port tried first (any free one when taken; 0 prefers none). */
  preferredPort?: number;
  preferredUiPort?: number;
  preferredPostgresPort?: number;
  /** false: PostgreSQL without fsync, for throwaway test clusters. */
  durable?: boolean;
  log?: (line: string) => void;
}

export interface TemporalCluster {
  /** The PostgreSQL holding Temporal's databases and sagaflow's (database `sagaflow`). */
  postgres: PostgresService;
  temporal: TemporalService;
  /** The frontend's HTTP API. */
  httpAddress: string;
  /** Stops the UI, the server, then PostgreSQL. */
  stop(): Promise<void>;
}

/**
 * A Temporal server on PostgreSQL persistence and visibility, as a self-hosted cluster runs it:
 * the embedded PostgreSQL (its own data directory and port), Temporal's schemas set up and updated
 * with the official SQL tool, the server started from the config template its image uses, the
 * namespace and the search attributes registered, and the Web UI server pointed at it.
 */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const log = options.log ?? (() => undefined);
  fs.mkdirSync(options.stateDir, { recursive: true });
  const install = findTemporalServer() ?? (goAvailable() ? await buildTemporalServer(log) : undefined);
  if (!install) throw new InfraError('the cluster profile builds the Temporal server with Go, and no `go` is on PATH: install Go (1.24 or newer), or run a Temporal cluster yourself and set TEMPORAL_ADDRESS');

  // Leftovers of an owner that was killed hold ports and database sessions: stopped, not reused.
  await stopRecorded(path.join(options.stateDir, 'temporal-ui.json'));
  await stopRecorded(path.join(options.stateDir, 'temporal-server.json'));

  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(options.stateDir, 'postgres'),
    preferredPort: options.preferredPostgresPort ?? 0,
    durable: options.durable ?? true,
    log,
  });
  const stops: Array<() => Promise<void>> = [() => postgres.stop()];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const dbPort = Number(new URL(postgres.url).port);
    await ensureTemporalRole(postgres.url);
    await setupSchemas(install, dbPort, log);

    const server = await startServer(install, dbPort, options, log);
    stops.push(() => server.stop());
    await ensureNamespace(server.address, options.namespace, log);
    await registerSearchAttributesOnceServed(server.address, options.namespace, options.searchAttributes);

    let uiUrl: string | undefined;
    if (options.ui) {
      const ui = await startUi(install, server.address, options, log);
      stops.push(() => ui.stop());
      uiUrl = ui.url;
    }
    return {
      postgres,
      httpAddress: server.httpAddress,
      temporal: { address: server.address, namespace: options.namespace, ...(uiUrl ? { uiUrl } : {}), owned: true, stop: async () => undefined },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A login of its own for Temporal, as compose's POSTGRES_USER; it creates its two databases. */
async function ensureTemporalRole(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(adminUrl, 'postgres') });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [TEMPORAL_DB.user]);
    if (!rowCount) {
      await client.query(`create role ${pg.escapeIdentifier(TEMPORAL_DB.user)} login createdb password ${pg.escapeLiteral(TEMPORAL_DB.password)}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * The schema script docker-compose.yml's temporal-schema step runs (src/infra/temporalSetup.ts),
 * run here with the SQL tool this profile built and the schema folder copied from the server module.
 */
async function setupSchemas(install: TemporalServerInstall, dbPort: number, log: (line: string) => void): Promise<void> {
  log(`setting up Temporal's ${TEMPORAL_DATABASES.map((d) => d.database).join(' and ')} schemas with temporal-sql-tool`);
  try {
    await promisify(execFile)('sh', ['-euc', schemaSetupScript()], {
      maxBuffer: 16 << 20,
      env: {
        ...process.env,
        PATH: `${path.dirname(install.sqlTool)}${path.delimiter}${process.env.PATH ?? ''}`,
        DB: TEMPORAL_DB.plugin,
        POSTGRES_SEEDS: '127.0.0.1',
        DB_PORT: String(dbPort),
        POSTGRES_USER: TEMPORAL_DB.user,
        SQL_PASSWORD: TEMPORAL_DB.password,
        SCHEMA_DIR: install.postgresSchemaDir,
      },
    });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new InfraError(`setting up Temporal's schemas failed:\n${(stderr || stdout || (error as Error).message).trim().split('\n').slice(-15).join('\n')}`);
  }
}

interface RunningServer {
  address: string;
  httpAddress: string;
  stop(): Promise<void>;
}

/**
 * The server renders the config template of its image (config/docker.yaml, copied from the module
 * at build time) from these variables, the ones compose sets; each service listens on a port of its
 * own on loopback (frontend gRPC and HTTP, and the gRPC and membership ports of frontend, history,
 * matching and the internal worker).
 */
async function startServer(install: TemporalServerInstall, dbPort: number, options: TemporalClusterOptions, log: (line: string) => void): Promise<RunningServer> {
  const grpcPort = await preferredOrFreePort(options.preferredPort ?? 0);
  // The server records membership ports in a smallint column (cluster_membership.rpc_port): the
  // kernel's ephemeral ports (32768 and up) overflow it, so the services' ports come from below.
  const taken = new Set<number>([grpcPort]);
  const lowPort = async () => {
    for (let port = 17000; port < 32768; port++) {
      if (!taken.has(port) && (await isPortFree(port))) {
        taken.add(port);
        return port;
      }
    }
    throw new InfraError('no free port below 32768 for the Temporal server');
  };
  const ports = {
    FRONTEND_GRPC_PORT: grpcPort,
    FRONTEND_HTTP_PORT: await lowPort(),
    FRONTEND_MEMBERSHIP_PORT: await lowPort(),
    HISTORY_GRPC_PORT: await lowPort(),
    HISTORY_MEMBERSHIP_PORT: await lowPort(),
    MATCHING_GRPC_PORT: await lowPort(),
    MATCHING_MEMBERSHIP_PORT: await lowPort(),
    WORKER_GRPC_PORT: await lowPort(),
    WORKER_MEMBERSHIP_PORT: await lowPort(),
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DB: TEMPORAL_DB.plugin,
    DB_PORT: String(dbPort),
    // The template reads the visibility store's port from these, not DB_PORT (compose uses 5432, the default).
    VISIBILITY_DB_PORT: String(dbPort),
    POSTGRES_SEEDS: '127.0.0.1',
    POSTGRES_USER: TEMPORAL_DB.user,
    POSTGRES_PWD: TEMPORAL_DB.password,
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    DYNAMIC_CONFIG_FILE_PATH: install.dynamicConfig,
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
  };
  const address = `127.0.0.1:${grpcPort}`;
  log(`starting the Temporal server on ${address} (PostgreSQL persistence and visibility)`);
  const server = spawnService(install.server, ['--root', path.dirname(install.serverConfigTemplate), '--config', '.', '--env', 'docker', '--allow-no-auth', 'start'], {
    env,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 20_000,
    onOutput: appendTo(path.join(options.stateDir, 'temporal-server.log')),
  });
  await untilReady(server, 'the Temporal server', waitForPort('127.0.0.1', grpcPort, 60_000));
  const pidFile = path.join(options.stateDir, 'temporal-server.json');
  fs.writeFileSync(pidFile, JSON.stringify({ pid: server.child.pid, ...ports }));
  return {
    address,
    httpAddress: `127.0.0.1:${ports.FRONTEND_HTTP_PORT}`,
    async stop() {
      await server.stop();
      fs.rmSync(pidFile, { force: true });
    },
  };
}

/** Registers the namespace unless it exists (compose's temporal-setup step), then waits until the frontend serves it. */
async function ensureNamespace(address: string, namespace: string, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const connection = await connectTemporal(address).catch(() => undefined);
    try {
      if (connection) {
        try {
          await connection.workflowService.describeNamespace({ namespace });
          break;
        } catch (error) {
          if ((error as { code?: number }).code !== 5 /* NOT_FOUND */) throw error;
        }
        log(`registering namespace '${namespace}' (retention ${NAMESPACE_RETENTION_HOURS} h)`);
        await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${NAMESPACE_RETENTION_HOURS} hours`) }).catch((error: unknown) => {
          if ((error as { code?: number }).code !== 6 /* ALREADY_EXISTS */) throw error;
        });
        break;
      }
    } catch (error) {
      // The frontend accepts connections before its persistence and membership are ready.
      if (Date.now() > deadline) throw new InfraError(`the Temporal server at ${address} did not accept namespace '${namespace}' within 60 s: ${(error as Error).message}`);
    } finally {
      await connection?.close();
    }
    if (Date.now() > deadline) throw new InfraError(`the Temporal server at ${address} did not answer within 60 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  // A new namespace reaches the frontend's namespace cache within its refresh interval (10 s).
  await waitForNamespace(address, namespace, 60_000, 'the Temporal server');
}

/**
 * A namespace just registered is described by the frontend before every service's namespace cache
 * has it (refreshed every 10 s): the operator service answers NOT_FOUND until then.
 */
async function registerSearchAttributesOnceServed(address: string, namespace: string, keys: readonly SearchAttributeKey<SearchAttributeType>[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await registerSearchAttributes(address, namespace, keys);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/**
 * The Web UI server the temporalio/ui image runs, rendered from that image's config template
 * (config/docker.yaml) and a base.yaml that keeps it on loopback (the template has no host key).
 */
async function startUi(install: TemporalServerInstall, temporalAddress: string, options: TemporalClusterOptions, log: (line: string) => void): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await preferredOrFreePort(options.preferredUiPort ?? 0);
  const configDir = path.join(options.stateDir, 'ui-config');
  fs.mkdirSync(configDir, { recursive: true });
  fs.copyFileSync(install.uiConfigTemplate, path.join(configDir, 'docker.yaml'));
  fs.writeFileSync(path.join(configDir, 'base.yaml'), 'host: 127.0.0.1\n');
  const url = `http://127.0.0.1:${port}`;
  const ui = spawnService(install.uiServer, ['--root', configDir, '--config', '.', '--env', 'docker', 'start'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_UI_PORT: String(port),
      TEMPORAL_DEFAULT_NAMESPACE: options.namespace,
      TEMPORAL_CORS_ORIGINS: url,
      TEMPORAL_NOTIFY_ON_NEW_VERSION: 'false',
    },
    stopSignal: 'SIGTERM',
    onOutput: appendTo(path.join(options.stateDir, 'temporal-ui.log')),
  });
  await untilReady(ui, 'the Temporal UI server', waitForPort('127.0.0.1', port, 30_000));
  const pidFile = path.join(options.stateDir, 'temporal-ui.json');
  fs.writeFileSync(pidFile, JSON.stringify({ pid: ui.child.pid, port }));
  log(`Temporal Web UI on ${url}`);
  return {
    url,
    async stop() {
      await ui.stop();
      fs.rmSync(pidFile, { force: true });
    },
  };
}

/** Waits for `ready`, failing with the process's last output should it exit first. */
async function untilReady(service: ManagedProcess, what: string, ready: Promise<void>): Promise<void> {
  const exited = new Promise<never>((_, reject) =>
    service.child.once('exit', (code) => reject(new InfraError(`${what} exited with code ${code} while starting:\n${service.recentOutput()}`))),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    await service.stop();
    throw error instanceof InfraError ? error : new InfraError(`${what}: ${(error as Error).message}\n${service.recentOutput()}`);
  }
}

function appendTo(file: string): (line: string) => void {
  fs.writeFileSync(file, '');
  return (line) => fs.appendFileSync(file, `${line}\n`);
}

async function stopRecorded(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = (JSON.parse(fs.readFileSync(pidFile, 'utf8')) as { pid: number }).pid;
  } catch {
    return;
  }
  if (isProcessAlive(pid)) await stopPid(pid, 'SIGTERM', 20_000);
  fs.rmSync(pidFile, { force: true });
}
