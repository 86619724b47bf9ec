import type { Client } from '@temporalio/client';
import { parseInput, sagaRuns, type SagaRun, type StartedRun } from '../../api/client';
import { formatMoney } from '../../api/workflow';
import type { SagaState, SagaStatus } from '../../api/workflow';
import { TripInputSchema, type TripInput } from './contracts';
import { tripTotalCents } from './openingEvent';
import { TripId } from './searchAttributes';
import { tripBooking, tripWorkflowId, type TripBookingResult } from './workflow';

export interface TripClientOptions {
  client: Client;
  taskQueue: string;
}

export interface StartedTrip extends StartedRun {
  tripId: string;
}

export type TripRun = Omit<SagaRun, 'key'> & { tripId: string };

/**
 * How app code books trips: validated at the boundary and keyed by the trip id, so a trip
 * submitted twice books (and charges) once.
 */
export function createTripClient({ client, taskQueue }: TripClientOptions) {
  const runs = sagaRuns({ client, taskQueue, workflow: tripBooking, workflowId: tripWorkflowId, keyField: 'tripId', keyAttribute: TripId });

  return {
    /** Starts the saga for a trip. Invalid input throws InvalidInputError listing every issue and starts nothing. A trip id started before returns that run (`started: false`). */
    async startTrip(input: unknown): Promise<StartedTrip> {
      const trip: TripInput = parseInput(TripInputSchema, 'trip', input);
      const total = formatMoney(tripTotalCents(trip), trip.currency);
      const { flight, hotel, car } = trip;
      const started = await runs.start(trip.tripId, trip, {
        searchAttributes: [],
        staticSummary: `Trip ${trip.tripId}: ${flight.from} → ${flight.to}, ${hotel.nights} nights, ${car.days} car days, ${total}`,
        staticDetails: [
          '| flight | hotel | car | total |',
          '| --- | --- | --- | --- |',
          `| ${flight.from} → ${flight.to} | ${hotel.city}, ${hotel.nights} nights | ${car.city}, ${car.days} days | ${total} |`,
        ].join('\n'),
      });
      return { tripId: trip.tripId, ...started };
    },

    /** The saga's live state (status, steps, failure, position of its last event), from the running or finished run. */
    getTripState(tripId: string): Promise<SagaState> {
      return runs.state(tripId);
    },

    /** Waits for the saga to finish. A cancelled trip rejects with the cancellation. */
    awaitTripResult(tripId: string): Promise<TripBookingResult> {
      return runs.result(tripId);
    },

    /** Asks the saga to stop; what was booked is cancelled, a charge refunded, and the run ends as cancelled. */
    cancelTrip(tripId: string): Promise<void> {
      return runs.cancel(tripId);
    },

    /** Operator, for a parked trip: run the failed compensation again, or record that it was handled by hand. */
    retryCompensation: runs.retryCompensation,
    resolveCompensation: runs.resolveCompensation,

    /** Trip runs by saga status, newest first, through Temporal's visibility store. */
    async listTrips(filter: { status?: SagaStatus; limit?: number } = {}): Promise<TripRun[]> {
      return (await runs.list(filter)).map(({ key, ...run }) => ({ tripId: key, ...run }));
    },
  };
}

export type TripClient = ReturnType<typeof createTripClient>;
