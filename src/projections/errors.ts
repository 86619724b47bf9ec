import type { Checkpoint, StoredEvent } from '../eventstore';
import { SagaflowError } from '../errors/sagaflowError';

/** Base of every error the projection engine raises on purpose. */
export class ProjectionError extends SagaflowError {
  override name = 'ProjectionError';
}

/** A projection definition (or a set of them) breaks a rule; the message names the field. */
export class InvalidProjectionError extends ProjectionError {
  override name = 'InvalidProjectionError';
}

/** A projection's `apply` threw: the batch was rolled back, nothing of it is applied. */
export class ProjectionHandlerError extends ProjectionError {
  override name = 'ProjectionHandlerError';
  constructor(
    readonly projection: string,
    readonly version: number,
    readonly events: readonly StoredEvent[],
    cause: unknown,
  ) {
    super(`projection ${projection} v${version} failed to apply ${describeEvents(events)}: ${messageOf(cause)}`, { cause });
  }
}

/** The version's setup DDL differs from the DDL its tables were built with: the change needs a new version. */
export class ProjectionSetupChangedError extends ProjectionError {
  override name = 'ProjectionSetupChangedError';
  constructor(
    readonly projection: string,
    readonly version: number,
  ) {
    super(
      `projection ${projection} v${version}: its setup DDL changed since its tables were built; ` +
        `deploy the change as version ${version + 1} so it is built beside v${version}`,
    );
  }
}

/** An operator asked for something the projection's state does not allow (skip an applied event, an unknown projection…). */
export class ProjectionCommandError extends ProjectionError {
  override name = 'ProjectionCommandError';
}

/** No projection of that name was ever deployed to this database. */
export class UnknownProjectionError extends ProjectionCommandError {
  override name = 'UnknownProjectionError';
  constructor(
    readonly projection: string,
    readonly known: readonly string[],
  ) {
    super(`no projection named ${projection} is deployed here (deployed: ${known.length ? known.join(', ') : 'none'})`);
  }
}

/** Arguments that break a rule; the message names each field with its rule. */
export class InvalidArgumentError extends ProjectionError {
  override name = 'InvalidArgumentError';
  constructor(
    what: string,
    readonly issues: ReadonlyArray<{ field: string; rule: string }>,
  ) {
    super(`invalid ${what}: ${issues.map((issue) => `${issue.field}: ${issue.rule}`).join('; ')}`);
  }
}

/**
 * A projection did not pass a position in time. Carries where it stood, so the caller can tell a
 * slow projection from a stalled one or one no worker runs.
 */
export class ProjectionWaitTimeoutError extends ProjectionError {
  override name = 'ProjectionWaitTimeoutError';
  constructor(
    readonly projection: string,
    readonly version: number,
    readonly position: Checkpoint,
    readonly timeoutMs: number,
    readonly standing: ProjectionStanding,
  ) {
    const { checkpoint, status, owned, lagEvents, lastError, positionVisible } = standing;
    const why = [
      `status ${status}`,
      `${lagEvents} event${lagEvents === 1 ? '' : 's'} of its types still to apply`,
      owned ? 'a worker owns it' : 'no worker owns it: is the projection worker running?',
      ...(positionVisible ? [] : ['a transaction older than the position is still in flight']),
      ...(lastError ? [`last error: ${lastError}`] : []),
    ];
    super(
      `projection ${projection} v${version} did not pass ${describePosition(position)} within ${timeoutMs} ms: ` +
        `its checkpoint is at ${describePosition(checkpoint)} (${why.join('; ')})`,
    );
  }
}

/** Where a projection stood when a wait on it gave up. */
export interface ProjectionStanding {
  checkpoint: Checkpoint;
  status: string;
  owned: boolean;
  lagEvents: number;
  lastError: string | null;
  /** Every transaction up to the position's has ended, so gap-safe reads can reach it. */
  positionVisible: boolean;
}

export function describePosition({ transactionId, globalPosition }: Checkpoint): string {
  return `position ${globalPosition} (transaction ${transactionId})`;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeEvents(events: readonly StoredEvent[]): string {
  const [first] = events;
  if (events.length === 1 && first) return `event ${first.eventId} (${first.type} #${first.globalPosition} in ${first.streamId})`;
  return `a batch of ${events.length} events`;
}
