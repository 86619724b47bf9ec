/**
 * The demo run as a picture for the README: saga durations by outcome beside projection lag over
 * the run. Pure: data in, one standalone SVG document out (no fonts, scripts or links to fetch), so
 * it renders the same on GitHub, in a browser and in an image converter.
 */

export interface DemoPlotData {
  /** Each ended saga run's duration, first to last event, with its outcome ('COMPLETED' | 'COMPENSATED' | 'COMPENSATION_FAILED'). */
  durations: ReadonlyArray<{ outcome: string; ms: number }>;
  /** Projection lag sampled during the run: ms since the run began, the projection's name, its lag in ms (age of its oldest unapplied event). */
  lag: ReadonlyArray<{ atMs: number; projection: string; lagMs: number }>;
  /** A title line, e.g. "npm run demo -- --orders 200, 2026-12-05". */
  title: string;
}

/**
 * Okabe–Ito: distinguishable under the common colour-vision deficiencies. Its yellow is left out,
 * too faint on the white background. Outcomes keep fixed colours so pictures from different runs
 * compare at a glance: green completed, orange compensated, vermillion for the ones an operator must see.
 */
const OUTCOME_COLOURS: Record<string, string> = { COMPLETED: '#009E73', COMPENSATED: '#E69F00', COMPENSATION_FAILED: '#D55E00' };
const SERIES_COLOURS = ['#0072B2', '#CC79A7', '#56B4E9', '#009E73', '#E69F00', '#D55E00', '#000000'];

const WIDTH = 900;
const PANEL_WIDTH = WIDTH / 2;
const PLOT = { top: 92, height: 180, left: 64, right: 20 }; // left leaves room for "100%" and "1.5 s"
// glyphWidth: a generous average width of an 11 px glyph, to cut legend names before they overlap.
const LEGEND = { top: PLOT.top + PLOT.height + 58, left: 16, row: 18, columns: 2, glyphWidth: 6.2 };
const MIN_HEIGHT = 380;
const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"`;

/**
 * A log axis once the slowest run took more than 30 times the fastest (about 1.5 decades): past it,
 * a linear axis squeezes the typical runs into its first few pixels to make room for the slow tail.
 * The demo's own spread (0.3 s to 20 s, 1.8 decades) read poorly on a linear axis at 2 decades.
 */
const LOG_SCALE_RATIO = 30;

