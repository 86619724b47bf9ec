import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
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

      await waitFor(async () => (await fetch(`${url}/healthz`)).status === 200, 10_000);
      expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'healthy', connected: true, breaches: [] });
      const live = await fetch(`${url}/livez`);
      expect(live.status).toBe(200);
      expect(await live.json()).toMatchObject({ connected: true });
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
    const misspelt = runWorker({ DATABASE_URL: db.url, SAGAFLOW_PROJECTION_MAX_LAG: 'order_sumary=2s' });
    expect(await misspelt.exited).toBe(1);
    expect(misspelt.output()).toContain('SAGAFLOW_PROJECTION_MAX_LAG: "order_sumary" is not a projection of this deployment');
  }, 30_000);

  it('/healthz answers 503 naming what an open transaction holds back past its lag, and 200 once it ends; /livez stays 200', async () => {
    await withWorker({ SAGAFLOW_PROJECTION_POLL_MS: '100', SAGAFLOW_PROJECTION_MAX_LAG: 'order_summary=300ms' }, async (url) => {
      const healthz = new URL('/healthz', url);
      await waitFor(async () => (await fetch(healthz)).status === 200, 15_000);
      const blocker = new pg.Client({ connectionString: db.url });
      await blocker.connect();
      try {
        // An open transaction with an id: every event committed after it waits behind the gap-safe bound.
        await blocker.query('begin');
        await blocker.query('select pg_current_xact_id()');
        await appendOrder(testEventStore(db), 'completed');
        await waitFor(async () => (await fetch(healthz)).status === 503, 15_000);
        const report = (await (await fetch(healthz)).json()) as { status: string; breaches: Array<{ name: string; reason: string; explanation: string }> };
        expect(report.status).toBe('unhealthy');
        expect(report.breaches).toContainEqual(expect.objectContaining({ name: 'order_summary', reason: 'held_back', explanation: expect.stringContaining('held back by an open transaction') }));
        expect((await fetch(new URL('/livez', url))).status).toBe(200);
        const metrics = await (await fetch(new URL('/metrics', url))).text();
        expect(metrics).toMatch(/sagaflow_projection_freshness_breach\{projection="order_summary",version="\d+",reason="held_back"\} 1/);
        expect(metrics).toContain('sagaflow_projection_freshness_breaches_total{projection="order_summary",reason="held_back"} 1');
        expect(metrics).toMatch(/sagaflow_projection_max_lag_seconds\{projection="order_summary",version="\d+"\} 0.3/);
      } finally {
        await blocker.query('rollback');
        await blocker.end();
      }
      await waitFor(async () => (await fetch(healthz)).status === 200, 15_000);
    });
  }, 90_000);

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
