/**
 * Shell commands, parsed with mvdan-sh (a faithful bash parser) and normalised into the simple
 * commands that would really run, so that obfuscation does not hide them:
 *
 *  - quotes and escapes are removed (`c\url`, `'c'url`, `$'\x63url'`);
 *  - simple assignments are tracked (`a=cu; b=rl; $a$b`), also `${!ref}` indirection;
 *  - command substitutions of literals are evaluated: `$(printf ...)`, `$(echo ... | base64 -d)`,
 *    `rev`, `tr`, `xxd -r -p`; anything else in them is analysed as commands of its own;
 *  - wrappers are unwrapped (`sudo`, `env`, `nohup`, `timeout`, `nice`, `xargs`, `busybox`,
 *    `find -exec`, ...) and shell strings re-parsed (`bash -c`, `sh -c`, `eval`, `awk system()`);
 *  - absolute binary paths are reduced to their names.
 *
 * A word that cannot be known statically is kept with `dynamic` set, never guessed.
 */
import { loadMvdan } from './mvdan.ts';

let syntaxMod: Syntax | undefined;
/** Variables a login shell already exports, so a bare assignment changes what later commands inherit. */
const INHERITED =
  /^(?:PATH|HOME|LD_PRELOAD|LD_LIBRARY_PATH|(?:https?|all|no)_proxy|(?:HTTPS?|ALL|NO)_PROXY|NODE_OPTIONS|PYTHONPATH|BASH_ENV|ENV|WARDEN_\w+)$/;

/** The mvdan-sh syntax package, loaded on first use (plain commands never need it). */
const sx = (): Syntax => (syntaxMod ??= (loadMvdan() as { syntax: Syntax }).syntax);
interface Syntax {
  NewParser(...opts: unknown[]): { Parse(src: string, name: string): Node };
  NodeType(n: Node): string;
  LangBash: unknown;
  Variant(v: unknown): unknown;
}
// mvdan-sh nodes are GopherJS objects: fields are read by name, no useful typing.
type Node = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A redirection of a simple command, with its target resolved. */
export interface Redirect {
  op: string;
  fd?: string;
  target: string;
  dynamic: boolean;
  heredoc?: string;
  fedBy?: SimpleCommand[];
}

export interface SimpleCommand {
  /** Normalised argv: argv[0] is the command name without its path. */
  argv: string[];
  /** Per argument: could its value not be known statically? */
  dynamic: boolean[];
  /** The command as written (argv[0] with its path), for messages. */
  text: string;
  redirects: Redirect[];
  /** Position in its pipeline and the pipeline's other commands (for `curl … | sh`). */
  pipeline: SimpleCommand[];
  /** Wrappers and interpreters this command was found inside: ['sudo'], ['bash -c'], ... */
  via: string[];
  /** Inline program text given to an interpreter (`python -c`, heredoc to `python -`), with its language. */
  inline?: { language: string; code: string };
  /** Environment assignments in front of it (`HUSKY=0 git commit`). */
  env: Record<string, string>;
  /** The wrapper this command was unwrapped from (sudo for `sudo vim`), if any. */
  parent?: SimpleCommand;
  /**
   * Per argument (index as argv): the commands whose output makes up its value, through $(…),
   * <(…) or a variable assigned from them (`x=$(curl …); bash -c "$x"`).
   */
  fedBy?: (SimpleCommand[] | undefined)[];
}

/**
 * The command a stage started as: a wrapper and the commands it runs (`sudo env curl`) are one
 * stage of their pipeline and share it. Memoised, so long wrapper chains cost one walk each.
 */
const families = new WeakMap<SimpleCommand, SimpleCommand>();
function familyOf(c: SimpleCommand): SimpleCommand {
  const path: SimpleCommand[] = [];
  let r = c;
  for (let known = families.get(r); !known && r.parent; known = families.get(r)) {
    path.push(r);
    r = r.parent;
  }
  const root = families.get(r) ?? r;
  for (const x of path) families.set(x, root);
  families.set(r, root);
  return root;
}

/**
 * What the analysis asks of a pipeline, computed once per pipeline (not once per stage, which made
 * a pipeline of n stages cost n² and 20,000 `cat |` stages take minutes): each command's position,
 * where each stage starts, the stages that satisfy a predicate, and the known output before a stage.
 * Pipelines only grow while parsing; the index is rebuilt if one grew since.
 */
interface LineIndex {
  length: number;
  pos: Map<SimpleCommand, number>;
  familyStart: Map<SimpleCommand, number>;
  families: number;
  matching: Map<(c: SimpleCommand) => boolean, number[]>;
  outputs: (string | undefined)[];
}
const lineIndexes = new WeakMap<SimpleCommand[], LineIndex>();
function lineIndex(line: SimpleCommand[]): LineIndex {
  const old = lineIndexes.get(line);
  if (old && old.length === line.length) return old;
  const ix: LineIndex = {
    length: line.length,
    pos: new Map(),
    familyStart: new Map(),
    families: 0,
    matching: new Map(),
    outputs: [],
  };
  line.forEach((c, i) => {
    if (!ix.pos.has(c)) ix.pos.set(c, i);
    const f = familyOf(c);
    if (!ix.familyStart.has(f)) {
      ix.familyStart.set(f, i);
      ix.families++;
    }
  });
  lineIndexes.set(line, ix);
  return ix;
}

/** The position of a command in its pipeline (-1 for one run from inside a stage, like find -exec). */
export function stageIndex(c: SimpleCommand): number {
  return lineIndex(c.pipeline).pos.get(c) ?? -1;
}

/** Whether x is another stage of c's pipeline (not c, its wrappers or what it wraps). */
function isPeer(c: SimpleCommand, x: SimpleCommand, ix: LineIndex): boolean {
  // A command run from inside a stage (find -exec) is not a stage itself: every stage is its peer.
  if (!ix.pos.has(c)) return x !== c;
  return familyOf(x) !== familyOf(c);
}

/** The other stages of a command's pipeline (its own wrappers and wrapped commands are the same stage). */
export function pipelinePeers(c: SimpleCommand): SimpleCommand[] {
  const ix = lineIndex(c.pipeline);
  return c.pipeline.filter((x) => isPeer(c, x, ix));
}

/** Whether the command's pipeline has other stages. */
export function hasPeers(c: SimpleCommand): boolean {
  const ix = lineIndex(c.pipeline);
  if (!ix.pos.has(c)) return c.pipeline.length > 0;
  return ix.families > 1;
}

/** Whether an earlier stage of its pipeline feeds the command (`x | sh`). */
export function fedByPipe(c: SimpleCommand): boolean {
  const ix = lineIndex(c.pipeline);
  return ix.pos.has(c) && ix.familyStart.get(familyOf(c))! > 0;
}

/** Positions of the pipeline's commands that satisfy a predicate (a module-level function, so it is cached). */
function matching(line: SimpleCommand[], pred: (x: SimpleCommand) => boolean): number[] {
  const ix = lineIndex(line);
  let m = ix.matching.get(pred);
  if (!m) {
    m = [];
    for (let i = 0; i < line.length; i++) if (pred(line[i])) m.push(i);
    ix.matching.set(pred, m);
  }
  return m;
}

/** Whether another stage of the pipeline satisfies the predicate (stops at the first one). */
export function somePeer(c: SimpleCommand, pred: (x: SimpleCommand) => boolean): boolean {
  const ix = lineIndex(c.pipeline);
  // Commands of c's own stage are contiguous, so this looks at a few before finding a peer.
  for (const i of matching(c.pipeline, pred)) if (isPeer(c, c.pipeline[i], ix)) return true;
  return false;
}

