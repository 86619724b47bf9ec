// Workflow code: runs in Temporal's sandbox, so it imports sagaflow/workflow and types only.
import { formatMoney, StepSaga, type SagaResult } from 'sagaflow/workflow';
import type { TicketInput } from './contracts';
import type { TicketSteps } from './steps';

export const TICKET_SAGA_TYPE = 'TicketBooking';

export const ticketWorkflowId = (ticketId: string): string => `ticket-${ticketId}`;

/** Hold the seat → charge the card; a declined card (or a cancellation) releases the seat. */
export async function ticketBooking(input: TicketInput): Promise<SagaResult<{ holdId: string; chargeId: string }> & { ticketId: string }> {
  const { ticketId, customerId, seat, priceCents, currency } = input;
  const saga = new StepSaga<TicketSteps>({ sagaType: TICKET_SAGA_TYPE, streamId: `Ticket-${ticketId}`, subject: { ticketId } });
  return saga.run(async () => {
    await saga.open('TicketRequested', { ticketId, customerId, seat, priceCents, currency });
    const { holdId } = await saga.step('holdSeat', { ticketId, seat }, {
      summary: `Hold seat ${seat}`,
      undo: { step: 'releaseSeat', input: (held) => ({ ticketId, ...held }) },
    });
    const { chargeId } = await saga.step('chargeCard', { ticketId, amountCents: priceCents, currency }, { summary: `Charge ${formatMoney(priceCents, currency)}` });
    return { holdId, chargeId };
  }, { ticketId });
}
