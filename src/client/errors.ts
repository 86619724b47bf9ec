import type { z } from 'zod';
import { SagaflowError } from '../errors/sagaflowError';

/** Input that app code passed to the client does not satisfy the contract; nothing was started. */
export class InvalidInputError extends SagaflowError {
  override name = 'InvalidInputError';
  constructor(
    readonly what: string,
    readonly issues: Array<{ field: string; rule: string }>,
  ) {
    super(`invalid ${what}: ${issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`);
  }
}

export function issuesOf(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): Array<{ field: string; rule: string }> {
  return error.issues.map((issue) => ({ field: issue.path.length ? issue.path.map(String).join('.') : '(input)', rule: issue.message }));
}

/** Parses app input against a command contract; throws InvalidInputError listing every issue, so nothing starts on bad input. */
export function parseInput<S extends z.ZodType>(schema: S, what: string, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(what, issuesOf(parsed.error));
  return parsed.data;
}
