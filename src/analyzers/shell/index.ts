/**
 * Where a shell command gets judged: parse and normalise (parse.ts), then name what each simple
 * command can do as capabilities (network egress, download-and-execute, credential access, ...).
 * The policy (engine/policy.ts) turns capabilities into allow / ask / deny; this file only says
 * what the command does, with the evidence.
 */
import type { Action, Capability } from '../../engine/types.ts';
import { homedir } from 'node:os';
import { dirname, normalize, resolve } from 'node:path';
import {
  parseShell,
  ShellParseError,
  ShellBudgetError,
  interpreterOf,
  fileWrites,
  type FileWrite,
  type SimpleCommand,
} from './parse.ts';
import { isScratchPath } from '../paths.ts';
import { normaliseHost } from '../network.ts';
import { ShellCommand, type InlineCode, type LineState, type ShellContext } from './command.ts';
import { runChecks } from './checks/index.ts';
import { enumeration } from './checks/recon.ts';
import { pipelines } from './checks/pipelines.ts';
import { judgePaths, operands } from './checks/paths.ts';
import { alt } from './tables.ts';

export type { InlineCode, ShellContext };

export interface ShellAnalysis {
  actions: Action[];
  /** Program text given to interpreters (python -c, node -e, heredocs); the engine scans it. */
  inline: InlineCode[];
  /** Files written with content the command line holds (`cat > f <<EOF`); the engine scans it. */
  files: FileWrite[];
  /**
   * Script files the command line runs (`python3 tools/x.py`, `bash x.sh`, `./run`, `source env.sh`),
   * as absolute paths: the engine reads them from disk and looks for planted payloads in them, so a
   * file fetched or written by an earlier call is judged when it runs.
   */
  scripts: { path: string; language?: string; command: string }[];
  /**
   * Tasks the command line runs from a project file (`npm test`, `npm run build`, `npm install`'s
   * lifecycle scripts, `make test`): the engine reads them from the file and judges them as shell.
   */
  tasks: Task[];
  commands: SimpleCommand[];
}

/** Named scripts of a package.json (with their pre/post scripts), or targets of a Makefile ([] = the default one). */
export interface Task {
  kind: 'npm' | 'make';
  file: string;
  names: string[];
  command: string;
}

import { SHELLS, expandHome, SCRIPT_INTERPRETER, optionValues, HIDDEN_CHARS, FORK_BOMB } from './tables.ts';
/** Analyses one command line. Throws ShellParseError when it is not valid shell. */
/** The longest command line judged in full; longer ones get boundedAnalysis (real ones are a few KB). */
export const MAX_SHELL_COMMAND = 256 << 10;

/**
 * What the shell parts of a command line too large or too costly to analyse in full plainly show,
 * found by one pass of a regular expression whose every alternative does bounded work per
 * position: separators that end a pipeline, downloaders and decoders, a pipe into a shell or
 * interpreter, /dev/tcp, well-known credential files. Quotes and nesting are not understood here;
 * the verdict is never allow (the `unknown` action holds it at the policy's not-understood decision).
 */
const CHEAP_SCAN = new RegExp(
  [
    /(;|&&|\|\||[&\n])/, // 1: the end of a pipeline
    // 2: a pipe into a shell or an interpreter
    /\|\s*(?:sudo\s+|env\s+|exec\s+)*(?:[\w.-]*\/)*/.source +
      /((?:ba|z|da|k|mk|a|fi|tc|c)?sh|python[\d.]*|perl|ruby|node|php)(?![\w.-])/.source,
    /(?<![\w.-])(curl|wget|fetch|aria2c|nc|ncat|netcat|socat)(?![\w.-])/, // 3: a downloader
    /(?<![\w.-])(base64\s+(?:-\w+\s+)?(?:-d|-D|--decode)|xxd\s+-r|rev)(?![\w.-])/, // 4: a decoder
    /(\/dev\/(?:tcp|udp)\/)/, // 5: a raw connection
    /(\.ssh\/id_[\w-]+(?![\w-]|\.pub)|\.aws\/credentials|\/etc\/g?shadow(?![\w-])|\.git-credentials|\.netrc(?![\w-]))/,
    /(\.docker\/config\.json|\.kube\/config(?![\w-])|\/proc\/(?:self|\d+)\/environ)/, // 6, 7: credential files
  ]
    .map((r) => (typeof r === 'string' ? r : r.source))
    .join('|'),
  'y',
);
/** Where CHEAP_SCAN can match, as plain text V8 finds fast (the whole expression tried at every position was slow). */
const CHEAP_START = new RegExp(
  /[;&|\n]|curl|wget|fetch|aria2c|nc|netcat|socat|base64|xxd|rev|/.source +
    /\/dev\/|\.ssh\/|\.aws\/|\/etc\/|\.git-|\.netrc|\.docker\/|\.kube\/|\/proc\//.source,
  'g',
);
/** The most matches the cheap scan looks at (a 100 MB line of `;` would be 100 million). */
const CHEAP_SCAN_MATCHES = 200_000;
/** The most text it looks at: the start and the end of a longer command (it scans about 100 MB a second). */
const CHEAP_SCAN_CHARS = 16 << 20;
/** The end of a command looked at again when the token budget ran out before it. */
const CHEAP_TAIL = 256 << 10;

