import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { DaemonHealth } from '../../src/projections';
import type { WorkerProcess } from './workerProcess';

const root = path.resolve(__dirname, '..', '..');

export interface ProjectionWorkerProcess extends WorkerProcess {
  /** Where its /metrics, /healthz and /livez are served. */
  httpUrl: string;
  health(): Promise<DaemonHealth>;
}

/** test/support/projectionWorkerChild.ts as a real child process, for tests that kill it or race two of them. */
export async function spawnProjectionWorker(databaseUrl: string, env: Record<string, string> = {}): Promise<ProjectionWorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'support', 'projectionWorkerChild.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit').then(([code, signal]) => (signal as NodeJS.Signals | null) ?? (code as number | null));
  const httpUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /projection worker ready at (\S+)/.exec(output);
      if (ready) resolve(ready[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((how) => reject(new Error(`projection worker exited (${how}) before it was ready:\n${output}`)));
  });
  return {
    child,
    exited,
    httpUrl,
    output: () => output,
    async health() {
      const response = await fetch(`${httpUrl}/livez`);
      return (await response.json()) as DaemonHealth;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
