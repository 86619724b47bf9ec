/** One concurrent caller: does the work for one item and says how many events it wrote or read. */
export type Worker<Item> = (item: Item) => Promise<number>;

export interface Measurement {
  calls: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Nearest-rank percentile of sorted latencies. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function summarise(latenciesMs: Float64Array, events: number, elapsedNs: bigint): Measurement {
  const sorted = latenciesMs.slice().sort();
  const seconds = Number(elapsedNs) / 1e9;
  return {
    calls: latenciesMs.length,
    events,
    seconds,
    eventsPerSecond: events / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}

/**
 * One call per item, spread over the workers, each worker making its calls one after another; times
 * each call and the whole. Workers take the next item from a shared counter, so a slow caller does
 * not leave the others idle at the end.
 */
export async function runCalls<Item>(workers: ReadonlyArray<Worker<Item>>, items: readonly Item[]): Promise<Measurement> {
  const latenciesMs = new Float64Array(items.length);
  let next = 0;
  let events = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    workers.map(async (work) => {
      for (let index = next++; index < items.length; index = next++) {
        const t0 = process.hrtime.bigint();
        // Not `events += await ...`: that reads `events` before the await and drops the other workers' counts.
        const handled = await work(items[index]!);
        latenciesMs[index] = Number(process.hrtime.bigint() - t0) / 1e6;
        events += handled;
      }
    }),
  );
  return summarise(latenciesMs, events, process.hrtime.bigint() - started);
}

/** Calls `readPage` until it returns 0; the final empty page counts in the elapsed time, not as a page. */
export async function runUntilEmpty(readPage: () => Promise<number>): Promise<Measurement> {
  const latencies: number[] = [];
  let events = 0;
  const started = process.hrtime.bigint();
  for (;;) {
    const t0 = process.hrtime.bigint();
    const count = await readPage();
    if (count === 0) break;
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    events += count;
  }
  return summarise(Float64Array.from(latencies), events, process.hrtime.bigint() - started);
}
