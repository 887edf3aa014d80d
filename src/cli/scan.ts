/**
 * `warden scan`: files and folders, a git diff (--diff REV), a patch (--patch FILE|-), or a
 * snippet on standard input (--stdin --lang L).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Finding, Note, Severity } from '../engine/types.ts';
import { isSeverity, severityRank, SEVERITIES } from '../engine/types.ts';
import { loadConfig, type Config } from '../engine/config.ts';
import { normaliseLanguage } from '../analyzers/code/languages.ts';
import { findConfig, folderOf, repoRoot, rootedFingerprint } from '../scan/root.ts';
import { collectTargets, type Target } from '../scan/walk.ts';
import { scanDecoded } from '../scan/file.ts';
import { scanTargets as scanInParallel, prestart, tuneCompilerForScan } from '../scan/pool.ts';
import { manifestKind, parseManifest } from '../analyzers/deps/manifests.ts';
import { confirmOnline, onlineIssues } from '../analyzers/deps/online.ts';
import { normaliseName } from '../analyzers/deps/names.ts';
import { fileFinding } from '../analyzers/source.ts';
import { parseUnifiedDiff, textFromPatch } from '../scan/diff.ts';
import { computeStats, toJson, toSarif, toText, type ScanReport } from '../report/index.ts';
import { parseArgs, UsageError } from './args.ts';
import { VERSION, defaultAuditDir } from '../paths.ts';
import { HELP } from './help.ts';
import type { ChangedFile } from '../analyzers/session-context.ts';
import type { ReviewSettings } from '../analyzers/review/index.ts';
import { loadRules } from '../rules/loader.ts';

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
  /** Worker threads for folder scans (default: one per core). */
  jobs?: number;
  /** Confirm dependencies against the registries (network). */
  online?: boolean;
  /** Weigh a diff or patch with this agent session's audit records (issue 21, item 6). */
  session?: string;
  /** The audit log to read the session from (default: WARDEN_HOME or ~/.warden). */
  auditDir?: string;
  /** Ask the configured model for a second opinion on the change (`review` in the config). */
  review?: boolean;
  /** Flags that override the config's `review:` settings (`warden review --model …`). */
  reviewWith?: Partial<ReviewSettings>;
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

/** Found this much to scan, the walk starts the workers (a parallel scan needs 2 MB: see pool.ts). */
const PRESTART_BYTES = 256_000;

