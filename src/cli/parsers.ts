import { UsageError } from './errors';

/** A commander argument parser for a whole number ≥ 1, naming the option in its error. */
export function positiveInteger(name: string): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} must be a whole number of at least 1, got ${JSON.stringify(raw)}`);
    return value;
  };
}