export function boundedAnalysis(whole: string, why: string): ShellAnalysis {
  const excerpt = `${whole.slice(0, 120)}… (${kb(whole.length)})`;
  const actions: Action[] = [{ capability: 'unknown', detail: '', command: excerpt }];
  const seen = new Set<Capability>();
  const found = (capability: Capability, detail: string) => {
    if (!seen.has(capability))
      actions.push({ capability, detail: `${detail} (seen without a full analysis)`, command: excerpt });
    seen.add(capability);
  };
  // The start and the end, each with its own token budget: a payload appended to a long padding
  // is seen; one hidden in the middle of a huge command leaves the verdict at not understood.
  const half = CHEAP_SCAN_CHARS >> 1;
  const long = whole.length > CHEAP_SCAN_CHARS;
  let complete = true;
  for (const piece of long ? [whole.slice(0, half), whole.slice(-half)] : [whole])
    complete = cheapScan(piece, found) && complete;
  if (!complete) cheapScan(whole.slice(-CHEAP_TAIL), found);
  if (long || !complete) why += ` (only its first and last parts were looked at)`;
  actions[0].detail = `Warden did not analyse this command in full: ${why}`;
  return { actions, inline: [], files: [], scripts: [], tasks: [], commands: [] };
}

/** One pass of CHEAP_SCAN over a text; false when it stopped at CHEAP_SCAN_MATCHES tokens. */
function cheapScan(text: string, found: (c: Capability, detail: string) => void): boolean {
  let fetched = false,
    decoded = false,
    n = 0;
  CHEAP_START.lastIndex = 0;
  try {
    for (let at = CHEAP_START.exec(text); at; at = CHEAP_START.exec(text)) {
      if (++n > CHEAP_SCAN_MATCHES) return false;
      CHEAP_SCAN.lastIndex = at.index;
      const m = CHEAP_SCAN.exec(text);
      if (!m) continue;
      CHEAP_START.lastIndex = Math.max(CHEAP_START.lastIndex, CHEAP_SCAN.lastIndex);
      if (m[1]) fetched = decoded = false;
      else if (m[2] && fetched) found('download-exec', `pipes downloaded content into ${m[2]}`);
      else if (m[2] && decoded) found('obfuscated-exec', `pipes decoded text into ${m[2]}`);
      else if (m[3]) fetched = true;
      else if (m[4]) decoded = true;
      else if (m[5]) found('reverse-shell', `opens a network connection through ${m[5]}`);
      else if (m[6] || m[7]) found('credential-access', `names ${m[6] ?? m[7]}, a credential file`);
    }
    return true;
  } finally {
    CHEAP_START.lastIndex = 0;
  }
}

const kb = (n: number) => `${Math.ceil(n / 1024)} KB`;

export function analyzeShell(command: string, ctx: ShellContext): ShellAnalysis {
  // Size and work are bounded so every front door gets its verdict in time (a 100 MB command
  // took 49 s to analyse in full, a 20,000-stage pipeline minutes).
  if (command.length > MAX_SHELL_COMMAND)
    return boundedAnalysis(
      command,
      `it is ${kb(command.length)}, more than the ${kb(MAX_SHELL_COMMAND)} judged in full`,
    );
  try {
    return analyzeParsed(command, ctx);
  } catch (e) {
    if (e instanceof ShellBudgetError) return boundedAnalysis(command, e.message);
    throw e;
  }
}

