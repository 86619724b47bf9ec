import pg from 'pg';
import { APPEND_CHANNEL } from '../eventstore/tables';
import { LOCK_KEY_FUNCTION, PROJECTION_CHANNEL } from './tables';

/**
 * The worker's own session with PostgreSQL: it holds the session-level advisory locks that make
 * this worker the owner of projections, and LISTENs for appends and operator commands. One
 * connection for both on purpose: when it drops, the locks and the wake-ups go together, and
 * `lost` resolves so the worker stops applying and reconnects.
 */
export class ControlConnection {
  readonly lost: Promise<Error>;
  private alive = true;
  /** The projections' runners ask for locks concurrently; one session runs one query at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly client: pg.Client,
    lost: Promise<Error>,
  ) {
    this.lost = lost.finally(() => {
      this.alive = false;
    });
  }

  static async open(connectionString: string, onWake: () => void, ssl?: pg.ClientConfig['ssl']): Promise<ControlConnection> {
    // Keepalive and a connect timeout: a cut network must end the session here too, not hang it.
    const client = new pg.Client({ connectionString, ...(ssl !== undefined ? { ssl } : {}), application_name: 'sagaflow projection worker', keepAlive: true, connectionTimeoutMillis: 10_000 });
    let markLost!: (error: Error) => void;
    const lost = new Promise<Error>((resolve) => (markLost = resolve));
    client.on('error', (error) => markLost(error));
    client.on('end', () => markLost(new Error('control connection closed')));
    client.on('notification', () => onWake());
    try {
      await client.connect();
      await client.query(`listen ${APPEND_CHANNEL}`);
      await client.query(`listen ${PROJECTION_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return new ControlConnection(client, lost);
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /** Takes a projection version's lock without waiting; true when this session now owns it. */
  async tryLock(name: string, version: number): Promise<boolean> {
    const query = this.queue.then(() =>
      this.client.query<{ locked: boolean }>(`select pg_try_advisory_lock(${LOCK_KEY_FUNCTION}($1, $2)) as locked`, [name, version]),
    );
    this.queue = query.catch(() => undefined);
    const { rows } = await query;
    return rows[0]!.locked;
  }

  /** Ends the session; PostgreSQL releases every lock it held. */
  async close(): Promise<void> {
    this.alive = false;
    await this.client.end().catch(() => undefined);
  }
}
