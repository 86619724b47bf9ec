import { z } from 'zod';
import type { BackoffPolicy } from './backoff';
import { SagaflowError } from '../errors/sagaflowError';

const wholeMs = (min: number, max: number) =>
  z
    .number({ message: 'must be a number of milliseconds' })
    .int({ message: 'must be a whole number of milliseconds' })
    .min(min, { message: `must be at least ${min} ms` })
    .max(max, { message: `must be at most ${max} ms` });

const delayRange = { initialDelayMs: wholeMs(1, 3_600_000), maxDelayMs: wholeMs(1, 3_600_000) };
const maxNotBelowInitial = (policy: BackoffPolicy) => policy.maxDelayMs >= policy.initialDelayMs;
const maxNotBelowInitialRule = { message: 'must not be below initialDelayMs', path: ['maxDelayMs'] };

/** The engine's tunables, with their defaults. */
export const engineOptionsSchema = z.object({
  /** Events per transaction. */
  batchSize: z.number().int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).max(10_000, { message: 'must be at most 10000' }).default(500),
  /** How often to look for new events and for locks to take over when no notification arrives. */
  pollIntervalMs: wholeMs(10, 600_000).default(1_000),
  /** A failing event is tried this many times in all, with backoff, before the projection stalls on it. */
  handlerRetry: z
    .object({
      attempts: z.number().int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).max(100, { message: 'must be at most 100' }),
      ...delayRange,
    })
    .refine(maxNotBelowInitial, maxNotBelowInitialRule)
    .default({ attempts: 5, initialDelayMs: 500, maxDelayMs: 30_000 }),
  /**
   * An open transaction that holds the log's read bound back this long, with committed events
   * waiting behind it, is logged (once, and once more when it ends). Shorter holds are normal: every
   * append and batch in flight holds the bound for milliseconds.
   */
  heldBackLogAfterMs: wholeMs(0, 3_600_000).default(5_000),
  /** Pauses between attempts to reach PostgreSQL again after a connection error. */
  reconnect: z.object(delayRange).refine(maxNotBelowInitial, maxNotBelowInitialRule).default({ initialDelayMs: 200, maxDelayMs: 10_000 }),
});

export type EngineOptionsInput = z.input<typeof engineOptionsSchema>;
export interface EngineOptions {
  batchSize: number;
  pollIntervalMs: number;
  heldBackLogAfterMs: number;
  handlerRetry: BackoffPolicy & { attempts: number };
  reconnect: BackoffPolicy;
}

export class InvalidOptionsError extends SagaflowError {
  override name = 'InvalidOptionsError';
}

/** Validates the engine's options; every wrong field is named with its rule. */
export function parseEngineOptions(input: EngineOptionsInput): EngineOptions {
  const parsed = engineOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(options)'}: ${issue.message}`);
    throw new InvalidOptionsError(`invalid projection engine options:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
