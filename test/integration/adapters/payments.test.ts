import { randomUUID } from 'node:crypto';
import { BusinessRejection, createSimulatedServices } from '../../../src/adapters';
import { simulatedFaults } from '../../support/faults';
import { useTestDatabase } from '../../support/database';
import { raceOneKey } from './raceOneKey';

describe('simulated payments', () => {
  const db = useTestDatabase();
  const payments = () => createSimulatedServices(db.pool).payments;
  const newKey = () => `key-${randomUUID()}`;

  const authorize = (amountCents = 5000, key = newKey()) =>
    payments().authorize({ idempotencyKey: key, orderId: randomUUID(), customerId: 'cust-1', amountCents, currency: 'USD' });

  async function paymentRow(paymentId: string) {
    const { rows } = await db.pool.query<{ status: string; authorized_cents: string; captured_cents: string; refunded_cents: string }>(
      'select status, authorized_cents, captured_cents, refunded_cents from sim_payments where payment_id = $1',
      [paymentId],
    );
    const row = rows[0];
    return row && { status: row.status, authorized: Number(row.authorized_cents), captured: Number(row.captured_cents), refunded: Number(row.refunded_cents) };
  }

  async function operations(paymentId: string): Promise<string[]> {
    const { rows } = await db.pool.query<{ operation: string; amount_cents: string }>(
      'select operation, amount_cents from sim_payment_operations where payment_id = $1 order by created_at, operation',
      [paymentId],
    );
    return rows.map((r) => `${r.operation} ${r.amount_cents}`);
  }

  it('authorizes with a readable payment id', async () => {
    const { paymentId } = await authorize(5000);
    expect(paymentId).toMatch(/^pay-[0-9a-f]{16}$/);
    expect(await paymentRow(paymentId)).toEqual({ status: 'authorized', authorized: 5000, captured: 0, refunded: 0 });
  });

  it('answers repeated and concurrent authorizations with one key with the first payment, and holds the money once', async () => {
    const idempotencyKey = newKey();
    const orderId = randomUUID();
    const call = { idempotencyKey, orderId, customerId: 'cust-1', amountCents: 700, currency: 'EUR' };

    const first = await payments().authorize(call);
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => payments().authorize(call)));

    expect(concurrent).toEqual(Array.from({ length: 10 }, () => first));
    const { rows } = await db.pool.query('select authorized_cents from sim_payments where order_id = $1', [orderId]);
    expect(rows).toEqual([{ authorized_cents: '700' }]);
    expect(await operations(first.paymentId)).toEqual(['authorize 700']);
  });

  it('lets concurrent first calls with one key create one payment', async () => {
    const orderId = randomUUID();
    const call = { idempotencyKey: newKey(), orderId, customerId: 'cust-1', amountCents: 900, currency: 'USD' };

    const results = await raceOneKey(db, 'authorizePayment', call.idempotencyKey, () => Array.from({ length: 10 }, () => payments().authorize(call)));

    expect(new Set(results.map((r) => r.paymentId)).size).toBe(1);
    const { rows } = await db.pool.query('select payment_id from sim_payments where order_id = $1', [orderId]);
    expect(rows).toHaveLength(1);
  });

  it('declines when the fault plan says so, creating no payment, and replays the decline', async () => {
    const orderId = randomUUID();
    const call = { idempotencyKey: newKey(), orderId, customerId: 'cust-9', amountCents: 100, currency: 'USD' };
    await simulatedFaults(db.pool).plan(call.idempotencyKey, { declinePayment: true });

    const attempt = payments().authorize(call);

    await expect(attempt).rejects.toThrow(BusinessRejection);
    await expect(attempt).rejects.toMatchObject({ reason: 'payment_declined', message: 'the card of customer cust-9 was declined for 100 USD cents (simulated)' });
    await expect(payments().authorize(call)).rejects.toMatchObject({ reason: 'payment_declined' });
    const { rows } = await db.pool.query('select 1 from sim_payments where order_id = $1', [orderId]);
    expect(rows).toHaveLength(0);
  });

  it('voids an authorization once; voiding it again or an unknown payment is a no-op', async () => {
    const { paymentId } = await authorize(300);

    await payments().void({ idempotencyKey: newKey(), paymentId });
    await payments().void({ idempotencyKey: newKey(), paymentId });
    await payments().void({ idempotencyKey: newKey(), paymentId: 'pay-unknown' });

    expect(await paymentRow(paymentId)).toMatchObject({ status: 'voided' });
    expect(await operations(paymentId)).toEqual(['authorize 300', 'void 300']);
  });

  it('refuses to void a captured payment and to capture a voided one', async () => {
    const captured = (await authorize(300)).paymentId;
    await payments().capture({ idempotencyKey: newKey(), paymentId: captured, amountCents: 300 });
    const voided = (await authorize(300)).paymentId;
    await payments().void({ idempotencyKey: newKey(), paymentId: voided });

    await expect(payments().void({ idempotencyKey: newKey(), paymentId: captured })).rejects.toMatchObject({
      reason: 'invalid_request',
      message: `payment ${captured} is captured: only an uncaptured authorization can be voided; refund it instead`,
    });
    await expect(payments().capture({ idempotencyKey: newKey(), paymentId: voided, amountCents: 300 })).rejects.toMatchObject({
      reason: 'invalid_request',
      message: `payment ${voided} is voided: only an authorized payment can be captured`,
    });
    expect(await paymentRow(captured)).toMatchObject({ status: 'captured', captured: 300 });
    expect(await paymentRow(voided)).toMatchObject({ status: 'voided', captured: 0 });
  });

  it('captures at most the authorized amount, once per key', async () => {
    const { paymentId } = await authorize(1000);

    await expect(payments().capture({ idempotencyKey: newKey(), paymentId, amountCents: 1001 })).rejects.toMatchObject({
      reason: 'invalid_request',
      message: `cannot capture 1001 cents of payment ${paymentId}: only 1000 are authorized`,
    });
    expect(await paymentRow(paymentId)).toMatchObject({ status: 'authorized', captured: 0 });

    const capture = { idempotencyKey: newKey(), paymentId, amountCents: 800 };
    await raceOneKey(db, 'capturePayment', capture.idempotencyKey, () => [payments().capture(capture), payments().capture(capture), payments().capture(capture)]);

    expect(await paymentRow(paymentId)).toMatchObject({ status: 'captured', captured: 800 });
    expect(await operations(paymentId)).toEqual(['authorize 1000', 'capture 800']);
    await expect(payments().capture({ idempotencyKey: newKey(), paymentId: 'pay-unknown', amountCents: 1 })).rejects.toMatchObject({
      reason: 'invalid_request',
      message: 'capture: payment pay-unknown does not exist',
    });
  });

  it('refunds at most what was captured and not yet refunded, once per key', async () => {
    const { paymentId } = await authorize(1000);
    await expect(payments().refund({ idempotencyKey: newKey(), paymentId, amountCents: 1 })).rejects.toMatchObject({
      reason: 'invalid_request',
      message: `payment ${paymentId} is authorized: only captured money can be refunded`,
    });
    await payments().capture({ idempotencyKey: newKey(), paymentId, amountCents: 1000 });

    const refund = { idempotencyKey: newKey(), paymentId, amountCents: 600 };
    await payments().refund(refund);
    await payments().refund(refund);
    expect(await paymentRow(paymentId)).toMatchObject({ status: 'captured', refunded: 600 });

    await expect(payments().refund({ idempotencyKey: newKey(), paymentId, amountCents: 401 })).rejects.toMatchObject({
      reason: 'invalid_request',
      message: `cannot refund 401 cents of payment ${paymentId}: 400 of the 1000 captured cents are left to refund`,
    });
    await payments().refund({ idempotencyKey: newKey(), paymentId, amountCents: 400 });

    expect(await paymentRow(paymentId)).toMatchObject({ status: 'refunded', captured: 1000, refunded: 1000 });
    expect(await operations(paymentId)).toEqual(['authorize 1000', 'capture 1000', 'refund 600', 'refund 400']);
  });

  it('never refunds more than was captured when refunds with different keys race', async () => {
    const { paymentId } = await authorize(100);
    await payments().capture({ idempotencyKey: newKey(), paymentId, amountCents: 100 });

    const results = await Promise.allSettled(Array.from({ length: 5 }, () => payments().refund({ idempotencyKey: newKey(), paymentId, amountCents: 40 })));

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    for (const result of results.filter((r) => r.status === 'rejected')) expect(result.reason).toMatchObject({ reason: 'invalid_request' });
    expect(await paymentRow(paymentId)).toMatchObject({ refunded: 80 });
  });

  it('finds the payment and the capture a key made, and nothing for keys that made none', async () => {
    const authorizeKey = newKey();
    const captureKey = newKey();
    const refusedCaptureKey = newKey();
    const { paymentId } = await authorize(500, authorizeKey);
    await expect(payments().capture({ idempotencyKey: refusedCaptureKey, paymentId, amountCents: 501 })).rejects.toThrow(BusinessRejection);
    await payments().capture({ idempotencyKey: captureKey, paymentId, amountCents: 500 });

    expect(await payments().findPayment(authorizeKey)).toBe(paymentId);
    expect(await payments().findPayment(newKey())).toBeUndefined();
    expect(await payments().findCapture(captureKey)).toBe(true);
    expect(await payments().findCapture(refusedCaptureKey)).toBe(false);
    expect(await payments().findCapture(newKey())).toBe(false);
  });
});
