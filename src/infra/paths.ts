import os from 'node:os';
import path from 'node:path';

/** Repository root: two levels above this file in source and in the compiled `dist/` tree alike. */
function findRepoRoot(): string {
  const candidate = path.resolve(__dirname, '..', '..');
  return path.basename(candidate) === 'dist' ? path.dirname(candidate) : candidate;
}

export const repoRoot = findRepoRoot();

/**
 * Where local services keep their state (database files, pid files, logs).
 * Lives inside the checkout so that `rm -rf .sagaflow` is a full reset; SAGAFLOW_HOME moves it.
 */
export function stateDir(...parts: string[]): string {
  const base = process.env.SAGAFLOW_HOME ?? path.join(repoRoot, '.sagaflow');
  return path.join(base, ...parts);
}

/** Tools built once per machine (the Temporal CLI) live outside every checkout so clean clones reuse them. */
export function cacheDir(...parts: string[]): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'sagaflow', ...parts);
}
