import { environmentLines, type Environment } from '../lib/environment';
import { DEFAULT_BUILD_BATCH_SIZE, type RebuildReport } from '../../src/projections';
import type { LagMeasurement } from './lag';

export const RESULTS_HEADING = '## Projections (`npm run bench:projections`)';

export interface ProjectionReport {
  environment: Environment;
  events: number;
  streams: number;
  mix: string;
  partitions: number;
  /** The default rebuild: partitions folded by order_summary's SQL statements. */
  rebuild: RebuildReport;
  /** The same rebuild with fold: handler, every page through apply. */
  handlerRebuild: RebuildReport;
  ceilingMs: number;
  /** Rows in which the ceiling's table and the rebuilt one differ (0: they computed the same table). */
  mismatches: number;
  lag: LagMeasurement;
  rate: number;
}

const thousands = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** From the start of a rebuild to readers switched to its tables. */
const totalMs = ({ durationsMs: d }: RebuildReport) => d.prepare + d.partitions + d.catchUp + d.swap;
const phases = (report: RebuildReport) => {
  const d = report.durationsMs;
  return `${seconds(totalMs(report))} (prepare ${seconds(d.prepare)}, partitions ${seconds(d.partitions)}, catch-up ${seconds(d.catchUp)}, swap ${seconds(d.swap)})`;
};

export function renderProjectionReport(report: ProjectionReport): string {
  const { environment: env, rebuild, handlerRebuild, events } = report;
  const ceilingRate = events / (report.ceilingMs / 1000);
  const row = (label: string, ms: number) => {
    const rate = events / (ms / 1000);
    return `| ${label} | ${thousands.format(events)} | ${seconds(ms)} | ${thousands.format(rate)} | ${Math.round((rate / ceilingRate) * 100)}% |`;
  };
  return [
    RESULTS_HEADING,
    '',
    ...environmentLines(env),
    `- command: \`${env.command}\``,
    `- log: ${thousands.format(events)} order events in ${thousands.format(report.streams)} streams (${report.mix}), each stream appended in two parts interleaved with other orders'`,
    `- rebuild: ${report.partitions} partitions by hash of stream id; time from start to readers switched: ${phases(rebuild)} by the read model's SQL fold (the default), ${phases(handlerRebuild)} through its handler in pages of ${DEFAULT_BUILD_BATCH_SIZE.toLocaleString('en-US')} events (\`--fold handler\`); the verification that follows each, before the old tables are dropped, took ${seconds(rebuild.durationsMs.validate)} and ${seconds(handlerRebuild.durationsMs.validate)}`,
    `- ceiling: one \`INSERT … SELECT … GROUP BY\` computing order_summary in SQL over the same log, same server, same run, written for this log's mix of orders (the read model's own statement handles any sequence); ${report.mismatches === 0 ? 'its table equals the rebuilt one row for row' : `${report.mismatches} rows differ from the rebuilt table`}`,
    '',
    '| measurement | events | time | events/s | share of the ceiling |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('rebuild of order_summary, SQL fold (default)', totalMs(rebuild)),
    row('rebuild of order_summary, through the handler (`--fold handler`)', totalMs(handlerRebuild)),
    row('raw SQL ceiling', report.ceilingMs),
    '',
    `| steady-state lag | appended | rate | p50 | p99 | max |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| order_summary, one event per append, worker running | ${thousands.format(report.lag.events)} in ${report.lag.seconds.toFixed(0)} s | ${thousands.format(report.lag.events / report.lag.seconds)} events/s (target ${report.rate}) | ${report.lag.p50Ms.toFixed(1)} ms | ${report.lag.p99Ms.toFixed(1)} ms | ${report.lag.maxMs.toFixed(1)} ms |`,
    '',
    '- lag: from the append call returning (its commit) to the projection checkpoint passing the event, the checkpoint polled every 2 ms',
    '',
  ].join('\n');
}
