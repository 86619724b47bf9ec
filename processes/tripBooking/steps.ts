import type pg from 'pg';
import { cancellable, done, nothingToUndo, rejected, type StepCall, type StepEvent, type UndoCall } from '../../api/worker';
import { BusinessRejection } from '../../src/adapters/types';
import type { TripEvent } from './contracts';
import { SimulatedTravel, type BookingKind } from './simulatedTravel';

export interface TripStepDeps {
  pool: pg.Pool;
  /** The travel service; by default the simulated one on the pool's database. */
  travel?: SimulatedTravel;
}

interface Priced {
  tripId: string;
  priceCents: number;
  currency: string;
}

function event<T extends TripEvent['type']>(type: T, data: Extract<TripEvent, { type: T }>['data']): StepEvent {
  return { type, data };
}

/** Nothing free for this booking: a business "no", recorded, with nothing booked and so nothing to cancel. */
async function orUnavailable<R>(kind: BookingKind, tripId: string, effect: () => Promise<R>) {
  try {
    return await effect();
  } catch (error) {
    if (!(error instanceof BusinessRejection) || error.reason !== 'unavailable') throw error;
    return rejected(`${kind} unavailable: ${error.message}`, event('BookingUnavailable', { tripId, kind, reason: error.message }));
  }
}

/**
 * The trip booking saga's steps: one travel-service call each, with the key the engine gives it,
 * returning what happened and the event that records it (see processes/orderFulfillment/steps.ts).
 * Cancellations look their reservation up by its key when the workflow never saw its reply.
 */
export function createTripSteps({ pool, travel = new SimulatedTravel(pool) }: TripStepDeps) {
  /** Cancels the booking of one kind: the one the workflow saw, or the one its reservation made under `actionKey`. */
  async function cancelBooking(kind: BookingKind, tripId: string, bookingId: string | undefined, { key, actionKey }: UndoCall) {
    const id = bookingId ?? (await travel.findBooking(kind, actionKey));
    if (!id) return undefined;
    await travel.cancel(kind, { idempotencyKey: key, bookingId: id }, cancellable());
    return { tripId, bookingId: id, reason: 'trip compensated' };
  }

  return {
    async reserveFlight({ tripId, from, to, priceCents, currency }: Priced & { from: string; to: string }, { key }: StepCall) {
      return orUnavailable('flight', tripId, async () => {
        const { bookingId } = await travel.reserveFlight({ idempotencyKey: key, tripId, from, to, priceCents, currency }, cancellable());
        return done({ bookingId }, event('FlightReserved', { tripId, bookingId, from, to, priceCents, currency }));
      });
    },

    async reserveHotel({ tripId, city, nights, priceCents, currency }: Priced & { city: string; nights: number }, { key }: StepCall) {
      return orUnavailable('hotel', tripId, async () => {
        const { bookingId } = await travel.reserveHotel({ idempotencyKey: key, tripId, city, nights, priceCents, currency }, cancellable());
        return done({ bookingId }, event('HotelReserved', { tripId, bookingId, city, nights, priceCents, currency }));
      });
    },

    async reserveCar({ tripId, city, days, priceCents, currency }: Priced & { city: string; days: number }, { key }: StepCall) {
      return orUnavailable('car', tripId, async () => {
        const { bookingId } = await travel.reserveCar({ idempotencyKey: key, tripId, city, days, priceCents, currency }, cancellable());
        return done({ bookingId }, event('CarReserved', { tripId, bookingId, city, days, priceCents, currency }));
      });
    },

    async cancelFlight({ tripId, bookingId }: { tripId: string; bookingId?: string }, call: UndoCall) {
      const cancelled = await cancelBooking('flight', tripId, bookingId, call);
      return cancelled ? done(undefined, event('FlightCancelled', cancelled)) : nothingToUndo();
    },

    async cancelHotel({ tripId, bookingId }: { tripId: string; bookingId?: string }, call: UndoCall) {
      const cancelled = await cancelBooking('hotel', tripId, bookingId, call);
      return cancelled ? done(undefined, event('HotelCancelled', cancelled)) : nothingToUndo();
    },

    async cancelCar({ tripId, bookingId }: { tripId: string; bookingId?: string }, call: UndoCall) {
      const cancelled = await cancelBooking('car', tripId, bookingId, call);
      return cancelled ? done(undefined, event('CarCancelled', cancelled)) : nothingToUndo();
    },

    async chargeCard({ tripId, customerId, amountCents, currency }: { tripId: string; customerId: string; amountCents: number; currency: string }, { key }: StepCall) {
      try {
        const { chargeId } = await travel.chargeCard({ idempotencyKey: key, tripId, customerId, amountCents, currency }, cancellable());
        return done({ chargeId }, event('CardCharged', { tripId, chargeId, customerId, amountCents, currency }));
      } catch (error) {
        if (!(error instanceof BusinessRejection)) throw error;
        return rejected(`card declined: ${error.message}`, event('CardDeclined', { tripId, customerId, reason: error.message }));
      }
    },

    /** Refunds the charge; without its id (the charge's reply was lost) it looks the charge up by the action's key. */
    async refundCharge({ tripId, amountCents, currency, chargeId }: { tripId: string; amountCents: number; currency: string; chargeId?: string }, { key, actionKey }: UndoCall) {
      const id = chargeId ?? (await travel.findCharge(actionKey));
      if (!id) return nothingToUndo();
      await travel.refundCharge({ idempotencyKey: key, chargeId: id }, cancellable());
      return done(undefined, event('ChargeRefunded', { tripId, chargeId: id, amountCents, currency, reason: 'trip compensated' }));
    },
  };
}

export type TripSteps = ReturnType<typeof createTripSteps>;
