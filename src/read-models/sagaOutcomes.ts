import type { Projection, StoredEvent } from '../projections';
import { defineProjection } from '../projections';
import { SAGA_EVENTS, type SagaEventTypes, type SagaFact } from '../saga/sagaEvents';
import type { SagaOutcome } from '../saga/types';
import { sagaRunsFoldSql } from './sagaOutcomesFold';
import { foldStreamRows, type StreamRow } from './streamRows';

/** One saga run, as its stream tells it: the row of `saga_runs`. */
export interface SagaRunRow extends StreamRow {
  stream_id: string;
  saga_type: string;
  /** When its first event was recorded. */
  started_at: string | null;
  /** Null while it runs (or is parked). */
  outcome: SagaOutcome | null;
  failed_step: string | null;
  /** An operator resolved a compensation of it by hand. */
  resolved: boolean;
  /** A compensation is out of retries, waiting for an operator, now. */
  parked: boolean;
  /** Times a compensation ran out of retries, and times an operator resolved one. */
  parked_count: number;
  resolved_count: number;
  /** The steps whose compensation recorded an event, in order (from the events' `compensates` mark). */
  compensated_steps: string[];
  finished_at: string | null;
  last_event_at: string;
}

/**
 * A saga type the read model follows: its stream prefix names its runs' streams, and its event types
 * are what the model subscribes to (every event of a run: its first starts it, a compensation's
 * event names the step it undid). `legacySagaEvents`: the types its runs recorded saga-level facts
 * under before the engine's saga events, if it had any.
 */
export interface SagaRunSource {
  sagaType: string;
  streamPrefix: string;
  contracts: ReadonlyArray<{ type: string }>;
  legacySagaEvents?: SagaEventTypes;
}

/** The saga-level fact each event type records: the engine's types, and every process's own from before them. */
export function sagaFactsByType(sources: readonly SagaRunSource[]): Map<string, SagaFact> {
  const facts = Object.keys(SAGA_EVENTS) as SagaFact[];
  const byType = new Map<string, SagaFact>(facts.map((fact) => [SAGA_EVENTS[fact], fact]));
  for (const { legacySagaEvents } of sources) if (legacySagaEvents) for (const fact of facts) byType.set(legacySagaEvents[fact], fact);
  return byType;
}

/**
 * Every saga run of the deployment, one row per run stream (`saga_runs`): when it started, whether
 * it runs, is parked or ended and how, which step failed, which were compensated. The saga metrics
 * and `sagaflow sagas stats` read it; `saga_outcomes` is a view counting the ends per saga type,
 * outcome and failed step, per hour. Counts come from rows and never from counters bumped per
 * event, so applying an event twice changes nothing (each row is guarded by its stream version).
 */
export function sagaOutcomesProjection(sources: readonly SagaRunSource[]): Projection {
  const factOfType = sagaFactsByType(sources);
  const sagaTypeOf = (streamId: string) => sources.find((source) => streamId.startsWith(source.streamPrefix))?.sagaType;
  return defineProjection({
    name: 'saga_outcomes',
    // v3: one row per run with its start, parking and compensated steps (saga_runs); v2 kept ends only, of every saga type; v1 counted orders only.
    version: 3,
    eventTypes: [...new Set([...factOfType.keys(), ...sources.flatMap((source) => source.contracts.map((contract) => contract.type))])],
    tables: ['saga_runs', 'saga_outcomes'],
    setup: (t) => `
      create table ${t.saga_runs} (
        stream_id           text        primary key,
        saga_type           text        not null,
        started_at          timestamptz,
        outcome             text,
        failed_step         text,
        resolved            boolean     not null,
        parked              boolean     not null,
        parked_count        integer     not null,
        resolved_count      integer     not null,
        compensated_steps   text[]      not null,
        finished_at         timestamptz,
        last_event_at       timestamptz not null,
        last_stream_version bigint      not null
      );
      create index ${t.saga_runs}_finished_idx on ${t.saga_runs} (finished_at) where outcome is not null;
      create index ${t.saga_runs}_open_idx on ${t.saga_runs} (saga_type, started_at) where outcome is null;
      create view ${t.saga_outcomes} as
        select saga_type, outcome, failed_step, date_trunc('hour', finished_at) as hour, count(*) as sagas
          from ${t.saga_runs}
         where outcome is not null
         group by saga_type, outcome, failed_step, date_trunc('hour', finished_at);`,
    apply: (events, tx, t) =>
      foldStreamRows<SagaRunRow>(
        tx,
        {
          table: t.saga_runs,
          key: 'stream_id',
          keyOf: (event) => event.streamId,
          evolve: (row, event) => {
            // Streams of no saga (an account's, say) may carry a process's types: not a run.
            const sagaType = row?.saga_type ?? sagaTypeOf(event.streamId);
            return sagaType === undefined ? undefined : evolveSagaRun(row, event, sagaType, factOfType.get(event.type));
          },
        },
        events,
      ),
    foldInSql: (t) => [sagaRunsFoldSql(t.saga_runs, sources, factOfType)],
  });
}

/** The run's row after one more event of its stream; `fact` is the saga-level fact the event records, if any. */
export function evolveSagaRun(row: SagaRunRow | undefined, stored: StoredEvent, sagaType: string, fact: SagaFact | undefined): SagaRunRow {
  const at = stored.createdAt.toISOString();
  const current: SagaRunRow = row ?? {
    stream_id: stored.streamId,
    saga_type: sagaType,
    started_at: null,
    outcome: null,
    failed_step: null,
    resolved: false,
    parked: false,
    parked_count: 0,
    resolved_count: 0,
    compensated_steps: [],
    finished_at: null,
    last_event_at: at,
    last_stream_version: 0,
  };
  const compensates = stored.metadata.compensates;
  const next: SagaRunRow = {
    ...current,
    started_at: current.started_at ?? (stored.version === 1 ? at : null),
    compensated_steps: typeof compensates === 'string' ? [...current.compensated_steps, compensates] : current.compensated_steps,
    last_event_at: at,
    last_stream_version: stored.version,
  };
  const data = stored.data as { failedStep?: string };
  switch (fact) {
    case undefined:
      return next;
    case 'compensationFailed':
      return { ...next, parked: true, parked_count: next.parked_count + 1 };
    case 'compensationResolved':
      return { ...next, parked: false, resolved: true, resolved_count: next.resolved_count + 1 };
    case 'completed':
      return { ...next, parked: false, outcome: 'COMPLETED', finished_at: at };
    case 'failed':
      return { ...next, parked: false, outcome: next.resolved ? 'COMPENSATION_FAILED' : 'COMPENSATED', failed_step: data.failedStep ?? null, finished_at: at };
  }
}
