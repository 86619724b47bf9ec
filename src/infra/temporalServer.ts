import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InfraError } from './errors';
import { cacheDir } from './paths';

/**
 * The Temporal server the cluster profile runs, and the one docker-compose.yml pins
 * (temporalio/server and temporalio/admin-tools): test/unit/infra/temporalVersions.test.ts holds
 * the compose file to it.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/**
 * The Web UI server beside it: the version the Temporal CLI v1.5.1 embeds, and compose's
 * temporalio/ui image tag.
 */
export const TEMPORAL_UI_SERVER_VERSION = 'v2.42.1';

const SERVER_MODULE = 'go.temporal.io/server';
const UI_SERVER_MODULE = 'github.com/temporalio/ui-server/v2';

/** What one build leaves in the cache: binaries, and the module files a run needs (GOMODCACHE may be gone by then). */
export interface TemporalServerInstall {
  dir: string;
  /** `temporal-server` (go.temporal.io/server/cmd/server). */
  server: string;
  /** `temporal-sql-tool` (go.temporal.io/server/cmd/tools/sql). */
  sqlTool: string;
  /** `temporal-ui-server` (github.com/temporalio/ui-server/v2/cmd/server). */
  uiServer: string;
  /** The server module's config/docker.yaml: the template the temporalio/server image renders from its environment. */
  serverConfigTemplate: string;
  /** The server module's config/dynamicconfig/docker.yaml, which that image runs with. */
  dynamicConfig: string;
  /** The server module's schema/postgresql/v12 (temporal/ and visibility/, each with versioned/). */
  postgresSchemaDir: string;
  /** The UI module's config/docker.yaml: the template the temporalio/ui image renders. */
  uiConfigTemplate: string;
}

/** Versioned, so a version bump builds afresh beside the old one instead of running a mix. */
export function temporalServerInstallDir(): string {
  return cacheDir(`temporal-server-${TEMPORAL_SERVER_VERSION}-ui-${TEMPORAL_UI_SERVER_VERSION}`);
}

function installAt(dir: string): TemporalServerInstall {
  return {
    dir,
    server: path.join(dir, 'bin', 'temporal-server'),
    sqlTool: path.join(dir, 'bin', 'temporal-sql-tool'),
    uiServer: path.join(dir, 'bin', 'temporal-ui-server'),
    serverConfigTemplate: path.join(dir, 'server-config', 'docker.yaml'),
    dynamicConfig: path.join(dir, 'server-config', 'dynamicconfig', 'docker.yaml'),
    postgresSchemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
    uiConfigTemplate: path.join(dir, 'ui-config', 'docker.yaml'),
  };
}

/** The cached build, when a complete one is there (the directory appears only once everything is in it). */
export function findTemporalServer(): TemporalServerInstall | undefined {
  const dir = temporalServerInstallDir();
  return fs.existsSync(path.join(dir, 'BUILD.json')) ? installAt(dir) : undefined;
}

/**
 * Builds the server, its SQL tool and the UI server from the Go module proxy, and copies the module
 * files a run reads (config templates, PostgreSQL schema) beside them, once per machine. Everything
 * goes into a temporary directory renamed into place at the end, so an interrupted or concurrent
 * build never leaves a half-made install behind.
 */
export async function buildTemporalServer(log: (line: string) => void): Promise<TemporalServerInstall> {
  fs.mkdirSync(cacheDir(), { recursive: true });
  const target = temporalServerInstallDir();
  const tmp = fs.mkdtempSync(path.join(cacheDir(), 'build-server-'));
  const started = Date.now();
  log(`building the Temporal server ${TEMPORAL_SERVER_VERSION}, its SQL tool and the UI server ${TEMPORAL_UI_SERVER_VERSION} with Go into ${target} (one time; several minutes on 2 cores)`);
  try {
    const staged = installAt(tmp);
    fs.mkdirSync(path.join(tmp, 'bin'), { recursive: true });
    // cmd/server and the UI's cmd/server both install as `server`: each gets its own GOBIN.
    const serverBin = path.join(tmp, 'gobin-server');
    await goInstall([`${SERVER_MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${SERVER_MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`], serverBin, 'the Temporal server', log);
    fs.renameSync(path.join(serverBin, 'server'), staged.server);
    fs.renameSync(path.join(serverBin, 'sql'), staged.sqlTool);
    const uiBin = path.join(tmp, 'gobin-ui');
    await goInstall([`${UI_SERVER_MODULE}/cmd/server@${TEMPORAL_UI_SERVER_VERSION}`], uiBin, 'the Temporal UI server', log);
    fs.renameSync(path.join(uiBin, 'server'), staged.uiServer);

    const serverModule = await moduleDir(SERVER_MODULE, TEMPORAL_SERVER_VERSION);
    copyFromModule(path.join(serverModule, 'config', 'docker.yaml'), staged.serverConfigTemplate);
    copyFromModule(path.join(serverModule, 'config', 'dynamicconfig', 'docker.yaml'), staged.dynamicConfig);
    copyFromModule(path.join(serverModule, 'schema', 'postgresql', 'v12'), staged.postgresSchemaDir);
    const uiModule = await moduleDir(UI_SERVER_MODULE, TEMPORAL_UI_SERVER_VERSION);
    copyFromModule(path.join(uiModule, 'config', 'docker.yaml'), staged.uiConfigTemplate);
    fs.rmSync(serverBin, { recursive: true, force: true });
    fs.rmSync(uiBin, { recursive: true, force: true });
    fs.writeFileSync(path.join(tmp, 'BUILD.json'), JSON.stringify({ server: TEMPORAL_SERVER_VERSION, ui: TEMPORAL_UI_SERVER_VERSION, builtAt: new Date().toISOString() }));
    try {
      fs.renameSync(tmp, target);
    } catch (error) {
      // Another process finished the same build first: keep its install.
      if (!findTemporalServer()) throw error;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`built the Temporal server and UI server in ${Math.round((Date.now() - started) / 1000)} s`);
  return installAt(target);
}

async function goInstall(packages: string[], gobin: string, what: string, log: (line: string) => void): Promise<void> {
  fs.mkdirSync(gobin, { recursive: true });
  const started = Date.now();
  const child = spawn('go', ['install', ...packages], {
    // Outside any Go module or workspace, so `pkg@version` resolves from the proxy alone.
    cwd: os.tmpdir(),
    env: { ...process.env, GOBIN: gobin, GOFLAGS: process.env.GOFLAGS ?? '-trimpath' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const heartbeat = setInterval(() => log(`  still building ${what} (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(heartbeat);
  if (code !== 0) {
    throw new InfraError(`go install ${packages.join(' ')} failed (exit ${code}):\n${output.slice(-20).join('\n')}`);
  }
  log(`  built ${what} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Where the Go module cache holds a module version (downloaded if it is not there yet). */
async function moduleDir(module: string, version: string): Promise<string> {
  const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', `${module}@${version}`], { cwd: os.tmpdir(), maxBuffer: 1 << 20 });
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir || !fs.existsSync(dir)) throw new InfraError(`go mod download ${module}@${version} named no module directory`);
  return dir;
}

/** The module cache is read-only: the copies are made writable, so a later `rm -rf` of the cache works. */
function copyFromModule(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
  const makeWritable = (p: string) => {
    const stat = fs.statSync(p);
    fs.chmodSync(p, stat.mode | 0o200);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) makeWritable(path.join(p, entry));
  };
  makeWritable(to);
}
