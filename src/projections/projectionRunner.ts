import type pg from 'pg';
import { compareCheckpoints, readAll, type Checkpoint, type ContractRegistry, type ReadAllPage } from '../eventstore';
import { applyBatch, type BeforeCheckpointHook } from './applyBatch';
import { backoffDelay } from './backoff';
import { inBatchSpan } from './batchSpan';
import { readCheckpoint, recordHandlerFailure } from './checkpoints';
import type { ControlConnection } from './controlConnection';
import type { Projection } from './defineProjection';
import { ProjectionHandlerError, messageOf } from './errors';
import type { EngineOptions } from './options';
import { Wakeup } from './wakeup';

/** What the engine reports as it works, for metrics and logs. */
export interface ProjectionObserver {
  batchApplied?(projection: Projection, events: number, durationMs: number): void;
  handlerFailed?(projection: Projection, error: ProjectionHandlerError, stalled: boolean): void;
}

export interface RunnerContext {
  pool: pg.Pool;
  contracts: ContractRegistry;
  options: EngineOptions;
  log: (line: string) => void;
  observer?: ProjectionObserver;
  beforeCheckpoint?: BeforeCheckpointHook;
}

/**
 * After a round: look again at once, wait for a wake-up (or the poll interval), stand by for the
 * lock, or back off. Standing by and backing off are cut short only by stopping: a standby has
 * nothing to do with appends, and a backoff that every append could end would be no backoff.
 */
type Next = { then: 'continue' } | { then: 'poll' } | { then: 'standby' } | { then: 'backoff'; ms: number };

/**
 * Drives one projection version for one worker: takes its advisory lock (or stands by, trying again
 * every poll), then reads pages of the log after its checkpoint and applies them. A page whose
 * handler fails is retried one event at a time up to the failing event, which is retried with
 * backoff and, out of attempts, stalls the projection on it. Connection errors are not the
 * handler's fault: they are retried with backoff, forever.
 */
export class ProjectionRunner {
  /** Woken by append notifications, operator commands and shutdown. */
  readonly wakeup = new Wakeup();
  private interrupt = new Wakeup();
  private ownsLock = false;
  /** After a page failed: apply single events until the checkpoint passes the end of that page. */
  private isolateUntil: Checkpoint | undefined;
  private connectionFailures = 0;

  constructor(
    readonly projection: Projection,
    private readonly ctx: RunnerContext,
  ) {}

  get owned(): boolean {
    return this.ownsLock;
  }

  /** Wakes the loop from any wait, backoffs included: the session ended or the worker is stopping. */
  stop(): void {
    this.interrupt.wake();
    this.wakeup.wake();
  }

  /** Works while `session` is alive and `stopping()` is false; a batch in flight is always finished. */
  async run(session: ControlConnection, stopping: () => boolean): Promise<void> {
    this.ownsLock = false;
    this.interrupt = new Wakeup();
    const active = () => session.isAlive && !stopping();
    try {
      while (active()) {
        const next = await this.round(session, active);
        if (!active()) break;
        if (next.then === 'poll') await this.wakeup.wait(this.ctx.options.pollIntervalMs);
        else if (next.then === 'standby') await this.interrupt.wait(this.ctx.options.pollIntervalMs);
        else if (next.then === 'backoff') await this.interrupt.wait(next.ms);
      }
    } finally {
      this.ownsLock = false;
    }
  }

  private async round(session: ControlConnection, active: () => boolean): Promise<Next> {
    const { pool, contracts, options, log } = this.ctx;
    const { name, version } = this.projection;
    try {
      if (!this.ownsLock) {
        this.ownsLock = await session.tryLock(name, version);
        if (!this.ownsLock) return { then: 'standby' };
        log(`projection ${name} v${version}: this worker owns it now`);
      }
      const state = await readCheckpoint(pool, name, version);
      if (!state) throw new Error(`projection ${name} v${version} has no checkpoint row; was it set up?`);
      if (state.status === 'stalled' || state.status === 'rebuilding') return { then: 'poll' };
      if (this.isolateUntil && compareCheckpoints(state.checkpoint, this.isolateUntil) >= 0) this.isolateUntil = undefined;
      const page = await readAll(pool, contracts, {
        after: state.checkpoint,
        limit: this.isolateUntil ? 1 : options.batchSize,
        eventTypes: [...this.projection.eventTypes],
      });
      this.connectionFailures = 0;
      if (page.events.length === 0) return { then: 'poll' };
      // The lock went with the session: leave the page to whoever holds it now.
      if (!active()) return { then: 'continue' };
      return await this.applyPage(state.checkpoint, page);
    } catch (error) {
      this.connectionFailures++;
      const ms = backoffDelay(options.reconnect, this.connectionFailures);
      log(`projection ${name} v${version}: ${messageOf(error)}; trying again in ${ms} ms`);
      return { then: 'backoff', ms };
    }
  }

  private async applyPage(from: Checkpoint, page: ReadAllPage): Promise<Next> {
    const started = performance.now();
    try {
      const result = await inBatchSpan(this.projection, page.events, () =>
        applyBatch(this.ctx.pool, this.projection, { from, events: page.events, to: page.checkpoint }, this.ctx.beforeCheckpoint),
      );
      if (!result.applied) {
        if (result.reason === 'CHECKPOINT_MOVED') this.ctx.log(`projection ${this.projection.name} v${this.projection.version}: its checkpoint moved under this worker; reading again`);
        return { then: result.reason === 'STALLED' ? 'poll' : 'continue' };
      }
      this.ctx.observer?.batchApplied?.(this.projection, result.events, performance.now() - started);
      return { then: 'continue' };
    } catch (error) {
      if (error instanceof ProjectionHandlerError) return this.handlerFailed(from, page, error);
      throw error;
    }
  }

  private async handlerFailed(at: Checkpoint, page: ReadAllPage, error: ProjectionHandlerError): Promise<Next> {
    const { name, version } = this.projection;
    const event = page.events[0]!;
    if (page.events.length > 1) {
      // Find the culprit: everything before it gets applied, and the projection stops exactly on it.
      this.isolateUntil = page.checkpoint;
      this.ctx.log(`projection ${name} v${version}: ${error.message}; applying the page one event at a time`);
      return { then: 'continue' };
    }
    const { attempts: allowed } = this.ctx.options.handlerRetry;
    const failure = await recordHandlerFailure(this.ctx.pool, name, version, at, { event, error: messageOf(error.cause), allowedAttempts: allowed });
    if (!failure.recorded) return { then: 'continue' };
    const { attempts, stalled } = failure;
    this.ctx.observer?.handlerFailed?.(this.projection, error, stalled);
    if (stalled) {
      this.ctx.log(`projection ${name} v${version} STALLED after ${attempts} attempts: ${error.message}`);
      return { then: 'poll' };
    }
    const ms = backoffDelay(this.ctx.options.handlerRetry, attempts);
    this.ctx.log(`projection ${name} v${version}: attempt ${attempts} of ${allowed} failed: ${error.message}; retrying in ${ms} ms`);
    return { then: 'backoff', ms };
  }
}
