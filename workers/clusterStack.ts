import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createTemporalClient } from '../src/client';
import { connectTemporal, createPool } from '../src/config/connections';
import type { RetryProfileName } from '../src/saga';
import { migrate } from '../src/db/migrate';
import { stateDir } from '../src/infra/paths';
import type { Shutdown } from '../src/infra/shutdown';
import { startTemporalCluster, type TemporalCluster } from '../src/infra/temporalCluster';
import { composition } from '../processes';
import { rebuildNewerReadModels } from './readModelVersions';
import { workflowBundleOptions } from './workflowBundle';
import { spawnWorkerChild, type WorkerChild } from './workerChildren';

export interface ClusterStackOptions {
  taskQueue: string;
  namespace: string;
  retries: RetryProfileName;
  shutdown: Shutdown;
  log: (line: string) => void;
  sagaWorkers?: number;
  projectionWorkers?: number;
  /** Where the cluster keeps its state; `.sagaflow/cluster` unless told. */
  stateDir?: string;
  /** Stable ports for a developer (7333, 8333, 54349); tests take free ones. */
  stablePorts?: boolean;
  /** false: PostgreSQL without fsync, for throwaway test clusters. */
  durable?: boolean;
  /** Each worker's output lines, prefixed with its name (`saga-1`, `projections-2`). */
  onWorkerOutput?: (name: string, line: string) => void;
}

export interface ClusterStack {
  cluster: TemporalCluster;
  databaseUrl: string;
  workers: WorkerChild[];
  client: Client;
  /** The environment a worker of this stack runs with, for starting another one. */
  workerEnv: NodeJS.ProcessEnv;
  /** Starts one more worker like the stack's own (a test replacing one it killed). */
  spawnWorker(kind: 'saga' | 'projections', name: string): Promise<WorkerChild>;
}

/**
 * The cluster profile: a Temporal server on PostgreSQL (with its Web UI), sagaflow's database on the
 * same PostgreSQL, and the workers as separate processes, as a deployment runs them: saga workers
 * sharing the task queue, projection workers sharing the read models under advisory locks. The
 * workflows are bundled once here and loaded by every saga worker.
 */
export async function startClusterStack(options: ClusterStackOptions): Promise<ClusterStack> {
  const { shutdown, log } = options;
  const dir = options.stateDir ?? stateDir('cluster');
  const cluster = await startTemporalCluster({
    stateDir: dir,
    namespace: options.namespace,
    searchAttributes: composition.searchAttributes,
    ui: true,
    ...(options.stablePorts ? { preferredPort: 7333, preferredUiPort: 8333, preferredPostgresPort: 54349 } : {}),
    durable: options.durable ?? true,
    log,
  });
  shutdown.add(() => cluster.stop());
  const databaseUrl = cluster.postgres.url;
  await migrate(databaseUrl, log);
  const pool = createPool(databaseUrl, {}, { max: 2 });
  try {
    await rebuildNewerReadModels(pool, log);
  } finally {
    await pool.end();
  }

  log('bundling the workflows once for every saga worker');
  const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const { code } = await bundleWorkflowCode({ ...workflowBundleOptions({ retries: options.retries }), logger: silent });
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, code);

  const workerEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: cluster.temporal.address,
    TEMPORAL_NAMESPACE: options.namespace,
    SAGAFLOW_TASK_QUEUE: options.taskQueue,
    SAGAFLOW_WORKFLOW_BUNDLE: bundlePath,
    SAGAFLOW_RETRIES: options.retries,
  };
  const onOutput = options.onWorkerOutput ?? ((name: string, line: string) => console.log(`[${name}] ${line}`));
  const workers: WorkerChild[] = [];
  const spawnWorker = async (kind: 'saga' | 'projections', name: string): Promise<WorkerChild> => {
    const worker = await spawnWorkerChild(kind, name, workerEnv, onOutput);
    workers.push(worker);
    return worker;
  };
  // Workers stop before the cluster (cleanups run last-first): sagas finish their tasks in hand,
  // projection workers their batches, while Temporal and PostgreSQL are still up.
  shutdown.add(() => Promise.all(workers.map((w) => w.process.stop())).then(() => undefined));
  const started = await Promise.all([
    ...Array.from({ length: options.sagaWorkers ?? 2 }, (_, i) => spawnWorker('saga', `saga-${i + 1}`)),
    ...Array.from({ length: options.projectionWorkers ?? 2 }, (_, i) => spawnWorker('projections', `projections-${i + 1}`)),
  ]);

  const connection = await connectTemporal(cluster.temporal.address);
  shutdown.add(() => connection.close());
  const client = createTemporalClient(connection, options.namespace);
  return { cluster, databaseUrl, workers: started, client, workerEnv, spawnWorker };
}
