/**
 * The arrival check of `warden run` (issue 22, part 4): before the agent starts, what it takes as
 * instructions from the workspace (AGENTS.md, QWEN.md, CLAUDE.md, GEMINI.md, .cursorrules …, the
 * agents' own folders with their settings, skills, custom commands and sub-agents, project MCP
 * configs, and instruction files in sub-folders) is read and checked with the analyzers `warden
 * scan` uses for the same files: the injection analyzer and the guard-weakening (agent-config)
 * checks. Only these known paths are read, each bounded, so a workspace of thousands of files
 * costs a few directory listings. What cannot be vouched for (a file that cannot be read, one too
 * large to read whole, a link out of the workspace, more files than the bound) is a problem the
 * policy refuses on, as it refuses a high-severity injection: the agent would read what Warden
 * did not.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { join, sep } from 'node:path';
import type { Finding } from '../engine/types.ts';

/** Instruction, settings and MCP files the agents read from the workspace root (and, for the first four, sub-folders). */
const NESTED_FILES = ['AGENTS.md', 'QWEN.md', 'CLAUDE.md', 'GEMINI.md'];
const ROOT_FILES = [
  ...NESTED_FILES,
  'AGENT.md',
  'AGENTS.override.md',
  'CLAUDE.local.md',
  '.cursorrules',
  '.windsurfrules',
  '.clinerules',
  '.mcp.json',
  '.github/copilot-instructions.md',
  '.vscode/mcp.json',
  '.vscode/settings.json',
];
/** The agents' own folders: settings, skills, commands, sub-agents, extensions, hooks, rules — every file in them. */
const AGENT_FOLDERS = [
  '.qwen',
  '.claude',
  '.gemini',
  '.codex',
  '.cursor',
  '.windsurf',
  '.clinerules',
  '.agents',
  '.github/instructions',
  '.github/prompts',
];
/** Folders a nested instruction file is not looked for in (dependencies, build output, history). */
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'target',
  'vendor',
  '.venv',
  'venv',
  '__pycache__',
]);

/** Bounds: a file larger than this is not read (and refused), nor more files, nor more folders walked. */
export const MAX_FILE = 1024 * 1024;
export const MAX_FILES = 400;
const MAX_DIRS = 5_000;
const MAX_DEPTH = 8;

export interface ArrivalFinding {
  file: string;
  ruleId: string;
  severity: string;
  line: number;
  message: string;
  snippet: string;
}

export interface ArrivalResult {
  /** Files read and checked, relative to the workspace. */
  checked: string[];
  findings: ArrivalFinding[];
  /** What could not be vouched for, one reason each (`FILE: why`). */
  problems: string[];
  /** Where the walk stopped looking (too many folders): said, not refused. */
  notes: string[];
  ms: number;
}

type Analyzers = {
  injection: (path: string, text: string) => Finding[];
  agentConfig: (path: string, text: string) => Finding[];
};

/** The analyzers, loaded only when there is a file to check (most workspaces have none). */
async function analyzers(): Promise<Analyzers> {
  const [{ analyzeInjection }, { analyzeAgentConfig, isAgentConfigPath }, { commentView }, { languageOf }, src] =
    await Promise.all([
      import('../analyzers/injection/index.ts'),
      import('../analyzers/agent-config.ts'),
      import('../analyzers/injection/comments.ts'),
      import('../analyzers/code/languages.ts'),
      import('../analyzers/source.ts'),
    ]);
  return {
    // As `warden scan` reads them: prose whole, code (a skill's script) by its comments.
    injection: (path, text) => {
      const lang = languageOf(path, text.slice(0, 200).split('\n')[0]);
      return analyzeInjection(new src.SourceFile(path, lang ? commentView(text, lang) : text, lang));
    },
    agentConfig: (path, text) =>
      isAgentConfigPath(path) ? analyzeAgentConfig(new src.SourceFile(path, text, undefined)) : [],
  };
}

/** The candidate paths, relative to the workspace: known root files, every file of the agent folders, nested instruction files. */
function candidates(workspace: string, notes: string[], problems: string[]): string[] {
  const out = new Set<string>();
  for (const f of ROOT_FILES) if (exists(join(workspace, f))) out.add(f);
  for (const d of AGENT_FOLDERS) walkAll(workspace, d, out, problems, 0);
  let dirs = 0;
  const nested = (rel: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (++dirs > MAX_DIRS) {
      if (dirs === MAX_DIRS + 1)
        notes.push(`nested instruction files were looked for in the first ${MAX_DIRS} folders only`);
      return;
    }
    for (const e of list(join(workspace, rel))) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !AGENT_FOLDERS.includes(p)) nested(p, depth + 1);
      else if (rel && NESTED_FILES.includes(e.name)) out.add(p);
    }
  };
  nested('', 0);
  return [...out];
}

const insideWorkspace = (workspace: string, p: string) => {
  try {
    const ws = realpathSync(workspace),
      real = realpathSync(p);
    return real === ws || real.startsWith(ws + sep);
  } catch {
    return false;
  }
};

const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

const list = (dir: string) => {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
};

