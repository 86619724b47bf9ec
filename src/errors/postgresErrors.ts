/**
 * What a PostgreSQL or node-postgres error means to sagaflow, decided in this one place from the
 * SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html) and the socket error
 * codes, so the store, the projections and the workers agree.
 */
export type PostgresErrorKind =
  /** A unique constraint refused the row; `constraint` names which. */
  | { kind: 'unique_violation'; constraint: string | undefined }
  /** The caller's transaction was aborted by an earlier error: nothing more runs in it. */
  | { kind: 'transaction_aborted' }
  /** CREATE found the database or object there already (made concurrently by another process). */
  | { kind: 'already_exists' }
  /** An append would have started an archived stream again (migration 0010 raises SF001). */
  | { kind: 'stream_archived' }
  /** The role lacks a grant the statement needs. */
  | { kind: 'insufficient_privilege' }
  /** The server went away or ended the session: retry on a new connection. */
  | { kind: 'connection_lost' }
  | { kind: 'other' };

// SQLSTATE class 08 and the admin shutdown codes, and Node socket errors: "the server went away", not "the query is wrong".
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03']);

export function classifyPostgresError(error: unknown): PostgresErrorKind {
  if (!(error instanceof Error)) return { kind: 'other' };
  const { code, constraint } = error as { code?: unknown; constraint?: string };
  if (code === '23505') return { kind: 'unique_violation', constraint };
  if (code === '25P02') return { kind: 'transaction_aborted' };
  if (code === 'SF001') return { kind: 'stream_archived' };
  if (code === '42501') return { kind: 'insufficient_privilege' };
  if (code === '42P04' || code === '42P07' || code === '42710') return { kind: 'already_exists' };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return { kind: 'connection_lost' };
  // node-postgres reports a dropped socket without a code.
  if (/Connection terminated|connection error and is not queryable|Client was closed|timeout exceeded when trying to connect/i.test(error.message)) {
    return { kind: 'connection_lost' };
  }
  return { kind: 'other' };
}

/** True when an error means PostgreSQL could not be reached or dropped the connection: retry after a pause. */
export function isConnectionError(error: unknown): boolean {
  return classifyPostgresError(error).kind === 'connection_lost';
}
