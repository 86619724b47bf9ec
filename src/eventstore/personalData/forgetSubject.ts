import type pg from 'pg';
import { z } from 'zod';
import { appendEvents } from '../appendEvents';
import { ContractRegistry, defineEvent } from '../contracts';
import { LOG_VIEW, SNAPSHOTS_TABLE } from '../tables';
import type { PersonalDataCipher } from './cipher';
import { InvalidSubjectError } from './errors';

/** The stream type of erasure records: `ErasedSubject-<subject reference>`, never the subject id. */
export const ERASED_SUBJECT_STREAM_TYPE = 'ErasedSubject';

export const SubjectForgotten = defineEvent(
  'SubjectForgotten',
  1,
  z.object({
    subjectRef: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a subject reference: 64 hex digits' }),
    keyDestroyed: z.boolean(),
  }),
  {
    description:
      "A subject's personal data was erased: its key destroyed (keyDestroyed false when it had none), so its personal fields read as erased from then on. Names the subject by its keyed reference only.",
  },
);

export type ForgetOutcome = 'forgotten' | 'already_forgotten';

export interface ForgetResult {
  subjectRef: string;
  outcome: ForgetOutcome;
  streamId: string;
}

const MAX_SUBJECT_LENGTH = 200;

/**
 * Destroys a subject's key and records that it did, in one transaction: both happen or neither. A
 * subject already forgotten (no key, its record there) is left as it is; a key made since (a
 * returning customer's new events) is destroyed and recorded again.
 */
export async function forgetSubject(
  pool: pg.Pool,
  cipher: PersonalDataCipher,
  subject: string,
  { actor = 'sagaflow subjects forget' }: { actor?: string } = {},
): Promise<ForgetResult> {
  if (typeof subject !== 'string' || subject.trim().length === 0) throw new InvalidSubjectError('must be a non-empty string (the id the personal fields are declared under)');
  if (subject.length > MAX_SUBJECT_LENGTH) throw new InvalidSubjectError(`must be at most ${MAX_SUBJECT_LENGTH} characters, got ${subject.length}`);
  const subjectRef = cipher.subjectRef(subject);
  const streamId = `${ERASED_SUBJECT_STREAM_TYPE}-${subjectRef}`;
  const client = await pool.connect();
  try {
    await client.query('begin');
    // Two forgets of one subject queue here, so the second sees the first's record.
    await client.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [streamId]);
    const keyDestroyed = await cipher.keys.forget(subjectRef, client);
    // Snapshots are folds of opened events: a stream's that held the subject's fields go with the
    // key (the next read folds from the log and sees them erased). One scan of the log per forget.
    await client.query(
      `delete from ${SNAPSHOTS_TABLE} where stream_id in (select distinct stream_id from ${LOG_VIEW} where strpos(data::text, $1) > 0)`,
      [subjectRef],
    );
    const recorded = (await client.query(`select 1 from ${LOG_VIEW} where stream_id = $1 limit 1`, [streamId])).rows.length > 0;
    if (!keyDestroyed && recorded) {
      await client.query('rollback');
      return { subjectRef, outcome: 'already_forgotten', streamId };
    }
    await appendEvents(client, { contracts: erasureContracts, maxPayloadBytes: 1024, maxMetadataBytes: 1024, notifier: undefined }, streamId, [{ type: 'SubjectForgotten', data: { subjectRef, keyDestroyed }, metadata: { actor } }], {
      expectedVersion: 'any',
    });
    await client.query('commit');
    return { subjectRef, outcome: 'forgotten', streamId };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const erasureContracts = new ContractRegistry([SubjectForgotten]);
