import path from 'node:path';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import type { SagaflowConfig } from '../config/env';
import { stateDir } from './paths';
import { startPostgres, type PostgresService } from './postgres';
import { startTemporal, type TemporalService } from './temporal';

/**
 * dev: durable state under .sagaflow/dev, stable ports, Web UI (runs survive restarts).
 * test: its own cluster under .sagaflow/test (no fsync), an in-memory Temporal and its Web UI on random ports.
 * bench: durable like dev but its own state, so measurements never mix with a developer's data.
 */
export type ServiceProfile = 'dev' | 'test' | 'bench';

export interface LocalServices {
  postgres: PostgresService;
  temporal: TemporalService;
  /** Stops what this process started, Temporal first (its workers may still be finishing activities against PostgreSQL). */
  stop(): Promise<void>;
}

export interface LocalServicesOptions {
  profile: ServiceProfile;
  /** External services named here are used (and checked) instead of local ones. */
  config: Pick<SagaflowConfig, 'databaseUrl' | 'databaseSslCaPath' | 'temporalAddress' | 'namespace' | 'temporalTls'>;
  searchAttributes: readonly SearchAttributeKey<SearchAttributeType>[];
  log?: (line: string) => void;
}

export async function startLocalServices({ profile, config, searchAttributes, log }: LocalServicesOptions): Promise<LocalServices> {
  const dir = stateDir(profile);
  const postgres = await startPostgres({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl, ssl: config } : {}),
    dataDir: path.join(dir, 'postgres'),
    preferredPort: profile === 'dev' ? 54329 : profile === 'bench' ? 54339 : 0,
    durable: profile !== 'test',
    ...(log ? { log } : {}),
  });
  let temporal: TemporalService;
  try {
    temporal = await startTemporal({
      ...(config.temporalAddress ? { address: config.temporalAddress, tls: config } : {}),
      namespace: config.namespace,
      stateDir: dir,
      persistent: profile !== 'test',
      // Tests serve the Web UI too (on a free port), for the browser test that tours it.
      ui: profile !== 'bench',
      preferredPort: profile === 'dev' ? 7233 : 0,
      preferredUiPort: profile === 'dev' ? 8233 : 0,
      searchAttributes,
      ...(log ? { log } : {}),
    });
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  return {
    postgres,
    temporal,
    async stop() {
      await temporal.stop();
      await postgres.stop();
    },
  };
}
