import { Client, type Connection } from '@temporalio/client';
import { connectTemporal } from '../config/connections';
import type { SagaflowConfig } from '../config/env';
import { stateDir } from '../infra/paths';
import { runningDevServer } from '../infra/temporal';
import { CliError } from './errors';

export interface CliTemporal {
  client: Client;
  address: string;
  namespace: string;
  close(): Promise<void>;
}

/** The configured Temporal (TEMPORAL_ADDRESS, with its TLS or API key), or else the local dev stack's server when it is running. */
async function connectCliTemporal(config: SagaflowConfig): Promise<CliTemporal> {
  const local = config.temporalAddress ? undefined : runningDevServer(stateDir('dev'));
  const address = config.temporalAddress ?? local?.address;
  if (!address) throw new CliError('no Temporal server to talk to: set TEMPORAL_ADDRESS, or start the local stack with `npm run dev`');
  const namespace = config.temporalAddress ? config.namespace : (local?.namespace ?? config.namespace);
  let connection: Connection;
  try {
    connection = await connectTemporal(address, config, { connectTimeout: '5 seconds' });
  } catch (error) {
    throw new CliError(`cannot reach Temporal at ${address}: ${(error as Error).message}`);
  }
  return { client: new Client({ connection, namespace }), address, namespace, close: () => connection.close() };
}

/** Runs `work` with a Temporal client and closes the connection after it, however it ends. */
export async function withTemporal<T>(config: SagaflowConfig, work: (temporal: CliTemporal) => Promise<T>): Promise<T> {
  const temporal = await connectCliTemporal(config);
  try {
    return await work(temporal);
  } finally {
    await temporal.close();
  }
}
