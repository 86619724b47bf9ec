/**
 * `npm run catalog:events`: regenerates docs/events.md and docs/events.catalog.json from the
 * composition's contracts, refusing (exit 1, nothing written) when the contracts break the
 * committed catalog, the published one.
 *
 *   --check                 write nothing; exit 1 when the files are stale or the contracts break them
 *   --published <file>      compare with this catalog instead of the committed one (CI: the main branch's)
 *   --accept-breaking       write even so; only for versions no environment has stored yet
 */
import fs from 'node:fs';
import { composition } from '../../processes';
import { buildCatalog, type EventCatalog } from './catalog';
import { checkCompatibility, formatProblem } from './compatibility';
import { readCommittedCatalog, renderCatalogFiles, staleFiles, writeCatalogFiles } from './files';

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const acceptBreaking = argv.includes('--accept-breaking');
  const publishedAt = argv.indexOf('--published');
  const publishedFile = publishedAt >= 0 ? argv[publishedAt + 1] : undefined;
  if (publishedAt >= 0 && !publishedFile) throw new Error('--published needs a file: the catalog to compare with');
  const published = publishedFile ? (JSON.parse(fs.readFileSync(publishedFile, 'utf8')) as EventCatalog) : readCommittedCatalog();

  const current = buildCatalog(composition);
  const problems = published ? checkCompatibility(published, current) : [];
  for (const problem of problems) console.error(`breaking: ${formatProblem(problem)}`);
  const files = renderCatalogFiles(current);

  if (check) {
    const stale = staleFiles(files);
    for (const { file, hint } of stale) console.error(`${file} is stale: run npm run catalog:events and commit it (${hint})`);
    return problems.length > 0 || stale.length > 0 ? 1 : 0;
  }
  if (problems.length > 0 && !acceptBreaking) {
    console.error(`nothing written: ${problems.length} change(s) break the published catalog (${COMPATIBILITY_HINT})`);
    return 1;
  }
  writeCatalogFiles(files);
  console.log(`wrote ${Object.keys(files).join(' and ')}: ${current.events.length} event types, ${current.events.reduce((n, e) => n + e.versions.length, 0)} versions`);
  return 0;
}

const COMPATIBILITY_HINT = 'see the compatibility policy in docs/events.md';

process.exitCode = main(process.argv.slice(2));
