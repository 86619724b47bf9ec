import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { createOrderClient } from '../../processes/orderFulfillment/client';
import { composition } from '../../processes';
import { createTemporalClient } from '../../src/client';
import { connectTemporal, createPool } from '../../src/config/connections';
import { DEFAULT_TEMPORAL_NAMESPACE } from '../../src/config/env';
import { migrate } from '../../src/db/migrate';
import { startLocalServices } from '../../src/infra/localServices';
import { stateDir } from '../../src/infra/paths';
import { startClusterStack } from '../../workers/clusterStack';
import { spawnWorkerChild, type WorkerChild } from '../../workers/workerChildren';
import type { BenchProcess } from '../lib/benchProcess';
import { postmasterPid, processTreeCpuSeconds } from '../lib/cpu';
import { createFreshDatabase } from '../lib/databases';
import { describeEnvironment } from '../lib/environment';
import { runCalls, type Measurement } from '../lib/measure';
import type { SagaBenchArgs } from './args';
import { makeOrders, type BenchOrder } from './load';
import { renderServersReport, type CpuPerSaga, type ServerKind, type ServerSubject, type SubjectResult } from './serversReport';

const DATABASE = 'bench_saga_servers';
const WORKER_COUNTS = [1, 2] as const;

/** One Temporal server with its PostgreSQL, and the pids whose CPU time is charged to it. */
interface Server {
  kind: ServerKind;
  client: Client;
  serverPid: number;
  postgresPid: number;
  workerEnv: NodeJS.ProcessEnv;
}

interface Subject extends ServerSubject {
  host: Server;
  children: WorkerChild[];
  run: (order: BenchOrder) => Promise<number>;
}

/**
 * The order saga on the Temporal dev server (SQLite, one process) beside a Temporal server on
 * PostgreSQL (the cluster profile), both up for the whole run, each with 1 and with 2 saga worker
 * processes: four subjects measured in alternating rounds, with the CPU each server, its
 * PostgreSQL and the workers spent per saga.
 */
export async function runServersBench(args: SagaBenchArgs, { log, shutdown }: BenchProcess, argv: readonly string[]): Promise<string> {
  // The cluster first: it bundles the workflows, and the dev server's workers load the same bundle.
  const cluster = await startCluster(log, shutdown);
  const dev = await startDevServer(log, shutdown, cluster.workerEnv.SAGAFLOW_WORKFLOW_BUNDLE!);
  const admin = createPool(dev.databaseUrl, {}, { max: 1 });
  shutdown.add(() => admin.end());
  const environment = await describeEnvironment(admin, argv);

  const subjects: Subject[] = [];
  for (const server of [dev.server, cluster]) {
    for (const workers of WORKER_COUNTS) subjects.push(await startSubject(server, workers, log, shutdown));
  }

  const cpuNow = (subject: Subject) => ({
    server: processTreeCpuSeconds(subject.host.serverPid) ?? Number.NaN,
    postgres: processTreeCpuSeconds(subject.host.postgresPid) ?? Number.NaN,
    workers: subject.children.reduce((sum, w) => sum + (processTreeCpuSeconds(w.process.child.pid!) ?? Number.NaN), 0),
  });
  const measure = async (subject: Subject, count: number): Promise<{ measurement: Measurement; cpu: CpuPerSaga }> => {
    const before = cpuNow(subject);
    const measurement = await runCalls(Array.from({ length: args.concurrency }, () => subject.run), makeOrders('all succeed', count));
    const after = cpuNow(subject);
    const perSaga = (key: keyof CpuPerSaga) => ((after[key] - before[key]) * 1000) / measurement.calls;
    return { measurement, cpu: { server: perSaga('server'), postgres: perSaga('postgres'), workers: perSaga('workers') } };
  };

  log(`warming up: ${args.concurrency * 2} sagas per subject`);
  for (const subject of subjects) await measure(subject, args.concurrency * 2);

  const results: SubjectResult[] = subjects.map(({ server, workers }) => ({ server, workers, rounds: [] }));
  for (let round = 0; round < args.rounds; round++) {
    // Rotate who goes first, so no subject always meets another's leftovers (history cleanup, autovacuum).
    for (let k = 0; k < subjects.length; k++) {
      const index = (k + round) % subjects.length;
      const subject = subjects[index]!;
      const measured = await measure(subject, args.sagas);
      results[index]!.rounds.push(measured);
      log(`round ${round + 1}/${args.rounds}, ${subject.server} with ${subject.workers} saga worker(s): ${measured.measurement.eventsPerSecond.toFixed(1)} sagas/s, p50 ${Math.round(measured.measurement.p50Ms)} ms, p99 ${Math.round(measured.measurement.p99Ms)} ms`);
    }
  }
  return renderServersReport({ environment, sagas: args.sagas, concurrency: args.concurrency, rounds: args.rounds, results });
}