function analyzeParsed(command: string, ctx: ShellContext): ShellAnalysis {
  const home = ctx.home ?? homedir();
  const parsed = parseShell(command);
  const actions: Action[] = [];
  const inline: InlineCode[] = [];
  // A command that a git setting runs later (an editor, a pager) does not wait for a person now.
  let deferred = false;
  // One action per capability and detail (a set, not a scan of the actions: thousands of commands add thousands).
  const added = new Set<string>();
  const has = (capability: Capability, detail: string) => added.has(`${capability}\0${detail}`);
  const add = (a: Action) => {
    if (deferred && a.capability === 'interactive-shell') return;
    if (has(a.capability, a.detail)) return;
    added.add(`${a.capability}\0${a.detail}`);
    actions.push(a);
  };
  for (const p of parsed.problems) add({ check: 'line.parse-problem', capability: 'unknown', detail: p, command });
  // Invisible and direction-changing characters have no business in a command line: they make
  // what a reviewer reads differ from what runs (Trojan Source in a terminal).
  const hidden = HIDDEN_CHARS.exec(command);
  if (hidden)
    add({
      check: 'line.hidden-character',
      capability: 'obfuscated-exec',
      detail: `the command line holds an invisible or direction-changing character (U+${hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`,
      command,
    });
  // /proc/$$/root/…, /proc/$PPID/cwd/…: the whole file system (or another process's folder) through a
  // process whose id is only known at run time, so the path is never judged by name.
  const viaProc = /\/proc\/(?:\$\$|\$\{?[A-Za-z_]\w*\}?|\$\([^)]*\))\/(?:root|cwd)\/[^\s'")]/.exec(command);
  if (viaProc)
    add({
      check: 'line.proc-root',
      capability: 'read-outside',
      detail: `reaches files through ${viaProc[0]}, another view of the file system whose process is only known at run time`,
      command,
    });
  if (FORK_BOMB.test(command))
    add({
      check: 'line.fork-bomb',
      capability: 'destructive',
      detail: 'a fork bomb: a function that starts copies of itself until the machine stops responding',
      command,
      catastrophic: true,
    });

  // The working folder as the command line runs: `cd ~/.ssh && cat id_rsa` reads ~/.ssh/id_rsa.
  let cwd = ctx.cwd;
  // Symbolic links this line makes (`ln -s ~ h; cat h/.aws/credentials`): they do not exist yet when
  // the line is judged, so later paths through them are resolved here, to where they will lead.
  const links = new Map<string, string>();
  const throughLinks = (a: string) => {
    for (const [l, t] of links) if (a === l || a.startsWith(l + '/')) return t + a.slice(l.length);
    return a;
  };
  // (/proc/self/root/x is /x: the process's view of the root folder)
  const procRoot = (a: string) => a.replace(/^\/proc\/(?:self|thread-self|\d+)\/root(?=\/|$)/, '') || '/';
  const abs = (p: string) => throughLinks(procRoot(normalize(resolve(cwd, expandHome(p, home)))));
  const inWorkspace = (p: string) => {
    const a = abs(p);
    const w = normalize(ctx.workspace);
    return a === w || a.startsWith(w.endsWith('/') ? w : w + '/');
  };
  const rootOrHome = (p: string) => {
    const a = abs(p.replace(/\/?\*+$/, '') || '/');
    return (
      a === '/' ||
      a === normalize(home) ||
      a === normalize(ctx.workspace) ||
      /^\/(?:etc|usr|bin|sbin|lib|lib64|boot|var|opt|srv|root|home|dev|sys|proc)\/?$/.test(a)
    );
  };
  const outside = (p: string) => !inWorkspace(p) && !isScratchPath(abs(p));

  // Files that a downloader wrote, to catch `curl -o x.sh …; bash x.sh`.
  const downloaded = new Set<string>();
  const reads = new Map<SimpleCommand, string[]>();
  const writes = new Map<SimpleCommand, string[]>();
  const hostsOf = new Map<SimpleCommand, string[]>();
  const scripts: ShellAnalysis['scripts'] = [];
  let cwdKnown = true;
  const tasks: Task[] = [];
  // What every command's checks share (each command gets its own path tools below).
  const decoded = new Set<string>();
  const line: Omit<LineState, 'pt'> = { ctx, home, add, inline, downloaded, decoded, hostsOf };

  for (const c of parsed.commands) {
    const [name, ...args] = c.argv;
    const text = c.argv.join(' ');
    const dyn = c.dynamic;
    const r: string[] = [],
      w: string[] = [];
    deferred = c.via.some((v) => v.startsWith('git '));
    if ((name === 'cd' || name === 'pushd') && !dyn.slice(1).some(Boolean)) {
      const to = args.filter((a) => !/^-[LPe@]+$/.test(a))[0];
      if (to === undefined) cwd = home;
      else if (to !== '-') cwd = abs(to);
      cwdKnown = true;
    } else if (name === 'cd' || name === 'pushd') cwdKnown = false; // (`cd "$dir"`: where relative paths lead is only known at run time)
    if (dyn[0]) {
      add({
        check: 'line.dynamic-name',
        capability: 'unknown',
        detail: `the command name is only known at run time (${c.text || '$…'})`,
        command: text,
      });
      continue;
    }
    const script = scriptRun(c);
    if (script && !scripts.some((x) => x.path === abs(script.path)))
      scripts.push({ path: abs(script.path), language: script.language, command: text });
    const task = taskRun(c);
    if (task) tasks.push({ ...task, file: abs(task.file), command: text });
    if (
      c.text.replace(/^\\/, '') !== c.argv[0] &&
      !c.text.includes('/') &&
      c.via.length === 0 &&
      /[$`]/.test(c.text) === false &&
      c.text.replace(/\\|'|"/g, '') !== c.text
    ) {
      // Quoted or escaped command names (c\url, 'c'url) are obfuscation in an agent's command.
      add({
        check: 'line.disguised-name',
        capability: 'obfuscated-exec',
        detail: `the command name is disguised with quotes or escapes (${c.text} is ${name})`,
        command: text,
      });
    }
    if (/(?![A-Za-z])\p{L}/u.test(name) && /[A-Za-z]/.test(name)) {
      add({
        check: 'line.lookalike-name',
        capability: 'obfuscated-exec',
        detail: `the command name ${name} mixes look-alike letters from another script with Latin ones`,
        command: text,
      });
    }
    if (/[*?[]/.test(name) && name.includes('/') === false && /^[?*/[\]a-z]+$/.test(c.text) && c.text.includes('?')) {
      add({
        check: 'line.glob-name',
        capability: 'obfuscated-exec',
        detail: `the command name is a glob (${c.text})`,
        command: text,
      });
    }

    // Redirections: what is read and written.
    for (const red of c.redirects) {
      if (red.dynamic && red.op !== '<<' && red.op !== '<<-' && red.op !== '<<<') {
        // `> "$f.md5"` in a loop stays relative; `> $DIR/x` could be anywhere.
        if (/^\$/.test(red.target) && /^[<>]|&>/.test(red.op) && !/^\$\{?[A-Za-z_]\w*\}?\//.test(red.target)) continue;
        if (/^\/(?:tmp|var\/tmp|dev\/shm)\//.test(red.target)) continue; // a scratch file with a run-time name
        add({
          check: 'paths.dynamic-redirect',
          capability: 'unknown',
          detail: `a redirection target is only known at run time (${red.target})`,
          command: text,
        });
        continue;
      }
      if (/^\/dev\/(?:tcp|udp)\//.test(red.target)) {
        const [, , , host, port] = red.target.split('/');
        const interactive =
          SHELLS.has(name) ||
          /^(?:>&|<&|&>)$/.test(red.op) ||
          c.redirects.some((x) => /^[0-2]?$/.test(x.target) && x.op.includes('&'));
        add({
          check: 'network.dev-tcp',
          capability: interactive ? 'reverse-shell' : 'network',
          detail: interactive
            ? `connects a shell to ${host}:${port} over /dev/${red.target.split('/')[2]} (a reverse shell)`
            : `opens a raw connection to ${host}:${port}`,
          command: text,
          hosts: [normaliseHost(host)],
        });
        continue;
      }
      if (['>', '>>', '>|', '&>', '&>>', '<>'].includes(red.op) && !/^\d$|^-$/.test(red.target)) w.push(red.target);
      if (red.op === '<' || red.op === '<>') r.push(red.target);
    }

    // After a cd out of the workspace, bare file names are files there too.
    const moved = cwd !== ctx.cwd && !inWorkspace(cwd);
    const x = new ShellCommand(c, {
      ...line,
      pt: {
        abs,
        inWorkspace,
        rootOrHome,
        outside,
        cwdKnown: () => cwdKnown,
        read: (p) => r.push(p),
        write: (p) => w.push(p),
      },
    });
    // The files its operands name, read or written by what the program does with them.
    const skip = operands(x, r, w, moved);
    reads.set(c, r);
    writes.set(c, w);

    // What the command itself does.
    runChecks(x);

    // What it reads and writes, by name and through links.
    judgePaths(x, r, w, { skip, moved });
    if (name === 'ln') recordLink(x, links);
  }

  // What the line as a whole does: many kinds of reconnaissance at once, what flows through its
  // pipelines, and credentials read beside network use.
  const whole = { command, commands: parsed.commands, actions, add, has, reads, hostsOf, abs, home };
  enumeration(whole);
  pipelines(whole);
  return { actions, inline, files: fileWrites(parsed), scripts, tasks, commands: parsed.commands };
}

/** `ln -s TARGET NAME` (both known now): NAME will lead to TARGET, a relative one from NAME's folder. */
function recordLink(x: ShellCommand, links: Map<string, string>): void {
  const { args } = x;
  if (!args.some((a) => /^-[a-zA-Z]*s/.test(a) || a === '--symbolic') || args.some((a) => /^-t$|^--target/.test(a)))
    return;
  const ops = args.map((a, i) => ({ a, i })).filter(({ a, i }) => !a.startsWith('-') || x.isDynamic(i));
  if (ops.length !== 2 || ops.some(({ i }) => x.isDynamic(i))) return;
  const [target, name] = [ops[0].a, ops[1].a];
  const at = x.pt.abs(name);
  const to = /^[~/]/.test(target) ? x.pt.abs(target) : normalize(resolve(dirname(at), target));
  if (at !== to) links.set(at, to);
}

const NPM_BUILTIN = new RegExp(
  String.raw`^${alt([
    'access',
    'add',
    'audit',
    'bin',
    'bugs',
    'cache',
    'ci',
    'completion',
    'config',
    'c',
    'dedupe',
    'deprecate',
    'diff',
    'dist-tag',
    'docs',
    'doctor',
    'edit',
    'exec',
    'explain',
    'explore',
    'find-dupes',
    'fund',
    'get',
    'help',
    'hook',
    'init',
    'create',
    'install',
    'i',
    'in',
    'ins',
    'inst',
    'insta',
    'instal',
    'isnt',
    'isntal',
    'install-ci-test',
    'install-test',
    'it',
    'cit',
    'link',
    'ln',
    'login',
    'logout',
    'ls',
    'list',
    'org',
    'outdated',
    'owner',
    'pack',
    'ping',
    'pkg',
    'prefix',
    'profile',
    'prune',
    'publish',
    'query',
    'rebuild',
    'repo',
    'restart',
    'root',
    'run',
    'run-script',
    'rum',
    'urn',
    'search',
    'set',
    'shrinkwrap',
    'star',
    'stars',
    'start',
    'stop',
    'team',
    'test',
    't',
    'tst',
    'token',
    'uninstall',
    'unpublish',
    'unstar',
    'update',
    'up',
    'upgrade',
    'version',
    'view',
    'whoami',
    'why',
    'remove',
    'rm',
    'dlx',
    'import',
    'store',
    'server',
    'env',
    'patch',
    'patch-commit',
    'workspace',
    'workspaces',
    'plugin',
    'node',
    'global',
    'info',
    'licenses',
    'policies',
    'unlink',
    'upgrade-interactive',
    'generate-lock-entry',
    'tag',
    'constraints',
    'npm',
    'x',
  ])}$`,
);

/** The package.json scripts or Makefile targets a command runs, if any. */
function taskRun(c: SimpleCommand): Omit<Task, 'command'> | undefined {
  const [name, ...args] = c.argv;
  if (c.dynamic.slice(1).some(Boolean)) return undefined;
  if (/^(?:npm|pnpm|yarn|bun)$/.test(name)) {
    const dir = optionValues(args, /^--prefix$|^-C$|^--dir$|^--cwd$/, /^--prefix=(.+)|^--dir=(.+)|^--cwd=(.+)/)[0];
    const file = `${dir ? dir.replace(/\/+$/, '') + '/' : ''}package.json`;
    const pos = args.filter((a, i) => !a.startsWith('-') && !/^--prefix$|^-C$|^--dir$|^--cwd$/.test(args[i - 1] ?? ''));
    const [sub, next] = pos;
    const installs = ['preinstall', 'install', 'postinstall', 'prepare'];
    if (sub === undefined)
      return name === 'yarn' || name === 'pnpm' ? { kind: 'npm', file, names: installs } : undefined;
    if (/^(?:run|run-script|rum|urn)$/.test(sub)) return next ? { kind: 'npm', file, names: [next] } : undefined;
    if (/^(?:test|t|tst)$/.test(sub) && name !== 'bun') return { kind: 'npm', file, names: ['test'] };
    if (/^(?:start|stop|restart)$/.test(sub)) return { kind: 'npm', file, names: [sub] };
    // A bare install of the project runs its own lifecycle scripts (named packages: their own, judged elsewhere).
    if (/^(?:install|i|ci|isntall|install-test|it)$/.test(sub) && pos.length === 1)
      return { kind: 'npm', file, names: sub === 'install-test' || sub === 'it' ? [...installs, 'test'] : installs };
    // yarn, pnpm and bun run a script named as their subcommand.
    if (
      name !== 'npm' &&
      !NPM_BUILTIN.test(sub) &&
      !(name === 'bun' && /^(?:build|test|x|upgrade|repl|init|link|pm)$/.test(sub))
    )
      return { kind: 'npm', file, names: [sub] };
    return undefined;
  }
  if (/^(?:make|gmake)$/.test(name)) {
    const dir = optionValues(args, /^-C$|^--directory$/, /^-C(.+)|^--directory=(.+)/)[0];
    const mf = optionValues(args, /^-f$|^--file$|^--makefile$/, /^--file=(.+)|^--makefile=(.+)/)[0];
    if (mf === '-') return undefined;
    const file = `${dir ? dir.replace(/\/+$/, '') + '/' : ''}${mf ?? 'Makefile'}`;
    const names = args.filter(
      (a, i) =>
        !a.startsWith('-') &&
        !a.includes('=') &&
        !/^-[CfIoWj]$|^--(?:directory|file|makefile|include-dir|jobs|old-file|what-if)$/.test(args[i - 1] ?? ''),
    );
    return { kind: 'make', file, names };
  }
  return undefined;
}

/** The script file a command runs, if any (with the language its interpreter reads). */
function scriptRun(c: SimpleCommand): { path: string; language?: string } | undefined {
  const [name, ...args] = c.argv;
  if (c.inline) return undefined;
  const first = args.findIndex((a) => !a.startsWith('-') && a !== '+o' && a !== '+e');
  const arg = first >= 0 && !c.dynamic[first + 1] ? args[first] : undefined;
  if (SHELLS.has(name))
    return arg && !args.some((a) => /^-[a-zA-Z]*c/.test(a)) && !/^\/dev\//.test(arg)
      ? { path: arg, language: 'bash' }
      : undefined;
  if (name === 'source' || name === '.')
    return arg && !/^\/dev\//.test(arg) ? { path: arg, language: 'bash' } : undefined;
  const interp = interpreterOf(name);
  if (interp && SCRIPT_INTERPRETER.test(name))
    return arg && !args.some((a) => /^-[a-zA-Z]*m$/.test(a)) && arg !== '-' && !/^\/dev\//.test(arg)
      ? { path: arg, language: interp.language }
      : undefined;
  // A program run by path (./run.sh, bin/tool): its own first line says what reads it.
  if (c.text.includes('/') && !/^\/(?:usr|bin|sbin|lib|opt|snap|nix)\//.test(c.text)) return { path: c.text };
  return undefined;
}

export { ShellParseError };
