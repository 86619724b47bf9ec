import fs from 'node:fs';
import path from 'node:path';
import { TEMPORAL_DATABASES, TEMPORAL_DB } from '../../../src/infra/temporalCluster';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_SERVER_VERSION } from '../../../src/infra/temporalServer';

const compose = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docker-compose.yml'), 'utf8');
const bare = (version: string) => version.replace(/^v/, '');

describe('docker-compose.yml runs what the cluster profile runs', () => {
  it('pins the server, admin-tools and UI images to the versions the cluster profile builds', () => {
    const images = [...compose.matchAll(/image:\s*(temporalio\/[\w-]+):(\S+)/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(images.sort()).toEqual(
      [`temporalio/admin-tools:${bare(TEMPORAL_SERVER_VERSION)}`, `temporalio/admin-tools:${bare(TEMPORAL_SERVER_VERSION)}`, `temporalio/server:${bare(TEMPORAL_SERVER_VERSION)}`, `temporalio/ui:${bare(TEMPORAL_UI_SERVER_VERSION)}`].sort(),
    );
  });

  it("gives the server's config template the database plugin and login the cluster profile gives it", () => {
    expect(compose).toMatch(new RegExp(`DB: ${TEMPORAL_DB.plugin}\\b`));
    expect(compose).toMatch(new RegExp(`POSTGRES_USER: ${TEMPORAL_DB.user}\\b`));
    expect(compose).toMatch(new RegExp(`POSTGRES_PWD: ${TEMPORAL_DB.password}\\b`));
    expect(compose).toMatch(new RegExp(`--plugin ${TEMPORAL_DB.plugin}\\b`));
  });

  it("sets up the same two databases from the server's versioned PostgreSQL schema", () => {
    for (const { database } of TEMPORAL_DATABASES) expect(compose).toContain(database);
    expect(compose).toContain('/etc/temporal/schema/postgresql/v12/$$dir/versioned');
    expect(TEMPORAL_DATABASES.map((d) => d.schema)).toEqual(['temporal', 'visibility']);
  });
});
