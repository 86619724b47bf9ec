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
  rebuild: RebuildReport;
  ceilingMs: number;
  /** Rows in which the ceiling's table and the rebuilt one differ (0: they computed the same table). */
  mismatches: number;
  lag: LagMeasurement;
  rate: number;
}

const thousands = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function renderProjectionReport(report: ProjectionReport): string {
  const { environment: env, rebuild, events } = report;
  const { partitions, catchUp, swap, validate } = rebuild.durationsMs;
  const rebuildMs = partitions + catchUp + swap;
  const rebuildRate = events / (rebuildMs / 1000);
  const ceilingRate = events / (report.ceilingMs / 1000);
  return [
    RESULTS_HEADING,
    '',
    ...environmentLines(env),
    `- command: \`${env.command}\``,
    `- log: ${thousands.format(events)} order events in ${thousands.format(report.streams)} streams (${report.mix}), each stream appended in two parts interleaved with other orders'`,
    `- rebuild: ${report.partitions} partitions by hash of stream id, pages of ${DEFAULT_BUILD_BATCH_SIZE.toLocaleString('en-US')} events, through the read model's own handler; time from start to readers switched (partitions ${seconds(partitions)}, catch-up ${seconds(catchUp)}, swap ${seconds(swap)}); the verification that follows, before the old tables are dropped, took ${seconds(validate)}`,
    `- ceiling: one \`INSERT … SELECT … GROUP BY\` computing order_summary in SQL over the same log, same server, same run; ${report.mismatches === 0 ? 'its table equals the rebuilt one row for row' : `${report.mismatches} rows differ from the rebuilt table`}`,
    '',
    '| measurement | events | time | events/s | share of the ceiling |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| rebuild of order_summary | ${thousands.format(events)} | ${seconds(rebuildMs)} | ${thousands.format(rebuildRate)} | ${Math.round((rebuildRate / ceilingRate) * 100)}% |`,
    `| raw SQL ceiling | ${thousands.format(events)} | ${seconds(report.ceilingMs)} | ${thousands.format(ceilingRate)} | 100% |`,
    '',
    `| steady-state lag | appended | rate | p50 | p99 | max |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| order_summary, one event per append, worker running | ${thousands.format(report.lag.events)} in ${report.lag.seconds.toFixed(0)} s | ${thousands.format(report.lag.events / report.lag.seconds)} events/s (target ${report.rate}) | ${report.lag.p50Ms.toFixed(1)} ms | ${report.lag.p99Ms.toFixed(1)} ms | ${report.lag.maxMs.toFixed(1)} ms |`,
    '',
    '- lag: from the append call returning (its commit) to the projection checkpoint passing the event, the checkpoint polled every 2 ms',
    '',
  ].join('\n');
}
