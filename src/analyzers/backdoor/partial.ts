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

const CONTINUES_LINE = /^[)\]}.,?:=+\-*/%&|^<>!~([`'"@#]/;
const CONTINUATION_WORD = /^(?:else|catch|finally|while|extends|implements|in|of|instanceof|as|satisfies|from)\b/;
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

/** What the lexical pass knows of each line's start. */
export interface LineStates {
  /** Bracket depth at the line's start; -1: the line starts inside a template; IN_COMMENT: inside a block comment. */
  depth: Int32Array;
  /** Whether the innermost bracket open at the line's start is a brace (a block, class or object), not a template hole. */
  braces: Uint8Array;
  /** The line's last code character (outside comments and literals: `"` for a literal's end), '' for none. */
  last: string[];
}

/** One pass over a JavaScript or TypeScript text: each line's state, or undefined when unsure. */
export function lineStates(text: string, lineCount: number): LineStates | undefined {
  const depthAt = new Int32Array(lineCount).fill(-1);
  const braces = new Uint8Array(lineCount);
  const last: string[] = new Array(lineCount).fill('');
  const n = text.length;
  // (the open brackets: '{', '(', '[', or '$' for a template's `${` hole)
  const stack: string[] = [];
  let line = 0,
    lastCh = ''; // (the last code character, for regex against division)
  depthAt[0] = 0;
  braces[0] = 1;
  let i = 0;
  const newline = () => ++line < lineCount;
  // (inside a template literal, after its backtick or a hole's closing brace: to its end or next hole)
  const template = (): boolean => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 92) {
        if (text.charCodeAt(i + 1) === 10) newline();
        i++;
      } else if (c === 96) return true;
      else if (c === 10) newline();
      else if (c === 36 && text.charCodeAt(i + 1) === 123) {
        stack.push('$');
        i++;
        return true;
      }
    }
    return false;
  };
  // (a hashbang line is not code)
  if (text.startsWith('#!')) {
    const e = text.indexOf('\n');
    if (e < 0) return { depth: depthAt, braces, last };
    i = e; // (its line break comes next)
  }
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (!newline()) return undefined;
      depthAt[line] = stack.length;
      braces[line] = stack.length === 0 || stack[stack.length - 1] === '{' ? 1 : 0;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
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
        for (let k = text.indexOf('\n', i); k >= 0 && k < e; k = text.indexOf('\n', k + 1))
          if (newline()) depthAt[line] = IN_COMMENT;
        i = e + 1;
        continue;
      }
      const word = /[\w$]/.test(lastCh) ? wordBefore(text, i) : '';
      const regex = lastCh === '' || (!word && /[(,=:[!&|?{};+\-*%<>~^]/.test(lastCh)) || BEFORE_REGEX.has(word);
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
      lastCh = '/';
      // (a line ending with a regex ends a statement; one ending with a division does not)
      last[line] = regex ? '"' : '/';
      continue;
    }
    if (c === 39 || c === 34) {
      for (i++; i < n; i++) {
        const s = text.charCodeAt(i);
        if (s === 10) return undefined; // (a quote open at a line's end: JSX text, or not JavaScript)
        if (s === 92) {
          if (text.charCodeAt(i + 1) === 10) return undefined;
          i++;
        } else if (s === c) break;
      }
      if (i >= n) return undefined;
      lastCh = last[line] = '"';
      continue;
    }
    if (c === 96) {
      i++;
      if (!template()) return undefined;
      lastCh = last[line] = '"';
      continue;
    }
    const ch = text[i];
    if (c === 123 || c === 40 || c === 91) {
      stack.push(ch);
    } else if (c === 125 || c === 41 || c === 93) {
      const open = stack.pop();
      if (open === undefined || (open === '$' ? c !== 125 : open !== (c === 125 ? '{' : c === 41 ? '(' : '[')))
        return undefined;
      if (open === '$') {
        i++;
        if (!template()) return undefined;
        lastCh = last[line] = '"';
        continue;
      }
    }
    lastCh = last[line] = ch;
  }
  if (stack.length) return undefined;
  return { depth: depthAt, braces, last };
}

/** The word (identifier or keyword) ending just before offset `at`, spaces skipped. */
function wordBefore(text: string, at: number): string {
  let e = at;
  while (e > 0 && /\s/.test(text[e - 1])) e--;
  let s = e;
  while (s > 0 && /[\w$]/.test(text[s - 1])) s--;
  return text.slice(s, e);
}

const indentOf = (l: string) => l.length - l.trimStart().length;
const CASE = /^(?:case\b|default\s*:)/;
/**
 * A statement that may be a guard whose body only leaves (`if (!x) return;`), whose parent's next
 * statements are then read: the guard starting on a candidate line is that line's statement or
 * inside it, and only an `if` statement reads what follows it.
 */
const IF = /^\s*if\b/;

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
  let prevLast = '',
    prevIndent = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const d = st.depth[i];
    const first = l.trimStart();
    if (d >= 0 && first !== '') {
      while (open.length && open[open.length - 1].depth > d) close(i);
      const top = open[open.length - 1];
      const starts =
        st.braces[i] === 1 &&
        /^\S/.test(first) &&
        !CONTINUES_LINE.test(first) &&
        !CONTINUATION_WORD.test(first) &&
        (prevLast === '' || prevLast === ';' || prevLast === '}' || (prevLast === '{' && d > 0)) &&
        (indentOf(l) <= prevIndent || prevLast === '{') &&
        !(top && top.depth === d && top.isCase && !CASE.test(first));
      // (a sibling starts, or the block around them closes: `}`, `} else {`, which are the outer statement's)
      if (top && top.depth === d && (starts || first.startsWith('}'))) close(i);
      if (starts) {
        const p = open.length ? open[open.length - 1].line : -1;
        parent.set(i, p);
        open.push({ line: i, depth: d, isCase: CASE.test(first) });
      }
    }
    owner[i] = open.length ? open[open.length - 1].line : -1;
    if (st.last[i]) {
      prevLast = st.last[i];
      prevIndent = indentOf(l);
    }
  }
  while (open.length) close(lines.length);
  return { owner, parent, end };
}

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
  const q = text.indexOf('?', starts[c]);
  return q >= 0 && (e + 1 >= starts.length || q < starts[e + 1]);
}

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
  // (each statement's own lines, not its inner statements': made when first asked)
  let own: Map<number, number[]> | undefined;
  const ownLines = (m: number) => {
    if (!own) {
      own = new Map();
      owner.forEach((o, i) => {
        let list = own!.get(o);
        if (!list) own!.set(o, (list = []));
        list.push(i);
      });
    }
    return own.get(m) ?? [];
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
  for (const j of ownLines(-1)) if (!commentOnly(lines[j], st.depth[j])) mark(j, j);
  for (const c of may) {
    const m = owner[c];
    if (seen.has(m)) continue;
    seen.add(m);
    // (the statement, the ones after it in its block when it is an `if` (what follows a guard that
    // leaves), and the lines of every statement around it in none of its inner statements: headers, braces)
    const last = end.get(m)!;
    mark(m, last);
    if (IF.test(lines[m]))
      for (const s of siblings(parent.get(m)!)) if (s > last && s <= last + FOLLOWING) mark(s, end.get(s)!);
    for (let a = parent.get(m)!; a >= 0; a = parent.get(a)!)
      for (const j of ownLines(a)) if (!commentOnly(lines[j], st.depth[j])) mark(j, j);
    if (kept > lines.length * MAX_SHARE) return { lines: may };
  }
  const out: string[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) out[i] = keep[i] ? lines[i] : '';
  return { lines: may, text: out.join('\n') };
}
