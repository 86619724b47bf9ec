import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../src/infra/paths';
import { composition } from '../../../processes';

describe("docker-compose's Temporal setup", () => {
  it('registers exactly the search attributes the composition root declares', () => {
    // The admin-tools container has no Node to read processes/index.ts, so its list is written out; this keeps it true.
    const compose = fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8');
    const list = /for attr in ([A-Za-z0-9 ]+); do/.exec(compose)?.[1]?.trim().split(/\s+/);
    expect(list?.sort()).toEqual(composition.searchAttributes.map((key) => key.name).sort());
  });
});
