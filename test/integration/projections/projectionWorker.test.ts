import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder } from '../../support/orderScenarios';
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
      for (const name of ['order_summary', 'order_timeline', 'saga_outcomes', 'inventory_levels']) {
        expect(metrics).toMatch(new RegExp(`sagaflow_projection_lag_events\\{projection="${name}",version="1"\\} \\d+`));
        expect(metrics).toContain(`sagaflow_projection_status{projection="${name}",version="1",status="running"} 1`);
      }
      expect(metrics).toContain('sagaflow_projection_worker_connected 1');
      expect(metrics).toMatch(/sagaflow_projection_events_applied_total\{projection="order_summary",version="1"\} 6/);
    } finally {
      worker.child.kill('SIGTERM');
    }
    expect(await worker.exited).toBe(0);
  }, 60_000);

  it('refuses a wrong setting at start, naming the variable and the rule', async () => {
    const worker = runWorker({ DATABASE_URL: db.url, SAGAFLOW_PROJECTION_BATCH_SIZE: '0', SAGAFLOW_METRICS_PORT: 'ninety' });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('SAGAFLOW_PROJECTION_BATCH_SIZE: must be at least 1');
    expect(worker.output()).toContain('SAGAFLOW_METRICS_PORT: must be a number');
  }, 30_000);
});
