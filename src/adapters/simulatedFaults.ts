import type pg from 'pg';
import { SagaflowError } from '../errors';
import type { FaultPlan, Operation } from './types';

/** One thing wrong with a fault plan: the field (`fail.reserveInventory`, `hang.0`) and the rule it breaks. */
export interface FaultPlanIssue {
  field: string;
  rule: string;
}

/** SimulatedFaults.plan refused its arguments; nothing was stored. */
export class InvalidFaultPlanError extends SagaflowError {
  override name = 'InvalidFaultPlanError';
  constructor(
    readonly keyPrefix: unknown,
    readonly issues: FaultPlanIssue[],
  ) {
    super(`fault plan for key prefix ${JSON.stringify(keyPrefix)} is invalid: ${issues.map((issue) => `${issue.field}: ${issue.rule}`).join('; ')}`);
  }
}

/**
 * The prefixes of an idempotency key a fault plan can be stored under: each one ending just after
 * a ':', then the whole key, shortest first. `order-1:reserveInventory` gives `order-1:` and
 * itself, so a plan for `order-1:` covers the calls of that saga run and not those of `order-12`.
 */
export function candidatePrefixes(idempotencyKey: string): string[] {
  const prefixes: string[] = [];
  for (let end = idempotencyKey.indexOf(':'); end !== -1; end = idempotencyKey.indexOf(':', end + 1)) {
    prefixes.push(idempotencyKey.slice(0, end + 1));
  }
  if (idempotencyKey !== '' && !idempotencyKey.endsWith(':')) prefixes.push(idempotencyKey);
  return prefixes;
}

/**
 * The plan of the longest stored prefix of the key, read with the caller's connection: the call
 * ledger reads it inside the call's transaction. Every candidate is a prefix of the key, so the
 * longest is the most specific; the lookup goes through the primary key.
 */
export async function findFaultPlan(db: pg.Pool | pg.PoolClient, idempotencyKey: string): Promise<FaultPlan | undefined> {
  const prefixes = candidatePrefixes(idempotencyKey);
  if (prefixes.length === 0) return undefined;
  const { rows } = await db.query<{ plan: FaultPlan }>(
    'select plan from sim_fault_plans where key_prefix = any($1::text[]) order by length(key_prefix) desc limit 1',
    [prefixes],
  );
  return rows[0]?.plan;
}

/**
 * The fault plans of the simulated services (table sim_fault_plans). A plan stored under a key
 * prefix applies to every call whose idempotency key is that prefix or continues it after a ':'
 * the prefix ends with: sagas key their calls `<workflow id>:<step>`, so `order-123:` covers one
 * saga run and `order-123:authorizePayment` one of its calls. The longest matching prefix wins.
 * A call reads the plan on each attempt, so a plan stored or cleared between attempts applies from
 * the next one; attempts already counted still count against `fail`.
 */
export class SimulatedFaults {
  private readonly operations: ReadonlySet<string>;

  /** `operations`: those a plan may name, the deployment's (`composition.simulatedOperations`). */
  constructor(
    private readonly pool: pg.Pool,
    operations: readonly Operation[],
  ) {
    this.operations = new Set(operations);
  }

  /** Stores the plan for the prefix, replacing any plan it had. Throws InvalidFaultPlanError, storing nothing, on a bad prefix or plan. */
  async plan(keyPrefix: string, plan: FaultPlan): Promise<void> {
    const issues = validate(keyPrefix, plan, this.operations);
    if (issues.length > 0) throw new InvalidFaultPlanError(keyPrefix, issues);
    await this.pool.query(
      `insert into sim_fault_plans (key_prefix, plan) values ($1, $2::jsonb)
       on conflict (key_prefix) do update set plan = excluded.plan, created_at = now()`,
      [keyPrefix, JSON.stringify(plan)],
    );
  }

  /** Removes the prefix's plan; a no-op when it has none. Plans of longer or shorter prefixes stay. */
  async clear(keyPrefix: string): Promise<void> {
    await this.pool.query('delete from sim_fault_plans where key_prefix = $1', [keyPrefix]);
  }

  /** The plan a call with this key runs under: the one of its longest stored prefix, if any. */
  async planFor(idempotencyKey: string): Promise<FaultPlan | undefined> {
    return findFaultPlan(this.pool, idempotencyKey);
  }
}

const PLAN_FIELDS: ReadonlySet<string> = new Set(['fail', 'hang', 'declinePayment', 'flagFraud', 'unavailable', 'crashWorkerAfter'] satisfies (keyof FaultPlan)[]);
/**
 * Every issue of the prefix and the plan; unknown fields and operations are refused, so a misspelt
 * fault cannot pass silently as none.
 */
function validate(keyPrefix: unknown, plan: unknown, operations: ReadonlySet<string>): FaultPlanIssue[] {
  const issues: FaultPlanIssue[] = [];
  const OPERATION_RULE = `must be one of ${[...operations].join(', ')}`;
  const isOperation = (value: unknown): value is Operation => typeof value === 'string' && operations.has(value);
  if (typeof keyPrefix !== 'string' || keyPrefix === '') issues.push({ field: 'keyPrefix', rule: 'must be a non-empty string' });
  if (!isObject(plan)) {
    issues.push({ field: 'plan', rule: 'must be an object' });
    return issues;
  }
  for (const field of Object.keys(plan)) {
    if (!PLAN_FIELDS.has(field)) issues.push({ field, rule: `is not a fault plan field (${[...PLAN_FIELDS].join(', ')})` });
  }
  const { fail, hang, unavailable, declinePayment, flagFraud, crashWorkerAfter } = plan;
  if (fail !== undefined) {
    if (!isObject(fail)) {
      issues.push({ field: 'fail', rule: 'must be an object of operation: count' });
    } else {
      for (const [operation, count] of Object.entries(fail)) {
        if (!operations.has(operation)) issues.push({ field: `fail.${operation}`, rule: `is not an operation: the keys ${OPERATION_RULE}` });
        else if (count !== 'always' && !(Number.isSafeInteger(count) && (count as number) >= 1)) {
          issues.push({ field: `fail.${operation}`, rule: `must be a whole number of at least 1 or 'always', got ${JSON.stringify(count)}` });
        }
      }
    }
  }
  for (const [field, operations] of Object.entries({ hang, unavailable })) {
    if (operations === undefined) continue;
    if (!Array.isArray(operations)) issues.push({ field, rule: 'must be an array of operations' });
    else {
      operations.forEach((operation: unknown, i) => {
        if (!isOperation(operation)) issues.push({ field: `${field}.${i}`, rule: `${OPERATION_RULE}, got ${JSON.stringify(operation)}` });
      });
    }
  }
  for (const [field, value] of Object.entries({ declinePayment, flagFraud })) {
    if (value !== undefined && typeof value !== 'boolean') issues.push({ field, rule: 'must be true or false' });
  }
  if (crashWorkerAfter !== undefined && !isOperation(crashWorkerAfter)) {
    issues.push({ field: 'crashWorkerAfter', rule: `${OPERATION_RULE}, got ${JSON.stringify(crashWorkerAfter)}` });
  }
  return issues;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
