import type { Aggregate, AggregateOptions, EventStore, StoredEvent } from '../eventstore';

/** How `events state` folds a stream: the read model's own evolve where one exists, a generic fold otherwise. */
export interface StreamFold<State> {
  /** Named in the output, so a reader knows which shape the state has. */
  name: string;
  initial: () => State;
  evolve: (state: State, event: StoredEvent) => State;
}

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

/** A fold of any state: each process folds into its own row type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the state type is the fold's own
export type AnyStreamFold = StreamFold<any>;

/** The fold of the process whose streams these are (`SagaProcess.streamState`), or the generic one. */
export function stateReaderFor(streamType: string, foldsByStreamType: Readonly<Record<string, AnyStreamFold>>): StreamStateReader {
  const fold = foldsByStreamType[streamType];
  return fold ? reader(fold) : reader(genericFold);
}
