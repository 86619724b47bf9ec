import { renderDemoPlot, type DemoPlotData } from '../../../src/demo/plot';

/**
 * A small well-formedness check, as there is no XML parser among the dependencies: one root <svg>,
 * every tag closed in order, attributes double-quoted, and no raw `<` or stray `&` in text or values.
 */
function wellFormedness(xml: string): string[] {
  const problems: string[] = [];
  const entity = /&(amp|lt|gt|quot|#39);/g;
  const open: string[] = [];
  let roots = 0;
  let rest = xml.trim();
  while (rest.length > 0) {
    const tag = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/.exec(rest);
    if (tag) {
      const [whole, closing, name, attributes, selfClosing] = tag;
      if (attributes!.replace(entity, '').includes('&')) problems.push(`unescaped & in <${name}>`);
      if (closing) {
        if (open.pop() !== name) problems.push(`</${name}> closes nothing open`);
      } else if (!selfClosing) {
        if (open.length === 0) roots++;
        open.push(name!);
      } else if (open.length === 0) roots++;
      rest = rest.slice(whole.length);
      continue;
    }
    if (rest.startsWith('<')) {
      problems.push(`malformed tag at ${JSON.stringify(rest.slice(0, 40))}`);
      break;
    }
    const content = /^[^<]*/.exec(rest)![0];
    if (open.length === 0 && content.trim()) problems.push('text outside the root');
    if (content.replace(entity, '').includes('&')) problems.push(`unescaped & in ${JSON.stringify(content)}`);
    if (content.includes('>')) problems.push(`raw > in ${JSON.stringify(content)}`);
    rest = rest.slice(content.length);
  }
  if (open.length > 0) problems.push(`unclosed: ${open.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

/** One panel's markup: each panel is a translated group, the durations first, the lag second. */
function panel(svg: string, which: 'durations' | 'lag'): string {
  const parts = svg.split('<g transform="translate(');
  return parts[which === 'durations' ? 1 : 2]!;
}

function legendTexts(svgPanel: string): string[] {
  const legend = /<g class="legend">(.*?)<\/g>/.exec(svgPanel)?.[1] ?? '';
  return [...legend.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

const repeat = (outcome: string, n: number, from: number, to: number) =>
  Array.from({ length: n }, (_, i) => ({ outcome, ms: from + ((to - from) * i) / Math.max(1, n - 1) }));

function lagOf(projection: string, samples: number, peakMs: number) {
  return Array.from({ length: samples }, (_, i) => ({ atMs: i * 500, projection, lagMs: i === samples - 1 ? peakMs : 20 + (i % 7) * 37.3 }));
}

const demoRun: DemoPlotData = {
  title: 'npm run demo -- --orders 200, 2026-12-05',
  durations: [...repeat('COMPLETED', 160, 512.345, 2987.6543), ...repeat('COMPENSATED', 38, 301.1, 7999.9), ...repeat('COMPENSATION_FAILED', 2, 10_000, 19_876.54)],
  lag: [...lagOf('order_summary', 81, 2003.3333), ...lagOf('saga_runs', 81, 280), ...lagOf('inventory_levels', 81, 300)],
};

const inputs: Record<string, DemoPlotData> = {
  'the demo run': demoRun,
  'empty inputs': { title: '', durations: [], lag: [] },
  'one run and one sample': { title: 't', durations: [{ outcome: 'COMPLETED', ms: 1200 }], lag: [{ atMs: 0, projection: 'p', lagMs: 0 }] },
  'runs of 0 ms and lag of 0 ms': { title: 't', durations: repeat('COMPLETED', 3, 0, 0), lag: lagOf('p', 3, 0).map((s) => ({ ...s, lagMs: 0 })) },
  'runs from 0 ms to a minute': { title: 't', durations: [{ outcome: 'COMPLETED', ms: 0 }, { outcome: 'COMPENSATED', ms: 60_000 }], lag: [] },
  'non-finite values': {
    title: 't',
    durations: [{ outcome: 'COMPLETED', ms: Number.NaN }, { outcome: 'COMPLETED', ms: Number.POSITIVE_INFINITY }, { outcome: 'COMPLETED', ms: 800 }],
    lag: [{ atMs: Number.NaN, projection: 'p', lagMs: 3 }, { atMs: 1000, projection: 'p', lagMs: Number.POSITIVE_INFINITY }],
  },
};

describe('renderDemoPlot', () => {
  it.each(Object.entries(inputs))('draws %s as one well-formed standalone SVG document', (_name, data) => {
    const svg = renderDemoPlot(data);

    expect(wellFormedness(svg)).toEqual([]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="900" height="\d+" viewBox="0 0 900 \d+"/);
    expect(svg).not.toMatch(/<script|<link|@import|@font-face|href=/i);
  });

  it.each(Object.entries(inputs))('writes no NaN or Infinity and no coordinate past two decimals for %s', (_name, data) => {
    const svg = renderDemoPlot(data);

    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg).not.toMatch(/\d\.\d{3,}/);
  });

  it('escapes a hostile projection name and title in text and attributes', () => {
    const hostile = `<script>&"'`;
    const svg = renderDemoPlot({ title: `${hostile} title`, durations: [{ outcome: hostile, ms: 5 }], lag: lagOf(hostile, 3, 10) });

    expect(wellFormedness(svg)).toEqual([]);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;&amp;&quot;&#39; title');
    expect(svg).toContain('data-projection="&lt;script&gt;&amp;&quot;&#39;"');
    expect(svg).toContain('data-outcome="&lt;script&gt;&amp;&quot;&#39;"');
  });

  it('says "no runs ended" and "no samples" in panels without data, and draws no series there', () => {
    const svg = renderDemoPlot({ title: 'nothing yet', durations: [], lag: [] });

    expect(panel(svg, 'durations')).toContain('>no runs ended<');
    expect(panel(svg, 'lag')).toContain('>no samples<');
    expect(svg).not.toContain('class="series"');
  });

  it('keeps the empty lag panel on the right when only the durations have data', () => {
    const svg = renderDemoPlot({ title: 't', durations: demoRun.durations, lag: [] });

    expect(svg).toContain('<g transform="translate(450 0)">');
    expect(panel(svg, 'lag')).toContain('>Projection lag over the run<');
    expect(panel(svg, 'lag')).toContain('>no samples<');
  });

  it('draws one series group per outcome and one per projection', () => {
    const svg = renderDemoPlot(demoRun);

    const outcomes = [...panel(svg, 'durations').matchAll(/<g class="series" data-outcome="([^"]*)"/g)].map((m) => m[1]);
    const projections = [...panel(svg, 'lag').matchAll(/<g class="series" data-projection="([^"]*)"/g)].map((m) => m[1]);
    expect(outcomes).toEqual(['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED']);
    expect(projections).toEqual(['inventory_levels', 'order_summary', 'saga_runs']);
  });

  it('gives each series its own colour', () => {
    const colours = [...renderDemoPlot(demoRun).matchAll(/<g class="series" data-\w+="[^"]*" stroke="(#[0-9A-F]{6})"/g)].map((m) => m[1]);

    expect(colours).toHaveLength(6);
    expect(new Set(colours.slice(0, 3)).size).toBe(3);
    expect(new Set(colours.slice(3)).size).toBe(3);
  });

  it('puts durations spanning more than three decades on a log axis labelled at each power of ten in ms and s', () => {
    const svg = renderDemoPlot({ title: 't', durations: [...repeat('COMPLETED', 50, 40, 900), ...repeat('COMPENSATED', 5, 2000, 45_000)], lag: [] });

    const durations = panel(svg, 'durations');
    expect(durations).toContain('<g class="x-axis" data-scale="log"');
    expect(durations).toContain('(log scale)');
    for (const label of ['>100 ms<', '>1 s<', '>10 s<']) expect(durations).toContain(label);
    expect(durations).not.toContain('>200 ms<');
  });

  it("puts the demo's own spread, 0.3 s to 20 s, on a log axis labelled at 1, 2 and 5", () => {
    const svg = renderDemoPlot({ title: 't', durations: [...repeat('COMPLETED', 20, 300, 3000), ...repeat('COMPENSATION_FAILED', 2, 10_000, 20_000)], lag: [] });

    const durations = panel(svg, 'durations');
    expect(durations).toContain('<g class="x-axis" data-scale="log"');
    for (const label of ['>200 ms<', '>500 ms<', '>1 s<', '>2 s<', '>5 s<', '>10 s<', '>20 s<']) expect(durations).toContain(label);
    expect(durations).not.toContain('>100 ms<');
    expect(durations).not.toContain('>50 s<');
  });

  it('keeps durations within a narrow range on a linear axis from 0', () => {
    const svg = renderDemoPlot({ title: 't', durations: repeat('COMPLETED', 50, 1000, 3000), lag: [] });

    const durations = panel(svg, 'durations');
    expect(durations).toContain('<g class="x-axis" data-scale="linear"');
    expect(durations).not.toContain('(log scale)');
    for (const label of ['>0<', '>1 s<', '>2 s<', '>3 s<']) expect(durations).toContain(label);
  });

  it('counts the runs of each outcome in the legend', () => {
    const svg = renderDemoPlot(demoRun);

    expect(legendTexts(panel(svg, 'durations'))).toEqual(['COMPLETED (160)', 'COMPENSATED (38)', 'COMPENSATION_FAILED (2)']);
    expect(panel(svg, 'durations')).toContain('>200 runs ended ·');
  });

  it("gives p50 and p99 of all runs, interpolated between ranks as the demo summary's percentile_cont", () => {
    const runs = (seconds: number[]) => seconds.map((s, i) => ({ outcome: i % 2 ? 'COMPLETED' : 'COMPENSATED', ms: s * 1000 }));

    expect(renderDemoPlot({ title: 't', durations: runs([4, 1, 3, 2]), lag: [] })).toContain('>4 runs ended · p50 2.5 s · p99 3.97 s<');
    expect(renderDemoPlot({ title: 't', durations: runs(Array.from({ length: 101 }, (_, i) => i)), lag: [] })).toContain('>101 runs ended · p50 50 s · p99 99 s<');
  });

  it("names each projection's largest lag in the legend", () => {
    const svg = renderDemoPlot(demoRun);

    expect(legendTexts(panel(svg, 'lag'))).toEqual(['inventory_levels (max 300 ms)', 'order_summary (max 2 s)', 'saga_runs (max 280 ms)']);
  });

  it('cuts a long projection name in the legend but keeps its max lag', () => {
    const name = `projection_${'x'.repeat(80)}`;
    const svg = renderDemoPlot({ title: 't', durations: [], lag: lagOf(name, 3, 1500) });

    const [label] = legendTexts(panel(svg, 'lag'));
    expect(label).toMatch(/^projection_x+… \(max 1\.5 s\)$/);
    expect(label!.length).toBeLessThan(40);
  });
});
