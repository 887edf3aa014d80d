/**
 * The part of a JavaScript or TypeScript file that the trigger checks need parsed: the statements
 * holding a candidate line, every other line blanked with its line break kept, so lines and the
 * guards' text are those of the whole file. Most candidate files have a few candidate lines in a
 * large file (an SDK's generated resources): parsing their statements instead of the file is most
 * of the structure pass.
 *
 * Two levels of statements: those at the top of the file, and those one brace down (the members of
 * a top-level class, the statements of a top-level function, the cases of a top-level switch).
 * A candidate inside a member keeps that member, the members starting within 16 lines after it (a
 * guard reads the statements after it), and every line of its top-level statement that is in no
 * member (the class or function header, `} else {`, the closing brace). Any other candidate keeps
 * its whole top-level statement and the ones starting within 16 lines after it.
 *
 * A statement starts on a line that begins in code (no string, template, comment or regex open; one
 * lexical pass over the file) at that level's depth with only braces open, after a line whose code
 * visibly ended (`;`, `}` or the block's `{`), not indented deeper than that line, and not with an
 * operator, a bracket or a word that continues (`else`, `catch`…). Whenever the pass cannot be
 * sure (a quote open at a line's end, as JSX text has; brackets that do not balance; a regex it
 * cannot end) there is no part: the caller parses the whole file, as it does when the part's tree
 * holds an error. Being unsure only ever makes the statements bigger.
 */

/** Past this share of the file's lines, the part saves little: the whole file is parsed. */
const MAX_SHARE = 0.6;
/** `following()` in structure.ts reads a guard's next statements up to 15 lines after its end. */
const FOLLOWING = 16;

const CONTINUATION_WORD = /(?:else|catch|finally|while|extends|implements|in|of|instanceof|as|satisfies|from)\b/y;
/** Words after which a `/` starts a regex, not a division. */
const BEFORE_REGEX = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
  'instanceof',
]);

const IN_COMMENT = -2;
/** Brackets open at once past this: not code people write (the pass gives up, the whole file is parsed). */
const MAX_DEPTH = 1024;
/** Characters of names and numbers (`$` and `_` too), by code. */
const WORD = new Uint8Array(65536);
for (let c = 0; c < 128; c++) if (/[\w$]/.test(String.fromCharCode(c))) WORD[c] = 1;
/** Characters after which a `/` starts a regex (an operator or an opening bracket), by code. */
const BEFORE_REGEX_CHAR = new Uint8Array(65536);
for (const ch of '(,=:[!&|?{};+-*%<>~^') BEFORE_REGEX_CHAR[ch.charCodeAt(0)] = 1;

/** What the lexical pass knows of each line's start. */
export interface LineStates {
  /** Bracket depth at the line's start; -1: the line starts inside a template; IN_COMMENT: inside a block comment. */
  depth: Int32Array;
  /** Whether the innermost bracket open at the line's start is a brace (a block, class or object), not a template hole. */
  braces: Uint8Array;
  /** The line's last code character's code (outside comments; a literal's end counts as `"`), 0 for none. */
  last: Uint16Array;
}

