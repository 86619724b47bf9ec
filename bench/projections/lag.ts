import type pg from 'pg';
import type { OrderEvent } from '../../processes/orderFulfillment/domainEvents';
import { compareCheckpoints, type Checkpoint, type EventStore } from '../../src/eventstore';
import { readCheckpoint, type Projection } from '../../src/projections';
import type { Rng } from '../lib/payloads';
import { newEvent, orderStream } from './orders';

export interface LagMeasurement {
  events: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const TICK_MS = 10;
const POLL_MS = 2;
/** Orders in progress at once: each append is the next step of one of them, as sagas interleave. */
const ORDERS_IN_FLIGHT = 200;

/**
 * Appends order events one per append at `rate` events/s for `seconds` while a projection worker
 * runs, and measures for each event the time from its append's commit (when the append returned)
 * to the projection's checkpoint passing it, by polling the checkpoint every POLL_MS.
 */
export async function measureLag(pool: pg.Pool, store: EventStore, projection: Projection, rng: Rng, rate: number, seconds: number): Promise<LagMeasurement> {
  const orders: Array<{ streamId: string; events: OrderEvent[]; version: number }> = [];
  const pending: Array<{ checkpoint: Checkpoint; committedAt: number }> = [];
  const lags: number[] = [];
  let appended = 0;
  let appending = true;
  let stoppedAt = Infinity;

  const poller = (async () => {
    // A worker that never catches up must not hang the run: after a minute, the rest counts as lost.
    while (appending || (pending.length > 0 && performance.now() - stoppedAt < 60_000)) {
      const state = await readCheckpoint(pool, projection.name, projection.version);
      const now = performance.now();
      if (state) {
        for (let i = pending.length - 1; i >= 0; i--) {
          if (compareCheckpoints(state.checkpoint, pending[i]!.checkpoint) >= 0) {
            lags.push(now - pending[i]!.committedAt);
            pending.splice(i, 1);
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();

  const appendNext = async () => {
    while (orders.length < ORDERS_IN_FLIGHT) orders.push({ ...orderStream(rng), version: 0 });
    // Take an order out while its append is in flight, so no two appends race on one stream.
    const order = orders.splice(rng.int(0, orders.length - 1), 1)[0]!;
    const event = order.events[order.version]!;
    const result = await store.append(order.streamId, [newEvent(event)], { expectedVersion: order.version });
    pending.push({ checkpoint: result.checkpoint, committedAt: performance.now() });
    appended++;
    order.version++;
    if (order.version < order.events.length) orders.push(order);
  };

  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate) - appended - inFlight.size;
    for (let i = 0; i < due; i++) {
      const append: Promise<void> = appendNext().finally(() => inFlight.delete(append));
      inFlight.add(append);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  appending = false;
  stoppedAt = performance.now();
  await poller;
  if (pending.length > 0) throw new Error(`${pending.length} events were not applied within a minute of the last append`);
  lags.sort((a, b) => a - b);
  const at = (p: number) => lags[Math.min(lags.length - 1, Math.max(0, Math.ceil(p * lags.length) - 1))] ?? Number.NaN;
  return { events: appended, seconds: elapsed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: lags[lags.length - 1] ?? Number.NaN };
}
