import { contracts } from '../../support/contracts';
import { defineProjection, rebuildProjection } from '../../../src/projections';
import { orderSummary } from '../../../processes/orderFulfillment/readModels/orderSummary';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { catchUp } from '../../support/projections';
import { appendOrders } from '../../support/rebuilds';

describe('the swap at the end of a rebuild', () => {
  const db = useTestDatabase();
  const READ = `select count(*)::int as rows, md5(coalesce(string_agg(order_id || status || last_stream_version, ',' order by order_id), '')) as hash from order_summary`;
  const read = async () => JSON.stringify((await db.pool.query(READ)).rows[0]);

  beforeAll(async () => {
    await appendOrders(testEventStore(db), 300);
    await catchUp(db.pool, [orderSummary]);
  });

  /** Readers query the stable view without pause while `work` runs; returns every distinct answer, in order of first sight. */
  async function readWhile(work: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    let running = true;
    const readers = Array.from({ length: 3 }, async () => {
      while (running) {
        const answer = await read();
        if (!seen.includes(answer)) seen.push(answer);
      }
    });
    try {
      await work();
    } finally {
      running = false;
      await Promise.all(readers);
    }
    seen.push(...[await read()].filter((answer) => !seen.includes(answer)));
    return seen;
  }

  it.each([
    ['in place', orderSummary],
    ['to a new version', defineProjection({ ...orderSummary, version: 2 })],
  ] as const)('%s: readers see the complete old tables or the complete new ones, nothing between', async (_how, projection) => {
    const complete = await read();
    // The old tables lose a third of their rows, so old and new answers differ.
    await db.pool.query(`delete from ${orderSummary.tableNames.order_summary} where order_id < '5'`);
    await db.pool.query(`delete from order_summary_v2 where order_id < '5'`).catch(() => undefined);
    const damaged = await read();
    expect(damaged).not.toEqual(complete);

    const seen = await readWhile(() => rebuildProjection(db.pool, projection, { contracts, partitions: 4, batchSize: 50 }));
    expect(seen).toEqual([damaged, complete]);
  });
});
