import type { Pool } from 'pg';
import { createPingActivities } from './ping';

export interface ActivityDeps {
  pool: Pool;
}

/** Every activity the saga worker registers, built over shared dependencies (the pool, the adapters). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPingActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
