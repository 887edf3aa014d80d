/**
 * What a command runs from files: scripts (`bash x.sh`, `python3 x.py`, `./run`) and project tasks
 * (npm scripts with their pre/post and lifecycle scripts, Makefile targets with their
 * prerequisites). The shell analyzer names them (`taskRun`/`scriptRun` in shell/); this module
 * reads them from disk as they are now, so a file fetched or written by an earlier call is judged
 * when it runs and `"test": "curl … | sh"` cannot be laundered through `npm test`.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Action, Finding } from '../engine/types.ts';
import { looksBinary } from '../scan/binary.ts';
import { analyzeBackdoors } from './backdoor/index.ts';
import { languageOf, normaliseLanguage, type Language } from './code/languages.ts';
import { analyzeShell, type ShellAnalysis, type ShellContext, type Task } from './shell/index.ts';
import { makeRecipe } from './shell/parse.ts';
import { SourceFile } from './source.ts';

/** Largest script read from disk to be judged before it runs (and, for shell scripts, parsed as shell). */
const MAX_SCRIPT = 1 << 20;
const MAX_SHELL_SCRIPT = 256 << 10;
/** Most Makefile targets visited for one command (prerequisites included). */
const MAX_MAKE_TARGETS = 64;

/**
 * How many levels of files are followed: 1 = the scripts and tasks the command itself runs, not
 * what those run in turn. Transitive following (`bash a.sh` → `bash b.sh` → `curl | sh`) raises it.
 */
export const FOLLOW_DEPTH = 1;

/** A script file or a project task that a command runs. */
export type Run = ({ kind: 'script'; path: string; language?: string } | Task) & { command: string };

/** What running a script or task executes: its text, the language it is in, and where it was found. */
export interface Executed {
  text: string;
  language: Language | undefined;
  where: string;
}

/** The text a script or task runs, as it is on disk now; undefined when there is none to read. */
export function whatRuns(r: Run): Executed | undefined {
  if (r.kind === 'script') {
    const text = scriptText(r.path);
    if (text === undefined) return undefined;
    const first = text.slice(0, 200).split('\n')[0];
    return { text, language: r.language ? normaliseLanguage(r.language) : languageOf(r.path, first), where: r.path };
  }
  const text = scriptText(r.file);
  if (text === undefined) return undefined;
  const body = r.kind === 'npm' ? npmScripts(text, r.names) : makeTargets(text, r.names);
  if (body === undefined) return undefined;
  const where = r.kind === 'npm' ? `the ${r.names.join('/')} script of ${r.file}` : r.file;
  return { text: body, language: 'bash', where };
}

/** The scripts and tasks a command runs, in the order the engine judges them. */
export function runsOf(analysis: ShellAnalysis): Run[] {
  return [...analysis.scripts.map((s) => ({ kind: 'script' as const, ...s })), ...analysis.tasks];
}

/**
 * Judges what a command runs from files: planted-code indicators in every script (not the
 * ordinary flaws of the project's own scripts), and the shell inside scripts and tasks, whose
 * actions that `counts` keeps become the command's own (see judge.ts: the ones the policy denies).
 */
export function followRuns(
  analysis: ShellAnalysis,
  where: ShellContext,
  counts: (a: Action) => boolean,
  depth = FOLLOW_DEPTH,
): { actions: Action[]; findings: Finding[] } {
  const actions: Action[] = [],
    findings: Finding[] = [];
  for (const r of runsOf(analysis)) {
    const x = whatRuns(r);
    if (!x) continue;
    if (r.kind === 'script')
      findings.push(...analyzeBackdoors(new SourceFile(r.path, x.text.replace(/\r\n?/g, '\n'), x.language)));
    if (x.language !== 'bash' || x.text.length > MAX_SHELL_SCRIPT) continue;
    let inner: ShellAnalysis;
    try {
      inner = analyzeShell(x.text, where);
    } catch {
      continue; // not valid shell: the program that reads it will fail on it too
    }
    actions.push(
      ...inner.actions
        .filter(counts)
        .map((a) => ({ ...a, detail: `${a.detail} (in ${x.where})`, command: `${r.command}: ${a.command}` })),
    );
    if (depth > 1) {
      const deeper = followRuns(inner, where, counts, depth - 1);
      actions.push(...deeper.actions.map((a) => ({ ...a, command: `${r.command}: ${a.command}` })));
      findings.push(...deeper.findings);
    }
  }
  return { actions, findings };
}

/** A script file's text, if it is a readable text file of a sensible size. */
export function scriptText(p: string): string | undefined {
  try {
    const st = statSync(p);
    if (!st.isFile() || st.size > MAX_SCRIPT) return undefined;
    const buf = readFileSync(p);
    // (one NUL byte in a comment does not stop node or bash running it: the scanner's own test)
    return looksBinary(buf, p) ? undefined : buf.toString('utf8');
  } catch {
    return undefined;
  }
}

/** The command lines of a package.json's scripts `names`, each with its pre and post script. */
export function npmScripts(text: string, names: string[]): string | undefined {
  let scripts: Record<string, unknown>;
  try {
    scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts ?? {};
  } catch {
    return undefined;
  }
  const lines = names
    .flatMap((n) => [`pre${n}`, n, `post${n}`])
    .map((n) => scripts[n])
    .filter((v): v is string => typeof v === 'string');
  return lines.length ? lines.join('\n') : undefined;
}

/** The recipes of Makefile targets (the first target when none is named) and of their prerequisites. */
export function makeTargets(text: string, names: string[]): string | undefined {
  const rules = new Map<string, { deps: string[]; recipe: string[] }>();
  let first: string | undefined,
    current: { deps: string[]; recipe: string[] }[] = [];
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    if (line.length > 4000) continue; // (bounded: the target pattern below backtracks on long runs of spaces)
    if (line.startsWith('\t')) {
      const recipe = makeRecipe(line);
      if (recipe) for (const r of current) r.recipe.push(recipe);
      continue;
    }
    const m = /^([^\s:#=][^:=#]*?)\s*::?(?!=)([^=]*)$/.exec(line);
    if (!m) {
      if (line.trim() && !line.startsWith('#')) current = [];
      continue;
    }
    const deps = m[2].split(';')[0].trim().split(/\s+/).filter(Boolean);
    current = m[1]
      .trim()
      .split(/\s+/)
      .map((t) => {
        if (!rules.has(t)) rules.set(t, { deps: [], recipe: [] });
        const r = rules.get(t)!;
        r.deps.push(...deps);
        if (!first && !t.startsWith('.')) first = t;
        return r;
      });
    const inline = makeRecipe(line);
    if (inline) for (const r of current) r.recipe.push(inline);
  }
  const out: string[] = [],
    seen = new Set<string>();
  const visit = (t: string) => {
    if (seen.has(t) || seen.size > MAX_MAKE_TARGETS) return;
    seen.add(t);
    const r = rules.get(t);
    if (!r) return;
    r.deps.forEach(visit);
    out.push(...r.recipe);
  };
  (names.length ? names : first ? [first] : []).forEach(visit);
  return out.length ? out.join('\n') : undefined;
}
