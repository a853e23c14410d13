// The sections of docs/BENCHMARKS.md that a benchmark other than `npm run bench` rewrites: its figures sit between
// markers of its own, and the prose around them stays as written.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.mjs';

/**
 * Puts `text` between `<!-- name:start -->` and `<!-- name:end -->` in docs/BENCHMARKS.md; where the markers are not
 * there yet, appends a section headed `title`, with `intro` above the markers.
 */
export function writeDocSection(name, text, { title, intro = '' }) {
  const path = join(ROOT, 'docs', 'BENCHMARKS.md');
  const doc = readFileSync(path, 'utf8');
  const section = `<!-- ${name}:start -->\n${text}\n<!-- ${name}:end -->`;
  const marked = new RegExp(`<!-- ${name}:start -->[^]*<!-- ${name}:end -->`);
  const updated = marked.test(doc)
    ? doc.replace(marked, () => section)
    : `${doc.trimEnd()}\n\n## ${title}\n\n${intro ? `${intro}\n\n` : ''}${section}\n`;
  writeFileSync(path, updated);
  console.error('written to docs/BENCHMARKS.md');
}