/** One pass over a JavaScript or TypeScript text: each line's state, or undefined when unsure. */
export function lineStates(text: string, lineCount: number): LineStates | undefined {
  const depthAt = new Int32Array(lineCount).fill(-1);
  const braces = new Uint8Array(lineCount);
  const last = new Uint16Array(lineCount);
  const n = text.length;
  // (the open brackets by code: '{', '(', '[', or '$' for a template's `${` hole; plain locals, no
  // closure over them: this loop reads every character of the file)
  const stack = new Int32Array(MAX_DEPTH);
  let sp = 0,
    line = 0,
    lastCh = 0; // (the last code character, for regex against division)
  depthAt[0] = 0;
  braces[0] = 1;
  let i = 0;
  // (a hashbang line is not code)
  if (text.startsWith('#!')) {
    const e = text.indexOf('\n');
    if (e < 0) return { depth: depthAt, braces, last };
    i = e; // (its line break comes next)
  }
  for (; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c === 10) {
      if (++line >= lineCount) return undefined;
      depthAt[line] = sp;
      braces[line] = sp === 0 || stack[sp - 1] === 123 ? 1 : 0;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (c < 128 && WORD[c] === 1) {
      // (a name or number: read to its end at once)
      while (i + 1 < n && WORD[text.charCodeAt(i + 1)] === 1) i++;
      lastCh = last[line] = text.charCodeAt(i);
      continue;
    }
    if (c === 47) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        const e = text.indexOf('\n', i);
        i = (e < 0 ? n : e) - 1;
        continue;
      }
      if (d === 42) {
        const e = text.indexOf('*/', i + 2);
        if (e < 0) return undefined;
        for (let k = text.indexOf('\n', i); k >= 0 && k < e; k = text.indexOf('\n', k + 1)) {
          if (++line >= lineCount) return undefined;
          depthAt[line] = IN_COMMENT;
        }
        i = e + 1;
        continue;
      }
      const word = WORD[lastCh] ? wordBefore(text, i) : '';
      const regex = lastCh === 0 || (!word && BEFORE_REGEX_CHAR[lastCh] === 1) || BEFORE_REGEX.has(word);
      if (regex) {
        let cls = false;
        for (i++; i < n; i++) {
          const r = text.charCodeAt(i);
          if (r === 10) return undefined;
          if (r === 92) i++;
          else if (r === 91) cls = true;
          else if (r === 93) cls = false;
          else if (r === 47 && !cls) break;
        }
        if (i >= n) return undefined;
      }
      lastCh = 47;
      // (a line ending with a regex ends a statement; one ending with a division does not)
      last[line] = regex ? 34 : 47;
      continue;
    }
    if (c === 39 || c === 34) {
      for (i++; i < n; i++) {
        const q = text.charCodeAt(i);
        if (q === 10) return undefined; // (a quote open at a line's end: JSX text, or not JavaScript)
        if (q === 92) {
          if (text.charCodeAt(i + 1) === 10) return undefined;
          i++;
        } else if (q === c) break;
      }
      if (i >= n) return undefined;
      lastCh = last[line] = 34;
      continue;
    }
    if (c === 125 && sp > 0 && stack[sp - 1] === 36) {
      sp--;
      c = 96; // (a hole's end: the template goes on)
    } else if (c === 123 || c === 40 || c === 91) {
      if (sp === MAX_DEPTH - 1) return undefined;
      stack[sp++] = c;
    } else if (c === 125 || c === 41 || c === 93) {
      if (sp === 0 || stack[--sp] !== (c === 125 ? 123 : c === 41 ? 40 : 91)) return undefined;
    }
    if (c === 96) {
      // (a template's text, to its end or its next `${` hole; its lines start inside it)
      const e = templateEnd(text, i + 1);
      if (e < 0) return undefined;
      for (let k = text.indexOf('\n', i + 1); k >= 0 && k < e; k = text.indexOf('\n', k + 1))
        if (++line >= lineCount) return undefined;
      i = e;
      if (text.charCodeAt(e) === 36) {
        if (sp === MAX_DEPTH - 1) return undefined;
        stack[sp++] = 36;
        i++; // (the hole's `{`)
        lastCh = 123;
      } else lastCh = last[line] = 34;
      continue;
    }
    lastCh = last[line] = c;
  }
  if (sp) return undefined;
  return { depth: depthAt, braces, last };
}

/** Where a template literal's text that starts at `i` ends: its closing backtick or the `$` of a `${` hole (-1: never). */
function templateEnd(text: string, i: number): number {
  for (const n = text.length; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 96 || (c === 36 && text.charCodeAt(i + 1) === 123)) return i;
  }
  return -1;
}

/** The word (identifier or keyword) ending just before offset `at`, spaces skipped. */
function wordBefore(text: string, at: number): string {
  let e = at;
  while (e > 0 && /\s/.test(text[e - 1])) e--;
  let s = e;
  while (s > 0 && /[\w$]/.test(text[s - 1])) s--;
  return text.slice(s, e);
}

const CASE = /(?:case\b|default\s*:)/y;
/**
 * Whether a statement may hold an `if` whose body only leaves (`if (!x) return;`): the guard then reads
 * its parent's next statements. The statement found here may be several of the file's (a line ending
 * without `;` does not end one here), so any `if` in it counts, not only one that starts it.
 */
