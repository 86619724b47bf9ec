import { businessKey } from '../contracts/fields';
import { UsageError } from './errors';

/** A commander argument parser for a whole number ≥ 1, naming the option in its error. */
export function positiveInteger(name: string): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} must be a whole number of at least 1, got ${JSON.stringify(raw)}`);
    return value;
  };
}

/** A commander option parser for a JSON object, naming the option in its error. */
export function jsonObject(name: string): (raw: string) => Record<string, unknown> {
  return (raw) => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new UsageError(`${name} must be a JSON object, e.g. '{"declinePayment":true}': ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${name} must be a JSON object, got ${JSON.stringify(raw)}`);
    return value as Record<string, unknown>;
  };
}

/** A commander argument parser for a business key (order id, customer id): the rule the contracts apply. */
export function businessKeyArg(name: string): (raw: string) => string {
  return (raw) => {
    const parsed = businessKey.safeParse(raw);
    if (!parsed.success) throw new UsageError(`${name} ${parsed.error.issues[0]!.message}, got ${JSON.stringify(raw)}`);
    return parsed.data;
  };
}
