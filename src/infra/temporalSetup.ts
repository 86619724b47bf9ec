import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { cliTypeName } from './temporal';

/**
 * How a Temporal cluster on PostgreSQL is set up for sagaflow, stated once. The cluster profile
 * (`npm run dev -- --cluster`) runs the schema script below and registers the same namespace and
 * search attributes; docker-compose.yml is rendered from these scripts and constants
 * (`npm run compose:write`), so what runs here is what compose runs.
 */

/**
 * How the Temporal server reaches its PostgreSQL: the variables of the temporalio/server image's
 * config template (config/docker.yaml).
 */
export const TEMPORAL_DB = { plugin: 'postgres12', user: 'temporal', password: 'temporal' } as const;

/** Temporal's two databases and the schema folder of each under schema/postgresql/v12. */
export const TEMPORAL_DATABASES = [
  { database: 'temporal', schema: 'temporal' },
  { database: 'temporal_visibility', schema: 'visibility' },
] as const;

/** sagaflow's own database, beside Temporal's on the same server. */
export const SAGAFLOW_DATABASE = 'sagaflow';

/** How long closed runs stay in the cluster's history. */
export const NAMESPACE_RETENTION_HOURS = 7 * 24;

/**
 * The schema setup, as POSIX sh with the official SQL tool (`temporal-sql-tool`) on PATH. It reads
 * the server's own variables (DB, POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, SQL_PASSWORD) and
 * SCHEMA_DIR, the server module's schema/postgresql/v12. Every step may run again: create-database
 * keeps a database that exists, setup-schema skips a schema already past 0.0, and update-schema
 * applies only the versions a newer server brings.
 */
export function schemaSetupScript(): string {
  const databases = TEMPORAL_DATABASES.map(({ database, schema }) => `${database}:${schema}`).join(' ');
  return `sql() { temporal-sql-tool --plugin "$DB" --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"; }
for pair in ${databases}; do
  db=\${pair%%:*}
  sql --db "$db" create-database
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$SCHEMA_DIR/\${pair#*:}/versioned"
done
sql --db ${SAGAFLOW_DATABASE} create-database
`;
}

/**
 * The namespace and sagaflow's search attributes, as POSIX sh with the Temporal CLI on PATH and
 * TEMPORAL_ADDRESS set. A namespace just created reaches every service of the server within its
 * cache refresh (10 s), and the operator service refuses it until then: the search attributes are
 * retried for a minute.
 */
export function namespaceSetupScript(namespace: string, searchAttributes: readonly SearchAttributeKey<SearchAttributeType>[]): string {
  // One call per attribute: the CLI takes several --name flags but registers only the first.
  const creates = searchAttributes.map((key) => `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${cliTypeName(key.type)}`);
  return `temporal operator namespace describe --namespace ${namespace} >/dev/null 2>&1 \\
  || temporal operator namespace create --namespace ${namespace} --retention ${NAMESPACE_RETENTION_HOURS}h
attempt=0
until ${creates.join(' \\\n  && ')}; do
  attempt=$((attempt + 1))
  [ "$attempt" -lt 30 ] || exit 1
  sleep 2
done
`;
}
