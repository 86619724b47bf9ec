import pg from 'pg';

const asString = (value: string) => value;
const parseJson = (value: string): unknown => JSON.parse(value);

/**
 * node-postgres' stock parsers for the types Emmett re-registers process-wide once it opens a pool
 * (int8 as BigInt, json/jsonb through a BigInt-aware reviver). Pinning them per pool keeps the
 * other subjects reading rows exactly as they would in a process without Emmett.
 */
const getTypeParser: pg.CustomTypesConfig['getTypeParser'] = (oid, format = 'text'): ((value: string) => unknown) => {
  if (format === 'text') {
    if (oid === pg.types.builtins.INT8) return asString;
    if (oid === pg.types.builtins.JSON || oid === pg.types.builtins.JSONB) return parseJson;
  }
  return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
};

export function stockPool(connectionString: string, max: number): pg.Pool {
  return surviveDisconnects(new pg.Pool({ connectionString, max, types: { getTypeParser } }));
}

/**
 * When the server ends connections (a database dropped or the server stopped on Ctrl-C), node-postgres
 * emits 'error' on the pool for idle clients and on the client itself for checked-out ones, and an
 * 'error' nobody listens to kills the process before its cleanup has stopped the server. The query
 * that was running still rejects, so nothing is hidden.
 */
export function surviveDisconnects(pool: pg.Pool): pg.Pool {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
