/**
 * Processes a setup.py starts on the installing machine, judged by what they run. A command written
 * in the file (a string, or a list of literals) goes through the shell analyzer, as npm install
 * scripts do: `make`, `gcc -v` or `pkg-config --cflags x` are a build, `gcc -v; python -c "…"` is
 * not (naming a compiler somewhere on the line used to pass anything). A program held in a variable
 * is unknown: reported for review, unless it is a build-configuration helper (pg_config,
 * curl-config, mysql_config: the `*-config` programs C extensions ask for their flags).
 */
import type { Severity } from '../../engine/types.ts';
import type { Capability } from '../../engine/types.ts';
import { analyzeShell } from '../shell/index.ts';

/** A process started: where the call stands in the text and what to report. */
export interface SetupProcess {
  at: number;
  severity: Severity;
  detail: string;
}

const CALL = /\b(?:os\.system|os\.popen|subprocess\.\w+|os\.exec\w*|os\.spawn\w*)\s*\(/g;
/** How far a call's arguments are read (a call spread over lines). */
const MAX_CALL = 2_000;

/** Each process call in the text with what it runs (undefined: nothing to report). */
export function setupProcesses(text: string, risk: Partial<Record<Capability, Severity>>): SetupProcess[] {
  const out: SetupProcess[] = [];
  let inside = -1; // (a call written inside another's arguments, as its command's text, is that command)
  for (const m of text.matchAll(CALL)) {
    if (m.index < inside) continue;
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    if (/^\s*#/.test(text.slice(lineStart, m.index))) continue;
    const args = callArguments(text, m.index + m[0].length);
    inside = m.index + m[0].length + args.length;
    const verdict = judgeCall(args, risk);
    if (verdict) out.push({ at: m.index, ...verdict });
  }
  return out;
}

/** The text between the call's parentheses (strings skipped while counting them), bounded. */
function callArguments(text: string, from: number): string {
  let depth = 1,
    quote = '';
  const end = Math.min(text.length, from + MAX_CALL);
  for (let i = from; i < end; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return text.slice(from, i);
    }
  }
  return text.slice(from, end);
}

/** A Python string literal at the start of the text (no interpolation): its value and its length. */
function literalAt(s: string): [string, number] | undefined {
  const m = /^\s*([rRbBuU]?)("""|'''|"|')/.exec(s);
  if (!m) return undefined;
  const q = m[2],
    start = m[0].length;
  const close = s.indexOf(q, start);
  if (close < 0) return undefined;
  const body = s.slice(start, close);
  const value = m[1].toLowerCase() === 'r' ? body : body.replace(/\\(["'\\])/g, '$1').replace(/\\n/g, '\n');
  return [value, close + q.length];
}

/** The command of the call's first argument as shell text, or undefined when it is not written out. */
function commandOf(args: string): { command?: string; program?: string } {
  const lit = literalAt(args);
  if (lit) return { command: lit[0] };
  const seq = /^\s*[[(]/.exec(args);
  if (!seq) return { program: /^\s*([\w.]+(?:\(\))?)/.exec(args)?.[1] };
  // A list or tuple: literal words are the argv; `sys.executable` first is Python.
  let rest = args.slice(seq[0].length);
  const words: string[] = [];
  for (;;) {
    rest = rest.replace(/^\s*/, '');
    if (/^[\])]/.test(rest) || !rest) break;
    const w = literalAt(rest);
    if (w) {
      words.push(w[0]);
      rest = rest.slice(w[1]);
    } else {
      const name = /^([\w.]+(?:\(\))?)/.exec(rest);
      if (!name) return words.length ? { command: words.map(quoted).join(' ') } : {};
      if (!words.length && name[1] !== 'sys.executable') return { program: name[1] };
      words.push(name[1] === 'sys.executable' ? 'python3' : 'ARG');
      rest = rest.slice(name[1].length);
    }
    rest = rest.replace(/^\s*,?/, '');
  }
  return words.length ? { command: words.map(quoted).join(' ') } : {};
}

const quoted = (w: string) => (/^[\w./=:@%+,-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** pg_config, self.curl_config(), mysql_config_path, PKG_CONFIG: a build-configuration helper. */
const CONFIG_HELPER = /(?:^|[._])(?:[\w-]+[_-])?config(?:_exe|_path|_bin|_cmd)?(?:\(\))?$/i;

function judgeCall(args: string, risk: Partial<Record<Capability, Severity>>): Omit<SetupProcess, 'at'> | undefined {
  const { command, program } = commandOf(args);
  if (command === undefined) {
    if (program && CONFIG_HELPER.test(program)) return undefined;
    return { severity: 'medium', detail: 'a program held in a variable: check what it runs' };
  }
  let shell: ReturnType<typeof analyzeShell>;
  try {
    shell = analyzeShell(command, { cwd: '/package', workspace: '/package', home: '/home/user' });
  } catch {
    return { severity: 'medium', detail: `a command Warden cannot parse: ${command.slice(0, 120)}` };
  }
  let worst: Omit<SetupProcess, 'at'> | undefined;
  const rank = (s: Severity) => ['info', 'low', 'medium', 'high', 'critical'].indexOf(s);
  const raise = (severity: Severity, detail: string) => {
    if (!worst || rank(severity) > rank(worst.severity)) worst = { severity, detail };
  };
  for (const a of shell.actions) {
    const sev = risk[a.capability];
    if (sev)
      raise(
        a.capability === 'unknown' || a.capability === 'inline-exec' ? 'medium' : sev,
        `${a.capability}: ${a.detail}`,
      );
  }
  // Beyond the risky actions: every program that is not part of a build is worth a look.
  for (const c of shell.commands) {
    if (c.inline) raise('medium', `${c.argv[0]} running inline ${c.inline.language} code`);
    else if (!isBuildTool(c.argv[0] ?? '')) raise('medium', `${c.text.slice(0, 80)}: check what it does`);
  }
  return worst;
}

/** Programs a C extension's build runs: compilers, make and its kin, configuration helpers, git. */
const BUILD_TOOLS = new Set(
  (
    'gcc cc c++ g++ clang clang++ cl cl.exe link link.exe make gmake nmake cmake ninja meson pkg-config pkgconf ' +
    'git cython swig ar ranlib strip ld xcrun uname which echo true test [ configure autoreconf autoconf ' +
    'automake libtool rustc cargo go javac nvcc lipo install_name_tool otool'
  ).split(' '),
);
const isBuildTool = (name: string) => BUILD_TOOLS.has(name) || CONFIG_HELPER.test(name);
