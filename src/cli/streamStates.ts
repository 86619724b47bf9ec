import type { Aggregate, AggregateOptions, EventStore, StoredEvent } from '../eventstore';
import { ORDER_SAGA_FACTS } from '../../processes/orderFulfillment/readModels/orderEvents';
import { evolveOrderSummary, type OrderSummaryRow } from '../../processes/orderFulfillment/readModels/orderSummary';

/** How `events state` folds a stream: the read model's own evolve where one exists, a generic fold otherwise. */
export interface StreamFold<State> {
  /** Named in the output, so a reader knows which shape the state has. */
  name: string;
  initial: () => State;
  evolve: (state: State, event: StoredEvent) => State;
}

/** The order_summary row the projection would hold after these events. */
const orderFold: StreamFold<OrderSummaryRow | null> = {
  name: 'order_summary',
  initial: () => null,
  // As the projection: another saga type's saga event is not the order's.
  evolve: (row, event) => (ORDER_SAGA_FACTS.concerns(event) ? evolveOrderSummary(row ?? undefined, event) : row),
};

export interface GenericStreamState {
  lastEventType: string | null;
  lastEventAt: string | null;
  /** How many events of each type the stream had. */
  eventCounts: Record<string, number>;
  /** Every payload field with the value the latest event that carried it gave it. */
  fields: Record<string, unknown>;
}

/** Any stream: what happened how often, and the latest value of every field its events carried. */
const genericFold: StreamFold<GenericStreamState> = {
  name: 'latest-fields',
  initial: () => ({ lastEventType: null, lastEventAt: null, eventCounts: {}, fields: {} }),
  evolve: (state, event) => ({
    lastEventType: event.type,
    lastEventAt: event.createdAt.toISOString(),
    eventCounts: { ...state.eventCounts, [event.type]: (state.eventCounts[event.type] ?? 0) + 1 },
    fields: { ...state.fields, ...(typeof event.data === 'object' && event.data !== null ? event.data : { value: event.data }) },
  }),
};

/** A fold bound to its state type, so folds of different shapes sit in one table. */
export interface StreamStateReader {
  name: string;
  read(store: EventStore, streamId: string, options: AggregateOptions<unknown>): Promise<Aggregate<unknown>>;
}

function reader<State>(fold: StreamFold<State>): StreamStateReader {
  return { name: fold.name, read: (store, streamId, { asOfVersion, asOfTime }) => store.aggregateStream(streamId, fold.evolve, fold.initial, { ...(asOfVersion !== undefined ? { asOfVersion } : {}), ...(asOfTime ? { asOfTime } : {}) }) };
}

const readersByStreamType: Record<string, StreamStateReader> = { Order: reader(orderFold) };

export function stateReaderFor(streamType: string): StreamStateReader {
  return readersByStreamType[streamType] ?? reader(genericFold);
}
