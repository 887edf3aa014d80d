/**
 * What a command runs from files: scripts (`bash x.sh`, `python3 x.py`, `./run`) and project tasks
 * (npm scripts with their pre/post and lifecycle scripts, Makefile targets with their
 * prerequisites). The shell analyzer names them (`taskRun`/`scriptRun` in shell/); this module
 * reads them from disk as they are now, so a file fetched or written by an earlier call is judged
 * when it runs and `"test": "curl … | sh"` cannot be laundered through `npm test`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Action, Finding } from '../engine/types.ts';
import { looksBinary } from '../scan/binary.ts';
import { analyzeBackdoors } from './backdoor/index.ts';
import { inlineActions, quote, shellCalls } from './inline-code.ts';
import { languageOf, normaliseLanguage, type Language } from './code/languages.ts';
import { analyzeShell, type ShellAnalysis, type ShellContext, type Task } from './shell/index.ts';
import { interpreterOf, makeRecipe, type SimpleCommand } from './shell/parse.ts';
import { SHELLS } from './shell/tables.ts';
import { SourceFile } from './source.ts';

/** Largest script read from disk to be judged before it runs (and, for shell scripts, parsed as shell). */
const MAX_SCRIPT = 1 << 20;
const MAX_SHELL_SCRIPT = 256 << 10;
/** Most Makefile targets visited for one command (prerequisites included). */
const MAX_MAKE_TARGETS = 64;

/**
 * How many levels of files are followed: `bash a.sh` → `bash b.sh` → `curl | sh` is three; beyond
 * the last level, what still runs is asked about rather than passed. With
 * the budget below it bounds the work per command whatever the project holds.
 */
export const FOLLOW_DEPTH = 6;
/** Most files read, and bytes read in all, while following one command. */
const MAX_FOLLOWED_FILES = 32;
const MAX_FOLLOWED_BYTES = 2 << 20;

/** A script file or a project task that a command runs. */
export type Run = ({ kind: 'script'; path: string; language?: string } | Task) & { command: string };

/** What running a script or task executes: its text, the language it is in, and where it was found. */
export interface Executed {
  text: string;
  language: Language | undefined;
  where: string;
}

