import { formatMoney, StepSaga, type SagaResult } from '../../api/workflow';
import type { TripInput } from './contracts';
import { tripRequestedData, tripTotalCents } from './openingEvent';
import { TRIP_SAGA_TYPE } from './sagaType';
import { TripId } from './searchAttributes';
import type { TripSteps } from './steps';

export interface TripBookingResult extends SagaResult<{ flightBookingId: string; hotelBookingId: string; carBookingId: string; chargeId: string }> {
  tripId: string;
}

/** The workflow id of a trip's saga: one run per trip, found again from the business key. */
export function tripWorkflowId(tripId: string): string {
  return `trip-${tripId}`;
}

/**
 * A trip: reserve the flight, the hotel and the car at once → charge the card → confirm. If a
 * reservation finds nothing free, the charge fails, or the run is cancelled, what was booked is
 * cancelled and the charge refunded, last declared first. A new process: no runs predate the step
 * engine, so no patched() gate and no legacy path.
 */
export async function tripBooking(input: TripInput): Promise<TripBookingResult> {
  const { tripId, customerId, flight, hotel, car, currency } = input;
  const amountCents = tripTotalCents(input);
  const total = formatMoney(amountCents, currency);

  const saga = new StepSaga<TripSteps>({
    sagaType: TRIP_SAGA_TYPE,
    streamId: `Trip-${tripId}`,
    subject: { tripId },
    searchAttributes: [{ key: TripId, value: tripId }],
  });

  return saga.run(async () => {
    await saga.open('TripRequested', tripRequestedData(input));
    // Three services that know nothing of each other: no reason to wait for one before asking the next.
    const [flightBooked, hotelBooked, carBooked] = await saga.parallel([
      {
        step: 'reserveFlight',
        input: { tripId, ...flight, currency },
        summary: `Reserve a flight ${flight.from} → ${flight.to}`,
        undo: { step: 'cancelFlight', summary: `Cancel the flight ${flight.from} → ${flight.to}`, input: (booked) => ({ tripId, ...booked }) },
      },
      {
        step: 'reserveHotel',
        input: { tripId, ...hotel, currency },
        summary: `Reserve ${hotel.nights} night${hotel.nights === 1 ? '' : 's'} in ${hotel.city}`,
        undo: { step: 'cancelHotel', summary: `Cancel the hotel in ${hotel.city}`, input: (booked) => ({ tripId, ...booked }) },
      },
      {
        step: 'reserveCar',
        input: { tripId, ...car, currency },
        summary: `Reserve a car in ${car.city} for ${car.days} day${car.days === 1 ? '' : 's'}`,
        undo: { step: 'cancelCar', summary: `Cancel the car in ${car.city}`, input: (booked) => ({ tripId, ...booked }) },
      },
    ] as const);
    // Charged only once all three are held: a refund is the one undo the customer would notice.
    const { chargeId } = await saga.step('chargeCard', { tripId, customerId, amountCents, currency }, {
      summary: `Charge ${total}`,
      undo: { step: 'refundCharge', summary: `Refund ${total}`, input: (charged) => ({ tripId, amountCents, currency, ...charged }) },
    });
    return { flightBookingId: flightBooked.bookingId, hotelBookingId: hotelBooked.bookingId, carBookingId: carBooked.bookingId, chargeId };
  }, { tripId });
}
