import { SagaflowError } from '../errors/sagaflowError';
/** Exit codes every sagaflow command keeps: scripts can tell a failed check from a typo. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A failure the user can act on: printed as one line, no stack trace unless --verbose. */
export class CliError extends SagaflowError {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** Bad usage: a missing or malformed argument or option (exit code 2). */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}
