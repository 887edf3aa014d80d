/**
 * The guard-evasions corpus (test/corpora/guard-evasions/cases.jsonl): agent tool calls written as a
 * hijacked agent would, and ordinary developer calls that must stay allowed. This module loads and
 * checks the cases and judges each through the real engine in a workspace and home folder built on
 * disk from the case's `setup` (scripts a call runs, links made earlier). Nothing a case names is
 * ever executed: shell steps are judged only; what a step leaves behind on disk is declared in its
 * `after` entries (or, for write and edit steps, is the write itself) and applied before the next step.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgeEvent, type FullVerdict } from '../src/engine/judge.ts';
import type { Policy } from '../src/engine/policy.ts';
import { isScratchPath, isTempPath } from '../src/analyzers/paths.ts';
import type { Event } from '../src/engine/types.ts';

export const CORPUS_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'test',
  'corpora',
  'guard-evasions',
  'cases.jsonl',
);

/** The five evasion classes of issue 19, phase 2, and later red-teams' own classes (good cases name the class they are a near miss of, or "ordinary"). */
export const CLASSES = [
  'script-laundering',
  'write-landing',
  'trusted-host',
  'equivalent-tool',
  'guard-muting',
  // a red-team of session 17 across every goal and trick (its own folder of cases, its own eval row)
  'redteam-s17',
  // round two (session 18): multi-step plans, non-shell tool calls, runtimes, containers, archives, git, exfiltration
  'redteam-s18',
] as const;
export type EvasionClass = (typeof CLASSES)[number];
export const GOOD_CLASSES = [...CLASSES, 'ordinary'] as const;
export const TOOLS = ['shell', 'write', 'edit', 'read', 'fetch', 'mcp'] as const;
export const AGENTS = ['qwen', 'claude', 'gemini', 'codex'] as const;

/** A file, folder or symbolic link the workspace or home holds (`~/…` is the home folder, else the workspace). */
export interface SetupEntry {
  path: string;
  content?: string;
  link?: string;
  dir?: boolean;
}
export interface Step {
  tool: (typeof TOOLS)[number];
  command?: string;
  path?: string;
  content?: string;
  old?: string;
  new?: string;
  url?: string;
  /** mcp: the server and tool names, and the arguments (which the engine does not see today). */
  server?: string;
  name?: string;
  arguments?: Record<string, unknown>;
  /** What a shell step leaves on disk (it is never run): applied after it is judged. */
  after?: SetupEntry[];
}
export interface EvasionCase extends Partial<Step> {
  id: string;
  class: string;
  label: 'bad' | 'good';
  agent?: string;
  setup?: SetupEntry[];
  steps?: Step[];
  why: string;
}

export function loadCases(file = CORPUS_FILE): EvasionCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as EvasionCase;
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
      }
    });
}

const REQUIRED: Record<Step['tool'], (keyof Step)[]> = {
  shell: ['command'],
  write: ['path', 'content'],
  edit: ['path', 'old', 'new'],
  read: ['path'],
  fetch: ['url'],
  mcp: ['server', 'name'],
};

/** The steps of a case: its own `steps`, or the case itself as one step. */
export function stepsOf(c: EvasionCase): Step[] {
  return c.steps ?? [c as Step];
}

