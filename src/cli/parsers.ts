import fs from 'node:fs';
import { businessKey } from '../contracts/fields';
import { DURATION_RULE, parseDuration } from '../config/duration';
import { UsageError } from './errors';

/** A commander argument parser for a whole number ≥ 1, naming the option in its error. */
export function positiveInteger(name: string): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} must be a whole number of at least 1, got ${JSON.stringify(raw)}`);
    return value;
  };
}

/** A commander argument parser for a duration (`500ms`, `5s`, `2m`), in milliseconds, naming the option in its error. */
export function durationArg(name: string): (raw: string) => number {
  return (raw) => {
    const ms = parseDuration(raw);
    if (ms === undefined) throw new UsageError(`${name} ${DURATION_RULE}, got ${JSON.stringify(raw)}`);
    return ms;
  };
}

/** A commander argument parser for a point in time: a duration back from now (`30m`) or an ISO 8601 time with its date. */
export function sinceArg(name: string, now: () => Date = () => new Date()): (raw: string) => Date {
  return (raw) => {
    const ms = parseDuration(raw);
    if (ms !== undefined) return new Date(now().getTime() - ms);
    const time = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : undefined;
    if (!time || Number.isNaN(time.getTime())) {
      throw new UsageError(`${name} must be a duration back from now (e.g. 30m, 2h) or an ISO 8601 time (e.g. 2026-12-05T07:00:00Z), got ${JSON.stringify(raw)}`);
    }
    return time;
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

/** A --file argument's JSON; an unreadable or malformed file is bad usage naming the file. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--file: ${file} must be JSON: ${(error as Error).message}`);
  }
}