export function renderDemoPlot(data: DemoPlotData): string {
  const durations = data.durations.filter((d) => Number.isFinite(d.ms) && d.ms >= 0);
  const lag = data.lag.filter((s) => Number.isFinite(s.atMs) && Number.isFinite(s.lagMs));
  const left = durationPanel(durations, 0);
  const right = lagPanel(lag, PANEL_WIDTH);
  const height = Math.max(MIN_HEIGHT, left.height, right.height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${num(height)}" viewBox="0 0 ${WIDTH} ${num(height)}" ${FONT} font-size="11">`,
    // Opaque, so the picture stays readable where a README is shown on a dark background.
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(16, 26, data.title, 'font-size="15" font-weight="bold" fill="#222"'),
    left.svg,
    right.svg,
    '</svg>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Panels

interface Panel {
  svg: string;
  height: number;
}

/**
 * An empirical CDF per outcome rather than a histogram: outcome counts differ a hundredfold (160
 * completed, 2 failed compensations), so the rare outcomes would be invisible bars beside the common
 * one, while on a CDF every outcome spans 0–100% and its median and tail read straight off the
 * curve. There is no bin width to choose either.
 */
function durationPanel(durations: ReadonlyArray<{ outcome: string; ms: number }>, x0: number): Panel {
  const frame = panelFrame();
  if (durations.length === 0) return emptyPanel(frame, x0, 'Saga durations by outcome', 'no runs ended');

  const byOutcome = groupBy(durations, (d) => d.outcome, (d) => d.ms);
  const outcomes = [...byOutcome.keys()].sort(outcomeOrder);
  const colours = colourFor(outcomes, OUTCOME_COLOURS);
  const all = durations.map((d) => d.ms).sort((a, b) => a - b);
  const min = all[0]!;
  const max = all[all.length - 1]!;

  // A log axis cannot show 0 ms; 1 ms is below anything a saga run takes.
  const useLog = max / Math.max(min, 1) > LOG_SCALE_RATIO;
  const x = useLog ? logScale([Math.max(min, 1), max], frame.xRange) : linearScale(max, frame.xRange);
  const y = percentScale(frame.yRange);

  const series = outcomes.map((outcome) => {
    const values = [...byOutcome.get(outcome)!].sort((a, b) => a - b);
    return `<g class="series" data-outcome="${escapeXml(outcome)}" stroke="${colours(outcome)}" fill="${colours(outcome)}">${ecdf(values, x, y, frame.xRange[1])}</g>`;
  });
  const legend = legendRows(
    outcomes.map((outcome) => ({ colour: colours(outcome), name: outcome, note: `(${byOutcome.get(outcome)!.length})` })),
  );
  const subtitle = `${all.length} runs ended · p50 ${formatMs(quantile(all, 0.5))} · p99 ${formatMs(quantile(all, 0.99))}`;
  return {
    svg: group(x0, [
      heading(frame, 'Saga durations by outcome (cumulative)', subtitle),
      axes(frame, x, y, useLog ? 'duration, first to last event (log scale)' : 'duration, first to last event', 'share of runs ≤ duration'),
      ...series,
      legend.svg,
    ]),
    height: legend.bottom + 12,
  };
}

function lagPanel(samples: ReadonlyArray<{ atMs: number; projection: string; lagMs: number }>, x0: number): Panel {
  const frame = panelFrame();
  if (samples.length === 0) return emptyPanel(frame, x0, 'Projection lag over the run', 'no samples');

  const byProjection = groupBy(samples, (s) => s.projection, (s) => s);
  const projections = [...byProjection.keys()].sort();
  const colours = colourFor(projections, {});
  const x = linearScale(maxOf(samples.map((s) => s.atMs)), frame.xRange);
  const y = linearScale(maxOf(samples.map((s) => s.lagMs)), frame.yRange);

  const series = projections.map((projection) => {
    const points = [...byProjection.get(projection)!].sort((a, b) => a.atMs - b.atMs);
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${num(x(p.atMs))} ${num(y(p.lagMs))}`).join('');
    // A single sample is a path with no length: give it a dot so the projection is still seen.
    const dot = points.length === 1 ? `<circle cx="${num(x(points[0]!.atMs))}" cy="${num(y(points[0]!.lagMs))}" r="2.5" stroke="none"/>` : '';
    const colour = colours(projection);
    return `<g class="series" data-projection="${escapeXml(projection)}" stroke="${colour}" fill="${colour}"><path d="${path}" fill="none" stroke-width="1.75" stroke-linejoin="round"/>${dot}</g>`;
  });
  const legend = legendRows(
    projections.map((projection) => ({
      colour: colours(projection),
      name: projection,
      note: `(max ${formatMs(maxOf(byProjection.get(projection)!.map((s) => s.lagMs)))})`,
    })),
  );
  const subtitle = `age of each one's oldest unapplied event · ${samples.length} samples`;
  return {
    svg: group(x0, [heading(frame, 'Projection lag over the run', subtitle), axes(frame, x, y, 'time since the run began', 'lag'), ...series, legend.svg]),
    height: legend.bottom + 12,
  };
}

/** A step line per outcome: it rises 1/n at each run's duration and runs on to the plot's edge once every run has ended. */
function ecdf(sorted: readonly number[], x: Scale, y: Scale, xEnd: number): string {
  const n = sorted.length;
  let d = `M${num(x(sorted[0]!))} ${num(y(0))}`;
  sorted.forEach((v, i) => {
    d += `H${num(x(v))}V${num(y((i + 1) / n))}`;
  });
  d += `H${num(xEnd)}`;
  // A handful of runs (the failed compensations) is easier to see as dots on the steps than as a thin line.
  const dots = n <= 5 ? sorted.map((v, i) => `<circle cx="${num(x(v))}" cy="${num(y((i + 1) / n))}" r="3" stroke="none"/>`).join('') : '';
  return `<path d="${d}" fill="none" stroke-width="1.75"/>${dots}`;
}

// ---------------------------------------------------------------------------------------------
// Frame, axes, legend

/** Plot area of a panel, in the panel's own coordinates (each panel is a translated group). */
interface Frame {
  xRange: [number, number];
  yRange: [number, number]; // bottom, top: SVG's y grows downwards
}

function panelFrame(): Frame {
  return { xRange: [PLOT.left, PANEL_WIDTH - PLOT.right], yRange: [PLOT.top + PLOT.height, PLOT.top] };
}

function heading(frame: Frame, title: string, subtitle: string): string {
  const x = frame.xRange[0];
  return [text(x, PLOT.top - 30, title, 'font-size="13" font-weight="bold" fill="#222"'), text(x, PLOT.top - 13, subtitle, 'fill="#555"')].join('');
}

function emptyPanel(frame: Frame, x0: number, title: string, message: string): Panel {
  const [left, right] = frame.xRange;
  const [bottom, top] = frame.yRange;
  const box = `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="#f6f6f6" stroke="#ddd"/>`;
  const note = text((left + right) / 2, (top + bottom) / 2, message, 'text-anchor="middle" font-size="13" fill="#777"');
  return { svg: group(x0, [heading(frame, title, ''), box, note]), height: MIN_HEIGHT };
}

function axes(frame: Frame, x: Scale, y: Scale, xTitle: string, yTitle: string): string {
  const [left, right] = frame.xRange;
  const [bottom, top] = frame.yRange;
  const xTicks = x.ticks.map(
    (t) =>
      `<line x1="${num(x(t.value))}" x2="${num(x(t.value))}" y1="${top}" y2="${bottom}"/>` +
      (t.label ? text(x(t.value), bottom + 15, t.label, 'text-anchor="middle" stroke="none" fill="#444"') : ''),
  );
  const yTicks = y.ticks.map(
    (t) => `<line x1="${left}" x2="${right}" y1="${num(y(t.value))}" y2="${num(y(t.value))}"/>` + text(left - 6, y(t.value) + 4, t.label, 'text-anchor="end" stroke="none" fill="#444"'),
  );
  const yMid = (top + bottom) / 2;
  return [
    `<g class="x-axis" data-scale="${x.kind}" stroke="#e4e4e4">${xTicks.join('')}</g>`,
    `<g class="y-axis" data-scale="${y.kind}" stroke="#e4e4e4">${yTicks.join('')}</g>`,
    `<path d="M${left} ${top}V${bottom}H${right}" fill="none" stroke="#888"/>`,
    text((left + right) / 2, bottom + 34, xTitle, 'text-anchor="middle" fill="#333"'),
    text(0, 0, yTitle, `text-anchor="middle" fill="#333" transform="translate(16 ${num(yMid)}) rotate(-90)"`),
  ].join('');
}

/**
 * Legend below the axes in two columns, growing the picture downwards when there are many entries.
 * A long name is cut (its note, the count or max, never) so it cannot run into the other column.
 */
function legendRows(items: ReadonlyArray<{ colour: string; name: string; note: string }>): { svg: string; bottom: number } {
  const width = (PANEL_WIDTH - 2 * LEGEND.left) / LEGEND.columns;
  const rows = Math.ceil(items.length / LEGEND.columns);
  const entries = items.map((item, i) => {
    const ex = LEGEND.left + (i % LEGEND.columns) * width;
    const ey = LEGEND.top + Math.floor(i / LEGEND.columns) * LEGEND.row;
    const maxChars = Math.floor(width / LEGEND.glyphWidth) - 4 - item.note.length;
    const name = item.name.length > maxChars ? `${item.name.slice(0, Math.max(1, maxChars - 1))}…` : item.name;
    const label = `${name} ${item.note}`;
    return `<rect x="${num(ex)}" y="${ey - 9}" width="14" height="10" rx="2" fill="${item.colour}"/>` + text(ex + 20, ey, label, 'fill="#222"');
  });
  return { svg: `<g class="legend">${entries.join('')}</g>`, bottom: LEGEND.top + (rows - 1) * LEGEND.row };
}

// ---------------------------------------------------------------------------------------------
// Scales

/** Data value → pixel, with the ticks worth labelling. */
interface Scale {
  (value: number): number;
  kind: 'linear' | 'log';
  ticks: ReadonlyArray<{ value: number; label: string }>;
}

/** From 0 to a "nice" maximum (1, 2 or 5 × 10^k steps) so the ticks land on round numbers; all zeros still get an axis. */
function linearScale(max: number, [r0, r1]: [number, number]): Scale {
  const step = niceStep((max || 1) / 5);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks = [];
  for (let i = 0; i * step <= top + step / 1e6; i++) ticks.push({ value: i * step, label: formatMs(i * step) });
  return Object.assign((v: number) => r0 + (v / top) * (r1 - r0), { kind: 'linear' as const, ticks });
}

/**
 * From the 1-2-5 value just below the fastest run to the one just above the slowest, so the curves
 * use the width. Gridlines at every 1, 2 and 5 make a log axis readable between decades; over more
 * than about three decades the labels at 2 and 5 would collide, so only powers of ten keep theirs.
 */
function logScale([lo, hi]: [number, number], [r0, r1]: [number, number]): Scale {
  const steps = oneTwoFive(lo, hi);
  const from = Math.log10(steps[0]!);
  const to = Math.log10(steps[steps.length - 1]!);
  const labelAll = to - from <= 3;
  const ticks = steps.map((value) => ({ value, label: labelAll || Number.isInteger(Math.log10(value)) ? formatMs(value) : '' }));
  // A 0 ms run sits on the left edge: log10(0) is -Infinity.
  const at = (v: number) => r0 + ((Math.log10(Math.max(v, steps[0]!)) - from) / (to - from)) * (r1 - r0);
  return Object.assign(at, { kind: 'log' as const, ticks });
}

/** 1, 2, 5 × 10^k from the last one at or below lo to the first one at or above hi. */
function oneTwoFive(lo: number, hi: number): number[] {
  const all: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); all.length === 0 || all[all.length - 1]! < hi; k++) all.push(10 ** k, 2 * 10 ** k, 5 * 10 ** k);
  let first = 0;
  while (all[first + 1]! <= lo) first++;
  const last = all.findIndex((v) => v >= hi);
  return all.slice(first, last + 1);
}

function percentScale([r0, r1]: [number, number]): Scale {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, label: `${value * 100}%` }));
  return Object.assign((v: number) => r0 + v * (r1 - r0), { kind: 'linear' as const, ticks });
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Percentile by linear interpolation between ranks, as PostgreSQL's percentile_cont (the demo summary's p50/p99). */
function quantile(sorted: readonly number[], q: number): number {
  const rank = (sorted.length - 1) * q;
  const below = sorted[Math.floor(rank)]!;
  const above = sorted[Math.ceil(rank)]!;
  return below + (above - below) * (rank - Math.floor(rank));
}

