import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Shutdown } from '../../src/infra/shutdown';
import { startClusterStack } from '../../workers/clusterStack';

/** What the suite reads from SAGAFLOW_CLUSTER_TEST: where the cluster profile started for it runs. */
export interface ClusterUnderTest {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  workflowBundle: string;
  workers: Array<{ name: string; kind: 'saga' | 'projections'; pid: number; httpUrl?: string }>;
}

/**
 * Starts the cluster profile once, outside the test sandbox (migrations load an ES module, which
 * jest's sandbox refuses), with fast retries and its workers' output in a log file.
 */
export default async function globalSetup(): Promise<void> {
  const cleanups: Array<() => Promise<void>> = [];
  const shutdown: Shutdown = { add: (cleanup) => void cleanups.push(cleanup), exit: () => undefined };
  (globalThis as { sagaflowClusterCleanups?: typeof cleanups }).sagaflowClusterCleanups = cleanups;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-cluster-test-'));
  const workerLog = path.join(dir, 'workers.log');
  const started = Date.now();
  const stack = await startClusterStack({
    taskQueue: 'sagaflow',
    namespace: 'default',
    retries: 'fast',
    shutdown,
    log: (line) => console.log(`[cluster] ${line}`),
    stateDir: dir,
    durable: false,
    onWorkerOutput: (name, line) => fs.appendFileSync(workerLog, `[${name}] ${line}\n`),
  });
  console.log(`\n[cluster] up in ${Math.round((Date.now() - started) / 1000)} s; state and worker logs in ${dir}`);
  const underTest: ClusterUnderTest = {
    databaseUrl: stack.databaseUrl,
    temporalAddress: stack.cluster.temporal.address,
    namespace: 'default',
    taskQueue: 'sagaflow',
    workflowBundle: stack.workerEnv.SAGAFLOW_WORKFLOW_BUNDLE!,
    workers: stack.workers.map((w) => ({ name: w.name, kind: w.kind, pid: w.process.child.pid!, ...(w.httpUrl ? { httpUrl: w.httpUrl } : {}) })),
  };
  process.env.SAGAFLOW_CLUSTER_TEST = JSON.stringify(underTest);
}
