import type { Client } from '@temporalio/client';
import { parseInput, sagaRuns } from 'sagaflow/client';
import { TicketInputSchema } from './contracts';
import { TicketId } from './searchAttributes';
import { ticketBooking, ticketWorkflowId } from './workflow';

/** How the app's HTTP handlers book tickets: validated at the boundary, one run per ticket id. */
export function createTicketClient({ client, taskQueue }: { client: Client; taskQueue: string }) {
  const runs = sagaRuns({ client, taskQueue, workflow: ticketBooking, workflowId: ticketWorkflowId, keyField: 'ticketId', keyAttribute: TicketId });
  return {
    /** Throws InvalidInputError naming every bad field, starting nothing. */
    async book(input: unknown) {
      const ticket = parseInput(TicketInputSchema, 'ticket', input);
      return runs.start(ticket.ticketId, ticket, { searchAttributes: [], staticSummary: `Ticket ${ticket.ticketId}: seat ${ticket.seat}`, staticDetails: '' });
    },
    result: runs.result,
    state: runs.state,
    cancel: runs.cancel,
    list: runs.list,
  };
}
