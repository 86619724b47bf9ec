import type pg from 'pg';
import { requireCurrency, requirePositiveCents } from '../../src/adapters/amounts';
import { CallLedger, newId, type SimulationOptions } from '../../src/adapters/simulatedCalls';
import { BusinessRejection, type CallContext, type CallOptions, type Operation } from '../../src/adapters/types';

export type BookingKind = 'flight' | 'hotel' | 'car';

/** What each kind of booking asks for besides its trip, price and currency. */
export interface BookingDetails {
  flight: { from: string; to: string };
  hotel: { city: string; nights: number };
  car: { city: string; days: number };
}

export type ReserveCall<K extends BookingKind> = CallContext & { tripId: string; priceCents: number; currency: string } & BookingDetails[K];

/** The operations fault plans can name for this service. */
export const TRAVEL_OPERATIONS = ['reserveFlight', 'reserveHotel', 'reserveCar', 'cancelFlight', 'cancelHotel', 'cancelCar', 'chargeCard', 'refundCharge'] as const;

const OPERATIONS_OF: Record<BookingKind, { reserve: Operation; cancel: Operation; prefix: string }> = {
  flight: { reserve: 'reserveFlight', cancel: 'cancelFlight', prefix: 'flt' },
  hotel: { reserve: 'reserveHotel', cancel: 'cancelHotel', prefix: 'htl' },
  car: { reserve: 'reserveCar', cancel: 'cancelCar', prefix: 'car' },
};

/**
 * A travel agency's booking and card service on sim_travel_bookings and sim_travel_charges, through
 * the call ledger like every simulated service: one effect per idempotency key, fault plans read
 * by the call's key. A plan's `unavailable: ['reserveHotel']` makes that reservation find nothing
 * free (a business rejection); `declinePayment` declines the card.
 */
export class SimulatedTravel {
  private readonly calls: CallLedger;

  constructor(pool: pg.Pool, options: SimulationOptions = {}) {
    this.calls = new CallLedger(pool, options);
  }

  reserveFlight(call: ReserveCall<'flight'>, options?: CallOptions): Promise<{ bookingId: string }> {
    return this.reserve('flight', call, { from: call.from, to: call.to }, options);
  }

  reserveHotel(call: ReserveCall<'hotel'>, options?: CallOptions): Promise<{ bookingId: string }> {
    return this.reserve('hotel', call, { city: call.city, nights: call.nights }, options);
  }

  reserveCar(call: ReserveCall<'car'>, options?: CallOptions): Promise<{ bookingId: string }> {
    return this.reserve('car', call, { city: call.city, days: call.days }, options);
  }

  /** Cancels a booking; a no-op when it does not exist or is already cancelled. */
  async cancel(kind: BookingKind, call: CallContext & { bookingId: string }, options?: CallOptions): Promise<void> {
    const { bookingId } = call;
    await this.calls.run(
      OPERATIONS_OF[kind].cancel,
      call,
      { bookingId },
      async (client) => {
        await client.query(`update sim_travel_bookings set status = 'cancelled', cancelled_at = now() where booking_id = $1 and kind = $2 and status = 'reserved'`, [
          bookingId,
          kind,
        ]);
      },
      options,
    );
  }

  /** The booking the reserve call with this key made, if it succeeded: for a cancellation whose reservation's reply was lost. */
  async findBooking(kind: BookingKind, idempotencyKey: string): Promise<string | undefined> {
    const call = await this.calls.succeeded(OPERATIONS_OF[kind].reserve, idempotencyKey);
    return (call?.result as { bookingId: string } | undefined)?.bookingId;
  }

  /** Charges the card; throws BusinessRejection('payment_declined') when declined. */
  async chargeCard(call: CallContext & { tripId: string; customerId: string; amountCents: number; currency: string }, options?: CallOptions): Promise<{ chargeId: string }> {
    const { tripId, customerId, amountCents, currency } = call;
    requirePositiveCents('chargeCard', amountCents);
    requireCurrency('chargeCard', currency);
    return this.calls.run(
      'chargeCard',
      call,
      { tripId, customerId, amountCents, currency },
      async (client, plan) => {
        if (plan.declinePayment) throw new BusinessRejection('payment_declined', `the card of customer ${customerId} was declined for ${amountCents} ${currency} cents (simulated)`);
        const chargeId = newId('chg');
        await client.query(
          'insert into sim_travel_charges (charge_id, trip_id, customer_id, amount_cents, currency, idempotency_key) values ($1, $2, $3, $4, $5, $6)',
          [chargeId, tripId, customerId, amountCents, currency, call.idempotencyKey],
        );
        return { chargeId };
      },
      options,
    );
  }

  /** Gives a charge back in full; a no-op when it does not exist or was refunded before. */
  async refundCharge(call: CallContext & { chargeId: string }, options?: CallOptions): Promise<void> {
    const { chargeId } = call;
    await this.calls.run(
      'refundCharge',
      call,
      { chargeId },
      async (client) => {
        await client.query(`update sim_travel_charges set status = 'refunded', refunded_at = now() where charge_id = $1 and status = 'charged'`, [chargeId]);
      },
      options,
    );
  }

  /** The charge the charge call with this key made, if it succeeded. */
  async findCharge(idempotencyKey: string): Promise<string | undefined> {
    const call = await this.calls.succeeded('chargeCard', idempotencyKey);
    return (call?.result as { chargeId: string } | undefined)?.chargeId;
  }

  private async reserve<K extends BookingKind>(kind: K, call: ReserveCall<K>, details: BookingDetails[K], options?: CallOptions): Promise<{ bookingId: string }> {
    const { tripId, priceCents, currency } = call;
    requireCurrency(OPERATIONS_OF[kind].reserve, currency);
    if (!Number.isSafeInteger(priceCents) || priceCents < 0) throw new BusinessRejection('invalid_request', `${OPERATIONS_OF[kind].reserve}: priceCents must be a whole number of cents, got ${priceCents}`);
    const operation = OPERATIONS_OF[kind].reserve;
    return this.calls.run(
      operation,
      call,
      { tripId, ...details, priceCents, currency },
      async (client, plan) => {
        if (plan.unavailable?.includes(operation)) throw new BusinessRejection('unavailable', `no ${kind} available for trip ${tripId} (simulated)`);
        const bookingId = newId(OPERATIONS_OF[kind].prefix);
        await client.query(
          'insert into sim_travel_bookings (booking_id, kind, trip_id, details, price_cents, currency, idempotency_key) values ($1, $2, $3, $4::jsonb, $5, $6, $7)',
          [bookingId, kind, tripId, JSON.stringify(details), priceCents, currency, call.idempotencyKey],
        );
        return { bookingId };
      },
      options,
    );
  }
}
