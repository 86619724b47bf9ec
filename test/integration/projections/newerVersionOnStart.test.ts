import { activeVersionOf, defineProjection, rebuildProjection } from '../../../src/projections';
import { orderSummary } from '../../../processes/orderFulfillment/readModels/orderSummary';
import { rebuildNewerReadModels } from '../../../workers/readModelVersions';
import { contracts } from '../../support/contracts';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrders } from '../../support/rebuilds';

describe('a local stack or cluster profile starting on a database of older code', () => {
  const db = useTestDatabase();

  it('rebuilds a read model whose active version is older than the code, and leaves current ones alone', async () => {
    await appendOrders(testEventStore(db), 40);
    // What an older checkout left behind: order_summary active one version back.
    const older = defineProjection({ ...orderSummary, version: orderSummary.version - 1 });
    await rebuildProjection(db.pool, older, { contracts, partitions: 2, batchSize: 50 });
    expect(await activeVersionOf(db.pool, orderSummary.name)).toBe(orderSummary.version - 1);
    const lines: string[] = [];

    await rebuildNewerReadModels(db.pool, (line) => lines.push(line));

    expect(await activeVersionOf(db.pool, orderSummary.name)).toBe(orderSummary.version);
    const { rows } = await db.pool.query<{ n: number }>(`select count(*)::int as n from order_summary`);
    expect(rows[0]!.n).toBe(40);
    expect(lines.filter((line) => line.includes('rebuilding it from the log'))).toEqual([
      `read model ${orderSummary.name}: the code has v${orderSummary.version}, this database v${orderSummary.version - 1}; rebuilding it from the log`,
    ]);

    // A second start finds every read model current and rebuilds nothing.
    lines.length = 0;
    await rebuildNewerReadModels(db.pool, (line) => lines.push(line));
    expect(lines).toEqual([]);
  });
});
