import os from 'node:os';
import path from 'node:path';

/** Repository root: two levels above this file in source and in the compiled `dist/` tree alike. */
function findRepoRoot(): string {
  const candidate = path.resolve(__dirname, '..', '..');
  return path.basename(candidate) === 'dist' ? path.dirname(candidate) : candidate;
}

export const repoRoot = findRepoRoot();

/**
 * The project sagaflow serves: this repository, or, where sagaflow is installed as a package under an
 * app's node_modules, the app it runs in (the working directory), so local state, workflow bundle
 * entries and exported histories land in the app and never inside node_modules.
 */
export const projectRoot = repoRoot.split(path.sep).includes('node_modules') ? process.cwd() : repoRoot;

/**
 * Where local services keep their state (database files, pid files, logs).
 * Lives inside the project so that `rm -rf .sagaflow` is a full reset; SAGAFLOW_HOME moves it.
 */
export function stateDir(...parts: string[]): string {
  const base = process.env.SAGAFLOW_HOME ?? path.join(projectRoot, '.sagaflow');
  return path.join(base, ...parts);
}

/** Tools built once per machine (the Temporal CLI) live outside every checkout so clean clones reuse them. */
export function cacheDir(...parts: string[]): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'sagaflow', ...parts);
}
