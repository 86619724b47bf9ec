import type pg from 'pg';
import { projectionStatus, type ProjectionStatus } from '../projections';

/** Statuses an order's summary row settles in: finished, or parked for an operator. */
const SETTLED = ['COMPLETED', 'COMPENSATED', 'RESOLVED', 'COMPENSATION_FAILED'];

export interface DemoSummary {
  byStatus: Array<{ status: string; orders: number }>;
  byFailedStep: Array<{ failedStep: string; orders: number }>;
  latency: { p50Ms: number; p99Ms: number; orders: number };
  projections: ProjectionStatus[];
}

/**
 * Waits until the order_summary read model shows every one of these orders settled, so the summary
 * is read from the projections and not from what the demo itself saw. Rejects, naming how many are
 * missing, rather than report a partial picture.
 */
export async function waitForSettledSummaries(pool: pg.Pool, orderIds: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ settled: number }>(
      'select count(*)::int as settled from order_summary where order_id = any($1) and status = any($2)',
      [orderIds, SETTLED],
    );
    const settled = rows[0]!.settled;
    if (settled === orderIds.length) return;
    if (Date.now() > deadline) {
      throw new Error(`order_summary shows ${settled} of ${orderIds.length} demo orders settled after ${timeoutMs / 1000} s: is the projection worker running? (npx sagaflow projections status)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function readDemoSummary(pool: pg.Pool, orderIds: readonly string[]): Promise<DemoSummary> {
  const byStatus = await pool.query<{ status: string; orders: number }>(
    'select status, count(*)::int as orders from order_summary where order_id = any($1) group by status order by orders desc, status',
    [orderIds],
  );
  const byFailedStep = await pool.query<{ failed_step: string; orders: number }>(
    // A cancelled run has no failed step; its reason says what stopped it.
    `select coalesce(failed_step, failure_reason, '(none recorded)') as failed_step, count(*)::int as orders from order_summary
      where order_id = any($1) and status <> 'COMPLETED' group by 1 order by orders desc, 1`,
    [orderIds],
  );
  // Saga latency as the log saw it: from OrderPlaced to the order's last event.
  const latency = await pool.query<{ p50: number | null; p99: number | null; orders: number }>(
    `select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.99) within group (order by ms) as p99, count(*)::int as orders
       from (select extract(epoch from updated_at - placed_at) * 1000 as ms from order_summary
              where order_id = any($1) and status in ('COMPLETED', 'COMPENSATED', 'RESOLVED')) finished`,
    [orderIds],
  );
  const l = latency.rows[0]!;
  return {
    byStatus: byStatus.rows,
    byFailedStep: byFailedStep.rows.map((r) => ({ failedStep: r.failed_step, orders: r.orders })),
    latency: { p50Ms: Number(l.p50 ?? Number.NaN), p99Ms: Number(l.p99 ?? Number.NaN), orders: l.orders },
    projections: (await projectionStatus(pool)).filter((p) => p.active),
  };
}

export function renderDemoSummary(summary: DemoSummary): string {
  const table = (header: string[], rows: string[][]) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ')}`;
    return [line(header), ...rows.map(line)].join('\n');
  };
  return [
    'Outcomes (order_summary)',
    table(['status', 'orders'], summary.byStatus.map((r) => [r.status, String(r.orders)])),
    '',
    'Compensations by failed step (order_summary)',
    summary.byFailedStep.length ? table(['failed step', 'orders'], summary.byFailedStep.map((r) => [r.failedStep, String(r.orders)])) : '  none',
    '',
    `Saga latency, OrderPlaced to last event, ${summary.latency.orders} finished orders: p50 ${Math.round(summary.latency.p50Ms)} ms, p99 ${Math.round(summary.latency.p99Ms)} ms`,
    '',
    'Projections',
    table(
      ['projection', 'status', 'lag events', 'lag ms', 'events/s'],
      summary.projections.map((p) => [`${p.name} v${p.version}`, p.status, String(p.lagEvents), String(Math.round(p.lagMs)), p.eventsPerSecond.toFixed(1)]),
    ),
  ].join('\n');
}
