/**
 * The shape of a file that the planted-behaviour checks reason about, in every language ast-grep
 * parses: its guards (a condition and the code it opens) and its functions (name and body). One
 * parse per file, made only when a check's cheap text test says the file may hold something.
 * Names assigned once from a literal or an expression (constants, config reads) are kept so a
 * condition that reads `CUTOFF` is judged by what `CUTOFF` holds.
 */
import type { SourceFile } from '../source.ts';
import { astGrep, astGrepLang, registerParsers, usingStandInAstGrep } from '../code/languages.ts';
import { parsedTrees } from '../code/index.ts';
import { partOf, type Part } from './partial.ts';

/** A string literal on one line (quotes of any kind, escapes inside): blanked where only code counts. */
export const STRING_LITERAL = /(["'`])(?:(?!\1)[^\\\n]|\\.)*\1/g;

interface Node {
  text(): string;
  kind(): string;
  field(name: string): Node | null;
  range(): { start: { line: number; index: number }; end: { line: number; index: number } };
  children(): Node[];
  parent(): Node | null;
}

/** A condition and the code it opens (0-based lines, inclusive). */
export interface Guard {
  condition: string;
  /** The condition with each name it reads followed by what that name was assigned (one level). */
  expanded: string;
  line: number;
  bodyText: string;
  bodyStart: number;
  bodyEnd: number;
  /** The enclosing function's name ('' at top level). */
  fn: string;
  /** Whether the body only leaves (return/continue/exit): then what follows is what the condition opens. */
  leaves: boolean;
  /** The code after the guard in its block (for `if (!trigger) return;` followed by the harm). */
  after: string;
  /** A final `else` block: what the opposite of the condition opens. */
  elseText: string;
  /** A value chosen by the condition (`c ? a : b`), not a block run. */
  ternary?: boolean;
}

export interface Func {
  name: string;
  start: number;
  end: number;
  text: string;
  params: string[];
}

export interface Structure {
  guards: Guard[];
  functions: Func[];
  /** Name → the text it is assigned, for names assigned at most a few times. */
  values: Map<string, string>;
  /** Function name (last part: `Store::put` → `put`) → its text, for names defined once. */
  bodies: { get(name: string): string | undefined };
  /** The whole file's text (counters are recognised by their increments anywhere in it). */
  text: string;
}

const IF_KINDS = new Set([
  'if_statement',
  'if_expression',
  'if',
  'unless',
  'elif_clause',
  'else_if_clause',
  'elsif',
  'if_modifier',
  'unless_modifier',
]);
const FUNCTION_KINDS = new Set([
  'function_definition',
  'function_declaration',
  'function_expression',
  'generator_function_declaration',
  'method_definition',
  'method_declaration',
  'constructor_declaration',
  'function_item',
  'method',
  'singleton_method',
  'local_function_statement',
  'arrow_function',
  'func_literal',
]);
/** A value chosen by a condition: `c ? a : b`, `a if c else b`. */
const TERNARY_KINDS = new Set(['ternary_expression', 'conditional_expression']);
/** A branch of a switch, match or case statement: its label is the condition. */
const CASE_KINDS = new Set([
  'expression_case',
  'switch_case',
  'case_statement',
  'switch_block_statement_group',
  'switch_section',
  'case_clause',
  'match_arm',
  'when',
  'case_item',
]);
const LEAVE = /^\s*[{(]?\s*(?:return|continue|break|exit|next)\s*(?:\(\s*\))?\s*;?\s*[})]?\s*$/;

const cache = new WeakMap<SourceFile, Structure | null>();

/** The file's structure, or null when it cannot be parsed here (no language, a stand-in parser). */
export function structureOf(file: SourceFile, only?: Set<number>): Structure | null {
  if (cache.has(file)) return cache.get(file)!;
  let s: Structure | null = null;
  try {
    s = build(file, only);
  } catch {
    s = null; // (the line-based checks still read the file; a parse failure hides nothing they see)
  }
  cache.set(file, s);
  return s;
}

function build(file: SourceFile, only?: Set<number>, whole = false): Structure | null {
  const lang = file.language;
  if (!lang || usingStandInAstGrep()) return null;
  registerParsers(lang);
  const php = lang === 'php' && !/<\?(?:php\b|=)?/.test(file.text);
  const out: Structure = {
    guards: [],
    functions: [],
    values: assignments(file),
    bodies: { get: () => undefined },
    text: file.text,
  };
  const tree = parsedTrees.get(file)?.root;
  // (the code analyzer's tree, when it parsed the file, costs nothing more: else only what the candidates need)
  const part = !tree && !whole && partialParse && only ? partOfFile(file, only) : undefined;
  // (no candidate line can start a guard: nothing to parse)
  if (part && !part.lines.length) {
    out.bodies = bodiesOf(file);
    return out;
  }
  // (the code analyzer's tree when it parsed the file; else a PHP excerpt without its tag gets one on
  // line 1, so lines stay: it parses as HTML otherwise)
  const partRoot = tree ? undefined : partTree(file, part);
  const root = (tree ??
    partRoot ??
    astGrep()
      .parse(astGrepLang(lang) as never, (php ? '<?php ' : '') + file.text)
      .root()) as unknown as Node & { findAll(c: unknown): Node[] };
  // (the guards are found natively, and only those on candidate lines are read: a call per node costs)
  // (`a && harm()` as a statement: bash lists; in other languages `&&` is everywhere and rarely a guard)
  const guardKinds = kindsOf(
    lang,
    new Set([...IF_KINDS, ...TERNARY_KINDS, ...CASE_KINDS, ...(lang === 'bash' ? ['list'] : [])]),
  );
  for (const n of root.findAll({ rule: { any: guardKinds.map((kind) => ({ kind })) } })) {
    // (only guards that start on a line that may hold a trigger are built: one call per other guard)
    if (only && !only.has(n.range().start.line)) continue;
    const k = n.kind();
    const fn = enclosingName(n);
    let g: Guard | null = null;
    if (IF_KINDS.has(k)) g = guardOf(n, fn);
    else if (TERNARY_KINDS.has(k)) g = ternaryOf(n, fn);
    else if (CASE_KINDS.has(k)) g = caseOf(n, fn);
    else if (/&&|\|\|/.test(n.field('operator')?.text() ?? (k === 'list' ? n.text() : ''))) g = shortCircuit(n, fn);
    if (g) out.guards.push(g);
    // (read from the part, a name or a switch's subject spanning lines may hold blanked lines: an
    // anonymous function named by a long left operand. The whole file decides then.)
    if (partRoot && g && (g.fn.includes('\n') || (CASE_KINDS.has(k) && g.condition.includes('\n'))))
      return build(file, only, true);
  }
  out.bodies = bodiesOf(file);
  return out;
}

/** (for the tests: off, every file is parsed whole, to compare the guards found either way) */
let partialParse = true;
export function setPartialParse(on: boolean): void {
  partialParse = on;
}

/** What a JavaScript or TypeScript file's candidate lines need parsed (partial.ts), or undefined: the whole file. */
function partOfFile(file: SourceFile, only: Set<number>): Part | undefined {
  const lang = file.language;
  if ((lang !== 'javascript' && lang !== 'typescript') || /\.jsx$/i.test(file.path)) return undefined;
  return partOf(file.text, file.lines, file.lineStarts(), only);
}

/**
 * The tree of the part, or undefined (parse the whole file) without one or when its tree holds an
 * error (a cut in the wrong place would: the whole file decides then).
 */
function partTree(file: SourceFile, part: Part | undefined): unknown {
  if (part?.text === undefined) return undefined;
  const root = astGrep()
    .parse(astGrepLang(file.language!) as never, part.text)
    .root() as unknown as { findAll(c: unknown): unknown[] };
  return root.findAll({ rule: { kind: 'ERROR' } }).length ? undefined : root;
}

/** The name of the innermost function around a node ('' at top level). */
function enclosingName(n: Node): string {
  let p = n.parent();
  for (let k = 0; p && k < 60; k++, p = p.parent()) if (FUNCTION_KINDS.has(p.kind())) return functionName(p);
  return '';
}

// (a call after a keyword, `if expired(` or `return check(`, is not a definition: it would hide the helper)
const DEFINITION =
  /^(\s*)(?:(?:export|public|private|protected|internal|static|async|final|override|virtual|pub|unsafe)\s+)*(?!(?:if|elif|else|elsif|unless|while|until|for|foreach|return|await|not|new|throw|raise|yield|case|when|and|or|in|do|echo|print|puts|assert|delete|typeof|defer|go|sizeof|match)\b)(?:def|function|func|fn|sub|void|bool|boolean|int|string|String|Status|auto|[\w<>:,\[\]*&]+)\s+(?:\([^)]*\)\s*)?(?:[\w:]+(?:::|\.))?([A-Za-z_]\w*)\s*\(|^(\s*)(?:export\s+)?(?:const|let|var)\s+([A-Za-z_]\w*)\s*=\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*=>|\w+\s*=>)|^(\s*)(?:function\s+)?([A-Za-z_]\w*)\s*\(\)\s*\{\s*$/;

/**
 * The file's own functions by name, their text cut from the lines (the definition line, then the
 * lines indented deeper, and the closing line): read from the text when a helper is asked for.
 */
export function bodiesOf(file: SourceFile): { get(name: string): string | undefined } {
  let index: Map<string, number | null> | undefined;
  return {
    get(name) {
      if (!index) {
        index = new Map();
        file.lines.forEach((l, i) => {
          if (l.length > 400) return;
          const m = DEFINITION.exec(l);
          // (the last form is a shell function: `owners_present() {`)
          const n = m?.[2] ?? m?.[4] ?? m?.[6];
          if (n && !/^(?:if|for|while|switch|catch|return|new)$/.test(n)) index!.set(n, index!.has(n) ? null : i);
        });
      }
      const at = index.get(name);
      if (at === undefined || at === null) return undefined;
      const lines = file.lines;
      const indent = (s: string) => s.length - s.trimStart().length;
      const base = indent(lines[at]);
      let end = at;
      for (let j = at + 1; j < lines.length && j <= at + 80; j++) {
        const l = lines[j];
        if (!l.trim()) continue;
        // (a brace on its own line under the definition opens the body: C#, Java and C in Allman style)
        if (end === at && /^\s*\{\s*$/.test(l)) {
          end = j;
          continue;
        }
        end = j;
        if (indent(l) <= base) break;
      }
      return lines
        .slice(at, end + 1)
        .join('\n')
        .slice(0, 4000);
    },
  };
}

/** The kinds of a set that a language's grammar has (ast-grep refuses a rule naming an unknown kind). */
const KNOWN = new Map<string, string[]>();
function kindsOf(lang: string, kinds: Set<string>): string[] {
  const key = `${lang}:${[...kinds].join(',')}`;
  let known = KNOWN.get(key);
  if (!known) {
    const probe = astGrep()
      .parse(astGrepLang(lang as never) as never, '')
      .root() as unknown as { findAll(c: unknown): unknown[] };
    known = [...kinds].filter((kind) => {
      try {
        probe.findAll({ rule: { kind } });
        return true;
      } catch {
        return false;
      }
    });
    KNOWN.set(key, known);
  }
  return known;
}

/** A function's name, or for an anonymous one the name it is assigned to or passed as. */
function functionName(n: Node): string {
  const name = n.field('name') ?? n.field('declarator');
  // (a C++ method defined outside its class, `bool AuthStage::IsCanary(…) const`, is called by its own name)
  if (name)
    return name
      .text()
      .replace(/\(.*$/s, '')
      .trim()
      .replace(/^[*&\s]*(?:[\w<>]+::)+(?=~?[A-Za-z_]\w*$)/, '');
  const p = n.parent();
  const pn = p?.field('name') ?? p?.field('left') ?? p?.field('key');
  return pn ? pn.text() : '';
}

function guardOf(n: Node, fn: string): Guard | null {
  const cond = n.field('condition');
  if (!cond) return null;
  let body = n.field('consequence') ?? n.field('body');
  let bodyText: string, bodyStart: number, bodyEnd: number;
  if (body) {
    bodyText = body.text();
    bodyStart = body.range().start.line;
    bodyEnd = body.range().end.line;
  } else {
    // (bash: the statements after `then` up to an elif/else, which are not fields)
    const parts = n
      .children()
      .filter((c) => c.range().start.index > cond.range().end.index && !/elif|else|^fi$|^then$/.test(c.kind()));
    if (!parts.length) return null;
    body = parts[0];
    bodyText = parts.map((c) => c.text()).join('\n');
    bodyStart = parts[0].range().start.line;
    bodyEnd = parts[parts.length - 1].range().end.line;
  }
  const leaves = LEAVE.test(bodyText.replace(/^\s*(?:then|do|:)\s*/, ''));
  return {
    condition: cond.text(),
    expanded: '',
    line: cond.range().start.line,
    bodyText,
    bodyStart,
    bodyEnd,
    fn,
    leaves,
    // (also after a block that only zeroes settings: what follows uses them, trigger.ts)
    after: leaves || zeroedSettings(bodyText).length ? following(n) : '',
    elseText: elseOf(n),
  };
}

function plain(n: Node, condition: string, body: string, fn: string, ternary = false): Guard {
  const r = n.range();
  return {
    condition,
    expanded: '',
    line: r.start.line,
    bodyText: body,
    bodyStart: r.start.line,
    bodyEnd: r.end.line,
    fn,
    leaves: false,
    after: '',
    elseText: '',
    ternary,
  };
}

/** `c ? a : b` (fields) or Python's `a if c else b` (children: a, if, c, else, b). */
function ternaryOf(n: Node, fn: string): Guard | null {
  const cond = n.field('condition');
  if (cond) {
    const a = n.field('consequence')?.text() ?? '',
      b = n.field('alternative')?.text() ?? '';
    return { ...plain(n, cond.text(), `${a}\n${b}`, fn, true), line: cond.range().start.line };
  }
  const kids = n.children();
  const at = kids.findIndex((c) => c.kind() === 'if');
  if (at < 1 || at + 1 >= kids.length) return null;
  const c = kids[at + 1];
  const rest = kids.filter((x, i) => i !== at + 1 && !/^(if|else)$/.test(x.kind()));
  return { ...plain(n, c.text(), rest.map((x) => x.text()).join('\n'), fn, true), line: c.range().start.line };
}

/** A case label and its statements (the switch's subject goes with the label). */
function caseOf(n: Node, fn: string): Guard | null {
  const text = n.text();
  const head = /^[^\n]*?(?::(?!:)|=>|\)|\bthen\b)/.exec(text);
  if (!head) return null;
  const sw = n.parent()?.parent();
  const subject = sw?.field('value')?.text() ?? sw?.field('condition')?.text() ?? '';
  return plain(n, `${subject} == ${head[0]}`, text.slice(head[0].length), fn);
}

/** `trigger && harm()` (a shell list, or an expression statement in C-like languages). */
function shortCircuit(n: Node, fn: string): Guard | null {
  const kids = n.children().filter((c) => !/^(&&|\|\||and|or)$/.test(c.kind()));
  if (kids.length < 2) return null;
  const parent = n.parent()?.kind() ?? '';
  if (n.kind() === 'binary_expression' && !/expression_statement/.test(parent)) return null;
  const [cond, body] = [kids[0], kids[kids.length - 1]];
  return {
    condition: cond.text(),
    expanded: '',
    line: cond.range().start.line,
    bodyText: body.text(),
    bodyStart: body.range().start.line,
    bodyEnd: body.range().end.line,
    fn,
    leaves: false,
    after: '',
    elseText: '',
  };
}

/** The text of a final else block (not an else-if, which is a guard of its own). */
function elseOf(n: Node): string {
  const alt = n.field('alternative') ?? n.children().find((c) => c.kind() === 'else_clause' || c.kind() === 'else');
  if (!alt || IF_KINDS.has(alt.kind())) return '';
  if (alt.children().some((c) => IF_KINDS.has(c.kind()))) return '';
  return alt.text();
}

/**
 * The names a block only sets to zero, false or empty (`{ retentionDays = 0; }`), when that is all it does
 * (comments aside); none otherwise. A trigger's harm may be what follows the block with them (trigger.ts).
 */
export function zeroedSettings(body: string): string[] {
  // (such a block is a line or three: a long one is not read)
  if (body.length > 400) return [];
  const lines = body
    .replace(/(?:\/\/|#).*$/gm, '')
    .split('\n')
    .map((l) => l.trim().replace(/^(?:then|do|:)\s*/, ''))
    .filter((l) => l && !/^(?:[{}]|end|fi)$/.test(l));
  const names = lines.map((l) => ZEROED.exec(l)?.[1]);
  // (besides the zeroed settings the block may only set other names or redefine a one-line shell
  // function, `is_monthly() { return 1; }`: a block that also calls something is judged by that call)
  const rest = lines.filter((_l, k) => !names[k]);
  const zeroed = names.filter(Boolean) as string[];
  return zeroed.length && rest.every((l) => SETS_ONLY.test(l)) ? zeroed : [];
}
const SETS_ONLY = /^(?:local\s+|export\s+|readonly\s+)?\$?[\w.]+\s*=(?!=)|^\w+\s*\(\)\s*\{[^{}]*\}\s*;?$/;
const ZEROED = /^\{?\s*\$?(?:self\.|this\.|@)?([A-Za-z_]\w*)\s*=\s*(?:0|0\.0|false|False|""|''|nil|None)\s*;?\s*\}?$/;

/** The statements after a node in its block, up to about fifteen lines. */
function following(n: Node): string {
  const p = n.parent();
  if (!p) return '';
  const end = n.range().end.index;
  const line = n.range().end.line;
  return p
    .children()
    .filter((c) => c.range().start.index > end && c.range().start.line <= line + 15)
    .map((c) => c.text())
    .join('\n');
}

/**
 * Names and what they are assigned, language-general and textual: `NAME = …`, `const NAME = …`,
 * `NAME := …`, `#define NAME …`, `static NAME: T = …`, `readonly T NAME = …`, shell `NAME=…`.
 * A name assigned more than three times is left out (it is a variable, not a setting). Of several
 * names assigned at once (`sec, err := parse(STAMP)`) each holds the value.
 */
const ASSIGN =
  /^\s*(?:(?:export|public|private|protected|internal|static|final|readonly|const|let|var|val|my|our|local|declare|pub|mut|auto|constexpr|inline|unsafe|volatile)\s+)*(?:[\w:<>[\],.*&]+\s+){0,3}?\**(?:\$|@@?|self\.|this\.|\$this->)?([A-Za-z_]\w*)(?!::)(?:\[[^\]\n]{0,12}\])?((?:\s*,\s*[A-Za-z_]\w*){0,3})\s*(?::\s*[^=\n]{1,60}?)?\s*(?::=|=(?![=>~]))\s*(.+)$/;
const DEFINE = /^\s*#\s*define\s+([A-Za-z_]\w*)()\s+(.+)$/;
const assigned = new WeakMap<SourceFile, Map<string, string>>();
/** (one reading per file: every check asks for it) */
export function assignments(file: SourceFile): Map<string, string> {
  let m = assigned.get(file);
  if (!m) assigned.set(file, (m = readAssignments(file)));
  return m;
}

const TRAILING_COMMENT = /\s+(?:\/\/|#|\/\*|--)[^"'`\n]*$/;

function readAssignments(file: SourceFile): Map<string, string> {
  const seen = new Map<string, string>();
  const count = new Map<string, number>();
  const lines = file.lines;
  // (both regexes need an `=` or a `define` on the line: only the lines holding one are read, found
  // by two searches of the text instead of two of every line)
  for (const i of linesHolding(file, '=', 'define')) {
    const l = lines[i];
    if (l.length > 400) continue;
    const m = ASSIGN.exec(l) ?? DEFINE.exec(l);
    if (!m) continue;
    // (a value that opens a bracket it does not close goes on over the next lines: a list, a set, an object)
    // (a trailing comment is not part of the value: `IBAN = "LT61…"  # clearing` holds the literal alone;
    // a comment holding a quote is left, as it may be a string's `//` or `#`)
    let value = m[3].replace(TRAILING_COMMENT, '');
    // (no bracket in it, none left open: most values, and the cheap test; a string never spans a line,
    // so the brackets left open add up line by line)
    if (/[([{]/.test(value))
      for (let j = i + 1, open = depth(value); j < lines.length && j <= i + 12 && open > 0; j++) {
        value += `\n${lines[j]}`;
        open += depth(lines[j]);
      }
    // (one name, most lines: no list made for it)
    for (const name of m[2] ? [m[1], ...m[2].split(',').slice(1)].map((x) => x.trim()) : [m[1]]) {
      if (name === '_') continue;
      const n = (count.get(name) ?? 0) + 1;
      count.set(name, n);
      if (n === 1) seen.set(name, value.slice(0, 600));
    }
  }
  for (const [k, n] of count) if (n > 3) seen.delete(k);
  // (a field given a moment-sized number where a struct or object is built, `schema_epoch: 1772116736,`: a
  // setting's default that a condition reads as `self.policy.schema_epoch`)
  for (const m of file.text.matchAll(FIELD_MOMENT))
    if (!seen.has(m[1]) && !count.has(m[1])) seen.set(m[1], m[2].replace(/_/g, ''));
  return seen;
}
const FIELD_MOMENT = /^[ \t]*([A-Za-z_]\w*)[ \t]*:[ \t]*(\d[\d_]{8,})[ \t]*,?[ \t]*(?:\/\/.*)?$/gm;

/** Brackets a text opens and does not close (outside its string literals, none of which spans a line). */
function depth(text: string): number {
  let d = 0;
  const code = text.replace(STRING_LITERAL, '');
  for (let i = 0; i < code.length; i++) {
    const ch = code.charCodeAt(i);
    if (ch === 40 || ch === 91 || ch === 123)
      d++; // ( [ {
    else if (ch === 41 || ch === 93 || ch === 125) d--; // ) ] }
  }
  return d;
}

/** The lines (0-based, ascending, each once) holding one of the given strings. */
function linesHolding(file: SourceFile, ...needles: string[]): number[] {
  const text = file.text;
  const starts = file.lineStarts();
  const out: number[] = [];
  for (const needle of needles) {
    let line = 0;
    for (let at = text.indexOf(needle); at >= 0;) {
      while (line + 1 < starts.length && starts[line + 1] <= at) line++;
      out.push(line);
      // (the next search from the next line: one hit per line is enough)
      if (line + 1 >= starts.length) break;
      at = text.indexOf(needle, starts[line + 1]);
    }
  }
  if (needles.length < 2) return out;
  out.sort((a, b) => a - b);
  return out.filter((l, k) => k === 0 || l !== out[k - 1]);
}

/** A condition followed by what the names it reads hold (two levels: `if expired()` → its body is not followed). */
/**
 * A root name, or a member of the class's own (`self::CODE`, `static::CODE`, `Self::CODE`, `this.code`,
 * `$this->code`): a class constant is read through its class, and the file assigns it by its bare name.
 */
export const OWN_NAME =
  /(?:(?<=\b(?:self|static|Self)::)|(?<=(?:\bthis|\bself|\$this)(?:\.|->))|(?<![\w.$>:]|->|::))[A-Za-z_]\w*/g;
export function expand(text: string, values: Map<string, string>, depth = 2): string {
  if (depth === 0) return text;
  const extra: string[] = [];
  // (root names only: `process.env.X` reads `process`, not whatever a local `env` holds)
  for (const m of text.matchAll(OWN_NAME)) {
    const v = values.get(m[0]);
    if (v !== undefined && !extra.includes(v)) extra.push(expand(v, values, depth - 1));
  }
  return extra.length ? `${text} \u0000 ${extra.join(' \u0000 ')}` : text;
}

/** Every guard with its expansion filled in. */
export function expandedGuards(s: Structure): Guard[] {
  for (const g of s.guards) if (!g.expanded) g.expanded = expand(g.condition, s.values);
  return s.guards;
}
