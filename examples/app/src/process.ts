import { composeProcesses, type SagaProcess } from 'sagaflow/worker';
import { ticketContracts } from './contracts';
import { TicketId } from './searchAttributes';
import { createTicketSteps } from './steps';
import { ticketSummary } from './ticketSummary';
import { TICKET_SAGA_TYPE } from './workflow';

/** The ticket saga, declared: what sagaflow's worker, projection engine and CLI need to run it. */
export const ticketBooking: SagaProcess = {
  sagaType: TICKET_SAGA_TYPE,
  workflowsPath: require.resolve('./workflow'),
  streamPrefix: 'Ticket-',
  contracts: ticketContracts,
  searchAttributes: [TicketId],
  steps: () => createTicketSteps(),
  readModels: [ticketSummary],
};

/** Every process of the app; `SAGAFLOW_COMPOSITION=dist/process.js npx sagaflow …` gives the CLI its contracts. */
export const composition = composeProcesses([ticketBooking]);
