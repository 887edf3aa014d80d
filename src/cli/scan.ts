/**
 * `warden scan`: files and folders, a git diff (--diff REV), a patch (--patch FILE|-), or a
 * snippet on standard input (--stdin --lang L).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
import type { Finding, Note, Severity } from '../engine/types.ts';
import { isSeverity, severityRank, SEVERITIES } from '../engine/types.ts';
import { loadConfig, type Config } from '../engine/config.ts';
import { scanText } from '../engine/scan.ts';
import { collectTargets, looksMinified, type Target } from '../scan/walk.ts';
import { parseUnifiedDiff, textFromPatch } from '../scan/diff.ts';
import { computeStats, toJson, toSarif, toText, type ScanReport } from '../report/index.ts';
import { UsageError } from './args.ts';

export interface ScanArgs {
  paths: string[];
  diff?: string;
  patch?: string;
  stdin: boolean;
  lang?: string;
  format: 'text' | 'json' | 'sarif';
  failOn?: string;
  exclude: string[];
  config?: string;
  baseline?: string;
  writeBaseline?: string;
  color: boolean;
  output?: string;
  progress: boolean;
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

function decode(buf: Buffer, display: string, notes: Note[]): string {
  if (isUtf8(buf)) return buf.toString('utf8');
  notes.push({ file: display, kind: 'partial', reason: 'not valid UTF-8: scanned as Latin-1' });
  return buf.toString('latin1');
}

export function runScan(a: ScanArgs, version: string): { code: number; out: string } {
  const t0 = performance.now();
  const config: Config = loadConfig(process.cwd(), a.config);
  if (a.failOn !== undefined && !isSeverity(a.failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  const failOn = (a.failOn ?? config.failOn) as Severity;
  const exclude = [...config.exclude, ...a.exclude];
  const notes: Note[] = [];
  const findings: Finding[] = [];
  let files = 0, bytes = 0;

  const scanOne = (display: string, text: string, changedLines?: Set<number>, lang?: string) => {
    if (looksMinified(display, text)) { notes.push({ file: display, kind: 'skipped', reason: 'minified or generated (very long lines)' }); return; }
    const r = scanText(display, text, { config, changedLines, language: lang });
    files++; bytes += text.length;
    findings.push(...r.findings);
    notes.push(...r.notes);
  };

  const walkOpts = { exclude, maxFileSize: config.maxFileSize };
  const scanTargets = (targets: Target[], changed?: Map<string, Set<number>>) => {
    let last = 0;
    targets.forEach((t, i) => {
      let buf: Buffer;
      try {
        buf = readFileSync(t.path);
      } catch (e) {
        notes.push({ file: t.display, kind: 'error', reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
        return;
      }
      scanOne(t.display, decode(buf, t.display, notes), changed?.get(t.display));
      if (a.progress && targets.length > 200 && performance.now() - last > 200) {
        last = performance.now();
        process.stderr.write(`\rscanning ${i + 1}/${targets.length} files…`);
      }
    });
    if (a.progress && targets.length > 200) process.stderr.write('\r\x1b[K');
  };

  if (a.stdin) {
    if (!a.lang) throw new UsageError('--stdin needs --lang L (python, javascript, typescript, go, java, c, cpp, csharp, php, ruby, rust, bash)');
    scanOne(`<stdin>`, readStdin(), undefined, a.lang);
  } else if (a.patch !== undefined) {
    const text = a.patch === '-' ? readStdin() : (() => {
      if (!existsSync(a.patch!)) throw new UsageError(`patch file not found: ${a.patch}`);
      return readFileSync(a.patch!, 'utf8');
    })();
    const diffs = parseUnifiedDiff(text);
    if (diffs.length === 0) throw new UsageError('the patch has no file changes (expected a unified diff with ---/+++ headers)');
    for (const d of diffs) {
      // Scan the file as it is on disk when it matches the patch; otherwise the patch's added lines.
      let body: string | undefined;
      if (existsSync(d.path)) {
        const onDisk = readFileSync(d.path, 'utf8').split('\n');
        if ([...d.lines].every(([n, l]) => onDisk[n - 1] === l)) body = onDisk.join('\n');
      }
      scanOne(d.path, body ?? textFromPatch(d), d.added);
    }
  } else if (a.diff !== undefined) {
    let diffText: string;
    try {
      // --relative: paths relative to (and limited to) the working directory, as every other mode.
      diffText = execFileSync('git', ['diff', '--no-color', '--no-ext-diff', '--relative', '-U0', a.diff, '--', ...a.paths], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new UsageError(`git diff ${a.diff} failed: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`);
    }
    const changed = new Map(parseUnifiedDiff(diffText).map((d) => [d.path, d.added]));
    // Changed files pass the same checks as a folder scan: excludes, size bound, binaries, links.
    if (changed.size) scanTargets(collectTargets([...changed.keys()], walkOpts, notes), changed);
  } else {
    scanTargets(collectTargets(a.paths.length ? a.paths : ['.'], walkOpts, notes));
  }

  // Baseline: known findings are marked suppressed (reported, not failing the build).
  const baselinePath = a.baseline ?? config.baseline;
  if (baselinePath && !a.writeBaseline) {
    if (!existsSync(baselinePath)) throw new UsageError(`baseline file not found: ${baselinePath}`);
    let known: Set<string>;
    try {
      known = new Set((JSON.parse(readFileSync(baselinePath, 'utf8')) as { fingerprints: string[] }).fingerprints);
    } catch (e) {
      throw new UsageError(`baseline ${baselinePath} is not a Warden baseline: ${(e as Error).message}`);
    }
    for (const f of findings) if (!f.suppressed && known.has(f.fingerprint)) f.suppressed = { by: 'baseline', reason: `in ${baselinePath}` };
  }
  if (a.writeBaseline) {
    const fps = [...new Set(findings.filter((f) => !f.suppressed).map((f) => f.fingerprint))].sort();
    writeFileSync(a.writeBaseline, JSON.stringify({ version: 1, tool: 'warden', created: new Date().toISOString(), fingerprints: fps }, null, 2) + '\n');
    notes.push({ file: a.writeBaseline, kind: 'partial', reason: `baseline written with ${fps.length} finding(s)` });
  }

  const report: ScanReport = { findings, notes, stats: computeStats(findings, notes, files, bytes, performance.now() - t0) };
  const out = a.format === 'json' ? toJson(report) : a.format === 'sarif' ? toSarif(report, version) : toText(report, a.color);
  const failing = findings.some((f) => !f.suppressed && severityRank(f.severity) >= severityRank(failOn));
  const hardError = notes.some((n) => n.kind === 'error' && n.reason === 'path does not exist') && files === 0;
  return { code: hardError ? 2 : failing ? 1 : 0, out };
}
