import { SagaflowError } from '../errors/sagaflowError';

/**
 * How long a stream type's events stay in the hot table, declared by the process that owns it:
 * forever, or until its streams have been closed (the saga's last event recorded) for N days, after
 * which `sagaflow events archive` (or the projection worker's scheduled run) moves them whole to the
 * archive, where they are still read, verified and rebuilt from. A stream type without a
 * declaration keeps its events forever.
 */
export type RetentionPolicy = { keep: 'forever' } | { archiveClosedAfterDays: number };

/** The longest declared wait: a century, past which "forever" is what is meant. */
export const MAX_ARCHIVE_AFTER_DAYS = 36_500;

/** A process declared a retention policy that cannot be followed; names the process, the stream type and the rule. */
export class RetentionDeclarationError extends SagaflowError {
  override name = 'RetentionDeclarationError';
  constructor(
    readonly sagaType: string,
    readonly streamType: string,
    readonly rule: string,
  ) {
    super(`process ${sagaType}: retention of stream type ${streamType} ${rule}`);
  }
}

/** The wait in days before a closed stream is archived, or null to keep it forever; refuses a declaration that is neither. */
export function archiveAfterDays(owner: { sagaType: string; streamType: string }, policy: unknown): number | null {
  const refuse = (rule: string) => new RetentionDeclarationError(owner.sagaType, owner.streamType, rule);
  if (policy === undefined) return null;
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw refuse(`must be { keep: 'forever' } or { archiveClosedAfterDays: <days> }, got ${JSON.stringify(policy)}`);
  }
  const keys = Object.keys(policy);
  if (keys.length !== 1 || !['keep', 'archiveClosedAfterDays'].includes(keys[0]!)) {
    throw refuse(`must have exactly one of keep or archiveClosedAfterDays, got ${keys.length === 0 ? 'neither' : keys.join(', ')}`);
  }
  if ('keep' in policy) {
    if (policy.keep !== 'forever') throw refuse(`keep must be 'forever', got ${JSON.stringify(policy.keep)}`);
    return null;
  }
  const days = (policy as { archiveClosedAfterDays: unknown }).archiveClosedAfterDays;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_ARCHIVE_AFTER_DAYS) {
    throw refuse(`archiveClosedAfterDays must be a whole number of days from 1 to ${MAX_ARCHIVE_AFTER_DAYS}, got ${JSON.stringify(days)}`);
  }
  return days;
}
