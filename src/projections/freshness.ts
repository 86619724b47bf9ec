import { describeLogBlocker, formatDuration as seconds } from './logBlocker';
import type { ProjectionStatus } from './projectionStatus';

/** The lag a projection may have unless it declares its own (`maxLagMs`) or configuration sets one. */
export const DEFAULT_MAX_LAG_MS = 5_000;

/**
 * Why a projection is not fresh:
 * - no_worker: no worker holds its lock, so nothing will apply what comes next, whatever its lag now;
 * - poison_event: it stopped on an event its handler keeps failing on, until an operator skips or resumes;
 * - retrying: past its lag while retrying a failing event;
 * - held_back: past its lag because an open transaction holds committed events behind the gap-safe bound;
 * - not_progressing: past its lag and nothing applied in the last minute, with none of the reasons above;
 * - lagging: past its lag but applying: it is catching up.
 */
export type BreachReason = 'no_worker' | 'poison_event' | 'retrying' | 'held_back' | 'not_progressing' | 'lagging';

export interface FreshnessBreach {
  name: string;
  version: number;
  reason: BreachReason;
  /** One line for a person: the reason and its figures. */
  explanation: string;
  lagMs: number;
  lagEvents: number;
  maxLagMs: number;
}

/**
 * The active projections not fresh enough, each with its reason. Fresh means: a worker holds it, it
 * is not stopped on a poison event, and the oldest event it has not applied is at most its acceptable
 * lag old. Versions being rebuilt beside the active one serve no reader and are not judged.
 */
export function freshnessBreaches(statuses: readonly ProjectionStatus[], maxLagOf: (name: string) => number): FreshnessBreach[] {
  const breaches: FreshnessBreach[] = [];
  for (const status of statuses) {
    if (!status.active) continue;
    const maxLagMs = maxLagOf(status.name);
    const judged = judge(status, maxLagMs);
    if (judged) breaches.push({ name: status.name, version: status.version, ...judged, lagMs: status.lagMs, lagEvents: status.lagEvents, maxLagMs });
  }
  return breaches;
}

function judge(status: ProjectionStatus, maxLagMs: number): { reason: BreachReason; explanation: string } | undefined {
  const lag = `${status.lagEvents} event${status.lagEvents === 1 ? '' : 's'} behind, the oldest ${seconds(status.lagMs)} old`;
  const failing = status.failedEvent ? `event #${status.failedEvent.globalPosition} (attempt ${status.failedEvent.attempts}): ${oneLine(status.lastError)}` : oneLine(status.lastError);
  if (!status.owned) return { reason: 'no_worker', explanation: `no worker alive: no projection worker holds its lock (${lag})` };
  if (status.status === 'stalled') return { reason: 'poison_event', explanation: `stopped on a poison event: ${failing}; skip or resume it (sagaflow projections skip|resume)` };
  if (status.lagMs <= maxLagMs) return undefined;
  const over = `${lag}, over its ${seconds(maxLagMs)}`;
  if (status.heldBack) {
    const { by, events } = status.heldBack;
    return {
      reason: 'held_back',
      explanation: `held back by an open transaction: ${over}; ${events} committed event${events === 1 ? '' : 's'} wait behind ${describeLogBlocker(by)}`,
    };
  }
  if (status.status === 'retrying') return { reason: 'retrying', explanation: `retrying a failing event: ${over}; ${failing}` };
  if (status.eventsPerSecond > 0) return { reason: 'lagging', explanation: `lagging but progressing: ${over}, applying ${status.eventsPerSecond.toFixed(1)} events/s` };
  return { reason: 'not_progressing', explanation: `stalled: ${over}, and nothing applied in the last minute` };
}

function oneLine(text: string | null): string {
  return (text ?? 'no error recorded').replace(/\s+/g, ' ').slice(0, 200);
}

/**
 * Each projection's acceptable lag: `override` for all when given (a command's --max-lag), else the
 * configured one for its name, else its declared `maxLagMs`, else DEFAULT_MAX_LAG_MS.
 */
export function maxLagResolver(
  projections: ReadonlyArray<{ name: string; maxLagMs?: number }>,
  { override, configured = {} }: { override?: number; configured?: Readonly<Record<string, number>> } = {},
): (name: string) => number {
  const declared = new Map(projections.map((p) => [p.name, p.maxLagMs]));
  return (name) => override ?? configured[name] ?? declared.get(name) ?? DEFAULT_MAX_LAG_MS;
}
