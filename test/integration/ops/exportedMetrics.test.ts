import { startProjectionWorker, type ProjectionWorker } from '../../../workers/projectionWorker';
import { useTestDatabase } from '../../support/database';
import { dashboardExprs, metricNamesIn, readDashboard, ruleExprs, RULES_FILE } from '../../support/monitoring';
import { readModels } from '../../support/readModels';

/** Series Prometheus makes itself: the scrape's `up`, and `ALERTS` for the rules' alerts. */
const PROMETHEUS_OWN = new Set(['up', 'ALERTS']);

/**
 * The series names a /metrics page exposes, from its `# TYPE` lines (present even before a first
 * sample): a histogram or summary as its `_bucket`, `_sum` and `_count` series, anything else as named
 * (prom-client's counters carry their `_total`).
 */
function exposedSeries(page: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of page.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(`${name}${suffix}`);
    else names.add(name!);
  }
  return names;
}

/**
 * Every metric the alert rules and the dashboard query is one a real projection worker serves at
 * /metrics (or Prometheus's own, or a recording rule of the rules file): a renamed metric, or a typo,
 * would otherwise leave an alert that never fires and a panel that stays empty.
 */
describe('the metrics the alert rules and the dashboard query', () => {
  const db = useTestDatabase();
  let worker: ProjectionWorker;

  beforeAll(async () => {
    worker = await startProjectionWorker({ databaseUrl: db.url, projections: readModels, metricsPort: 0, pollIntervalMs: 100 });
  });
  afterAll(async () => worker?.stop());

  it('are all served by a projection worker', async () => {
    const response = await fetch(`${worker.httpUrl}/metrics`);
    expect(response.status).toBe(200);
    const served = exposedSeries(await response.text());
    expect(served).toContain('sagaflow_projection_lag_seconds'); // the page was read

    const used = [...ruleExprs(), ...dashboardExprs(readDashboard())];
    const recorded = new Set(used.filter(({ where }) => where.startsWith(`${RULES_FILE}: `)).map(({ where }) => where.slice(RULES_FILE.length + 2)));
    const unknown = new Map<string, string[]>();
    for (const { where, expr } of used) {
      for (const name of metricNamesIn(expr)) {
        const known = served.has(name) || PROMETHEUS_OWN.has(name) || (name.includes(':') && recorded.has(name));
        if (!known) unknown.set(name, [...(unknown.get(name) ?? []), where]);
      }
    }
    const report = [...unknown].sort(([a], [b]) => a.localeCompare(b)).map(([name, places]) => `${name}\n    ${[...new Set(places)].join('\n    ')}`);
    if (report.length > 0) {
      throw new Error(`${report.length} metric name(s) queried but not served by a projection worker at /metrics:\n  ${report.join('\n  ')}`);
    }
  });
});