/** 250 ms, 1.5 s, 12.3 s, 120 s: the unit a person reads a saga's time in, three significant digits at most. */
function formatMs(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000) return `${trim(ms, ms < 10 ? 2 : 0)} ms`;
  const s = ms / 1000;
  return `${trim(s, s < 10 ? 2 : s < 100 ? 1 : 0)} s`;
}

function trim(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}

/**
 * Every coordinate goes through here: at most two decimals keep the file small and its diffs
 * readable, and a NaN or Infinity (a scale bug) fails loudly instead of drawing nothing.
 */
function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`renderDemoPlot: a coordinate is ${value}`);
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded); // never "-0"
}

/** Projection names and the title come from outside: escaped for both text and attribute values. */
function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function text(x: number, y: number, content: string, attributes: string): string {
  return `<text x="${num(x)}" y="${num(y)}" ${attributes}>${escapeXml(content)}</text>`;
}

function group(dx: number, children: readonly string[]): string {
  return `<g transform="translate(${num(dx)} 0)">${children.join('')}</g>`;
}

/** Math.max(...values) without the spread, whose argument count is capped: a long run has many samples. */
function maxOf(values: readonly number[]): number {
  return values.reduce((a, b) => Math.max(a, b), 0);
}

function groupBy<T, V>(items: readonly T[], key: (item: T) => string, value: (item: T) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k) ?? [];
    list.push(value(item));
    groups.set(k, list);
  }
  return groups;
}

/** Known outcomes in the order a saga can end (best first), any other after them by name. */
function outcomeOrder(a: string, b: string): number {
  const rank = (o: string) => {
    const i = Object.keys(OUTCOME_COLOURS).indexOf(o);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** Fixed colours where given, the palette in turn for the rest (wrapping past its seven colours). */
function colourFor(names: readonly string[], fixed: Record<string, string>): (name: string) => string {
  const free = SERIES_COLOURS.filter((c) => !Object.values(fixed).includes(c));
  const assigned = new Map<string, string>();
  let next = 0;
  for (const name of names) assigned.set(name, fixed[name] ?? free[next++ % free.length]!);
  return (name) => assigned.get(name)!;
}
