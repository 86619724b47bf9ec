import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { testEnv } from './env';

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | NodeJS.Signals | null>;
  output(): string;
  stop(): Promise<void>;
}

const root = path.resolve(__dirname, '..', '..');

/**
 * The standalone saga worker (workers/sagaWorker.ts) as a real child process, for tests that kill
 * it: an in-process worker cannot be SIGKILLed without killing the test. It loads a test bundle,
 * with the fast retry profile unless told otherwise.
 */
export async function spawnSagaWorker({
  databaseUrl,
  taskQueue,
  temporalAddress = testEnv('temporalAddress'),
  crashOnPlan = false,
  retries = 'fast',
  namespace = testEnv('temporalNamespace'),
}: {
  databaseUrl: string;
  taskQueue: string;
  /** Another Temporal server than the run's shared one (a test that restarts its own). */
  temporalAddress?: string;
  /** Run the test child (test/support/sagaWorkerChild.ts) that dies where a fault plan says `crashWorkerAfter`. */
  crashOnPlan?: boolean;
  /** The test bundle it loads: fast retries (the default), or the standard budgets production runs with. */
  retries?: 'fast' | 'standard';
  /** Another namespace than the run's shared one (a test of what the worker sets up in it). */
  namespace?: string;
}): Promise<WorkerProcess> {
  const entry = crashOnPlan ? path.join(root, 'test', 'support', 'sagaWorkerChild.ts') : path.join(root, 'workers', 'sagaWorker.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      SAGAFLOW_TASK_QUEUE: taskQueue,
      SAGAFLOW_WORKFLOW_BUNDLE: testEnv(retries === 'fast' ? 'workflowBundle' : 'standardWorkflowBundle'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit').then(([code, signal]) => (signal as NodeJS.Signals | null) ?? (code as number | null));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('saga worker polling')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((how) => reject(new Error(`saga worker exited (${how}) before it was ready:\n${output}`)));
  });
  await ready;
  return {
    child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
