import type pg from 'pg';
import { requireCurrency, requirePositiveCents } from './amounts';
import { CallLedger, newId, type SimulationOptions } from './simulatedCalls';
import { BusinessRejection, type CallContext, type CallOptions, type PaymentService } from './types';

type PaymentStatus = 'authorized' | 'voided' | 'captured' | 'refunded';

interface Payment {
  status: PaymentStatus;
  authorized: number;
  captured: number;
  refunded: number;
}

/** The operations fault plans can name for this service. */
export const PAYMENT_OPERATIONS = ['authorizePayment', 'voidPayment', 'capturePayment', 'refundPayment'] as const;

/** Card payments on sim_payments; every change is also a row of sim_payment_operations under its key. */
export class SimulatedPayments implements PaymentService {
  private readonly calls: CallLedger;

  constructor(pool: pg.Pool, options: SimulationOptions = {}) {
    this.calls = new CallLedger(pool, options);
  }

  async authorize(
    call: CallContext & { orderId: string; customerId: string; amountCents: number; currency: string },
    options?: CallOptions,
  ): Promise<{ paymentId: string }> {
    const { orderId, customerId, amountCents, currency } = call;
    requirePositiveCents('authorize', amountCents);
    requireCurrency('authorize', currency);
    return this.calls.run(
      'authorizePayment',
      call,
      { orderId, customerId, amountCents, currency },
      async (client, plan) => {
        if (plan.declinePayment) {
          throw new BusinessRejection('payment_declined', `the card of customer ${customerId} was declined for ${amountCents} ${currency} cents (simulated)`);
        }
        const paymentId = newId('pay');
        await client.query(
          'insert into sim_payments (payment_id, order_id, customer_id, currency, authorized_cents) values ($1, $2, $3, $4, $5)',
          [paymentId, orderId, customerId, currency, amountCents],
        );
        await recordOperation(client, 'authorize', call.idempotencyKey, paymentId, amountCents);
        return { paymentId };
      },
      options,
    );
  }

  /** The payment the authorize call with this key made, if it succeeded (see CallLedger.succeeded). */
  async findPayment(idempotencyKey: string): Promise<string | undefined> {
    const call = await this.calls.succeeded('authorizePayment', idempotencyKey);
    return (call?.result as { paymentId: string } | undefined)?.paymentId;
  }

  /** Whether the capture call with this key took the money. */
  async findCapture(idempotencyKey: string): Promise<boolean> {
    return (await this.calls.succeeded('capturePayment', idempotencyKey)) !== undefined;
  }

  async void(call: CallContext & { paymentId: string }, options?: CallOptions): Promise<void> {
    const { paymentId } = call;
    await this.calls.run(
      'voidPayment',
      call,
      { paymentId },
      async (client) => {
        const payment = await lockPayment(client, paymentId);
        if (!payment || payment.status === 'voided') return;
        if (payment.status !== 'authorized') {
          throw new BusinessRejection('invalid_request', `payment ${paymentId} is ${payment.status}: only an uncaptured authorization can be voided; refund it instead`);
        }
        await client.query(`update sim_payments set status = 'voided' where payment_id = $1`, [paymentId]);
        await recordOperation(client, 'void', call.idempotencyKey, paymentId, payment.authorized);
      },
      options,
    );
  }

  async capture(call: CallContext & { paymentId: string; amountCents: number }, options?: CallOptions): Promise<void> {
    const { paymentId, amountCents } = call;
    requirePositiveCents('capture', amountCents);
    await this.calls.run(
      'capturePayment',
      call,
      { paymentId, amountCents },
      async (client) => {
        const payment = await requirePayment(client, 'capture', paymentId);
        if (payment.status !== 'authorized') {
          throw new BusinessRejection('invalid_request', `payment ${paymentId} is ${payment.status}: only an authorized payment can be captured`);
        }
        if (amountCents > payment.authorized) {
          throw new BusinessRejection('invalid_request', `cannot capture ${amountCents} cents of payment ${paymentId}: only ${payment.authorized} are authorized`);
        }
        await client.query(`update sim_payments set status = 'captured', captured_cents = $2 where payment_id = $1`, [paymentId, amountCents]);
        await recordOperation(client, 'capture', call.idempotencyKey, paymentId, amountCents);
      },
      options,
    );
  }

  async refund(call: CallContext & { paymentId: string; amountCents: number }, options?: CallOptions): Promise<void> {
    const { paymentId, amountCents } = call;
    requirePositiveCents('refund', amountCents);
    await this.calls.run(
      'refundPayment',
      call,
      { paymentId, amountCents },
      async (client) => {
        const payment = await requirePayment(client, 'refund', paymentId);
        if (payment.status !== 'captured' && payment.status !== 'refunded') {
          throw new BusinessRejection('invalid_request', `payment ${paymentId} is ${payment.status}: only captured money can be refunded`);
        }
        const refundable = payment.captured - payment.refunded;
        if (amountCents > refundable) {
          throw new BusinessRejection(
            'invalid_request',
            `cannot refund ${amountCents} cents of payment ${paymentId}: ${refundable} of the ${payment.captured} captured cents are left to refund`,
          );
        }
        await client.query(
          `update sim_payments set refunded_cents = refunded_cents + $2,
                  status = case when refunded_cents + $2 = captured_cents then 'refunded' else 'captured' end
            where payment_id = $1`,
          [paymentId, amountCents],
        );
        await recordOperation(client, 'refund', call.idempotencyKey, paymentId, amountCents);
      },
      options,
    );
  }
}

/** The payment, locked until the call commits, so calls with different keys on one payment take turns. */
async function lockPayment(client: pg.PoolClient, paymentId: string): Promise<Payment | undefined> {
  const { rows } = await client.query<{ status: PaymentStatus; authorized_cents: string; captured_cents: string; refunded_cents: string }>(
    'select status, authorized_cents, captured_cents, refunded_cents from sim_payments where payment_id = $1 for update',
    [paymentId],
  );
  const row = rows[0];
  return row && { status: row.status, authorized: Number(row.authorized_cents), captured: Number(row.captured_cents), refunded: Number(row.refunded_cents) };
}

async function requirePayment(client: pg.PoolClient, operation: string, paymentId: string): Promise<Payment> {
  const payment = await lockPayment(client, paymentId);
  if (!payment) throw new BusinessRejection('invalid_request', `${operation}: payment ${paymentId} does not exist`);
  return payment;
}

async function recordOperation(client: pg.PoolClient, operation: string, idempotencyKey: string, paymentId: string, amountCents: number): Promise<void> {
  await client.query('insert into sim_payment_operations (operation, idempotency_key, payment_id, amount_cents) values ($1, $2, $3, $4)', [
    operation,
    idempotencyKey,
    paymentId,
    amountCents,
  ]);
}