/** What is wrong with one case (empty when it is well formed). */
export function caseProblems(c: EvasionCase): string[] {
  const out: string[] = [];
  const where = `case ${c.id ?? '?'}`;
  if (typeof c.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(c.id)) out.push(`${where}: id must be kebab-case`);
  if (c.label !== 'bad' && c.label !== 'good') out.push(`${where}: label must be bad or good`);
  const classes: readonly string[] = c.label === 'good' ? GOOD_CLASSES : CLASSES;
  if (!classes.includes(c.class)) out.push(`${where}: class ${c.class} is not one of ${classes.join(', ')}`);
  if (c.agent !== undefined && !(AGENTS as readonly string[]).includes(c.agent))
    out.push(`${where}: unknown agent ${c.agent}`);
  if (typeof c.why !== 'string' || c.why.length < 10) out.push(`${where}: why must say what the case is`);
  if (c.steps && (!Array.isArray(c.steps) || c.steps.length < 2)) out.push(`${where}: steps needs two or more`);
  if (c.steps && c.tool) out.push(`${where}: either steps or a single tool call, not both`);
  for (const s of stepsOf(c)) {
    if (!(TOOLS as readonly string[]).includes(s.tool)) {
      out.push(`${where}: unknown tool ${s.tool}`);
      continue;
    }
    for (const k of REQUIRED[s.tool]) if (typeof s[k] !== 'string') out.push(`${where}: ${s.tool} needs ${k}`);
    if (s.after && s.tool !== 'shell') out.push(`${where}: only shell steps declare what they leave (after)`);
  }
  for (const e of [...(c.setup ?? []), ...stepsOf(c).flatMap((s) => s.after ?? [])]) {
    if (typeof e.path !== 'string' || isAbsolute(e.path) || e.path.split('/').includes('..'))
      out.push(`${where}: setup path ${e.path} must be relative to the workspace or start with ~/`);
    if ([e.content !== undefined, e.link !== undefined, e.dir === true].filter(Boolean).length !== 1)
      out.push(`${where}: setup ${e.path} needs exactly one of content, link, dir`);
  }
  return out;
}

/** The project and home every case starts from (a case's setup adds to it). */
const BASE_HOME: SetupEntry[] = [
  {
    path: '~/.ssh/id_ed25519',
    content: '-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----\n',
  },
  { path: '~/.ssh/id_ed25519.pub', content: 'ssh-ed25519 AAAAC3Nza dev@laptop\n' },
  { path: '~/.ssh/known_hosts', content: 'github.com ssh-ed25519 AAAA\n' },
  { path: '~/.aws/credentials', content: '[default]\naws_access_key_id = AKIAFAKEFAKEFAKE\n' },
  { path: '~/.bashrc', content: 'export PATH="$HOME/.local/bin:$PATH"\n' },
  { path: '~/.profile', content: '. ~/.bashrc\n' },
  { path: '~/.gitconfig', content: '[user]\n\tname = Dev\n\temail = dev@example.com\n' },
  { path: '~/.config/systemd/user', dir: true },
  { path: '~/.config/autostart', dir: true },
  // (no policy file of the user's own yet: a case may create one)
  { path: '~/.config/warden', dir: true },
  { path: '~/.warden/audit.db', content: 'SQLite format 3\n' },
  { path: '~/.warden/daemon.pid', content: '4242\n' },
  { path: '~/.qwen/settings.json', content: '{"hooks":{}}\n' },
  { path: '~/.claude/settings.json', content: '{"hooks":{}}\n' },
  { path: '~/.local/bin', dir: true },
];
const BASE_PROJECT: SetupEntry[] = [
  {
    path: 'package.json',
    content:
      JSON.stringify(
        {
          name: 'acme-app',
          version: '1.4.0',
          private: true,
          scripts: { build: 'tsc -p .', test: 'node --test test/', lint: 'eslint src', start: 'node dist/index.js' },
          dependencies: { express: '^4.19.2' },
          devDependencies: { typescript: '^5.4.0', eslint: '^9.0.0' },
        },
        null,
        2,
      ) + '\n',
  },
  { path: 'Makefile', content: 'build:\n\tnpm run build\n\ntest:\n\tnpm test\n\n.PHONY: build test\n' },
  { path: 'src/index.js', content: "const express = require('express');\nconst app = express();\napp.listen(3000);\n" },
  { path: 'test/app.test.js', content: "const test = require('node:test');\ntest('boots', () => {});\n" },
  { path: 'README.md', content: '# acme-app\n\nRun `npm test`.\n' },
  { path: '.env.example', content: 'DATABASE_URL=postgres://localhost/app\n' },
  { path: '.gitignore', content: 'node_modules\n.env\ndist\n' },
  { path: '.git/HEAD', content: 'ref: refs/heads/feature/login\n' },
  {
    path: '.git/config',
    content:
      '[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl = git@github.com:acme/acme-app.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
  },
  { path: '.git/hooks', dir: true },
  { path: 'node_modules/.bin', dir: true },
];

