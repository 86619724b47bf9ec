import type { Projection, StoredEvent } from '../projections';
import { defineProjection } from '../projections';
import { SAGA_EVENTS, type SagaEventTypes, type SagaFact } from '../saga/sagaEvents';
import type { SagaOutcome } from '../saga/types';
import { sagaOutcomesFoldSql } from './sagaOutcomesFold';
import { foldStreamRows, type StreamRow } from './streamRows';

export interface SagaOutcomeRow extends StreamRow {
  stream_id: string;
  saga_type: string;
  /** Null until the saga ends. */
  outcome: SagaOutcome | null;
  failed_step: string | null;
  resolved: boolean;
  finished_at: string | null;
}

/** A saga type whose ends saga_outcomes counts, with its own event types from before the engine's saga events, if it had any. */
export interface SagaOutcomeSource {
  sagaType: string;
  legacySagaEvents?: SagaEventTypes;
}

/** The facts saga_outcomes reads: how a saga ends, and a resolution that came before it. */
const COUNTED_FACTS = ['completed', 'failed', 'compensationResolved'] as const satisfies readonly SagaFact[];
type CountedFact = (typeof COUNTED_FACTS)[number];

/** Each event type saga_outcomes reads, with the fact it records and, for a process's own types, whose saga it is (an engine event names it in its data). */
export interface FactOfType {
  fact: CountedFact;
  sagaType?: string;
}

/**
 * How sagas end, for every saga type of the deployment: count per saga type, outcome and failed
 * step, per hour. A counter bumped per event would count a replayed event twice, so the counts are
 * computed from one row per saga stream (itself guarded by stream version): `saga_outcomes` is a
 * view over `saga_outcome_streams`. It reads the engine's saga events, and the types each process
 * recorded the same facts under before them.
 */
export function sagaOutcomesProjection(sources: readonly SagaOutcomeSource[]): Projection {
  const factOfType = new Map<string, FactOfType>(COUNTED_FACTS.map((fact) => [SAGA_EVENTS[fact], { fact }]));
  for (const { sagaType, legacySagaEvents } of sources) {
    if (!legacySagaEvents) continue;
    for (const fact of COUNTED_FACTS) factOfType.set(legacySagaEvents[fact], { fact, sagaType });
  }
  return defineProjection({
    name: 'saga_outcomes',
    // v2: every saga type, one row per stream (v1 counted orders only).
    version: 2,
    eventTypes: [...factOfType.keys()],
    tables: ['saga_outcome_streams', 'saga_outcomes'],
    setup: (t) => `
      create table ${t.saga_outcome_streams} (
        stream_id           text        primary key,
        saga_type           text        not null,
        outcome             text,
        failed_step         text,
        resolved            boolean     not null,
        finished_at         timestamptz,
        last_stream_version bigint      not null
      );
      create index ${t.saga_outcome_streams}_finished_idx on ${t.saga_outcome_streams} (finished_at) where outcome is not null;
      create view ${t.saga_outcomes} as
        select saga_type, outcome, failed_step, date_trunc('hour', finished_at) as hour, count(*) as sagas
          from ${t.saga_outcome_streams}
         where outcome is not null
         group by saga_type, outcome, failed_step, date_trunc('hour', finished_at);`,
    apply: (events, tx, t) =>
      foldStreamRows<SagaOutcomeRow>(
        tx,
        { table: t.saga_outcome_streams, key: 'stream_id', keyOf: (event) => event.streamId, evolve: (row, event) => evolveSagaOutcome(row, event, factOfType.get(event.type)!) },
        events,
      ),
    foldInSql: (t) => [sagaOutcomesFoldSql(t.saga_outcome_streams, factOfType)],
  });
}

/** The row after one more event of the saga's stream. */
export function evolveSagaOutcome(row: SagaOutcomeRow | undefined, stored: StoredEvent, { fact, sagaType }: FactOfType): SagaOutcomeRow {
  const data = stored.data as { sagaType?: string; failedStep?: string };
  const current: SagaOutcomeRow = row ?? {
    stream_id: stored.streamId,
    saga_type: sagaType ?? data.sagaType!,
    outcome: null,
    failed_step: null,
    resolved: false,
    finished_at: null,
    last_stream_version: 0,
  };
  const next = { ...current, last_stream_version: stored.version };
  switch (fact) {
    case 'compensationResolved':
      return { ...next, resolved: true };
    case 'completed':
      return { ...next, outcome: 'COMPLETED', finished_at: stored.createdAt.toISOString() };
    case 'failed':
      return {
        ...next,
        outcome: next.resolved ? 'COMPENSATION_FAILED' : 'COMPENSATED',
        failed_step: data.failedStep ?? null,
        finished_at: stored.createdAt.toISOString(),
      };
  }
}
