/**
 * Regenerates Warden's package-name data from public download counts (the env library's
 * packages/npm.tsv and packages/pypi.tsv; see the developers' brief):
 *   src/rules/supply-chain/popular-{npm,pypi}.txt  the most-downloaded names, most popular first
 *   src/rules/supply-chain/known-{npm,pypi}.bloom  every name in the snapshot (existence check)
 *
 *   node --import tsx scripts/popular.ts [--from DIR] [--top N]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bloom } from '../src/analyzers/deps/bloom.ts';
import { normaliseName } from '../src/analyzers/deps/names.ts';

const args = process.argv.slice(2);
const from = args.includes('--from') ? args[args.indexOf('--from') + 1] : '/work/.library/env/packages';
// The lists double as the exemption list (a popular package is never flagged), so they are long;
// only the top 3,000 of each are typosquatting targets.
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 40_000;
const out = join(import.meta.dirname, '..', 'src', 'rules', 'supply-chain');

function rows(file: string): string[][] {
  return readFileSync(join(from, file), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t'));
}

const npm = rows('npm.tsv')
  .map(([name, , dl]) => ({ name, dl: Number(dl) || 0 }))
  .sort((a, b) => b.dl - a.dl);
writeFileSync(
  join(out, 'popular-npm.txt'),
  `# npm: the ${top} most-downloaded packages per month (${from}/npm.tsv, ${new Date().toISOString().slice(0, 10)}), most popular first\n` +
    npm
      .slice(0, top)
      .map((r) => `${r.name}\t${r.dl}`)
      .join('\n') +
    '\n',
);
writeFileSync(
  join(out, 'known-npm.bloom'),
  Bloom.create(
    npm.map((r) => normaliseName('npm', r.name)),
    npm.length,
    `npm.tsv: ${npm.length} packages with at least ${npm[npm.length - 1].dl} downloads a month`,
  ).serialize(),
);

const pypiRows = rows('pypi.tsv');
const ranked = pypiRows
  .filter((r) => r[3])
  .map(([name, , , rank]) => ({ name, rank: Number(rank) }))
  .sort((a, b) => a.rank - b.rank);
writeFileSync(
  join(out, 'popular-pypi.txt'),
  `# PyPI: the ${Math.min(top, ranked.length)} most-downloaded projects (${from}/pypi.tsv ranks, ${new Date().toISOString().slice(0, 10)}), most popular first\n` +
    ranked
      .slice(0, top)
      .map((r) => `${r.name}\t${r.rank}`)
      .join('\n') +
    '\n',
);
const all = [...new Set(pypiRows.map(([name]) => normaliseName('pypi', name)))];
writeFileSync(
  join(out, 'known-pypi.bloom'),
  Bloom.create(all, all.length, `pypi.tsv: all ${all.length} project names of the index snapshot`).serialize(),
);
console.log(
  `npm: ${Math.min(top, npm.length)} popular, ${npm.length} known; pypi: ${Math.min(top, ranked.length)} popular, ${all.length} known`,
);
