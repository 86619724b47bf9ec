import type { SagaProcess } from '../../api/worker';
import { registerTripsCommands } from './cli';
import { TRIP_LEGACY_SAGA_EVENTS, tripContracts } from './contracts';
import { tripScenarios } from './scenarios';
import { TRIP_SAGA_TYPE } from './sagaType';
import { TripId } from './searchAttributes';
import { TRAVEL_OPERATIONS } from './simulatedTravel';
import { createTripSteps } from './steps';
import { tripSummary } from './tripSummary';

export { createTripClient, type TripClient } from './client';
export { tripWorkflowId } from './workflow';

/** Trip booking: a flight, a hotel and a car reserved at once, then the card charged; everything sagaflow needs to run it. */
export const tripBooking: SagaProcess = {
  sagaType: TRIP_SAGA_TYPE,
  workflowsPath: require.resolve('./workflow'),
  streamPrefix: 'Trip-',
  contracts: tripContracts,
  legacySagaEvents: TRIP_LEGACY_SAGA_EVENTS,
  searchAttributes: [TripId],
  steps: createTripSteps,
  simulatedOperations: TRAVEL_OPERATIONS,
  readModels: [tripSummary],
  // A trip is over a month after its booking ended; its stream moves to the archive then.
  retention: { archiveClosedAfterDays: 30 },
  cli: registerTripsCommands,
  scenarios: tripScenarios,
};