export async function runScan(
  a: ScanArgs,
  version: string,
): Promise<{ code: number; out: string; reviewFailed?: string }> {
  const t0 = performance.now();
  tuneCompilerForScan();
  const cwd = process.cwd();
  // An output that cannot be written fails before the scan, not after it.
  for (const out of [a.output, a.writeBaseline]) if (out) writableFolder(out);
  // The config of the scanned folder (walking up to its repository root), not of wherever the scan runs.
  const configPath = a.config ?? findConfig(a.stdin || a.patch !== undefined ? '.' : (a.paths[0] ?? '.'), cwd);
  const config: Config = loadConfig(cwd, configPath);
  if (a.failOn !== undefined && !isSeverity(a.failOn))
    throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  const failOn = (a.failOn ?? config.failOn) as Severity;
  if ((a.session !== undefined || a.review) && a.diff === undefined && a.patch === undefined)
    throw new UsageError('--session and --review need --diff or --patch');
  if (a.session !== undefined && !a.session.trim()) throw new UsageError('--session needs an agent session id');
  // A review that is not configured is a usage error before the scan, not a note after it.
  const review = a.review
    ? (await import('../analyzers/review/index.ts')).reviewSettings(config, a.reviewWith)
    : undefined;
  let reviewFailed: string | undefined;
  const exclude = a.exclude;
  const notes: Note[] = [];
  const findings: Finding[] = [];
  let files = 0,
    bytes = 0;

  // The changed lines of a diff or patch, for the session and model checks that weigh the change whole.
  const changes: ChangedFile[] = [];
  const add = (r: { findings: Finding[]; notes: Note[]; scanned: boolean; bytes: number }) => {
    findings.push(...r.findings);
    notes.push(...r.notes);
    if (r.scanned) {
      files++;
      bytes += r.bytes;
    }
  };
  const scanOne = (display: string, text: string, changedLines?: Set<number>, lang?: string) =>
    add(scanDecoded(display, text, config, changedLines, lang));

  // (the config's excludes are relative to its folder, --exclude to the working folder)
  const configExclude = configPath ? { base: dirname(resolve(cwd, configPath)), patterns: config.exclude } : undefined;
  const walkOpts = { exclude, maxFileSize: config.maxFileSize, configExclude };
  const onlineTargets: Target[] = [];
  const scanTargets = async (targets: Target[], changed?: Map<string, Set<number>>) => {
    onlineTargets.push(...targets.filter((t) => manifestKind(t.display)));
    let last = 0;
    const showProgress = a.progress && targets.length > 200;
    const results = await scanInParallel(targets, {
      config,
      changed,
      jobs: a.jobs,
      onProgress: showProgress
        ? (done, total) => {
            if (performance.now() - last < 200) return;
            last = performance.now();
            process.stderr.write(`\rscanning ${done}/${total} files…`);
          }
        : undefined,
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    results.forEach(add);
  };

  if (a.stdin) {
    if (!a.lang)
      throw new UsageError(
        '--stdin needs --lang L (python, javascript, typescript, go, java, c, cpp, csharp, php, ruby, rust, bash)',
      );
    if (!normaliseLanguage(a.lang))
      throw new UsageError(
        `--lang ${a.lang} is not a language Warden knows (python, javascript, typescript, go, java, c, cpp, csharp, php, ruby, rust, bash)`,
      );
    scanOne(`<stdin>`, readStdin(), undefined, a.lang);
  } else if (a.patch !== undefined) {
    const text =
      a.patch === '-'
        ? readStdin()
        : (() => {
            if (!existsSync(a.patch!)) throw new UsageError(`patch file not found: ${a.patch}`);
            return readFileSync(a.patch!, 'utf8');
          })();
    const diffs = parseUnifiedDiff(text);
    if (diffs.length === 0)
      throw new UsageError('the patch has no file changes (expected a unified diff with ---/+++ headers)');
    for (const d of diffs) {
      // Scan the file as it is on disk when it matches the patch; otherwise the patch's added lines.
      let body: string | undefined;
      if (existsSync(d.path)) {
        const onDisk = readFileSync(d.path, 'utf8').split('\n');
        if ([...d.lines].every(([n, l]) => onDisk[n - 1] === l)) body = onDisk.join('\n');
      }
      scanOne(d.path, body ?? textFromPatch(d), d.added);
      changes.push(changeOf(d.path, body ?? '', d.lines));
    }
  } else if (a.diff !== undefined) {
    let diffText: string;
    // --relative: paths relative to (and limited to) the working directory, as every other mode.
    const git = promisify(execFile)(
      'git',
      ['diff', '--no-color', '--no-ext-diff', '--relative', '-U0', a.diff, '--', ...a.paths],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    git.catch(() => {}); // awaited below
    // The rule packs load while git works (on the other core), not after it.
    loadRules();
    try {
      diffText = (await git).stdout;
    } catch (e) {
      throw new UsageError(
        `git diff ${a.diff} failed: ${((e as { stderr?: string }).stderr || (e as Error).message).trim().split('\n')[0]}`,
      );
    }
    const changed = new Map(parseUnifiedDiff(diffText).map((d) => [d.path, d.added]));
    // New files git does not track yet (and does not ignore) are wholly added: no entry, no line filter.
    const fresh = a.diff.includes('..') ? [] : await untracked(a.paths);
    const paths = [...changed.keys(), ...fresh.filter((p) => !changed.has(p))];
    // Changed files pass the same checks as a folder scan: excludes, size bound, binaries, links.
    if (paths.length) await scanTargets(collectTargets(paths, walkOpts, notes), changed);
    if (a.session || a.review) changes.push(...changedOnDisk(paths, changed));
  } else {
    // Workers start early in the walk, once it has found enough that a parallel scan is likely (they
    // warm up meanwhile; a scan that stays small ends them unused).
    let found = 0;
    const early = (t: Target) => {
      if ((found += t.size) >= PRESTART_BYTES) prestart(config, a.jobs);
    };
    await scanTargets(collectTargets(a.paths.length ? a.paths : ['.'], walkOpts, notes, undefined, early));
  }

  if (a.session !== undefined) await weighSession(changes, a.session, a.auditDir, findings, notes);
  if (review) {
    const r = await (await import('../analyzers/review/index.ts')).reviewChange(changes, review);
    findings.push(...r.findings);
    notes.push(...r.notes);
    reviewFailed = r.failed;
  }
  // Baseline: known findings are marked suppressed (reported, not failing the build).
  if (a.online) await onlinePass(onlineTargets, findings, notes);

  // A config's baseline is relative to the config's folder; --baseline to the working folder.
  const baselinePath =
    a.baseline ?? (config.baseline && config.source ? resolve(dirname(config.source), config.baseline) : undefined);
  // Fingerprints relative to one root, so `scan repo`, `scan /abs/repo`, `scan .` and `scan repo/a.py` agree.
  const legacy = new Map(findings.map((f) => [f, f.fingerprint]));
  const anchor = resolve(cwd, a.stdin || a.patch !== undefined ? '.' : (a.paths[0] ?? '.'));
  // (outside git: the baseline's own folder, which every spelling of the scan shares, then the config's)
  const baselineFile = a.writeBaseline ?? baselinePath;
  const root =
    repoRoot(folderOf(anchor)) ??
    (baselineFile ? dirname(resolve(cwd, baselineFile)) : undefined) ??
    (configPath ? dirname(resolve(cwd, configPath)) : folderOf(anchor));
  for (const f of findings) f.fingerprint = rootedFingerprint(f, root, cwd);
  if (baselinePath && !a.writeBaseline) {
    if (!existsSync(baselinePath)) throw new UsageError(`baseline file not found: ${baselinePath}`);
    let known: Set<string>;
    try {
      known = new Set((JSON.parse(readFileSync(baselinePath, 'utf8')) as { fingerprints: string[] }).fingerprints);
    } catch (e) {
      throw new UsageError(`baseline ${baselinePath} is not a Warden baseline: ${(e as Error).message}`);
    }
    for (const f of findings)
      if (!f.suppressed && (known.has(f.fingerprint) || known.has(legacy.get(f)!)))
        f.suppressed = { by: 'baseline', reason: `in ${baselinePath}` };
  }
  if (a.writeBaseline) {
    const fps = [...new Set(findings.filter((f) => !f.suppressed).map((f) => f.fingerprint))].sort();
    writeOut(
      a.writeBaseline,
      JSON.stringify({ version: 1, tool: 'warden', created: new Date().toISOString(), fingerprints: fps }, null, 2) +
        '\n',
    );
    notes.push({ file: a.writeBaseline, kind: 'partial', reason: `baseline written with ${fps.length} finding(s)` });
  }

  const report: ScanReport = {
    findings,
    notes,
    stats: computeStats(findings, notes, files, bytes, performance.now() - t0),
    root,
    cwd,
  };
  const out =
    a.format === 'json' ? toJson(report) : a.format === 'sarif' ? toSarif(report, version) : toText(report, a.color);
  const failing = findings.some((f) => !f.suppressed && severityRank(f.severity) >= severityRank(failOn));
  // A path that is not there is a usage error even when the other paths were scanned (CI typed it wrong).
  const hardError = notes.some((n) => n.kind === 'error' && n.reason === 'path does not exist');
  return { code: hardError ? 2 : failing ? 1 : 0, out, reviewFailed };
}

export async function scanCommand(rest: string[]): Promise<number> {
  const { flags, rest: paths } = parseArgs(rest, {
    diff: 'string',
    patch: 'string',
    stdin: 'bool',
    lang: 'string',
    format: 'string',
    'fail-on': 'string',
    exclude: 'list',
    config: 'string',
    baseline: 'string',
    'write-baseline': 'string',
    'no-color': 'bool',
    output: 'string',
    'no-progress': 'bool',
    jobs: 'string',
    online: 'bool',
    session: 'string',
    'audit-dir': 'string',
    review: 'bool',
    help: 'bool',
  });
  if (flags.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const format = (flags.format as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif`);
  const modes = [flags.diff !== undefined, flags.patch !== undefined, !!flags.stdin].filter(Boolean).length;
  if (modes > 1) throw new UsageError('use only one of --diff, --patch and --stdin');
  const toFile = flags.output as string | undefined;
  const jobs = flags.jobs === undefined ? undefined : Number(flags.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64))
    throw new UsageError('--jobs must be a whole number from 1 to 64');
  const { code, out } = await runScan(
    {
      paths,
      diff: flags.diff as string | undefined,
      patch: flags.patch as string | undefined,
      stdin: !!flags.stdin,
      lang: flags.lang as string | undefined,
      format: format as 'text',
      failOn: flags['fail-on'] as string | undefined,
      exclude: (flags.exclude as string[]) ?? [],
      config: flags.config as string | undefined,
      baseline: flags.baseline as string | undefined,
      writeBaseline: flags['write-baseline'] as string | undefined,
      color: !flags['no-color'] && !toFile && process.stdout.isTTY === true && !process.env.NO_COLOR,
      output: toFile,
      progress: !flags['no-progress'] && process.stderr.isTTY === true,
      jobs,
      online: !!flags.online,
      session: flags.session as string | undefined,
      auditDir: flags['audit-dir'] as string | undefined,
      review: !!flags.review,
    },
    VERSION,
  );
  if (toFile) writeOut(toFile, out);
  else process.stdout.write(out);
  return code;
}

/** Untracked, not ignored files under the working folder (relative to it), as `git ls-files` lists them. */
async function untracked(paths: string[]): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)(
      'git',
      ['ls-files', '--others', '--exclude-standard', '-z', '--', ...paths],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout.split('\0').filter(Boolean);
  } catch (e) {
    throw new UsageError(`git ls-files failed: ${((e as { stderr?: string }).stderr || (e as Error).message).trim()}`);
  }
}

function writableFolder(path: string): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw new UsageError(`cannot write ${path}: the folder ${dirname(path)} does not exist`);
}

/** Writes an output file; a missing folder or a read-only place is a one-line error (exit 2). */
function writeOut(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `the folder ${dirname(path)} does not exist` : (code ?? (e as Error).message);
    throw new UsageError(`cannot write ${path}: ${why}`);
  }
}

/** --online: the registries confirm (or not) every npm and PyPI dependency of the scanned manifests. */
async function onlinePass(targets: Target[], findings: Finding[], notes: Note[]) {
  const deps: { ecosystem: 'npm' | 'pypi'; name: string; file: string; line: number; text: string }[] = [];
  for (const t of targets) {
    let text: string;
    try {
      text = readFileSync(t.path, 'utf8');
    } catch {
      continue;
    }
    for (const d of parseManifest(t.display, text)?.deps ?? []) {
      if ((d.ecosystem === 'npm' || d.ecosystem === 'pypi') && d.source === 'registry')
        deps.push({
          ecosystem: d.ecosystem,
          name: d.name,
          file: t.display,
          line: d.line,
          text: text.split('\n')[d.line - 1] ?? '',
        });
    }
  }
  if (!deps.length) return;
  const facts = await confirmOnline(deps);
  for (const d of deps) {
    const f = facts.get(`${d.ecosystem}:${normaliseName(d.ecosystem, d.name)}`);
    if (!f) continue;
    if (f.error) {
      notes.push({ file: d.file, kind: 'partial', reason: `--online: ${d.name}: ${f.error}` });
      continue;
    }
    for (const i of onlineIssues(d.name, f, Date.now(), d.ecosystem)) {
      findings.push(
        fileFinding(d.file, {
          ruleId: i.ruleId,
          title: i.title,
          severity: i.severity,
          confidence: 'high',
          category: 'supply-chain',
          cwe: 'CWE-1357',
          line: d.line,
          endColumn: d.text.length + 1,
          snippet: d.text,
          message: i.message,
          fix: 'Confirm the package on the registry (publisher, age, repository) before depending on it.',
        }),
      );
    }
  }
}

/** A changed file for the session and model checks: its added lines and the rest of its text. */
function changeOf(path: string, body: string, added: Map<number, string>): ChangedFile {
  const rest = body
    .split('\n')
    .filter((_, i) => !added.has(i + 1))
    .join('\n');
  return { path, added, rest };
}

/** The changed files of a `--diff` as they are on disk (a file that cannot be read is left out). */
function changedOnDisk(paths: string[], changed: Map<string, Set<number>>): ChangedFile[] {
  const out: ChangedFile[] = [];
  for (const p of paths) {
    let body: string;
    try {
      body = readFileSync(p, 'utf8');
    } catch {
      continue;
    }
    if (body.length > 4_000_000) continue;
    const lines = body.split('\n');
    const set = changed.get(p); // absent: a new file, wholly added
    const added = new Map<number, string>();
    lines.forEach((l, i) => {
      if (!set || set.has(i + 1)) added.set(i + 1, l);
    });
    out.push(changeOf(p, body, added));
  }
  return out;
}

/** `--session`: findings about the change in its session; a log that cannot be read is a note. */
async function weighSession(
  changes: ChangedFile[],
  session: string,
  auditDir: string | undefined,
  findings: Finding[],
  notes: Note[],
): Promise<void> {
  const sc = await import('../analyzers/session-context.ts');
  const summary = await sc.readSession(auditDir ?? defaultAuditDir(), session);
  const note = sc.sessionNote(summary);
  if (note) notes.push(note);
  findings.push(...sc.judgeChangeInSession(changes, summary));
}

/**
 * `warden review`: a diff or patch scan with the model's second opinion. A review that could not
 * be done (no answer, a refused answer) exits 2 after the report: it must not pass for a clean one.
 */
export async function reviewCommand(rest: string[]): Promise<number> {
  const { flags, rest: paths } = parseArgs(rest, {
    diff: 'string',
    patch: 'string',
    'base-url': 'string',
    model: 'string',
    'api-key-env': 'string',
    'timeout-ms': 'string',
    session: 'string',
    'audit-dir': 'string',
    format: 'string',
    'fail-on': 'string',
    config: 'string',
    output: 'string',
    'no-color': 'bool',
  });
  if ((flags.diff === undefined) === (flags.patch === undefined))
    throw new UsageError('warden review needs one of --diff REV and --patch FILE|-');
  const format = (flags.format as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif`);
  const t = flags['timeout-ms'] as string | undefined;
  if (t !== undefined && !/^\d+$/.test(t)) throw new UsageError('--timeout-ms must be a whole number of milliseconds');
  const reviewWith: Partial<ReviewSettings> = {};
  if (flags['base-url'] !== undefined) reviewWith.baseUrl = flags['base-url'] as string;
  if (flags.model !== undefined) reviewWith.model = flags.model as string;
  if (flags['api-key-env'] !== undefined) reviewWith.apiKeyEnv = flags['api-key-env'] as string;
  if (t !== undefined) reviewWith.timeoutMs = Number(t);
  const toFile = flags.output as string | undefined;
  const { code, out, reviewFailed } = await runScan(
    {
      paths,
      diff: flags.diff as string | undefined,
      patch: flags.patch as string | undefined,
      stdin: false,
      format: format as 'text',
      failOn: flags['fail-on'] as string | undefined,
      exclude: [],
      config: flags.config as string | undefined,
      color: !flags['no-color'] && !toFile && process.stdout.isTTY === true && !process.env.NO_COLOR,
      output: toFile,
      progress: false,
      session: flags.session as string | undefined,
      auditDir: flags['audit-dir'] as string | undefined,
      review: true,
      reviewWith,
    },
    VERSION,
  );
  if (toFile) writeOut(toFile, out);
  else process.stdout.write(out);
  if (reviewFailed) {
    process.stderr.write(`warden: the model review was not done: ${reviewFailed}\n`);
    return 2;
  }
  return code;
}
