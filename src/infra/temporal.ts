import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { temporal } from '@temporalio/proto';
import { connectTemporal, type TemporalSettings } from '../config/connections';
import { InfraError } from './errors';
import { isProcessAlive, preferredOrFreePort } from './ports';
import { spawnService, stopPid } from './processes';
import { buildTemporalCli, findTemporalCli, goAvailable } from './temporalCli';

type AnySearchAttributeKey = SearchAttributeKey<SearchAttributeType>;

export interface TemporalService {
  /** host:port of the frontend gRPC service. */
  address: string;
  namespace: string;
  /** The Web UI, when this server serves one. */
  uiUrl?: string;
  owned: boolean;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  /** Holds the pid file and, when persistent, the SQLite file: runs survive a restart. */
  stateDir: string;
  /** false keeps the server's state in memory: for test runs that want a clean slate. */
  persistent: boolean;
  ui: boolean;
  preferredPort?: number;
  preferredUiPort?: number;
  namespace?: string;
  searchAttributes: readonly AnySearchAttributeKey[];
  log?: (line: string) => void;
}

interface PidFile {
  pid: number;
  port: number;
  uiPort?: number;
  namespace: string;
}

/**
 * The dev server a local stack (`npm run dev`) is running from this state directory, if any; for
 * tools that talk to it without owning it.
 */
export function runningDevServer(stateDir: string): { address: string; namespace: string; uiUrl?: string } | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(path.join(stateDir, 'temporal.json'), 'utf8')) as PidFile;
    if (!isProcessAlive(record.pid)) return undefined;
    return { address: `127.0.0.1:${record.port}`, namespace: record.namespace, ...(record.uiPort ? { uiUrl: `http://127.0.0.1:${record.uiPort}` } : {}) };
  } catch {
    return undefined;
  }
}

/** An external server when an address is given (checked; never silently replaced by a local one), otherwise a dev server. */
export async function startTemporal(options: DevServerOptions & { address?: string; tls?: TemporalSettings }): Promise<TemporalService> {
  const namespace = options.namespace ?? 'default';
  const external = options.address;
  if (external) {
    await waitForNamespace(external, namespace, 5_000, 'TEMPORAL_ADDRESS', options.tls);
    await registerSearchAttributes(external, namespace, options.searchAttributes, options.tls);
    return { address: external, namespace, owned: false, stop: async () => undefined };
  }
  return startDevServer({ ...options, namespace });
}

export async function startDevServer(options: DevServerOptions): Promise<TemporalService> {
  const namespace = options.namespace ?? 'default';
  const log = options.log ?? (() => undefined);
  fs.mkdirSync(options.stateDir, { recursive: true });
  const pidFile = path.join(options.stateDir, 'temporal.json');

  const reused = await reuseRunning(pidFile, namespace, options.searchAttributes);
  if (reused) {
    log(`reusing the Temporal dev server on ${reused.address}`);
    return reused;
  }

  const port = await preferredOrFreePort(options.preferredPort ?? 7233);
  const uiPort = options.ui ? await preferredOrFreePort(options.preferredUiPort ?? 8233) : undefined;
  const address = `127.0.0.1:${port}`;
  const storage = options.persistent
    ? [
        '--db-filename', path.join(options.stateDir, 'temporal.db'),
        // WAL with normal sync: 3x the throughput of SQLite's defaults and still crash-safe for the dev server.
        '--sqlite-pragma', 'journal_mode=wal',
        '--sqlite-pragma', 'synchronous=normal',
      ]
    : [];
  const searchAttributeArgs = options.searchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeName(key.type)}`]);
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--namespace', namespace,
    '--log-level', 'warn',
    ...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]),
    ...storage,
    ...searchAttributeArgs,
  ];

  const binary = findTemporalCli() ?? (goAvailable() ? await buildTemporalCli(log) : undefined);
  if (!binary) return startDownloadedServer(options, namespace, port, uiPort);

  log(`starting the Temporal dev server on ${address}${uiPort ? ` (Web UI on port ${uiPort})` : ''}`);
  const server = spawnService(binary, args, { stopSignal: 'SIGTERM', stopTimeoutMs: 20_000 });
  const exited = new Promise<never>((_, reject) =>
    server.child.once('exit', (code) =>
      reject(new InfraError(`the Temporal dev server (${binary}) exited with code ${code} while starting:\n${server.recentOutput()}`)),
    ),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForNamespace(address, namespace, 60_000, 'the Temporal dev server'), exited]);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const record: PidFile = { pid: server.child.pid!, port, namespace, ...(uiPort ? { uiPort } : {}) };
  fs.writeFileSync(pidFile, JSON.stringify(record));
  return {
    address,
    namespace,
    ...(uiPort ? { uiUrl: `http://127.0.0.1:${uiPort}` } : {}),
    owned: true,
    async stop() {
      await server.stop();
      fs.rmSync(pidFile, { force: true });
    },
  };
}

