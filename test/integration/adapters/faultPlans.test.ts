import { randomUUID } from 'node:crypto';
import { BusinessRejection, createSimulatedServices, InvalidFaultPlanError, ServiceUnavailableError, type FaultPlan } from '../../../src/adapters';
import { simulatedFaults } from '../../support/faults';
import { useTestDatabase } from '../../support/database';

describe('fault plans stored with the simulated services', () => {
  const db = useTestDatabase();
  const services = () => createSimulatedServices(db.pool);
  /** A workflow id of its own per test, as sagas key their calls `<workflow id>:<step>`. */
  const newRun = () => `order-${randomUUID()}`;

  // The same parameters for every attempt with a key, as a retry sends them.
  const reserve = (idempotencyKey: string) =>
    services().inventory.reserve({ idempotencyKey, orderId: idempotencyKey, items: [{ sku: `sku-${idempotencyKey}`, quantity: 1 }] });
  const authorize = (idempotencyKey: string) =>
    services().payments.authorize({ idempotencyKey, orderId: idempotencyKey, customerId: 'cust-1', amountCents: 100, currency: 'USD' });

  async function storedPlans(): Promise<Array<{ key_prefix: string; plan: FaultPlan }>> {
    const { rows } = await db.pool.query<{ key_prefix: string; plan: FaultPlan }>('select key_prefix, plan from sim_fault_plans order by key_prefix');
    return rows;
  }

  it('applies the plan of the longest matching prefix, and only that one', async () => {
    const run = newRun();
    const faults = simulatedFaults(db.pool);
    await faults.plan(`${run}:`, { fail: { reserveInventory: 'always' }, declinePayment: true });
    await faults.plan(`${run}:retry:`, { fail: { reserveInventory: 1 } });
    await faults.plan(`${run}:retry:reserveInventory-2`, {});

    await expect(reserve(`${run}:reserveInventory`)).rejects.toThrow(ServiceUnavailableError);
    await expect(reserve(`${run}:reserveInventory`)).rejects.toThrow(ServiceUnavailableError);
    await expect(reserve(`${run}:retry:reserveInventory`)).rejects.toThrow(ServiceUnavailableError);
    await expect(reserve(`${run}:retry:reserveInventory`)).resolves.toEqual({ reservationId: expect.stringMatching(/^res-/) });
    await expect(reserve(`${run}:retry:reserveInventory-2`)).resolves.toEqual({ reservationId: expect.stringMatching(/^res-/) });
    // The longer plan replaces the shorter one whole: its silence on declinePayment is no decline.
    await expect(authorize(`${run}:authorizePayment`)).rejects.toMatchObject({ reason: 'payment_declined' });
    await expect(authorize(`${run}:retry:authorizePayment`)).resolves.toEqual({ paymentId: expect.stringMatching(/^pay-/) });

    expect(await faults.planFor(`${run}:retry:x`)).toEqual({ fail: { reserveInventory: 1 } });
    expect(await faults.planFor(`${run}:retry:reserveInventory-2`)).toEqual({});
    expect(await faults.planFor(`${run}:x`)).toEqual({ fail: { reserveInventory: 'always' }, declinePayment: true });
  });

  it("leaves other sagas' calls alone, even one whose workflow id begins with this one's", async () => {
    const run = newRun();
    const other = `${run}2`;
    const faults = simulatedFaults(db.pool);
    await faults.plan(`${run}:`, { declinePayment: true, flagFraud: true });
    await faults.plan(`${other}:`, { fail: { reserveInventory: 1 } });

    await expect(authorize(`${run}:authorizePayment`)).rejects.toThrow(BusinessRejection);
    await expect(authorize(`${other}:authorizePayment`)).resolves.toEqual({ paymentId: expect.stringMatching(/^pay-/) });
    await expect(authorize(`${newRun()}:authorizePayment`)).resolves.toEqual({ paymentId: expect.stringMatching(/^pay-/) });
    await expect(reserve(`${run}:reserveInventory`)).resolves.toEqual({ reservationId: expect.stringMatching(/^res-/) });
    await expect(reserve(`${other}:reserveInventory`)).rejects.toThrow(ServiceUnavailableError);

    const screen = (idempotencyKey: string) => services().fraud.screen({ idempotencyKey, orderId: idempotencyKey, customerId: 'cust-1', amountCents: 100 });
    expect(await screen(`${run}:screenOrder`)).toEqual({ score: 95, reasons: ['customer cust-1 is on the watch list'] });
    expect(await screen(`${other}:screenOrder`)).toEqual({ score: 5, reasons: [] });
    expect(await faults.planFor(`${other}:authorizePayment`)).toEqual({ fail: { reserveInventory: 1 } });
    // The workflow id alone is not a key of the run's calls: no plan.
    expect(await faults.planFor(run)).toBeUndefined();
  });

  it('reads the plan on every attempt: one stored, replaced or cleared between attempts applies from the next one', async () => {
    const run = newRun();
    const key = `${run}:reserveInventory`;
    const faults = simulatedFaults(db.pool);

    await faults.plan(`${run}:`, { fail: { reserveInventory: 'always' } });
    await expect(reserve(key)).rejects.toThrow(ServiceUnavailableError);
    await expect(reserve(key)).rejects.toThrow(ServiceUnavailableError);
    // Attempts already made count against the new plan's number.
    await faults.plan(`${run}:`, { fail: { reserveInventory: 3 } });
    await expect(reserve(key)).rejects.toThrow('simulated outage: reserveInventory attempt 3');
    await expect(reserve(key)).resolves.toEqual({ reservationId: expect.stringMatching(/^res-/) });

    const cleared = `${run}:releaseInventory`;
    await faults.plan(cleared, { fail: { releaseInventory: 'always' } });
    const release = () => services().inventory.release({ idempotencyKey: cleared, orderId: run, reservationId: 'res-unknown' });
    await expect(release()).rejects.toThrow(ServiceUnavailableError);
    await faults.clear(cleared);
    await expect(release()).resolves.toBeUndefined();

    const late = `${run}:authorizePayment`;
    await faults.plan(late, { declinePayment: true });
    await expect(authorize(late)).rejects.toMatchObject({ reason: 'payment_declined' });
    // A plan stored after the key's outcome is recorded changes nothing: the outcome is replayed.
    await faults.plan(late, {});
    await expect(authorize(late)).rejects.toMatchObject({ reason: 'payment_declined' });
  });

  it('refuses a bad plan naming the field and the rule, and stores nothing, not even over the plan it would replace', async () => {
    const run = newRun();
    const faults = simulatedFaults(db.pool);
    await faults.plan(`${run}:`, { hang: ['createShipment'] });
    const before = await storedPlans();

    const refusal = async (keyPrefix: string, plan: unknown) => {
      const error = await faults.plan(keyPrefix, plan as FaultPlan).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(InvalidFaultPlanError);
      return (error as InvalidFaultPlanError).issues;
    };

    expect(await refusal('', {})).toEqual([{ field: 'keyPrefix', rule: 'must be a non-empty string' }]);
    expect(await refusal(`${run}:`, { fail: { reserveInventory: 0, captureFunds: 1, voidPayment: 1.5, refundPayment: 'never', cancelShipment: 'always' } })).toEqual([
      { field: 'fail.reserveInventory', rule: "must be a whole number of at least 1 or 'always', got 0" },
      { field: 'fail.captureFunds', rule: expect.stringMatching(/^is not an operation: the keys must be one of reserveInventory, .*, refundWithdrawal(, \w+)*$/) },
      { field: 'fail.voidPayment', rule: "must be a whole number of at least 1 or 'always', got 1.5" },
      { field: 'fail.refundPayment', rule: `must be a whole number of at least 1 or 'always', got "never"` },
    ]);
    expect(await refusal(`${run}:`, { hang: ['createShipment', 'shipIt'], unavailable: ['reserveBoat'], crashWorkerAfter: 'payment', declinePayments: true, flagFraud: 'yes' })).toEqual([
      { field: 'declinePayments', rule: expect.stringMatching(/^is not a fault plan field/) },
      { field: 'hang.1', rule: expect.stringMatching(/^must be one of .*, got "shipIt"$/) },
      { field: 'unavailable.0', rule: expect.stringMatching(/^must be one of .*, got "reserveBoat"$/) },
      { field: 'flagFraud', rule: 'must be true or false' },
      { field: 'crashWorkerAfter', rule: expect.stringMatching(/^must be one of .*, got "payment"$/) },
    ]);
    expect(await refusal(`${run}:`, null)).toEqual([{ field: 'plan', rule: 'must be an object' }]);
    await expect(faults.plan(`${run}:`, { fail: { reserveInventory: -1 } })).rejects.toThrow(
      `fault plan for key prefix "${run}:" is invalid: fail.reserveInventory: must be a whole number of at least 1 or 'always', got -1`,
    );

    expect(await storedPlans()).toEqual(before);
    expect(await faults.planFor(`${run}:createShipment`)).toEqual({ hang: ['createShipment'] });
  });

  it('keeps crashWorkerAfter for the worker to read through planFor, and forgets the plan once cleared', async () => {
    const run = newRun();
    const faults = simulatedFaults(db.pool);
    const plan: FaultPlan = { crashWorkerAfter: 'authorizePayment', fail: { capturePayment: 2 } };
    await faults.plan(`${run}:`, plan);

    expect(await faults.planFor(`${run}:authorizePayment`)).toEqual(plan);
    // The services themselves do nothing with it.
    await expect(authorize(`${run}:authorizePayment`)).resolves.toEqual({ paymentId: expect.stringMatching(/^pay-/) });

    await faults.clear(`${run}:`);
    expect(await faults.planFor(`${run}:authorizePayment`)).toBeUndefined();
    await faults.clear(`${run}:`);
  });
});
