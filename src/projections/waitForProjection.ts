import type pg from 'pg';
import { z } from 'zod';
import { LOG_VIEW } from '../eventstore/tables';
import type { Checkpoint } from '../eventstore';
import { resolveVersion } from './activeVersion';
import { InvalidArgumentError, ProjectionWaitTimeoutError, describePosition } from './errors';
import { projectionStatus } from './projectionStatus';
import { CHECKPOINTS_TABLE, PROGRESS_CHANNEL } from './tables';
import { Wakeup } from './wakeup';

export interface WaitOptions {
  /** How long to wait before rejecting with ProjectionWaitTimeoutError (default 5000). */
  timeoutMs?: number;
  /** The projection version to wait on (default: the active one, which readers see). */
  version?: number;
}

export interface ProjectionPassed {
  name: string;
  version: number;
  /** The projection's checkpoint when it was found past the position (may be before it: see waitForProjection). */
  checkpoint: Checkpoint;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 5_000;
/** A look without a notification: for a position that becomes readable when an older transaction ends, and for a lost notification. */
const POLL_MS = 250;

const argumentsSchema = z.object({
  name: z.string({ message: 'must be a projection name' }).min(1, { message: 'must not be empty' }),
  position: z.object(
    {
      transactionId: z.string({ message: 'must be a transaction id as a decimal string' }).regex(/^\d{1,20}$/, { message: 'must be a transaction id as a decimal string' }),
      globalPosition: z.number({ message: 'must be a number' }).int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' }),
    },
    { message: 'must be a log position { transactionId, globalPosition }, as an append or a saga result reports it' },
  ),
  timeoutMs: z.number({ message: 'must be a number of milliseconds' }).int({ message: 'must be a whole number of milliseconds' }).min(0, { message: 'must not be negative' }).max(600_000, {
    message: 'must be at most 600000 ms',
  }),
  version: z.number({ message: 'must be a number' }).int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).optional(),
});

/**
 * Resolves once projection `name` has passed `position`, so its read tables reflect every event up
 * to it, including the caller's own writes; rejects with ProjectionWaitTimeoutError, saying where the
 * projection stands, when it has not within `timeoutMs`. Never resolves on stale tables.
 *
 * "Passed" is not "its checkpoint is at or after the position": a projection reads only its own event
 * types and moves its checkpoint to the last of those it applied. So it has passed the position when
 * none of its event types lies between its checkpoint and the position, and every transaction up to
 * the position's has ended (the position is below pg_snapshot_xmin), so no earlier event can still
 * appear. A position of an event type the projection does not read resolves as soon as that holds.
 *
 * While it waits, it listens for the batches projection workers commit (PROGRESS_CHANNEL) and looks
 * every quarter second besides, on one pooled connection it holds until it returns.
 */
export async function waitForProjection(pool: pg.Pool, name: string, position: Checkpoint, options: WaitOptions = {}): Promise<ProjectionPassed> {
  const args = parseArguments(name, position, options);
  const deadline = Date.now() + args.timeoutMs;
  const first = await lookAt(pool, args);
  if (first.passed) return first.result;

  const client = await pool.connect();
  const wakeup = new Wakeup();
  const onNotification = (message: pg.Notification) => {
    if (message.channel === PROGRESS_CHANNEL && message.payload === name) wakeup.wake();
  };
  // Its session may die while it sleeps between looks (see withTransaction); then the next look fails.
  let lost = false;
  const onError = () => {
    lost = true;
    wakeup.wake();
  };
  client.on('notification', onNotification);
  client.on('error', onError);
  try {
    await client.query(`listen ${PROGRESS_CHANNEL}`);
    for (;;) {
      // Looked at after LISTEN, so a batch committed in between is seen here or notified.
      const look = await lookAt(client, args);
      if (look.passed) return look.result;
      const left = deadline - Date.now();
      if (left <= 0) throw await timedOut(client, args, look);
      await wakeup.wait(Math.min(left, POLL_MS));
    }
  } finally {
    client.off('notification', onNotification);
    // A connection handed back still listening would deliver notifications nobody asked for; one that cannot unlisten is discarded.
    const unlistened = !lost && (await client.query(`unlisten ${PROGRESS_CHANNEL}`).then(
      () => true,
      () => false,
    ));
    client.off('error', onError);
    client.release(!unlistened);
  }
}

type Arguments = z.output<typeof argumentsSchema>;

function parseArguments(name: string, position: Checkpoint, { timeoutMs = DEFAULT_WAIT_TIMEOUT_MS, version }: WaitOptions): Arguments {
  const parsed = argumentsSchema.safeParse({ name, position, timeoutMs, version });
  if (!parsed.success) {
    throw new InvalidArgumentError(
      'waitForProjection arguments',
      parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(arguments)', rule: issue.message })),
    );
  }
  return parsed.data;
}

interface Look {
  passed: boolean;
  result: ProjectionPassed;
  positionVisible: boolean;
}

interface LookRow {
  transaction_id: string;
  global_position: string;
  passed: boolean;
  visible: boolean;
  unborn: boolean;
}

/** One look at the projection's checkpoint against the position, in one statement (one snapshot). */
async function lookAt(db: pg.Pool | pg.PoolClient, { name, position, version: asked }: Arguments): Promise<Look> {
  const version = await resolveVersion(db, name, asked);
  const { rows } = await db.query<LookRow>(
    `with p as (select $3::text::xid8 as transaction_id, $4::bigint as global_position, pg_current_snapshot() as snapshot)
     select c.transaction_id::text as transaction_id, c.global_position,
            p.transaction_id < pg_snapshot_xmin(p.snapshot) as visible,
            p.transaction_id >= pg_snapshot_xmax(p.snapshot) as unborn,
            (p.transaction_id, p.global_position) <= (c.transaction_id, c.global_position)
              or (p.transaction_id < pg_snapshot_xmin(p.snapshot)
                  and not exists (
                    select 1 from ${LOG_VIEW} e
                     where (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
                       and (e.transaction_id, e.global_position) <= (p.transaction_id, p.global_position)
                       and e.event_type = any(c.event_types))) as passed
       from ${CHECKPOINTS_TABLE} c cross join p
      where c.name = $1 and c.version = $2`,
    [name, version, position.transactionId, position.globalPosition],
  );
  const row = rows[0];
  // resolveVersion found the row; it can only vanish if someone deletes checkpoints by hand.
  if (!row) throw new InvalidArgumentError('waitForProjection arguments', [{ field: 'name', rule: `projection ${name} v${version} has no checkpoint` }]);
  if (row.unborn) {
    throw new InvalidArgumentError('waitForProjection arguments', [
      { field: 'position.transactionId', rule: `${describePosition(position)} is of a transaction this database has not started: a position from another database?` },
    ]);
  }
  return {
    passed: row.passed,
    positionVisible: row.visible,
    result: { name, version, checkpoint: { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } },
  };
}

async function timedOut(db: pg.PoolClient, { name, position, timeoutMs }: Arguments, look: Look): Promise<ProjectionWaitTimeoutError> {
  const { version, checkpoint } = look.result;
  const status = (await projectionStatus(db)).find((s) => s.name === name && s.version === version);
  return new ProjectionWaitTimeoutError(name, version, position, timeoutMs, {
    checkpoint: status?.checkpoint ?? checkpoint,
    status: status?.status ?? 'unknown',
    owned: status?.owned ?? false,
    lagEvents: status?.lagEvents ?? 0,
    lastError: status?.lastError ?? null,
    positionVisible: look.positionVisible,
  });
}
