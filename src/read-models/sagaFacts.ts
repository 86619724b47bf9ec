import type { StoredEvent } from '../projections';
import { SAGA_EVENT_TYPES, SAGA_EVENTS, type SagaEventTypes, type SagaFact } from '../saga/sagaEvents';

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

  constructor(
    readonly sagaType: string,
    own: SagaEventTypes,
  ) {
    this.ownTypeOf = new Map((Object.keys(SAGA_EVENTS) as SagaFact[]).map((fact) => [SAGA_EVENTS[fact], own[fact]]));
  }

  /** Whether the event is this process's: all but the engine events of other saga types. */
  readonly concerns = (stored: StoredEvent): boolean => !ENGINE_TYPES.has(stored.type) || (stored.data as { sagaType?: unknown }).sagaType === this.sagaType;

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
