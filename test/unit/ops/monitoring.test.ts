import {
  aggregationsAround,
  allPanels,
  dashboardExprs,
  metricNamesIn,
  readDashboard,
  ruleExprs,
  type DatasourceRef,
  type UsedExpr,
} from '../../support/monitoring';

/**
 * The series every projection worker counts for itself; all other sagaflow series are read from the
 * database at scrape time, so every worker reports the same values (see src/projections/metrics.ts).
 */
const PER_WORKER = new Set([
  'sagaflow_projection_worker_connected',
  'sagaflow_projection_worker_owns',
  'sagaflow_projection_events_applied_total',
  'sagaflow_projection_batch_duration_seconds_bucket',
  'sagaflow_projection_batch_duration_seconds_sum',
  'sagaflow_projection_batch_duration_seconds_count',
  'sagaflow_projection_handler_failures_total',
  'sagaflow_projection_freshness_breaches_total',
]);

const DATASOURCE: DatasourceRef = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
const GRAFANA_VARIABLES = new Set(['__rate_interval', '__interval', '__range', '__range_s', '__interval_ms']);

describe('the PromQL readers of test/support/monitoring', () => {
  it('name the metrics an expression selects, not its functions, labels, strings or variables', () => {
    const expr = 'histogram_quantile(0.95, sum by (saga_type, le) (max by (saga_type, outcome, le) (rate(sagaflow_saga_duration_seconds_bucket{saga_type=~"$saga_type"}[$__rate_interval])))) > 1e3 and on (job) up{job="x"} offset 5m';
    expect(metricNamesIn(expr).sort()).toEqual(['sagaflow_saga_duration_seconds_bucket', 'up']);
  });

  it('find the aggregation closest around each use of a metric', () => {
    const expr = 'sum by (saga_type) (max by (saga_type, outcome) (increase(m[15m]))) / sum(rate(m[5m])) and m == 0';
    expect(aggregationsAround(expr, 'm')).toEqual(['max', 'sum', undefined]);
  });
});

describe('ops/grafana/sagaflow.json', () => {
  const dashboard = readDashboard();
  const panels = allPanels(dashboard);

  it('is a dashboard of panels, each with a unique id, a title and a place on the 24-column grid', () => {
    expect(panels.length).toBeGreaterThan(10);
    const ids = panels.map((panel) => panel.id);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(panels.filter((panel, i) => ids.indexOf(panel.id) !== i).map((panel) => `id ${panel.id} again on "${panel.title}"`)).toEqual([]);
    for (const panel of panels) {
      expect({ panel: panel.title, type: typeof panel.type, title: typeof panel.title }).toEqual({ panel: panel.title, type: 'string', title: 'string' });
      const { x, y, w, h } = panel.gridPos;
      expect({ panel: panel.title, fits: x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24 }).toEqual({ panel: panel.title, fits: true });
    }
    expect(dashboard.uid).toBe('sagaflow');
    expect(typeof dashboard.schemaVersion === 'number' && dashboard.schemaVersion >= 36).toBe(true); // Grafana 9.x/10+
  });

  it('panels do not overlap', () => {
    const overlaps: string[] = [];
    for (const [i, a] of panels.entries()) {
      for (const b of panels.slice(i + 1)) {
        const apart = a.gridPos.x + a.gridPos.w <= b.gridPos.x || b.gridPos.x + b.gridPos.w <= a.gridPos.x || a.gridPos.y + a.gridPos.h <= b.gridPos.y || b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        if (!apart) overlaps.push(`"${a.title}" and "${b.title}"`);
      }
    }
    expect(overlaps).toEqual([]);
  });

  it('queries one Prometheus everywhere: the ${DS_PROMETHEUS} data source variable, which provisioning and import both fill', () => {
    const variable = dashboard.templating.list.find((v) => v.name === 'DS_PROMETHEUS');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const refs: Array<{ where: string; datasource: DatasourceRef | undefined }> = [];
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      refs.push({ where: `panel "${panel.title}"`, datasource: panel.datasource });
      for (const target of panel.targets ?? []) refs.push({ where: `panel "${panel.title}" (${target.refId})`, datasource: target.datasource });
    }
    for (const annotation of dashboard.annotations.list.filter((a) => a.expr)) refs.push({ where: `annotation "${annotation.name}"`, datasource: annotation.datasource });
    for (const v of dashboard.templating.list.filter((v) => v.type === 'query')) refs.push({ where: `variable $${v.name}`, datasource: v.datasource });
    expect(refs.filter((ref) => ref.datasource?.type !== DATASOURCE.type || ref.datasource?.uid !== DATASOURCE.uid)).toEqual([]);
  });

  it('every panel queries something, with unique refIds, and uses only variables the dashboard defines', () => {
    const defined = new Set(dashboard.templating.list.map((v) => v.name));
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      const targets = panel.targets ?? [];
      expect({ panel: panel.title, targets: targets.length > 0 && targets.every((t) => t.expr.trim() !== '') }).toEqual({ panel: panel.title, targets: true });
      expect(new Set(targets.map((t) => t.refId)).size).toBe(targets.length);
    }
    const undefinedVariables = dashboardExprs(dashboard).flatMap(({ where, expr }) =>
      [...expr.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1]!).filter((name) => !defined.has(name) && !GRAFANA_VARIABLES.has(name)).map((name) => `$${name} in ${where}`),
    );
    expect(undefinedVariables).toEqual([]);
  });
});

describe('the alert rules and the dashboard', () => {
  const exprs: UsedExpr[] = [...ruleExprs(), ...dashboardExprs(readDashboard())];

  it('select at least one metric in every expression (the readers see them all)', () => {
    expect(exprs.length).toBeGreaterThan(30);
    expect(exprs.filter(({ expr }) => metricNamesIn(expr).length === 0)).toEqual([]);
  });

  it('take max (or min) over workers of the series every worker reports alike, never sum, which would count them once per worker', () => {
    const wrong: string[] = [];
    for (const { where, expr } of exprs.filter((used) => !used.labelValuesOnly)) {
      for (const metric of metricNamesIn(expr).filter((name) => name.startsWith('sagaflow_') && !PER_WORKER.has(name))) {
        for (const aggregation of aggregationsAround(expr, metric)) {
          if (aggregation !== 'max' && aggregation !== 'min') wrong.push(`${metric} under ${aggregation ?? 'no aggregation'} in ${where}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
