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
});
