import type pg from 'pg';
import type { ContractRegistry } from '../eventstore';
import type { BeforeCheckpointHook } from './applyBatch';
import { backoffDelay } from './backoff';
import { ControlConnection } from './controlConnection';
import type { Projection } from './defineProjection';
import { InvalidProjectionError, messageOf } from './errors';
import { HeldBackWatch } from './heldBackWatch';
import { findLogBlocker } from './logBlocker';
import { parseEngineOptions, type EngineOptionsInput } from './options';
import { ProjectionRunner, type ProjectionObserver } from './projectionRunner';
import { setupProjection } from './setupProjection';
import { Wakeup } from './wakeup';

export interface ProjectionDaemonOptions extends EngineOptionsInput {
  /** Reads, batches and status queries go through it. Its idle-client errors are absorbed while the daemon runs. */
  pool: pg.Pool;
  /** For the worker's own session (advisory locks, LISTEN): the database the pool points at. */
  connectionString: string;
  /** TLS for the control connection, as the pool has it. */
  ssl?: pg.ClientConfig['ssl'];
  contracts: ContractRegistry;
  projections: readonly Projection[];
  log?: (line: string) => void;
  observer?: ProjectionObserver;
  /** Test seam for crash tests: runs in each batch's transaction between the read-table writes and the checkpoint. */
  beforeCheckpoint?: BeforeCheckpointHook;
}

export interface DaemonHealth {
  /** The worker's session with PostgreSQL is up: it can own projections and hear wake-ups. */
  connected: boolean;
  /** The projection versions this worker applies now; the others it stands by for. */
  owned: Array<{ name: string; version: number }>;
}

export interface ProjectionDaemon {
  /** Deploys every projection (setup DDL on first deployment), then applies them in the background. */
  start(): Promise<void>;
  /** Finishes the batches in flight, releases the projections to a standby, and resolves. */
  stop(): Promise<void>;
  health(): DaemonHealth;
}

/**
 * The projection engine of one worker process. Any number of workers may run the same projections:
 * each projection version is applied by whichever worker holds its advisory lock, and the others
 * stand by, trying the lock every poll interval, to take over when the owner stops or dies. When
 * the worker's session with PostgreSQL drops (a restart, a network cut) it stops applying,
 * reconnects with backoff and takes its locks again.
 */
export function createProjectionDaemon(options: ProjectionDaemonOptions): ProjectionDaemon {
  const engineOptions = parseEngineOptions(options);
  checkDistinct(options.projections);
  const { pool, connectionString, contracts } = options;
  const log = options.log ?? (() => undefined);
  const runners = options.projections.map(
    (projection) =>
      new ProjectionRunner(projection, {
        pool,
        contracts,
        options: engineOptions,
        log,
        ...(options.observer ? { observer: options.observer } : {}),
        ...(options.beforeCheckpoint ? { beforeCheckpoint: options.beforeCheckpoint } : {}),
      }),
  );
  const wakeAll = () => runners.forEach((runner) => runner.wakeup.wake());
  const stopWaiting = new Wakeup();
  // A pooled idle connection that PostgreSQL drops emits 'error' on the pool; unheard, it would end the process.
  const onPoolError = (error: Error) => log(`database connection lost: ${error.message}`);
  let stopping = false;
  let session: ControlConnection | undefined;
  let supervising: Promise<void> | undefined;
  let watching: Promise<void> | undefined;
  const stopWatching = new Wakeup();

  /**
   * Looks each poll interval for an open transaction holding the read bound back, so that a worker
   * whose lag only grows says why in its log. Only while it applies something: a standby's log
   * would repeat the owner's.
   */
  async function watchReadBound(): Promise<void> {
    const watch = new HeldBackWatch(engineOptions.heldBackLogAfterMs, log);
    const eventTypes = [...new Set(options.projections.flatMap((projection) => projection.eventTypes))];
    while (!stopping) {
      if (runners.some((runner) => runner.owned)) {
        try {
          watch.observe(await findLogBlocker(pool, { eventTypes }), Date.now());
        } catch {
          // The database is out of reach: the runners say so and reconnect; look again next time.
        }
      }
      await stopWatching.wait(engineOptions.pollIntervalMs);
    }
  }

  async function supervise(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      let current: ControlConnection;
      try {
        current = await ControlConnection.open(connectionString, wakeAll, options.ssl);
      } catch (error) {
        failures++;
        const ms = backoffDelay(engineOptions.reconnect, failures);
        log(`cannot reach PostgreSQL: ${messageOf(error)}; trying again in ${ms} ms`);
        await stopWaiting.wait(ms);
        continue;
      }
      if (failures > 0) log('connected to PostgreSQL again');
      failures = 0;
      session = current;
      void current.lost.then((error) => {
        if (!stopping) log(`lost the worker's session with PostgreSQL (${error.message}): projections paused, reconnecting`);
        runners.forEach((runner) => runner.stop());
      });
      await Promise.all(runners.map((runner) => runner.run(current, () => stopping)));
      session = undefined;
      await current.close(); // ends the session: PostgreSQL releases every lock it held
      if (!stopping) failures = 1;
    }
  }

  return {
    async start() {
      if (supervising) throw new Error('the projection daemon is already started');
      pool.on('error', onPoolError);
      try {
        for (const runner of runners) {
          const { created, activeVersion } = await setupProjection(pool, runner.projection);
          const { name, version } = runner.projection;
          if (created) log(`projection ${name} v${version}: tables created`);
          if (activeVersion !== version) log(`projection ${name} v${version}: built beside v${activeVersion}, which readers see`);
        }
      } catch (error) {
        pool.off('error', onPoolError);
        throw error;
      }
      supervising = supervise();
      watching = watchReadBound();
    },
    async stop() {
      stopping = true;
      stopWaiting.wake();
      stopWatching.wake();
      runners.forEach((runner) => runner.stop());
      await Promise.all([supervising, watching]);
      pool.off('error', onPoolError);
    },
    health() {
      return {
        connected: session?.isAlive ?? false,
        owned: runners.filter((runner) => runner.owned).map(({ projection: { name, version } }) => ({ name, version })),
      };
    },
  };
}

function checkDistinct(projections: readonly Projection[]): void {
  const versions = new Set<string>();
  const tableOwners = new Map<string, string>();
  for (const { name, version, tables } of projections) {
    if (versions.has(`${name}@${version}`)) throw new InvalidProjectionError(`projection ${name} v${version} is listed twice`);
    versions.add(`${name}@${version}`);
    for (const table of tables) {
      const owner = tableOwners.get(table);
      if (owner && owner !== name) throw new InvalidProjectionError(`projections ${owner} and ${name} both declare the table ${table}`);
      tableOwners.set(table, name);
    }
  }
}
