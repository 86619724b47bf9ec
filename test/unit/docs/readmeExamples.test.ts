import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../src/infra/paths';

/** Every README block marked `<!-- example: <file> -->` and the file it shows, as the README has them. */
function markedBlocks(readme: string): Array<{ file: string; shown: string }> {
  const marked = /<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g;
  return [...readme.matchAll(marked)].map((match) => ({ file: match[1]!, shown: match[2]! }));
}

describe('README: the app example is the app the packed-package test runs', () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const blocks = markedBlocks(readme);

  it('shows the example app files, each block the file as it is', () => {
    expect(blocks.map((b) => b.file)).toEqual(expect.arrayContaining(['examples/app/package.json', 'examples/app/src/workflow.ts', 'examples/app/src/ticketBooking.test.ts']));
    for (const { file, shown } of blocks) {
      expect({ file, shown }).toEqual({ file, shown: fs.readFileSync(path.join(repoRoot, file), 'utf8').replace(/\n+$/, '') });
    }
  });
});
