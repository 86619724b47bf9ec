import type pg from 'pg';
import { projectionStatus } from '../projections';
import type { DemoPlotData } from './plot';

export interface LagSampler {
  /** Stops sampling and returns what it saw, ms measured from when it started. */
  stop(): Promise<DemoPlotData['lag']>;
}

/**
 * Samples every active projection's lag while the demo's load runs, for its picture. A sample that
 * fails (PostgreSQL busy, a restart) is skipped: the picture has a gap, the demo carries on.
 */
export function sampleProjectionLag(pool: pg.Pool, everyMs = 500): LagSampler {
  const started = Date.now();
  const samples: Array<DemoPlotData['lag'][number]> = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const atMs = Date.now() - started;
        for (const status of await projectionStatus(pool)) if (status.active) samples.push({ atMs, projection: status.name, lagMs: status.lagMs });
      } catch {
        // A missed sample; the next one may answer.
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}
