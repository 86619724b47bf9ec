import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { InfraError } from './errors';
import { findOnPath, isExecutable } from './executables';
import { cacheDir } from './paths';

/** The newest Temporal CLI release whose go.mod has no replace directive, which `go install pkg@version` requires. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/**
 * Finds the `temporal` CLI (it embeds the dev server and the Web UI): TEMPORAL_CLI_PATH, then PATH,
 * then this machine's cached build. Returns undefined when there is none.
 */
export function findTemporalCli(): string | undefined {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) throw new InfraError(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    return explicit;
  }
  const onPath = findOnPath('temporal');
  if (onPath) return onPath;
  const cached = cachedCliPath();
  return isExecutable(cached) ? cached : undefined;
}

export function cachedCliPath(): string {
  return path.join(cacheDir('bin'), 'temporal');
}

export function goAvailable(): boolean {
  return findOnPath('go') !== undefined;
}

/**
 * Builds the CLI from the Go module proxy into the cache, once per machine. Builds into a temporary
 * GOBIN and renames, so an interrupted or concurrent build never leaves a half-written binary behind.
 */
export async function buildTemporalCli(log: (line: string) => void): Promise<string> {
  const target = cachedCliPath();
  // A fresh machine has no cache directory at all (not even ~/.cache): make the whole path first.
  fs.mkdirSync(cacheDir(), { recursive: true });
  const tmpBin = fs.mkdtempSync(path.join(cacheDir(), 'build-'));
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${path.dirname(target)} (one time; several minutes on 2 cores)`);
  const started = Date.now();
  const child = spawn('go', ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: tmpBin, GOFLAGS: process.env.GOFLAGS ?? '-trimpath' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const heartbeat = setInterval(() => {
    log(`  still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)} s)`);
  }, 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(heartbeat);
  try {
    if (code !== 0) {
      throw new InfraError(
        `go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} failed (exit ${code}):\n${output.slice(-20).join('\n')}\n` +
          'Install the Temporal CLI yourself and set TEMPORAL_CLI_PATH, or point TEMPORAL_ADDRESS at a running server.',
      );
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(path.join(tmpBin, 'temporal'), target);
  } finally {
    fs.rmSync(tmpBin, { recursive: true, force: true });
  }
  log(`built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s`);
  return target;
}

export function cliVersion(binary: string): string {
  return execFileSync(binary, ['--version']).toString().trim();
}

