import type { ExpectedVersion } from './types';
import { SagaflowError } from '../errors/sagaflowError';

/** Base of every error the event store raises on purpose; anything else is a bug or an outage. */
export class EventStoreError extends SagaflowError {
  override name = 'EventStoreError';
}

/** The stream was not at the version the writer expected: someone else wrote first. */
export class ConcurrencyError extends EventStoreError {
  override name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's version when the append was refused; undefined when it could not be read (the caller's transaction was aborted). */
    readonly actual: number | undefined,
  ) {
    super(
      actual === undefined
        ? `stream ${streamId}: another writer appended first, expected ${describeExpected(expected)}`
        : `stream ${streamId} is at version ${actual}, expected ${describeExpected(expected)}`,
    );
  }
}

/** An event id was appended before with different content (or to another stream): ids are forever. */
export class IdempotencyConflictError extends EventStoreError {
  override name = 'IdempotencyConflictError';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(
      `event ${eventId} already exists with different content or in another stream than ${streamId}; ` +
        'a retry must resend exactly the same events, and new events need new ids',
    );
  }
}

export interface ValidationIssue {
  /** Dotted path inside the event, e.g. `data.items.0.quantity`. */
  field: string;
  rule: string;
}

/**
 * The stream was archived (README "Retention and erasure"): its events are in the archive table and
 * still read as before, but a closed stream takes no new events, and is never started again.
 */
export class StreamArchivedError extends EventStoreError {
  override name = 'StreamArchivedError';
  constructor(
    readonly streamId: string,
    /** Where its events are now. */
    readonly archive: string,
  ) {
    super(`stream ${streamId} is archived (its events are in ${archive}): a closed stream takes no new events; record new facts in a new stream`);
  }
}

/** An event did not satisfy its contract; nothing of its batch was written. */
export class EventValidationError extends EventStoreError {
  override name = 'EventValidationError';
  constructor(
    readonly eventIndex: number,
    readonly eventType: string,
    readonly issues: ValidationIssue[],
    readonly eventId?: string,
  ) {
    const where = `event #${eventIndex} (${eventType}${eventId ? ` ${eventId}` : ''})`;
    super(`${where} is invalid: ${issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`);
  }
}

function describeExpected(expected: ExpectedVersion): string {
  switch (expected) {
    case 'no_stream':
      return 'no stream (a new stream)';
    case 'stream_exists':
      return 'an existing stream';
    case 'any':
      return 'any version';
    default:
      return `version ${expected}`;
  }
}
