import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder } from '../../support/orderScenarios';
import { readModel, readModels } from '../../support/readModels';
import { waitFor } from '../../support/waitFor';

const root = path.resolve(__dirname, '..', '..', '..');

/** `npm run projections` as a deployment runs it: workers/projectionWorker.ts with its environment. */
function runWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'workers', 'projectionWorker.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => (signal as string | null) ?? (code as number | null));
  return { child, exited, output: () => output };
}

/** An IPv4 address of this machine that is not loopback, if it has one. */
function nonLoopbackAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('workers/projectionWorker.ts', () => {
  const db = useTestDatabase();

  it('serves /metrics and /healthz, keeps the read models current, and exits 0 on SIGTERM', async () => {
    const orderId = await appendOrder(testEventStore(db), 'completed');
    const worker = runWorker({ DATABASE_URL: db.url, SAGAFLOW_METRICS_PORT: '0', SAGAFLOW_PROJECTION_POLL_MS: '100' });
    try {
      await waitFor(async () => /metrics on (\S+)\/metrics/.test(worker.output()), 30_000);
      const url = /metrics on (\S+)\/metrics/.exec(worker.output())![1]!;
      await waitFor(async () => (await db.pool.query('select 1 from order_summary where order_id = $1', [orderId])).rowCount === 1, 10_000);

      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ connected: true });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      for (const { name, version } of readModels) {
        expect(metrics).toMatch(new RegExp(`sagaflow_projection_lag_events\\{projection="${name}",version="${version}"\\} \\d+`));
        expect(metrics).toContain(`sagaflow_projection_status{projection="${name}",version="${version}",status="running"} 1`);
      }
      expect(metrics).toContain('sagaflow_projection_worker_connected 1');
      expect(metrics).toContain(`sagaflow_projection_events_applied_total{projection="order_summary",version="${readModel('order_summary').version}"} 6`);
    } finally {
      worker.child.kill('SIGTERM');
    }
    expect(await worker.exited).toBe(0);
  }, 60_000);

  it('refuses a wrong setting at start, naming the variable and the rule', async () => {
    const worker = runWorker({ DATABASE_URL: db.url, SAGAFLOW_PROJECTION_BATCH_SIZE: '0', SAGAFLOW_METRICS_PORT: 'ninety', SAGAFLOW_METRICS_HOST: 'http://0.0.0.0' });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('SAGAFLOW_PROJECTION_BATCH_SIZE: must be at least 1');
    expect(worker.output()).toContain('SAGAFLOW_METRICS_PORT: must be a number');
    expect(worker.output()).toContain('SAGAFLOW_METRICS_HOST: must be an IP address or host name to listen on');
  }, 30_000);

  /** Starts the worker, waits for its metrics URL, runs `check` with the URL and stops it. */
  async function withWorker(env: Record<string, string>, check: (url: URL) => Promise<void>): Promise<void> {
    const worker = runWorker({ DATABASE_URL: db.url, SAGAFLOW_METRICS_PORT: '0', ...env });
    try {
      await waitFor(async () => /metrics on (\S+)\/metrics/.test(worker.output()), 30_000);
      await check(new URL(/metrics on (\S+)\/metrics/.exec(worker.output())![1]!));
    } finally {
      worker.child.kill('SIGTERM');
    }
    expect(await worker.exited).toBe(0);
  }

  it('serves /metrics where SAGAFLOW_METRICS_HOST says: 127.0.0.1 only when unset, every interface with 0.0.0.0', async () => {
    const outside = nonLoopbackAddress();
    await withWorker({ SAGAFLOW_METRICS_HOST: '' }, async (url) => {
      expect(url.hostname).toBe('127.0.0.1');
      expect(await accepts('127.0.0.1', Number(url.port))).toBe(true);
      // A machine with only loopback has nothing else to try: the address it printed has said it.
      if (outside) expect(await accepts(outside, Number(url.port))).toBe(false);
    });
    // As docker-compose.yml runs it, for a Prometheus in another container.
    await withWorker({ SAGAFLOW_METRICS_HOST: '0.0.0.0' }, async (url) => {
      if (outside) expect((await fetch(`http://${outside}:${url.port}/metrics`)).status).toBe(200);
      expect(await accepts('127.0.0.1', Number(url.port))).toBe(true);
    });
  }, 90_000);
});
