import { runCli } from '../../src/cli/main';
import type { TestDatabase } from './database';
import { testEnv } from './env';
import type { SagaTestRig } from './sagaWorker';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `sagaflow <args>` in this process with `env` set for the call (and restored after), capturing
 * what it writes: the command finds its services through the environment, as it would in a shell.
 */
export async function runSagaflow(args: string[], env: Record<string, string>): Promise<CliRun> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await runCli(args, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** The environment that points the CLI at a test file's database and, with a rig, at its Temporal and task queue. */
export function cliEnv(db: TestDatabase, rig?: SagaTestRig): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    ...(rig ? { TEMPORAL_ADDRESS: testEnv('temporalAddress'), TEMPORAL_NAMESPACE: rig.temporal.namespace, SAGAFLOW_TASK_QUEUE: rig.temporal.taskQueue } : {}),
  };
}
