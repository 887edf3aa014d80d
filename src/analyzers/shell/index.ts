/**
 * Where a shell command gets judged: parse and normalise (parse.ts), then name what each simple
 * command can do as capabilities (network egress, download-and-execute, credential access, ...).
 * The policy (engine/policy.ts) turns capabilities into allow / ask / deny; this file only says
 * what the command does, with the evidence.
 */
import type { Action, Capability } from '../../engine/types.ts';
import { homedir } from 'node:os';
import { normalize, resolve } from 'node:path';
import {
  parseShell,
  hasPeers,
  fedByPipe,
  somePeer,
  firstLater,
  stageIndex,
  ShellParseError,
  ShellBudgetError,
  interpreterOf,
  PARSED_SHELLS,
  fileWrites,
  type FileWrite,
  type SimpleCommand,
} from './parse.ts';
import {
  isCredentialPath,
  isAgentControlPath,
  isPersistencePath,
  isPrivilegedPath,
  isScratchPath,
  isTempPath,
  isHarmlessSystemRead,
  isLink,
  linkTarget,
  isGitHookPath,
} from '../paths.ts';
import { hostOf, hostOfAddress, normaliseHost } from '../network.ts';

export interface InlineCode {
  language: string;
  code: string;
  command: string;
}

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

export interface ShellContext {
  cwd: string;
  workspace: string;
  home?: string;
}