/** A fresh home and workspace for one case, under `root`. */
export class Sandbox {
  readonly home: string;
  readonly workspace: string;
  constructor(readonly root: string) {
    this.home = join(root, 'home', 'dev');
    this.workspace = join(this.home, 'project');
    for (const e of [...BASE_HOME, ...BASE_PROJECT]) this.apply(e);
  }
  /** Where a setup path lies on disk. */
  at(p: string): string {
    return p === '~' || p.startsWith('~/') ? join(this.home, p.slice(2)) : resolve(this.workspace, p);
  }
  /** Whether an absolute path, with every link on the way resolved, stays inside this sandbox. */
  contains(abs: string): boolean {
    let probe = abs,
      rest = '';
    while (!lstatSync(probe, { throwIfNoEntry: false })) {
      const up = dirname(probe);
      if (up === probe) return false;
      rest = join(probe.slice(up.length + 1), rest);
      probe = up;
    }
    let real: string;
    try {
      real = realpathSync.native(probe);
    } catch {
      return false;
    }
    const full = normalize(join(real, rest));
    const root = realpathSync.native(this.root);
    return full === root || full.startsWith(root + sep);
  }
  apply(e: SetupEntry): void {
    const p = this.at(e.path);
    if (!p.startsWith(this.root + sep)) throw new Error(`setup path ${e.path} leaves the sandbox`);
    mkdirSync(dirname(p), { recursive: true });
    if (e.dir) mkdirSync(p, { recursive: true });
    else if (e.link !== undefined) {
      rmSync(p, { force: true });
      symlinkSync(e.link === '~' || e.link.startsWith('~/') ? join(this.home, e.link.slice(2)) : e.link, p);
    } else if (this.contains(p)) writeFileSync(p, e.content ?? '');
  }
  /** The effect of an allowed write or edit, when it lands inside the sandbox (it never lands elsewhere). */
  write(path: string, content: string): void {
    const p = path.startsWith('~/') ? join(this.home, path.slice(2)) : resolve(this.workspace, path);
    if (!this.contains(p)) return;
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  read(path: string): string {
    const p = path.startsWith('~/') ? join(this.home, path.slice(2)) : resolve(this.workspace, path);
    try {
      return this.contains(p) && existsSync(p) ? readFileSync(p, 'utf8') : '';
    } catch {
      return '';
    }
  }
}

/** The engine event of a step (an MCP call is a tool the engine knows only by name). */
export function eventOf(s: Step, cwd: string): Event {
  switch (s.tool) {
    case 'shell':
      return { tool: 'shell', command: s.command!, cwd };
    case 'write':
      return { tool: 'write', path: s.path!, content: s.content!, cwd };
    case 'edit':
      return { tool: 'edit', path: s.path!, old: s.old!, new: s.new!, cwd };
    case 'read':
      return { tool: 'read', path: s.path!, cwd };
    case 'fetch':
      return { tool: 'fetch', url: s.url!, cwd };
    case 'mcp':
      return { tool: 'other', name: `mcp__${s.server}__${s.name}`, cwd };
  }
}

export interface CaseResult {
  c: EvasionCase;
  /** The strictest decision over the steps judged (judging stops at the first step not allowed). */
  decision: FullVerdict['decision'];
  /** 1-based step that was not allowed (0 when every step was allowed). */
  step: number;
  reasons: string[];
  capabilities: string[];
}

/**
 * Judges one case: a fresh sandbox from its setup, each step judged in order with the built-in
 * policy; an allowed step's effect is applied before the next. HOME points into the sandbox while
 * judging, since parts of the engine read the home folder from the process.
 */
export async function judgeCase(c: EvasionCase, policy: Policy, root: string): Promise<CaseResult> {
  const box = new Sandbox(mkdtempSync(join(root, 'c-')));
  const saved = { HOME: process.env.HOME, WARDEN_HOME: process.env.WARDEN_HOME };
  process.env.HOME = box.home;
  delete process.env.WARDEN_HOME;
  try {
    for (const e of c.setup ?? []) box.apply(e);
    const steps = stepsOf(c);
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      const ctx = { policy, cwd: box.workspace, workspace: box.workspace, home: box.home };
      const v = await judgeEvent(eventOf(s, box.workspace), ctx);
      if (v.decision !== 'allow')
        return {
          c,
          decision: v.decision,
          step: i + 1,
          reasons: v.reasons,
          capabilities: [
            ...new Set([
              ...v.actions.filter((a) => a.decision !== 'allow').map((a) => a.capability),
              ...v.findings.map((f) => f.ruleId),
            ]),
          ],
        };
      if (i === steps.length - 1) break; // (nothing is judged after the last step: its effect would go unseen)
      if (s.tool === 'write') box.write(s.path!, s.content!);
      if (s.tool === 'edit')
        box.write(
          s.path!,
          box.read(s.path!).replace(s.old!, () => s.new!),
        );
      for (const e of s.after ?? []) box.apply(e);
    }
    return { c, decision: 'allow', step: 0, reasons: [], capabilities: [] };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    rmSync(box.root, { recursive: true, force: true });
  }
}

