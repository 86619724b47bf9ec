import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/infra/paths';

/** The shipped monitoring files, relative to the repository root. */
export const RULES_FILE = 'ops/prometheus/sagaflow.rules.yml';
export const DASHBOARD_FILE = 'ops/grafana/sagaflow.json';

/** A PromQL expression and where it is used, for messages: `<file>: <alert or panel>`. */
export interface UsedExpr {
  where: string;
  expr: string;
  /** A variable's `label_values` selector: only its label values are read, so aggregation does not apply. */
  labelValuesOnly?: true;
}

/**
 * The `expr` of every rule in the rules file: `expr: <one line>` or a `expr: |` block. A reader for
 * this file's shape, not YAML at large (the repository has no YAML parser); it refuses to miss a rule.
 */
export function ruleExprs(file = RULES_FILE): UsedExpr[] {
  const lines = fs.readFileSync(path.join(repoRoot, file), 'utf8').split('\n');
  const found: UsedExpr[] = [];
  let rule = '?';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const name = /^\s*- (?:alert|record): (\S+)/.exec(line);
    if (name) rule = name[1]!;
    const expr = /^(\s*)expr: (.*)$/.exec(line);
    if (!expr) continue;
    const indent = expr[1]!.length;
    let text = expr[2]!.trim();
    if (text === '|' || text === '|-' || text === '>' || text === '>-') {
      const block: string[] = [];
      while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || lines[i + 1]!.search(/\S/) > indent)) block.push(lines[++i]!.trim());
      text = block.join('\n').trim();
    }
    found.push({ where: `${file}: ${rule}`, expr: text });
  }
  const rules = lines.filter((line) => /^\s*- (?:alert|record): /.test(line)).length;
  if (found.length !== rules) throw new Error(`${file}: read ${found.length} expr lines for ${rules} rules; the reader missed one`);
  return found;
}

export interface Dashboard {
  panels: Panel[];
  templating: { list: TemplateVariable[] };
  annotations: { list: Array<{ name: string; expr?: string; datasource?: DatasourceRef }> };
  [key: string]: unknown;
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DatasourceRef;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ refId: string; expr: string; datasource?: DatasourceRef }>;
  panels?: Panel[];
}
export interface TemplateVariable {
  name: string;
  type: string;
  query?: string | { query: string };
  datasource?: DatasourceRef;
}
export interface DatasourceRef {
  type?: string;
  uid?: string;
}

export function readDashboard(file = DASHBOARD_FILE): Dashboard {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8')) as Dashboard;
}

/** Every panel, those inside collapsed rows included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * Every PromQL the dashboard runs: panel targets, annotation queries, and the metric of each
 * `label_values(metric, label)` variable query (Grafana's own syntax, not PromQL).
 */
export function dashboardExprs(dashboard: Dashboard, file = DASHBOARD_FILE): UsedExpr[] {
  const found: UsedExpr[] = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) found.push({ where: `${file}: panel "${panel.title}" (${target.refId})`, expr: target.expr });
  }
  for (const annotation of dashboard.annotations.list) {
    if (annotation.expr) found.push({ where: `${file}: annotation "${annotation.name}"`, expr: annotation.expr });
  }
  for (const variable of dashboard.templating.list) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
    const labelValues = /^label_values\((?:(.*),)?\s*\w+\s*\)$/.exec(query.trim());
    const expr = labelValues ? (labelValues[1] ?? '') : query;
    if (expr.trim()) found.push({ where: `${file}: variable $${variable.name}`, expr, ...(labelValues ? { labelValuesOnly: true as const } : {}) });
  }
  return found;
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2', 'start', 'end']);

/**
 * The metric names an expression selects: identifiers that are not functions, keywords, label names
 * (inside `{…}` or `by (…)`), strings, durations or Grafana variables. Enough for the expressions
 * written here; a full PromQL parser is not in the repository.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.:])[A-Za-z_:][\w:]*(?![\w:])(?!\s*\()/g)) {
    if (!KEYWORDS.has(match[0].toLowerCase())) names.add(match[0]);
  }
  return [...names];
}

const AGGREGATIONS = new Set(['sum', 'avg', 'count', 'max', 'min', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values']);

/**
 * For each place an expression selects `metric`, the aggregation operator closest around it
 * (`max by (…) (rate(metric[5m]))` → `max`), or `undefined` where the series are not aggregated.
 */
export function aggregationsAround(expr: string, metric: string): Array<string | undefined> {
  const found: Array<string | undefined> = [];
  for (const match of expr.matchAll(new RegExp(`(?<![\\w:])${metric}(?![\\w:])`, 'g'))) {
    found.push(innermostAggregation(expr, match.index));
  }
  return found;
}

function innermostAggregation(expr: string, index: number): string | undefined {
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    const char = expr[i];
    if (char === ')') depth++;
    else if (char === '(' && depth > 0) depth--;
    else if (char === '(') {
      // An opening parenthesis around the metric: what is it the argument of?
      let before = expr.slice(0, i).trimEnd();
      const grouping = /\b(?:by|without)\s*\([^()]*\)$/.exec(before);
      if (grouping) before = before.slice(0, grouping.index).trimEnd();
      const name = /([A-Za-z_]\w*)$/.exec(before)?.[1];
      if (name && AGGREGATIONS.has(name)) return name;
      if (grouping) throw new Error(`by/without after ${name ?? 'nothing'} in ${expr}`);
    }
  }
  return undefined;
}