/** `workers` saga worker processes on a task queue of their own. */
async function startSubject(host: Server, workers: number, log: (line: string) => void, shutdown: BenchProcess['shutdown']): Promise<Subject> {
  const taskQueue = `bench-${host.kind.replace(' ', '-')}-${workers}`;
  const children: WorkerChild[] = [];
  for (let i = 1; i <= workers; i++) {
    // One at a time: each migrates and registers search attributes at start.
    const child = await spawnWorkerChild('saga', `${host.kind}/${workers}/${i}`, { ...host.workerEnv, SAGAFLOW_TASK_QUEUE: taskQueue }, (name, line) => {
      if (/\b(ERROR|error|failed)\b/.test(line)) log(`[${name}] ${line}`);
    });
    shutdown.add(() => child.process.stop());
    children.push(child);
  }
  const orders = createOrderClient({ client: host.client, taskQueue });
  return {
    server: host.kind,
    workers,
    host,
    children,
    async run({ input, expected }) {
      await orders.startOrder(input);
      const { outcome } = await orders.awaitOrderResult(input.orderId);
      if (outcome !== expected) throw new Error(`order ${input.orderId} ended ${outcome}, expected ${expected}`);
      return 1;
    },
  };
}

async function startDevServer(log: (line: string) => void, shutdown: BenchProcess['shutdown'], workflowBundle: string): Promise<{ server: Server; databaseUrl: string }> {
  const services = await startLocalServices({ profile: 'bench', config: { namespace: DEFAULT_TEMPORAL_NAMESPACE }, searchAttributes: composition.searchAttributes, log });
  shutdown.add(() => services.stop());
  const admin = createPool(services.postgres.url, {}, { max: 1 });
  const databaseUrl = await createFreshDatabase(admin, services.postgres.url, DATABASE);
  await admin.end();
  await migrate(databaseUrl, log);
  const connection = await connectTemporal(services.temporal.address);
  shutdown.add(() => connection.close());
  const dir = stateDir('bench');
  const serverPid = (JSON.parse(fs.readFileSync(path.join(dir, 'temporal.json'), 'utf8')) as { pid: number }).pid;
  return {
    databaseUrl,
    server: {
      kind: 'dev server',
      client: createTemporalClient(connection, DEFAULT_TEMPORAL_NAMESPACE),
      serverPid,
      postgresPid: postmasterPid(services.postgres.dataDir!),
      workerEnv: { ...process.env, SAGAFLOW_WORKFLOW_BUNDLE: workflowBundle, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: services.temporal.address, TEMPORAL_NAMESPACE: DEFAULT_TEMPORAL_NAMESPACE, SAGAFLOW_RETRIES: 'fast' },
    },
  };
}

async function startCluster(log: (line: string) => void, shutdown: BenchProcess['shutdown']): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-bench-cluster-'));
  shutdown.add(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const stack = await startClusterStack({
    taskQueue: 'bench-unused',
    namespace: DEFAULT_TEMPORAL_NAMESPACE,
    retries: 'fast',
    shutdown,
    log,
    stateDir: dir,
    sagaWorkers: 0,
    projectionWorkers: 0,
    durable: true,
  });
  return {
    kind: 'cluster',
    client: stack.client,
    serverPid: (JSON.parse(fs.readFileSync(path.join(dir, 'temporal-server.json'), 'utf8')) as { pid: number }).pid,
    postgresPid: postmasterPid(stack.cluster.postgres.dataDir!),
    workerEnv: stack.workerEnv,
  };
}
