// Workflow code imports this module: it must stay free of zod and of Node APIs (types only below).
import type { TripEvent, TripInput } from './contracts';

type TripRequestedData = Extract<TripEvent, { type: 'TripRequested' }>['data'];

/** What the card is charged: the three prices, in cents. Spelled over the prices only, as the input's own schema checks its total with it. */
export function tripTotalCents({ flight, hotel, car }: { flight: { priceCents: number }; hotel: { priceCents: number }; car: { priceCents: number } }): number {
  return flight.priceCents + hotel.priceCents + car.priceCents;
}

/** The payload of TripRequested, the event that opens a trip's stream. */
export function tripRequestedData(input: TripInput): TripRequestedData {
  const { tripId, customerId, flight, hotel, car, currency } = input;
  return {
    tripId,
    customerId,
    flight: { from: flight.from, to: flight.to, priceCents: flight.priceCents },
    hotel: { city: hotel.city, nights: hotel.nights, priceCents: hotel.priceCents },
    car: { city: car.city, days: car.days, priceCents: car.priceCents },
    totalCents: tripTotalCents(input),
    currency,
  };
}
