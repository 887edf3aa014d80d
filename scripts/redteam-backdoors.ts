/**
 * The backdoor red-team corpus (test/fixtures/redteam-backdoors/{bad,good}/<category>/<file>), scanned
 * with the real scanner. A bad case counts when a backdoor finding at medium or above stands on one of
 * its lines marked `planted`; a good case counts as flagged with any backdoor finding at medium or above.
 * Each case is also scanned with its markers blanked (same line numbers), so the marker word itself
 * cannot be what the scan reacts to. `npx tsx scripts/redteam-backdoors.ts [--misses] [dir]` (dir: another set laid
 * out the same way, e.g. test/fixtures/redteam-backdoors-s18/a; default the first round's)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanText } from '../src/engine/scan.ts';
import { severityRank, type Finding } from '../src/engine/types.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'redteam-backdoors');
/** The marker as a trailing comment in any of the twelve languages' syntaxes. */
const MARKER = /\s*(?:\/\/|#|\/\*)\s*planted\b\s*(?:\*\/)?\s*$/;

export interface CaseResult {
  label: 'bad' | 'good';
  category: string;
  path: string;
  flagged: boolean;
  /** Flagged the same with the markers blanked. */
  sameUnmarked: boolean;
  findings: string[];
}

const medium = (fs: Finding[]) =>
  fs.filter((f) => f.category === 'backdoor' && !f.suppressed && severityRank(f.severity) >= severityRank('medium'));

function judgeCase(label: 'bad' | 'good', text: string, path: string): { flagged: boolean; found: Finding[] } {
  const lines = text.split('\n');
  const planted = new Set(lines.flatMap((l, i) => (MARKER.test(l) ? [i + 1] : [])));
  const found = medium(scanText(path, text).findings);
  const flagged = label === 'good' ? found.length > 0 : found.some((f) => planted.has(f.line));
  return { flagged, found };
}

export function runCorpus(root = ROOT): CaseResult[] {
  const out: CaseResult[] = [];
  for (const label of ['bad', 'good'] as const)
    for (const category of readdirSync(join(root, label)).sort())
      for (const name of (readdirSync(join(root, label, category), { recursive: true }) as string[]).sort()) {
        const path = join(label, category, name);
        if (statSync(join(root, path)).isDirectory()) continue;
        const text = readFileSync(join(root, path), 'utf8');
        if (label === 'bad' && !text.split('\n').some((l) => MARKER.test(l)))
          throw new Error(`${path}: no planted line`);
        const marked = judgeCase(label, text, `case/${name}`);
        // (the markers blanked: `// planted` becomes spaces of the same length, line numbers unchanged)
        const blank = text
          .split('\n')
          .map((l) => l.replace(MARKER, (m) => ' '.repeat(m.length)).trimEnd())
          .join('\n');
        // (a bad case's planted lines are read from the marked text; only the findings come from the blank one)
        const plain = label === 'bad' ? plantedHit(text, blank, name) : judgeCase(label, blank, `case/${name}`).flagged;
        out.push({
          label,
          category,
          path,
          flagged: marked.flagged,
          sameUnmarked: plain === marked.flagged,
          findings: marked.found.map((f) => `${f.ruleId}:${f.line}`),
        });
      }
  return out;
}

function plantedHit(marked: string, blank: string, name: string): boolean {
  const planted = new Set(marked.split('\n').flatMap((l, i) => (MARKER.test(l) ? [i + 1] : [])));
  return medium(scanText(`case/${name}`, blank).findings).some((f) => planted.has(f.line));
}

export function table(results: CaseResult[]): string {
  const cats = [...new Set(results.map((r) => r.category))].sort();
  const rows = ['| category | bad flagged | good flagged |', '|---|---|---|'];
  const count = (l: string, c?: string) => {
    const rs = results.filter((r) => r.label === l && (!c || r.category === c));
    return `${rs.filter((r) => r.flagged).length}/${rs.length}`;
  };
  for (const c of cats) rows.push(`| ${c} | ${count('bad', c)} | ${count('good', c)} |`);
  rows.push(`| **all** | ${count('bad')} | ${count('good')} |`);
  return rows.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  const dir = process.argv.slice(2).find((a) => !a.startsWith('--'));
  const results = runCorpus(dir ? resolve(dir) : ROOT);
  console.log(table(results));
  const marker = results.filter((r) => !r.sameUnmarked);
  if (marker.length) console.log(`marker changes the result: ${marker.map((r) => r.path).join(', ')}`);
  if (process.argv.includes('--misses'))
    for (const r of results)
      if ((r.label === 'bad') !== r.flagged)
        console.log(`${r.label === 'bad' ? 'MISS' : 'FP  '} ${r.path} ${r.findings.join(',')}`);
  console.log(`${results.length} cases in ${Math.round(performance.now() - t0)} ms`);
}
