import type pg from 'pg';
import type { ContractRegistry } from '../contracts';
import { PersonalDataCipher } from './cipher';
import { EncryptionKeyError } from './errors';
import { PostgresKeyStore } from './keyStore';
import { ENCRYPTION_KEY_VARIABLE, MasterKey } from './masterKey';

export { ENCRYPTION_KEY_VARIABLE };

/**
 * The cipher SAGAFLOW_ENCRYPTION_KEY configures, over the key table on this pool. Unset, personal
 * fields are written in plain (with a warning) so the local stack and tests run without setup;
 * in production (NODE_ENV=production) unset is refused: no silent plaintext there.
 */
export function personalDataFromEnv(pool: pg.Pool, env: NodeJS.ProcessEnv = process.env): PersonalDataCipher | undefined {
  const value = env[ENCRYPTION_KEY_VARIABLE];
  if (value === undefined || value === '') {
    if (env.NODE_ENV === 'production') {
      throw new EncryptionKeyError(ENCRYPTION_KEY_VARIABLE, 'must be set when NODE_ENV=production: personal fields would be stored in plain and could never be erased');
    }
    return undefined;
  }
  const master = MasterKey.parse(value, ENCRYPTION_KEY_VARIABLE);
  return new PersonalDataCipher(new PostgresKeyStore(pool, master), master);
}

/** The contracts as a process configured by the environment reads and writes them: with its cipher when SAGAFLOW_ENCRYPTION_KEY is set. */
export function withPersonalDataFromEnv(pool: pg.Pool, contracts: ContractRegistry, env: NodeJS.ProcessEnv = process.env): ContractRegistry {
  const cipher = personalDataFromEnv(pool, env);
  return cipher ? contracts.withPersonalData(cipher) : contracts;
}
