import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createSimulatedServices, ServiceUnavailableError, type FaultPlan } from '../../../src/adapters';
import { simulatedFaults } from '../../support/faults';
import { useTestDatabase } from '../../support/database';

describe('fault injection in the simulated services', () => {
  const db = useTestDatabase();
  const newKey = () => `key-${randomUUID()}`;
  const newSku = () => `sku-${randomUUID()}`;

  /** A reserve call of one unit of a sku stocked with 10, so any effect shows in the stock, under a plan stored for its key. */
  async function reserveCall(plan: FaultPlan) {
    const sku = newSku();
    const { inventory } = createSimulatedServices(db.pool);
    const faults = simulatedFaults(db.pool);
    await inventory.setStock(sku, 10);
    const call = { idempotencyKey: newKey(), orderId: randomUUID(), items: [{ sku, quantity: 1 }] };
    await faults.plan(call.idempotencyKey, plan);
    return { sku, call };
  }

  async function effects(sku: string, orderId: string) {
    const { rows } = await db.pool.query<{ available: number; reservations: string }>(
      'select available, (select count(*) from sim_reservations where order_id = $2) as reservations from sim_stock where sku = $1',
      [sku, orderId],
    );
    return { available: rows[0]!.available, reservations: Number(rows[0]!.reservations) };
  }

  async function attempts(operation: string, idempotencyKey: string): Promise<number | undefined> {
    const { rows } = await db.pool.query<{ attempts: number }>('select attempts from sim_calls where operation = $1 and idempotency_key = $2', [
      operation,
      idempotencyKey,
    ]);
    return rows[0]?.attempts;
  }

  it('fails the first N attempts with a key as a retryable outage, without effect, then succeeds', async () => {
    const { sku, call } = await reserveCall({ fail: { reserveInventory: 2 } });
    const { inventory } = createSimulatedServices(db.pool);

    for (const attempt of [1, 2]) {
      await expect(inventory.reserve(call)).rejects.toThrow(
        new ServiceUnavailableError(`simulated outage: reserveInventory attempt ${attempt} with key ${call.idempotencyKey}`),
      );
      expect(await effects(sku, call.orderId)).toEqual({ available: 10, reservations: 0 });
    }
    const { reservationId } = await inventory.reserve(call);

    expect(reservationId).toMatch(/^res-/);
    expect(await effects(sku, call.orderId)).toEqual({ available: 9, reservations: 1 });
    expect(await inventory.reserve(call)).toEqual({ reservationId });
    expect(await attempts('reserveInventory', call.idempotencyKey)).toBe(4);
  });

  it('counts attempts in the database, so a restarted worker goes on where the last one stopped', async () => {
    const { sku, call } = await reserveCall({ fail: { reserveInventory: 3 } });
    const before = createSimulatedServices(db.pool);
    await expect(before.inventory.reserve(call)).rejects.toThrow(ServiceUnavailableError);
    await expect(before.inventory.reserve(call)).rejects.toThrow(ServiceUnavailableError);

    const restartedPool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const after = createSimulatedServices(restartedPool);
      await expect(after.inventory.reserve(call)).rejects.toThrow(ServiceUnavailableError);
      await after.inventory.reserve(call);
    } finally {
      await restartedPool.end();
    }
    expect(await effects(sku, call.orderId)).toEqual({ available: 9, reservations: 1 });
  });

  it('counts per idempotency key and operation: a new key under the same plan starts its own count, an operation the plan omits never fails', async () => {
    const { sku, call: first } = await reserveCall({});
    const { inventory, payments } = createSimulatedServices(db.pool);
    const faults = simulatedFaults(db.pool);
    const prefix = `run-${randomUUID()}:`;
    await faults.plan(prefix, { fail: { reserveInventory: 1 } });
    const call = { ...first, idempotencyKey: `${prefix}reserve-1` };
    await expect(inventory.reserve(call)).rejects.toThrow(ServiceUnavailableError);

    await expect(inventory.reserve({ ...call, idempotencyKey: `${prefix}reserve-2` })).rejects.toThrow(ServiceUnavailableError);
    await expect(payments.authorize({ idempotencyKey: call.idempotencyKey, orderId: call.orderId, customerId: 'c', amountCents: 1, currency: 'USD' })).resolves.toEqual({
      paymentId: expect.stringMatching(/^pay-/),
    });
    await inventory.reserve(call);
    expect(await effects(sku, call.orderId)).toEqual({ available: 9, reservations: 1 });
  });

  it("fails every attempt when the plan says 'always', without effect", async () => {
    const { sku, call } = await reserveCall({ fail: { reserveInventory: 'always' } });
    const { inventory } = createSimulatedServices(db.pool);

    for (let i = 0; i < 5; i++) await expect(inventory.reserve(call)).rejects.toThrow(ServiceUnavailableError);

    expect(await effects(sku, call.orderId)).toEqual({ available: 10, reservations: 0 });
    expect(await attempts('reserveInventory', call.idempotencyKey)).toBe(5);
  });

  it('fails compensations too: a release that fails twice gives the stock back once, on its third attempt', async () => {
    const { sku, call } = await reserveCall({});
    const { inventory } = createSimulatedServices(db.pool);
    const faults = simulatedFaults(db.pool);
    const { reservationId } = await inventory.reserve(call);
    const release = { idempotencyKey: newKey(), orderId: call.orderId, reservationId };
    await faults.plan(release.idempotencyKey, { fail: { releaseInventory: 2 } });

    await expect(inventory.release(release)).rejects.toThrow(ServiceUnavailableError);
    await expect(inventory.release(release)).rejects.toThrow(ServiceUnavailableError);
    expect((await effects(sku, call.orderId)).available).toBe(9);
    await inventory.release(release);

    expect((await effects(sku, call.orderId)).available).toBe(10);
  });

  it('hangs the first attempt for the configured time, then gives up without effect; the next attempt behaves', async () => {
    const { sku, call } = await reserveCall({ hang: ['reserveInventory'] });
    const { inventory } = createSimulatedServices(db.pool, { hangMs: 300 });

    const started = Date.now();
    await expect(inventory.reserve(call)).rejects.toThrow(
      new ServiceUnavailableError(`simulated hang: reserveInventory with key ${call.idempotencyKey} gave no answer for 300 ms`),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await effects(sku, call.orderId)).toEqual({ available: 10, reservations: 0 });

    await inventory.reserve(call);
    expect(await effects(sku, call.orderId)).toEqual({ available: 9, reservations: 1 });
  });

  it('lets the retry succeed while the first attempt still hangs, and stops the hang without effect when its signal aborts', async () => {
    const { sku, call } = await reserveCall({ hang: ['reserveInventory'] });
    const { inventory } = createSimulatedServices(db.pool); // the default hang: five minutes
    const controller = new AbortController();

    const hanging = inventory.reserve(call, { signal: controller.signal });
    const settled = jest.fn();
    hanging.then(settled, settled);
    // Wait until the hanging attempt has counted itself, so the next call is the second attempt.
    while ((await attempts('reserveInventory', call.idempotencyKey)) !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const { reservationId } = await inventory.reserve(call);
    expect(settled).not.toHaveBeenCalled();

    const started = Date.now();
    controller.abort();
    await expect(hanging).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await effects(sku, call.orderId)).toEqual({ available: 9, reservations: 1 });
    expect(await inventory.reserve(call)).toEqual({ reservationId });
  });

  it('returns at once, without effect, when the signal was aborted before the hang began', async () => {
    const { sku, call } = await reserveCall({ hang: ['reserveInventory'] });
    const { inventory } = createSimulatedServices(db.pool);

    await expect(inventory.reserve(call, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });

    expect(await effects(sku, call.orderId)).toEqual({ available: 10, reservations: 0 });
    await inventory.reserve(call);
    expect(await effects(sku, call.orderId)).toEqual({ available: 9, reservations: 1 });
  });
});
