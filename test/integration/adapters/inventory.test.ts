import { randomUUID } from 'node:crypto';
import { BusinessRejection, createSimulatedServices } from '../../../src/adapters';
import { useTestDatabase } from '../../support/database';
import { raceOneKey } from './raceOneKey';

describe('simulated inventory', () => {
  const db = useTestDatabase();
  const inventory = () => createSimulatedServices(db.pool).inventory;
  const newSku = () => `sku-${randomUUID()}`;
  const newKey = () => `key-${randomUUID()}`;

  async function reservationCount(orderId: string): Promise<number> {
    const { rows } = await db.pool.query<{ n: string }>('select count(*) as n from sim_reservations where order_id = $1', [orderId]);
    return Number(rows[0]!.n);
  }

  it('reserves by decrementing stock and returns a readable reservation id', async () => {
    const sku = newSku();
    await inventory().setStock(sku, 10);

    const { reservationId } = await inventory().reserve({ idempotencyKey: newKey(), orderId: 'o-1', items: [{ sku, quantity: 3 }] });

    expect(reservationId).toMatch(/^res-[0-9a-f]{16}$/);
    expect(await inventory().stockOf(sku)).toBe(7);
  });

  it('treats a sku nobody stocked as holding a million', async () => {
    const sku = newSku();
    await inventory().reserve({ idempotencyKey: newKey(), orderId: 'o-2', items: [{ sku, quantity: 2 }] });
    const { rows } = await db.pool.query('select available from sim_stock where sku = $1', [sku]);
    expect(rows).toEqual([{ available: 999_998 }]);
    expect(await inventory().stockOf(newSku())).toBe(1_000_000);
  });

  it('answers a repeated key with the first reservation and decrements once', async () => {
    const sku = newSku();
    const orderId = randomUUID();
    await inventory().setStock(sku, 10);
    const call = { idempotencyKey: newKey(), orderId, items: [{ sku, quantity: 4 }] };

    const first = await inventory().reserve(call);
    const repeat = await inventory().reserve(call);

    expect(repeat).toEqual(first);
    expect(await inventory().stockOf(sku)).toBe(6);
    expect(await reservationCount(orderId)).toBe(1);
  });

  it('lets 20 concurrent calls with one key make one reservation between them', async () => {
    const sku = newSku();
    const orderId = randomUUID();
    await inventory().setStock(sku, 100);
    const call = { idempotencyKey: newKey(), orderId, items: [{ sku, quantity: 1 }] };

    const results = await raceOneKey(db, 'reserveInventory', call.idempotencyKey, () => Array.from({ length: 20 }, () => inventory().reserve(call)));

    expect(new Set(results.map((r) => r.reservationId)).size).toBe(1);
    expect(await inventory().stockOf(sku)).toBe(99);
    expect(await reservationCount(orderId)).toBe(1);
  });

  it('never oversells: of 10 concurrent orders for 1 unit with 4 in stock, exactly 4 are reserved', async () => {
    const sku = newSku();
    await inventory().setStock(sku, 4);

    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => inventory().reserve({ idempotencyKey: newKey(), orderId: randomUUID(), items: [{ sku, quantity: 1 }] })),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    const rejections = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(rejections).toHaveLength(6);
    for (const rejection of rejections) expect(rejection).toMatchObject({ name: 'BusinessRejection', reason: 'out_of_stock' });
    expect(await inventory().stockOf(sku)).toBe(0);
  });

  it('rejects a short order as out_of_stock, naming the sku, and reserves none of its lines', async () => {
    const plenty = newSku();
    const scarce = newSku();
    const orderId = randomUUID();
    await inventory().setStock(plenty, 10);
    await inventory().setStock(scarce, 1);

    const attempt = inventory().reserve({ idempotencyKey: newKey(), orderId, items: [{ sku: plenty, quantity: 5 }, { sku: scarce, quantity: 2 }] });

    await expect(attempt).rejects.toThrow(BusinessRejection);
    await expect(attempt).rejects.toMatchObject({ reason: 'out_of_stock', message: `order ${orderId}: not enough stock of ${scarce} (2 wanted, 1 available)` });
    expect(await inventory().stockOf(plenty)).toBe(10);
    expect(await inventory().stockOf(scarce)).toBe(1);
    expect(await reservationCount(orderId)).toBe(0);
  });

  it('replays a rejection to a repeated key even after restocking', async () => {
    const sku = newSku();
    await inventory().setStock(sku, 0);
    const call = { idempotencyKey: newKey(), orderId: randomUUID(), items: [{ sku, quantity: 1 }] };
    await expect(inventory().reserve(call)).rejects.toMatchObject({ reason: 'out_of_stock' });

    await inventory().setStock(sku, 5);

    await expect(inventory().reserve(call)).rejects.toMatchObject({ reason: 'out_of_stock' });
    expect(await inventory().stockOf(sku)).toBe(5);
  });

  it('refuses a repeated key carrying other parameters, changing nothing', async () => {
    const sku = newSku();
    await inventory().setStock(sku, 10);
    const idempotencyKey = newKey();
    await inventory().reserve({ idempotencyKey, orderId: 'o-3', items: [{ sku, quantity: 1 }] });

    await expect(inventory().reserve({ idempotencyKey, orderId: 'o-3', items: [{ sku, quantity: 2 }] })).rejects.toMatchObject({
      reason: 'invalid_request',
      message: `idempotency key ${idempotencyKey} was first used for reserveInventory with other parameters`,
    });
    expect(await inventory().stockOf(sku)).toBe(9);
  });

  it('refuses quantities below 1, which would add stock', async () => {
    const sku = newSku();
    await inventory().setStock(sku, 10);
    await expect(inventory().reserve({ idempotencyKey: newKey(), orderId: 'o-4', items: [{ sku, quantity: -5 }] })).rejects.toMatchObject({
      reason: 'invalid_request',
    });
    expect(await inventory().stockOf(sku)).toBe(10);
  });

  it('gives stock back once: a second release with another key, and a release of an unknown reservation, are no-ops', async () => {
    const a = newSku();
    const b = newSku();
    const orderId = randomUUID();
    await inventory().setStock(a, 10);
    await inventory().setStock(b, 10);
    const { reservationId } = await inventory().reserve({ idempotencyKey: newKey(), orderId, items: [{ sku: a, quantity: 3 }, { sku: b, quantity: 1 }, { sku: a, quantity: 1 }] });
    expect([await inventory().stockOf(a), await inventory().stockOf(b)]).toEqual([6, 9]);

    await inventory().release({ idempotencyKey: newKey(), orderId, reservationId });
    await inventory().release({ idempotencyKey: newKey(), orderId, reservationId });
    await inventory().release({ idempotencyKey: newKey(), orderId, reservationId: 'res-unknown' });

    expect([await inventory().stockOf(a), await inventory().stockOf(b)]).toEqual([10, 10]);
    const { rows } = await db.pool.query('select status from sim_reservations where reservation_id = $1', [reservationId]);
    expect(rows).toEqual([{ status: 'released' }]);
  });

  it('refuses to release a reservation on behalf of another order', async () => {
    const sku = newSku();
    await inventory().setStock(sku, 10);
    const { reservationId } = await inventory().reserve({ idempotencyKey: newKey(), orderId: 'mine', items: [{ sku, quantity: 2 }] });

    await expect(inventory().release({ idempotencyKey: newKey(), orderId: 'theirs', reservationId })).rejects.toMatchObject({
      reason: 'invalid_request',
      message: `reservation ${reservationId} belongs to order mine, not theirs`,
    });
    expect(await inventory().stockOf(sku)).toBe(8);
    await inventory().release({ idempotencyKey: newKey(), orderId: 'mine', reservationId });
    expect(await inventory().stockOf(sku)).toBe(10);
  });

  it('finds the reservation a key made, for a caller whose reply was lost, and nothing for a key that made none', async () => {
    const sku = newSku();
    await inventory().setStock(sku, 1);
    const made = newKey();
    const rejected = newKey();
    const { reservationId } = await inventory().reserve({ idempotencyKey: made, orderId: 'o-5', items: [{ sku, quantity: 1 }] });
    await expect(inventory().reserve({ idempotencyKey: rejected, orderId: 'o-6', items: [{ sku, quantity: 1 }] })).rejects.toThrow(BusinessRejection);

    expect(await inventory().findReservation(made)).toBe(reservationId);
    expect(await inventory().findReservation(rejected)).toBeUndefined();
    expect(await inventory().findReservation(newKey())).toBeUndefined();
  });
});