function ifThatLeaves(text: string, starts: readonly number[], from: number, to: number): boolean {
  const part = text.slice(starts[from], to + 1 < starts.length ? starts[to + 1] : text.length);
  return IF_WORD.test(part) && LEAVING.test(part);
}
const IF_WORD = /\bif\b/;
/** The words of a body that only leaves (structure.ts's LEAVE). */
const LEAVING = /\b(?:return|continue|break|exit|next)\b/;

/**
 * The file's statements as a tree: `owner[i]` the first line of the innermost statement holding line i
 * (-1: none, the file's own lines), `parent[m]` the statement around statement m (by first line),
 * `end[m]` its last line.
 */
interface Statements {
  owner: Int32Array;
  parent: Map<number, number>;
  end: Map<number, number>;
}

function statements(lines: string[], st: LineStates): Statements {
  const owner = new Int32Array(lines.length).fill(-1);
  const parent = new Map<number, number>();
  const end = new Map<number, number>();
  // (the statements open at the current line, outermost first)
  const open: { line: number; depth: number; isCase: boolean }[] = [];
  const close = (at: number) => end.set(open.pop()!.line, at - 1);
  let prevLast = 0,
    prevIndent = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const d = st.depth[i];
    let at = 0;
    while (at < l.length && SPACE[l.charCodeAt(at)] === 1) at++;
    if (d >= 0 && at < l.length) {
      while (open.length && open[open.length - 1].depth > d) close(i);
      const top = open[open.length - 1];
      const c = l.charCodeAt(at);
      const isCase = c === 99 || c === 100 ? sticky(CASE, l, at) : false;
      const starts =
        st.braces[i] === 1 &&
        CONTINUES[c] === 0 &&
        !sticky(CONTINUATION_WORD, l, at) &&
        (prevLast === 0 || prevLast === 59 || prevLast === 125 || (prevLast === 123 && d > 0)) &&
        (at <= prevIndent || prevLast === 123) &&
        !(top && top.depth === d && top.isCase && !isCase);
      // (a sibling starts, or the block around them closes: `}`, `} else {`, which are the outer statement's)
      if (top && top.depth === d && (starts || c === 125)) close(i);
      if (starts) {
        parent.set(i, open.length ? open[open.length - 1].line : -1);
        open.push({ line: i, depth: d, isCase });
      }
    }
    owner[i] = open.length ? open[open.length - 1].line : -1;
    if (st.last[i]) {
      prevLast = st.last[i];
      prevIndent = at;
    }
  }
  while (open.length) close(lines.length);
  return { owner, parent, end };
}

/** Whether a sticky regex matches line `l` at offset `at`. */
function sticky(re: RegExp, l: string, at: number): boolean {
  re.lastIndex = at;
  return re.test(l);
}
const SPACE = new Uint8Array(65536);
for (const ch of ' \t\r\v\f\u00a0\ufeff') SPACE[ch.charCodeAt(0)] = 1;
/** First characters of a line that continues the one before: an operator, a closing bracket, a quote… */
const CONTINUES = new Uint8Array(65536);
for (const ch of ')]}.,?:=+-*/%&|^<>!~([`\'"@#') CONTINUES[ch.charCodeAt(0)] = 1;

/**
 * A line of comment only (or blank): blanked in the statements around a kept one, whose headers
 * and braces are all their guards need (a guard's own text lies in its kept statement).
 */
function commentOnly(line: string, depth: number): boolean {
  const t = line.trim();
  if (t === '') return true;
  if (depth === IN_COMMENT) {
    const e = t.indexOf('*/');
    return e < 0 || e === t.length - 2;
  }
  if (depth < 0) return false;
  if (t.startsWith('//')) return true;
  if (!t.startsWith('/*')) return false;
  const e = t.indexOf('*/', 2);
  return e < 0 || e === t.length - 2;
}

/** What the trigger checks parse of a file: the candidate lines that may start a guard, and the part holding them. */
export interface Part {
  /** The candidate lines on which a guard may start (none: nothing to parse). */
  lines: number[];
  /** The text with every other statement's lines blanked; undefined: parse the whole file. */
  text?: string;
}

