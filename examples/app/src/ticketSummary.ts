import { defineProjection, foldStreamRows, type StoredEvent, type StreamRow } from 'sagaflow/projections';
import { SAGA_EVENTS, SAGA_EVENT_TYPES } from 'sagaflow/workflow';
import { ticketContracts } from './contracts';
import { TICKET_SAGA_TYPE } from './workflow';

export interface TicketRow extends StreamRow {
  ticket_id: string;
  seat: string | null;
  hold_id: string | null;
  charge_id: string | null;
  status: 'REQUESTED' | 'HELD' | 'BOOKED' | 'RELEASED';
  outcome: 'COMPLETED' | 'COMPENSATED' | null;
}

/** The ticket's own events, and the engine's saga events of this saga type only. */
const ours = (event: StoredEvent) => !SAGA_EVENT_TYPES.includes(event.type as never) || (event.data as { sagaType?: string }).sagaType === TICKET_SAGA_TYPE;

/** One row per ticket: the seat, the hold and the charge, and how its saga ended. */
export const ticketSummary = defineProjection({
  name: 'ticket_summary',
  version: 1,
  eventTypes: [...ticketContracts.map((c) => c.type), ...SAGA_EVENT_TYPES],
  tables: ['ticket_summary'],
  setup: (t) => `create table ${t.ticket_summary} (
      ticket_id text primary key, seat text, hold_id text, charge_id text,
      status text not null, outcome text, last_stream_version bigint not null)`,
  apply: (events, tx, t) =>
    foldStreamRows<TicketRow>(tx, { table: t.ticket_summary, key: 'ticket_id', keyOf: (e) => (e.data as { ticketId: string }).ticketId, evolve: evolveTicket }, events.filter(ours)),
});

function evolveTicket(row: TicketRow | undefined, event: StoredEvent): TicketRow {
  const data = event.data as Record<string, string>;
  const current: TicketRow = row ?? { ticket_id: data.ticketId!, seat: null, hold_id: null, charge_id: null, status: 'REQUESTED', outcome: null, last_stream_version: 0 };
  const next = { ...current, last_stream_version: event.version };
  switch (event.type) {
    case 'TicketRequested':
      return { ...next, seat: data.seat! };
    case 'SeatHeld':
      return { ...next, hold_id: data.holdId!, status: 'HELD' };
    case 'CardCharged':
      return { ...next, charge_id: data.chargeId!, status: 'BOOKED' };
    case 'SeatReleased':
      return { ...next, status: 'RELEASED' };
    case SAGA_EVENTS.completed:
      return { ...next, outcome: 'COMPLETED' };
    case SAGA_EVENTS.failed:
      return { ...next, outcome: 'COMPENSATED' };
    default:
      return next;
  }
}
