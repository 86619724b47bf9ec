import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findOnPath, isExecutable } from '../../src/infra/executables';
import { cacheDir } from '../../src/infra/paths';

/** Where a promtool taken out of Debian's package is kept, outside every checkout, as the Temporal CLI is. */
export function cachedPromtoolPath(): string {
  return cacheDir('bin', 'promtool');
}

function run(command: string, args: string[], cwd?: string): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { cwd, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.slice(-2000) };
}

/**
 * A promtool to check and unit-test the alert rules with: PROMTOOL_PATH, one on PATH, this machine's
 * cached copy, or else the one in Debian's `prometheus` package, taken out of the package into the
 * cache. Only the promtool binary is extracted (`apt-get download` + `dpkg-deb -x`): installing the
 * package would also install a Prometheus server as a service, which a CI machine with systemd would
 * start and keep running, and a dozen JavaScript packages for its old web UI. promtool is one static
 * binary. `apt-get update` runs first when the package lists do not have it (that needs root, which
 * CI machines and containers are). Anything else is a clear error saying what to do.
 */
export function ensurePromtool(log: (line: string) => void = (line) => process.stderr.write(`[promtool] ${line}\n`)): string {
  const configured = process.env.PROMTOOL_PATH;
  if (configured) {
    if (!isExecutable(configured)) throw new Error(`PROMTOOL_PATH=${configured} is not an executable file`);
    return configured;
  }
  const found = findOnPath('promtool');
  if (found) return found;
  const cached = cachedPromtoolPath();
  if (isExecutable(cached)) return cached;

  const missing = 'no promtool found: install one (Debian: apt-get install prometheus; or a release from https://github.com/prometheus/prometheus/releases) or set PROMTOOL_PATH to its executable';
  if (!findOnPath('apt-get') || !findOnPath('dpkg-deb')) throw new Error(missing);
  const started = Date.now();
  log(`taking promtool out of Debian's prometheus package into ${path.dirname(cached)} (once per machine)`);
  fs.mkdirSync(cacheDir(), { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheDir(), 'promtool-'));
  try {
    let download = run('apt-get', ['download', 'prometheus'], work);
    if (!download.ok) {
      if (process.getuid?.() !== 0) throw new Error(`${missing}\napt-get download prometheus failed, and apt-get update needs root:\n${download.output}`);
      log('the package lists do not have prometheus: apt-get update');
      const update = run('apt-get', ['update']);
      if (!update.ok) throw new Error(`apt-get update failed:\n${update.output}`);
      download = run('apt-get', ['download', 'prometheus'], work);
      if (!download.ok) throw new Error(`apt-get download prometheus failed:\n${download.output}`);
    }
    const deb = fs.readdirSync(work).find((file) => file.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download prometheus left no .deb in ${work}`);
    const extract = run('dpkg-deb', ['-x', deb, 'root'], work);
    if (!extract.ok) throw new Error(`dpkg-deb -x ${deb} failed:\n${extract.output}`);
    const binary = path.join(work, 'root', 'usr', 'bin', 'promtool');
    if (!isExecutable(binary)) throw new Error(`${deb} has no usr/bin/promtool`);
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    // Rename from the same file system: a concurrent or interrupted run never leaves half a binary.
    fs.renameSync(binary, cached);
    log(`promtool from ${deb} ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${promtoolVersion(cached)}`);
    return cached;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The first line of `promtool --version`, e.g. `promtool, version 2.42.0+ds (branch: …)`. */
export function promtoolVersion(promtool: string): string {
  const result = spawnSync(promtool, ['--version'], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.split('\n')[0]?.trim() ?? '';
}