/**
 * Whether a guard may start on line c inside a statement ending on line e: the JavaScript grammars'
 * guards (structure.ts asks for if_statement, switch_case and ternary_expression) start with `if`
 * or `case`, or hold a `?` after their start, which is on c and inside the statement.
 */
function mayStartGuard(text: string, lines: string[], starts: readonly number[], c: number, e: number): boolean {
  if (/\b(?:if|case)\b/.test(lines[c])) return true;
  const to = e + 1 < starts.length ? starts[e + 1] : text.length;
  for (let q = text.indexOf('?', starts[c]); q >= 0 && q < to; q = text.indexOf('?', q + 1))
    if (ternary(text, q)) return true;
  return false;
}

/**
 * Whether the `?` at q may be a conditional's: not `??`, `??=`, `?.` (optional chaining; `? .5` is a
 * conditional), nor TypeScript's optional `a?: T`, `a?)`, `a?,` or `a?;`. (One in a string or a
 * comment counts: the test only has to let every conditional through.)
 */
function ternary(text: string, q: number): boolean {
  const next = text.charCodeAt(q + 1);
  if (text.charCodeAt(q - 1) === 63 || next === 63) return false;
  if (next === 46) return isDigit(text.charCodeAt(q + 2));
  return next !== 58 && next !== 41 && next !== 44 && next !== 59;
}
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The candidate lines of a JavaScript or TypeScript file on which a guard may start, and the file's
 * text with every line outside their statements blanked; undefined when the statements cannot be
 * bounded (then every candidate may, and the whole file is parsed).
 */
export function partOf(
  text: string,
  lines: string[],
  lineStarts: readonly number[],
  candidates: Iterable<number>,
): Part | undefined {
  const st = lineStates(text, lines.length);
  if (!st) return undefined;
  const { owner, parent, end } = statements(lines, st);
  const may: number[] = [];
  for (const c of candidates) {
    if (c < 0 || c >= lines.length) return undefined;
    // (a line in no statement: what starts there may reach over the statements after it)
    if (owner[c] < 0) return undefined;
    if (mayStartGuard(text, lines, lineStarts, c, end.get(owner[c])!)) may.push(c);
  }
  if (!may.length) return { lines: may };
  // (each statement's own lines, not its inner statements': read from its lines once)
  const ownDone = new Set<number>();
  const markOwn = (m: number) => {
    if (ownDone.has(m)) return;
    ownDone.add(m);
    const [from, to] = m < 0 ? [0, lines.length - 1] : [m, end.get(m)!];
    for (let j = from; j <= to; j++) if (owner[j] === m && !commentOnly(lines[j], st.depth[j])) mark(j, j);
  };
  // (the statements with the same parent, by first line: made when first asked)
  let children: Map<number, number[]> | undefined;
  const siblings = (p: number) => {
    if (!children) {
      children = new Map();
      for (const [m, q] of parent) {
        let list = children.get(q);
        if (!list) children.set(q, (list = []));
        list.push(m);
      }
    }
    return children.get(p) ?? [];
  };
  const keep = new Uint8Array(lines.length);
  let kept = 0;
  const mark = (from: number, to: number) => {
    for (let j = from; j <= to; j++)
      if (!keep[j]) {
        keep[j] = 1;
        kept++;
      }
  };
  const seen = new Set<number>();
  markOwn(-1);
  for (const c of may) {
    const m = owner[c];
    if (seen.has(m)) continue;
    seen.add(m);
    // (the statement, the ones after it in its block when it is an `if` (what follows a guard that
    // leaves), and the lines of every statement around it in none of its inner statements: headers, braces)
    const last = end.get(m)!;
    mark(m, last);
    if (ifThatLeaves(text, lineStarts, m, last))
      for (const s of siblings(parent.get(m)!)) if (s > last && s <= last + FOLLOWING) mark(s, end.get(s)!);
    for (let a = parent.get(m)!; a >= 0; a = parent.get(a)!) markOwn(a);
    if (kept > lines.length * MAX_SHARE) return { lines: may };
  }
  const out: string[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) out[i] = keep[i] ? lines[i] : '';
  return { lines: may, text: out.join('\n') };
}