/** Files read as the shell lines they hold (task runners' files, build scripts, go:generate directives). */
const AS_SHELL: Record<string, (text: string) => string> = {
  // justfile recipes: every indented line of every recipe (a recipe may call another).
  recipes: (t) =>
    t
      .split('\n')
      .filter((l) => /^[ \t]+\S/.test(l))
      .map((l) => l.trim().replace(/^[@-]+/, ''))
      .join('\n'),
  // Taskfile: the items of every `cmds:` list, and `cmd:` values.
  'yaml-commands': (t) =>
    [...t.matchAll(/^\s*(?:-\s+(?:cmd:\s*)?|cmd:\s*)(?!task:)(.+)$/gm)]
      .map((m) => m[1].trim().replace(/^(["'])(.*)\1$/, '$2'))
      .join('\n'),
  // tox.ini: the `commands =` values with their continuation lines.
  'ini-commands': (t) =>
    [...t.matchAll(/^commands(?:_pre|_post)?\s*=\s*(.*(?:\n[ \t]+.+)*)/gm)]
      .map((m) => m[1].replace(/^\s+/gm, ''))
      .join('\n'),
  // CMakeLists.txt: the COMMAND of execute_process (run at configure time), add_custom_command and
  // add_custom_target (run at build time), up to the next keyword or the closing parenthesis.
  cmake: (t) => [...t.matchAll(CMAKE_COMMAND)].map((m) => m[1].replace(/\s+/g, ' ').trim()).join('\n'),
  // CI workflows run here (act): every `run:` value, a block scalar (`run: |`) with its indented lines.
  'workflow-run': (t) =>
    [...t.matchAll(/^([ \t-]*)run:[ \t]*(?:[|>][-+]?[ \t]*\n((?:\1[ \t]+.*\n?|[ \t]*\n)*)|(.+))$/gm)]
      .map((m) => (m[3] ?? m[2] ?? '').replace(/^[ \t]+/gm, '').replace(/^(["'])(.*)\1$/, '$2'))
      .join('\n'),
  // mise/rtx config: task `run` lines and hooks (`enter`, `leave`, `cd`, `preinstall`, `postinstall`).
  'toml-commands': (t) =>
    [...t.matchAll(/^\s*(?:run|enter|leave|cd|preinstall|postinstall)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')/gm)]
      .map((m) => m[1] ?? m[2])
      .join('\n'),
  // composer.json: the scripts composer runs on install, update and by name (PHP callbacks, Class::method, are left out).
  'composer-scripts': (t) => {
    let scripts: unknown;
    try {
      scripts = (JSON.parse(t) as { scripts?: unknown }).scripts;
    } catch {
      return '';
    }
    if (!scripts || typeof scripts !== 'object') return '';
    return Object.values(scripts as Record<string, unknown>)
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .filter((v): v is string => typeof v === 'string' && !/^[\w\\]+::\w+$/.test(v))
      .map((v) => v.replace(/^@php\s/, 'php ').replace(/^@putenv\s.*$/, ''))
      .join('\n');
  },
  // Gradle build scripts: exec { commandLine 'sh', '-c', '…' } and "…".execute() / ['sh', '-c', '…'].execute().
  gradle: (t) =>
    [
      ...[...t.matchAll(/\bcommandLine\s*\(?((?:\s*(?:'[^'\n]*'|"[^"\n]*")\s*,?)+)/g)].map((m) => m[1]),
      ...[...t.matchAll(/(\[(?:\s*(?:'[^'\n]*'|"[^"\n]*")\s*,?)+\]|'[^'\n]*'|"[^"\n]*")\s*\.execute\(/g)].map(
        (m) => m[1],
      ),
    ]
      .map((words) => [...words.matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)].map((w) => quote(w[1] ?? w[2])))
      .map((w) => (w.length === 1 ? w[0].replace(/^'(.*)'$/s, '$1').replace(/'\\''/g, "'") : w.join(' ')))
      .join('\n'),
  // Maven's exec plugin: <executable> with its <argument>s.
  maven: (t) =>
    [...t.matchAll(/<executable>([^<]+)<\/executable>(?:(?!<\/execution>)[\s\S])*?<arguments>([\s\S]*?)<\/arguments>/g)]
      .map((m) =>
        [m[1].trim(), ...[...m[2].matchAll(/<argument>([^<]*)<\/argument>/g)].map((a) => a[1])].map(quote).join(' '),
      )
      .join('\n'),
  'go-generate': (t) => [...t.matchAll(/^\/\/go:generate\s+(.+)$/gm)].map((m) => m[1]).join('\n'),
  // build.rs: Command::new("prog").arg("a").args(["b", "c"]) spelled as a command line.
  rust: (t) =>
    [...t.matchAll(/Command::new\(\s*"([^"]+)"\s*\)((?:\s*\.(?:arg|args)\([^)]*\))*)/g)]
      .map((m) => [m[1], ...[...m[2].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((w) => w[1])].map(quote).join(' '))
      .map((l) => l.replace(/^(?:ba|da)?sh -c '(.*)'$/, (_, x: string) => x.replace(/'\\''/g, "'")))
      .join('\n'),
};

const CMAKE_COMMAND =
  /\bCOMMAND\s+([^)]*?)(?=\s+(?:COMMAND|WORKING_DIRECTORY|OUTPUT_VARIABLE|ERROR_VARIABLE|RESULT_VARIABLE|RESULTS_VARIABLE|DEPENDS|COMMENT|OUTPUT|BYPRODUCTS|VERBATIM|TIMEOUT|OUTPUT_QUIET|ERROR_QUIET|USES_TERMINAL|COMMAND_ECHO|MAIN_DEPENDENCY|IMPLICIT_DEPENDS|SOURCES|ALL)\b|\s*\))/g;

/** The text a script or task runs, as it is on disk now; undefined when there is none to read. */
export function whatRuns(r: Run): Executed | undefined {
  if (r.kind === 'script') {
    const text = scriptText(r.path);
    if (text === undefined) return undefined;
    const first = text.slice(0, 200).split('\n')[0];
    if (r.language?.startsWith('git-alias:'))
      return { text: aliasLine(text, r.language.slice(10)), language: 'bash', where: r.path };
    if (r.language && AS_SHELL[r.language])
      return { text: AS_SHELL[r.language](text), language: 'bash', where: r.path };
    // (sed, awk and Perl programs are judged here though the code scanner has no grammar for them)
    const language = r.language && /^(?:sed|awk|perl)$/.test(r.language) ? (r.language as Language) : undefined;
    return {
      text,
      language:
        language ?? (r.language ? normaliseLanguage(r.language) : (languageOf(r.path, first) ?? shebang(first))),
      where: r.path,
    };
  }
  const text = scriptText(r.file);
  if (text === undefined) return undefined;
  const body = r.kind === 'npm' ? npmScripts(text, r.names) : makeTargets(withIncludes(text, dirname(r.file)), r.names);
  if (body === undefined) return undefined;
  const where = r.kind === 'npm' ? `the ${r.names.join('/')} script of ${r.file}` : r.file;
  return { text: body, language: 'bash', where };
}

/** The language a `#!` line names (`#!/usr/bin/env -S node --flag`), for files with no extension. */
function shebang(first: string): Language | undefined {
  const m = /^#!\s*\S*?(?:\/env(?:\s+-\S+)*)?\s*(?:\S*\/)?([\w.-]+)/.exec(first);
  const interp = m ? interpreterOf(m[1]) : undefined;
  return interp ? normaliseLanguage(interp.language) : undefined;
}

/** The scripts and tasks a command runs, in the order the engine judges them. */
export function runsOf(analysis: ShellAnalysis): Run[] {
  return [...analysis.scripts.map((s) => ({ kind: 'script' as const, ...s })), ...analysis.tasks];
}

/** What one command's following has used up (files and bytes), and the files already judged. */
interface Budget {
  files: number;
  bytes: number;
  seen: Set<string>;
}

/**
 * Judges what a command runs from files, transitively: planted-code indicators in every script
 * (not the ordinary flaws of the project's own scripts); the shell inside shell scripts and tasks;
 * in program files (Python, JavaScript, Ruby, Perl, PHP), their own capabilities and the shell
 * lines they hand to exec(); then what those run in turn, down to `depth` levels and within a
 * budget of files and bytes. The actions `counts` keeps become the command's own (judge.ts: the
 * ones the policy does not allow), so a file cannot launder what would be stopped on its own.
 */
export function followRuns(
  analysis: ShellAnalysis,
  where: ShellContext,
  counts: (a: Action) => boolean,
  depth = FOLLOW_DEPTH,
): { actions: Action[]; findings: Finding[] } {
  const out = { actions: [] as Action[], findings: [] as Finding[] };
  const budget: Budget = { files: 0, bytes: 0, seen: new Set() };
  follow([...runsOf(analysis), ...hiddenRuns(analysis.commands, where)], where, counts, depth, budget, out);
  for (const c of analysis.inline) {
    const runs = codeRuns(c.code, c.language, where.cwd, c.command);
    follow(runs, where, counts, depth, budget, out);
  }
  return out;
}

type Out = { actions: Action[]; findings: Finding[] };

function follow(runs: Run[], where: ShellContext, counts: (a: Action) => boolean, depth: number, b: Budget, out: Out) {
  for (const r of runs) {
    const key = r.kind === 'script' ? r.path : `${r.file}#${r.names.join(',')}`;
    if (b.seen.has(key)) continue;
    b.seen.add(key);
    if (b.files >= MAX_FOLLOWED_FILES || b.bytes >= MAX_FOLLOWED_BYTES) {
      out.actions.push({
        capability: 'unknown',
        detail: `runs more files than Warden follows for one command (${MAX_FOLLOWED_FILES} files, ${MAX_FOLLOWED_BYTES >> 20} MiB); what ${key} does is not judged`,
        command: r.command,
      });
      return;
    }
    const x = whatRuns(r);
    if (!x) continue;
    b.files++;
    b.bytes += x.text.length;
    const mark = (a: Action) => ({
      ...a,
      detail: `${a.detail} (in ${x.where})`,
      command: `${r.command}: ${a.command}`,
    });
    // (planted-code indicators only in the scripts the command names: deeper files are the project's
    // own modules, judged by what they run, or the code scanner would flood ordinary builds)
    if (r.kind === 'script' && depth === FOLLOW_DEPTH)
      out.findings.push(...analyzeBackdoors(new SourceFile(r.path, x.text.replace(/\r\n?/g, '\n'), x.language)));
    const inner: Out = { actions: [], findings: [] };
    const next = judgeText(x, r, where, inner);
    out.findings.push(...inner.findings);
    out.actions.push(...inner.actions.filter(counts).map(mark));
    if (depth <= 1 && next.length)
      out.actions.push({
        capability: 'unknown',
        detail: `runs files nested deeper than Warden follows (${FOLLOW_DEPTH} levels); what ${x.where} runs is not judged`,
        command: r.command,
      });
    else if (next.length) {
      const deeper: Out = { actions: [], findings: [] };
      follow(next, where, counts, depth - 1, b, deeper);
      out.actions.push(...deeper.actions.map((a) => ({ ...a, command: `${r.command}: ${a.command}` })));
      out.findings.push(...deeper.findings);
    }
  }
}

/** Program languages whose files are judged for what they do (their capabilities and exec() lines). */
const PROGRAMS = new Set(['python', 'javascript', 'typescript', 'ruby', 'perl', 'php']);

/** The actions of one followed text into `out`; returns what it runs in turn. */
function judgeText(x: Executed, r: Run, where: ShellContext, out: Out): Run[] {
  const lang = x.language as string | undefined;
  const shell = (text: string, command: string): Run[] => {
    let inner: ShellAnalysis;
    try {
      inner = analyzeShell(text, where);
    } catch {
      return []; // not valid shell: the program that reads it will fail on it too
    }
    out.actions.push(...inner.actions);
    const runs = [...runsOf(inner), ...hiddenRuns(inner.commands, where)];
    for (const c of inner.inline) {
      out.actions.push(...programActions(c.code, c.command));
      for (const line of shellCalls(c.code)) runs.push(...shell(line, c.command));
      runs.push(...codeRuns(c.code, c.language, where.cwd, c.command));
    }
    return runs;
  };
  if (lang === 'patch') {
    const runs: Run[] = [];
    for (const [file, added] of patchAdds(x.text)) {
      const base = file.split('/').pop() ?? file;
      const as: Executed = /^(?:GNU)?[Mm]akefile$|\.mk$/.test(base)
        ? {
            text: added.map((l) => makeRecipe(l) ?? '').join('\n'),
            language: 'bash',
            where: `${file} (as ${x.where} changes it)`,
          }
        : base === 'package.json'
          ? {
              text: added
                .flatMap((l) => /^\s*"[^"]+"\s*:\s*"(.*)",?\s*$/.exec(l)?.[1].replace(/\\"/g, '"') ?? [])
                .join('\n'),
              language: 'bash',
              where: file,
            }
          : {
              text: added.join('\n'),
              language: languageOf(file, added[0]),
              where: `${file} (as ${x.where} changes it)`,
            };
      if (as.language)
        runs.push(
          ...judgeText(as, { kind: 'script', path: file, language: as.language, command: r.command }, where, out),
        );
    }
    return runs;
  }
  if (lang === 'bash' || lang === undefined) return x.text.length > MAX_SHELL_SCRIPT ? [] : shell(x.text, r.command);
  // sed and awk programs read from a file are judged as if given inline (sed's `e`, awk's system()).
  if (lang === 'sed' || lang === 'awk') return shell(`${lang} ${quote(x.text)}`, r.command);
  if (!PROGRAMS.has(lang) || x.text.length > MAX_SHELL_SCRIPT) return [];
  out.actions.push(...programActions(x.text, r.command));
  const runs: Run[] = [];
  for (const line of shellCalls(x.text)) runs.push(...shell(line, r.command));
  // Ruby, Perl and PHP run backquoted text and %x{} / qx{} as shell lines (JavaScript's are template strings).
  if (lang === 'ruby' || lang === 'perl' || lang === 'php')
    for (const m of x.text.matchAll(/`([^`\n]{2,2000})`|%x\{([^}\n]{2,2000})\}|\bqx\{([^}\n]{2,2000})\}/g))
      runs.push(...shell(m[1] ?? m[2] ?? m[3], r.command));
  runs.push(...codeRuns(x.text, lang, dirname(x.where), r.command, where.cwd));
  return runs;
}

/**
 * A program's own capabilities, without "runs other programs": what it runs is judged as the shell
 * lines it hands to exec(), and nearly every build script spawns something.
 */
function programActions(code: string, command: string): Action[] {
  const calls = shellCalls(code).length > 0;
  // (a URL in a comment or a docstring is not a connection: a file counts as networking when it
  // calls a network API; a one-line inline program with a URL is judged by the URL as before)
  const connects = NETWORK_API.test(code);
  // (whole files: the one-liner heuristics "reads the environment and talks to the network" and
  // "prints the environment" flood build scripts, which do both; credential and persistence paths,
  // setuid and connections to hosts count)
  return inlineActions(code, command).filter(
    (a) =>
      a.capability !== 'inline-exec' &&
      a.capability !== 'env-dump' &&
      !(a.capability === 'exfiltration' && /reads the environment/.test(a.detail)) &&
      !(calls && a.capability === 'interactive-shell') &&
      !(a.capability === 'network' && !connects),
  );
}
const NETWORK_API =
  /\b(?:socket|urllib|urlopen|requests\.|http\.client|httpx|aiohttp|fetch\s*\(|axios|got\s*\(|net\.(?:connect|createConnection|Socket)|https?\.(?:get|request)|Net::HTTP|TCPSocket|open-uri|URI\.open|fsockopen|curl_init|file_get_contents\s*\(\s*["']https?:|LWP::|HTTP::Tiny|IO::Socket|WebSocket|XMLHttpRequest|dgram|dns\.)/;

/** Most files of one patch judged. */
const MAX_PATCH_FILES = 32;
/** The lines a unified diff adds, per file it changes (new name), within a bound. */
function patchAdds(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const m = /^\+\+\+ (?:b\/)?(\S+)/.exec(line);
    if (m) {
      if (out.size >= MAX_PATCH_FILES) break;
      current = out.get(m[1]) ?? [];
      out.set(m[1], current);
    } else if (current && line.startsWith('+')) current.push(line.slice(1));
  }
  return out;
}

/** Options of JavaScript runtimes that load a module before the program (`node -r ./x.js`). */
const PRELOAD = /^(?:-r|--require|--import|--loader|--experimental-loader|--preload)$/;
/** Runners of TypeScript and JavaScript files (`npx tsx x.ts`). */
const TS_RUNNERS = /^(?:tsx|ts-node|ts-node-esm|vite-node|esno|esrun|jiti|babel-node)$/;

/**
 * Files a command runs that the shell analyzer does not name as scripts: a script fed on stdin
 * (`bash < f`, `cat f | sh`), sed/awk programs in files, modules preloaded by node, workspace
 * modules run by `python3 -m`, conftest.py under pytest, setup.py under `pip install -e .`, and the
 * files tools run on their own (git hooks in place, justfile, Taskfile, tox.ini, .envrc, build.rs,
 * go:generate lines, Rakefile).
 */
export function hiddenRuns(commands: SimpleCommand[], where: ShellContext): Run[] {
  const out: Run[] = [];
  for (const c of commands) {
    if (c.dynamic.some(Boolean)) continue;
    const [name, ...args] = c.argv;
    const command = c.argv.join(' ');
    const at = (p: string) => resolve(where.cwd, p);
    const add = (p: string, language?: string) => out.push({ kind: 'script', path: at(p), language, command });
    const lang = SHELLS.has(name) ? 'bash' : interpreterOf(name)?.language;
    const positional = args.filter((a) => !a.startsWith('-'));
    if (lang && !c.inline && !positional.length) {
      for (const r of c.redirects) if (r.op === '<' && !r.dynamic && !r.heredoc) add(r.target, lang);
      const i = c.pipeline.indexOf(c);
      if (i > 0) readFiles([c.pipeline[i - 1]]).forEach((f) => add(f, lang));
    }
    // `source <(cat f)`, `bash <(cat f)`, `python3 <(cat f)`: the file the substitution reads.
    if (lang || name === 'source' || name === '.')
      (c.fedBy ?? []).forEach((fed) => fed && readFiles(fed).forEach((f) => add(f, lang ?? 'bash')));
    if (name === 'find') for (const f of foundScripts(args, where)) add(f.path, f.language);
    const valueOf = (re: RegExp) =>
      args.flatMap((a, i) =>
        re.test(a) ? [args[i + 1]] : a.match(/^--[\w-]+=(.+)$/) && re.test(a.split('=')[0]) ? [a.split('=')[1]] : [],
      );
    if (name === 'sed' || name === 'gsed') valueOf(/^-f$|^--file$/).forEach((f) => f && add(f, 'sed'));
    if (/^[gm]?awk$/.test(name)) valueOf(/^-f$|^--file$/).forEach((f) => f && add(f, 'awk'));
    if (/^(?:node|nodejs|bun|deno|tsx)$/.test(name))
      valueOf(PRELOAD).forEach((f) => f && /^\.{0,2}\//.test(f) && add(f, 'javascript'));
    const runner = args.findIndex((a) => TS_RUNNERS.test(a));
    if (TS_RUNNERS.test(name) || (/^(?:npx|bunx|pnpx)$/.test(name) && runner >= 0)) {
      const file = args.slice(runner + 1).find((a) => !a.startsWith('-') && /\.[cm]?[jt]sx?$/.test(a));
      if (file) add(file, 'typescript');
    }
    if (/^(?:python[\d.]*|pypy3?)$/.test(name)) {
      const m = args.indexOf('-m');
      const mod = m >= 0 ? args[m + 1] : undefined;
      if (mod === 'pytest') conftests(args.slice(m + 2), where).forEach((p) => add(p, 'python'));
      else if (mod && /^[\w.]+$/.test(mod)) {
        const base = at(mod.replace(/\./g, '/'));
        for (const p of [`${base}.py`, `${base}/__main__.py`]) if (existsSync(p)) add(p, 'python');
      }
    }
    if (/^(?:pytest|py\.test)$/.test(name)) conftests(args, where).forEach((p) => add(p, 'python'));
    if (/^(?:pip[\d.]*|uv)$/.test(name) && args.includes('install')) {
      const e = valueOf(/^-e$|^--editable$/);
      const local = [...e, ...positional.filter((a) => a === '.' || a.startsWith('./'))];
      for (const d of local) if (d) add(join(d, 'setup.py'), 'python');
    }
    const tool = Object.hasOwn(TOOL_FILES, name) ? TOOL_FILES[name] : undefined; // (not `constructor`, `toString`…)
    if (tool) for (const [file, language] of tool(args)) if (existsSync(at(file))) add(file, language);
    if (name === 'git') out.push(...gitAlias(args, where, command));
    if (name === 'act' || (name === 'gh' && args[0] === 'act'))
      for (const f of actWorkflows(args, where)) add(f, 'workflow-run');
    if (name === 'go' && args[0] === 'generate') out.push(...goGenerate(where, command));
    // A patch applied changes what later commands run: what it adds is judged as it will run.
    if ((name === 'git' && /^(?:apply|am)$/.test(args[0] ?? '')) || name === 'patch') {
      const files =
        name === 'patch'
          ? [...c.redirects.filter((r) => r.op === '<').map((r) => r.target), ...valueOf(/^-i$|^--input$/)]
          : positional.slice(1);
      for (const f of files) if (f) add(f, 'patch');
    }
  }
  return out;
}

/** The files that commands which only print files (`cat f`) read: what they feed is those files' text. */
function readFiles(cmds: SimpleCommand[]): string[] {
  return cmds
    .filter((x) => /^(?:cat|tac|head|tail|more|less)$/.test(x.argv[0]) && !x.dynamic.some(Boolean))
    .flatMap((x) => x.argv.slice(1).filter((a) => !a.startsWith('-')));
}

/** Most files `find … -exec sh {}` is followed into. */
const MAX_FOUND = 16;
/**
 * The scripts `find DIR -name GLOB -exec sh {} \;` runs: the matching files under DIR (two levels,
 * bounded), when the program it executes on them is a shell or an interpreter.
 */
function foundScripts(args: string[], where: ShellContext): { path: string; language: string }[] {
  const x = args.findIndex((a) => a === '-exec' || a === '-execdir' || a === '-ok');
  if (x < 0 || !args.slice(x + 1).includes('{}')) return [];
  const prog = args[x + 1];
  const language = SHELLS.has(prog) ? 'bash' : interpreterOf(prog)?.language;
  // (the found file must be what the program runs: `sh {}`, not `sh -c '…' {}`, whose code is the string)
  const end = args.findIndex((a, i) => i > x && (a === ';' || a === '+'));
  const own = args.slice(x + 2, end < 0 ? args.length : end);
  if (!language || own.find((a) => !a.startsWith('-')) !== '{}' || own.some((a) => /^-[a-zA-Z]*[ce]$/.test(a)))
    return [];
  const firstOption = args.findIndex((a) => a.startsWith('-'));
  const starts = args.slice(0, firstOption < 0 ? args.length : firstOption);
  const n = args.findIndex((a) => a === '-name' || a === '-iname');
  const glob = n >= 0 ? args[n + 1] : '*';
  const re = new RegExp(
    '^' +
      glob
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
    args[n] === '-iname' ? 'i' : '',
  );
  const found: string[] = [];
  const isMatch = (name: string, p: string) => re.test(name) && !!statSync(p, { throwIfNoEntry: false })?.isFile();
  // (only folders inside the workspace are walked: a `find /` is not read file by file)
  for (const s of starts.length ? starts : ['.']) {
    const d = resolve(where.cwd, s);
    if (d === where.workspace || d.startsWith(where.workspace + '/'))
      shallowFiles(d, found, MAX_FOUND, isMatch, ['node_modules']);
  }
  return found.map((path) => ({ path, language }));
}

/**
 * Collects into `out` (up to `max`) the files that `keep` picks in a folder and two levels below it,
 * without entering hidden folders or the `skip` ones: the bound that keeps following what a command
 * runs cheap in a large workspace.
 */
function shallowFiles(
  dir: string,
  out: string[],
  max: number,
  keep: (name: string, path: string) => boolean,
  skip: readonly string[],
  level = 0,
): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (out.length >= max) return;
    const p = join(dir, name);
    if (keep(name, p)) out.push(p);
    else if (level < 2 && !name.startsWith('.') && !skip.includes(name))
      shallowFiles(p, out, max, keep, skip, level + 1);
  }
}

/** conftest.py files pytest imports for these arguments (the folder it runs in and the folders named). */
function conftests(args: string[], where: ShellContext): string[] {
  const dirs = args.filter((a) => !a.startsWith('-')).map((a) => a.split('::')[0]);
  const all = ['.', ...(dirs.length ? dirs : ['tests', 'test'])].flatMap((d) => {
    const full = resolve(where.cwd, d);
    return [join(full, 'conftest.py'), join(dirname(full), 'conftest.py')];
  });
  return [...new Set(all)].filter((p) => existsSync(p));
}

/** Files that tools run on their own (the file, and the language it is read in: bash for task runners' lines). */
const TOOL_FILES: Record<string, (args: string[]) => [string, string][]> = {
  git: (a) => (GIT_HOOKS[a.find((x) => !x.startsWith('-')) ?? ''] ?? []).map((h) => [`.git/hooks/${h}`, '']),
  just: () => [
    ['justfile', 'recipes'],
    ['Justfile', 'recipes'],
    ['.justfile', 'recipes'],
  ],
  task: () => [
    ['Taskfile.yml', 'yaml-commands'],
    ['Taskfile.yaml', 'yaml-commands'],
  ],
  tox: () => [['tox.ini', 'ini-commands']],
  direnv: (a) => (a[0] === 'allow' || a[0] === 'exec' || a[0] === 'reload' ? [['.envrc', 'bash']] : []),
  cargo: (a) => (/^(?:build|run|test|check|b|r|t|c|bench|install)$/.test(a[0] ?? '') ? [['build.rs', 'rust']] : []),
  // cmake configures (running execute_process) and builds (running custom commands) from CMakeLists.txt
  cmake: (a) => (a.some((x) => /^--(?:version|help|system-information)$/.test(x)) ? [] : [['CMakeLists.txt', 'cmake']]),
  mise: (a) =>
    /^(?:trust|install|i|run|r|exec|x|activate|env|hook-env|watch|tasks)$/.test(a[0] ?? '')
      ? MISE_FILES.map((f) => [f, 'toml-commands'] as [string, string])
      : [],
  composer: (a) =>
    /^(?:install|i|update|u|upgrade|require|r|run-script|run|dump-autoload|dumpautoload|create-project)$/.test(
      a[0] ?? '',
    )
      ? [['composer.json', 'composer-scripts']]
      : [],
  gradle: () => GRADLE_FILES,
  gradlew: () => GRADLE_FILES,
  mvn: () => [['pom.xml', 'maven']],
  mvnw: () => [['pom.xml', 'maven']],
  rake: () => [
    ['Rakefile', 'ruby'],
    ['rakefile', 'ruby'],
    ['Rakefile.rb', 'ruby'],
  ],
};
/** The build scripts gradle evaluates in a project folder. */
const GRADLE_FILES: [string, string][] = [
  ['build.gradle', 'gradle'],
  ['build.gradle.kts', 'gradle'],
  ['settings.gradle', 'gradle'],
  ['settings.gradle.kts', 'gradle'],
];

/** The config files mise (formerly rtx) reads in a project folder. */
const MISE_FILES = ['.mise.toml', 'mise.toml', '.mise.local.toml', 'mise.local.toml', '.config/mise.toml', '.rtx.toml'];

/** The workflows `act` runs on this machine: the file given by -W, else every one of .github/workflows. */
function actWorkflows(args: string[], where: ShellContext): string[] {
  const w = args.findIndex((a) => a === '-W' || a === '--workflows');
  const dir = resolve(where.cwd, w >= 0 && args[w + 1] ? args[w + 1] : '.github/workflows');
  if (statSync(dir, { throwIfNoEntry: false })?.isFile()) return [dir];
  const found: string[] = [];
  shallowFiles(dir, found, MAX_FOUND, (n) => /\.ya?ml$/.test(n), []);
  return found;
}

/** Git hooks that a git subcommand runs. */
const GIT_HOOKS: Record<string, string[]> = {
  commit: ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit'],
  push: ['pre-push'],
  checkout: ['post-checkout'],
  switch: ['post-checkout'],
  merge: ['pre-merge-commit', 'post-merge'],
  pull: ['post-merge'],
  rebase: ['pre-rebase', 'post-rewrite'],
  am: ['applypatch-msg', 'pre-applypatch', 'post-applypatch'],
};

/** git's options that take a value as the next word (so the subcommand starts after it). */
const GIT_VALUED = /^(?:-c|-C|--git-dir|--work-tree|--namespace|--config-env|--exec-path|--super-prefix)$/;
/**
 * A git alias that runs the shell (`!cmd`), defined in the repository's config, the home's or a file
 * included by `-c include.path=…`: the alias's line is what runs.
 */
function gitAlias(args: string[], where: ShellContext, command: string): Run[] {
  const configs: string[] = [];
  let sub: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (GIT_VALUED.test(args[i])) {
      const v = args[++i] ?? '';
      const inc = /^include(?:If\.[^=]*)?\.path=(.+)$/i.exec(v);
      if (args[i - 1] === '-c' && inc) configs.push(resolve(where.cwd, '.git', inc[1]), resolve(where.cwd, inc[1]));
    } else if (!args[i].startsWith('-')) {
      sub = args[i];
      break;
    }
  }
  if (!sub || !/^[\w-]+$/.test(sub)) return [];
  configs.push(resolve(where.cwd, '.git/config'));
  if (where.home) configs.push(join(where.home, '.gitconfig'), join(where.home, '.config/git/config'));
  const out: Run[] = [];
  for (const f of new Set(configs))
    if (existsSync(f)) out.push({ kind: 'script', path: f, language: `git-alias:${sub}`, command });
  return out;
}
/** The shell line of a `!` alias named `name` in git config text ('' when it has none). */
function aliasLine(text: string, name: string): string {
  let inAlias = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inAlias = /^\[alias\]$/i.test(line);
    const m = inAlias ? /^([\w-]+)\s*=\s*(.*)$/.exec(line) : null;
    if (m && m[1].toLowerCase() === name.toLowerCase()) {
      const v = m[2].replace(/^"(.*)"$/, '$1').replace(/\\"/g, '"');
      return v.startsWith('!') ? v.slice(1) : '';
    }
  }
  return '';
}

/** Most .go files read for `go generate` directives. */
const MAX_GO_FILES = 64;
/** `go generate ./...` runs the //go:generate lines of the package's files (bounded: the top two levels). */
function goGenerate(where: ShellContext, command: string): Run[] {
  const files: string[] = [];
  shallowFiles(where.cwd, files, MAX_GO_FILES, (n) => n.endsWith('.go'), ['node_modules', 'vendor']);
  return files.map((path) => ({ kind: 'script' as const, path, language: 'go-generate', command }));
}

/**
 * Files a program loads and runs: runpy and exec(open()) in Python, relative require()/import in
 * JavaScript, require_relative/load in Ruby, do/require in Perl, and imports of the program's own
 * modules (`import helpers` beside it), so a chain of modules is followed to the one that acts.
 */
export function codeRuns(code: string, language: string, dir: string, command: string, cwd = dir): Run[] {
  const out: Run[] = [];
  const add = (p: string, lang: string) => {
    // (Python finds modules beside the program and in the folder it was started from)
    const bases = [...new Set([resolve(dir, p), ...(lang === 'python' ? [resolve(cwd, p)] : [])])];
    const found = bases
      .flatMap((full) => [full, ...EXTENSIONS[lang].map((e) => full + e)])
      .find((f) => existsSync(f) && statSync(f).isFile());
    if (found && !out.some((r) => r.kind === 'script' && r.path === found))
      out.push({ kind: 'script', path: found, language: lang, command });
  };
  const lang = language === 'typescript' ? 'javascript' : language;
  if (lang === 'python') {
    for (const m of code.matchAll(
      /\b(?:run_path|execfile)\(\s*[rbuf]?["']([^"']+)["']|\bexec\(\s*open\(\s*[rbuf]?["']([^"']+)["']/g,
    ))
      add(m[1] ?? m[2], 'python');
    for (const m of code.matchAll(
      /\brun_module\(\s*["']([\w.]+)["']|^\s*(?:from\s+(\.?[\w.]+)\s+import\s+\(?([\w, ]+)|import\s+([\w., ]+))/gm,
    )) {
      const mods = m[1] ? [m[1]] : m[4] ? m[4].split(',') : [m[2]];
      // `from pkg import mod`: the names may be modules of the package.
      if (m[2]) mods.push(...m[3].split(',').map((n) => `${m[2]}.${n.trim().split(/\s/)[0]}`));
      for (const mod of mods
        .map((x) => x.trim().split(/\s/)[0].replace(/^\./, '').replace(/\./g, '/'))
        .filter(Boolean)) {
        add(mod, 'python');
        add(join(mod, '__init__'), 'python');
      }
    }
  } else if (lang === 'javascript') {
    for (const m of code.matchAll(
      /\b(?:require|import)\s*\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]|\bfrom\s+["'`](\.{1,2}\/[^"'`]+)["'`]|^\s*import\s+["'`](\.{1,2}\/[^"'`]+)["'`]/gm,
    ))
      add(m[1] ?? m[2] ?? m[3], 'javascript');
  } else if (lang === 'ruby') {
    for (const m of code.matchAll(/\b(?:require_relative|load)\s*\(?\s*["']([^"']+)["']/g)) add(m[1], 'ruby');
  } else if (lang === 'perl') {
    for (const m of code.matchAll(/\b(?:do|require)\s*\(?\s*["']([^"']+)["']/g)) add(m[1], 'perl');
  }
  return out;
}
const EXTENSIONS: Record<string, string[]> = {
  python: ['.py'],
  javascript: ['.js', '.mjs', '.cjs', '.ts', '.mts', '/index.js', '/index.ts'],
  ruby: ['.rb'],
  perl: ['.pl', '.pm'],
};

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

/** Most makefiles read through `include` for one Makefile. */
const MAX_INCLUDES = 16;
/** A Makefile's text with the files it includes (`include x.mk`, `-include`, `sinclude`) put in place, bounded. */
function withIncludes(text: string, dir: string, left = { n: MAX_INCLUDES }): string {
  return text.replace(/^-?s?include[ \t]+(.+)$/gm, (line, names: string) => {
    const parts = names
      .trim()
      .split(/\s+/)
      .filter((n) => !n.includes('$') && !n.includes('*'));
    return parts
      .map((n) => {
        if (left.n-- <= 0) return '';
        const file = resolve(dir, n);
        const t = scriptText(file);
        return t === undefined ? '' : withIncludes(t, dirname(file), left);
      })
      .join('\n');
  });
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

/** make's own variables that recipes use as command names. */
const MAKE_BUILTINS: Record<string, string> = {
  MAKE: 'make',
  CC: 'cc',
  CXX: 'g++',
  RM: 'rm -f',
  AR: 'ar',
  CPP: 'cc -E',
};
/** Most variable definitions read from one Makefile. */
const MAX_MAKE_VARS = 256;
/** A Makefile's variable definitions (`X = v`, `X := v`, `X ?= v`), the built-in ones under them. */
function makeVariables(text: string): Map<string, string> {
  const vars = new Map(Object.entries(MAKE_BUILTINS));
  for (const m of text.matchAll(/^(?:export\s+|override\s+)?([A-Za-z_][\w.-]*)\s*(?:\?|::?|\+|!)?=[ \t]*(.*)$/gm)) {
    if (vars.size >= MAX_MAKE_VARS) break;
    vars.set(m[1], m[2].trim());
  }
  return vars;
}
/**
 * A recipe line with the Makefile's own variables put in (`$(MAKE) -C sub` is `make -C sub`), so an
 * ordinary recipe is judged by what it runs; undefined ones stay unknown. `$$` is the shell's `$`.
 */
function expandMake(line: string, vars: Map<string, string>): string {
  let out = line;
  for (let pass = 0; pass < 3; pass++)
    out = out.replace(/(?<!\$)\$[({]([A-Za-z_][\w.-]*)[)}]/g, (all, n: string) => vars.get(n) ?? all);
  return out;
}

/** The recipes of Makefile targets (the first target when none is named) and of their prerequisites. */
export function makeTargets(text: string, names: string[]): string | undefined {
  const rules = new Map<string, { deps: string[]; recipe: string[] }>();
  let first: string | undefined,
    current: { deps: string[]; recipe: string[] }[] = [];
  const vars = makeVariables(text);
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    if (raw.length > 4000) continue;
    const line = raw.startsWith('\t') ? expandMake(raw, vars) : raw; // (bounded: the target pattern below backtracks on long runs of spaces)
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
