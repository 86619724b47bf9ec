import fs from 'node:fs';
import path from 'node:path';
import type { EventCatalog } from './catalog';
import { renderEventsMarkdown } from './markdown';

/** The committed catalog files, from the repository root: the reference for people and the catalog for machines. */
export const CATALOG_FILES = { markdown: 'docs/events.md', json: 'docs/events.catalog.json' } as const;

const REPOSITORY_ROOT = path.resolve(__dirname, '../..');

/** The contents of both files for a catalog, by path. */
export function renderCatalogFiles(catalog: EventCatalog): Record<string, string> {
  return {
    [CATALOG_FILES.markdown]: renderEventsMarkdown(catalog),
    [CATALOG_FILES.json]: `${JSON.stringify(catalog, null, 2)}\n`,
  };
}

/** The committed catalog, the published one; undefined before the first `npm run catalog:events`. */
export function readCommittedCatalog(root = REPOSITORY_ROOT): EventCatalog | undefined {
  const file = path.join(root, CATALOG_FILES.json);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as EventCatalog;
}

/** Each catalog file whose committed text differs from `expected`, with the first line that differs. */
export function staleFiles(expected: Record<string, string>, root = REPOSITORY_ROOT): Array<{ file: string; hint: string }> {
  const stale: Array<{ file: string; hint: string }> = [];
  for (const [file, text] of Object.entries(expected)) {
    const full = path.join(root, file);
    const committed = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
    if (committed === text) continue;
    stale.push({ file, hint: committed === undefined ? 'the file is missing' : firstDifference(committed, text) });
  }
  return stale;
}

function firstDifference(committed: string, expected: string): string {
  const a = committed.split('\n');
  const b = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: committed ${JSON.stringify(a[i] ?? '(end of file)')}, contracts give ${JSON.stringify(b[i] ?? '(end of file)')}`;
  }
  return 'the files differ';
}

export function writeCatalogFiles(files: Record<string, string>, root = REPOSITORY_ROOT): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
}