/** The index in m (ascending positions) of the first position after `at`. */
function firstAfter(m: number[], at: number): number {
  let lo = 0,
    hi = m.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m[mid] <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first command after c in its pipeline that satisfies the predicate. */
export function firstLater(c: SimpleCommand, pred: (x: SimpleCommand) => boolean): SimpleCommand | undefined {
  const m = matching(c.pipeline, pred);
  const k = firstAfter(m, stageIndex(c));
  return k < m.length ? c.pipeline[m[k]] : undefined;
}

export interface ParsedShell {
  commands: SimpleCommand[];
  /** Things we could not follow; the engine treats the command as not understood. */
  problems: string[];
}

const MAX_DEPTH = 6;
const OPS: Record<number, string> = {
  54: '>',
  55: '>>',
  56: '<',
  57: '<>',
  58: '<&',
  59: '>&',
  60: '>|',
  61: '<<',
  62: '<<-',
  63: '<<<',
  64: '&>',
  65: '&>>',
};
const PIPE = 12,
  PIPE_ALL = 13;

let parser: { Parse(src: string, name: string): Node } | undefined;

/**
 * A node's type name, as syntax.NodeType gives it ("CallExpr"), read from the wrapper's Go type
 * string ("mvdan.cc/sh/v3/syntax.*CallExpr"): NodeType formats it with fmt.Sprintf("%T") on
 * every call, which was a large part of judging a compound command.
 */
function nodeType(n: Node): string {
  const t = n?.$type;
  if (typeof t !== 'string') return sx().NodeType(n);
  return t.slice(Math.max(t.lastIndexOf('*'), t.lastIndexOf('.'), t.lastIndexOf(']')) + 1);
}

export class ShellParseError extends Error {}

/**
 * A command line that would cost more than the analysis may spend on one: judging it in full would
 * leave the agent without an answer, so it is not judged in full (the engine asks, or denies on what
 * it can see cheaply). Thrown through every catch of the walk.
 */
export class ShellBudgetError extends Error {}

/**
 * The work one command line may cost, in units of roughly a microsecond: characters given to
 * mvdan-sh (a shell string parsed again, as by `eval $x` or `sh -c`, counts again), statements
 * walked on its tree (every field read crosses GopherJS's bridge), commands and words made and
 * the text variables expand to. Growth that is not linear in the command's length (`x=$x$x`,
 * `eval $x; eval $x; …`, wrappers around wrappers) runs into it; a plain 40,000-stage pipeline
 * (240 KB, on the fast path) costs about 400,000.
 */
export const MAX_SHELL_WORK = 1_000_000;
const PARSE_COST = 4,
  STATEMENT_COST = 1000,
  WORD_COST = 5;
/** Wrappers and shells around one command (`sudo env nice … cmd`); real ones nest a handful deep. */
const MAX_WRAPPERS = 64;
let work = 0;
function charge(units: number, what: string) {
  work += units;
  if (work > MAX_SHELL_WORK) throw new ShellBudgetError(`${what} costs more than Warden analyses in one command`);
}

function parseSource(src: string): Node {
  parser ??= sx().NewParser();
  charge(src.length * PARSE_COST, 'parsing its shell strings');
  try {
    return parser.Parse(src, '');
  } catch (e) {
    // (the parser recurses once per level of nesting: thousands of `(` exhaust the stack)
    if (e instanceof RangeError) throw new ShellBudgetError('its nesting is deeper than Warden analyses');
    const err = e as { Error?: () => string; message?: string };
    const msg = typeof err?.Error === 'function' ? err.Error() : (err?.message ?? String(e));
    throw new ShellParseError(String(msg).replace(/^:?\s*/, ''));
  }
}

interface Value {
  value: string;
  dynamic: boolean;
  fed?: SimpleCommand[];
}
/** The value of a substitution we cannot evaluate: re-parsed (sh -c "…"), it is an unknown variable again. */
const UNKNOWN_SUBST: Value = { value: '$WARDEN_UNKNOWN', dynamic: true };
type Env = Map<string, Value>;

/** Bash's $'…' escapes. */
function ansiC(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/g, (_m, e: string) => {
    const c = e[0];
    if (c === 'x' || c === 'u' || c === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/[0-7]/.test(c)) return String.fromCharCode(parseInt(e, 8));
    return (
      (
        {
          n: '\n',
          t: '\t',
          r: '\r',
          a: '\x07',
          b: '\b',
          e: '\x1b',
          E: '\x1b',
          f: '\f',
          v: '\v',
          '\\': '\\',
          "'": "'",
          '"': '"',
          '?': '?',
        } as Record<string, string>
      )[c] ?? e
    );
  });
}

/** Backslash escapes of an unquoted word part: `c\url` is `curl`; a backslash-newline vanishes. */
function unescapeLit(s: string, inDouble: boolean): string {
  if (!s.includes('\\')) return s;
  return inDouble
    ? s.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c))
    : s.replace(/\\(\n|.)/g, (_m, c: string) => (c === '\n' ? '' : c));
}

