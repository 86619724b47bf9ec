import pg from 'pg';
import { surviveDisconnects } from '../../src/config/connections';

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
