/**
 * `npm run compose:write`: renders docker-compose.yml from the cluster profile's facts.
 *   --check   write nothing; exit 1 when the committed file differs from the rendering
 */
import fs from 'node:fs';
import path from 'node:path';
import { composition } from '../../processes';
import { renderComposeFile } from './composeFile';
import { repoRoot } from './paths';

const file = path.join(repoRoot, 'docker-compose.yml');
const rendered = renderComposeFile(composition.searchAttributes);
const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;

if (process.argv.includes('--check')) {
  if (committed !== rendered) {
    console.error('docker-compose.yml is stale: run npm run compose:write and commit it');
    process.exitCode = 1;
  }
} else if (committed === rendered) {
  console.log('docker-compose.yml is up to date');
} else {
  fs.writeFileSync(file, rendered);
  console.log(`wrote docker-compose.yml (${composition.searchAttributes.length} search attributes)`);
}
