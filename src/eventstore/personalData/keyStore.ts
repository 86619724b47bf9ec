import type pg from 'pg';
import { MasterKey, newDataKey } from './masterKey';

/**
 * Where subjects' data keys live, by subject reference. The PostgreSQL store below keeps them
 * wrapped by the master key; a KMS-backed store can take its place behind this interface.
 */
export interface KeyStore {
  /** The subject's data key, made and stored on first use. */
  getOrCreate(subjectRef: string): Promise<Buffer>;
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

  async getOrCreate(subjectRef: string): Promise<Buffer> {
    const existing = (await this.get([subjectRef])).get(subjectRef);
    if (existing) return existing;
    const dataKey = newDataKey();
    const { rows } = await this.pool.query<{ wrapped_key: Buffer }>(
      `insert into ${SUBJECT_KEYS_TABLE} (subject_ref, wrapped_key) values ($1, $2) on conflict (subject_ref) do nothing returning wrapped_key`,
      [subjectRef, this.master.wrap(dataKey, subjectRef)],
    );
    if (rows.length > 0) return dataKey;
    // Another writer made the subject's key first: use theirs.
    const theirs = (await this.get([subjectRef])).get(subjectRef);
    if (!theirs) throw new Error(`subject key ${subjectRef} was made and destroyed while it was being made; append again`);
    return theirs;
  }

  async get(subjectRefs: readonly string[]): Promise<Map<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    if (subjectRefs.length === 0) return keys;
    const { rows } = await this.pool.query<{ subject_ref: string; wrapped_key: Buffer }>(
      `select subject_ref, wrapped_key from ${SUBJECT_KEYS_TABLE} where subject_ref = any($1::text[])`,
      [[...new Set(subjectRefs)]],
    );
    for (const row of rows) keys.set(row.subject_ref, this.master.unwrap(row.wrapped_key, row.subject_ref));
    return keys;
  }

  async forget(subjectRef: string, within?: pg.PoolClient): Promise<boolean> {
    const { rowCount } = await (within ?? this.pool).query(`delete from ${SUBJECT_KEYS_TABLE} where subject_ref = $1`, [subjectRef]);
    return (rowCount ?? 0) > 0;
  }
}
