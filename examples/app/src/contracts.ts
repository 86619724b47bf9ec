import { z } from 'zod';
import { businessKey, cents, currency, defineEvent, eventRef, positiveAmountCents, reason, type EventOf } from 'sagaflow/eventstore';

/** What the app's HTTP handler accepts to book a ticket: validated by the client before anything starts. */
export const TicketInputSchema = z.object({ ticketId: businessKey, customerId: businessKey, seat: businessKey, priceCents: positiveAmountCents, currency }).strict();
export type TicketInput = z.infer<typeof TicketInputSchema>;

const ticket = { ticketId: eventRef };

export const TicketRequested = defineEvent('TicketRequested', 1, z.object({ ...ticket, customerId: eventRef, seat: eventRef, priceCents: cents, currency }), {
  description: "A ticket was asked for: the seat and its price. Opens the ticket's stream.",
});
export const SeatHeld = defineEvent('SeatHeld', 1, z.object({ ...ticket, seat: eventRef, holdId: eventRef }), { description: 'The seat is held for the ticket.' });
export const SeatReleased = defineEvent('SeatReleased', 1, z.object({ ...ticket, holdId: eventRef }), { description: 'The hold on the seat was released: the ticket was not paid.' });
export const CardCharged = defineEvent('CardCharged', 1, z.object({ ...ticket, chargeId: eventRef, amountCents: cents, currency }), { description: 'The card was charged the price.' });
export const CardDeclined = defineEvent('CardDeclined', 1, z.object({ ...ticket, reason }), { description: 'The card was declined: the ticket is not booked.' });

export const ticketContracts = [TicketRequested, SeatHeld, SeatReleased, CardCharged, CardDeclined];
export type TicketEvent = EventOf<(typeof ticketContracts)[number]>;