/** printf's format: enough of it for `$(printf '\x63\x75\x72\x6c')` and `%s` / `%b` / `%c`. */
export function printf(fmt: string, args: string[]): string {
  let i = 0;
  const s = fmt.replace(/%([-+ #0]*\d*(?:\.\d+)?)([sbcdxo%])/g, (_m, _f, conv: string) => {
    if (conv === '%') return '%';
    const a = args[i++] ?? '';
    if (conv === 'b') return ansiC(a);
    if (conv === 'c') return a.slice(0, 1);
    if (conv === 'd') return String(parseInt(a, 10) || 0);
    if (conv === 'x') return (parseInt(a, 10) || 0).toString(16);
    if (conv === 'o') return (parseInt(a, 10) || 0).toString(8);
    return a;
  });
  return ansiC(s);
}

const B64 = /^[A-Za-z0-9+/=_\-\s]+$/;

/** Applies a text filter of a pipeline we can evaluate (`base64 -d`, `rev`, `xxd -r -p`, `tr`). */
function applyFilter(argv: string[], input: string): string | undefined {
  const [cmd, ...args] = argv;
  if ((cmd === 'base64' || cmd === 'base32') && args.some((a) => /^(-d|--decode|-D|-di|-id)$/.test(a))) {
    if (cmd === 'base32' || !B64.test(input)) return undefined;
    return Buffer.from(input.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
  }
  if (cmd === 'rev')
    return input
      .split('\n')
      .map((l) => [...l].reverse().join(''))
      .join('\n');
  if (cmd === 'xxd' && args.includes('-r') && args.includes('-p'))
    return Buffer.from(input.replace(/[^0-9a-fA-F]/g, ''), 'hex').toString('latin1');
  if (cmd === 'tr' && args.length === 2 && !args[0].startsWith('-')) {
    const expand = (set: string) =>
      set.replace(/(.)-(.)/g, (_m, a: string, b: string) => {
        let out = '';
        for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) out += String.fromCharCode(c);
        return out;
      });
    const from = expand(args[0]),
      to = expand(args[1]);
    return [...input]
      .map((c) => {
        const k = from.indexOf(c);
        return k < 0 ? c : (to[Math.min(k, to.length - 1)] ?? c);
      })
      .join('');
  }
  if (cmd === 'cat' && args.length === 0) return input;
  return undefined;
}

/**
 * What a command prints when that is known from the command line alone: echo and printf of their
 * arguments, cat or tee of a heredoc or here-string. (An argument only known at run time stays
 * in as written, `$x`: callers that need exact text check `dynamic` themselves.)
 */
export function staticOutput(c: SimpleCommand): string | undefined {
  const [name, ...args] = c.argv;
  if (name === 'echo') {
    const flags = args.filter((a) => /^-[neE]+$/.test(a)).join('');
    const text = args.filter((a) => !/^-[neE]+$/.test(a)).join(' ');
    return (flags.includes('e') ? ansiC(text) : text) + (flags.includes('n') ? '' : '\n');
  }
  if (name === 'printf' && args.length >= 1 && args[0] !== '-v') return printf(args[0], args.slice(1));
  if (name === 'cat' || name === 'tee') {
    const hd = c.redirects.find((r) => r.heredoc !== undefined || r.op === '<<<');
    if (hd && (name === 'tee' || args.length === 0)) return hd.heredoc ?? `${hd.target}\n`;
  }
  return undefined;
}

/**
 * The output of a pipeline up to (not including) stage `end`: a static producer, then filters.
 * Each stage's input is kept, so asking it for every stage of a long pipeline stays linear.
 */
function pipelineOutput(line: SimpleCommand[], end: number): string | undefined {
  if (end <= 0) return undefined;
  const outs = lineIndex(line).outputs;
  if (outs.length === 0) outs.push(undefined, staticOutput(line[0]));
  for (let k = outs.length; k <= end; k++) {
    const prev = outs[k - 1];
    outs.push(
      prev === undefined ? undefined : line[k - 1].argv[0] === 'tee' ? prev : applyFilter(line[k - 1].argv, prev),
    );
  }
  return outs[end];
}

export interface FileWrite {
  path: string;
  content: string;
  append: boolean;
  command: string;
  /** Text an in-place edit puts into the file (sed -i, perl -pi), judged on its own. */
  fragment?: boolean;
}
const MAX_WRITE = 1 << 20;

/** The text a sed or perl substitution/insertion script puts into a file: replacements, i/a/c text. */
function insertedText(script: string): string[] {
  const out: string[] = [];
  for (const m of script.matchAll(/(?:^|[;\n{}]|\s)s([^\w\s\\])((?:\\.|(?!\1)[^\\])*)\1((?:\\.|(?!\1)[^\\])*)\1/g)) {
    const d = m[1];
    out.push(
      m[3].replace(/\\n/g, '\n').replace(new RegExp(`\\\\(${d.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')})`, 'g'), '$1'),
    );
  }
  for (const m of script.matchAll(/(?:^|[;\n])\s*[\d$,/^.*\w]*?\s*[iac](?:\\\n?|\s)\s*(.+)$/gm))
    out.push(m[1].replace(/\\n/g, '\n'));
  return out;
}

/**
 * Files the command line writes with content known from the command line itself: `cat > f <<EOF`,
 * `echo … >> f`, `printf … | tee f`, `tee -a f <<< …`. The engine judges that content as it judges
 * a write tool call, so code planted through the shell is not waved through.
 */
export function fileWrites(parsed: ParsedShell): FileWrite[] {
  const out: FileWrite[] = [];
  for (const c of parsed.commands) {
    const [name, ...args] = c.argv;
    const targets: { path: string; append: boolean }[] = [];
    for (const r of c.redirects) {
      if (['>', '>>', '>|', '&>', '&>>'].includes(r.op) && !r.dynamic && !/^\d$|^-$|^\/dev\//.test(r.target))
        targets.push({ path: r.target, append: r.op.endsWith('>>') });
    }
    if (name === 'tee') {
      const append = args.some((a) => /^(?:-a|--append)$/.test(a) || /^-[a-zA-Z]*a/.test(a));
      args.forEach((a, i) => {
        if (!a.startsWith('-') && !c.dynamic[i + 1] && !/^\/dev\//.test(a)) targets.push({ path: a, append });
      });
    }
    // In-place edits: the text the script puts in (sed -i 's/x/TEXT/' f, sed -i '1i TEXT' f, perl -pi -e).
    const inPlace =
      (name === 'sed' && args.some((a) => /^(?:-[a-zA-Z]*i|--in-place)/.test(a))) ||
      (name === 'perl' && args.some((a) => /^-[a-zA-Z]*i/.test(a)) && args.some((a) => /^-[a-zA-Z]*[pn]/.test(a)));
    if (inPlace) {
      const scripts: string[] = [],
        files: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (/^-[a-zA-Z]*e$/.test(a) || a === '--expression') scripts.push(args[++i] ?? '');
        else if (a.startsWith('--expression=')) scripts.push(a.slice(13));
        else if (!a.startsWith('-') && !c.dynamic[i + 1]) files.push(a);
      }
      if (!scripts.length && files.length) scripts.push(files.shift()!);
      const text = scripts.flatMap(insertedText).join('\n');
      if (text.trim())
        for (const f of files)
          out.push({ path: f, content: text + '\n', append: false, fragment: true, command: c.argv.join(' ') });
    }
    // A patch applied from the command line itself (`git apply <<EOF`, `echo … | patch -p1`).
    if ((name === 'git' && /^(?:apply|am)$/.test(args.find((a) => !a.startsWith('-')) ?? '')) || name === 'patch') {
      const hd = c.redirects.find((r) => r.heredoc !== undefined || r.op === '<<<');
      const patch = hd ? (hd.heredoc ?? hd.target) : pipelineOutput(c.pipeline, stageIndex(c));
      if (patch && patch.length <= MAX_WRITE)
        out.push({
          path: `<${name} ${name === 'git' ? 'apply' : 'input'}>.patch`,
          content: patch,
          append: false,
          fragment: true,
          command: c.argv.join(' '),
        });
    }
    if (!targets.length) continue;
    // This command's own output, or (cat, tee, filters) what the pipeline feeds it.
    let content = staticOutput(c);
    if (content === undefined) {
      // tee and a bare cat pass their input on; a filter (base64 -d, rev, tr) transforms it.
      const fed = pipelineOutput(c.pipeline, stageIndex(c));
      const passes = name === 'tee' || (name === 'cat' && args.every((a) => a.startsWith('-')));
      content = fed === undefined ? undefined : passes ? fed : applyFilter(c.argv, fed);
    }
    if (content === undefined || content.length > MAX_WRITE) continue;
    for (const t of targets) out.push({ ...t, content, command: c.argv.join(' ') });
  }
  return out;
}

/** Strips a binary's directory: `/usr/bin/curl` is `curl`. */
export function baseName(cmd: string): string {
  const i = Math.max(cmd.lastIndexOf('/'), cmd.lastIndexOf('\\'));
  const b = i >= 0 && i < cmd.length - 1 ? cmd.slice(i + 1) : cmd;
  return b.replace(/\.exe$/i, '');
}

/** An unquoted word holding a brace expression bash expands: `{a,b}` or `{1..3}` (not `${…}` or `{}`). */
const BRACES = /(?:^|[^$\\])\{[^{}\s]*(?:,|\.\.)[^{}\s]*\}/;
const MAX_BRACE_WORDS = 256;

/**
 * Bash's brace expansion of one unquoted word (`c{ur,}l` is `curl cl`, `{1..3}` is `1 2 3`),
 * nested braces included; stops at MAX_BRACE_WORDS words. A backslash-escaped brace stays literal.
 */
export function expandBraces(word: string): string[] {
  // The first `{` whose matching `}` encloses a top-level comma or a `..` range.
  for (let open = 0; open < word.length; open++) {
    if (word[open] !== '{' || (open > 0 && (word[open - 1] === '$' || word[open - 1] === '\\'))) continue;
    let depth = 0,
      close = -1;
    const commas: number[] = [];
    for (let j = open; j < word.length; j++) {
      const ch = word[j];
      if (ch === '\\') {
        j++;
        continue;
      }
      if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        close = j;
        break;
      } else if (ch === ',' && depth === 1) commas.push(j);
    }
    if (close < 0) return [word];
    const pre = word.slice(0, open),
      body = word.slice(open + 1, close),
      post = word.slice(close + 1);
    let alts: string[];
    if (commas.length) {
      alts = [];
      let from = open + 1;
      for (const c of [...commas, close]) {
        alts.push(word.slice(from, c));
        from = c + 1;
      }
    } else {
      const m = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$/.exec(body);
      if (!m) continue;
      const num = /\d/.test(m[1]);
      const a = num ? Number(m[1]) : m[1].charCodeAt(0),
        b = num ? Number(m[2]) : m[2].charCodeAt(0);
      const step = Math.max(1, Math.abs(Number(m[3] ?? 1)));
      alts = [];
      for (let x = a; (a <= b ? x <= b : x >= b) && alts.length < MAX_BRACE_WORDS; x += a <= b ? step : -step)
        alts.push(num ? String(x) : String.fromCharCode(x));
    }
    const out: string[] = [];
    for (const alt of alts) {
      for (const w of expandBraces(pre + alt + post)) {
        out.push(w);
        if (out.length >= MAX_BRACE_WORDS) return out;
      }
    }
    return out;
  }
  return [word];
}

/** Most passes over a loop body, one per value (nested loops multiply; beyond it the variable is unknown). */
const MAX_UNROLL = 16;

class Walker {
  commands: SimpleCommand[] = [];
  problems: string[] = [];
  constructor(
    private env: Env,
    private depth: number,
    private via: string[],
  ) {}

  stmts(list: Node[] | undefined) {
    for (const s of list ?? []) this.stmt(s);
  }

  /** Brace expansion comes first in bash: `{curl,-s,URL}` is three words, `/bin/{ba,}sh` two. */
  braced(v: ReturnType<Walker['word']>): Value[] | undefined {
    if (!v.unquotedLit || !BRACES.test(v.unquotedLit)) return undefined;
    const out = expandBraces(v.unquotedLit);
    return out.length > 1 || out[0] !== v.unquotedLit
      ? out.map((x) => ({ value: unescapeLit(x, false), dynamic: false }))
      : undefined;
  }

  /** Loops over values the command line holds: the body once per value (a few; then the variable is unknown). */
  private passes = 1;
  unrolled(name: string, values: string[], body: Node[]) {
    if (this.passes * values.length > MAX_UNROLL) {
      this.env.set(name, { value: values.join(' '), dynamic: true });
      this.stmts(body);
      return;
    }
    const outer = this.passes;
    this.passes *= values.length;
    try {
      for (const v of values) {
        this.env.set(name, { value: v, dynamic: false });
        this.stmts(body);
      }
    } finally {
      this.passes = outer;
    }
  }

  stmt(s: Node, pipeline?: SimpleCommand[]) {
    if (!s) return;
    charge(STATEMENT_COST, 'the number of its statements');
    const cmd = s.Cmd;
    const redirects = this.redirects(s.Redirs);
    if (!cmd) {
      // A statement of redirections only (`> ~/.bashrc`): a no-op command with those redirections.
      if (redirects.length) this.push([':'], [false], ':', redirects, pipeline ?? [], {});
      return;
    }
    const type = nodeType(cmd);
    switch (type) {
      case 'CallExpr':
        return this.call(cmd, redirects, pipeline);
      case 'BinaryCmd': {
        if (cmd.Op === PIPE || cmd.Op === PIPE_ALL) {
          const line = pipeline ?? [];
          this.stmt(cmd.X, line);
          this.stmt(cmd.Y, line);
        } else {
          this.stmt(cmd.X);
          this.stmt(cmd.Y);
        }
        return;
      }
      case 'Subshell':
      case 'Block':
        this.stmts(cmd.Stmts);
        break;
      case 'IfClause': {
        for (let c = cmd; c; c = c.Else) {
          this.stmts(c.Cond);
          this.stmts(c.Then);
        }
        break;
      }
      case 'WhileClause': {
        this.stmts(cmd.Cond);
        // `while read v; do …; done <<< text` (or a here-document): v takes each line of a text
        // the command line holds, so the body is judged once per line, as for a literal `for` list.
        const fed = redirects.find((r) => (r.op === '<<<' && !r.dynamic) || (r.heredoc !== undefined && !r.dynamic));
        const read = (cmd.Cond ?? [])
          .map((c: Node) => c.Cmd)
          .find((c: Node) => c && nodeType(c) === 'CallExpr' && this.word(c.Args[0]).value === 'read');
        const names = read
          ? read.Args.slice(1)
              .map((w: Node) => this.word(w).value)
              .filter((a: string) => /^[A-Za-z_]\w*$/.test(a))
          : [];
        const lines = fed ? (fed.heredoc ?? fed.target).split('\n').filter((l) => l.trim()) : [];
        if (names.length && lines.length) this.unrolled(names[names.length - 1], lines, cmd.Do);
        else this.stmts(cmd.Do);
        break;
      }
      case 'ForClause': {
        const loop = cmd.Loop;
        if (loop && nodeType(loop) === 'WordIter') {
          const items = (loop.Items ?? []).flatMap((w: Node) => {
            const v = this.word(w);
            return this.braced(v) ?? [v];
          });
          // A literal list: the body is judged once per item (`for f in a ~/.ssh/id_rsa; do cat $f`).
          if (items.length && items.every((v: Value) => !v.dynamic)) {
            this.unrolled(
              loop.Name.Value,
              items.map((v: Value) => v.value),
              cmd.Do,
            );
            break;
          }
          this.env.set(loop.Name.Value, { value: items.map((v: Value) => v.value).join(' '), dynamic: true });
        }
        this.stmts(cmd.Do);
        break;
      }
      case 'CaseClause':
        for (const item of cmd.Items ?? []) this.stmts(item.Stmts);
        break;
      case 'FuncDecl':
        // The definition is visible to the checks as `function NAME` (a function named after a
        // command replaces that command for the rest of the shell), then its body is judged.
        if (typeof cmd.Name?.Value === 'string')
          this.push(['function', cmd.Name.Value], [false, false], `function ${cmd.Name.Value}`, [], pipeline ?? [], {});
        this.stmt(cmd.Body);
        break;
      case 'TimeClause':
        this.stmt(cmd.Stmt, pipeline);
        break;
      case 'CoprocClause':
        this.stmt(cmd.Stmt);
        break;
      case 'DeclClause': {
        // export/declare/local/readonly: keep their operands (flags, names, NAME=value) as arguments,
        // so `export` alone (which prints the environment) differs from `export A=$(…)`.
        const variant = cmd.Variant?.Value ?? 'declare';
        const argv = [variant],
          dyn = [false];
        for (const a of cmd.Args ?? []) {
          if (a?.Name) {
            this.assign(a);
            const v = this.env.get(a.Name.Value as string);
            argv.push(a.Naked ? a.Name.Value : `${a.Name.Value}=${v?.value ?? ''}`);
            dyn.push(!a.Naked && (v?.dynamic ?? false));
          } else if (a?.Value) {
            const w = this.word(a.Value);
            argv.push(w.value);
            dyn.push(w.dynamic);
          }
        }
        this.push(argv, dyn, argv.join(' '), redirects, pipeline ?? [], {});
        return;
      }
      case 'LetClause':
      case 'ArithmCmd':
      case 'TestClause':
        this.expressionSubst(cmd);
        break;
      default:
        this.problems.push(`unsupported shell construct: ${type}`);
    }
    // Redirections on compound commands apply to everything inside; keep them visible.
    if (redirects.length) this.push([':'], [false], ':', redirects, pipeline ?? [], {});
  }

  /** Command substitutions inside test/arithmetic expressions still run. */
  expressionSubst(node: Node) {
    const seen = new Set<Node>();
    const visit = (n: Node) => {
      if (!n || typeof n !== 'object' || seen.has(n)) return;
      seen.add(n);
      const t = nodeType(n);
      if (t === 'CmdSubst' || t === 'ProcSubst') {
        this.stmts(n.Stmts);
        return;
      }
      if (t === 'Word') {
        this.word(n);
        return;
      }
      for (const k of ['X', 'Y', 'Expr', 'Exprs', 'Word', 'Parts']) {
        const v = n[k];
        if (Array.isArray(v)) v.forEach(visit);
        else if (v) visit(v);
      }
    };
    visit(node);
  }

  assign(a: Node) {
    if (!a?.Name) return;
    const name = a.Name.Value as string;
    if (a.Array) {
      this.env.set(name, { value: '', dynamic: true });
      return;
    }
    const v = a.Value ? this.word(a.Value) : { value: '', dynamic: false };
    if (a.Append) {
      const old = this.env.get(name);
      const fed = [...(old?.fed ?? []), ...(v.fed ?? [])];
      this.env.set(name, {
        value: (old?.value ?? '') + v.value,
        dynamic: v.dynamic || (old?.dynamic ?? false),
        ...(fed.length ? { fed } : {}),
      });
    } else this.env.set(name, v);
  }

  redirects(list: Node[] | undefined): Redirect[] {
    const out: Redirect[] = [];
    for (const r of list ?? []) {
      const op = OPS[r.Op] ?? String(r.Op);
      const w = r.Word ? this.word(r.Word) : { value: '', dynamic: false };
      const red: Redirect = { op, fd: r.N?.Value, target: w.value, dynamic: w.dynamic };
      if (w.fed) red.fedBy = w.fed;
      if (r.Hdoc) {
        const h = this.word(r.Hdoc);
        red.heredoc = h.value;
        if (h.fed) red.fedBy = [...(red.fedBy ?? []), ...h.fed];
      }
      out.push(red);
    }
    return out;
  }

  /** Bare assignments to variables the shell already exports, seen by the checks as `export`. */
  exportInherited(names: unknown[], pipeline: SimpleCommand[]) {
    const ks = names.filter((k): k is string => typeof k === 'string' && INHERITED.test(k));
    if (!ks.length) return;
    const vals = ks.map((k) => ({ k, v: this.env.get(k) }));
    const argv = ['export', ...vals.map(({ k, v }) => `${k}=${v?.value ?? ''}`)];
    this.push(argv, [false, ...vals.map(({ v }) => v?.dynamic ?? false)], argv.join(' '), [], pipeline, {});
  }

  call(cmd: Node, redirects: Redirect[], pipeline?: SimpleCommand[]) {
    const assigns: Node[] = cmd.Assigns ?? [];
    const args: Node[] = cmd.Args ?? [];
    if (args.length === 0) {
      for (const a of assigns) this.assign(a);
      if (redirects.length) this.push([':'], [false], ':', redirects, pipeline ?? [], {});
      // A bare assignment to a variable the shell already exports (PATH, HTTPS_PROXY…) reaches every
      // later command, as `export` would: the checks see it as that export.
      this.exportInherited(
        assigns.map((a) => a.Name?.Value),
        pipeline ?? [],
      );
      return;
    }
    const env: Record<string, string> = {};
    for (const a of assigns) {
      const v = a.Value ? this.word(a.Value) : { value: '', dynamic: false };
      env[a.Name.Value] = v.value;
    }
    // Unquoted expansions are split into words, as the shell does (C='curl -s x'; $C runs curl).
    // (mvdan-sh's nodes are GopherJS objects: every field read copies, so each is read once.)
    let text = '';
    const words = args.flatMap((w, k) => {
      const v = this.word(w);
      if (k === 0) text = v.soleLit ?? v.value;
      const braced = this.braced(v);
      if (braced) return braced;
      if (!v.expanded || v.dynamic) return [v];
      const fed = v.fed ? { fed: v.fed } : {};
      // Word splitting uses IFS: `IFS=,; x=curl,URL; $x` runs curl. An IFS only known at run time
      // leaves the word unknown.
      const ifs = this.env.get('IFS');
      if (ifs?.dynamic) return [{ value: v.value, dynamic: true, ...fed }];
      const sep = ifs ? ifs.value : ' \t\n';
      if (![...v.value].some((ch) => sep.includes(ch))) return [v];
      return v.value
        .split(new RegExp(`[${sep.replace(/[\\\]^-]/g, '\\$&')}]+`))
        .filter((x) => x !== '')
        .map((x) => ({ value: x, dynamic: false, ...fed }));
    });
    this.push(
      words.map((w) => w.value),
      words.map((w) => w.dynamic),
      text,
      redirects,
      pipeline ?? [],
      env,
      words.map((w) => w.fed),
    );
  }

  push(
    argv: string[],
    dynamic: boolean[],
    text: string,
    redirects: Redirect[],
    pipeline: SimpleCommand[],
    env: Record<string, string>,
    fedBy?: (SimpleCommand[] | undefined)[],
  ) {
    charge((argv.length + 1) * WORD_COST, 'the number of its commands and words');
    const c: SimpleCommand = {
      argv: [baseName(argv[0]), ...argv.slice(1)],
      dynamic,
      text,
      redirects,
      pipeline,
      via: this.via,
      env,
    };
    if (fedBy?.some(Boolean)) c.fedBy = fedBy;
    pipeline.push(c);
    this.commands.push(c);
    unwrap(c, this);
  }

  /**
   * Resolves a word to its value; parts that cannot be known make it dynamic. Also says whether
   * it holds an unquoted expansion (split into words by the shell) and, for a word that is one
   * plain literal, that literal as written.
   */
  word(w: Node): Value & { expanded?: boolean; soleLit?: string; unquotedLit?: string } {
    let value = '',
      dynamic = false,
      expanded = false,
      soleLit: string | undefined,
      raw: string | undefined = '';
    const parts: Node[] = w?.Parts ?? [];
    const outer = this.sink,
      fed: SimpleCommand[] = [];
    this.sink = fed;
    try {
      for (const p of parts) {
        const t = nodeType(p);
        const v = this.part(p, false, t);
        if (t === 'ParamExp' || t === 'CmdSubst') expanded = true;
        if (t === 'Lit' && parts.length === 1) soleLit = p.Value;
        raw = t === 'Lit' && raw !== undefined ? raw + p.Value : undefined;
        value += v.value;
        dynamic ||= v.dynamic;
      }
    } finally {
      this.sink = outer;
    }
    outer?.push(...fed);
    charge(value.length, 'the text its variables expand to');
    return { value, dynamic, expanded, soleLit, unquotedLit: raw || undefined, ...(fed.length ? { fed } : {}) };
  }

  /** Commands whose output is being taken into the word under evaluation (see SimpleCommand.fedBy). */
  private sink: SimpleCommand[] | undefined;

  part(p: Node, inDouble: boolean, type?: string): Value {
    const t = type ?? nodeType(p);
    switch (t) {
      case 'Lit':
        return { value: unescapeLit(p.Value, inDouble), dynamic: false };
      case 'SglQuoted':
        return { value: p.Dollar ? ansiC(p.Value) : p.Value, dynamic: false };
      case 'DblQuoted': {
        let value = '',
          dynamic = false;
        for (const q of p.Parts ?? []) {
          const v = this.part(q, true);
          value += v.value;
          dynamic ||= v.dynamic;
        }
        return { value, dynamic };
      }
      case 'ParamExp':
        return this.param(p);
      case 'CmdSubst':
        return this.subst(p.Stmts);
      case 'ProcSubst': {
        const from = this.commands.length;
        this.stmts(p.Stmts);
        this.sink?.push(...this.commands.slice(from));
        return { value: '/dev/fd/63', dynamic: false };
      }
      case 'ArithmExp':
        this.expressionSubst(p);
        return { value: '0', dynamic: true };
      case 'ExtGlob':
        return { value: '*', dynamic: true };
      default:
        return { value: '', dynamic: true };
    }
  }

  param(p: Node): Value {
    const name = p.Param?.Value as string;
    if (p.Length) return { value: '0', dynamic: true };
    let v = this.env.get(name);
    if (p.Excl) {
      // ${!ref}: the variable named by ref's value.
      const ref = this.env.get(name);
      v = ref && !ref.dynamic ? this.env.get(ref.value) : undefined;
    }
    // A variable assigned from commands' output carries them (`x=$(curl …); bash -c "$x"`).
    if (v?.fed) this.sink?.push(...v.fed);
    if (p.Exp && p.Exp.Word) {
      const op = p.Exp.Op;
      // ${x:-d}, ${x-d}, ${x:=d}, ${x=d} (mvdan-sh operators 71, 70, 75, 74): the default when x is unknown here.
      const def = this.word(p.Exp.Word);
      if (!v && (op === 70 || op === 71 || op === 74 || op === 75)) return def;
    }
    if (p.Slice || p.Repl || p.Index) return { value: v?.value ?? `$${name}`, dynamic: true };
    if (!v) {
      if (name === 'HOME') return { value: '~', dynamic: false };
      if (name === 'SHELL') return { value: 'sh', dynamic: false };
      return { value: `$${name}`, dynamic: true };
    }
    return v;
  }

  /** `$(…)`: evaluates literal producers and filters; the commands inside still run and are analysed. */
  subst(stmts: Node[] | undefined): Value {
    const inner = new Walker(this.env, this.depth, this.via);
    inner.stmts(stmts);
    this.commands.push(...inner.commands);
    this.sink?.push(...inner.commands);
    this.problems.push(...inner.problems);
    // Evaluate a single pipeline of echo/printf + filters.
    const top = inner.commands.filter((c) => !c.via.length || c.via === this.via);
    const line = top[0]?.pipeline;
    if (!line || line.length !== top.length || line.some((c) => c.dynamic.some(Boolean))) return UNKNOWN_SUBST;
    const [first, ...rest] = line;
    if (!/^(?:echo|printf)$/.test(first.argv[0]) || (first.argv[0] === 'printf' && first.argv.length < 2))
      return UNKNOWN_SUBST;
    let out = staticOutput(first);
    if (out === undefined) return UNKNOWN_SUBST;
    for (const f of rest) {
      out = applyFilter(f.argv, out);
      if (out === undefined) return UNKNOWN_SUBST;
    }
    return { value: out.replace(/\n+$/, ''), dynamic: false };
  }

  /** Like nested(), for strings that may well not be shell: a parse failure is not a problem. */
  nestedQuiet(src: string, via: string) {
    if (this.depth >= MAX_DEPTH) return;
    let file: Node;
    try {
      file = parseSource(src);
    } catch (e) {
      if (e instanceof ShellBudgetError) throw e;
      return;
    }
    const w = new Walker(new Map(this.env), this.depth + 1, [...this.via, via]);
    w.stmts(file.Stmts);
    this.commands.push(...w.commands);
  }

  /**
   * Parses a shell string given to `sh -c`, `eval`, `awk system()` … as commands of their own.
   * `positional`: the words after `sh -c SCRIPT` ($0, $1, …), so a write to "$1" lands where the
   * caller said (`find ~ -exec sh -c 'echo x >> "$1"' _ {} \;`), not at an unknown target.
   */
  nested(src: string, via: string, positional?: Value[]) {
    if (this.depth >= MAX_DEPTH) {
      this.problems.push(`shell strings nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    let file: Node;
    try {
      file = parseSource(src);
    } catch (e) {
      if (e instanceof ShellBudgetError) throw e;
      this.problems.push(`cannot parse the shell string given to ${via}: ${(e as Error).message}`);
      return;
    }
    const env = new Map(this.env);
    if (positional) {
      for (let i = 0; i < positional.length && i < 10; i++) env.set(String(i), positional[i]);
      // ("$@" is one word per parameter, which one value cannot hold: set only when there is one)
      if (positional.length === 2) for (const k of ['@', '*']) env.set(k, positional[1]);
    }
    const w = new Walker(env, this.depth + 1, [...this.via, via]);
    w.stmts(file.Stmts);
    this.commands.push(...w.commands);
    this.problems.push(...w.problems);
  }
}

/**
 * Where the files `find ARGS` lists lie: the start folder joined with a name the -name pattern
 * matches (a pattern stands for one file it matches: `.*` is `.x`, not every hidden file and `.`
 * and `..`). `exact`: the name is literal (`-name .bashrc`), so the file is known, not guessed.
 */
function foundPath(findArgs: string[]): { at: string; exact: boolean } {
  const first = findArgs.findIndex((a) => /^[-(!]/.test(a));
  const starts = findArgs.slice(0, first < 0 ? findArgs.length : first);
  const n = findArgs.findIndex((a) => a === '-name' || a === '-iname');
  const name = n >= 0 ? findArgs[n + 1] : undefined;
  const leaf = (name || 'x').replace(/\[[^\]]*\]|[*?]/g, 'x');
  // (exact only for one name, no alternatives or negations, and one of the dotfiles or units that
  // start-up, credentials and services are: `-name core -exec rm {}` stays a pattern over a tree)
  const single = !findArgs.some((a) => /^(?:-o|-or|!|-not)$/.test(a));
  const guarded = !!name && /^\.[\w.-]+$|\.(?:service|timer|socket|desktop)$|^authorized_keys2?$/.test(name);
  return { at: `${(starts[0] ?? '.').replace(/\/+$/, '')}/${leaf}`, exact: single && guarded && leaf === name };
}

/**
 * The words of `find … -exec PROG … {} \;` with `{}` replaced by where the found files lie: a shell
 * given a script gets them as $1 …, and what it writes there is judged at that place. Other
 * programs get them only when find names one file exactly (`-name .bashrc -exec tee -a {}`): a
 * pattern's matches stay `{}`, since one guessed name would judge every cleanup by it.
 */
function foundIn(findArgs: string[], words: string[], program: string): string[] {
  const { at, exact } = foundPath(findArgs);
  const shell = PARSED_SHELLS.has(program) && words.some((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
  if (!shell && !exact) return words;
  return words.map((a) => (a.includes('{}') ? a.split('{}').join(at) : a));
}

/** Programs whose string arguments are data, patterns or programs in another language, not shell. */
const NOT_SHELL_ARGS = new Set([
  'echo',
  'printf',
  'grep',
  'egrep',
  'fgrep',
  'rg',
  'sed',
  'awk',
  'gawk',
  'mawk',
  'nawk',
  'perl',
  'python',
  'python2',
  'python3',
  'node',
  'ruby',
  'php',
  'jq',
  'yq',
  'git',
  'tr',
  'cut',
  'sort',
  'find',
  'xargs',
  'test',
  '[',
  'expr',
  'bc',
  'dc',
  'date',
  'read',
  'local',
  'export',
  'declare',
  'alias',
  'trap',
  'eval',
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'watch',
  'sudo',
  'su',
  'env',
  'time',
  'timeout',
  'nohup',
  'logger',
  'notify-send',
  'wall',
  'mail',
  'column',
  'paste',
  'comm',
  'diff',
  'tee',
  'head',
  'tail',
  'cat',
  'ls',
  'mkdir',
  'touch',
  'rm',
  'cp',
  'mv',
  'cd',
  'chmod',
  'chown',
  'curl',
  'wget',
]);
/** Shells whose -c code (and scripts fed on stdin) this parser reads, as bash. */
export const PARSED_SHELLS = new Set([
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'mksh',
  'ash',
  'csh',
  'tcsh',
  'fish',
  'busybox-sh',
  'rbash',
  'yash',
  'posh',
  'osh',
  'ksh93',
]);
const INTERPRETERS: Record<string, { flags: string[]; language: string }> = {
  python: { flags: ['-c'], language: 'python' },
  python2: { flags: ['-c'], language: 'python' },
  python3: { flags: ['-c'], language: 'python' },
  node: { flags: ['-e', '--eval', '-p', '--print'], language: 'javascript' },
  nodejs: { flags: ['-e', '--eval', '-p', '--print'], language: 'javascript' },
  deno: { flags: ['eval'], language: 'typescript' },
  bun: { flags: ['-e', '--eval'], language: 'javascript' },
  perl: { flags: ['-e', '-E'], language: 'perl' },
  ruby: { flags: ['-e'], language: 'ruby' },
  php: { flags: ['-r'], language: 'php' },
  lua: { flags: ['-e'], language: 'lua' },
  R: { flags: ['-e'], language: 'r' },
  Rscript: { flags: ['-e'], language: 'r' },
  tclsh: { flags: [], language: 'tcl' },
  gdb: { flags: ['-ex', '--eval-command'], language: 'gdb' },
  vim: { flags: ['-c', '+'], language: 'vim' },
  vi: { flags: ['-c'], language: 'vim' },
  nvim: { flags: ['-c', '--cmd'], language: 'vim' },
  pwsh: { flags: ['-c', '-Command', '-EncodedCommand'], language: 'powershell' },
};

/** The interpreter a command name runs (python3.11 is python), if any. */
export function interpreterOf(name: string): { flags: string[]; language: string } | undefined {
  return INTERPRETERS[name] ?? INTERPRETERS[name.replace(/[\d.]+$/, '')];
}

/** Options of wrappers that take a value (so the wrapped command starts after it). */
const WRAPPERS: Record<string, { valued: RegExp; positional?: number }> = {
  sudo: { valued: /^-(?:u|g|C|D|h|p|r|t|T|U)$|^--(?:user|group|chdir|prompt|role|type|host|close-from|other-user)$/ },
  doas: { valued: /^-(?:u|C)$/ },
  env: { valued: /^-(?:u|C|S)$|^--(?:unset|chdir|split-string)$/ },
  nohup: { valued: /^$/ },
  setsid: { valued: /^$/ },
  time: { valued: /^-(?:f|o)$/ },
  command: { valued: /^$/ },
  builtin: { valued: /^$/ },
  exec: { valued: /^-a$/ },
  nice: { valued: /^-n$|^--adjustment$/ },
  ionice: { valued: /^-(?:c|n|p)$/ },
  timeout: { valued: /^-(?:s|k)$|^--(?:signal|kill-after)$/, positional: 1 },
  stdbuf: { valued: /^-(?:i|o|e)$/ },
  chroot: { valued: /^--(?:userspec|groups)$/, positional: 1 },
  strace: { valued: /^-(?:e|o|p|s|u)$/ },
  ltrace: { valued: /^-(?:e|o|p|s|u)$/ },
  unbuffer: { valued: /^$/ },
  torify: { valued: /^$/ },
  proxychains: { valued: /^-f$/ },
  proxychains4: { valued: /^-f$/ },
  caffeinate: { valued: /^-(?:t|w)$/ },
  taskset: { valued: /^$/, positional: 1 },
  runuser: { valued: /^-(?:u|g|l)$/ },
  'start-stop-daemon': { valued: /^$/ },
  faketime: { valued: /^$/, positional: 1 },
  firejail: { valued: /^$/ },
  pkexec: { valued: /^--user$/ },
  'systemd-run': {
    valued:
      /^-(?:u|p|E|M|H)$|^--(?:unit|property|on-\w+|description|slice|setenv|uid|gid|working-directory|machine|host|timer-property|path-property|socket-property|service-type|nice)$/,
  },
};

/**
 * Commands that run another command: its argv follows their own options (`valued` take a value,
 * `positional` operands come first, `assigns` are NAME=value pairs), or `code` takes a shell string.
 */
const RUNNERS: Record<string, { valued?: RegExp; positional?: number; assigns?: boolean; code?: RegExp }> = {
  'uv run': {
    valued:
      /^-[wp]$|^--(?:with|with-requirements|python|project|directory|env-file|extra|group|package|index|index-url|from)$/,
  },
  uvx: { valued: /^--(?:with|python|from|index-url)$/ },
  'poetry run': {},
  'pipenv run': {},
  'pdm run': {},
  'hatch run': {},
  'rye run': {},
  'bundle exec': {},
  'pnpm exec': {},
  'yarn exec': {},
  'npm exec': { valued: /^--(?:package|workspace)$|^-w$/, code: /^(?:-c|--call)$/ },
  npx: { valued: /^(?:-p|--package)$/, code: /^(?:-c|--call)$/ },
  'conda run': { valued: /^-[np]$|^--(?:name|prefix|cwd)$/ },
  'mamba run': { valued: /^-[np]$|^--(?:name|prefix|cwd)$/ },
  'micromamba run': { valued: /^-[np]$|^--(?:name|prefix|cwd)$/ },
  'mise exec': { valued: /^-C$|^--cd$/ },
  'asdf exec': {},
  'rbenv exec': {},
  'pyenv exec': {},
  'nodenv exec': {},
  'direnv exec': { positional: 1 },
  'volta run': { valued: /^--(?:node|npm|yarn|pnpm|bundled-npm)$/ },
  'fnm exec': { valued: /^--using$/ },
  'devbox run': {},
  'nix-shell': { code: /^--(?:run|command)$/ },
  'nix develop': { code: /^(?:-c|--command)$/ },
  dotenv: { valued: /^-[evc]$/ },
  'cross-env': { assigns: true },
  'dbus-launch': {},
  chrt: { valued: /^-[T-Z]$/, positional: 1 },
  cgexec: { valued: /^-g$/ },
  flock: { valued: /^-[wE]$/, positional: 1, code: /^(?:-c|--command)$/ },
};

/** git settings whose value is a command git runs (aliases and credential helpers when they start with `!`). */
const GIT_COMMAND_KEY =
  /^(?:alias\.[\w.-]+|core\.(?:sshCommand|fsmonitor|pager|editor|askPass)|sequence\.editor|diff\.external|(?:diff|merge|filter)\.[\w.-]+\.(?:textconv|command|driver|clean|smudge|process)|credential\.(?:[\w.:/-]+\.)?helper|gpg\.program|pager\.[\w.-]+)$/i;

/**
 * The shell command a Makefile line holds: a recipe line (after its tab) or what follows `;` on a
 * rule line (`test: build; go test ./...`), with make's own prefixes (@ - +) and `$$` undone.
 */
export function makeRecipe(line: string): string | undefined {
  const recipe = line.startsWith('\t') ? line.slice(1) : /^[^\s:#=][^:=]*:[^=;]*;(.*)$/.exec(line)?.[1];
  return recipe
    ?.trim()
    .replace(/^[@+-]+/, '')
    .replace(/\$\$/g, '$');
}

/** Environment variables that programs run as a command line (git, less, man, ssh, npm, the shell's prompt). */
const COMMAND_VAR =
  /^(?:PAGER|GIT_PAGER|MANPAGER|EDITOR|VISUAL|GIT_EDITOR|GIT_SEQUENCE_EDITOR|GIT_SSH_COMMAND|GIT_EXTERNAL_DIFF|GIT_PROXY_COMMAND|GIT_ASKPASS|SSH_ASKPASS|SUDO_ASKPASS|LESSOPEN|LESSCLOSE|PROMPT_COMMAND|npm_config_script_shell|NPM_CONFIG_SCRIPT_SHELL)$/;

/** Finds the commands that a wrapper, shell, interpreter or find/xargs runs, and walks them too. */
function unwrap(c: SimpleCommand, w: Walker) {
  const [name, ...args] = c.argv;
  const dyn = c.dynamic.slice(1);
  const rest = (from: number, label: string, env?: Record<string, string>) => {
    if (from >= c.argv.length) return;
    if (c.via.length >= MAX_WRAPPERS)
      throw new ShellBudgetError(`more than ${MAX_WRAPPERS} wrappers around one command`);
    charge((c.argv.length - from + 1) * WORD_COST, 'the number of its commands and words');
    const argv = c.argv.slice(from),
      d = c.dynamic.slice(from);
    // Re-enter as a command of its own (as the wrapper would exec it).
    const inner = {
      ...c,
      // (`env K=V cmd`, `cross-env K=V cmd`: the variables are the inner command's, as if written before it)
      env: env ? { ...c.env, ...env } : c.env,
      argv: [baseName(argv[0]), ...argv.slice(1)],
      dynamic: d,
      text: argv[0],
      via: [...c.via, label],
      inline: undefined,
      pipeline: c.pipeline,
      parent: c,
      fedBy: c.fedBy?.slice(from),
    };
    // The wrapped command takes the wrapper's place in its pipeline (sudo wget … | sh).
    c.pipeline.splice(c.pipeline.lastIndexOf(c) + 1, 0, inner); // (c is at the end while parsing)
    w.commands.push(inner);
    unwrap(inner, w);
  };
  // Environment variables whose value is a command line the program runs (PAGER='sh -c …' git log,
  // export GIT_SSH_COMMAND=…): that command line is judged too.
  const assigned = [
    ...Object.entries(c.env),
    ...(/^(?:export|declare|typeset|local|readonly)$/.test(name)
      ? args.flatMap((a) => {
          const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(a);
          return m ? [[m[1], m[2]] as [string, string]] : [];
        })
      : []),
  ];
  for (const [k, v] of assigned)
    if (COMMAND_VAR.test(k) && /\s|[;|&]/.test(v.trim()))
      w.nestedQuiet(/^LESS/.test(k) ? v.replace(/^\s*[|-]+/, '') : v, `${k}=`);
  // `command`, `builtin` and `exec` are shell builtins: a program run by path (/path/to/command) is not them.
  if (/^(?:command|builtin|exec)$/.test(name) && c.text.includes('/')) return;
  if (name === 'env') {
    // env -S 'cmd args' (--split-string): the string is split into the command and its arguments.
    const si = args.findIndex((a) => /^-[a-zA-Z]*S|^--split-string(?:=|$)/.test(a));
    if (si >= 0) {
      const a = args[si];
      const inline = /^--split-string=/.test(a)
        ? a.slice(a.indexOf('=') + 1)
        : /^-[a-zA-Z]*S./.test(a)
          ? a.slice(a.indexOf('S') + 1)
          : undefined;
      const str = inline ?? args[si + 1];
      const after = args.slice(si + (inline === undefined ? 2 : 1));
      if (str !== undefined) w.nested([str, ...after.map((x) => `'${x.replace(/'/g, `'\\''`)}'`)].join(' '), 'env -S');
      return;
    }
  }
  if (name in WRAPPERS) {
    const spec = WRAPPERS[name];
    let i = 0,
      positional = spec.positional ?? 0;
    const set: Record<string, string> = {};
    while (i < args.length) {
      const a = args[i];
      if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
        if (!dyn[i]) set[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
        i++;
        continue;
      }
      if (a === '--') {
        i++;
        break;
      }
      if (a.startsWith('-') && a.length > 1) {
        i += spec.valued.test(a) ? 2 : 1;
        continue;
      }
      if (positional > 0) {
        positional--;
        i++;
        continue;
      }
      break;
    }
    rest(i + 1, name, set);
    return;
  }
  if (name === 'busybox' || name === 'toybox') {
    rest(1, name);
    return;
  }
  // Project and environment runners: `uv run CMD`, `poetry run CMD`, `conda run -n env CMD`…
  const runner = RUNNERS[`${name} ${args[0] ?? ''}`] ? `${name} ${args[0]}` : RUNNERS[name] ? name : undefined;
  if (runner) {
    const spec = RUNNERS[runner];
    let i = runner.includes(' ') ? 1 : 0,
      positional = spec.positional ?? 0;
    const set: Record<string, string> = {};
    while (i < args.length) {
      const a = args[i];
      if (spec.code?.test(a)) {
        if (args[i + 1] !== undefined) w.nested(args[i + 1], runner);
        return;
      }
      if (a === '--') {
        i++;
        break;
      }
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a) && spec.assigns) {
        if (!dyn[i]) set[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
        i++;
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        i += spec.valued?.test(a) ? 2 : 1;
        continue;
      }
      if (positional > 0) {
        positional--;
        i++;
        continue;
      }
      break;
    }
    rest(i + 1, runner, set);
    return;
  }
  if (name === 'watch') {
    // watch runs its arguments through sh -c (with -x, directly).
    let i = 0;
    while (i < args.length && args[i].startsWith('-'))
      i += /^-(?:n|d|-interval|-differences)$/.test(args[i]) && !args[i].includes('=') ? 2 : 1;
    if (i >= args.length) return;
    if (args.slice(0, i).some((a) => /^(?:-[a-zA-Z]*x[a-zA-Z]*|--exec)$/.test(a))) rest(i + 1, 'watch');
    else w.nested(args.slice(i).join(' '), 'watch');
    return;
  }
  if (name === 'make' || name === 'gmake') {
    // A makefile read from the command line (`make -f - <<EOF`): its recipes are shell commands.
    const fi = args.findIndex((a) => a === '-f' || a === '--file' || a === '--makefile');
    const hd = c.redirects.find((r) => r.heredoc !== undefined || r.op === '<<<');
    if (fi >= 0 && /^(?:-|\/dev\/stdin)$/.test(args[fi + 1] ?? '') && hd) {
      for (const line of (hd.heredoc ?? hd.target).split('\n')) {
        const recipe = makeRecipe(line);
        if (recipe?.trim()) w.nested(recipe, 'make recipe');
      }
    }
  }
  if ((name === 'su' || name === 'runuser') && args.includes('-c')) {
    const s = args[args.indexOf('-c') + 1];
    if (s !== undefined) w.nested(s, `${name} -c`);
  }
  if (name === 'xargs') {
    let i = 0,
      replace: string | undefined;
    while (i < args.length && args[i].startsWith('-')) {
      if (args[i] === '-I') replace = args[i + 1];
      else if (/^-I./.test(args[i])) replace = args[i].slice(2);
      else if (/^(?:-i|--replace)$/.test(args[i])) replace = '{}';
      else if (/^(?:-i|--replace=)./.test(args[i])) replace = args[i].replace(/^(?:-i|--replace=)/, '');
      i += /^-(?:I|L|n|P|d|E|s|a|-arg-file|-delimiter|-max-args|-max-procs)$/.test(args[i]) ? 2 : 1;
    }
    // The items xargs reads are only known at run time: where they become a shell's or an
    // interpreter's code (`xargs sh -c`, `xargs -I{} bash -c {}`), that code is unknown.
    const inner = baseName(args[i] ?? ''),
      interp = interpreterOf(inner);
    if (PARSED_SHELLS.has(inner) || inner === 'eval' || interp) {
      if (replace) {
        // (items listed by find with one exact name, `find ~ -name .bashrc | xargs -I{} …`, are that file)
        const feeder = c.pipeline[c.pipeline.indexOf(c) - 1];
        const found =
          feeder?.argv[0] === 'find' && !feeder.dynamic.some(Boolean) ? foundPath(feeder.argv.slice(1)) : undefined;
        for (let k = i + 2; k < c.argv.length; k++)
          if (c.argv[k].includes(replace)) {
            c.argv[k] = c.argv[k].split(replace).join(found?.exact ? found.at : UNKNOWN_SUBST.value);
            c.dynamic[k] = !found?.exact;
          }
      } else {
        const last = c.argv.length > i + 2 ? c.argv[c.argv.length - 1] : '';
        if (
          inner === 'eval' ||
          (PARSED_SHELLS.has(inner) && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(last)) ||
          interp?.flags.includes(last)
        ) {
          c.argv.push(UNKNOWN_SUBST.value);
          c.dynamic.push(true);
        }
      }
    }
    rest(i + 1, 'xargs');
    return;
  }
  if (name === 'find' || name === 'fd') {
    for (let i = 0; i < args.length; i++) {
      if (
        /^-(?:exec|execdir|ok|okdir)$/.test(args[i]) ||
        (name === 'fd' && /^(?:-x|--exec|-X|--exec-batch)$/.test(args[i]))
      ) {
        let j = i + 1;
        while (j < args.length && args[j] !== ';' && args[j] !== '+') j++;
        const sub = {
          ...c,
          argv: [baseName(args[i + 1] ?? ''), ...foundIn(args, args.slice(i + 2, j), baseName(args[i + 1] ?? ''))],
          dynamic: dyn.slice(i + 1, j),
          text: args[i + 1] ?? '',
          via: [...c.via, name],
          pipeline: c.pipeline,
          fedBy: c.fedBy?.slice(i + 2, j + 1),
        };
        if (sub.argv[0]) {
          w.commands.push(sub);
          unwrap(sub, w);
        }
        i = j;
      }
    }
    return;
  }
  if (PARSED_SHELLS.has(name)) {
    const ci = args.findIndex((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
    if (ci >= 0 && args[ci + 1] !== undefined) {
      const after = args.slice(ci + 2).map((value, k) => ({ value, dynamic: dyn[ci + 2 + k] }));
      w.nested(args[ci + 1], `${name} -c`, after.length ? after : undefined);
    }
    // `bash <<EOF … EOF` and `bash <<< 'cmd'`: the heredoc or here-string is the program.
    for (const r of c.redirects) {
      if (r.heredoc !== undefined) w.nested(r.heredoc, `${name} heredoc`);
      else if (r.op === '<<<') w.nested(r.target, `${name} here-string`);
    }
    return;
  }
  if (name === 'eval') {
    w.nested(args.join(' '), 'eval');
    return;
  }
  if (name === 'awk' || name === 'gawk' || name === 'mawk' || name === 'nawk' || name === 'busybox-awk') {
    const prog = args.find((a, i) => !a.startsWith('-') && (i === 0 || !/^-(?:v|F|f)$/.test(args[i - 1])));
    if (prog) {
      for (const m of prog.matchAll(/\bsystem\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)/g))
        w.nested(m[1].replace(/\\(.)/g, '$1'), 'awk system()');
      for (const m of prog.matchAll(/"((?:[^"\\]|\\.)*)"\s*\|\s*getline|\|\s*"((?:[^"\\]|\\.)*)"/g))
        w.nested((m[1] ?? m[2]).replace(/\\(.)/g, '$1'), 'awk pipe');
      c.inline = { language: 'awk', code: prog };
    }
    return;
  }
  if (name === 'git') {
    // Settings whose value git later runs through the shell (`git config alias.x '!cmd'`,
    // `git -c core.sshCommand=cmd`): that command is judged as if run now.
    args.forEach((a, k) => {
      const kv =
        args[k - 1] === '-c' && /^[\w.-]+=/.test(a)
          ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
          : GIT_COMMAND_KEY.test(a) && args.includes('config') && !dyn[k + 1]
            ? [a, args[k + 1]]
            : undefined;
      if (!kv || kv[1] === undefined || !GIT_COMMAND_KEY.test(kv[0])) return;
      const bang = /^(?:alias|credential)\./i.test(kv[0]);
      if (bang && !kv[1].startsWith('!')) return;
      w.nestedQuiet(bang ? kv[1].slice(1) : kv[1], `git ${kv[0]}`);
    });
    // Subcommands that run commands: rebase --exec, bisect run, submodule foreach, filter-branch filters, difftool -x.
    let si = 0;
    while (si < args.length && args[si].startsWith('-'))
      si += /^(?:-c|-C|--git-dir|--work-tree|--namespace)$/.test(args[si]) ? 2 : 1;
    const sub = args[si] ?? '';
    const opts = args.slice(si + 1);
    opts.forEach((a, k) => {
      const eq = a.indexOf('=');
      const key = eq > 0 && a.startsWith('--') ? a.slice(0, eq) : a;
      const val = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : opts[k + 1];
      if (
        val !== undefined &&
        ((sub === 'rebase' && /^(?:--exec|-x)$/.test(key)) ||
          (sub === 'filter-branch' && /^--(?:tree|index|msg|env|commit|parent|tag-name)-filter$/.test(key)) ||
          (sub === 'difftool' && /^(?:-x|--extcmd)$/.test(key)))
      )
        w.nested(val, `git ${sub} ${key}`);
    });
    // git filter-repo's callbacks are Python function bodies it runs for every commit, blob or name.
    const callbacks = opts.flatMap((a, k) => {
      const m = /^(--[\w-]+-callback)(?:=(.*))?$/s.exec(a);
      return sub === 'filter-repo' && m ? [m[2] ?? opts[k + 1] ?? ''] : [];
    });
    if (callbacks.length) c.inline = { language: 'python', code: callbacks.join('\n') };
    // The ext:: transport runs its address as a program: words split at unescaped spaces ('% ' is a
    // space inside a word, '%%' a percent sign), so `clone 'ext::sh -c curl% …'` runs that command.
    for (const a of args) {
      const m = /^ext::(.+)$/s.exec(a);
      if (!m) continue;
      const words = m[1]
        .split(/(?<!%) +/)
        .map((wd) => wd.replace(/%(.)/g, (_, ch: string) => (ch === '%' || ch === ' ' ? ch : '')));
      w.nested(words.map((wd) => `'${wd.replace(/'/g, `'\\''`)}'`).join(' '), 'git ext:: transport');
    }
    if (sub === 'bisect' && opts[0] === 'run') rest(si + 3, 'git bisect run');
    if (sub === 'submodule' && opts.includes('foreach')) {
      const cmd = opts
        .slice(opts.indexOf('foreach') + 1)
        .filter((a) => a !== '--recursive' && a !== '-q' && a !== '--quiet');
      if (cmd.length) w.nested(cmd.join(' '), 'git submodule foreach');
    }
    return;
  }
  // Shell code inside another program's argument (sqlite3 '.shell …', ssh host 'cmd; cmd', vim -c '!sh').
  if (!NOT_SHELL_ARGS.has(name)) {
    args.forEach((a, i) => {
      if (dyn[i] || !/[;|&]|\bsh\b|\/bin\//.test(a) || !/\s/.test(a)) return;
      const body = a.replace(/^\s*(?:\.shell|\.system|!|:!|:shell|shell|system|exec)\s+/, '');
      if (/^[\w./~-]+(?:\s|$)/.test(body)) w.nestedQuiet(body, `${name} argument`);
    });
  }
  const interp = interpreterOf(name);
  if (interp) {
    const fi = args.findIndex((a) => interp.flags.includes(a));
    if (fi >= 0 && args[fi + 1] !== undefined) c.inline = { language: interp.language, code: args[fi + 1] };
    else {
      const hd = c.redirects.find((r) => r.heredoc !== undefined || r.op === '<<<');
      if (hd) c.inline = { language: interp.language, code: hd.heredoc ?? hd.target };
    }
  }
}

/**
 * A fast path for the common simple subset of bash: words made of literal characters and plain
 * quotes, pipelines, `&&` / `||` / `;` lists, plain redirections and variable assignments with
 * literal values. In this subset bash's meaning is only quote removal and word splitting, so the
 * result is exactly what the mvdan-sh path produces (a differential test checks this on every
 * corpus command). Anything else (expansions, substitutions, escapes, compound commands,
 * heredocs, comments, background jobs) returns undefined and goes to mvdan-sh.
 */
const NOT_SIMPLE = /[`\\()\n\r{}\0]|<<|\|&|!|#|\$(?![A-Za-z_?#@*$!0-9-])/;
/** Parameters the fast path can take: special ones, and names neither assigned in the line nor known. */
const PARAM = /^\$(?:([?#@*$!0-9-])|([A-Za-z_][A-Za-z0-9_]*))/;
const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
  'select',
  'function',
  'coproc',
  'time',
  '[[',
  ']]',
  'in',
]);
const REDIR = /^(\d*)(>>|>\||>&|<&|<>|&>>|&>|>|<)/;

interface RawWord {
  value: string;
  raw: string;
  quoted: boolean;
  dynamic: boolean;
}
type SimpleCmd = { words: RawWord[]; redirects: Redirect[] };

function simpleParse(src: string, env: Env): SimpleCmd[][] | undefined {
  if (NOT_SIMPLE.test(src)) return undefined;
  const lists: SimpleCmd[][] = [];
  let line: SimpleCmd[] = [];
  let cmd: SimpleCmd = { words: [], redirects: [] };
  let i = 0;
  const n = src.length;
  // `$NAME` and `$?`-style parameters: what the full parser gives for a value it cannot know
  // ($NAME, dynamic), or for HOME and SHELL what it assumes. A name the line assigns, or one the
  // caller knows, is left to the full parser (it substitutes the value and splits words).
  let bail = false;
  // The names the line assigns, found in one pass (a search per `$x` made a line of many `$x` cost n²).
  let assigned: Set<string> | undefined;
  const assigns = (name: string) =>
    (assigned ??= new Set([...src.matchAll(/(?:^|[\s;&|])([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]))).has(name);
  const param = (at: number, out: { value: string; dynamic: boolean }): number => {
    const m = PARAM.exec(src.slice(at, at + 256));
    if (!m) {
      bail = true;
      return at + 1;
    }
    const name = m[1] ?? m[2];
    if (m[2] && (env.has(name) || assigns(name))) {
      bail = true;
      return at + 1;
    }
    if (name === 'HOME') out.value += '~';
    else if (name === 'SHELL') out.value += 'sh';
    else {
      out.value += `$${name}`;
      out.dynamic = true;
    }
    return at + m[0].length;
  };
  const readWord = (): RawWord | undefined => {
    const out = { value: '', dynamic: false };
    let raw = '',
      quoted = false;
    while (i < n) {
      const c = src[i];
      if (c === ' ' || c === '\t' || c === '|' || c === ';' || c === '&' || c === '<' || c === '>') break;
      if (c === "'" || c === '"') {
        const end = src.indexOf(c, i + 1);
        if (end < 0) return undefined;
        const inner = src.slice(i + 1, end);
        if (c === '"' && inner.includes('$')) {
          for (let k = i + 1; k < end;) {
            if (src[k] === '$') k = param(k, out);
            else out.value += src[k++];
          }
        } else out.value += inner;
        raw += src.slice(i, end + 1);
        quoted = true;
        i = end + 1;
        continue;
      }
      if (c === '$') {
        const next = param(i, out);
        raw += src.slice(i, next);
        i = next;
        continue;
      }
      out.value += c;
      raw += c;
      i++;
    }
    if (bail) return undefined;
    return raw ? { value: out.value, raw, quoted, dynamic: out.dynamic } : undefined;
  };
  const endCmd = (): boolean => {
    if (cmd.words.length === 0) return false;
    line.push(cmd);
    cmd = { words: [], redirects: [] };
    return true;
  };
  while (i < n) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '|' || c === ';' || (c === '&' && src[i + 1] === '&')) {
      if (!endCmd()) return undefined;
      if (c === '|' && src[i + 1] !== '|') {
        i++;
        continue;
      }
      lists.push(line);
      line = [];
      i += c === ';' ? 1 : 2;
      continue;
    }
    const m = REDIR.exec(src.slice(i, i + 6));
    if (m && (m[1] === '' || /[\s|;&]/.test(src[i - 1] ?? ' '))) {
      i += m[0].length;
      while (src[i] === ' ' || src[i] === '\t') i++;
      const target = readWord();
      if (!target) return undefined;
      cmd.redirects.push({ op: m[2], fd: m[1] || undefined, target: target.value, dynamic: target.dynamic });
      continue;
    }
    if (c === '&') return undefined; // background job
    const w = readWord();
    if (!w) return undefined;
    if (cmd.words.length === 0 && RESERVED.has(w.raw)) return undefined;
    cmd.words.push(w);
  }
  if (cmd.words.length === 0 && (line.length > 0 || cmd.redirects.length > 0 || lists.length > 0)) return undefined;
  endCmd();
  if (line.length) lists.push(line);
  // Assignments of values only known at run time are the full parser's.
  for (const l of lists)
    for (const c of l)
      for (const w of c.words) {
        if (!ASSIGN.test(w.raw)) break;
        if (w.dynamic) return undefined;
      }
  return lists;
}

const ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function parseShell(src: string, env: Env = new Map()): ParsedShell {
  work = 0;
  const w = new Walker(env, 0, []);
  const simple = simpleParse(src.trim(), env);
  if (simple) {
    for (const list of simple) {
      const pipeline: SimpleCommand[] = [];
      for (const c of list) {
        const assigns: Record<string, string> = {};
        let k = 0;
        while (k < c.words.length && ASSIGN.test(c.words[k].raw)) {
          const eq = c.words[k].value.indexOf('=');
          assigns[c.words[k].value.slice(0, eq)] = c.words[k].value.slice(eq + 1);
          k++;
        }
        const words = c.words.slice(k);
        if (words.length === 0) {
          for (const [name, value] of Object.entries(assigns)) env.set(name, { value, dynamic: false });
          if (c.redirects.length) w.push([':'], [false], ':', c.redirects, pipeline, {});
          w.exportInherited(Object.keys(assigns), pipeline);
          continue;
        }
        const first = words[0];
        w.push(
          words.map((x) => x.value),
          words.map((x) => x.dynamic),
          first.quoted || first.raw.includes('$') ? first.value : first.raw,
          c.redirects,
          pipeline,
          assigns,
        );
      }
    }
    return { commands: w.commands, problems: w.problems };
  }
  walkSource(w, src);
  return { commands: w.commands, problems: w.problems };
}

/** Parses with mvdan-sh and walks the tree; a stack exhausted by deep nesting is a budget exceeded. */
function walkSource(w: Walker, src: string) {
  try {
    w.stmts(parseSource(src).Stmts);
  } catch (e) {
    if (e instanceof RangeError) throw new ShellBudgetError('its nesting is deeper than Warden analyses');
    throw e;
  }
}

/** The mvdan-sh path alone (for the differential test of the fast path). */
export function parseShellFull(src: string, env: Env = new Map()): ParsedShell {
  work = 0;
  const w = new Walker(env, 0, []);
  walkSource(w, src);
  return { commands: w.commands, problems: w.problems };
}
