import fs from 'node:fs';
import path from 'node:path';

/**
 * Puts the block in RESULTS.md, in place of the previous block under the same heading (the
 * block's first line) when there is one; each benchmark owns its heading.
 */
export function writeResults(block: string, file = path.join(__dirname, '..', 'RESULTS.md')): void {
  const heading = block.split('\n', 1)[0]!.trim();
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
  const lines = current.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  let next: string;
  if (start === -1) {
    next = `${current.trimEnd()}\n\n${block.trimEnd()}\n`;
  } else {
    // The block runs to the next heading of the same or a higher level.
    const rest = lines.slice(start + 1).findIndex((line) => /^#{1,2} /.test(line));
    const end = rest === -1 ? lines.length : start + 1 + rest;
    const before = lines.slice(0, start).join('\n').trimEnd();
    const after = lines.slice(end).join('\n').trim();
    next = `${before}\n\n${block.trimEnd()}\n${after ? `\n${after}\n` : ''}`;
  }
  fs.writeFileSync(file, next);
}
