import { defineProjection, type StoredEvent, evolveSagaSummary, ProcessSagaFacts, type SagaSummaryColumns, foldStreamRows, type StreamRow } from '../../api/projections';
import { TRIP_LEGACY_SAGA_EVENTS, tripContracts, type TripEvent } from './contracts';
import { TRIP_SAGA_TYPE } from './sagaType';

export type TripSagaStatus = SagaSummaryColumns['status'];
export type TripOutcome = NonNullable<SagaSummaryColumns['outcome']>;

export interface TripSummaryRow extends StreamRow {
  trip_id: string;
  stream_id: string;
  customer_id: string | null;
  status: TripSagaStatus;
  total_cents: number | null;
  currency: string | null;
  flight_booking_id: string | null;
  hotel_booking_id: string | null;
  car_booking_id: string | null;
  charge_id: string | null;
  outcome: TripOutcome | null;
  failed_step: string | null;
  failure_reason: string | null;
  resolved_by: string | null;
  last_event_type: string;
  requested_at: string | null;
  /** The time of the last event applied, not of the write: a rebuild gives the same rows. */
  updated_at: string;
}

/** The trip saga's saga-level facts: the engine's events of its type, read as the trip's own types. */
const TRIP_SAGA_FACTS = new ProcessSagaFacts(TRIP_SAGA_TYPE, TRIP_LEGACY_SAGA_EVENTS);
const TRIP_STREAM_EVENT_TYPES: readonly string[] = [...tripContracts.map((contract) => contract.type), ...TRIP_SAGA_FACTS.engineTypes];

/** One row per trip: where its saga stands, what it booked and charged, and how it ended. Folded one event at a time (no SQL fold). */
export const tripSummary = defineProjection({
  name: 'trip_summary',
  // v2 reads the engine's saga events (SagaCompleted, …) besides the trip's own.
  version: 2,
  eventTypes: TRIP_STREAM_EVENT_TYPES,
  tables: ['trip_summary'],
  setup: (t) => `
    create table ${t.trip_summary} (
      trip_id             text        primary key,
      stream_id           text        not null,
      customer_id         text,
      status              text        not null,
      total_cents         bigint,
      currency            text,
      flight_booking_id   text,
      hotel_booking_id    text,
      car_booking_id      text,
      charge_id           text,
      outcome             text,
      failed_step         text,
      failure_reason      text,
      resolved_by         text,
      last_event_type     text        not null,
      last_stream_version bigint      not null,
      requested_at        timestamptz,
      updated_at          timestamptz not null
    );
    create index ${t.trip_summary}_status_idx on ${t.trip_summary} (status, updated_at);`,
  apply: (events, tx, t) =>
    foldStreamRows<TripSummaryRow>(tx, { table: t.trip_summary, key: 'trip_id', keyOf: (event) => (event.data as { tripId: string }).tripId, evolve: evolveTripSummary }, events.filter(TRIP_SAGA_FACTS.concerns)),
});

/** The summary after one more event of the trip's stream. */
export function evolveTripSummary(row: TripSummaryRow | undefined, stored: StoredEvent): TripSummaryRow {
  // An engine event of the trip saga reads as the trip's own type for its fact (SagaCompleted as TripConfirmed).
  const event = { type: TRIP_SAGA_FACTS.typeOf(stored.type), data: stored.data } as TripEvent;
  const at = stored.createdAt.toISOString();
  const current: TripSummaryRow = row ?? {
    trip_id: event.data.tripId,
    stream_id: stored.streamId,
    customer_id: null,
    status: 'RUNNING',
    total_cents: null,
    currency: null,
    flight_booking_id: null,
    hotel_booking_id: null,
    car_booking_id: null,
    charge_id: null,
    outcome: null,
    failed_step: null,
    failure_reason: null,
    resolved_by: null,
    last_event_type: stored.type,
    last_stream_version: 0,
    requested_at: null,
    updated_at: at,
  };
  const next: TripSummaryRow = { ...current, last_event_type: stored.type, last_stream_version: stored.version, updated_at: at };
  switch (event.type) {
    case 'TripRequested':
      return { ...next, customer_id: event.data.customerId, total_cents: event.data.totalCents, currency: event.data.currency, requested_at: at };
    case 'FlightReserved':
      return { ...next, flight_booking_id: event.data.bookingId };
    case 'HotelReserved':
      return { ...next, hotel_booking_id: event.data.bookingId };
    case 'CarReserved':
      return { ...next, car_booking_id: event.data.bookingId };
    case 'CardCharged':
      return { ...next, charge_id: event.data.chargeId };
    // The first failure is the one that counts: in a parallel group a second may follow.
    case 'BookingUnavailable':
      return { ...next, status: 'COMPENSATING', failed_step: next.failed_step ?? `reserve${event.data.kind[0]!.toUpperCase()}${event.data.kind.slice(1)}`, failure_reason: next.failure_reason ?? event.data.reason };
    case 'CardDeclined':
      return { ...next, status: 'COMPENSATING', failed_step: next.failed_step ?? 'chargeCard', failure_reason: next.failure_reason ?? event.data.reason };
    case 'FlightCancelled':
    case 'HotelCancelled':
    case 'CarCancelled':
    case 'ChargeRefunded':
      return { ...next, status: 'COMPENSATING' };
    default:
      return evolveSagaSummary(next, TRIP_SAGA_FACTS.factOf(event.type)!, event.data);
  }
}
