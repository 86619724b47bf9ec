import pg from 'pg';
import { APPEND_CHANNEL } from './tables';

export interface AppendSubscription {
  close(): Promise<void>;
}

/**
 * Calls `onAppend(streamId)` after each committed append (LISTEN on the store's channel), so readers
 * wake without polling. Notifications are hints: a reader still reads from its checkpoint, and
 * should keep a slow poll for the moments the connection is down.
 */
export async function subscribeToAppends(
  /** A URL, or client settings with TLS (`postgresConnection(url, settings)` in src/config/connections). */
  connection: string | pg.ClientConfig,
  onAppend: (streamId: string) => void,
  onError: (error: Error) => void = () => undefined,
): Promise<AppendSubscription> {
  const client = new pg.Client(typeof connection === 'string' ? { connectionString: connection } : connection);
  client.on('notification', (message) => {
    if (message.channel === APPEND_CHANNEL) onAppend(message.payload ?? '');
  });
  client.on('error', onError);
  await client.connect();
  await client.query(`listen ${APPEND_CHANNEL}`);
  return { close: () => client.end() };
}