/** Where the sandboxes go: not under /tmp, which the guard treats as scratch space (that would hide writes). */
export function sandboxRoot(): string {
  const dir = resolve(process.env.WARDEN_EVASIONS_DIR ?? join(homedir(), '.cache', 'warden-evasions'));
  if (isScratchPath(dir) || isTempPath(dir))
    throw new Error(`${dir} is a temp folder, where every write counts as scratch: set WARDEN_EVASIONS_DIR elsewhere`);
  mkdirSync(dir, { recursive: true });
  return mkdtempSync(join(dir, 'run-'));
}

export interface ClassRow {
  cls: string;
  bad: number;
  stopped: number;
  denied: number;
  good: number;
  asked: number;
  misses: CaseResult[];
  falseAsks: CaseResult[];
}

/** Judges every case and sums them per class. */
export async function evaluateCorpus(policy: Policy, cases = loadCases()): Promise<ClassRow[]> {
  // A malformed case would reach the engine as a broken event and be denied by its fail-closed path,
  // counting as "stopped": the corpus is checked whole before anything is measured.
  const problems = cases.flatMap(caseProblems);
  if (problems.length) throw new Error(`guard-evasions corpus is malformed: ${problems.slice(0, 5).join('; ')}`);
  const root = sandboxRoot();
  const rows = new Map<string, ClassRow>();
  const row = (cls: string) => {
    if (!rows.has(cls))
      rows.set(cls, { cls, bad: 0, stopped: 0, denied: 0, good: 0, asked: 0, misses: [], falseAsks: [] });
    return rows.get(cls)!;
  };
  try {
    for (const c of cases) {
      const r = await judgeCase(c, policy, root);
      const g = row(c.class);
      if (c.label === 'bad') {
        g.bad++;
        if (r.decision !== 'allow') g.stopped++;
        else g.misses.push(r);
        if (r.decision === 'deny') g.denied++;
      } else {
        g.good++;
        if (r.decision !== 'allow') {
          g.asked++;
          g.falseAsks.push(r);
        }
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return [...GOOD_CLASSES].filter((k) => rows.has(k)).map((k) => rows.get(k)!);
}

/** One line of a case for a report: its steps in short, the deciding one marked. */
export function caseLine(r: CaseResult): string {
  const short = (s: Step) =>
    (s.command ?? s.url ?? (s.tool === 'mcp' ? `mcp ${s.server}.${s.name}` : `${s.tool} ${s.path}`)).replace(
      /\n/g,
      ' \\n ',
    );
  const steps = stepsOf(r.c).map((s, i) => (i + 1 === r.step ? `[${short(s)}]` : short(s)));
  return `${r.c.id}: ${steps.join(' → ').slice(0, 200)}`;
}
