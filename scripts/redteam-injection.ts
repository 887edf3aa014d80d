/**
 * `npx tsx scripts/redteam-injection.ts`: the injection analyzer over the red-team cases in
 * test/fixtures/redteam-injection (written apart from the project's corpus, issue 22), read as eval
 * reads its cases: the injection analyzer on the text under the case's own file name; a case is
 * flagged by a finding of category prompt-injection at medium or above. Prints, per channel,
 * technique and goal, how many bad cases are flagged and how many good ones; `--misses` lists the
 * bad cases missed and the good ones flagged (with the finding), `--json` prints the totals as JSON.
 * A directory given as the first argument that is not an option is read instead of the default
 * (`npx tsx scripts/redteam-injection.ts test/fixtures/redteam-injection-s18/a --misses`).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeInjection } from '../src/analyzers/injection/index.ts';
import { SourceFile } from '../src/analyzers/source.ts';
import { severityRank, type Finding } from '../src/engine/types.ts';

export const REDTEAM_DIR = join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures/redteam-injection');

export interface RedteamCase {
  file: string;
  label: 'bad' | 'good';
  channel: string;
  technique: string;
  goal: string;
  /** `tuned`: fixes made against it; `holdout`: measured untouched, then fixed; `holdout2`: never tuned against. */
  set?: 'tuned' | 'holdout' | 'holdout2';
  lines?: number[];
}

export interface CaseResult {
  case: RedteamCase;
  findings: Finding[];
  /** For a bad case: a finding stands on one of the lines that hold the injection. */
  onLine: boolean;
}

export function loadCases(dir = REDTEAM_DIR): RedteamCase[] {
  return (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { cases: RedteamCase[] }).cases;
}

/** Findings of category prompt-injection at medium or above, the case read under its own file name. */
export function judgeCase(c: RedteamCase, dir = REDTEAM_DIR): CaseResult {
  const text = readFileSync(join(dir, c.file), 'utf8');
  const findings = analyzeInjection(new SourceFile(basename(c.file), text, undefined)).filter(
    (f) => f.category === 'prompt-injection' && severityRank(f.severity) >= severityRank('medium'),
  );
  return { case: c, findings, onLine: findings.some((f) => c.lines?.includes(f.line ?? -1)) };
}

export interface Tally {
  bad: number;
  badFlagged: number;
  good: number;
  goodFlagged: number;
}

/** Totals overall and per group (`set S`, `channel X`, `technique Y`, `goal Z`). */
export function tally(results: CaseResult[]): { total: Tally; groups: Map<string, Tally>; onLine: number } {
  const total: Tally = { bad: 0, badFlagged: 0, good: 0, goodFlagged: 0 };
  const groups = new Map<string, Tally>();
  let onLine = 0;
  for (const r of results) {
    const c = r.case;
    const keys = [`set ${c.set ?? 'tuned'}`, `channel ${c.channel}`, `technique ${c.technique}`, `goal ${c.goal}`];
    for (const t of [total, ...keys.map((k) => groups.get(k) ?? groups.set(k, zero()).get(k)!)]) {
      if (c.label === 'bad') {
        t.bad++;
        if (r.findings.length) t.badFlagged++;
      } else {
        t.good++;
        if (r.findings.length) t.goodFlagged++;
      }
    }
    if (c.label === 'bad' && r.onLine) onLine++;
  }
  return { total, groups, onLine };
}
const zero = (): Tally => ({ bad: 0, badFlagged: 0, good: 0, goodFlagged: 0 });

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '-');

function main(): void {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--')) ?? REDTEAM_DIR;
  const results = loadCases(dir).map((c) => judgeCase(c, dir));
  const { total, groups, onLine } = tally(results);
  if (args.includes('--json')) {
    console.log(JSON.stringify({ ...total, onLine }));
    return;
  }
  console.log(
    `bad flagged ${total.badFlagged}/${total.bad} (${pct(total.badFlagged, total.bad)}), on a planted line ` +
      `${onLine}/${total.bad}; good flagged ${total.goodFlagged}/${total.good} (${pct(total.goodFlagged, total.good)})`,
  );
  console.log('| group | bad flagged | good flagged |\n|---|---|---|');
  for (const [k, t] of [...groups].sort((a, b) => a[0].localeCompare(b[0])))
    console.log(
      `| ${k} | ${t.bad ? `${t.badFlagged}/${t.bad}` : '-'} | ${t.good ? `${t.goodFlagged}/${t.good}` : '-'} |`,
    );
  if (!args.includes('--misses')) return;
  for (const r of results) {
    if (r.case.label === 'bad' && !r.findings.length) console.log(`MISSED ${r.case.file} (${r.case.technique})`);
    if (r.case.label === 'good' && r.findings.length)
      console.log(`FALSE ${r.case.file}: ${r.findings.map((f) => `${f.line} ${f.ruleId} ${f.message}`).join('; ')}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
