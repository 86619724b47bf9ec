import type { StoredEvent } from '../projections';
import { SAGA_EVENT_TYPES, SAGA_EVENTS, type SagaEventTypes, type SagaFact } from '../saga/sagaEvents';
import type { SagaOutcome, SagaStatus } from '../saga/types';

const ENGINE_TYPES: ReadonlySet<string> = new Set(SAGA_EVENT_TYPES);

/** A SQL string literal. */
export const sqlText = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** A SQL list of string literals, for `in (…)`. */
const sqlList = (texts: readonly string[]): string => texts.map(sqlText).join(', ');

/**
 * How one process's read models read its saga-level facts. A step saga records the engine's events
 * (SagaCompleted, SagaFailed, …) of every saga type; runs started before them recorded the process's
 * own types (OrderCompleted, OrderCancelled, …), and stored events are never rewritten. So a read
 * model subscribes to both, keeps only the engine events of its own saga type, and reads an engine
 * event as the process's own type for the same fact: its folds keep one vocabulary.
 */
export class ProcessSagaFacts {
  /** The engine's event types, which the process's read models subscribe to beside their own. */
  readonly engineTypes: readonly string[] = SAGA_EVENT_TYPES;
  private readonly ownTypeOf: ReadonlyMap<string, string>;
  private readonly factOfType: ReadonlyMap<string, SagaFact>;

  constructor(
    readonly sagaType: string,
    own: SagaEventTypes,
  ) {
    const facts = Object.keys(SAGA_EVENTS) as SagaFact[];
    this.ownTypeOf = new Map(facts.map((fact) => [SAGA_EVENTS[fact], own[fact]]));
    this.factOfType = new Map(facts.flatMap((fact) => [[SAGA_EVENTS[fact], fact] as const, [own[fact], fact] as const]));
  }

  /** Whether the event is this process's: all but the engine events of other saga types. */
  readonly concerns = (stored: StoredEvent): boolean => !ENGINE_TYPES.has(stored.type) || (stored.data as { sagaType?: unknown }).sagaType === this.sagaType;

  /** The saga-level fact an event records, engine event or the process's own type for it; undefined for a domain event. */
  factOf(type: string): SagaFact | undefined {
    return this.factOfType.get(type);
  }

  /** The event's type in the process's vocabulary: an engine event reads as the process's own type for its fact. */
  typeOf(type: string): string {
    return this.ownTypeOf.get(type) ?? type;
  }

  /**
   * `log` as the process's folds read it, in SQL: the rows `concerns` keeps, each with `type`, its
   * type as `typeOf` gives it (`event_type` stays the stored one).
   */
  sqlLog(log = 'log'): string {
    const cases = [...this.ownTypeOf].map(([engine, own]) => `when ${sqlText(engine)} then ${sqlText(own)}`).join(' ');
    return `(select ${log}.*, case ${log}.event_type ${cases} else ${log}.event_type end as type
               from ${log}
              where ${log}.event_type not in (${sqlList(this.engineTypes)}) or ${log}.data->>'sagaType' = ${sqlText(this.sagaType)})`;
  }
}

/** The columns a process's summary keeps of where its saga stands and how it ended. */
export interface SagaSummaryColumns {
  /** The saga's status as the run publishes it; FAILED (an opening event refused) writes no stream to summarise. */
  status: Exclude<SagaStatus, 'FAILED'>;
  outcome: SagaOutcome | null;
  failed_step: string | null;
  failure_reason: string | null;
  /** Who resolved a failed compensation by hand, if anyone did. */
  resolved_by: string | null;
}

/**
 * A summary row after a saga-level fact, the same for every process: a parked compensation, its
 * resolution, and the end — COMPLETED, or COMPENSATED (RESOLVED with outcome COMPENSATION_FAILED
 * when an operator resolved a compensation before it).
 */
export function evolveSagaSummary<Row extends SagaSummaryColumns>(row: Row, fact: SagaFact, data: unknown): Row {
  const fields = data as { resolvedBy?: string; failedStep?: string; reason?: string };
  switch (fact) {
    case 'compensationFailed':
      return { ...row, status: 'COMPENSATION_FAILED' };
    case 'compensationResolved':
      return { ...row, status: 'COMPENSATING', resolved_by: fields.resolvedBy ?? null };
    case 'completed':
      return { ...row, status: 'COMPLETED', outcome: 'COMPLETED' };
    case 'failed': {
      const resolved = row.resolved_by !== null;
      return {
        ...row,
        status: resolved ? 'RESOLVED' : 'COMPENSATED',
        outcome: resolved ? 'COMPENSATION_FAILED' : 'COMPENSATED',
        failed_step: fields.failedStep ?? row.failed_step,
        failure_reason: fields.reason ?? null,
      };
    }
  }
}
