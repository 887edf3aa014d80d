/**
 * The backdoor analyzer's own cost, apart from the rest of a scan (issue 21's scan-speed target).
 *
 *   node --import tsx scripts/profile-backdoor.ts                 CPU over the npm-packages tree of `npm run bench`
 *   node --import tsx scripts/profile-backdoor.ts --passes        … and the share of each pass (--repeat N: least of N)
 *   node --import tsx scripts/profile-backdoor.ts --dump F [DIR…] every finding (tree + DIRs) as JSON lines in F,
 *                                                                 to diff before and after a change
 *   node --import tsx scripts/profile-backdoor.ts --cold FILE     first call in this (fresh) process, then warm
 *
 * The files are the ones `warden scan` reads (same walk, size limit, binary test, decoding, language).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectTargets, looksBinary, looksMinified } from '../src/scan/walk.ts';
import { analyzeCode } from '../src/analyzers/code/index.ts';
import { mayOccur } from '../src/analyzers/literals.ts';
import { decode } from '../src/scan/file.ts';
import { SourceFile } from '../src/analyzers/source.ts';
import { languageOf } from '../src/analyzers/code/languages.ts';
import { analyzeBackdoors, semanticReads } from '../src/analyzers/backdoor/index.ts';
import { analyzeShapes } from '../src/analyzers/backdoor/shapes.ts';
import { analyzeDecisions } from '../src/analyzers/backdoor/decisions.ts';
import { analyzeMoney } from '../src/analyzers/backdoor/money.ts';
import { analyzeLeaks } from '../src/analyzers/backdoor/leaks.ts';
import { analyzeCrypto } from '../src/analyzers/backdoor/crypto.ts';
import { analyzeObfuscation } from '../src/analyzers/backdoor/obfuscation.ts';
import { assignments, structureOf } from '../src/analyzers/backdoor/structure.ts';
import { triggerEffects } from '../src/analyzers/backdoor/trigger.ts';
import { triggerLines } from '../src/analyzers/backdoor/vocabulary.ts';
import { DEFAULT_CONFIG } from '../src/engine/config.ts';
import type { Note } from '../src/engine/types.ts';
import { NPM_TREE_PACKAGES } from '../bench/inputs.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const NPM = NPM_TREE_PACKAGES;

function sourceOf(path: string, display: string): SourceFile | undefined {
  const buf = readFileSync(path);
  if (looksBinary(buf, display)) return undefined;
  const raw = decode(buf, display, []);
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  return new SourceFile(display, text, languageOf(display, text.slice(0, 200).split('\n')[0]));
}

/** The files scanText gives the backdoor analyzer: code, and configuration formats (src/engine/scan.ts). */
const CONFIG_FILE =
  /\.(ya?ml|json|toml|ini|cfg|conf|env|properties|xml|gradle|tf|hcl|dockerfile)$|(^|\/)(Dockerfile|Makefile|Jenkinsfile)$/i;

function filesUnder(roots: string[], all = false): SourceFile[] {
  const notes: Note[] = [];
  const targets = collectTargets(roots, { exclude: [], maxFileSize: DEFAULT_CONFIG.maxFileSize }, notes, ROOT);
  return targets
    .filter((t) => !t.kind)
    .flatMap((t) => sourceOf(t.path, relative(ROOT, t.path)) ?? [])
    .filter((f) => all || f.language || CONFIG_FILE.test(f.path));
}

const EXT: Record<string, string> = {
  python: 'py',
  javascript: 'js',
  typescript: 'ts',
  java: 'java',
  c: 'c',
  cpp: 'cpp',
  csharp: 'cs',
  php: 'php',
  go: 'go',
  ruby: 'rb',
  rust: 'rs',
  bash: 'sh',
  shell: 'sh',
  json: 'json',
  yaml: 'yml',
};

/** A corpus's cases (cases.jsonl) as files: a case's content, and each file of a package case. */
function casesOf(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const l of readFileSync(join(dir, 'cases.jsonl'), 'utf8').split('\n')) {
    if (!l.trim()) continue;
    const c = JSON.parse(l) as { id: string; language?: string; content?: string; files?: Record<string, string> };
    const files: Record<string, string> = { [`case/${c.id}.${EXT[c.language ?? ''] ?? 'txt'}`]: c.content ?? '' };
    for (const [name, text] of Object.entries(c.files ?? {})) files[`pkg/${c.id}/${name}`] = text;
    for (const [path, text] of Object.entries(files))
      if (typeof text === 'string')
        out.push(new SourceFile(path, text, languageOf(path, text.slice(0, 200).split('\n')[0])));
  }
  return out;
}

