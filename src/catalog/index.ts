export { buildCatalog, catalogOf, contractSources, CATALOG_FORMAT, COMPATIBILITY_POLICY } from './catalog';
export type { CatalogEvent, CatalogOwner, CatalogUpcaster, CatalogVersion, ContractSource, EventCatalog } from './catalog';
export { checkCompatibility, formatProblem, schemaDifferences, type CompatibilityProblem } from './compatibility';
export { CATALOG_FILES, readCommittedCatalog, renderCatalogFiles, staleFiles, writeCatalogFiles } from './files';
export { eventJsonSchema, REFINEMENTS_KEYWORD, UNREPRESENTABLE_KEYWORD, type JsonSchema } from './jsonSchema';
export { renderEventsMarkdown } from './markdown';
