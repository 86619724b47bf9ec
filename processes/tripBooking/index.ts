import type { SagaProcess } from '../../src/process/sagaProcess';
import { registerTripsCommands } from './cli';
import { tripContracts } from './contracts';
import { tripScenarios } from './scenarios';
import { TripId } from './searchAttributes';
import { createTripSteps } from './steps';
import { tripSummary } from './tripSummary';

export { createTripClient, type TripClient } from './client';
export { tripWorkflowId } from './workflow';

/** Trip booking: a flight, a hotel and a car reserved at once, then the card charged; everything sagaflow needs to run it. */
export const tripBooking: SagaProcess = {
  sagaType: 'TripBooking',
  workflowsPath: require.resolve('./workflow'),
  streamPrefix: 'Trip-',
  contracts: tripContracts,
  searchAttributes: [TripId],
  steps: createTripSteps,
  readModels: [tripSummary],
  cli: registerTripsCommands,
  scenarios: tripScenarios,
};
