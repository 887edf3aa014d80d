/**
 * Inline programs (`python3 -c`, `node -e`, heredocs fed to an interpreter, an agent's code tool):
 * the capabilities the code analyzers do not name (running programs, the network, credentials,
 * the environment, root), the shell commands they hand to system()/exec(), and the files they name.
 */
import { homedir } from 'node:os';
import type { Action } from '../engine/types.ts';
import { hostOf } from './network.ts';
import { isAgentControlPath, isCredentialPath, isPersistencePath, isPrivilegedPath } from './paths.ts';
import { analyzeShell, type ShellContext } from './shell/index.ts';

/** The scanner's language for an inline program's interpreter (others are not scanned as code). */
const SCANNED_AS: Record<string, string> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  ruby: 'ruby',
  php: 'php',
  perl: 'bash',
  lua: 'bash',
  awk: 'bash',
  powershell: 'bash',
};
export function scannerLanguage(inlineLanguage: string): string | undefined {
  return SCANNED_AS[inlineLanguage];
}

const SHELL_CALL =
  /\b(?:system|popen|execSync|exec|spawnSync|check_output|check_call|getoutput|shell_exec|passthru|proc_open|Popen|run|call|callCommand|IO\.popen|Kernel\.system)\s*\(\s*\[?\s*(["'`])((?:(?!\1)[^\\]|\\.){2,2000})\1/g;
/** Ruby's and Rake's calls without parentheses: `sh "…"`, `system %q{…}`. */
const SHELL_WORD_CALL =
  /(?:^|[\s;{])(?:sh|system)\s+(?:(["'])((?:(?!\1)[^\\\n]|\\.){2,2000})\1|%[qQx]?\{([^}\n]{2,2000})\})/gm;

/** Inline code's own capabilities, then those of the shell commands it hands to system()/exec(). */
export function inlineCodeActions(code: string, command: string, where: ShellContext): Action[] {
  return [...inlineActions(code, command), ...shellCallActions(code, command, where)];
}

/** Shell commands that inline code hands to system()/exec()/popen(): judged as shell commands too. */
export function shellCallActions(code: string, command: string, where: ShellContext): Action[] {
  const out: Action[] = [];
  for (const line of shellCalls(code)) {
    try {
      const inner = analyzeShell(line, where);
      out.push(...inner.actions.map((a) => ({ ...a, command: `${command}: ${a.command}` })));
    } catch {
      /* not shell after all */
    }
  }
  return out;
}

const STRING = /["'`]((?:[^"'`\\]|\\.){0,2000})["'`]/g;
const SHELL_LIST =
  /\b(?:system|execSync|exec|spawnSync|spawn|execFileSync|execFile|check_output|check_call|Popen|run|call|callCommand)\s*\(\s*(?:["'`]([\w./-]+)["'`]\s*,\s*)?\[((?:\s*["'`](?:[^"'`\\]|\\.){0,2000}["'`]\s*,?)+)\s*\]/g;

/**
 * The shell lines inline code or a program file hands to system()/exec(): a string is one line;
 * an argument list (`['sh', '-c', X]`, `['git', 'push', url]`) is the command it spells.
 */
export function shellCalls(code: string): string[] {
  const out: string[] = [];
  const lists = [...code.matchAll(SHELL_LIST)];
  const at = new Set(lists.map((m) => m.index));
  for (const m of code.matchAll(SHELL_CALL)) if (!at.has(m.index)) out.push(unescape(m[2]));
  for (const m of code.matchAll(SHELL_WORD_CALL)) out.push(m[3] ?? unescape(m[2]));
  // A string written backwards and turned round when it runs ("hs | …".reverse, '…'[::-1], strrev):
  // the text it turns into is judged as the command line it reads as.
  for (const m of code.matchAll(REVERSED)) {
    const s = unescape(m[2] ?? m[4] ?? m[6] ?? '');
    if (/\s/.test(s)) out.push([...s].reverse().join(''));
  }
  for (const m of lists) {
    const words = [...(m[1] ? [m[1]] : []), ...[...m[2].matchAll(STRING)].map((w) => unescape(w[1]))];
    const c = words.findIndex((w) => /^-[a-zA-Z]*c$/.test(w));
    if (c > 0 && /(?:^|\/)(?:ba|da|z|k)?sh$/.test(words[0]) && words[c + 1] !== undefined) out.push(words[c + 1]);
    else out.push(words.map(quote).join(' '));
  }
  return out;
}
const REVERSED = new RegExp(
  [
    String.raw`(["'])((?:(?!\1)[^\\\n]|\\.){2,2000})\1\s*(?:\.reverse\b|\[\s*::\s*-1\s*\]|\.split\(\s*(?:''|"")\s*\)\s*\.reverse\(\))`,
    String.raw`\b(?:strrev|reverse)\s*\(?\s*(["'])((?:(?!\3)[^\\\n]|\\.){2,2000})\3`,
    String.raw`(["'])((?:(?!\5)[^\\\n]|\\.){2,2000})\5\s*\|\s*rev\b`,
  ].join('|'),
  'g',
);
const unescape = (s: string) => s.replace(/\\(["'`\\])/g, '$1');
/** One word for the shell, quoted so it stays one word. */
export const quote = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/**
 * Files an inline program names (absolute, home and relative paths, dotfiles), read or written by
 * it: `open('.claude/settings.json', 'w')` is a write to the agent's settings. A program that
 * writes anywhere counts as writing every file it names.
 */
export function inlinePaths(code: string): { paths: string[]; mode: 'read' | 'write' } {
  const paths = [...code.matchAll(/["'`]((?:~|\/|\.{1,2}\/|[\w.-]+\/)[^"'`\s]{2,}|\.\w[\w.-]*)["'`]/g)].map(
    (m) => m[1],
  );
  // (and the paths it builds from pieces: Path.home()/'.aws'/'credentials')
  // (only those the path tables name: a built ~/.cache is no more telling than a written one)
  paths.push(...builtPaths(code).filter((p) => !paths.includes(p) && sensitiveBuilt(p)));
  // (Perl's open(F, ">>file") and open(F, ">file") write too)
  return { paths, mode: /write|append|open\([^)]*["'`](?:[wa]|\+?>)/.test(code) ? 'write' : 'read' };
}

/** Capabilities of inline programs (python -c, node -e …) that the code analyzers do not name. */
export function inlineActions(code: string, command: string): Action[] {
  const out: Action[] = [];
  if (
    /\b(?:(?:public_)?send\(\s*:(?:system|exec|spawn|`)|method\(\s*:(?:system|exec|spawn)|os\.(?:system|popen|exec\w*|spawn\w*|fork)|subprocess|pty\.spawn|commands\.getoutput|child_process|execSync|spawnSync|exec(?:File)?\s*\(|Process\.(?:spawn|exec)|IO\.popen|Kernel\.(?:system|exec|spawn)|\bsystem\s*\(|\bexec\s*[("'/]|`[^`]+`|%x\(|proc_open|shell_exec|passthru|popen\s*\()/.test(
      code,
    )
  ) {
    out.push({ capability: 'inline-exec', detail: 'inline code runs other programs', command });
  }
  if (/["'`](?:\/bin\/|\/usr\/bin\/)?(?:ba|da|z|k)?sh["'`\s]/.test(code) && out.length)
    out.push({ capability: 'interactive-shell', detail: 'inline code starts a shell', command });
  const hosts = [...code.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s"'`)]+|["'`](\d{1,3}(?:\.\d{1,3}){3})["'`]/gi)]
    .map((m) => m[1] ?? hostOf(m[0], 'curl') ?? '')
    .filter(Boolean);
  if (
    /\b(?:socket|urllib|requests\.|http\.client|httpx|fetch\s*\(|net\.(?:connect|createConnection)|https?\.(?:get|request)|Net::HTTP|TCPSocket|fsockopen|curl_init|LWP::|IO::Socket|WebSocket)\b/.test(
      code,
    ) ||
    hosts.length
  ) {
    out.push({
      capability: 'network',
      detail: hosts.length
        ? 'inline code connects to' + ` ${[...new Set(hosts)].join(', ')}`
        : 'inline code opens network connections',
      command,
      hosts: hosts.length ? [...new Set(hosts)] : ['?'],
    });
  }
  // (the user's own home folder, not the judged context's: the golden record was taken this way)
  for (const m of code.matchAll(/["'`]((?:~|\/)[^"'`\s]{2,})["'`]/g)) {
    const p = m[1].startsWith('~') ? homedir() + m[1].slice(1) : m[1];
    if (isCredentialPath(p, homedir()))
      out.push({
        capability: 'credential-access',
        detail: `inline code touches ${m[1]}, a credential file`,
        command,
        paths: [p],
      });
    else if (isPersistencePath(p, homedir()))
      out.push({ capability: 'persistence', detail: `inline code touches ${m[1]}`, command, paths: [p] });
  }
  if (/\b(?:os\.environ|process\.env|ENV\b|getenv)\b/.test(code) && out.some((a) => a.capability === 'network'))
    out.push({
      capability: 'exfiltration',
      detail: 'inline code reads the environment and talks to the network',
      command,
    });
  if (/\b(?:setuid|setgid|seteuid)\s*\(\s*0\s*\)|Process::Sys\.setuid/.test(code))
    out.push({ capability: 'privilege', detail: 'inline code changes to root', command });
  // The whole environment printed (`print(os.environ)`, `node -p process.env`): every API key goes
  // into the agent's context, and from there to the model vendor.
  if (
    (WHOLE_ENV.test(code) && (PRINTS.test(code) || /\b(?:node|nodejs|bun)\b[^|;&]*\s(?:-p|--print)\b/.test(command))) ||
    /\bpp?\s+ENV\b(?!\s*[[.])/.test(code)
  )
    out.push({ capability: 'env-dump', detail: 'inline code prints the whole environment', command });
  return out;
}
const WHOLE_ENV =
  /\bos\.environ\b(?!\s*(?:\.get\b|\[|\.setdefault\b|\.pop\b|\.copy\b|\.update\b))|\bprocess\.env\b(?!\s*(?:\.|\[|\?\.))|\bENV\.(?:to_h|inspect|each|map|keys|to_a)\b|%ENV\b|\bos\.Environ\(\)|System\.getenv\(\)/;
const PRINTS =
  /\b(?:print|pprint|console\.(?:log|dir|info)|puts|say|printf|echo|var_dump|print_r|json\.dumps|JSON\.stringify|sys\.stdout\.write|process\.stdout\.write)\b/;

/** A string literal once folded: single-quoted, no quotes or backslashes inside. */
// (an opening quote follows an operator, a bracket or a space: a closing quote and the next
// opening one are not read as one literal)
const LIT = String.raw`(?<![^\s(\[,=+/{:;*!|&?<>])'[^'\\\n]*'`;
/** Expressions that mean the home folder, in Python, Node, Ruby, Perl, PHP and shell. */
const HOME_EXPR = new RegExp(
  [
    String.raw`(?:pathlib\.)?Path\.home\(\)`,
    String.raw`(?:os\.path\.)?expanduser\(\s*'~'\s*\)`,
    String.raw`Path\(\s*'~'\s*\)\.expanduser\(\)`,
    String.raw`os\.environ\s*\[\s*'HOME'\s*\]`,
    String.raw`os\.environ\.get\(\s*'HOME'[^)]*\)`,
    String.raw`(?:os\.)?getenv\(\s*'HOME'\s*\)`,
    String.raw`process\.env\.HOME\b`,
    String.raw`process\.env\[\s*'HOME'\s*\]`,
    String.raw`(?:require\(\s*'(?:node:)?os'\s*\)\.|os\.)?homedir\(\)`,
    String.raw`Dir\.home\b`,
    String.raw`ENV\s*\[\s*'HOME'\s*\]`,
    String.raw`\$ENV\{\s*'?HOME'?\s*\}`,
    String.raw`\$_SERVER\s*\[\s*'HOME'\s*\]`,
    String.raw`ENVIRON\s*\[\s*'HOME'\s*\]`,
  ].join('|'),
  'g',
);
/** Calls that join their literal arguments into a path. */
const JOIN_CALL = new RegExp(
  String.raw`(?:\b\w+\.(?:join|resolve|joinpath)|File\.expand_path|(?<![\w.])(?:join|Path|PurePath|catfile))\(\s*(${LIT}(?:\s*,\s*${LIT})*)\s*,?\s*\)`,
  'g',
);
/** How many folding rounds run (each joins one more level of nesting). */
const FOLD_ROUNDS = 8;
/** Code longer than this is folded only in its first part (bounded work per call). */
const MAX_FOLD_CHARS = 64 * 1024;

const lits = (list: string) => [...list.matchAll(new RegExp(LIT, 'g'))].map((m) => m[0].slice(1, -1));
/** A folded piece as one literal again (quotes, backslashes and line breaks dropped). */
const literal = (s: string) => `'${s.replace(/['\\\n]/g, '')}'`;
const joined = (parts: string[]) => literal(parts.join('/').replace(/\/{2,}/g, '/'));

/**
 * Paths that interpreter code builds from pieces (`Path.home()/'.aws'/'credentials'`,
 * os.path.join(expanduser('~'), '.ss'+'h', …), [h, '.config'].join('/'), chr(46), base64): a light
 * constant folding of string pieces, home-folder expressions and simple variables, then the
 * literals that are home or absolute paths. Not a list of names: any path built this way is
 * judged by the path tables like one written out.
 */
export function builtPaths(code: string): string[] {
  let s = code.slice(0, MAX_FOLD_CHARS);
  // One quoting style for literals; Perl's "$ENV{HOME}/…" interpolation read as the home folder
  // (after open()'s mode, ">>$ENV{HOME}/…", which names the same file).
  s = s.replace(/"(?:\+?[<>]{1,2}\s*)?\$ENV\{'?HOME'?\}/g, '"~').replace(/"([^"'\\\n$]*)"/g, "'$1'");
  s = s.replace(/`([^`'\\\n$]*)`/g, "'$1'");
  for (let round = 0; round < FOLD_ROUNDS; round++) {
    const before = s;
    s = s
      .replace(HOME_EXPR, "'~'")
      .replace(/\bchr\(\s*(\d{1,3})\s*\)|String\.fromCharCode\(\s*(\d{1,3})\s*\)/g, (_, a, b) =>
        literal(String.fromCharCode(Number(a ?? b))),
      )
      .replace(
        new RegExp(
          String.raw`(?:base64\.b64decode|atob|Base64\.decode64|base64_decode|decode_base64)\(\s*(${LIT})\s*\)(?:\.decode\([^)]*\))?|Buffer\.from\(\s*(${LIT})\s*,\s*'base64'\s*\)(?:\.toString\([^)]*\))?`,
          'g',
        ),
        (_, a, b) => literal(Buffer.from((a ?? b).slice(1, -1), 'base64').toString('latin1')),
      )
      .replace(new RegExp(String.raw`(${LIT})\s*(?:\+|\.(?=\s*'))\s*(${LIT})`, 'g'), (_, a, b) =>
        literal(a.slice(1, -1) + b.slice(1, -1)),
      )
      // (literals side by side are one string in awk, Python and Ruby: ENVIRON["HOME"] "/.bashrc")
      .replace(new RegExp(String.raw`(${LIT})\s*('[^'\\\n]*')`, 'g'), (_, a, b) =>
        literal(a.slice(1, -1) + b.slice(1, -1)),
      )
      .replace(new RegExp(String.raw`(${LIT})\s*/\s*(${LIT})`, 'g'), (_, a, b) => joined([...lits(a), ...lits(b)]))
      .replace(
        new RegExp(String.raw`(${LIT})\.(?:joinpath|join)\(\s*(${LIT}(?:\s*,\s*${LIT})*)\s*\)`, 'g'),
        (_, a, b) => (/\.join\(/.test(_) && !/joinpath/.test(_) ? _ : joined([a.slice(1, -1), ...lits(b)])),
      )
      .replace(new RegExp(String.raw`\*\s*\[\s*(${LIT}(?:\s*,\s*${LIT})*)\s*\]`, 'g'), '$1')
      .replace(new RegExp(String.raw`\[\s*(${LIT}(?:\s*,\s*${LIT})*)\s*\]\.join\(\s*'/'\s*\)`, 'g'), (_, l) =>
        joined(lits(l)),
      )
      .replace(JOIN_CALL, (_, l) => joined(lits(l)))
      .replace(new RegExp(String.raw`(${LIT})\.expanduser\(\)`, 'g'), '$1');
    s = substituteVariables(s);
    if (s === before) break;
  }
  const out = new Set<string>();
  for (const m of s.matchAll(/'((?:~|\/)[^'\s]*)'/g)) if (m[1].length > 2) out.add(m[1].replace(/^~(?=[^/])/, '~/'));
  return [...out];
}

/** `name = 'literal'` or `name = ['a', 'b']` bindings substituted where the name is used. */
function substituteVariables(s: string): string {
  const binding = new RegExp(
    String.raw`(?:^|[;\n{(,]|\b(?:const|let|var|my|local))\s*\$?(\w+)\s*=\s*(${LIT}|\[\s*${LIT}(?:\s*,\s*${LIT})*\s*\])\s*(?=[;\n,)]|$)`,
    'g',
  );
  for (const [, name, value] of [...s.matchAll(binding)].slice(0, 32)) {
    if (/^(?:HOME|self|this)$/.test(name)) continue;
    s = s.replace(new RegExp(String.raw`(?<![\w.'$])\$?${name}\b(?!\s*=[^=])`, 'g'), value);
  }
  return s;
}

/** A built path the path tables name (home-relative `~/…` as built, or absolute). */
function sensitiveBuilt(p: string): boolean {
  const home = '~';
  return isCredentialPath(p, home) || isPersistencePath(p, home) || isAgentControlPath(p, home) || isPrivilegedPath(p);
}
