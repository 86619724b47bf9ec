import { sqlText } from './sagaFacts';
import type { FactOfType } from './sagaOutcomes';

/**
 * saga_outcome_streams' fold as one set-based statement over the events in `log` (see `foldInSql`):
 * per stream, the outcome of its last ending event (a failure counts as COMPENSATION_FAILED when a
 * resolution came before it), the failed step of its last failure, as `evolveSagaOutcome` sets them
 * one event at a time; the saga type is its first event's. A change there must be made here too:
 * the equivalence test and every rebuild's verification compare the two. The saga_outcomes view
 * counts over this table.
 */
export function sagaOutcomesFoldSql(table: string, factOfType: ReadonlyMap<string, FactOfType>): string {
  const facts = [...factOfType].map(([type, { fact, sagaType }]) => `(${sqlText(type)}, ${sqlText(fact)}, ${sagaType === undefined ? 'null' : sqlText(sagaType)})`);
  return `insert into ${table} (stream_id, saga_type, outcome, failed_step, resolved, finished_at, last_stream_version)
  select stream_id, saga_type,
         case last_end_fact
           when 'completed' then 'COMPLETED'
           when 'failed' then case when first_resolved < last_end_version then 'COMPENSATION_FAILED' else 'COMPENSATED' end
         end,
         failed_step, first_resolved is not null, finished_at, last_stream_version
    from (select l.stream_id,
                 (array_agg(l.saga_type order by l.version))[1] as saga_type,
                 (array_agg(l.fact order by l.version desc) filter (where l.fact <> 'compensationResolved'))[1] as last_end_fact,
                 max(l.version) filter (where l.fact <> 'compensationResolved') as last_end_version,
                 (array_agg(date_trunc('milliseconds', l.created_at) order by l.version desc) filter (where l.fact <> 'compensationResolved'))[1] as finished_at,
                 (array_agg(l.data->>'failedStep' order by l.version desc) filter (where l.fact = 'failed'))[1] as failed_step,
                 min(l.version) filter (where l.fact = 'compensationResolved') as first_resolved,
                 max(l.version) as last_stream_version
            from (select log.stream_id, log.version, log.created_at, log.data, f.fact, coalesce(f.saga_type, log.data->>'sagaType') as saga_type
                    from log join (values ${facts.join(', ')}) f (event_type, fact, saga_type) on f.event_type = log.event_type) l
           group by l.stream_id) o`;
}
