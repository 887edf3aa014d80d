/**
 * `npm run eval`: accuracy over the labelled corpora in ../shared/corpora (never executed: every
 * case is read as text and scanned statically). Writes docs/EVAL.md.
 * A case counts as flagged when Warden reports at least one unsuppressed finding at severity
 * low or above. Options: --corpus NAME (repeatable), --out FILE, --misses N (print examples),
 * --dump FILE (every case's findings as JSON lines: diff two runs to see what a change altered, case by case).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanText } from '../src/engine/scan.ts';
import { severityRank, type Finding } from '../src/engine/types.ts';
import { judge, loadAnalyzers } from '../src/engine/judge.ts';
import { builtinPolicy } from '../src/engine/policy.ts';
import { analyzeModelFile } from '../src/analyzers/models/index.ts';
import { judgeName } from '../src/analyzers/deps/names.ts';
import { analyzeInjection } from '../src/analyzers/injection/index.ts';
import { SourceFile } from '../src/analyzers/source.ts';
import { caseLine, evaluateCorpus } from './evasions.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORPORA = process.env.WARDEN_CORPORA ?? join(ROOT, '..', 'shared', 'corpora');
const args = process.argv.slice(2);
const only = args.flatMap((a, i) => (a === '--corpus' ? [args[i + 1]] : []));
const misses = args.includes('--misses') ? Number(args[args.indexOf('--misses') + 1]) || 0 : 0;
const dumpFile = args.includes('--dump') ? args[args.indexOf('--dump') + 1] : undefined;
const dumped: string[] = [];
/** Each case's findings, in a form that two runs can be diffed by (rule, place, severity). */
function dump<T extends { findings: Finding[] }>(what: string, r: T): T {
  if (dumpFile)
    dumped.push(JSON.stringify([what, r.findings.map((f) => `${f.ruleId}:${f.line}:${f.column}:${f.severity}`)]));
  return r;
}
const scanCase = (path: string, text: string) => dump(path, scanText(path, text));
const outFile = args.includes('--out') ? args[args.indexOf('--out') + 1] : join(ROOT, 'docs', 'EVAL.md');

const EXT: Record<string, string> = {
  python: 'py',
  javascript: 'js',
  typescript: 'ts',
  java: 'java',
  c: 'c',
  cpp: 'cpp',
  csharp: 'cs',
  php: 'php',
  ruby: 'rb',
  rust: 'rs',
  go: 'go',
  swift: 'swift',
  objective_c: 'm',
  xml: 'xml',
  markdown: 'md',
  yaml: 'yml',
  text: 'txt',
  bash: 'sh',
  assembly: 's',
  regex: 'txt',
  unknown: 'txt',
  sql: 'sql',
};

interface Case {
  id: string;
  kind: string;
  language: string;
  label: 'bad' | 'good';
  category: string;
  content?: string;
}
interface Row {
  corpus: string;
  bad: number;
  badFlagged: number;
  good: number;
  goodFlagged: number;
  extra?: string;
}

const flagged = (fs: Finding[]) => fs.filter((f) => !f.suppressed && severityRank(f.severity) >= severityRank('low'));