import {
  DOWNLOADERS,
  NET_TOOLS,
  SHELLS,
  DECODERS,
  NO_READ,
  COPIERS,
  CREDENTIAL_NAME,
  SURVEILLANCE,
  EVASION,
  PACKAGE_TOOLS,
  UNWRAPPED,
  PROTECTED_BRANCH,
  INFO_ONLY,
  INTERACTIVE,
  expandHome,
  PATTERN_OPT,
  ENUMERATION,
  hostProbe,
  NetOptions,
  optionNames,
  NET_OPTIONS,
  optionTakesValue,
  isProcessLister,
  isHardwareReport,
  isSecretSearch,
  isFilter,
  isSecretFilter,
  isSearch,
  narrowingSearch,
  codeFeeders,
  PLAIN_PAGER_OR_EDITOR,
  SCRIPT_INTERPRETER,
  SECURITY_PRODUCT,
  OFFENSIVE_TOOL,
  VM_VENDOR,
  HARDWARE_QUERY,
  MASQUERADE,
  TUNNEL,
  CRED_FILE,
  MANIFEST,
  EVAL_OPTS,
  EVAL_PROGRAM,
  STDIN_CONSOLES,
  SHELL_ESCAPE,
  stdinText,
  FED_FILE_READERS,
  DOCS,
  PROGRAM_FIRST,
  VALUED_OPTS,
  programArgIndex,
  optionValues,
  looksLikePath,
  SECRET_WORD,
  SECRET_PREFIX,
  SECRET_ENV,
  SECRET_NAME,
  SECRET_VAR,
  HIDDEN_CHARS,
  FORK_BOMB,
} from './tables.ts';
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
  for (const p of parsed.problems) add({ capability: 'unknown', detail: p, command });
  // Invisible and direction-changing characters have no business in a command line: they make
  // what a reviewer reads differ from what runs (Trojan Source in a terminal).
  const hidden = HIDDEN_CHARS.exec(command);
  if (hidden)
    add({
      capability: 'obfuscated-exec',
      detail: `the command line holds an invisible or direction-changing character (U+${hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`,
      command,
    });
  if (FORK_BOMB.test(command))
    add({
      capability: 'destructive',
      detail: 'a fork bomb: a function that starts copies of itself until the machine stops responding',
      command,
      catastrophic: true,
    });

  // The working folder as the command line runs: `cd ~/.ssh && cat id_rsa` reads ~/.ssh/id_rsa.
  let cwd = ctx.cwd;
  const abs = (p: string) => normalize(resolve(cwd, expandHome(p, home)));
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
        capability: 'obfuscated-exec',
        detail: `the command name is disguised with quotes or escapes (${c.text} is ${name})`,
        command: text,
      });
    }
    if (/(?![A-Za-z])\p{L}/u.test(name) && /[A-Za-z]/.test(name)) {
      add({
        capability: 'obfuscated-exec',
        detail: `the command name ${name} mixes look-alike letters from another script with Latin ones`,
        command: text,
      });
    }
    if (/[*?[]/.test(name) && name.includes('/') === false && /^[?*/[\]a-z]+$/.test(c.text) && c.text.includes('?')) {
      add({ capability: 'obfuscated-exec', detail: `the command name is a glob (${c.text})`, command: text });
    }

    // Redirections: what is read and written.
    for (const red of c.redirects) {
      if (red.dynamic && red.op !== '<<' && red.op !== '<<-' && red.op !== '<<<') {
        // `> "$f.md5"` in a loop stays relative; `> $DIR/x` could be anywhere.
        if (/^\$/.test(red.target) && /^[<>]|&>/.test(red.op) && !/^\$\{?[A-Za-z_]\w*\}?\//.test(red.target)) continue;
        if (/^\/(?:tmp|var\/tmp|dev\/shm)\//.test(red.target)) continue; // a scratch file with a run-time name
        add({
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

    // Arguments that are paths (the program or pattern argument of sed/awk/grep/jq… is not).
    const skip = programArgIndex(name, args);
    const valued = VALUED_OPTS[name];
    // After a cd out of the workspace, bare file names are files there too.
    const moved = cwd !== ctx.cwd && !inWorkspace(cwd);
    const pathArgs = args.filter(
      (a, i) =>
        i !== skip &&
        !dyn[i + 1] &&
        !a.startsWith('-') &&
        (looksLikePath(a) ||
          (moved && /^[\w.@+-][\w.@+-]*$/.test(a)) ||
          // (a bare name of Warden's own files: `cp x .warden-baseline.json`, `sed -i … .warden.yml`)
          (/^[\w.@+-][\w.@+-]*$/.test(a) && isAgentControlPath(abs(a), home))) &&
        !(i > 0 && (PATTERN_OPT.test(args[i - 1]) || valued?.test(args[i - 1]))),
    );
    // Bare names of secret files (`cat .env`, `cp id_rsa …`): no other bare name counts as a path.
    const bareSecrets = () =>
      args.filter(
        (a, i) =>
          i !== skip &&
          !dyn[i + 1] &&
          /^[\w.@+~-][\w.@+~-]*$/.test(a) &&
          !a.startsWith('-') &&
          !pathArgs.includes(a) &&
          !(i > 0 && (PATTERN_OPT.test(args[i - 1]) || valued?.test(args[i - 1]))) &&
          isCredentialPath(abs(a), home),
      );
    const optPaths = args.flatMap((a, i) => {
      if (dyn[i + 1]) return [];
      const v = /^--?[\w-]+=/.test(a)
        ? a.slice(a.indexOf('=') + 1).replace(/^@/, '')
        : /^(?:man|file|info):\//.test(a)
          ? a.slice(a.indexOf(':') + 1)
          : undefined;
      return v !== undefined && looksLikePath(v) ? [v] : [];
    });
    if (name === 'tar' && args.some((a) => /^-?[a-zA-Z]*c/.test(a) && !a.startsWith('--'))) {
      const fi = args.findIndex((a) => /^-?[a-zA-Z]*f$/.test(a) && !a.startsWith('--'));
      if (fi >= 0 && args[fi + 1]) w.push(args[fi + 1]);
      r.push(...pathArgs.filter((a) => a !== args[fi + 1]));
    } else if (name === 'cpio' && args.some((a) => /^-[a-zA-Z]*[po]/.test(a))) w.push(...pathArgs);
    else if (name === 'tee' || name === 'truncate' || name === 'dd' || name === 'sponge') {
      w.push(
        ...pathArgs.filter(() => name !== 'dd'),
        ...(name === 'dd' ? args.filter((a) => a.startsWith('of=')).map((a) => a.slice(3)) : []),
      );
      if (name === 'dd') r.push(...args.filter((a) => a.startsWith('if=')).map((a) => a.slice(3)));
    } else if (name === 'ln' && pathArgs.length === 1 && !args.includes('-t')) {
      // ln -s TARGET [NAME]: the link goes in the current folder; a link to a credential exposes it.
      if (isCredentialPath(abs(pathArgs[0]), home) || isAgentControlPath(abs(pathArgs[0]), home)) r.push(pathArgs[0]);
    } else if (COPIERS.has(name)) {
      const td = args.find((a) => a.startsWith('--target-directory='));
      if (td) w.push(td.slice(19));
      const t = args.findIndex((a) => a === '-t' || a === '--target-directory');
      // A bare last operand (`cp ~/.ssh/id_rsa key.txt`) is the destination in the current folder,
      // so every path-like operand is a source.
      const pos = args.filter(
        (a, i) => !a.startsWith('-') && !dyn[i + 1] && !(i > 0 && /^-[tS]$|^--suffix$/.test(args[i - 1])),
      );
      const bareDest = /^(?:cp|mv|install)$/.test(name) && pos.length > 0 && !pathArgs.includes(pos[pos.length - 1]);
      let sources: string[];
      // (`cp .env /tmp/x`: a bare secret file's name among the sources)
      r.push(...bareSecrets().filter((a) => (t >= 0 ? a !== args[t + 1] : a !== pos[pos.length - 1])));
      if (t >= 0 && args[t + 1]) {
        w.push(args[t + 1]);
        sources = pathArgs.filter((a) => a !== args[t + 1]);
      } else if (bareDest || pathArgs.length === 0 || td) sources = pathArgs;
      else {
        w.push(pathArgs[pathArgs.length - 1]);
        sources = pathArgs.slice(0, -1);
      }
      r.push(...sources);
      // mv takes its sources away: moving the agent's settings aside is changing them, moving the
      // git hooks aside is switching them off.
      if (name === 'mv') {
        w.push(...sources);
        const hook = (t >= 0 || td ? pos.filter((a) => a !== args[t + 1]) : pos.slice(0, -1)).find((s) =>
          isGitHookPath(abs(s)),
        );
        if (hook)
          add({
            capability: 'hook-bypass',
            detail: `moves ${hook} away: the repository's git hooks would no longer run`,
            command: text,
            paths: [abs(hook)],
          });
      }
    } else if (name === 'sed' && args.some((a) => /^-i|^--in-place/.test(a))) w.push(...pathArgs);
    else if (['touch', 'mkdir', 'chmod', 'chown', 'chgrp', 'setfacl', 'chattr'].includes(name)) w.push(...pathArgs);
    else if (name === 'dd') r.push(...args.filter((a) => a.startsWith('if=')).map((a) => a.slice(3)));
    // A wrapper's (xargs, sudo, timeout…) own arguments are the command it runs, judged on its own.
    else if (!NO_READ.has(name) && !UNWRAPPED.has(name)) {
      r.push(...pathArgs, ...optPaths, ...bareSecrets());
      // SQLite-style URIs: file:/path/to/db?mode=ro
      args.forEach((a, i) => {
        if (!dyn[i + 1] && /^file:(?:~|\/)/.test(a)) r.push(a.slice(5).replace(/\?.*$/, ''));
      });
      // `as @/etc/shadow`, `-c 'Include /etc/shadow'`: paths inside arguments.
      args.forEach((a, i) => {
        if (dyn[i + 1] || i === skip) return;
        if (/^@[~/]/.test(a)) r.push(a.slice(1));
        else if (/\s/.test(a) && !PROGRAM_FIRST.has(name) && !SHELLS.has(name))
          for (const m of a.matchAll(/(?:^|[\s'"=])((?:~|\/)(?:[\w.-]+\/)*[\w.-]+)(?=$|[\s'";,)])/g))
            if (!/^\/(?:bin|usr\/bin|dev)\/\w+$/.test(m[1])) r.push(m[1]);
      });
    }
    if (
      !NET_TOOLS.has(name) &&
      !INFO_ONLY.has(name) &&
      !PROGRAM_FIRST.has(name) &&
      !UNWRAPPED.has(name) &&
      !/^(?:ping6?|traceroute6?|tracepath|mtr|arping|fping)$/.test(name)
    ) {
      const ips = args
        .flatMap((a, i) =>
          dyn[i + 1]
            ? []
            : [
                ...a.matchAll(
                  /(?:^|[^\d.])((?:\d{1,3}\.){3}\d{1,3})(?::\d+)?(?![\d.])|(?:^|[\s@=])((?:[a-z0-9-]+\.)+[a-z]{2,}):\d{2,5}\b/gi,
                ),
              ].map((m) => m[1] ?? m[2]),
        )
        .filter((ip) => !/^(?:127\.|0\.0\.0\.0|255\.)/.test(ip));
      if (ips.length) {
        hostsOf.set(c, ips);
        add({
          capability: 'network',
          detail: `${name} is given the address ${[...new Set(ips)].join(', ')}`,
          command: text,
          hosts: [...new Set(ips)],
        });
      }
    }
    reads.set(c, r);
    writes.set(c, w);

    // What the command itself does.
    classify(c, name, args, dyn, text, ctx, home, add, inline, downloaded, hostsOf, {
      abs,
      inWorkspace,
      rootOrHome,
      outside,
      cwdKnown: () => cwdKnown,
      read: (p) => r.push(p),
      write: (p) => w.push(p),
    });

    // Named as written, or in full after a cd (`cd ~/.ssh && cat id_rsa` reads ~/.ssh/id_rsa).
    const shown = (p: string) => (moved && !/^[~/]/.test(p) ? abs(p).replace(home, '~') : p);
    // Symbolic links are also judged by where they lead, for what must not be reached through one:
    // `cat key.txt` after `ln -s ~/.ssh/id_rsa key.txt`. (Bare names count only when they are links.)
    const viaLink = (p: string) => {
      const t = linkTarget(abs(p));
      return t ? { t, how: `${shown(p)} (a link to ${t.replace(home, '~')})` } : undefined;
    };
    const linkedReads = [
      ...r,
      ...(!NO_READ.has(name) || COPIERS.has(name)
        ? args.filter((a, i) => !dyn[i + 1] && /^[\w@+-][\w.@+-]*$/.test(a) && i !== skip && isLink(abs(a)))
        : []),
    ];
    for (const p of linkedReads) {
      const l = viaLink(p);
      if (l && isCredentialPath(l.t, home))
        add({
          capability: 'credential-access',
          detail: `reads ${l.how}, a credential or secret file`,
          command: text,
          paths: [l.t],
        });
    }
    for (const p of w) {
      const l = viaLink(p);
      if (!l) continue;
      const { t, how } = l;
      if (isAgentControlPath(t, home))
        add({
          capability: 'agent-tamper',
          detail: `writes ${how}, which controls the agent's or Warden's guard`,
          command: text,
          paths: [t],
        });
      else if (isCredentialPath(t, home))
        add({ capability: 'credential-access', detail: `writes ${how}, a credential file`, command: text, paths: [t] });
      else if (isPersistencePath(t, home))
        add({
          capability: 'persistence',
          detail: `writes ${how}, which runs code at login, on a schedule or on git events`,
          command: text,
          paths: [t],
        });
    }
    for (const p of r) {
      if (isCredentialPath(abs(p), home))
        add({
          capability: 'credential-access',
          detail: `reads ${shown(p)}, a credential or secret file`,
          command: text,
          paths: [abs(p)],
        });
      else if (outside(p) && !isHarmlessSystemRead(abs(p)) && !INFO_ONLY.has(name))
        add({
          capability: 'read-outside',
          detail: `reads ${shown(p)}, outside the workspace`,
          command: text,
          paths: [abs(p)],
        });
      if (downloaded.has(abs(p)) && (SHELLS.has(name) || interpreterOf(name) || name === 'source' || name === '.'))
        add({
          capability: 'download-exec',
          detail: `runs ${shown(p)}, which this command line downloaded`,
          command: text,
          paths: [abs(p)],
        });
    }
    for (const p of w) {
      const a = abs(p);
      if (isAgentControlPath(a, home))
        add({
          capability: 'agent-tamper',
          detail: `writes ${shown(p)}, which controls the agent's or Warden's guard`,
          command: text,
          paths: [abs(p)],
        });
      else if (isPersistencePath(a, home))
        add({
          capability: 'persistence',
          detail: `writes ${shown(p)}, which runs code at login, on a schedule or on git events`,
          command: text,
          paths: [abs(p)],
        });
      else if (isPrivilegedPath(a))
        add({
          capability: 'privilege',
          detail: `writes ${shown(p)}, which controls users or privileges`,
          command: text,
          paths: [abs(p)],
        });
      else if (isCredentialPath(a, home))
        add({
          capability: 'credential-access',
          detail: `writes ${shown(p)}, a credential file`,
          command: text,
          paths: [abs(p)],
        });
      else if (outside(p) && !/^\/dev\/(?:null|stdout|stderr|fd\/\d+)$/.test(a))
        add({
          capability: 'write-outside',
          detail: `writes ${shown(p)}, outside the workspace`,
          command: text,
          paths: [abs(p)],
        });
    }
  }

  // Many kinds of system enumeration in one call (whoami; id; uname -a; netstat…): reconnaissance.
  // One or two are everyday checks and stay allowed.
  const enumerated = new Set(parsed.commands.map((c) => c.argv[0]).filter((n) => ENUMERATION.has(n)));
  if (enumerated.size >= 3)
    add({
      capability: 'surveillance',
      detail: `enumerates the system in one go (${[...enumerated].slice(0, 5).join(', ')}): reconnaissance`,
      command,
    });

  // Pipelines: download | shell, decode | shell, secrets | network.
  const lines = new Set(parsed.commands.map((c) => c.pipeline));
  for (const line of lines) {
    if (line.length < 2) continue;
    // What the stages so far bring: one pass, not a look back from every stage (n² on long pipelines).
    let downloader = false,
      generator = false;
    const hostsBefore: string[] = [];
    let lineText: string | undefined;
    const shownLine = () => (lineText ??= line.map((x) => x.argv.join(' ')).join(' | '));
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      const name = c.argv[0];
      const consumes =
        i > 0 &&
        ((SHELLS.has(name) && !c.argv.some((a) => /^-[a-z]*c[a-z]*$/.test(a))) ||
          (interpreterOf(name) && c.argv.length <= 2 && !c.inline) ||
          ((name === 'source' || name === '.') && /^\/dev\/stdin$|^-$/.test(c.argv[1] ?? '')));
      if (consumes) {
        const fetched = `pipes downloaded content into ${name} (runs whatever the server sends)`;
        const decoded = `pipes generated or decoded text into ${name}`;
        if (downloader && !has('download-exec', fetched))
          add({ capability: 'download-exec', detail: fetched, command: shownLine(), hosts: [...hostsBefore] });
        else if (!downloader && generator && !has('obfuscated-exec', decoded))
          add({ capability: 'obfuscated-exec', detail: decoded, command: shownLine() });
      }
      const n = c.argv[0];
      if (DOWNLOADERS.has(n) || ['nc', 'ncat', 'netcat', 'socat'].includes(n)) downloader = true;
      if (DECODERS.has(n) || n === 'echo' || n === 'printf') generator = true;
      hostsBefore.push(...(hostsOf.get(c) ?? []));
    }
    const net = line.filter((c) => hostsOf.has(c));
    if (net.length) {
      const secretSource = line.some(
        (c) =>
          (reads.get(c) ?? []).some((p) => isCredentialPath(abs(p), home)) ||
          ((c.argv[0] === 'env' || c.argv[0] === 'printenv' || c.argv[0] === 'set') && c.argv.length === 1),
      );
      if (secretSource)
        add({
          capability: 'exfiltration',
          detail: 'sends credentials or the environment over the network',
          command: line.map((x) => x.argv.join(' ')).join(' | '),
          hosts: net.flatMap((c) => hostsOf.get(c)!),
        });
      else if (line.indexOf(net[0]) > 0 && !DOWNLOADERS.has(line[0].argv[0]))
        add({
          capability: 'upload',
          detail: `sends the output of ${line[0].argv[0]} over the network`,
          command: line.map((x) => x.argv.join(' ')).join(' | '),
          hosts: net.flatMap((c) => hostsOf.get(c)!),
        });
    }
  }
  // Credentials read and network used in one command line: exfiltration even across `;` and `&&`.
  if (
    actions.some((a) => a.capability === 'credential-access' || a.capability === 'env-dump') &&
    actions.some((a) => (a.capability === 'network' || a.capability === 'upload') && a.hosts?.length)
  ) {
    add({
      capability: 'exfiltration',
      detail: 'reads credentials and talks to the network in the same command',
      command,
      hosts: actions.flatMap((a) => a.hosts ?? []),
    });
  }
  return { actions, inline, files: fileWrites(parsed), scripts, tasks, commands: parsed.commands };
}

const NPM_BUILTIN =
  /^(?:access|add|audit|bin|bugs|cache|ci|completion|config|c|dedupe|deprecate|diff|dist-tag|docs|doctor|edit|exec|explain|explore|find-dupes|fund|get|help|hook|init|create|install|i|in|ins|inst|insta|instal|isnt|isntal|install-ci-test|install-test|it|cit|link|ln|login|logout|ls|list|org|outdated|owner|pack|ping|pkg|prefix|profile|prune|publish|query|rebuild|repo|restart|root|run|run-script|rum|urn|search|set|shrinkwrap|star|stars|start|stop|team|test|t|tst|token|uninstall|unpublish|unstar|update|up|upgrade|version|view|whoami|why|remove|rm|dlx|import|store|server|env|patch|patch-commit|workspace|workspaces|plugin|node|global|info|licenses|policies|unlink|upgrade-interactive|generate-lock-entry|tag|constraints|npm|x)$/;

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

interface PathTools {
  abs(p: string): string;
  inWorkspace(p: string): boolean;
  rootOrHome(p: string): boolean;
  outside(p: string): boolean;
  /** False after a `cd` to a folder only known at run time. */
  cwdKnown(): boolean;
  /** Records a file the command reads or writes (judged with the others after classify). */
  read(p: string): void;
  write(p: string): void;
}

/** Coding-agent CLIs, and the npm packages that start them. */
const AGENT_CLIS = new Set([
  'qwen',
  'claude',
  'gemini',
  'codex',
  'aider',
  'opencode',
  'goose',
  'amp',
  'cursor-agent',
  'crush',
  'cline',
  'kilocode',
  'iflow',
]);
const AGENT_PACKAGES: Record<string, string> = {
  '@qwen-code/qwen-code': 'qwen',
  '@anthropic-ai/claude-code': 'claude',
  '@google/gemini-cli': 'gemini',
  '@openai/codex': 'codex',
  'opencode-ai': 'opencode',
  '@iflow-ai/iflow-cli': 'iflow',
};

/**
 * Another coding agent started by this one. Its tool calls pass Warden only through hooks
 * installed for it: Qwen Code and Gemini CLI with their tool sandbox on (-s, or QWEN_SANDBOX /
 * GEMINI_SANDBOX) run no hooks at all, and agents without a Warden adapter (Codex, Aider…) have
 * none, so those escape the guard; any other run is asked, as it acts with its own tools.
 */
function agentRun(c: SimpleCommand, name: string, args: string[], text: string, add: (a: Action) => void) {
  let agent = AGENT_CLIS.has(name) ? name : undefined,
    rest = args;
  // Package runners: `npx @openai/codex …`, `pnpm dlx …`, `bun x …` (installing one is not running it).
  if (
    !agent &&
    (/^(?:npx|pnpx|bunx)$/.test(name) || (/^(?:pnpm|yarn|bun)$/.test(name) && /^(?:dlx|x|exec)$/.test(args[0] ?? '')))
  ) {
    const pkg = (a: string) => a.replace(/(?!^)@[^/]*$/, ''); // without its @version
    const i = args.findIndex((a) => Object.hasOwn(AGENT_PACKAGES, pkg(a)));
    if (i >= 0) {
      agent = AGENT_PACKAGES[pkg(args[i])];
      rest = args.slice(i + 1);
    }
  }
  if (!agent) return;
  // (`claude --version`, `qwen --help`, `gemini mcp list` start no session)
  if (
    rest.some((a) => /^(?:-v|-V|--version|-h|--help)$/.test(a)) ||
    /^(?:help|mcp|config|doctor|update|auth|login|logout|completion|extensions)$/.test(rest[0] ?? '')
  )
    return;
  const sandboxEnv = Object.entries(c.env).some(
    ([k, v]) => /^(?:QWEN|GEMINI)_SANDBOX$/.test(k) && !/^(?:|0|false|no)$/i.test(v),
  );
  if (
    (agent === 'qwen' || agent === 'gemini') &&
    (sandboxEnv ||
      rest.some(
        (a) =>
          /^(?:-s|--sandbox(?:=(?!false).*)?|--sandbox-image(?:=.*)?|-[a-zA-Z]*s[a-zA-Z]*)$/.test(a) &&
          !/^--sandbox=false$/.test(a),
      ))
  ) {
    add({
      capability: 'hook-bypass',
      detail: `${agent} with its tool sandbox on runs no hooks: what it does would not be judged`,
      command: text,
    });
  } else if (!['qwen', 'gemini', 'claude'].includes(agent)) {
    add({
      capability: 'hook-bypass',
      detail: `${agent} has no Warden hooks: its commands and edits would not be judged`,
      command: text,
    });
  } else {
    add({
      capability: 'inline-exec',
      detail: `starts another coding agent (${agent}) that acts with its own tools`,
      command: text,
    });
  }
}

function classify(
  c: SimpleCommand,
  name: string,
  args: string[],
  dyn: boolean[],
  text: string,
  ctx: ShellContext,
  home: string,
  add: (a: Action) => void,
  inline: InlineCode[],
  downloaded: Set<string>,
  hostsOf: Map<SimpleCommand, string[]>,
  pt: PathTools,
) {
  const sub = args.find((a) => !a.startsWith('-')) ?? '';
  const net = (hosts: string[], detail: string) => {
    const hs = [...new Set(hosts.filter(Boolean).map(normaliseHost))];
    hostsOf.set(c, hs);
    add({
      capability: 'network',
      detail: hs.length ? `${detail} ${hs.join(', ')}` : `${detail} a host only known at run time`,
      command: text,
      hosts: hs.length ? hs : ['?'],
    });
  };

  if (c.inline) inline.push({ ...c.inline, command: text });
  // Inline code that is nothing but a variable: what runs is only known at run time.
  if (
    c.inline &&
    c.argv.some((a, i) => a === c.inline!.code && dyn[i]) &&
    /^\s*(?:\$\{?(?:[A-Za-z_]\w*|[@*\d])\}?\s*)+$/.test(c.inline.code)
  )
    add({
      capability: 'unknown',
      detail: `${name} runs inline code only known at run time (${c.inline.code.trim()})`,
      command: text,
    });

  // Code taken from other commands' output: bash -c "$(curl …)", source <(curl …), python3 <(wget -O- …),
  // . /dev/stdin <<< "$(curl …)", x=$(curl …); eval "$x". As `curl … | sh`, whatever the server sends runs.
  const feeders = codeFeeders(c);
  if (feeders.some((f) => DOWNLOADERS.has(f.argv[0]) || /^(?:nc|ncat|netcat|socat)$/.test(f.argv[0]))) {
    add({
      capability: 'download-exec',
      detail: `${name} runs code that ${feeders.find((f) => DOWNLOADERS.has(f.argv[0]) || /^(?:nc|ncat|netcat|socat)$/.test(f.argv[0]))!.argv[0]} downloads (runs whatever the server sends)`,
      command: text,
    });
  } else if (feeders.some((f) => DECODERS.has(f.argv[0]))) {
    add({
      capability: 'obfuscated-exec',
      detail: `${name} runs code that ${feeders.find((f) => DECODERS.has(f.argv[0]))!.argv[0]} decodes`,
      command: text,
    });
  }

  // Variables this command sets: in front of it (`X=1 cmd`), or exported or declared by it (`export X=1`).
  const assigned: [string, string][] = [
    ...Object.entries(c.env),
    ...(/^(?:export|declare|typeset|local|readonly)$/.test(name)
      ? args.flatMap((a) => {
          const m = /^(\w+)=(.*)$/s.exec(a);
          return m ? [[m[1], m[2]] as [string, string]] : [];
        })
      : []),
  ];

  // Traffic sent through another host: a proxy (in the environment, in git/npm/pip/wget settings) or
  // a name pinned to another address (curl --resolve, --connect-to). That host sees (and can change)
  // what goes through it, so it is egress to that host; a company proxy can be listed in hosts.allow.
  const via: string[] = [];
  for (const [k, v] of assigned) if (/^(?:https?_proxy|all_proxy|ftp_proxy|rsync_proxy)$/i.test(k) && v) via.push(v);
  if (name === 'git')
    for (const a of optionValues(args, /^-c$/)) {
      const m = /^(?:https?\.(?:[^=]+\.)?proxy|core\.gitproxy)=(.+)$/i.exec(a);
      if (m) via.push(m[1]);
    }
  if (name === 'git' && sub === 'config') {
    const k = args.findIndex((a) => /^https?\.(?:[^ ]+\.)?proxy$/i.test(a));
    if (k >= 0 && args[k + 1]) via.push(args[k + 1]);
  }
  if (/^(?:npm|pnpm|yarn)$/.test(name) && sub === 'config' && /\bset\b/.test(args.join(' '))) {
    const k = args.findIndex((a) => /^(?:https-)?proxy$/.test(a));
    if (k >= 0 && args[k + 1]) via.push(args[k + 1]);
    else {
      const m = args.map((a) => /^(?:https-)?proxy=(.+)$/.exec(a)).find(Boolean);
      if (m) via.push(m[1]);
    }
  }
  if (/^(?:pip|pip3|uv)$/.test(name)) via.push(...optionValues(args, /^--proxy$/, /^--proxy=(.+)/));
  if (name === 'wget')
    for (const e of optionValues(args, /^-e$|^--execute$/, /^--execute=(.+)/)) {
      const m = /^(?:https?|ftp)_proxy\s*=\s*(.+)$/i.exec(e);
      if (m) via.push(m[1]);
    }
  if (name === 'curl') {
    for (const r of optionValues(args, /^--resolve$/, /^--resolve=(.+)/)) {
      const addr = r
        .split(':')
        .slice(2)
        .join(':')
        .replace(/^\[|\]$/g, '');
      if (addr) via.push(addr);
    }
    for (const r of optionValues(args, /^--connect-to$/, /^--connect-to=(.+)/)) {
      const h = r.split(':')[2];
      if (h) via.push(h);
    }
  }
  const viaHosts = [
    ...new Set(via.map((v) => hostOf(/^[a-z][\w+.-]*:\/\//i.test(v) ? v : `http://${v}`, 'curl') ?? v).filter(Boolean)),
  ];
  if (viaHosts.length)
    add({
      capability: 'network',
      detail: `${name} sends its traffic through ${viaHosts.join(', ')} (a proxy or a pinned address)`,
      command: text,
      hosts: viaHosts.map(normaliseHost),
    });

  // TLS verification switched off for what this command (or, exported, the session) downloads.
  const tlsOff = assigned.find(
    ([k, v]) =>
      (k === 'NODE_TLS_REJECT_UNAUTHORIZED' && v === '0') ||
      (/^(?:GIT_SSL_NO_VERIFY|PYTHONHTTPSVERIFY)$/.test(k) &&
        (k === 'PYTHONHTTPSVERIFY' ? v === '0' : v !== '' && v !== '0')) ||
      (k === 'CURL_CA_BUNDLE' && v === '') ||
      (k === 'npm_config_strict_ssl' && v === 'false'),
  );
  if (tlsOff)
    add({
      capability: 'risky-package-source',
      detail: `${tlsOff[0]}=${tlsOff[1]} switches off TLS verification (anyone on the path can serve code)`,
      command: text,
    });

  // Environment in front of the command.
  for (const [k, v] of Object.entries(c.env)) {
    if (
      /^(?:HUSKY|HUSKY_SKIP_HOOKS|SKIP|PRE_COMMIT_ALLOW_NO_CONFIG|GIT_HOOKS|LEFTHOOK|OVERCOMMIT_DISABLE)$/.test(k) &&
      (k !== 'HUSKY' || v === '0')
    )
      add({ capability: 'hook-bypass', detail: `${k}=${v} switches git hooks off`, command: text });
    if (/(?:_COMMAND|_CMD|_EXEC|LIB|_HOOK|_BIN_PATH)$|^PATH$/.test(k) && /[/.]/.test(v))
      add({ capability: 'inline-exec', detail: `${k}=${v} makes ${name} run or load other code`, command: text });
    else if (
      /^(?:LD_PRELOAD|LD_LIBRARY_PATH|DYLD_INSERT_LIBRARIES|BASH_ENV|ENV|PROMPT_COMMAND|GIT_SSH_COMMAND|GIT_EXEC_PATH|GIT_EXTERNAL_DIFF|GIT_PAGER|GIT_ASKPASS|SSH_ASKPASS|SUDO_ASKPASS|LESSOPEN|LESSCLOSE|PAGER|EDITOR|VISUAL|GIT_EDITOR|MANPAGER|PYTHONSTARTUP|NODE_OPTIONS|PERL5OPT|RUBYOPT)$/.test(
        k,
      ) ||
      /^npm_config_(?:script_shell|shell|node_options)$/i.test(k)
    ) {
      // (pagers and editors set to a plain program, as agents do to keep git from paging, run nothing else)
      if (/PAGER|EDITOR|VISUAL/.test(k) && PLAIN_PAGER_OR_EDITOR.test(v)) continue;
      add({ capability: 'inline-exec', detail: `${k}=… makes ${name} load or run other code`, command: text });
    }
  }

  // Known offensive-security tools, run by name or as a script (python3 laZagne.py, bash LinEnum.sh).
  // (An argument counts when it is a script path or file: `python3 x/laZagne.py`, not the word `empire`.)
  const tool = [name, ...args.filter((a, i) => !dyn[i + 1] && !a.startsWith('-') && /[./]/.test(a))].find((a) =>
    OFFENSIVE_TOOL.test(a),
  );
  if (tool)
    add({
      capability: 'exfiltration',
      detail: `${tool.split('/').pop()} is an offensive-security tool (credential dumping, privilege-escalation hunting)`,
      command: text,
    });
  // A file named as a document or image, run as a program: a disguised payload (report.pdf.sh, image.png).
  const ran = SHELLS.has(name)
    ? args.some((a) => /^-[a-zA-Z]*c/.test(a))
      ? undefined
      : args.find((a, i) => !dyn[i + 1] && !a.startsWith('-'))
    : c.text.includes('/')
      ? c.text
      : undefined;
  if (ran && MASQUERADE.test(ran))
    add({
      capability: 'obfuscated-exec',
      detail: `runs ${ran}, a program disguised as a document or image`,
      command: text,
    });
  // A program or script run from a world-writable temp folder outside the workspace, where
  // droppers stage payloads (cp x /tmp/y && /tmp/y). An agent's builds and scripts live in the workspace.
  const script =
    ran ?? (interpreterOf(name) && !c.inline ? args.find((a, i) => !dyn[i + 1] && !a.startsWith('-')) : undefined);
  // Likewise a script interpreter given a script path only known at run time (as `sh $X` above).
  if (SCRIPT_INTERPRETER.test(name) && !c.inline && !args.some((a) => /^-[a-zA-Z]*[mce]$|^--(?:eval|print)$/.test(a))) {
    const first = args.findIndex((a) => !a.startsWith('-'));
    if (first >= 0 && dyn[first + 1])
      add({
        capability: 'unknown',
        detail: `${name} runs a script whose path is only known at run time`,
        command: text,
      });
  }
  if (script && isTempPath(pt.abs(script)) && !pt.inWorkspace(script))
    add({
      capability: 'temp-exec',
      detail: `runs ${pt.abs(script)} from a temp folder anyone can write to`,
      command: text,
    });
  // Looking for security products among running processes, to avoid or stop them.
  const grepped = /^(?:grep|egrep|fgrep|rg|pgrep|pkill|pidof)$/.test(name)
    ? args.filter((a, i) => !dyn[i + 1] && !a.startsWith('-')).join(' ')
    : '';
  const products = new Set([...grepped.matchAll(SECURITY_PRODUCT)].map((m) => m[0].toLowerCase()));
  if (products.size >= 2 && (/^(?:pgrep|pkill|pidof)$/.test(name) || somePeer(c, isProcessLister))) {
    add({
      capability: 'defense-evasion',
      detail: `looks for security software among the running processes (${[...products].slice(0, 4).join(', ')})`,
      command: text,
    });
  }
  // Checking whether it runs in a virtual machine or sandbox, to behave differently there: hardware
  // reports searched for hypervisor vendors, or the hypervisor asked directly (macOS keys).
  const vendors = new Set([...grepped.matchAll(VM_VENDOR)].map((m) => m[0].toLowerCase()));
  // (or, inverted, for hardware that is not the genuine vendor's: `sysctl -n hw.model | grep -v Mac`)
  const notGenuine =
    !!grepped &&
    args.some((a) => /^-[a-zA-Z]*v[a-zA-Z]*$|^--invert-match$/.test(a)) &&
    /\b(?:Mac|Apple)/i.test(grepped);
  if ((vendors.size || notGenuine) && somePeer(c, isHardwareReport)) {
    add({
      capability: 'defense-evasion',
      detail: `checks whether it runs in a virtual machine or sandbox (${vendors.size ? `${[...vendors].slice(0, 3).join(', ')} in hardware reports` : 'hardware reports searched for anything but a genuine Mac'})`,
      command: text,
    });
  }
  if (name === 'sysctl' && args.some((a) => /^(?:hw\.hv_vendor|kern\.hv_vmm_present|kern\.hv_support)$/.test(a)))
    add({
      capability: 'defense-evasion',
      detail: `asks whether it runs under a hypervisor (${args.find((a) => /^(?:hw|kern)\.hv/.test(a))}): a sandbox check`,
      command: text,
    });
  // Timestomping: a file outside the workspace (temp folders too) given a fixed or borrowed date, to hide when it changed.
  if (
    name === 'touch' &&
    args.some(
      (a, i) =>
        !dyn[i + 1] &&
        (/^-[acm]*[tdr]$/.test(a) || /^--(?:date|reference)(?:=|$)/.test(a)) &&
        (a.includes('=') || (args[i + 1] !== undefined && !dyn[i + 2])),
    )
  ) {
    const files = args.filter(
      (a, i) =>
        !a.startsWith('-') && !dyn[i + 1] && !(i > 0 && /^-[acm]*[tdr]$|^--(?:date|reference)$/.test(args[i - 1])),
    );
    const there = files.filter((f) => !pt.inWorkspace(f));
    if (there.length)
      add({
        capability: 'defense-evasion',
        detail: `sets the timestamps of ${there.slice(0, 2).join(', ')} to a chosen date (timestomping hides when a file was changed)`,
        command: text,
        paths: there.map((f) => pt.abs(f)),
      });
  }
  // Collection: data packed into an archive or cipher text locked with a password given inline, the
  // usual staging before exfiltration (and opaque to inspection).
  const lockedArchive =
    (name === 'zip' && args.some((a) => /^-[a-zA-Z]*P$|^--password(?:=|$)/.test(a))) ||
    (/^(?:7z|7za|7zr)$/.test(name) && sub === 'a' && args.some((a) => /^-p./.test(a))) ||
    (name === 'openssl' &&
      /^(?:enc|aes-\d+-\w+|des3?|bf|camellia-\d+-\w+)$/.test(sub) &&
      args.some((a) => /^-(?:pass|k)$/.test(a)) &&
      !args.includes('-d')) ||
    (/^gpg2?$/.test(name) &&
      args.some((a) => /^(?:-c|--symmetric)$/.test(a)) &&
      args.some((a) => /^--passphrase(?:=|$)/.test(a)));
  if (lockedArchive)
    add({
      capability: 'surveillance',
      detail: `${name} packs or encrypts data under a password given on the command line (staging for exfiltration)`,
      command: text,
    });
  // Reconnaissance with no everyday use in a coding session: file shares and the password policy.
  if (
    (name === 'smbstatus' && args.some((a) => /^(?:-S|--shares)$/.test(a))) ||
    (name === 'smbclient' && args.some((a) => /^(?:-L|--list)(?:=|$)/.test(a))) ||
    (name === 'showmount' && args.some((a) => /^(?:-e|--exports)$/.test(a))) ||
    /^(?:nbtscan|nmblookup|enum4linux(?:-ng)?)$/.test(name) ||
    (name === 'net' && /^(?:view|share)$/.test(sub))
  ) {
    add({
      capability: 'surveillance',
      detail: `${name} lists network shares or hosts (reconnaissance)`,
      command: text,
    });
  }
  // (a listing piped into a search for one thing, such as a port or a driver, is a developer's check;
  // the searches that hunt for sandboxes and security products are judged above)
  const probe = hostProbe(name, sub, args, c);
  // Data encoded in a name that other tools look up (`ping $(hostname).x.example`): DNS tunnelling too.
  if (
    /^(?:ping6?|traceroute6?|tracepath|mtr|getent|resolvectl|kdig|arping|fping|hping3?)$/.test(name) &&
    args.some(
      (a, i) =>
        !a.startsWith('-') &&
        ((dyn[i + 1] && /^\$[^.]*(?:\.[\w-]+)+\.[a-z]{2,}$/i.test(a)) ||
          a.split('.').some((l) => l.length > 40 || /^[A-Za-z0-9+/=_-]{24,}$/.test(l))),
    )
  )
    add({
      capability: 'exfiltration',
      detail: `${name} looks up a name that carries data (DNS tunnelling)`,
      command: text,
    });
  if (probe)
    add({
      capability: 'surveillance',
      detail: `${name} ${probe} (reconnaissance; a coding task seldom needs it)`,
      command: text,
    });
  if (
    (name === 'pwpolicy' && /^-?getaccountpolicies$/.test(sub)) ||
    (name === 'chage' && args.some((a) => /^(?:-l|--list)$/.test(a))) ||
    (name === 'net' && sub === 'accounts')
  ) {
    add({
      capability: 'surveillance',
      detail: `${name} reads the password policy (reconnaissance before guessing passwords)`,
      command: text,
    });
  }
  if (name === 'stratus' && /^(?:warmup|detonate)$/.test(sub))
    add({
      capability: 'exfiltration',
      detail: 'Stratus Red Team runs cloud attack techniques against the account',
      command: text,
    });
  if (SHELLS.has(name)) {
    const hasC = args.some((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
    if (hasC && !PARSED_SHELLS.has(name))
      add({
        capability: 'unknown',
        detail: `${name} -c runs code in a shell language Warden does not parse`,
        command: text,
      });
    const script = args.find((a) => !a.startsWith('-') && a !== '+o' && a !== '+e');
    const fed = fedByPipe(c);
    const heredoc = c.redirects.some((r) => r.heredoc !== undefined || r.op === '<' || r.op === '<<<');
    if (!hasC && !fed && !heredoc && (!script || (args.some((a) => /^-[a-zA-Z]*[ip][a-zA-Z]*$/.test(a)) && !script)))
      add({
        capability: 'interactive-shell',
        detail: `starts an interactive ${name}${args.some((a) => /p/.test(a) && a.startsWith('-')) ? ' keeping privileges (-p)' : ''}`,
        command: text,
      });
    if (args.some((a) => /^-[a-zA-Z]*i[a-zA-Z]*$/.test(a)))
      add({ capability: 'interactive-shell', detail: `starts an interactive ${name} (-i)`, command: text });
    if (!hasC && !fed && args.some((a, i) => !a.startsWith('-') && dyn[i + 1]))
      add({
        capability: 'unknown',
        detail: `${name} runs a script whose path is only known at run time`,
        command: text,
      });
    if (script && !hasC && downloaded.has(pt.abs(script)))
      add({
        capability: 'download-exec',
        detail: `runs ${script}, which this command line downloaded`,
        command: text,
        paths: [pt.abs(script)],
      });
    if (script && !hasC && !script.startsWith('/dev/fd/') && pt.outside(script) && !downloaded.has(pt.abs(script)))
      add({
        capability: 'read-outside',
        detail: `runs the script ${script}, outside the workspace`,
        command: text,
        paths: [script],
      });
    if (script === '/dev/fd/63' || script === '/dev/stdin')
      add({ capability: 'unknown', detail: `${name} runs the output of another command`, command: text });
    return;
  }
  // A shell binary handed to another program: it will be run (GTFOBins-style shell escapes).
  // (grep's pattern may name a shell: `grep '/bin/bash' /etc/passwd` runs nothing; sed's script may.)
  const pattern = /^(?:[ef]?grep|rg|ag|ack|rename|prename|perl-rename|file-rename)$/.test(name)
    ? programArgIndex(name, args)
    : -1;
  if (
    !INFO_ONLY.has(name) &&
    !UNWRAPPED.has(name) &&
    !DOCS.has(name) &&
    args.some(
      (a, i) =>
        !dyn[i + 1] &&
        i !== pattern &&
        (/(?:^|[^\w/.-])\/(?:usr\/)?(?:local\/)?bin\/(?:ba|da|z|k|c|tc|r)?sh\b/.test(a) ||
          (/^(?:sh|bash|zsh|dash|ksh|cmd|powershell|pwsh)$/.test(a) &&
            !PACKAGE_TOOLS.has(name) &&
            (i === 0 || args[i - 1].startsWith('-')))),
    )
  ) {
    add({ capability: 'interactive-shell', detail: `hands a shell to ${name}, which runs it`, command: text });
  }

  // Pagers are left out: without a terminal (as agents run) they print like cat. A program fed by
  // a pipe or with its output redirected is not waiting for a person either.
  const alone = !hasPeers(c);
  if (
    alone &&
    !c.redirects.some((r) => ['>', '>>', '<', '<<', '<<<'].includes(r.op)) &&
    (INTERACTIVE.has(name) ||
      (name === 'gdb' && !args.some((a) => /^-(?:batch|-batch|ex|x)$/.test(a))) ||
      (/^(?:mysql|psql|sqlite3|redis-cli|mongo|mongosh)$/.test(name) &&
        !args.some((a) => /^-(?:e|c|-command|-execute|f|-eval)$/.test(a)) &&
        args.filter((a) => !a.startsWith('-')).length <= 1) ||
      (name === 'git' && args[0] === 'help') ||
      (/^(?:bundle|cargo|gem)$/.test(name) && /^(?:help|console|open)$/.test(args[0] ?? '')))
  ) {
    add({
      capability: 'interactive-shell',
      detail: `${name} is interactive (a pager, editor, REPL or console): it waits for a person and can run shell commands`,
      command: text,
    });
  }
  // Listeners: serving files or a console to the network.
  if (
    args.some((a) =>
      /^--listen(?:=|$)|^-m\s*(?:http\.server|SimpleHTTPServer)$|^httpd$|^(?:http\.server|SimpleHTTPServer)$/.test(a),
    ) ||
    (name === 'code' && args[0] === 'tunnel')
  ) {
    add({ capability: 'upload', detail: `${name} serves files or a console to the network`, command: text });
  }

  // Searching the disk for keys and credential stores.
  if (
    (name === 'find' || name === 'locate' || name === 'fd' || name === 'mdfind') &&
    args.some((a) => CREDENTIAL_NAME.test(a))
  ) {
    add({
      capability: 'credential-access',
      detail: `${name} searches for credential files (${args.find((a) => CREDENTIAL_NAME.test(a))})`,
      command: text,
    });
  }
  // Any other program given a URL talks to that host.
  // (Text tools only print or transform the URL: `basename "http://…/pic.jpg"`, `yes 'http://…'`.)
  if (
    !NET_TOOLS.has(name) &&
    !INFO_ONLY.has(name) &&
    !PROGRAM_FIRST.has(name) &&
    !UNWRAPPED.has(name) &&
    !/^(?:git|npm|npx|pnpm|yarn|pip|pip3|uv|go|cargo|gem|docker|podman|kubectl|helm|gh|echo|printf|yes|basename|dirname|expr|tr|cut|rev|wc|seq)$/.test(
      name,
    )
  ) {
    const urlHosts = args.flatMap((a, i) =>
      dyn[i + 1]
        ? []
        : [
            ...a.matchAll(
              /\b(?:https?|ftp|ldaps?|smb|ssh|telnet|tcp|udp|wss?):\/\/(?:[^@/\s"']*@)?(\[[^\]]+\]|[^:/\s"'?#]+)/gi,
            ),
          ].map((m) => m[1]),
    );
    if (urlHosts.length) {
      hostsOf.set(c, [...(hostsOf.get(c) ?? []), ...urlHosts]);
      add({
        capability: 'network',
        detail: `${name} is given a URL on ${[...new Set(urlHosts)].join(', ')}`,
        command: text,
        hosts: [...new Set(urlHosts)],
      });
    }
  }
  if (
    SURVEILLANCE.test(name) ||
    (name === 'import' && args.includes('-window')) ||
    (name === 'xwd' && args.includes('-root'))
  ) {
    add({
      capability: 'surveillance',
      detail: `${name} captures the screen, audio, keystrokes or network traffic`,
      command: text,
    });
  }
  // Shell history switched off: HISTFILE=/dev/null, HISTSIZE=0, HISTCONTROL=ignorespace… (in front
  // of a command, or exported).
  const histOff = (k: string, v: string) =>
    (k === 'HISTFILE' && (v === '' || v === '/dev/null')) ||
    (/^HIST(?:FILE)?SIZE$/.test(k) && v === '0') ||
    (k === 'HISTCONTROL' && /ignore(?:space|both)/.test(v)) ||
    (k === 'HISTIGNORE' && v.trim() === '*');
  if (assigned.some(([k, v]) => histOff(k, v)))
    add({ capability: 'defense-evasion', detail: 'switches the shell history off', command: text });
  // Searching the shell history for passwords and tokens typed on command lines.
  if (name === 'history' && somePeer(c, isSecretSearch))
    add({
      capability: 'credential-access',
      detail: 'searches the shell history for passwords or tokens',
      command: text,
    });
  if (
    EVASION.test(text) ||
    (name === 'set' && args.join(' ') === '+o history') ||
    (name === 'unset' && args.some((a) => /^HIST/.test(a))) ||
    (name === 'history' && args.includes('-c'))
  ) {
    add({
      capability: 'defense-evasion',
      detail: `${text.slice(0, 80)} switches off logging, history, security controls or hides from them`,
      command: text,
    });
  }

  // Host files reached from containers: bind mounts (`docker run -v ~/.ssh:/k`, --mount source=…) are
  // read, and written unless read-only; `docker cp` reads or writes its host side. The Docker socket
  // mounted into a container is root on the host.
  if (/^(?:docker|podman|nerdctl)$/.test(name)) {
    const verb = sub === 'container' || sub === 'image' ? (args.filter((a) => !a.startsWith('-'))[1] ?? '') : sub;
    if (verb === 'run' || verb === 'create') {
      const mounts = optionValues(args, /^-v$|^--volume$/, /^--volume=(.+)|^-v(.+)/).map((v) => ({
        src: v.split(':')[0],
        ro: /:(?:[\w,]*,)?ro(?:,|$)/.test(v),
      }));
      for (const m of optionValues(args, /^--mount$/, /^--mount=(.+)/)) {
        const src = /(?:^|,)(?:source|src)=([^,]+)/.exec(m)?.[1];
        if (src && /(?:^|,)type=bind(?:,|$)/.test(m))
          mounts.push({ src, ro: /(?:^|,)(?:readonly|ro)(?:=true|=1)?(?:,|$)/.test(m) });
      }
      for (const { src, ro } of mounts) {
        if (!/^[/~.]/.test(src) || src.includes('$')) continue;
        if (/(?:^|\/)docker\.sock$/.test(src)) {
          add({
            capability: 'privilege',
            detail: `${name} ${verb} mounts the Docker socket (root on the host)`,
            command: text,
          });
          continue;
        }
        pt.read(src);
        if (!ro) pt.write(src);
      }
    }
    if (verb === 'cp') {
      const [from, to] = args.slice(args.indexOf('cp') + 1).filter((a) => !a.startsWith('-'));
      if (from && !/^[\w.-]+:/.test(from) && !from.includes('$')) pt.read(from);
      if (to && !/^[\w.-]+:/.test(to) && !to.includes('$')) pt.write(to);
    }
  }
  // A secret file added to version control goes wherever the repository is pushed.
  if (name === 'git' && sub === 'add') {
    const secret = args.find(
      (a, i) => !dyn[i + 1] && !a.startsWith('-') && a !== 'add' && isCredentialPath(pt.abs(a), home),
    );
    if (secret)
      add({
        capability: 'credential-access',
        detail: `git add ${secret}: a secret file would be committed and pushed with the repository`,
        command: text,
        paths: [pt.abs(secret)],
      });
  }

  // Wrappers' own file options (their command is judged on its own).
  if (name === 'xargs') for (const f of optionValues(args, /^-a$|^--arg-file$/, /^-a(.+)|^--arg-file=(.+)/)) pt.read(f);
  if (name === 'strace' || name === 'ltrace' || name === 'sort')
    for (const f of optionValues(args, /^-o$|^--output$/, /^-o(.+)|^--output=(.+)/)) pt.write(f);
  if (name === 'ltrace') for (const f of optionValues(args, /^-F$/, /^-F(.+)/)) pt.read(f);
  // Options that evaluate code or run commands (rpm --eval '%{lua:…}', make --eval, tex -shell-escape…).
  const evalOpt = EVAL_PROGRAM.test(name)
    ? EVAL_OPTS.find(([prog, opt]) => prog.test(name) && args.some((a) => opt.test(a)))
    : undefined;
  if (evalOpt)
    add({
      capability: 'inline-exec',
      detail: `${name} is told to evaluate code or run commands (${args.find((a) => evalOpt[1].test(a))})`,
      command: text,
    });
  // Interactive programs that hand out shells: screen or tmux with nothing to run, script without -c,
  // capsh --, systemd-run --shell, sg, an interpreter with no program (a REPL).
  const positional = () => args.filter((a, i) => !a.startsWith('-') && !(i > 0 && /^-[SLtT]$/.test(args[i - 1])));
  const fedIn = () =>
    c.redirects.some((r) => r.heredoc !== undefined || r.op === '<' || r.op === '<<<') || fedByPipe(c);
  const repl =
    (args.length <= 1 || /^php/.test(name)) &&
    interpreterOf(name) &&
    !c.inline &&
    (args.length === 0 ||
      (/^(?:python[\d.]*|ruby|node|lua)$/.test(name) && args.length === 1 && args[0] === '-i') ||
      (/^php/.test(name) && args.includes('-a'))) &&
    !fedIn();
  if (
    ((name === 'screen' || name === 'tmux' || name === 'byobu') && args.length === 0 && !fedIn()) ||
    (name === 'script' &&
      c.text === 'script' &&
      args.length > 0 &&
      !args.some((a) => /^-[a-z]*c$|^--command(?:=|$)/.test(a)) &&
      positional().length <= 1) ||
    (name === 'capsh' && args.includes('--')) ||
    (name === 'systemd-run' && args.some((a) => /^-S$|^--shell$|^-t$|^--pty$/.test(a))) ||
    (name === 'sg' && positional().length <= 1) ||
    repl
  ) {
    add({ capability: 'interactive-shell', detail: `${name} opens an interactive shell or REPL`, command: text });
  }
  // Programs that write or run through their own options: find -fprint, sed's w and e commands,
  // awk's print > "file" and /inet/ sockets, git apply outside the workspace, wc --files0-from.
  if (name === 'find') for (const f of optionValues(args, /^-f(?:print0?|printf|ls)$/)) pt.write(f);
  if (name === 'sed') {
    const script =
      args[programArgIndex(name, args)] ??
      args.filter((a, i) => i > 0 && /^-e$|^--expression$/.test(args[i - 1])).join('\n');
    for (const m of script.matchAll(/(?:^|[;\n}]|\/[gpIiMme\d]*)\s*w\s+(\S+)/g)) pt.write(m[1]);
    if (/(?:^|[;\n\d$/])\s*e(?:\s|$)|\/e\b/.test(script) || script === 'e')
      add({ capability: 'interactive-shell', detail: "sed's e command runs shell commands", command: text });
  }
  if (/^(?:g|m|n)?awk$/.test(name)) {
    const prog = args[programArgIndex(name, args)] ?? '';
    for (const m of prog.matchAll(/(?:print|printf)[^;}]*?>>?\s*"([^"]+)"/g))
      if (!m[1].startsWith('/inet')) pt.write(m[1]);
    const inet = /"\/inet6?\/(?:tcp|udp)\/(\d+)\/([^/"]+)\/(\d+)"/.exec(prog);
    if (inet)
      add({
        capability: 'reverse-shell',
        detail:
          inet[2] === '0'
            ? `awk listens on port ${inet[1]} (a bind shell when it runs what it reads)`
            : `awk opens a socket to ${inet[2]}:${inet[3]}`,
        command: text,
        hosts: inet[2] === '0' ? [] : [normaliseHost(inet[2])],
      });
  }
  if (name === 'git' && sub === 'apply')
    for (const d of optionValues(args, /^--directory$/, /^--directory=(.+)/)) if (pt.outside(d)) pt.write(d);
  if (name === 'git' && sub === 'diff')
    for (const f of args.filter((a, i) => !dyn[i + 1] && looksLikePath(a) && a !== '/dev/null' && pt.outside(a)))
      pt.read(f);
  if (name === 'wc' || name === 'du' || name === 'sort')
    for (const f of optionValues(args, /^--files0-from$/, /^--files0-from=(.+)/)) pt.read(f);
  if (name === 'date' || name === 'file')
    for (const f of optionValues(
      args,
      name === 'date' ? /^-f$|^--file$/ : /^-[fm]$/,
      name === 'date' ? /^--file=(.+)/ : undefined,
    ))
      pt.read(f);
  if (name === 'cmake' && args[0] === '-E' && /^(?:cat|copy|copy_if_different|create_symlink|tar)$/.test(args[1] ?? ''))
    for (const f of args.slice(2).filter((a) => looksLikePath(a))) pt.read(f);
  if (name === 'gcore' || (name === 'gdb' && args.some((a) => /^-p$|^--pid(?:=|$)/.test(a))))
    add({
      capability: 'credential-access',
      detail: `${name} dumps or attaches to a running process's memory (where secrets live)`,
      command: text,
    });
  // Another process's memory or environment (/proc/PID/mem, maps, environ), even with the PID a variable.
  if (args.some((a) => /^\/proc\/(?!self\/|thread-self\/)[^/]+\/(?:mem|maps|environ)$/.test(a)))
    add({
      capability: 'credential-access',
      detail: "reads another process's memory or environment under /proc (where its secrets are)",
      command: text,
    });
  if (name === 'getent' && /^(?:shadow|gshadow)$/.test(sub))
    add({ capability: 'credential-access', detail: `getent ${sub} reads password hashes`, command: text });
  // Local, unsigned system packages run their install scripts as root.
  if (
    (name === 'dpkg' && args.some((a) => /^-[a-zA-Z]*i$|^--install$/.test(a))) ||
    (name === 'rpm' && /^-[iU]|^--(?:install|upgrade)$/.test(args[0] ?? '')) ||
    (/^(?:yum|dnf)$/.test(name) &&
      (sub === 'localinstall' ||
        (/^(?:install|reinstall|upgrade)$/.test(sub) && args.some((a) => /\.rpm$/.test(a))) ||
        args.includes('--nogpgcheck'))) ||
    (name === 'snap' && args.some((a) => /^--(?:dangerous|devmode|classic)$/.test(a))) ||
    (/^(?:pkg|opkg|apk|zypper|pacman)$/.test(name) &&
      args.some((a) => /\.(?:txz|pkg|deb|ipk|apk|rpm|tar\.(?:zst|xz|gz))$|^--allow-untrusted$|^-U$/.test(a)))
  ) {
    add({
      capability: 'risky-package-source',
      detail: `${name} installs a local or unsigned system package (its scripts run as root)`,
      command: text,
    });
  }
  // Serving local files to the network.
  if (
    (/^php\d*$/.test(name) && args.includes('-S')) ||
    (interpreterOf(name) && /http\.server|SimpleHTTPServer|-run -e httpd/.test(args.join(' '))) ||
    (name === 'busybox' && args[0] === 'httpd')
  ) {
    if (
      args.some((a) => /^(?:0\.0\.0\.0|\[?::\]?)(?::\d+)?$|--bind=?0\.0\.0\.0/.test(a)) ||
      !args.some((a) => /^(?:127\.|localhost|\[?::1)/.test(a))
    )
      add({
        capability: 'upload',
        detail: `${name} serves local files to the network`,
        command: text,
        hosts: ['0.0.0.0'],
      });
  }
  if ((name === 'ctr' || name === 'nerdctl') && args.some((a) => /(?:^|,)src=\/(?:,|$)|source=\/(?:,|$)/.test(a)))
    add({ capability: 'privilege', detail: `${name} mounts the host's root folder into a container`, command: text });
  // What a program gets on standard input, when it is literal text: a here-document or here-string,
  // or the output of echo/printf piped in. Programs that read file names there read those files
  // (`echo /etc/shadow | cpio -o`, `ed`), and interactive ones run the shell escapes in it
  // (`echo '!sh' | cpan`, sqlite3 `.shell`).
  const stdin = stdinText(c);
  if (stdin !== undefined) {
    if (name === 'sqlite3')
      for (const m of stdin.matchAll(/^\s*\.(?:import|read|open|restore)\s+(?:--\S+\s+)*['"]?([^\s'"]+)/gm))
        pt.read(m[1]);
    const xinner =
      name === 'xargs'
        ? args.find((a, k) => !a.startsWith('-') && !(k > 0 && /^-[IndPLsEa]$/.test(args[k - 1])))
        : undefined;
    if (FED_FILE_READERS.has(name) && !(xinner !== undefined && (NO_READ.has(xinner) || INFO_ONLY.has(xinner)))) {
      for (const tok of stdin.split(/\s+/)) if (looksLikePath(tok)) pt.read(tok);
    }
    if (
      (INTERACTIVE.has(name) || FED_FILE_READERS.has(name) || STDIN_CONSOLES.test(name)) &&
      SHELL_ESCAPE.test(stdin)
    ) {
      add({
        capability: 'interactive-shell',
        detail: `feeds a shell escape to ${name} on its standard input`,
        command: text,
      });
    }
  }
  // A shell put into a build or package manifest, which the next build or install runs
  // (echo '{"scripts":{"preinstall":"/bin/sh"}}' > package.json).
  if (
    (name === 'echo' || name === 'printf') &&
    c.redirects.some((r) => /^>>?$/.test(r.op) && MANIFEST.test(r.target)) &&
    /\/bin\/(?:ba|da|z|k)?sh\b|\bsystem\s*\(|\bexec\s*\(|`|\$\(/.test(args.join(' '))
  ) {
    add({
      capability: 'persistence',
      detail: `writes a shell command into ${c.redirects.find((r) => MANIFEST.test(r.target))!.target}, which the next build or install runs`,
      command: text,
    });
  }
  // Tunnels that expose this machine to the internet.
  if (Object.hasOwn(TUNNEL, name) && TUNNEL[name].test(sub))
    add({
      capability: 'reverse-shell',
      detail: `${name} opens a tunnel from the internet to this machine`,
      command: text,
    });
  if (/^(?:nmap|masscan|zmap|rustscan|naabu|unicornscan|arp-scan|netdiscover)$/.test(name))
    add({ capability: 'surveillance', detail: `${name} scans hosts and ports`, command: text });
  if (
    (name === 'xclip' && args.some((a) => /^-o(?:ut)?$/.test(a))) ||
    (name === 'xsel' && args.some((a) => /^-(?:o|-output)$|^-[a-z]*o/.test(a))) ||
    name === 'pbpaste' ||
    name === 'wl-paste'
  )
    add({ capability: 'surveillance', detail: `${name} reads the clipboard`, command: text });
  if (name === 'trap' && args.length >= 2) {
    const [action, ...signals] = args;
    if (signals.includes('DEBUG') || /BASH_COMMAND/.test(action))
      add({ capability: 'surveillance', detail: 'trap … DEBUG records every command the shell runs', command: text });
    else if (/\b(?:nohup|sh|bash|curl|wget|nc|python3?|perl)\b/.test(action))
      add({
        capability: 'persistence',
        detail: `trap runs a program when the shell gets ${signals.join(' ')}`,
        command: text,
      });
  }
  // (touch -t/-d inside the workspace is left alone: there it looks the same as an ordinary build
  // or test step. Outside it, see timestomping above.)
  if (
    (name === 'date' &&
      args.some(
        (a, i) =>
          !dyn[i + 1] &&
          (/^-s$|^--set(?:=|$)/.test(a) ||
            (/^\d{8,12}(?:\.\d{2})?$/.test(a) &&
              !/^-[a-zA-Z]*[dfr]$|^--(?:date|file|reference)$/.test(args[i - 1] ?? ''))),
      )) ||
    (/^(?:timedatectl|systemsetup)$/.test(name) && /\bset-?time\b|-setdate|-settime/i.test(args.join(' ')))
  )
    add({ capability: 'defense-evasion', detail: 'sets the system clock', command: text });
  if (
    (name === 'chflags' && args.some((a) => /^(?:hidden|s?uchg|s?immutable|simmutable|sappnd|uappnd)$/.test(a))) ||
    (/^[sS]et[fF]ile$/.test(name) && args.some((a) => /^-[ma]$/.test(a))) ||
    (name === 'xattr' &&
      args.some((a) => /com\.apple\.quarantine/.test(a)) &&
      args.some((a) => /^-[a-z]*[dc]/.test(a))) ||
    (name === 'chattr' && args.some((a) => /^[+-][a-z]*[ia]/.test(a)))
  ) {
    add({
      capability: 'defense-evasion',
      detail: `${name} hides files, locks them or strips the quarantine mark`,
      command: text,
    });
  }
  if (name === 'osascript' && args.some((a) => /^-e$/.test(a)))
    add({
      capability: 'inline-exec',
      detail: 'osascript -e runs AppleScript (it can run shell commands and show fake password dialogs)',
      command: text,
    });
  else if (name === 'osascript' && args.some((a, i) => !dyn[i + 1] && !a.startsWith('-')))
    add({
      capability: 'inline-exec',
      detail:
        'osascript runs an AppleScript file (it drives other applications, types keystrokes, shows dialogs and can run shell commands)',
      command: text,
    });
  if (name === 'pfctl' && args.some((a) => /^-[a-zA-Z]*[dfF]$/.test(a)))
    add({ capability: 'defense-evasion', detail: 'pfctl switches off or replaces firewall rules', command: text });
  if (name === 'service' && args[0] === 'pf' && /^(?:stop|disable|onestop)$/.test(args[1] ?? ''))
    add({ capability: 'defense-evasion', detail: 'stops the pf firewall', command: text });
  if (name === 'find') {
    // Hunting for credential files or browser profiles. (Listing setuid programs, find -perm -4000,
    // is left alone: admins run it as often as attackers.)
    const patterns = args.flatMap((a, i) =>
      i > 0 && /^-(?:i?name|i?path|i?wholename|regex)$/.test(args[i - 1]) ? [a] : [],
    );
    const roots = args.filter(
      (a, i) => !a.startsWith('-') && (i === 0 || !args[i - 1].startsWith('-')) && looksLikePath(a),
    );
    if (patterns.some((x) => CRED_FILE.test(x)) || roots.some((x) => isCredentialPath(pt.abs(x), home)))
      add({
        capability: 'credential-access',
        detail: 'searches for credential files, tokens or browser profiles',
        command: text,
      });
  }

  agentRun(c, name, args, text, add);
  switch (name) {
    case 'insmod':
    case 'rmmod':
    case 'modprobe':
    case 'kldload':
    case 'kldunload':
    case 'kextload':
    case 'kextunload':
    case 'swapon':
    case 'swapoff':
      // (modprobe's listing and dry-run options load nothing.)
      if (
        name === 'modprobe' &&
        args.some((a) => /^(?:--show-depends|-D|-c|--showconfig|-n|--dry-run|-V|--version|--show)$/.test(a))
      )
        break;
      add({
        capability: 'privilege',
        detail: `${name} changes the running kernel or system memory (kernel modules are code with full control of the machine)`,
        command: text,
      });
      return;
    case 'defaults':
      if (/^(?:write|delete|import|rename)$/.test(sub))
        add({
          capability: 'write-outside',
          detail: `defaults ${sub} changes macOS preferences outside the workspace`,
          command: text,
        });
      return;
    case 'chroot':
      add({
        capability: 'privilege',
        detail: 'changes the root folder (needs root; chroot / gives a root shell where it is allowed)',
        command: text,
      });
      break;
    case 'sudo':
    case 'su':
    case 'doas':
    case 'pkexec':
    case 'runuser':
    case 'sudoedit':
      add({ capability: 'privilege', detail: `runs as another user with ${name}`, command: text });
      if (name === 'su' && !args.includes('-c'))
        add({ capability: 'interactive-shell', detail: 'opens a root shell with su', command: text });
      return;
    case 'setcap':
    case 'visudo':
    case 'usermod':
    case 'useradd':
    case 'adduser':
    case 'passwd':
    case 'chpasswd':
    case 'gpasswd':
    case 'newgrp':
    case 'groupadd':
    case 'sysadminctl':
    case 'dseditgroup':
    case 'dscl':
    case 'userdel':
    case 'deluser':
    case 'chage':
    case 'dsenableroot':
      add({ capability: 'privilege', detail: `${name} changes users, groups or capabilities`, command: text });
      return;
    case 'chmod':
      // setuid (u+s, 4xxx, 6xxx, +s); a setgid bit alone (g+s, 2xxx) is the usual shared-folder setting.
      if (
        args.some(
          (a) =>
            /^(?:[ugoa]*,)*(?:u[ugoa]*|a|)[+=][rwxXt]*s|^[4-7][0-7]{3}$/.test(a) && !/^[2][0-7]{3}$|^g[+=]/.test(a),
        )
      )
        add({ capability: 'privilege', detail: 'sets the setuid bit', command: text });
      if (
        args.some((a) => /^-\w*R/.test(a)) &&
        args.some((a) => !a.startsWith('-') && looksLikePath(a) && pt.rootOrHome(a))
      )
        add({
          capability: 'destructive',
          detail: 'changes permissions recursively on a system or home folder',
          command: text,
        });
      // Writable by every user (a+w, o+w, 777, 666) outside the workspace: anyone can plant code there.
      if (
        args.some(
          (a, i) => !dyn[i + 1] && /^(?:[ugoa]*,)*[ugo]*[ao][ugo]*[+=][rwxX]*w|^0?[0-7]?[0-7][0-7][2367]$/.test(a),
        ) &&
        args.some(
          (a, i) =>
            !dyn[i + 1] && !a.startsWith('-') && looksLikePath(a) && !pt.inWorkspace(a) && !/^\/dev\//.test(pt.abs(a)),
        )
      ) {
        add({
          capability: 'privilege',
          detail: 'makes files outside the workspace writable by every user',
          command: text,
        });
      }
      return;
    case 'chown':
    case 'chgrp':
      if (args.some((a) => /^root(?::|$)/.test(a)))
        add({ capability: 'privilege', detail: 'gives files to root', command: text });
      if (
        args.some((a) => /^-\w*R/.test(a)) &&
        args.some((a) => !a.startsWith('-') && looksLikePath(a) && pt.rootOrHome(a))
      )
        add({
          capability: 'destructive',
          detail: 'changes ownership recursively on a system or home folder',
          command: text,
        });
      return;
    case 'rm':
    case 'rmdir':
    case 'shred':
    case 'unlink':
    case 'srm':
    case 'wipe': {
      const recursive = args.some((a) => /^-[a-zA-Z]*[rR]|^--recursive$/.test(a));
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a.startsWith('-') && !dyn[i + 1]) continue;
        if (dyn[i + 1]) {
          if (recursive)
            add({
              capability: 'destructive',
              detail: `${name} -r on a path only known at run time (${a || '…'})`,
              command: text,
            });
          continue;
        }
        if (a === '') continue; // (`rm -f ""` deletes nothing)
        if (!pt.cwdKnown() && !/^[/~]/.test(a)) {
          if (recursive)
            add({
              capability: 'unknown',
              detail: `${name} -r on ${a} in a folder only known at run time`,
              command: text,
            });
          continue;
        }
        if (pt.rootOrHome(a))
          add({
            capability: 'destructive',
            detail: `deletes ${a}: the root, home, a system folder or the whole workspace`,
            command: text,
            paths: [a],
            catastrophic: true,
          });
        else if (isAgentControlPath(pt.abs(a), home))
          add({
            capability: 'agent-tamper',
            detail: `deletes ${a}, which controls the agent's or Warden's guard`,
            command: text,
            paths: [a],
          });
        else if (isGitHookPath(pt.abs(a)))
          add({
            capability: 'hook-bypass',
            detail: `deletes ${a}: the repository's git hooks would no longer run`,
            command: text,
            paths: [a],
          });
        else if (pt.outside(a))
          add({ capability: 'destructive', detail: `deletes ${a}, outside the workspace`, command: text, paths: [a] });
      }
      return;
    }
    case 'mkfs':
    case 'wipefs':
    case 'fdisk':
    case 'sfdisk':
    case 'parted':
    case 'mkswap':
    case 'shutdown':
    case 'reboot':
    case 'halt':
    case 'poweroff':
    case 'init':
    case 'telinit':
      add({
        capability: 'destructive',
        detail: `${name} changes disks or stops the machine`,
        command: text,
        catastrophic: true,
      });
      return;
    case 'dd':
      if (args.some((a) => /^of=\/dev\/(?!null)/.test(a)))
        add({ capability: 'destructive', detail: 'dd writes to a device', command: text, catastrophic: true });
      return;
    case 'crontab':
      if (!args.includes('-l')) add({ capability: 'persistence', detail: 'installs a cron job', command: text });
      return;
    case 'ps':
      // BSD-style options with `e` (ps eww, ps auxe) print every process's environment: their secrets.
      if (/^[aAcCghjlLmMnrsStTuvwxXZ]*e[aAcCeghjlLmMnrsStTuvwxXZ]*$/.test(args[0] ?? ''))
        add({
          capability: 'env-dump',
          detail: `ps ${args.join(' ')} prints the environment of every process (their API keys included) into the agent's context`,
          command: text,
        });
      return;
    case 'systemd-run':
      if (
        args.some((a) =>
          /^--on-(?:calendar|active|boot|startup|unit-active|unit-inactive|clock-change|timezone-change)(?:=|$)/.test(
            a,
          ),
        )
      )
        add({
          capability: 'persistence',
          detail: 'systemd-run schedules a program to run later (a transient timer)',
          command: text,
        });
      return;
    case 'at':
    case 'batch':
    case 'launchctl':
    case 'update-rc.d':
    case 'chkconfig':
      add({
        capability: 'persistence',
        detail: `${name} schedules or registers a program to run later`,
        command: text,
      });
      return;
    case 'systemctl':
      if (/^(?:enable|link|edit|set-default|daemon-reload|preset)$/.test(sub) || args.includes('--now'))
        add({ capability: 'persistence', detail: `systemctl ${sub} registers a service`, command: text });
      if (/^(?:stop|disable|mask|kill|poweroff|reboot|halt|isolate)$/.test(sub))
        add({ capability: 'destructive', detail: `systemctl ${sub} stops services`, command: text });
      return;
    case 'kubectl':
    case 'oc':
      if (!/^(?:version|config|explain|api-resources|api-versions|completion)$/.test(sub))
        add({ capability: 'deploy', detail: `${name} ${sub} acts on a cluster`, command: text });
      if ((sub === 'get' && args.includes('secret')) || (sub === 'get' && args.includes('secrets')))
        add({ capability: 'credential-access', detail: 'reads Kubernetes secrets', command: text });
      return;
    case 'helm':
      if (/^(?:install|upgrade|uninstall|delete|rollback|push|plugin)$/.test(sub))
        add({ capability: 'deploy', detail: `helm ${sub} changes a cluster`, command: text });
      return;
    case 'terraform':
    case 'tofu':
    case 'pulumi':
    case 'cdk':
    case 'sam':
    case 'serverless':
    case 'sls':
    case 'ansible-playbook':
    case 'ansible':
      if (
        !/^(?:fmt|validate|version|init|plan|preview|graph|providers|output|show|synth|diff|list|ls|--version|-version|help)$/.test(
          sub,
        )
      )
        add({ capability: 'deploy', detail: `${name} ${sub} changes infrastructure`, command: text });
      return;
    case 'aws':
    case 'gcloud':
    case 'az':
    case 'doctl':
    case 'flyctl':
    case 'fly':
    case 'heroku':
    case 'vercel':
    case 'netlify':
    case 'wrangler':
    case 'firebase':
    case 'eb':
    case 'gsutil':
    case 'oci':
    case 'aliyun':
    case 'linode-cli':
    case 'hcloud':
      if (
        /secret|credential|token|password|get-session-token|print-access-token|print-identity-token|get-login-password|configure/.test(
          args.join(' '),
        )
      )
        add({ capability: 'credential-access', detail: `${name} reads cloud credentials or secrets`, command: text });
      add({ capability: 'deploy', detail: `${name} acts on a cloud account`, command: text });
      return;
    case 'docker':
    case 'podman':
    case 'nerdctl':
    case 'buildah': {
      // An image build runs its Dockerfile's RUN steps: a build context or Dockerfile only known at
      // run time is code Warden cannot see (the workspace's own Dockerfile is judged when written).
      const b = args.findIndex((a) => a === 'build' || a === 'bud');
      if (b >= 0 && (b === 0 || /^(?:image|buildx|builder)$/.test(args[b - 1]))) {
        for (let i = b + 1; i < args.length; i++) {
          const a = args[i];
          const valued =
            /^-(?:t|f|o)$|^--(?:tag|file|build-arg|target|platform|network|label|cache-from|cache-to|output|secret|ssh|iidfile|progress|builder|build-context|add-host|shm-size|memory|cpu-shares|isolation|ulimit)$/.test(
              a,
            );
          if ((valued && /^-f$|^--file$/.test(a) && dyn[i + 2]) || (!a.startsWith('-') && dyn[i + 1])) {
            add({
              capability: 'unknown',
              detail: `${name} build runs the RUN steps of a Dockerfile whose path is only known at run time`,
              command: text,
            });
            break;
          }
          if (valued) i++;
        }
      }
      if (/^(?:push|login)$/.test(sub))
        add({ capability: 'deploy', detail: `${name} ${sub} publishes or signs in to a registry`, command: text });
      if (
        sub === 'run' &&
        args.some(
          (a) =>
            /^--privileged$|^-v\/:|^--volume=\/:|^\/:\//.test(a) ||
            a === '/:/host' ||
            /^\/(?::|$)/.test(a.split(':')[0] === '/' ? '/' : 'x'),
        )
      )
        add({ capability: 'privilege', detail: `${name} run with host access`, command: text });
      return;
    }
    case 'npm':
    case 'pnpm':
    case 'yarn':
    case 'bun': {
      if (/^(?:publish|unpublish|deprecate|owner|dist-tag|token|adduser|login)$/.test(sub))
        add({ capability: 'deploy', detail: `${name} ${sub} publishes to or changes the registry`, command: text });
      if (/^(?:install|i|add|ci|isntall|update|up|upgrade)$/.test(sub))
        packages(c, 'npm', args.slice(args.indexOf(sub) + 1), text, add);
      if (
        /^(?:uninstall|un|remove|rm|r|unlink)$/.test(sub) &&
        args.slice(args.indexOf(sub) + 1).some((a) => /^(?:@[\w.-]+\/)?warden(?:@.*)?$/.test(a))
      )
        add({
          capability: 'agent-tamper',
          detail: `${name} ${sub} removes Warden, whose hooks guard the agent`,
          command: text,
        });
      if (sub === 'config' && /\bset\b/.test(args.join(' ')) && /registry/.test(args.join(' ')))
        add({
          capability: 'risky-package-source',
          detail: `${name} config changes the package registry`,
          command: text,
        });
      if (
        sub === 'config' &&
        /\b(?:get|list|ls)\b/.test(args.join(' ')) &&
        (/_auth(?:Token)?\b|_password\b|:_auth/i.test(args.join(' ')) ||
          (args.some((a) => /^(?:-l|--long|--json)$/.test(a)) && /\b(?:list|ls)\b/.test(args.join(' '))))
      )
        add({ capability: 'credential-access', detail: `${name} config prints registry credentials`, command: text });
      if (
        sub === 'config' &&
        /\bset\b/.test(args.join(' ')) &&
        /strict-ssl(?:[= ]+)false|enableStrictSsl(?:[= ]+)false/i.test(args.join(' '))
      )
        add({
          capability: 'risky-package-source',
          detail: `${name} config switches off TLS verification for package downloads`,
          command: text,
        });
      if (sub === 'config' && /\bset\b/.test(args.join(' ')) && /script-shell|shell-emulator/.test(args.join(' ')))
        add({
          capability: 'persistence',
          detail: `${name} config changes the shell every package script runs in`,
          command: text,
        });
      return;
    }
    case 'uvx': {
      // (--from names the package the tool comes from; --with adds more)
      const from = optionValues(args, /^--from$/, /^--from=(.+)/);
      const pkgs = [
        ...from,
        ...optionValues(args, /^--with$/, /^--with=(.+)/),
        ...(from.length
          ? []
          : args
              .filter(
                (a, i) =>
                  !a.startsWith('-') && !/^--(?:from|with|python|index-url|extra-index-url)$/.test(args[i - 1] ?? ''),
              )
              .slice(0, 1)),
      ];
      packages(
        c,
        'pypi',
        [
          ...args.filter(
            (a) =>
              /^--(?:index-url|extra-index-url)(?:=|$)/.test(a) ||
              /^--(?:index-url|extra-index-url)$/.test(args[args.indexOf(a) - 1] ?? ''),
          ),
          ...pkgs,
        ],
        text,
        add,
        true,
      );
      return;
    }
    case 'npx':
    case 'bunx':
    case 'pnpx': {
      // npx's own options come before the command; what follows is the command's (`npx tsc -p FILE`:
      // the package is tsc, and -p is tsc's project file). With -c the command is a shell string.
      let at = 0;
      while (at < args.length && args[at].startsWith('-')) at += /^(?:-p|--package|-c|--call)$/.test(args[at]) ? 2 : 1;
      const own = args.slice(0, at);
      const pkgs = own.flatMap((a, i) =>
        /^(?:-p|--package)$/.test(a) && own[i + 1] ? [own[i + 1]] : /^--package=/.test(a) ? [a.slice(10)] : [],
      );
      const call = own.some((a) => /^(?:-c|--call)$/.test(a));
      packages(c, 'npm', call || at >= args.length ? pkgs : [...pkgs, args[at]], text, add, true);
      return;
    }
    case 'pip':
    case 'pip3':
    case 'pipx':
    case 'uv':
    case 'poetry':
    case 'pdm':
    case 'conda':
    case 'mamba':
    case 'easy_install': {
      const i = args.findIndex((a) => /^(?:install|add)$/.test(a));
      if (i >= 0) packages(c, 'pypi', args.slice(i + 1), text, add);
      if (/^(?:publish|upload)$/.test(sub))
        add({ capability: 'deploy', detail: `${name} ${sub} publishes a package`, command: text });
      if (
        sub === 'config' &&
        /\bset\b/.test(args.join(' ')) &&
        /\.(?:index-url|extra-index-url|trusted-host)\b/.test(args.join(' '))
      )
        add({
          capability: 'risky-package-source',
          detail: `${name} config changes the package index or trusts a host without TLS checks`,
          command: text,
        });
      // Packages run straight from the index (uvx tool, uv tool run, pipx run): judged as installs.
      if ((name === 'uv' && sub === 'tool' && args[1] === 'run') || (name === 'pipx' && sub === 'run'))
        packages(
          c,
          'pypi',
          args
            .slice(args.indexOf(sub) + (name === 'uv' ? 2 : 1))
            .filter((a) => !a.startsWith('-'))
            .slice(0, 1),
          text,
          add,
          true,
        );
      return;
    }
    case 'twine':
    case 'gem':
    case 'cargo':
    case 'go':
    case 'composer':
    case 'mvn':
    case 'gradle':
    case 'dotnet':
      if (/^(?:upload|push|publish|deploy)$/.test(sub)) {
        add({ capability: 'deploy', detail: `${name} ${sub} publishes`, command: text });
        return;
      }
      if (name === 'gem' && sub === 'install') packages(c, 'rubygems', args.slice(1), text, add);
      if (name === 'cargo' && (sub === 'add' || sub === 'install')) packages(c, 'crates', args.slice(1), text, add);
      if (name === 'go' && (sub === 'get' || sub === 'install')) packages(c, 'go', args.slice(1), text, add);
      // `go run module@version` fetches the module and runs it, as npx does.
      if (name === 'go' && sub === 'run') {
        const remote = args.slice(1).filter((a) => /^[\w-]+(?:\.[\w-]+)+\/[\w.\/-]+@[\w.+-]+$/.test(a));
        if (remote.length) packages(c, 'go', remote, text, add, true);
      }
      if (name === 'composer' && sub === 'require') packages(c, 'packagist', args.slice(1), text, add);
      return;
    case 'apt':
    case 'apt-get':
    case 'yum':
    case 'dnf':
    case 'apk':
    case 'brew':
    case 'zypper':
    case 'pacman':
    case 'snap':
      if (/^(?:install|add|-S)$/.test(sub) || args.includes('-S'))
        packages(
          c,
          'system',
          args.filter((a) => !a.startsWith('-') && a !== sub),
          text,
          add,
        );
      if (/^(?:remove|purge|autoremove|erase|del|uninstall)$/.test(sub))
        add({ capability: 'destructive', detail: `${name} ${sub} removes system packages`, command: text });
      return;
    case 'git':
      return git(c, args, text, add, net);
    case 'echo':
    case 'printf':
      // A secret's value printed goes into the agent's context, and from there to the model vendor.
      for (let i = 1; i < c.argv.length; i++) {
        const m = c.dynamic[i] ? SECRET_VAR.exec(c.argv[i]) : null;
        if (m) {
          add({
            capability: 'env-dump',
            detail: `${name} prints $${m[1]}, a secret, into the agent's context`,
            command: text,
          });
          break;
        }
      }
      return;
    case 'env':
    case 'printenv':
    case 'set':
    case 'export':
    case 'declare':
      if (name === 'printenv' && args.some((a) => SECRET_NAME.test(a)))
        add({
          capability: 'env-dump',
          detail: `printenv prints ${args.find((a) => SECRET_NAME.test(a))}, a secret, into the agent's context`,
          command: text,
        });
      if (
        args.length === 0 ||
        (name === 'export' && args.join(' ') === '-p') ||
        (name === 'declare' && /^-[px]+$/.test(args.join(' ')))
      ) {
        // Filtered (`env | grep PATH`) it is an everyday look at one setting; filtered for secrets
        // (`env | grep -i token`, `env | grep AWS`) it prints exactly those, unless it only counts or tests.
        const filtered = firstLater(c, isFilter) !== undefined;
        const forSecrets = firstLater(c, isSecretFilter);
        if (!filtered || forSecrets)
          add({
            capability: 'env-dump',
            detail: forSecrets
              ? `${name} | ${forSecrets.argv.join(' ')} prints secret environment variables into the agent's context`
              : `${name} prints every environment variable (API keys included) into the agent's context`,
            command: text,
          });
      }
      return;
    case 'security':
    case 'secret-tool':
    case 'keyctl':
    case 'pass':
    case 'gopass':
    case 'op':
    case 'bw':
    case 'lpass':
    case 'vault':
    case 'gpg':
      if (name !== 'gpg' || args.some((a) => /^--?(?:export-secret(?:-sub)?(?:-keys?)?|decrypt|d)$/.test(a)))
        add({ capability: 'credential-access', detail: `${name} reads a password store or keychain`, command: text });
      return;
    case 'gh':
      // Gists and new public repositories publish files outside the company.
      if (
        (sub === 'gist' && /^(?:create|new|edit)$/.test(args[1] ?? '')) ||
        (sub === 'repo' && args[1] === 'create' && args.some((a) => /^--public$|^--visibility=public$/.test(a)))
      )
        add({
          capability: 'upload',
          detail: `gh ${sub} ${args[1]} publishes files on GitHub`,
          command: text,
          hosts: ['gist.github.com'],
        });
      if (
        sub === 'auth' &&
        (args.includes('token') || (args.includes('status') && args.some((a) => /^(?:-t|--show-token)$/.test(a))))
      )
        add({
          capability: 'credential-access',
          detail: `gh auth ${args.includes('token') ? 'token' : 'status --show-token'} prints the GitHub token`,
          command: text,
        });
      if (
        /^(?:release|workflow|repo|secret|api)$/.test(sub) &&
        args.some((a) => /^(?:create|delete|run|edit|set|archive|-X|--method)$/.test(a))
      )
        add({ capability: 'deploy', detail: `gh ${sub} changes the GitHub repository or its releases`, command: text });
      net(['github.com'], 'talks to');
      return;
    case 'warden':
      if (/^(?:uninstall|install|daemon)$/.test(sub) || (sub === 'audit' && args.includes('--reset')))
        add({ capability: 'agent-tamper', detail: `warden ${sub} changes the guard itself`, command: text });
      return;
    case 'pkill':
    case 'killall':
    case 'kill':
      if (args.some((a) => /warden|qwen|claude|gemini/.test(a)))
        add({ capability: 'agent-tamper', detail: `${name} stops the guard or the agent`, command: text });
      return;
    case 'sqlite3':
      if (args.some((a) => /\.warden|audit\.db/.test(a)))
        add({ capability: 'agent-tamper', detail: "opens Warden's audit database", command: text });
      return;
    case 'iptables':
    case 'ip6tables':
    case 'nft':
    case 'ufw':
    case 'setenforce':
    case 'aa-disable':
    case 'auditctl':
      add({ capability: 'privilege', detail: `${name} changes firewall or security settings`, command: text });
      return;
    case 'msfvenom':
    case 'msfconsole':
    case 'mimikatz':
    case 'hydra':
    case 'john':
    case 'hashcat':
    case 'responder':
    case 'crackmapexec':
    case 'sqlmap':
      add({ capability: 'exfiltration', detail: `${name} is an offensive-security tool`, command: text });
      return;
  }

  // Certificate checks switched off: whoever is on the path can answer in the host's name, so even
  // an allowed host is no longer known to be the one answering.
  if (
    (/^(?:curl|nscurl|curlie)$/.test(name) &&
      args.some((a) => /^-[a-zA-Z]*k[a-zA-Z]*$/.test(a) || a === '--insecure')) ||
    (name === 'wget' && args.includes('--no-check-certificate')) ||
    (/^(?:http|https|xh)$/.test(name) && args.some((a) => /^--verify=(?:no|false)$/.test(a)))
  ) {
    add({
      capability: 'network',
      detail: `${name} downloads with certificate checks off (anyone on the path can answer for the host)`,
      command: text,
    });
  }
  if (NET_TOOLS.has(name) && !(name === 'finger' && !args.some((a) => a.includes('@')))) {
    const hosts: string[] = [];
    const opts = NET_OPTIONS[name];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (dyn[i + 1]) {
        if (!a.startsWith('-')) hosts.push('');
        continue;
      }
      // An option's value is what the option says: a file, a header, a host:port, not a host by its looks.
      const valued = opts && optionTakesValue(a, opts);
      if (valued === 'address' && args[i + 1] !== undefined && !dyn[i + 2])
        hosts.push(hostOfAddress(args[i + 1]) ?? '');
      if (valued) {
        i++;
        continue;
      }
      const h = hostOf(a, name);
      if (h) hosts.push(h);
    }
    // rsync and scp between local paths (`rsync -a src/ build/`) do not touch the network.
    if ((name === 'rsync' || name === 'scp') && !hosts.length) return;
    if (name === 'nc' || name === 'ncat' || name === 'netcat' || name === 'telnet') {
      const pos = args.filter(
        (a, i) => !a.startsWith('-') && !(i > 0 && /^-[a-zA-Z]*[epcswiIOqxX]$/.test(args[i - 1])),
      );
      if (pos[0] && !hosts.length) hosts.push(pos[0]);
      if (args.some((a) => /^-[a-zA-Z]*[ec]$/.test(a) || /^--(?:exec|sh-exec|lua-exec)/.test(a)))
        add({
          capability: 'reverse-shell',
          detail: `${name} -e/-c hands a program to a network peer (reverse or bind shell)`,
          command: text,
          hosts,
        });
      if (args.some((a) => /^-[a-zA-Z]*l/.test(a)))
        add({
          capability: 'reverse-shell',
          detail: `${name} -l listens for incoming connections (bind shell or file drop)`,
          command: text,
        });
    }
    if (name === 'socat') {
      for (const a of args) {
        const m = /^(?:tcp|tcp4|tcp6|udp|openssl|ssl)(?:-connect)?:([^:,]+)/i.exec(a);
        if (m) hosts.push(m[1]);
      }
      if (args.some((a) => /^(?:exec|system):/i.test(a)))
        add({
          capability: 'reverse-shell',
          detail: 'socat connects a program to a network peer',
          command: text,
          hosts,
        });
      if (args.some((a) => /listen:/i.test(a)))
        add({ capability: 'reverse-shell', detail: 'socat listens for incoming connections', command: text });
    }
    if (name === 'openssl' && !/^(?:s_client|s_server)$/.test(sub)) {
      if (sub === 'enc' && args.includes('-d')) return; // decoding, judged in pipelines
      return;
    }
    if (name === 'ssh' && args.some((a) => /^-[a-zA-Z]*[RD]$/.test(a) || /^-[a-zA-Z]*[LRD]\S/.test(a)))
      add({ capability: 'reverse-shell', detail: 'ssh opens a tunnel (port forwarding)', command: text, hosts });
    if (name === 'dig' || name === 'nslookup' || name === 'host' || name === 'drill') {
      const q = args.filter((a) => !a.startsWith('-') && !a.startsWith('@'));
      if (
        q.some(
          (a) =>
            a.split('.').some((l) => l.length > 40 || /^[A-Za-z0-9+/=_-]{24,}$/.test(l)) ||
            (dyn[args.indexOf(a) + 1] && /^\$[^.]*(?:\.[\w-]+)+\.[a-z]{2,}$/i.test(a)),
        )
      )
        add({ capability: 'exfiltration', detail: 'encodes data in DNS names (DNS tunnelling)', command: text });
      return; // a plain lookup: no data of ours leaves
    }
    // Uploads: curl -d @file / -F x=@file / -T file / --data-binary @-; wget --post-file.
    const up = args.flatMap((a, i) => {
      const v =
        /^(?:-d|--data|--data-binary|--data-raw|--data-urlencode|-F|--form|-T|--upload-file|--post-file|--body-file)$/.test(
          a,
        )
          ? (args[i + 1] ?? '')
          : /^(?:--post-file|--body-file|--data-binary|--upload-file)=/.test(a)
            ? a.slice(a.indexOf('=') + 1)
            : '';
      const m = /^@(.+)$|^[^=]*=@([^;]+)|^(?!-)(.+)$/.exec(v);
      if (!v) return [];
      if (/^-(?:T|-upload-file)$/.test(a) || a.startsWith('--post-file') || a.startsWith('--body-file')) return [v];
      return (m?.[1] ?? m?.[2]) ? [m[1] ?? m[2]] : [];
    });
    if (up.length) {
      const secret = up.filter((f) => f !== '-' && isCredentialPath(pt.abs(f), home));
      add({
        capability: secret.length ? 'exfiltration' : 'upload',
        detail: secret.length ? `uploads ${secret.join(', ')} (credentials)` : `uploads ${up.join(', ')}`,
        command: text,
        hosts,
        paths: up,
      });
    }
    if (
      args.some((a) => /^(?:-H|--header)$/.test(a)) &&
      args.some((a) => /\$[A-Z_]*(?:KEY|TOKEN|SECRET|PASSWORD)/.test(a))
    )
      add({
        capability: 'exfiltration',
        detail: 'sends a secret from the environment in a request',
        command: text,
        hosts,
      });
    // Output files of downloaders, for download-then-run.
    if (DOWNLOADERS.has(name)) {
      const oi = args.findIndex((a) => /^(?:-o|--output|-O|--output-document)$/.test(a));
      if (oi >= 0 && args[oi + 1] && !(name === 'curl' && args[oi] === '-O')) downloaded.add(pt.abs(args[oi + 1]));
      const url = args.find((a) => /^[a-z]+:\/\//i.test(a));
      if (url && (name === 'wget' || args.some((a) => /^-[a-zA-Z]*O[a-zA-Z]*$|^--remote-name(?:-all)?$/.test(a)))) {
        const base = url.split(/[?#]/)[0].split('/').pop();
        if (base) downloaded.add(pt.abs(base));
      }
      for (const r of c.redirects) if (r.op === '>' || r.op === '>>') downloaded.add(pt.abs(r.target));
    }
    net(
      hosts,
      name === 'nc' || name === 'ncat' || name === 'netcat' || name === 'socat'
        ? 'opens a raw network connection to'
        : `${name} connects to`,
    );
    return;
  }

  // Running a file that was downloaded earlier in this command line (./x.sh after curl -o x.sh).
  if (c.text.startsWith('./') || c.text.startsWith('/')) {
    if (downloaded.has(pt.abs(c.text)))
      add({ capability: 'download-exec', detail: `runs ${c.text}, which this command line downloaded`, command: text });
  }
}

/** Package installs: names for the supply-chain checks, risky sources flagged here. */
function packages(
  c: SimpleCommand,
  ecosystem: string,
  args: string[],
  text: string,
  add: (a: Action) => void,
  run = false,
) {
  const specs: { ecosystem: string; name: string; spec: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (
      /^(?:--index-url|-i|--extra-index-url|--registry|--trusted-host|-f|--find-links|--source)$/.test(a) ||
      /^(?:--index-url|--extra-index-url|--registry|--trusted-host|--find-links)=/.test(a)
    ) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (args[++i] ?? '');
      add({
        capability: 'risky-package-source',
        detail: `installs from another package index (${v})`,
        command: text,
        hosts: [hostOf(v, 'curl') ?? v],
      });
      continue;
    }
    if (a.startsWith('-')) {
      if (
        /^(?:-r|--requirement|-c|--constraint|-e|--editable|--prefix|--target|-t|--root|--proxy|--cert|--client-cert|--cache-dir|--src|--log|--timeout|--retries|--python|--platform|--abi|--implementation|--python-version|--progress-bar|--upgrade-strategy|--report|--global-option|--config-settings|-C)$/.test(
          a,
        )
      )
        i++;
      continue;
    }
    if (
      /^(?:git\+|https?:|ftp:|file:|git:|ssh:|github:|gitlab:|bitbucket:)|\.(?:tgz|tar\.gz|whl|zip)$|^[\w.-]+\/[\w.-]+(?:#.*)?$/.test(
        a,
      ) &&
      !a.startsWith('@')
    ) {
      add({
        capability: 'risky-package-source',
        detail: `installs ${a} from a URL, git repository or archive instead of the registry`,
        command: text,
      });
      continue;
    }
    if (c.dynamic[c.argv.indexOf(a)]) {
      add({ capability: 'unknown', detail: 'installs a package whose name is only known at run time', command: text });
      continue;
    }
    const name =
      ecosystem === 'npm'
        ? a.replace(/^(@?[^@]+)@.*$/, '$1')
        : ecosystem === 'pypi'
          ? a.replace(/\s*(?:\[.*\])?\s*(?:[=<>!~;].*)?$/, '')
          : a.replace(/@.*$/, '');
    if (name) specs.push({ ecosystem, name, spec: a });
  }
  if (specs.length || !run)
    add({
      capability: 'package-install',
      detail: specs.length
        ? `${run ? 'runs' : 'installs'} ${specs.map((s) => s.spec).join(', ')} (${ecosystem})`
        : `installs the project's ${ecosystem} dependencies`,
      command: text,
      packages: specs,
    });
}

function git(
  c: SimpleCommand,
  args: string[],
  text: string,
  add: (a: Action) => void,
  net: (hosts: string[], detail: string) => void,
) {
  // Global options before the subcommand: -c key=value, -C dir.
  let i = 0;
  while (i < args.length && args[i].startsWith('-')) {
    if (args[i] === '-c' && /^core\.hooksPath=|^core\.fsmonitor=|^core\.sshCommand=|^alias\./.test(args[i + 1] ?? ''))
      add({
        capability: /hooksPath/.test(args[i + 1]) ? 'hook-bypass' : 'inline-exec',
        detail: `git -c ${args[i + 1]} changes what git runs`,
        command: text,
      });
    i += /^(?:-c|-C|--git-dir|--work-tree|--namespace)$/.test(args[i]) ? 2 : 1;
  }
  const sub = args[i] ?? '';
  const rest = args.slice(i + 1);
  if (
    (sub === 'commit' ||
      sub === 'push' ||
      sub === 'merge' ||
      sub === 'rebase' ||
      sub === 'am' ||
      sub === 'cherry-pick') &&
    rest.some(
      (a) => a === '--no-verify' || (sub === 'commit' && /^-[a-zA-Z]*n[a-zA-Z]*$/.test(a) && !a.startsWith('--')),
    )
  ) {
    add({ capability: 'hook-bypass', detail: `git ${sub} --no-verify skips the repository's hooks`, command: text });
  }
  if (sub === 'config' && rest.some((a) => /^core\.hooksPath$/.test(a)))
    add({ capability: 'hook-bypass', detail: 'git config core.hooksPath redirects the hooks', command: text });
  // Settings that make later git calls run a program: the same as `git -c` above, but lasting.
  const runs =
    sub === 'config'
      ? rest.findIndex(
          (a, k) =>
            /^core\.(?:fsmonitor|sshCommand)$/i.test(a) || (/^alias\./i.test(a) && (rest[k + 1] ?? '').startsWith('!')),
        )
      : -1;
  if (runs >= 0)
    add({
      capability: 'inline-exec',
      detail: `git config ${rest[runs]} makes later git commands run a shell command`,
      command: text,
    });
  // Settings that change where code comes from or drop the check of who serves it.
  const key = sub === 'config' ? (rest.find((a) => !a.startsWith('-')) ?? '') : '';
  const val = sub === 'config' ? (rest.filter((a) => !a.startsWith('-'))[1] ?? '') : '';
  if (/^url\..+\.(?:insteadOf|pushInsteadOf)$/i.test(key) && !rest.includes('--unset'))
    add({
      capability: 'risky-package-source',
      detail: `git config ${key} rewrites where git fetches from or pushes to`,
      command: text,
    });
  if (/^http\.(?:[^ ]+\.)?sslVerify$/i.test(key) && /^(?:false|0|no|off)$/i.test(val))
    add({
      capability: 'risky-package-source',
      detail: 'git config http.sslVerify false switches off TLS verification for every fetch',
      command: text,
    });
  if (sub === 'push') {
    const pos = rest.filter((a) => !a.startsWith('-'));
    const remote = pos[0];
    const refs = pos.slice(1).map((r) =>
      r
        .replace(/^\+/, '')
        .split(':')
        .pop()!
        .replace(/^refs\/heads\//, ''),
    );
    if (
      rest.some((a) => /^(?:-f|--force|--force-with-lease.*|--mirror|--delete|-d)$/.test(a)) ||
      pos.slice(1).some((r) => r.startsWith('+') || r.startsWith(':'))
    )
      add({ capability: 'deploy', detail: 'git push rewrites or deletes remote history', command: text });
    else if (refs.some((r) => PROTECTED_BRANCH.test(r)))
      add({
        capability: 'deploy',
        detail: `git push to ${refs.find((r) => PROTECTED_BRANCH.test(r))}, a protected branch`,
        command: text,
      });
    // Pushing to a URL sends the code somewhere new, allowed host or not (any GitHub account will take it).
    if (remote && /[:/]/.test(remote)) {
      const host = hostOf(remote, 'git') ?? remote;
      add({
        capability: 'upload',
        detail: `git push sends the repository to ${remote.replace(/\/\/[^@/]*@/, '//')}, a remote given by URL`,
        command: text,
        hosts: [host],
      });
    }
  }
  if (sub === 'remote' && (rest[0] === 'add' || rest[0] === 'set-url')) {
    const url = rest.filter((a) => !a.startsWith('-'))[2];
    if (url)
      add({
        capability: 'upload',
        detail: `git remote ${rest[0]} points the repository at ${url.replace(/\/\/[^@/]*@/, '//')}: pushes go there`,
        command: text,
        hosts: [hostOf(url, 'git') ?? url],
      });
  }
  if (
    (sub === 'clone' || sub === 'fetch' || sub === 'pull' || sub === 'ls-remote' || sub === 'submodule') &&
    rest.some((a) => /[:/]/.test(a) && hostOf(a, 'git'))
  ) {
    net(rest.map((a) => hostOf(a, 'git') ?? '').filter(Boolean), `git ${sub} from`);
  }
  if (
    (sub === 'reset' && rest.includes('--hard')) ||
    (sub === 'clean' && rest.some((a) => /^-[a-zA-Z]*f/.test(a))) ||
    (sub === 'checkout' && rest.includes('--') && rest.includes('.')) ||
    (sub === 'branch' && rest.some((a) => a === '-D')) ||
    (sub === 'stash' && (rest[0] === 'clear' || rest[0] === 'drop'))
  ) {
    add({ capability: 'destructive', detail: `git ${sub} ${rest.join(' ')} throws away work`, command: text });
  }
  if (
    sub === 'credential' ||
    (sub === 'config' && rest.some((a) => /credential|password|token/.test(a)) && !rest.includes('--unset'))
  )
    add({ capability: 'credential-access', detail: 'reads git credentials', command: text });
}

export { ShellParseError };
