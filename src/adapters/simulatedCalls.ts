import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { findFaultPlan } from './simulatedFaults';
import { BusinessRejection, ServiceUnavailableError, type CallContext, type CallOptions, type FaultPlan, type Operation } from './types';

export interface SimulationOptions {
  /** How long a call whose fault plan lists it in `hang` waits on its first attempt; longer than any activity timeout. */
  hangMs?: number;
}

export const DEFAULT_HANG_MS = 5 * 60_000;

/** A readable id (`res-…`). Random, not derived from the key: the caller can only learn it from the first result, so a working replay is visible. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

type Outcome = { result?: unknown } | { rejection: { reason: BusinessRejection['reason']; message: string } };

type Decision = { kind: 'outcome'; outcome: Outcome } | { kind: 'outage'; attempt: number } | { kind: 'hang' };

// A repeat waits here on the first call's row lock until it commits, then sees its outcome.
const COUNT_ATTEMPT_SQL = `
insert into sim_calls as c (operation, idempotency_key, request, attempts) values ($1, $2, $3::jsonb, 1)
on conflict (operation, idempotency_key) do update set attempts = c.attempts + 1
returning c.attempts, c.request = $3::jsonb as same_request, c.first_result`;

const RECORD_OUTCOME_SQL = `update sim_calls set first_result = $3::jsonb, completed_at = now() where operation = $1 and idempotency_key = $2`;

/**
 * The idempotency ledger and fault injection every simulated service goes through. One transaction
 * per call: it counts the attempt, and either replays the key's first outcome, or reads the key's
 * fault plan (sim_fault_plans, see SimulatedFaults) and injects a fault (committing only the
 * count) or runs the effect and records its outcome. The sim_calls row stays locked until commit,
 * so concurrent calls with one key have exactly one effect between them.
 */
export class CallLedger {
  private readonly hangMs: number;

  constructor(
    private readonly pool: pg.Pool,
    { hangMs = DEFAULT_HANG_MS }: SimulationOptions = {},
  ) {
    this.hangMs = hangMs;
  }

  /**
   * `request` is what the call asks for (without its key): a repeat must ask for the same.
   * `effect` runs in the call's transaction with the key's fault plan (empty when it has none), for
   * the faults that are the service's own answer (a declined card); a BusinessRejection it throws
   * undoes what it did and becomes the key's outcome, replayed like a result.
   */
  async run<T>(
    operation: Operation,
    { idempotencyKey }: CallContext,
    request: unknown,
    effect: (client: pg.PoolClient, plan: FaultPlan) => Promise<T>,
    { signal }: CallOptions = {},
  ): Promise<T> {
    if (typeof idempotencyKey !== 'string' || idempotencyKey === '') {
      throw new BusinessRejection('invalid_request', `${operation}: an idempotency key is required`);
    }
    const decision = await this.transaction(async (client): Promise<Decision> => {
      const { rows } = await client.query<{ attempts: number; same_request: boolean; first_result: Outcome | null }>(COUNT_ATTEMPT_SQL, [
        operation,
        idempotencyKey,
        JSON.stringify(request),
      ]);
      const call = rows[0]!;
      if (!call.same_request) {
        // Thrown inside the transaction: the mismatched call is not counted.
        throw new BusinessRejection('invalid_request', `idempotency key ${idempotencyKey} was first used for ${operation} with other parameters`);
      }
      if (call.first_result) return { kind: 'outcome', outcome: call.first_result };
      // Read on every attempt, after the count: a plan stored between attempts applies from the next.
      const plan = (await findFaultPlan(client, idempotencyKey)) ?? {};
      // The first attempt hangs before any fail count applies, so both faults on one operation combine.
      if (call.attempts === 1 && plan.hang?.includes(operation)) return { kind: 'hang' };
      const fail = plan.fail?.[operation];
      if (fail === 'always' || (typeof fail === 'number' && call.attempts <= fail)) return { kind: 'outage', attempt: call.attempts };

      let outcome: Outcome;
      await client.query('savepoint effect');
      try {
        outcome = { result: await effect(client, plan) };
      } catch (error) {
        if (!(error instanceof BusinessRejection)) throw error;
        await client.query('rollback to savepoint effect');
        outcome = { rejection: { reason: error.reason, message: error.message } };
      }
      await client.query(RECORD_OUTCOME_SQL, [operation, idempotencyKey, JSON.stringify(outcome)]);
      return { kind: 'outcome', outcome };
    });

    switch (decision.kind) {
      case 'outage':
        throw new ServiceUnavailableError(`simulated outage: ${operation} attempt ${decision.attempt} with key ${idempotencyKey}`);
      case 'hang':
        // Outside the transaction: a hanging call holds no connection and no lock, so the retry runs meanwhile.
        await sleep(this.hangMs, undefined, { signal });
        throw new ServiceUnavailableError(`simulated hang: ${operation} with key ${idempotencyKey} gave no answer for ${this.hangMs} ms`);
      case 'outcome':
        if ('rejection' in decision.outcome) throw new BusinessRejection(decision.outcome.rejection.reason, decision.outcome.rejection.message);
        // The effect's own value on the first call, its JSON round trip on a replay.
        return decision.outcome.result as T;
    }
  }

  /**
   * What the call with this key returned, if an attempt succeeded: for a caller whose reply was lost,
   * such as a compensation that must find what its action did. Waits for any attempt still in
   * progress on the key, the very first one included, so "not found" means no attempt succeeded.
   */
  async succeeded(operation: Operation, idempotencyKey: string): Promise<{ result: unknown } | undefined> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      // A first attempt in flight holds the key as an uncommitted row that a read would not see;
      // inserting the key waits for that attempt to end. The probe is always rolled back.
      await client.query(
        `insert into sim_calls (operation, idempotency_key, request, attempts) values ($1, $2, 'null'::jsonb, 1)
         on conflict (operation, idempotency_key) do nothing`,
        [operation, idempotencyKey],
      );
      // A key tried before: its row lock waits for an attempt in progress.
      const { rows } = await client.query<{ first_result: Outcome | null }>(
        'select first_result from sim_calls where operation = $1 and idempotency_key = $2 for update',
        [operation, idempotencyKey],
      );
      const outcome = rows[0]?.first_result;
      return outcome && !('rejection' in outcome) ? { result: outcome.result } : undefined;
    } finally {
      const rolledBack = await client.query('rollback').then(
        () => true,
        () => false,
      );
      client.release(!rolledBack);
    }
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      client.release();
      return result;
    } catch (error) {
      // A connection whose rollback fails is broken: destroy it rather than return it to the pool.
      const rollback = await client.query('rollback').then(
        () => undefined,
        (rollbackError: Error) => rollbackError,
      );
      client.release(rollback);
      throw error;
    }
  }
}
