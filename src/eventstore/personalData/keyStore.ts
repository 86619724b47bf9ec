import type pg from 'pg';
import { EncryptionKeyError } from './errors';
import { ENCRYPTION_KEY_VARIABLE, MasterKey, newDataKey } from './masterKey';

/**
 * Where subjects' data keys live, by subject reference. The PostgreSQL store below keeps them
 * wrapped by the master key; a KMS-backed store can take its place behind this interface.
 */
export interface KeyStore {
  /** These subjects' data keys, each made and stored on its first use. */
  getOrCreate(subjectRefs: readonly string[]): Promise<Map<string, Buffer>>;
  /** The data keys of these subjects that still exist; a forgotten subject is absent. */
  get(subjectRefs: readonly string[]): Promise<Map<string, Buffer>>;
  /**
   * Destroys the subject's key; true when there was one. On `within`, a client in a transaction,
   * the key goes when that transaction commits (the erasure event commits with it).
   */
  forget(subjectRef: string, within?: pg.PoolClient): Promise<boolean>;
}

export const SUBJECT_KEYS_TABLE = 'subject_keys';

/** Wrapped data keys in the `subject_keys` table (migration 0011). */
export class PostgresKeyStore implements KeyStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly master: MasterKey,
  ) {}

  /**
   * One round trip for the whole batch, whether its subjects are new or known: a fresh key is
   * offered for each, inserted where none exists, and the stored key read where one does.
   */
  async getOrCreate(subjectRefs: readonly string[]): Promise<Map<string, Buffer>> {
    const refs = [...new Set(subjectRefs)];
    const keys = new Map<string, Buffer>();
    if (refs.length === 0) return keys;
    const fresh = refs.map(() => newDataKey());
    const { rows } = await this.pool.query<{ subject_ref: string; wrapped_key: Buffer }>(
      `with wanted (subject_ref, wrapped_key) as (select * from unnest($1::text[], $2::bytea[])),
            made as (insert into ${SUBJECT_KEYS_TABLE} (subject_ref, wrapped_key) select subject_ref, wrapped_key from wanted
                     on conflict (subject_ref) do nothing returning subject_ref, wrapped_key)
       select subject_ref, wrapped_key from made
       union all
       select k.subject_ref, k.wrapped_key from ${SUBJECT_KEYS_TABLE} k join wanted using (subject_ref)`,
      [refs, refs.map((ref, i) => this.master.wrap(fresh[i]!, ref))],
    );
    for (const row of rows) keys.set(row.subject_ref, this.unwrap(row.wrapped_key, row.subject_ref));
    // A key another writer committed while this statement ran is in neither half: read it now.
    const missing = refs.filter((ref) => !keys.has(ref));
    if (missing.length > 0) {
      const theirs = await this.get(missing);
      for (const ref of missing) {
        const key = theirs.get(ref);
        if (!key) throw new Error(`subject key ${ref} was made and destroyed while this append made it; append again`);
        keys.set(ref, key);
      }
    }
    return keys;
  }

  async get(subjectRefs: readonly string[]): Promise<Map<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    if (subjectRefs.length === 0) return keys;
    const { rows } = await this.pool.query<{ subject_ref: string; wrapped_key: Buffer }>(
      `select subject_ref, wrapped_key from ${SUBJECT_KEYS_TABLE} where subject_ref = any($1::text[])`,
      [[...new Set(subjectRefs)]],
    );
    for (const row of rows) keys.set(row.subject_ref, this.unwrap(row.wrapped_key, row.subject_ref));
    return keys;
  }

  private unwrap(wrapped: Buffer, subjectRef: string): Buffer {
    try {
      return this.master.unwrap(wrapped, subjectRef);
    } catch {
      throw new EncryptionKeyError(ENCRYPTION_KEY_VARIABLE, `is not the key subject ${subjectRef}'s key was wrapped with: give every process of a deployment the same key`);
    }
  }

  async forget(subjectRef: string, within?: pg.PoolClient): Promise<boolean> {
    const { rowCount } = await (within ?? this.pool).query(`delete from ${SUBJECT_KEYS_TABLE} where subject_ref = $1`, [subjectRef]);
    return (rowCount ?? 0) > 0;
  }
}
