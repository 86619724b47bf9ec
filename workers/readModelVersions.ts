import { withPersonalDataFromEnv } from '../src/eventstore/personalData/fromEnv';
import type pg from 'pg';
import { activeVersionOf, DEFAULT_BUILD_BATCH_SIZE, DEFAULT_PARTITIONS, rebuildProjection } from '../src/projections';
import { composition } from '../processes';

/**
 * A local stack's or the cluster profile's database may hold read models of older code (state
 * survives under .sagaflow/). A newer version would be built beside the active one and wait for an
 * operator's rebuild, while readers (the demo's summary, `sagaflow sagas stats`) look for its
 * tables: on a developer's machine the rebuild runs here instead, before the workers start
 * applying, so readers move to it at once.
 */
export async function rebuildNewerReadModels(pool: pg.Pool, log: (line: string) => void): Promise<void> {
  for (const projection of composition.readModels) {
    const active = await activeVersionOf(pool, projection.name);
    if (active === undefined || active >= projection.version) continue;
    log(`read model ${projection.name}: the code has v${projection.version}, this database v${active}; rebuilding it from the log`);
    const started = Date.now();
    const report = await rebuildProjection(pool, projection, { contracts: withPersonalDataFromEnv(pool, composition.contracts), partitions: DEFAULT_PARTITIONS, batchSize: DEFAULT_BUILD_BATCH_SIZE });
    log(`read model ${projection.name} v${projection.version}: ${report.events} events folded in ${((Date.now() - started) / 1000).toFixed(1)} s; readers see it now`);
  }
}
