/**
 * What the prompt-injection analyzer costs, alone (issue 21's scan speed, issue 22's 5 ms/MB):
 *  - scan: CPU time of the injection path of `warden scan` (a code file read through its comments)
 *    over the npm-packages tree of `npm run bench -- --only scan`, read from node_modules;
 *  - gateway: the quarantine's inspect + mark on 1 MB of tool output (the bench's source code and
 *    build log, the OpenAI SDK's sources, TypeScript's Russian diagnostics), each text unique so that
 *    no cache answers, median of runs.
 * Usage: node --import tsx scripts/profile-injection.ts [scan|gateway] [--runs N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { collectTargets } from '../src/scan/walk.ts';
import { looksBinary, looksMinified } from '../src/scan/walk.ts';
import { languageOf } from '../src/analyzers/code/languages.ts';
import { commentView } from '../src/analyzers/injection/comments.ts';
import { analyzeCodeComments, analyzeInjectionText } from '../src/analyzers/injection/index.ts';
import { SourceFile } from '../src/analyzers/source.ts';
import { inspect, mark } from '../src/gateway/quarantine.ts';
import type { ToolResult } from '../src/gateway/protocol.ts';
import { NPM_TREE_PACKAGES, oneMbToolOutputs } from '../bench/inputs.ts';

const ROOT = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const which = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const runs = Number(args[args.indexOf('--runs') + 1]) || 15;
const PACKAGES = NPM_TREE_PACKAGES;

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

function scan(): void {
  const roots = PACKAGES.map((p) => join(ROOT, 'node_modules', p));
  const targets = collectTargets(roots, { exclude: [], maxFileSize: 1_000_000 }, [], ROOT);
  const texts: { path: string; text: string }[] = [];
  let bytes = 0;
  for (const t of targets) {
    if (t.kind) continue;
    const buf = readFileSync(t.path);
    if (looksBinary(buf, t.display)) continue;
    const text = buf.toString('utf8');
    texts.push({ path: t.display, text });
    bytes += buf.length;
  }
  let findings = 0;
  const pass = () => {
    const t0 = process.cpuUsage();
    const w0 = performance.now();
    for (const { path, text } of texts) {
      const language = languageOf(path, text.slice(0, 200).split('\n')[0]);
      // (as src/engine/scan.ts reads a file: code through its comments)
      findings += (language ? analyzeCodeComments(path, text, language) : analyzeInjectionText(path, text)).length;
    }
    const cpu = cpuMs(process.cpuUsage(t0));
    // The comment views alone (a part of the path).
    const v0 = process.cpuUsage();
    for (const { path, text } of texts) {
      const language = languageOf(path, text.slice(0, 200).split('\n')[0]);
      if (language) commentView(text, language);
    }
    return { cpu, wall: performance.now() - w0, views: cpuMs(process.cpuUsage(v0)) };
  };
  pass(); // (warm: the JIT, the tables)
  const all = Array.from({ length: Math.max(3, Math.min(runs, 5)) }, pass).sort((a, b) => a.cpu - b.cpu);
  const best = all[0];
  let minified = 0;
  for (const { path, text } of texts) if (looksMinified(path, text)) minified++;
  console.log(
    `scan: ${texts.length} files, ${(bytes / 1e6).toFixed(1)} MB (${minified} minified): injection path ` +
      `${best.cpu.toFixed(0)} ms CPU (best of ${all.length}; median ${all[all.length >> 1].cpu.toFixed(0)} ms), ` +
      `of which comment views ${best.views.toFixed(0)} ms; ${((bytes / 1e6 / best.cpu) * 1000).toFixed(0)} MB/s`,
  );
}

function gateway(): void {
  const MB = 2 ** 20;
  const fill = (s: string) => s.repeat(Math.ceil(MB / s.length)).slice(0, MB);
  const { source, log } = oneMbToolOutputs(ROOT);
  // (the bench's source is 29 kB repeated; the OpenAI SDK's sources never repeat: what distinct code costs)
  let distinct = '';
  for (const f of readdirSync(join(ROOT, 'node_modules', 'openai', 'src'), {
    recursive: true,
    encoding: 'utf8',
  }).sort())
    if (f.endsWith('.ts') && distinct.length < MB)
      distinct += readFileSync(join(ROOT, 'node_modules', 'openai', 'src', f), 'utf8');
  distinct = distinct.slice(0, MB);
  // (text in another script: TypeScript's Russian diagnostics, every line holding Cyrillic)
  const ru = readFileSync(join(ROOT, 'node_modules/typescript/lib/ru/diagnosticMessages.generated.json'), 'utf8');
  const translated = fill(ru);
  let seq = 0;
  const kinds = {
    'source code': source,
    'build log': log,
    'distinct source code': distinct,
    'translated JSON': translated,
  };
  for (const [name, text] of Object.entries(kinds)) {
    const times: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      // (unique, as the bench sends them; flat, as JSON.parse makes them at the gateway)
      const unique: string = JSON.parse(JSON.stringify(`run ${++seq}\n${text}\nend ${seq}`));
      const part = { text: unique, set: (s: string) => void (part.text = s) };
      const results = [{ id: 'c1', tool: 'read_file', args: { file_path: '/w/x' }, parts: [part] }] as ToolResult[];
      const t = performance.now();
      mark(results, inspect(results), (s) => s);
      if (i >= 3) times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(
      `gateway: 1 MB of ${name}: inspect + mark ${times[times.length >> 1].toFixed(2)} ms (median of ${runs}, ` +
        `min ${times[0].toFixed(2)})`,
    );
  }
}

if (!which || which === 'gateway') gateway();
if (!which || which === 'scan') scan();
