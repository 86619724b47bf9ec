import { InvalidOptionsError, InvalidProjectionError, createProjectionDaemon, defineProjection, parseEngineOptions, type ProjectionDefinition } from '../../../src/projections';
import { contracts } from '../../support/contracts';
import type pg from 'pg';

const valid: ProjectionDefinition<'things'> = {
  name: 'things',
  version: 2,
  eventTypes: ['OrderPlaced'],
  tables: ['things'],
  setup: (t) => `create table ${t.things} (id text primary key)`,
  apply: async () => undefined,
};

describe('defineProjection', () => {
  it('names each table after its version', () => {
    expect(defineProjection(valid).tableNames).toEqual({ things: 'things_v2' });
  });

  it('lists every broken rule with its field', () => {
    const attempt = () => defineProjection({ ...valid, name: 'Things!', version: 0, eventTypes: [], tables: ['things', 'things'] });
    expect(attempt).toThrow(InvalidProjectionError);
    expect(attempt).toThrow(/name: must start with a lower-case letter/);
    expect(attempt).toThrow(/version: must be a whole number ≥ 1, got 0/);
    expect(attempt).toThrow(/eventTypes: must list at least one event type/);
    expect(attempt).toThrow(/tables: must not repeat a name/);
  });

  it('refuses a set-based fold that is not a function, or yields no runnable statement', () => {
    expect(() => defineProjection({ ...valid, foldInSql: 'insert …' as never })).toThrow(/foldInSql: must be a function returning SQL statements, or absent/);
    expect(() => defineProjection({ ...valid, foldInSql: () => [] })).toThrow(/projection "things" is invalid:\n {2}foldInSql: must return a non-empty array of SQL statements, got \[\]/);
    expect(() => defineProjection({ ...valid, foldInSql: () => ['  '] })).toThrow(/foldInSql: must return a non-empty array of SQL statements, got \[" {2}"\]/);
    expect(() => defineProjection({ ...valid, foldInSql: (t) => [`insert into ${t.things} select stream_id from log`] })).not.toThrow();
  });

  it('refuses a table name PostgreSQL would truncate', () => {
    expect(() => defineProjection({ ...valid, tables: ['t'.repeat(61)] as never[] })).toThrow(/longer than 63 characters/);
  });
});

describe('engine options', () => {
  it('fills in the defaults', () => {
    expect(parseEngineOptions({})).toEqual({
      batchSize: 500,
      pollIntervalMs: 1_000,
      heldBackLogAfterMs: 5_000,
      handlerRetry: { attempts: 5, initialDelayMs: 500, maxDelayMs: 30_000 },
      reconnect: { initialDelayMs: 200, maxDelayMs: 10_000 },
    });
  });

  it('names every wrong field with its rule', () => {
    const attempt = () => parseEngineOptions({ batchSize: 0, pollIntervalMs: 2.5, heldBackLogAfterMs: -1, handlerRetry: { attempts: 3, initialDelayMs: 100, maxDelayMs: 10 } });
    expect(attempt).toThrow(InvalidOptionsError);
    expect(attempt).toThrow(/batchSize: must be at least 1/);
    expect(attempt).toThrow(/pollIntervalMs: must be a whole number of milliseconds/);
    expect(attempt).toThrow(/heldBackLogAfterMs: must be at least 0 ms/);
    expect(attempt).toThrow(/handlerRetry.maxDelayMs: must not be below initialDelayMs/);
  });

  it('a daemon refuses the same projection version twice, and two projections sharing a table', () => {
    const daemon = (projections: ReturnType<typeof defineProjection>[]) => () =>
      createProjectionDaemon({ pool: {} as pg.Pool, connectionString: 'postgres://unused', contracts, projections });
    expect(daemon([defineProjection(valid), defineProjection(valid)])).toThrow(/projection things v2 is listed twice/);
    expect(daemon([defineProjection(valid), defineProjection({ ...valid, name: 'other' })])).toThrow(/projections things and other both declare the table things/);
  });
});