/**
 * A dev server left running by an earlier process (say `npm run dev` in another terminal, or one whose
 * owner was killed) is used rather than started twice on the same SQLite file.
 */
async function reuseRunning(pidFile: string, namespace: string, searchAttributes: readonly AnySearchAttributeKey[]): Promise<TemporalService | undefined> {
  let record: PidFile;
  try {
    record = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as PidFile;
  } catch {
    return undefined;
  }
  const address = `127.0.0.1:${record.port}`;
  if (!isProcessAlive(record.pid) || record.namespace !== namespace) {
    fs.rmSync(pidFile, { force: true });
    return undefined;
  }
  try {
    await waitForNamespace(address, namespace, 5_000, 'the running Temporal dev server');
  } catch {
    // It holds the pid but does not answer: stop it so a fresh one can take the SQLite file.
    await stopPid(record.pid, 'SIGTERM');
    fs.rmSync(pidFile, { force: true });
    return undefined;
  }
  await registerSearchAttributes(address, namespace, searchAttributes);
  return {
    address,
    namespace,
    ...(record.uiPort ? { uiUrl: `http://127.0.0.1:${record.uiPort}` } : {}),
    owned: false,
    stop: async () => undefined,
  };
}

/** Last resort on a machine without the CLI or Go: the SDK downloads a dev server (needs the internet). */
async function startDownloadedServer(options: DevServerOptions, namespace: string, port: number, uiPort: number | undefined): Promise<TemporalService> {
  options.log?.('no Temporal CLI and no Go toolchain found: letting the Temporal SDK download a dev server');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port,
      namespace,
      ui: uiPort !== undefined,
      ...(uiPort ? { uiPort } : {}),
      ...(options.persistent
        ? { dbFilename: path.join(options.stateDir, 'temporal.db'), extraArgs: ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'] }
        : {}),
      searchAttributes: [...options.searchAttributes],
    },
  });
  return {
    address: env.address,
    namespace,
    ...(uiPort ? { uiUrl: `http://127.0.0.1:${uiPort}` } : {}),
    owned: true,
    stop: () => env.teardown(),
  };
}

export async function waitForNamespace(address: string, namespace: string, timeoutMs: number, what: string, tls: TemporalSettings = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    let connection: Connection | undefined;
    try {
      connection = await connectTemporal(address, tls, { connectTimeout: Math.max(500, Math.min(2_000, deadline - Date.now())) });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await connection?.close();
    }
  }
  throw new InfraError(`${what} at ${address} did not answer for namespace '${namespace}' within ${timeoutMs} ms: ${(lastError as Error)?.message ?? 'no answer'}`);
}

/**
 * Registers the search attributes the workflows set that the namespace lacks, and says which it
 * added; an unknown one would make every start fail.
 */
export async function registerSearchAttributes(address: string, namespace: string, keys: readonly AnySearchAttributeKey[], tls: TemporalSettings = {}): Promise<string[]> {
  const connection = await connectTemporal(address, tls);
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = keys.filter((key) => !(key.name in (customAttributes ?? {})));
    if (missing.length === 0) return [];
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueType(key.type)])),
      });
    } catch (error) {
      throw new InfraError(
        `namespace '${namespace}' at ${address} lacks the search attributes ${missing.map((k) => k.name).join(', ')} and they could not be added ` +
          `(${(error as Error).message}). Create them with: ${missing.map((k) => `temporal operator search-attribute create --name ${k.name} --type ${cliTypeName(k.type)}`).join(' && ')}`,
      );
    }
    return missing.map((key) => key.name);
  } finally {
    await connection.close();
  }
}

const typeNames: Record<string, { cli: string; indexed: temporal.api.enums.v1.IndexedValueType }> = {
  KEYWORD: { cli: 'Keyword', indexed: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
  TEXT: { cli: 'Text', indexed: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT },
  INT: { cli: 'Int', indexed: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT },
  DOUBLE: { cli: 'Double', indexed: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE },
  BOOL: { cli: 'Bool', indexed: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL },
  DATETIME: { cli: 'Datetime', indexed: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME },
  KEYWORD_LIST: { cli: 'KeywordList', indexed: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST },
};

/** The type's name in the Temporal CLI's flags (`Keyword`). */
export function cliTypeName(type: SearchAttributeType): string {
  const known = typeNames[type];
  if (!known) throw new InfraError(`unsupported search attribute type ${type}`);
  return known.cli;
}

function indexedValueType(type: SearchAttributeType): temporal.api.enums.v1.IndexedValueType {
  const known = typeNames[type];
  if (!known) throw new InfraError(`unsupported search attribute type ${type}`);
  return known.indexed;
}
