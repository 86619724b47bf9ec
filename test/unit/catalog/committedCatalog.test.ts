import { composition } from '../../../processes';
import { buildCatalog, checkCompatibility, contractSources, formatProblem, readCommittedCatalog, renderCatalogFiles, staleFiles } from '../../../src/catalog';

/** The committed docs/events.* are the published catalog: today's contracts must regenerate them exactly and keep every version in them. */
describe('the committed event catalog (docs/events.md, docs/events.catalog.json)', () => {
  const current = buildCatalog(composition);

  it('is what the contracts generate', () => {
    const stale = staleFiles(renderCatalogFiles(current)).map(({ file, hint }) => `${file} is stale: run npm run catalog:events and commit it (${hint})`);
    expect(stale).toEqual([]);
  });

  it('is kept by the contracts: no published (type, version) is changed but by added optional fields, and every version upcasts to the latest', () => {
    const published = readCommittedCatalog();
    expect(published).toBeDefined();
    expect(checkCompatibility(published!, current).map(formatProblem)).toEqual([]);
  });

  it('says for every contract version what fact it records', () => {
    const undescribed = contractSources(composition.processes).flatMap((source) =>
      source.contracts.filter((c) => !c.description?.trim()).map((c) => `${c.type} v${c.version} (${source.owner}) has no description: pass defineEvent(…, { description })`),
    );
    expect(undescribed).toEqual([]);
  });
});