function load(name: string): Case[] {
  return readFileSync(join(CORPORA, name, 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const CODE_CORPORA = [
  'cyberseceval',
  'owasp-benchmark-python',
  'cweval',
  'llmseceval',
  'unicode-attacks',
  'gitleaks-secrets',
];

/** Package corpora: every text file of a case is scanned under its own name (package.json, setup.py …). */
const PACKAGE_CORPORA = ['guarddog', 'benign-packages'];
const rows: Row[] = [];
const details: string[] = [];
const t0 = performance.now();
let bytes = 0;

for (const corpus of CODE_CORPORA) {
  if (only.length && !only.includes(corpus)) continue;
  if (!existsSync(join(CORPORA, corpus))) {
    console.error(`skip ${corpus}: not found under ${CORPORA}`);
    continue;
  }
  const row: Row = { corpus, bad: 0, badFlagged: 0, good: 0, goodFlagged: 0 };
  const perCat = new Map<string, { bad: number; tp: number; good: number; fp: number; tpCwe: number; fpCwe: number }>();
  // C, C++ and JavaScript apart: where the classic scanners (flawfinder, eslint-plugin-security) compete
  const perLang = new Map<string, Row>();
  const missed: string[] = [];
  let goodAnyFinding = 0;
  for (const c of load(corpus)) {
    if (c.content === undefined) continue;
    const path = `case/${c.id.replace(/[^\w.-]/g, '_')}.${EXT[c.language] ?? 'txt'}`;
    bytes += c.content.length;
    const { findings } = scanCase(path, c.content);
    // The unicode corpus measures the Unicode-deception analyzer: its benign files include secret
    // scanners' own test fixtures, whose fake tokens the secrets analyzer reports (counted apart).
    const all = flagged(findings);
    const hits = corpus === 'unicode-attacks' ? all.filter((f) => f.category === 'unicode') : all;
    if (c.label === 'good' && all.length) goodAnyFinding++;
    // CWE-338 (weak PRNG for security) is a child of CWE-330, so it answers a CWE-330 case.
    const cweHit = hits.some((f) => f.cwe === c.category || (c.category === 'CWE-330' && f.cwe === 'CWE-338'));
    const pc = perCat.get(c.category) ?? { bad: 0, tp: 0, good: 0, fp: 0, tpCwe: 0, fpCwe: 0 };
    if (c.label === 'bad') {
      row.bad++;
      pc.bad++;
      if (hits.length) {
        row.badFlagged++;
        pc.tp++;
      } else missed.push(`${c.id} [${c.category}]`);
      if (cweHit) pc.tpCwe++;
    } else {
      row.good++;
      pc.good++;
      if (hits.length) {
        row.goodFlagged++;
        pc.fp++;
        missed.push(`FP ${c.id} [${c.category}] ${hits.map((h) => h.ruleId).join(',')}`);
      }
      if (cweHit) pc.fpCwe++;
    }
    perCat.set(c.category, pc);
    if (['c', 'cpp', 'javascript'].includes(c.language) && ['cyberseceval', 'cweval'].includes(corpus)) {
      const lr = perLang.get(c.language) ?? {
        corpus: `${corpus}: ${c.language}`,
        bad: 0,
        badFlagged: 0,
        good: 0,
        goodFlagged: 0,
      };
      lr[c.label]++;
      if (hits.length) lr[c.label === 'bad' ? 'badFlagged' : 'goodFlagged']++;
      perLang.set(c.language, lr);
    }
  }
  if (corpus === 'unicode-attacks')
    row.extra = `unicode findings only; good files with any finding at all (e.g. fake tokens in a secret scanner's fixtures): ${pct(goodAnyFinding, row.good)}`;
  if (corpus === 'owasp-benchmark-python') {
    let tp = 0,
      fp = 0;
    const lines = ['| category | bad | flagged (right CWE) | good | flagged (right CWE) |', '|---|---|---|---|---|'];
    for (const [cat, p] of [...perCat].sort()) {
      tp += p.tpCwe;
      fp += p.fpCwe;
      lines.push(`| ${cat} | ${p.bad} | ${p.tpCwe} | ${p.good} | ${p.fpCwe} |`);
    }
    row.extra = `Benchmark scoring (a case counts only when a finding carries its CWE): TPR ${pct(tp, row.bad)}, FPR ${pct(fp, row.good)}.`;
    details.push(`### owasp-benchmark-python by category\n\n${lines.join('\n')}\n`);
  }
  rows.push(row, ...[...perLang.values()].sort((a, b) => a.corpus.localeCompare(b.corpus)));
  if (misses)
    console.log(`--- ${corpus}: examples of misses and false positives\n` + missed.slice(0, misses).join('\n'));
}

for (const corpus of PACKAGE_CORPORA) {
  if (only.length && !only.includes(corpus)) continue;
  if (!existsSync(join(CORPORA, corpus))) {
    console.error(`skip ${corpus}: not found under ${CORPORA}`);
    continue;
  }
  const row: Row = { corpus, bad: 0, badFlagged: 0, good: 0, goodFlagged: 0 };
  let goodHigh = 0;
  const missed: string[] = [];
  for (const c of load(corpus) as (Case & { files?: Record<string, string>; main_file?: string })[]) {
    const files: Record<string, string> =
      c.files && typeof c.files === 'object' ? c.files : { [`case.${EXT[c.language] ?? 'txt'}`]: c.content ?? '' };
    if (!c.files && c.language === 'json' && /"scripts"|"dependencies"/.test(c.content ?? '')) {
      delete files['case.json'];
      files['package.json'] = c.content ?? '';
    }
    if (!c.files && c.language === 'python' && /\bsetup\s*\(/.test(c.content ?? '')) {
      delete files['case.py'];
      files['setup.py'] = c.content ?? '';
    }
    const hits: Finding[] = [];
    // Malicious-package behaviour is what these corpora label: supply-chain and backdoor findings
    // count; ordinary vulnerability findings (an eval of a variable) are not malice.
    for (const [name, text] of Object.entries(files)) {
      bytes += text.length;
      hits.push(
        ...flagged(scanCase(`pkg/${name}`, text).findings).filter(
          (f) => f.category === 'supply-chain' || f.category === 'backdoor',
        ),
      );
    }
    const high = hits.some((f) => severityRank(f.severity) >= severityRank('high'));
    if (c.label === 'bad') {
      row.bad++;
      if (hits.length) row.badFlagged++;
      else missed.push(`${c.id} [${c.category}]`);
    } else {
      row.good++;
      if (hits.length) {
        row.goodFlagged++;
        missed.push(`FP ${c.id} [${c.category}] ${hits.map((h) => `${h.ruleId}(${h.severity})`).join(',')}`);
      }
      if (high) goodHigh++;
    }
  }
  row.extra = `good flagged at high or critical: ${pct(goodHigh, row.good)}`;
  rows.push(row);
  if (misses)
    console.log(`--- ${corpus}: examples of misses and false positives\n` + missed.slice(0, misses).join('\n'));
}

// Planted backdoors: a bad case counts when a finding at medium or above stands on one of its planted
// lines (bad_lines); a good case (a near miss) counts as flagged with any finding at medium or above.
if ((!only.length || only.includes('backdoors')) && existsSync(join(CORPORA, 'backdoors'))) {
  const row: Row = { corpus: 'backdoors', bad: 0, badFlagged: 0, good: 0, goodFlagged: 0 };
  const perCat = new Map<string, { bad: number; any: number; onLine: number; good: number; fp: number }>();
  const missed: string[] = [];
  let anyMedium = 0;
  for (const c of load('backdoors') as (Case & { bad_lines: number[] })[]) {
    const content = c.content ?? '';
    bytes += content.length;
    const path = `case/${c.id}.${EXT[c.language] ?? 'txt'}`;
    const found = flagged(scanCase(path, content).findings).filter(
      (f) => severityRank(f.severity) >= severityRank('medium'),
    );
    const pc = perCat.get(c.category) ?? { bad: 0, any: 0, onLine: 0, good: 0, fp: 0 };
    perCat.set(c.category, pc);
    if (c.label === 'good') {
      row.good++;
      pc.good++;
      if (found.length) {
        row.goodFlagged++;
        pc.fp++;
        missed.push(`FP ${c.id} [${c.category}] ${found.map((f) => `${f.ruleId}:${f.line}`).join(',')}`);
      }
      continue;
    }
    row.bad++;
    pc.bad++;
    if (found.length) {
      anyMedium++;
      pc.any++;
    }
    if (found.some((f) => c.bad_lines.includes(f.line))) {
      row.badFlagged++;
      pc.onLine++;
    } else missed.push(`${c.id} [${c.category}] ${found.map((f) => `${f.ruleId}:${f.line}`).join(',')}`);
  }
  const worst = [...perCat].sort((a, b) => a[1].onLine / a[1].bad - b[1].onLine / b[1].bad)[0];
  row.extra =
    `bad: a finding at medium or above on a planted line; good: any finding at medium or above. ` +
    `Bad with a medium+ finding anywhere: ${pct(anyMedium, row.bad)}. Lowest category: ${worst?.[0]} ${pct(worst?.[1].onLine ?? 0, worst?.[1].bad ?? 0)}`;
  rows.push(row);
  const lines = [
    '| category | bad | on a planted line | anywhere | good | good flagged |',
    '|---|---|---|---|---|---|',
  ];
  for (const [cat, p] of [...perCat].sort())
    lines.push(`| ${cat} | ${p.bad} | ${p.onLine} (${pct(p.onLine, p.bad)}) | ${p.any} | ${p.good} | ${p.fp} |`);
  details.push(`### backdoors by category\n\n${lines.join('\n')}\n`);
  if (misses)
    console.log(
      `${details[details.length - 1]}\n--- backdoors: misses and false positives\n` +
        missed.slice(0, misses).join('\n'),
    );
}

// Shell corpora: each command is judged as an agent's shell tool call with the built-in policy,
// in a scratch workspace (/work/project). Flagged = ask or deny.
const SHELL_CORPORA = ['gtfobins', 'revshells', 'atomic-red-team', 'nl2bash'];
/** MITRE ATT&CK techniques of the Discovery tactic (TA0007). */
const DISCOVERY =
  /^T(?:1007|1010|1012|1016|1018|1033|1040|1046|1049|1057|1069|1082|1083|1087|1120|1124|1135|1201|1217|1482|1497|1518|1526|1538|1580|1613|1614|1615|1619|1622|1652|1654)(?:\.\d+)?$/;
const policy = builtinPolicy();
await loadAnalyzers();
for (const corpus of SHELL_CORPORA) {
  if (only.length && !only.includes(corpus)) continue;
  if (!existsSync(join(CORPORA, corpus))) {
    console.error(`skip ${corpus}: not found under ${CORPORA}`);
    continue;
  }
  const row: Row = { corpus, bad: 0, badFlagged: 0, good: 0, goodFlagged: 0 };
  let denied = 0,
    sensitive = 0,
    sensitiveFlagged = 0,
    discovery = 0,
    discoveryFlagged = 0;
  const missed: string[] = [];
  const byCap = new Map<string, number>();
  for (const c of load(corpus)) {
    if (c.content === undefined || c.kind !== 'shell' || c.language !== 'bash') continue;
    const v = judge(
      { tool: 'shell', command: c.content, cwd: '/work/project' },
      { policy, cwd: '/work/project', home: '/home/dev' },
    );
    const hit = v.decision !== 'allow';
    if (v.decision === 'deny') denied++;
    for (const a of v.actions) if (a.decision !== 'allow') byCap.set(a.capability, (byCap.get(a.capability) ?? 0) + 1);
    if (c.label === 'bad' && DISCOVERY.test(c.category)) {
      discovery++;
      if (hit) discoveryFlagged++;
    }
    if (c.label === 'bad') {
      row.bad++;
      if (hit) row.badFlagged++;
      else missed.push(`${c.id} [${c.category}] ${c.content.slice(0, 140).replace(/\n/g, ' \\n ')}`);
    } else {
      row.good++;
      if (c.category === 'ordinary-admin-sensitive') {
        sensitive++;
        if (hit) sensitiveFlagged++;
      }
      if (hit) {
        row.goodFlagged++;
        if (c.category !== 'ordinary-admin-sensitive')
          missed.push(`FP ${c.id} ${v.decision} ${v.reasons[0]?.slice(0, 90)} :: ${c.content.slice(0, 120)}`);
      }
    }
  }
  const caps = [...byCap]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  row.extra =
    corpus === 'nl2bash'
      ? `flagged ${row.goodFlagged} of ${row.good} (${((100 * row.goodFlagged) / row.good).toFixed(2)}%), denied ${pct(denied, row.good)}; admin-sensitive subset flagged ${pct(sensitiveFlagged, sensitive)}, the rest ${pct(row.goodFlagged - sensitiveFlagged, row.good - sensitive)}. Most asked: ${caps}`
      : `denied ${pct(denied, row.bad)}.${discovery ? ` ATT&CK Discovery techniques (${discovery} cases: uname, whoami, ps, netstat… which agents also run) ${pct(discoveryFlagged, discovery)}; all other techniques ${pct(row.badFlagged - discoveryFlagged, row.bad - discovery)}.` : ''} Most common: ${caps}`;
  rows.push(row);
  if (misses)
    console.log(`--- ${corpus}: examples of misses and false positives\n` + missed.slice(0, misses).join('\n'));
}

// Prompt injection: each case is the text an agent read (a file, a README, a tool result…), read by the
// injection analyzer under a file name of its format. Flagged = a prompt-injection finding at medium or above.
const FORMAT_EXT: Record<string, string> = { markdown: 'md', text: 'txt', html: 'html', dockerfile: 'Dockerfile' };
if ((!only.length || only.includes('prompt-injection')) && existsSync(join(CORPORA, 'prompt-injection'))) {
  const row: Row = { corpus: 'prompt-injection', bad: 0, badFlagged: 0, good: 0, goodFlagged: 0 };
  const groups = new Map<string, [number, number]>();
  let onLine = 0;
  for (const c of load('prompt-injection') as (Case & Record<string, unknown>)[]) {
    const format = String(c.format ?? c.language);
    const name =
      FORMAT_EXT[format] === 'Dockerfile' ? 'Dockerfile' : `case.${FORMAT_EXT[format] ?? EXT[format] ?? format}`;
    const found = dump(`${c.id}:${name}`, {
      findings: analyzeInjection(new SourceFile(name, c.content ?? '', undefined)),
    }).findings.filter((f) => severityRank(f.severity) >= severityRank('medium'));
    bytes += (c.content ?? '').length;
    if (c.label === 'good') {
      row.good++;
      if (found.length) row.goodFlagged++;
      continue;
    }
    row.bad++;
    if (found.length) row.badFlagged++;
    if (found.some((f) => (c.bad_lines as number[] | undefined)?.includes(f.line))) onLine++;
    for (const key of [`channel ${c.channel}`, `technique ${c.technique}`, `goal ${c.category}`]) {
      const g = groups.get(key) ?? [0, 0];
      g[0]++;
      if (found.length) g[1]++;
      groups.set(key, g);
    }
  }
  const worst = [...groups].sort((a, b) => a[1][1] / a[1][0] - b[1][1] / b[1][0]).slice(0, 5);
  row.extra =
    `medium or above; on a planted line ${pct(onLine, row.bad)}. Lowest groups: ` +
    worst.map(([k, [n, h]]) => `${k} ${h}/${n}`).join(', ');
  rows.push(row);
  const lines = ['| group | bad | flagged |', '|---|---|---|'];
  for (const [k, [n, h]] of [...groups].sort()) lines.push(`| ${k} | ${n} | ${pct(h, n)} |`);
  details.push(`### prompt-injection by channel, technique and goal\n\n${lines.join('\n')}\n`);
}

// Model files: read statically (never unpickled). Flagged = any finding; for good files what
// matters is a finding at high or critical.
if ((!only.length || only.includes('pickles')) && existsSync(join(CORPORA, 'pickles'))) {
  const row: Row = { corpus: 'pickles', bad: 0, badFlagged: 0, good: 0, goodFlagged: 0 };
  let goodHigh = 0,
    badCritical = 0;
  const missed: string[] = [];
  for (const c of load('pickles') as (Case & { path: string })[]) {
    const r = analyzeModelFile(join(CORPORA, 'pickles', c.path), c.path);
    const high = r.findings.some((f) => severityRank(f.severity) >= severityRank('high'));
    if (c.label === 'bad') {
      row.bad++;
      if (r.findings.length) row.badFlagged++;
      else missed.push(`${c.id} [${c.category}]`);
      if (r.findings.some((f) => f.severity === 'critical')) badCritical++;
    } else {
      row.good++;
      if (r.findings.length) row.goodFlagged++;
      if (high) {
        goodHigh++;
        missed.push(`FP ${c.id}: ${r.findings.map((f) => f.snippet).join('; ')}`);
      }
    }
  }
  row.extra = `bad flagged at critical: ${pct(badCritical, row.bad)}; good flagged at high or critical: ${goodHigh} of ${row.good} (the good ones flagged at all are the two password-protected zips, reported as "cannot be inspected", medium)`;
  rows.push(row);
  if (misses) console.log('--- pickles: misses and false positives\n' + missed.slice(0, misses).join('\n'));
}

// Typosquat detector precision on the popular names themselves (and on the next, less popular tier).
if (!only.length || only.includes('typosquat')) {
  const lines: string[] = [];
  for (const eco of ['npm', 'pypi'] as const) {
    const names = readFileSync(join(ROOT, 'src', 'rules', 'supply-chain', `popular-${eco}.txt`), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split('\t')[0]);
    const top = names.slice(0, 5000);
    const flaggedTop = top.filter((n) => ['typosquat', 'combosquat'].includes(judgeName(eco, n).kind));
    lines.push(`| ${eco} | top 5,000 most-downloaded names | ${flaggedTop.length} flagged |`);
  }
  details.push(
    `### Typosquat detector precision\n\n| ecosystem | names | result |\n|---|---|---|\n${lines.join('\n')}\n\nThe lists (src/rules/supply-chain/popular-*.txt, regenerated by \`node --import tsx scripts/popular.ts\` from public download counts) double as exemptions, so this holds by construction for listed names; tests/deps.test.ts also checks it.\n`,
  );
}
// Our own guard-evasions corpus (test/corpora/guard-evasions): agent tool calls judged through the real
// engine in a sandboxed workspace and home built from each case's setup, steps in order. Bad: stopped
// (ask or deny) per class; good: asked per class (near misses of a class, or ordinary work).
if (!only.length || only.includes('guard-evasions')) {
  const classes = await evaluateCorpus(policy);
  const total: Row = { corpus: 'guard-evasions (all)', bad: 0, badFlagged: 0, good: 0, goodFlagged: 0 };
  let denied = 0;
  for (const g of classes) {
    rows.push({
      corpus: `guard-evasions: ${g.cls}`,
      bad: g.bad,
      badFlagged: g.stopped,
      good: g.good,
      goodFlagged: g.asked,
      extra: g.bad ? `denied ${pct(g.denied, g.bad)}` : '',
    });
    total.bad += g.bad;
    total.badFlagged += g.stopped;
    total.good += g.good;
    total.goodFlagged += g.asked;
    denied += g.denied;
    if (misses)
      console.log(
        `--- guard-evasions ${g.cls}: misses and false asks\n` +
          [
            ...g.misses.map(caseLine),
            ...g.falseAsks.map((r) => `FP ${r.decision} ${caseLine(r)} :: ${r.reasons[0]?.slice(0, 100)}`),
          ]
            .slice(0, misses)
            .join('\n'),
      );
  }
  total.extra = `bad stopped = ask or deny on any step; denied ${pct(denied, total.bad)}`;
  rows.push(total);
}
const secs = (performance.now() - t0) / 1000;

function pct(n: number, d: number): string {
  return d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}%`;
}

const table = [
  '| corpus | bad | bad flagged | good | good flagged | note |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.corpus} | ${r.bad} | ${pct(r.badFlagged, r.bad)} | ${r.good} | ${pct(r.goodFlagged, r.good)} | ${r.extra ?? ''} |`,
  ),
].join('\n');
console.log(table);
console.log(`\n${(bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s`);

if (!only.length) {
  const md = `# Accuracy

Made by \`npm run eval\` (scripts/eval.ts) on ${new Date().toISOString().slice(0, 10)} over \`../shared/corpora\`. Nothing is executed:
code, package and unicode cases are scanned as text, model files are disassembled statically, shell
commands are judged by the agent guard's engine.

What "flagged" means per kind of corpus:
- code and secrets corpora: at least one unsuppressed finding of severity low or above, each case
  scanned with the file extension of its language;
- unicode-attacks: the same, counting the Unicode-deception findings (the note gives the share of good
  files with a finding of any kind);
- package corpora (guarddog, benign-packages): at least one supply-chain or backdoor finding (malicious-package
  behaviour), every file of the case scanned under its own name (package.json, setup.py…); ordinary
  vulnerability findings such as an eval of a variable are not malice and do not count;
- pickles: any finding (and, for good files, the share flagged at high or critical);
- prompt-injection: a prompt-injection finding at medium or above from the injection analyzer, each case
  read under a file name of its format;
- shell corpora: the built-in policy's verdict is ask or deny, for each command run as an agent's shell tool
  call in a workspace /work/project (atomic-red-team: its bash commands only);
- guard-evasions (the project's own corpus, test/corpora/guard-evasions): agent tool calls, single or in
  steps, judged in a sandboxed workspace and home built from each case's setup; a bad case is stopped when
  any step is asked or denied, a good case is flagged when any step is.

${table}

${details.join('\n')}
Corpus notes: cyberseceval labels come from Meta's Insecure Code Detector (agreement, not ground truth);
llmseceval has only secure samples; unicode-attacks' benign set holds a few files that document the attacks
themselves (e.g. a right-to-left override in an ATT&CK write-up, TAG characters in a prompt-injection test)
and Warden flags those characters there too. nl2bash's admin-sensitive subset (sudo, ssh, curl, rm, crontab…)
may be asked by design. owasp-benchmark-python: the Python rules with value flow drop a finding whose sink value
is provably a constant or sanitised in its function; 7 cases labelled vulnerable are of that kind (their request
value is overwritten by a constant before the sink, e.g. BenchmarkTest00289), so they count as misses here.
gitleaks-secrets: values in a vendor's exact format that look typed in (12345678-ABCD-…) are reported at low
severity, which counts as flagged.
`;
  writeFileSync(outFile, md);
  console.log(`wrote ${outFile}`);
}
if (dumpFile) {
  writeFileSync(dumpFile, dumped.join('\n') + '\n');
  console.log(`wrote ${dumped.length} cases' findings to ${dumpFile}`);
}