function cpuMs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

if (args.includes('--cold')) {
  const files = args.slice(args.indexOf('--cold') + 1).map((p) => sourceOf(p, p)!);
  const first = cpuMs(() => analyzeBackdoors(files[0]));
  const t = files.map((f) => cpuMs(() => analyzeBackdoors(f)).toFixed(1));
  console.log(`cold first call ${first.toFixed(1)} ms (${files[0].path}); then warm: ${t.join(', ')} ms`);
  process.exit(0);
}

const tree = NPM.map((p) => join(ROOT, 'node_modules', p)).filter(existsSync);
const files = filesUnder(tree);
const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);

if (args.includes('--dump')) {
  const out = arg('--dump')!;
  const extra = args.slice(args.indexOf('--dump') + 2).filter(existsSync);
  const lines: string[] = [];
  // (every text file, documentation too, and every case of a corpus: a wider net for a changed verdict)
  const corpora = extra.filter((d) => existsSync(join(d, 'cases.jsonl')));
  const plain = extra.filter((d) => !corpora.includes(d));
  for (const f of [...filesUnder([...tree, ...plain], true), ...corpora.flatMap(casesOf)])
    for (const x of analyzeBackdoors(f))
      lines.push(JSON.stringify([f.path, x.line, x.ruleId, x.severity, x.confidence, x.message]));
  writeFileSync(out, lines.join('\n') + '\n');
  console.log(`${lines.length} findings written to ${out}`);
  process.exit(0);
}

// (one warm-up pass: the figure is the steady cost a scan worker pays, not the JIT's)
for (const f of files.slice(0, 200)) analyzeBackdoors(new SourceFile(f.path, f.text, f.language));
// (--repeat N: the least of N runs, each on fresh files (no cached parse): a loaded machine adds, never takes)
const repeat = Number(arg('--repeat') ?? 1);
const fresh = () => files.map((f) => new SourceFile(f.path, f.text, f.language));
let findings = 0;
let ms = Infinity;
for (let r = 0; r < repeat; r++) {
  const set = r ? fresh() : files;
  findings = 0;
  ms = Math.min(
    ms,
    cpuMs(() => {
      for (const f of set) findings += analyzeBackdoors(f).length;
    }),
  );
}
console.log(
  `backdoor analyzer: ${ms.toFixed(0)} ms CPU over ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB ` +
    `(${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s), ${findings} findings`,
);
if (args.includes('--shared')) {
  // What the analyzer adds to a scan: the code analyzer has parsed the file and the word automaton has
  // read it (both for the code rules) before the backdoor analyzer runs; those are not counted here.
  let added = 0;
  for (const f of files) {
    const again = new SourceFile(f.path, f.text, f.language);
    mayOccur(/\bwarden\b/, again.text);
    if (again.language && !looksMinified(again.path, again.text)) analyzeCode(again, []);
    added += cpuMs(() => analyzeBackdoors(again));
  }
  console.log(`  of which a scan pays beyond its parse and word pass: ${added.toFixed(0)} ms`);
}

if (args.includes('--passes')) {
  // (each pass alone over the files the analyzer gives to its semantic passes)
  const semantic = files.filter((f) => f.language && semanticReads(f));
  const passes: [string, (f: SourceFile) => unknown][] = [
    ['shapes (all files)', analyzeShapes],
    ['decisions', analyzeDecisions],
    ['money', analyzeMoney],
    ['leaks', analyzeLeaks],
    ['crypto', analyzeCrypto],
    ['obfuscation', analyzeObfuscation],
    ['triggerLines', (f) => triggerLines(f, assignments(f))],
    [
      'structure+trigger',
      (f) => {
        const c = triggerLines(f, assignments(f));
        const s = c.size ? structureOf(f, c) : null;
        return s && triggerEffects(f, s);
      },
    ],
  ];
  for (const [name, fn] of passes) {
    const set = name.startsWith('shapes') ? files : semantic;
    let least = Infinity;
    for (let r = 0; r < repeat; r++)
      least = Math.min(
        least,
        cpuMs(() => set.forEach((f) => fn(f))),
      );
    console.log(`  ${name}: ${least.toFixed(0)} ms`);
  }
}
