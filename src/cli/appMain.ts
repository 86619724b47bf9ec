import path from 'node:path';
import { ConfigError } from '../config/env';
import { composeProcesses, type Composition } from '../process/composeProcesses';
import { EXIT } from './errors';
import { runCli } from './runCli';

/** Names the app's module that exports its `composition` (composeProcesses), so its processes' commands and contracts join the CLI. */
export const COMPOSITION_ENV = 'SAGAFLOW_COMPOSITION';

/**
 * The composition the installed `sagaflow` command runs over: the one exported by the module
 * SAGAFLOW_COMPOSITION names (resolved from the working directory), or no processes at all, which
 * still serves `migrate`, `events`, `sagas`, `projections` and `histories` on the app's services.
 */
export function loadAppComposition(env: NodeJS.ProcessEnv = process.env): Composition {
  const modulePath = env[COMPOSITION_ENV];
  if (!modulePath) return composeProcesses([]);
  let exported: { composition?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the app names its module at run time
    exported = require(path.resolve(modulePath)) as { composition?: unknown };
  } catch (error) {
    throw new ConfigError([`${COMPOSITION_ENV} must name a module that loads (${modulePath}: ${(error as Error).message.split('\n')[0]})`]);
  }
  const composition = exported.composition as Partial<Composition> | undefined;
  if (!composition || typeof composition.registerCli !== 'function') {
    throw new ConfigError([`${COMPOSITION_ENV} must name a module exporting \`composition\` made by composeProcesses (${modulePath} exports none)`]);
  }
  return composition as Composition;
}

/** The `sagaflow` bin of the installed package. */
export async function main(argv: readonly string[]): Promise<number> {
  let composition: Composition;
  try {
    composition = loadAppComposition();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`error: invalid configuration: ${error.issues.join('; ')}\n`);
    return EXIT.usage;
  }
  return runCli(argv, composition);
}
