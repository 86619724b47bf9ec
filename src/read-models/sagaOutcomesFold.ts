import type { SagaFact } from '../saga/sagaEvents';
import { sqlText } from './sagaFacts';
import type { SagaRunSource } from './sagaOutcomes';

const values = (rows: ReadonlyArray<readonly string[]>) => rows.map((row) => `(${row.map(sqlText).join(', ')})`).join(', ');

/**
 * saga_runs' fold as one set-based statement over the events in `log` (see `foldInSql`), per run
 * stream as `evolveSagaRun` sets it one event at a time: started at its version-1 event; the outcome
 * of its last ending event (a failure counts as COMPENSATION_FAILED when a resolution came before
 * it) and that failure's step; parked when its last saga-level fact is a failed compensation; the
 * steps its events' `compensates` marks name, in order. A change there must be made here too: the
 * equivalence test and every rebuild's verification compare the two.
 */
export function sagaRunsFoldSql(table: string, sources: readonly SagaRunSource[], factOfType: ReadonlyMap<string, SagaFact>): string {
  const ms = (column: string) => `date_trunc('milliseconds', ${column})`;
  const ends = `f.fact in ('completed', 'failed')`;
  return `insert into ${table} (stream_id, saga_type, started_at, outcome, failed_step, resolved, parked, parked_count, resolved_count, compensated_steps, finished_at, last_event_at, last_stream_version)
  select stream_id, saga_type, started_at,
         case last_end_fact
           when 'completed' then 'COMPLETED'
           when 'failed' then case when first_resolved < last_end_version then 'COMPENSATION_FAILED' else 'COMPENSATED' end
         end,
         failed_step, first_resolved is not null, coalesce(last_fact = 'compensationFailed', false),
         parked_count, resolved_count, compensated_steps, finished_at, last_event_at, last_stream_version
    from (select l.stream_id, s.saga_type,
                 min(${ms('l.created_at')}) filter (where l.version = 1) as started_at,
                 (array_agg(f.fact order by l.version desc) filter (where ${ends}))[1] as last_end_fact,
                 max(l.version) filter (where ${ends}) as last_end_version,
                 (array_agg(${ms('l.created_at')} order by l.version desc) filter (where ${ends}))[1] as finished_at,
                 (array_agg(l.data->>'failedStep' order by l.version desc) filter (where f.fact = 'failed'))[1] as failed_step,
                 min(l.version) filter (where f.fact = 'compensationResolved') as first_resolved,
                 (array_agg(f.fact order by l.version desc) filter (where f.fact is not null))[1] as last_fact,
                 (count(*) filter (where f.fact = 'compensationFailed'))::int as parked_count,
                 (count(*) filter (where f.fact = 'compensationResolved'))::int as resolved_count,
                 coalesce(array_agg(l.metadata->>'compensates' order by l.version) filter (where jsonb_typeof(l.metadata->'compensates') = 'string'), '{}') as compensated_steps,
                 (array_agg(${ms('l.created_at')} order by l.version desc))[1] as last_event_at,
                 max(l.version) as last_stream_version
            from log l
            join (values ${values(sources.map((s) => [s.streamPrefix, s.sagaType]))}) s (prefix, saga_type) on starts_with(l.stream_id, s.prefix)
            left join (values ${values([...factOfType])}) f (event_type, fact) on f.event_type = l.event_type
           group by l.stream_id, s.saga_type) runs`;
}
