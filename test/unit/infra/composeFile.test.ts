import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { renderComposeFile } from '../../../src/infra/composeFile';
import { namespaceSetupScript, schemaSetupScript, TEMPORAL_DB } from '../../../src/infra/temporalSetup';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_SERVER_VERSION } from '../../../src/infra/temporalServer';
import { composition } from '../../../processes';

interface ComposeService {
  image?: string;
  environment?: Record<string, string>;
  command?: string[];
}

const committed = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docker-compose.yml'), 'utf8');
const services = (parse(committed, { merge: true }) as { services: Record<string, ComposeService> }).services;
/**
 * What the shell receives once compose has interpolated the command: `$$` is a `$`, and any other
 * `$` would be replaced by a variable of the host running compose, so none may be left.
 */
const asRun = (service: string) => {
  const [command] = services[service]!.command!;
  const interpolated = command!.split('$$').filter((part) => part.includes('$'));
  expect(interpolated).toEqual([]);
  return command!.replaceAll('$$', '$');
};
const bare = (version: string) => version.replace(/^v/, '');

describe('docker-compose.yml is rendered from what the cluster profile runs', () => {
  it('is the committed rendering (npm run compose:write)', () => {
    expect(committed).toBe(renderComposeFile(composition.searchAttributes));
  });

  it('runs the schema script the cluster profile runs, byte for byte once compose has unescaped it', () => {
    expect(asRun('temporal-schema')).toBe(schemaSetupScript());
  });

  it('registers the namespace and every search attribute of the composition', () => {
    expect(asRun('temporal-setup')).toBe(namespaceSetupScript('default', composition.searchAttributes));
    for (const key of composition.searchAttributes) expect(asRun('temporal-setup')).toContain(`--name ${key.name} --type Keyword`);
  });

  it('pins the images to the versions the cluster profile builds and gives the server its database login', () => {
    expect(services.temporal!.image).toBe(`temporalio/server:${bare(TEMPORAL_SERVER_VERSION)}`);
    expect(services['temporal-schema']!.image).toBe(`temporalio/admin-tools:${bare(TEMPORAL_SERVER_VERSION)}`);
    expect(services['temporal-setup']!.image).toBe(`temporalio/admin-tools:${bare(TEMPORAL_SERVER_VERSION)}`);
    expect(services['temporal-ui']!.image).toBe(`temporalio/ui:${bare(TEMPORAL_UI_SERVER_VERSION)}`);
    expect(services.temporal!.environment).toMatchObject({ DB: TEMPORAL_DB.plugin, POSTGRES_USER: TEMPORAL_DB.user, POSTGRES_PWD: TEMPORAL_DB.password });
    expect(services['temporal-schema']!.environment).toMatchObject({ DB: TEMPORAL_DB.plugin, SQL_PASSWORD: TEMPORAL_DB.password });
  });

  it('requires the master key of personal fields for both workers, which run with NODE_ENV=production', () => {
    for (const worker of ['saga-worker', 'projection-worker']) expect(services[worker]!.environment!.SAGAFLOW_ENCRYPTION_KEY).toMatch(/^\$\{SAGAFLOW_ENCRYPTION_KEY:\?/);
  });
});
