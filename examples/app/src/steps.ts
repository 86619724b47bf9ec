import { done, nothingToUndo, rejected, type StepCall, type UndoCall } from 'sagaflow/worker';
import type { TicketEvent } from './contracts';

/** The card limit of the app's payment stand-in: a larger charge is declined. */
export const CARD_LIMIT_CENTS = 10_000;

const event = <T extends TicketEvent['type']>(type: T, data: Extract<TicketEvent, { type: T }>['data']) => ({ type, data });

/** The saga's steps: each does its effect with the key the engine gives it and returns the event that records it. */
export function createTicketSteps() {
  return {
    async holdSeat({ ticketId, seat }: { ticketId: string; seat: string }, { key }: StepCall) {
      // A real seat service takes `key` as its idempotency key, so a retried step holds the seat once.
      const holdId = `hold-${key}`;
      return done({ holdId }, event('SeatHeld', { ticketId, seat, holdId }));
    },
    async releaseSeat({ ticketId, holdId }: { ticketId: string; holdId?: string }, { actionCompleted }: UndoCall) {
      if (!actionCompleted || !holdId) return nothingToUndo();
      return done(undefined, event('SeatReleased', { ticketId, holdId }));
    },
    async chargeCard({ ticketId, amountCents, currency }: { ticketId: string; amountCents: number; currency: string }, { key }: StepCall) {
      // A business "no" is a value: recorded, then the saga compensates.
      if (amountCents > CARD_LIMIT_CENTS) return rejected('card declined: over the limit', event('CardDeclined', { ticketId, reason: 'over the limit' }));
      const chargeId = `charge-${key}`;
      return done({ chargeId }, event('CardCharged', { ticketId, chargeId, amountCents, currency }));
    },
  };
}

export type TicketSteps = ReturnType<typeof createTicketSteps>;
