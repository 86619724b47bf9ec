import type pg from 'pg';

/**
 * Runs `work` in a transaction on one pooled connection: commit when it resolves, rollback when it
 * throws. A connection that cannot even roll back is discarded rather than returned to the pool.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out client whose session dies between two queries (a server restart, a terminated
  // backend) emits 'error'; the pool listens only to idle clients, and an unheard 'error' would
  // crash the process. Heard here, the next query fails instead, and the connection is discarded.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    const rolledBack = await client.query('rollback').then(
      () => true,
      () => false,
    );
    broken ||= !rolledBack;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
