import { randomUUID } from 'node:crypto';
import { createSimulatedServices, SIMULATED_CARRIER } from '../../../src/adapters';
import { useTestDatabase } from '../../support/database';
import { raceOneKey } from './raceOneKey';

describe('simulated shipping', () => {
  const db = useTestDatabase();
  const shipping = () => createSimulatedServices(db.pool).shipping;
  const newKey = () => `key-${randomUUID()}`;

  async function shipments(orderId: string) {
    const { rows } = await db.pool.query<{ shipment_id: string; status: string }>('select shipment_id, status from sim_shipments where order_id = $1', [orderId]);
    return rows;
  }

  it('creates one shipment per key, with a readable id and a carrier, however often and concurrently it is asked', async () => {
    const orderId = randomUUID();
    const call = { idempotencyKey: newKey(), orderId, items: [{ sku: 'mug', quantity: 2 }] };

    const results = await raceOneKey(db, 'createShipment', call.idempotencyKey, () => Array.from({ length: 8 }, () => shipping().createShipment(call)));
    const repeat = await shipping().createShipment(call);

    expect(repeat.shipmentId).toMatch(/^shp-[0-9a-f]{16}$/);
    expect(repeat.carrier).toBe(SIMULATED_CARRIER);
    expect(results).toEqual(Array.from({ length: 8 }, () => repeat));
    expect(await shipments(orderId)).toEqual([{ shipment_id: repeat.shipmentId, status: 'created' }]);
  });

  it('cancels a shipment; cancelling it again or an unknown one is a no-op', async () => {
    const orderId = randomUUID();
    const { shipmentId } = await shipping().createShipment({ idempotencyKey: newKey(), orderId, items: [{ sku: 'mug', quantity: 1 }] });

    await shipping().cancelShipment({ idempotencyKey: newKey(), shipmentId });
    await shipping().cancelShipment({ idempotencyKey: newKey(), shipmentId });
    await shipping().cancelShipment({ idempotencyKey: newKey(), shipmentId: 'shp-unknown' });

    expect(await shipments(orderId)).toEqual([{ shipment_id: shipmentId, status: 'cancelled' }]);
  });

  it('finds the shipment a key made, and nothing for a key that made none', async () => {
    const idempotencyKey = newKey();
    const { shipmentId } = await shipping().createShipment({ idempotencyKey, orderId: randomUUID(), items: [{ sku: 'mug', quantity: 1 }] });

    expect(await shipping().findShipment(idempotencyKey)).toBe(shipmentId);
    expect(await shipping().findShipment(newKey())).toBeUndefined();
  });

  it('waits for a first attempt still in flight before saying what the key made', async () => {
    const idempotencyKey = newKey();
    // A first attempt caught mid-transaction: its ledger row inserted, its effect not yet committed.
    const attempt = await db.pool.connect();
    try {
      await attempt.query('begin');
      await attempt.query(`insert into sim_calls (operation, idempotency_key, request, attempts) values ('createShipment', $1, '{}', 1)`, [idempotencyKey]);
      let settled = false;
      const lookup = shipping()
        .findShipment(idempotencyKey)
        .finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);

      await attempt.query(`update sim_calls set first_result = '{"result": {"shipmentId": "shp-late", "carrier": "SimExpress"}}' where idempotency_key = $1`, [idempotencyKey]);
      await attempt.query('commit');

      expect(await lookup).toBe('shp-late');
    } finally {
      attempt.release();
    }
  });

  it('finds nothing, and leaves no trace, when the attempt in flight rolls back', async () => {
    const idempotencyKey = newKey();
    const attempt = await db.pool.connect();
    try {
      await attempt.query('begin');
      await attempt.query(`insert into sim_calls (operation, idempotency_key, request, attempts) values ('createShipment', $1, '{}', 1)`, [idempotencyKey]);
      const lookup = shipping().findShipment(idempotencyKey);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await attempt.query('rollback');

      expect(await lookup).toBeUndefined();
      const { rows } = await db.pool.query('select 1 from sim_calls where idempotency_key = $1', [idempotencyKey]);
      expect(rows).toEqual([]);
    } finally {
      attempt.release();
    }
  });
});