/** Every entry of an agent folder (links included, judged when read), to the file bound. */
function walkAll(workspace: string, rel: string, out: Set<string>, problems: string[], depth: number): void {
  let st;
  try {
    st = lstatSync(join(workspace, rel));
    // A linked folder inside the workspace is walked as the agent would see it; anything else
    // linked (out of the workspace, a loop) is for readBounded to refuse.
    if (st.isSymbolicLink() && insideWorkspace(workspace, join(workspace, rel))) st = statSync(join(workspace, rel));
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    if (depth > 0 || st.isSymbolicLink()) out.add(rel);
    return;
  }
  if (depth > MAX_DEPTH) return void problems.push(`${rel}: folders nested deeper than ${MAX_DEPTH}`);
  for (const e of list(join(workspace, rel))) walkAll(workspace, `${rel}/${e.name}`, out, problems, depth + 1);
}

/**
 * The file's text, or why it cannot be vouched for. A link is followed only inside the workspace
 * (outside, the agent would take another file as its instructions: Warden's own files, the user's
 * credentials, a device); the file is opened without blocking (a FIFO) and read only when regular
 * and within the bound.
 */
function readBounded(workspace: string, rel: string): { text: string } | { problem: string } {
  const path = join(workspace, rel);
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    return { problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const ws = realpathSync(workspace);
  if (real !== ws && !real.startsWith(ws + sep)) return { problem: `is a link out of the workspace (to ${real})` };
  let fd: number | undefined;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (st.isDirectory()) return { text: '' }; // a folder where a file was looked for: nothing to read
    if (!st.isFile()) return { problem: 'is not a regular file' };
    if (st.size > MAX_FILE)
      return { problem: `is ${mb(st.size)}, larger than the ${mb(MAX_FILE)} Warden reads on arrival` };
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) break;
      n += r;
    }
    return { text: buf.subarray(0, n).toString('utf8') };
  } catch (e) {
    return { problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const mb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

/** Reads and checks what the agent will take as instructions from the workspace. */
export async function checkArrival(workspace: string): Promise<ArrivalResult> {
  const t0 = performance.now();
  const notes: string[] = [],
    problems: string[] = [];
  const paths = candidates(workspace, notes, problems).sort();
  if (paths.length > MAX_FILES) {
    problems.push(`${paths.length} agent instruction and settings files, more than the ${MAX_FILES} Warden reads`);
    paths.length = MAX_FILES;
  }
  const checked: string[] = [],
    findings: ArrivalFinding[] = [];
  let an: Analyzers | undefined;
  for (const rel of paths) {
    const got = readBounded(workspace, rel);
    if ('problem' in got) {
      problems.push(`${rel} ${got.problem}`);
      continue;
    }
    checked.push(rel);
    if (!got.text) continue;
    an ??= await analyzers();
    for (const f of [...an.injection(rel, got.text), ...an.agentConfig(rel, got.text)])
      findings.push({
        file: rel,
        ruleId: f.ruleId,
        severity: f.severity,
        line: f.line,
        message: f.message,
        snippet: f.snippet,
      });
  }
  return { checked, findings, problems, notes, ms: performance.now() - t0 };
}

const BLOCKING = new Set(['high', 'critical']);

export interface ArrivalVerdict {
  /** The agent must not start. */
  refuse: boolean;
  /** What the check found or could not read, strictest first: the record's reasons. */
  reasons: string[];
  /** Rule ids and problem ids: the record's checks. */
  checks: string[];
  /** The one line to print, or undefined when there is nothing to say. */
  line?: string;
}

/**
 * The policy on arrival: an injection at high or critical, or a file that could not be vouched
 * for, refuses the session unless the user said `--allow-arrival`; anything else found (a medium
 * injection, a setting that weakens the guard, which the sandbox shows neutralised) is a warning.
 * Low findings are recorded only.
 */
export function arrivalVerdict(r: ArrivalResult, allowArrival: boolean): ArrivalVerdict {
  const blocking = r.findings.filter((f) => f.ruleId.startsWith('injection.') && BLOCKING.has(f.severity));
  const warning = r.findings.filter((f) => !blocking.includes(f) && f.severity !== 'low' && f.severity !== 'info');
  const said = (f: ArrivalFinding) => `${f.file}:${f.line} ${f.ruleId} (${f.severity})`;
  const reasons = [
    ...r.problems.map((p) => `arrival: ${p}`),
    ...blocking.map((f) => `arrival: ${said(f)}: ${f.message}`),
    ...warning.map((f) => `arrival: ${said(f)}: ${f.message}`),
  ];
  const checks = [
    ...new Set([
      ...(r.problems.length ? ['arrival.unverifiable'] : []),
      ...[...blocking, ...warning].map((f) => f.ruleId),
    ]),
  ];
  const stop = r.problems.length > 0 || blocking.length > 0;
  const shown = [...r.problems, ...[...blocking, ...warning].map(said)];
  if (!shown.length) return { refuse: false, reasons, checks };
  const list = shown.slice(0, 3).join('; ') + (shown.length > 3 ? `; and ${shown.length - 3} more` : '');
  const tail = !stop
    ? 'warning only, the agent starts'
    : allowArrival
      ? 'starting anyway (--allow-arrival)'
      : `refusing to start the agent (exit ${EXIT_ARRIVAL}; --allow-arrival starts it anyway)`;
  return { refuse: stop && !allowArrival, reasons, checks, line: `warden run: arrival check: ${list}: ${tail}` };
}

/** Warden refused to start the agent: what the workspace would have given it as instructions failed the arrival check. */
export const EXIT_ARRIVAL = 123;
