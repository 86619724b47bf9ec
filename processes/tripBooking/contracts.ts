import { z } from 'zod';
import { defineEvent, type EventOf } from '../../api/eventstore';
import type { SagaEventTypes } from '../../api/workflow';
import {
  amountCents,
  businessKey,
  cents,
  compensationFailedFields,
  compensationResolvedFields,
  currency,
  eventRef as id,
  MAX_AMOUNT_CENTS,
  reason,
} from '../../api/eventstore';
import { tripTotalCents } from './openingEvent';

/** Hotel nights and rental-car days one trip may book. */
export const MAX_TRIP_DAYS = 60;

const days = z
  .number({ message: 'must be a number' })
  .min(1, { message: 'must be at least 1' })
  .max(MAX_TRIP_DAYS, { message: `must be at most ${MAX_TRIP_DAYS}` })
  .refine(Number.isInteger, { message: 'must be a whole number' });

/** An airport (`JFK`) or a place id: a business key, as it ends up in bookings and events. */
const place = businessKey;

const Flight = z
  .object({ from: place, to: place, priceCents: amountCents })
  .strict()
  .refine((flight) => flight.from !== flight.to, { path: ['to'], message: 'must differ from from', when: (payload) => z.object({ from: place, to: place }).safeParse(payload.value).success });
const Hotel = z.object({ city: place, nights: days, priceCents: amountCents }).strict();
const Car = z.object({ city: place, days, priceCents: amountCents }).strict();

const TripShape = z.object({ tripId: businessKey, customerId: businessKey, flight: Flight, hotel: Hotel, car: Car, currency }).strict();

/** What app code passes to start a trip booking saga. The card is charged the sum of the three prices. */
export const TripInputSchema = TripShape.refine((trip) => tripTotalCents(trip) > 0, { path: ['flight', 'priceCents'], message: 'the trip total must be more than 0', when: shapeValid }).refine(
  (trip) => tripTotalCents(trip) <= MAX_AMOUNT_CENTS,
  { path: ['flight', 'priceCents'], message: `the trip total must be at most ${MAX_AMOUNT_CENTS} cents`, when: shapeValid },
);

/** Only once every field is valid; otherwise their own issues say enough. */
function shapeValid(payload: { value: unknown }): boolean {
  return TripShape.safeParse(payload.value).success;
}

export type TripInput = z.infer<typeof TripInputSchema>;

const tripRef = { tripId: id };
/** The customer is the subject of a trip's personal data: forgetting them erases their id. */
const customer = { subject: 'customerId', fields: ['customerId'] };
const price = { priceCents: cents, currency };
const flight = { from: id, to: id };
const hotel = { city: id, nights: z.number().int().positive() };
const car = { city: id, days: z.number().int().positive() };

export const TripRequested = defineEvent(
  'TripRequested',
  1,
  z.object({
    ...tripRef,
    customerId: id,
    flight: z.object({ ...flight, priceCents: cents }),
    hotel: z.object({ ...hotel, priceCents: cents }),
    car: z.object({ ...car, priceCents: cents }),
    totalCents: cents,
    currency,
  }),
  { personal: customer, description: "A trip was asked for: a flight, a hotel and a car, each with its price, and the total the card is charged. Opens the trip's stream." },
);
export const FlightReserved = defineEvent('FlightReserved', 1, z.object({ ...tripRef, bookingId: id, ...flight, ...price }), {
  description: 'A flight was booked for the trip: the route and its price.',
});
export const HotelReserved = defineEvent('HotelReserved', 1, z.object({ ...tripRef, bookingId: id, ...hotel, ...price }), {
  description: 'A hotel was booked for the trip: the city, the nights and the price.',
});
export const CarReserved = defineEvent('CarReserved', 1, z.object({ ...tripRef, bookingId: id, ...car, ...price }), {
  description: 'A rental car was booked for the trip: the city, the days and the price.',
});
export const BookingUnavailable = defineEvent('BookingUnavailable', 1, z.object({ ...tripRef, kind: z.enum(['flight', 'hotel', 'car']), reason }), {
  description: 'A reservation found nothing free: nothing was booked, so nothing of it is cancelled.',
});
export const CardCharged = defineEvent('CardCharged', 1, z.object({ ...tripRef, chargeId: id, customerId: id, amountCents: cents, currency }), {
  personal: customer,
  description: "The customer's card was charged the trip's total.",
});
export const CardDeclined = defineEvent('CardDeclined', 1, z.object({ ...tripRef, customerId: id, reason }), {
  personal: customer,
  description: 'The card was declined: nothing was charged, and the bookings are cancelled.',
});
export const ChargeRefunded = defineEvent('ChargeRefunded', 1, z.object({ ...tripRef, chargeId: id, amountCents: cents, currency, reason }), {
  description: "The trip's charge was refunded: the compensation of CardCharged.",
});
export const FlightCancelled = defineEvent('FlightCancelled', 1, z.object({ ...tripRef, bookingId: id, reason }), {
  description: 'A flight booking was cancelled: the compensation of FlightReserved.',
});
export const HotelCancelled = defineEvent('HotelCancelled', 1, z.object({ ...tripRef, bookingId: id, reason }), {
  description: 'A hotel booking was cancelled: the compensation of HotelReserved.',
});
export const CarCancelled = defineEvent('CarCancelled', 1, z.object({ ...tripRef, bookingId: id, reason }), {
  description: 'A rental-car booking was cancelled: the compensation of CarReserved.',
});
/**
 * The trip's own types for its saga-level facts, from before the engine recorded SagaCompleted,
 * SagaFailed and the rest for every saga: kept so that stored trips stay readable.
 */
export const TRIP_LEGACY_SAGA_EVENTS = {
  completed: 'TripConfirmed',
  failed: 'TripFailed',
  compensationFailed: 'TripCompensationFailed',
  compensationResolved: 'TripCompensationResolved',
} as const satisfies SagaEventTypes;

export const TripConfirmed = defineEvent('TripConfirmed', 1, z.object({ ...tripRef }), {
  description: 'The trip saga finished every step. Recorded by runs started before SagaCompleted; still read.',
});
export const TripFailed = defineEvent('TripFailed', 1, z.object({ ...tripRef, reason, failedStep: id.optional() }), {
  description: 'The trip saga failed or was cancelled, and its compensations ran. Recorded by runs started before SagaFailed; still read.',
});
export const TripCompensationFailed = defineEvent('TripCompensationFailed', 1, z.object({ ...tripRef, ...compensationFailedFields }), {
  description: 'A compensation of the trip saga still failed after its retries: the run waits for an operator. Recorded by runs started before SagaCompensationFailed.',
});
export const TripCompensationResolved = defineEvent('TripCompensationResolved', 1, z.object({ ...tripRef, ...compensationResolvedFields }), {
  description: 'An operator resolved a failed compensation of the trip saga by hand. Recorded by runs started before SagaCompensationResolved.',
});

export const tripContracts = [
  TripRequested,
  FlightReserved,
  HotelReserved,
  CarReserved,
  BookingUnavailable,
  CardCharged,
  CardDeclined,
  ChargeRefunded,
  FlightCancelled,
  HotelCancelled,
  CarCancelled,
  TripConfirmed,
  TripFailed,
  TripCompensationFailed,
  TripCompensationResolved,
];

type Latest = (typeof tripContracts)[number];

/** The trip domain's events, as a discriminated union on `type`. */
export type TripEvent = EventOf<Latest>;
export type TripEventType = TripEvent['type'];
