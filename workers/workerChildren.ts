import path from 'node:path';
import { InfraError } from '../src/infra/errors';
import { repoRoot } from '../src/infra/paths';
import { freePort } from '../src/infra/ports';
import { spawnService, type ManagedProcess } from '../src/infra/processes';

export interface WorkerChild {
  name: string;
  kind: 'saga' | 'projections';
  process: ManagedProcess;
  /** /metrics and /healthz of a projection worker. */
  httpUrl?: string;
}

const entries = {
  saga: { file: path.join(repoRoot, 'workers', 'sagaWorker.ts'), ready: 'saga worker polling' },
  projections: { file: path.join(repoRoot, 'workers', 'projectionWorker.ts'), ready: 'projection worker running' },
} as const;

/** One worker process (workers/sagaWorker.ts or workers/projectionWorker.ts), resolved once it serves. */
export async function spawnWorkerChild(kind: 'saga' | 'projections', name: string, env: NodeJS.ProcessEnv, onOutput: (name: string, line: string) => void): Promise<WorkerChild> {
  const metricsPort = kind === 'projections' ? await freePort() : undefined;
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const child = spawnService(process.execPath, ['--import', 'tsx', entries[kind].file], {
    cwd: repoRoot,
    env: { ...env, ...(metricsPort !== undefined ? { SAGAFLOW_METRICS_PORT: String(metricsPort) } : {}) },
    // Both entry points drain on SIGTERM: the saga worker finishes its tasks, the projection worker its batch.
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 30_000,
    onOutput: (line) => {
      if (line.includes(entries[kind].ready)) ready();
      onOutput(name, line);
    },
  });
  const exited = new Promise<never>((_, reject) =>
    child.child.once('exit', (code, signal) => reject(new InfraError(`${name} (${entries[kind].file}) exited (${signal ?? code}) while starting:\n${child.recentOutput()}`))),
  );
  exited.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new InfraError(`${name} did not start within 120 s:\n${child.recentOutput()}`)), 120_000).unref());
  try {
    await Promise.race([isReady, exited, timeout]);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { name, kind, process: child, ...(metricsPort !== undefined ? { httpUrl: `http://127.0.0.1:${metricsPort}` } : {}) };
}
