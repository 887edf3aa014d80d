/**
 * Reading a call's arguments off a line of any language, without a parser: the passes need only
 * what a call is given, not a syntax tree.
 */

/** The arguments of the call whose `(` ends at `at`, split at top-level commas (one line). */
export function splitArgs(l: string, at: number): string[] {
  const out: string[] = [];
  let d = 0,
    cur = '';
  for (let i = at; i < l.length; i++) {
    const ch = l[i];
    if (ch === '(' || ch === '[' || ch === '{') d++;
    if (ch === ')' || ch === ']' || ch === '}') {
      if (d === 0) break;
      d--;
    }
    if (ch === ',' && d === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * The text inside the brackets of the first call that opens at or after `at` (to the text's end if
 * never closed), or undefined when no bracket opens.
 */
export function firstCallArgs(text: string, at: number): string | undefined {
  const open = text.indexOf('(', at);
  if (open < 0) return undefined;
  let d = 0;
  for (let k = open; k < text.length; k++) {
    if (text[k] === '(') d++;
    else if (text[k] === ')' && --d === 0) return text.slice(open + 1, k);
  }
  return text.slice(open + 1);
}

/**
 * A definition line of most languages (a function, a method, a const bound to an arrow function), its
 * name and parameters in groups 1-2, 3-4 or 5-6.
 */
export const DEF =
  /\b(?:def|function|func|fn|sub)\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*(?:<[^>]*>)?\s*\(([^)]*)\)|^\s*(?:(?:public|private|protected|static|async|final|override|virtual|internal|inline)\s+)*[\w<>\[\],.:*&]+\s+\*?([A-Za-z_]\w*)\s*\(([^)]*)\)\s*(?:const\s*)?(?:throws\s+[\w, .]+)?\s*\{?\s*$|\b(?:const|let|var)\s+([A-Za-z_]\w*)\s*=\s*(?:async\s*)?\(([^)]*)\)\s*=>/;

/** The file's functions and their parameter names, by a language-general look at definition lines. */
export function functionsOf(lines: readonly string[], nameFirst = false): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of lines) {
    if (!l.includes('(')) continue;
    // (a class method written without a keyword or a type: `apply(snap) {`, `runMigration(step) {`)
    const m = DEF.exec(l) ?? methodDef(l);
    if (!m) continue;
    const name = m[1] ?? m[3] ?? m[5];
    const ps = (m[2] ?? m[4] ?? m[6] ?? '')
      .split(',')
      // (Go writes the name before its type: `r reply`; the others after it, or with `:`)
      .map((p) =>
        nameFirst
          ? (/^\s*([A-Za-z_]\w*)/.exec(p)?.[1] ?? '')
          : (/([A-Za-z_]\w*)\s*(?:[:=].*)?$/.exec(
              p
                .trim()
                .replace(/^[&*$]+|\s*\*+\s*/g, ' ')
                .trim(),
            )?.[1] ?? ''),
      )
      // (Python's receiver is not among a call's arguments: dropped, so the others keep their places; a
      // context passed first, `adjust(ctx, reply)`, is an argument: kept in its place, never followed)
      .filter((p) => p && !/^(?:self|cls)$/.test(p))
      .map((p) => (/^(?:this|ctx)$/.test(p) ? '' : p));
    if (name && !/^(?:if|for|while|switch|catch|return)$/.test(name)) out.set(name, ps);
  }
  return out;
}

/** A returned expression (the value a function hands its callers). */
export const RETURN = /^\s*return\s+(.+?)\s*;?\s*$/;
/** An arrow function with an expression body returns it: `const key = (req) => `sess:${req.cookies.sid}``. */
export const ARROW =
  /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?\([^)]*\)\s*=>\s*(?!\{)(.+?);?\s*$/;
/**
 * The last expression of a Ruby or Rust function (the line before its closing `end` or `}`), as a
 * match of RETURN: not a statement (`let`, an assignment, a Rust line ending in `;`), not a branch.
 */
export function implicitReturn(
  lines: { readonly length: number; [i: number]: string },
  i: number,
): RegExpExecArray | null {
  const c = lines[i];
  if (
    !c.trim() ||
    /;\s*$|^\s*(?:let|if|else|elsif|end|unless|while|for|match|loop|def|fn|puts|raise)\b|[{|]\s*$/.test(c)
  )
    return null;
  if (/^\s*[A-Za-z_@$][\w.@]*\s*(?:[-+*|&]?=)(?!=)/.test(c)) return null;
  let k = i + 1;
  while (k < lines.length && k <= i + 3 && !lines[k].trim()) k++;
  if (k >= lines.length || !/^\s*(?:end|\})\s*$/.test(lines[k])) return null;
  const m = /^\s*(.+?)\s*$/.exec(c);
  return m as RegExpExecArray | null;
}

/** The name of the function a line belongs to: the nearest definition above it (within 80 lines). */
export function enclosing(lines: readonly string[], i: number): string | undefined {
  return enclosingAt(lines, i)?.name;
}
/** The same, with the line of the definition. */
export function enclosingAt(lines: readonly string[], i: number): { name: string; at: number } | undefined {
  for (let k = i - 1; k >= 0 && k >= i - 80; k--) {
    const l = lines[k];
    // (Ruby and Python may define without brackets: `def current_auth`)
    const bare = /^\s*def\s+(?:self\.)?([A-Za-z_]\w*[?!]?)\s*$/.exec(l);
    if (bare) return { name: bare[1], at: k };
    if (!l.includes('(')) continue;
    const d = DEF.exec(l) ?? METHOD.exec(l);
    const name = d && (d[1] ?? d[3] ?? d[5]);
    if (name) return { name, at: k };
  }
  return undefined;
}
/** A method in a class body (`cacheKey(req) {`, `private function attempt(Request $r): array`), for enclosing. */
export const METHOD =
  /^\s*(?:(?:public|private|protected|static|async|final|override|function)\s+)*([A-Za-z_]\w*)\s*\([^)]*\)\s*(?::\s*[\w<>\[\]|?.]+\s*)?\{\s*$/;

/** METHOD as a DEF match (name in group 1, parameters in group 2). */
function methodDef(l: string): RegExpExecArray | null {
  const m = METHOD_PARAMS.exec(l);
  return m && !/^(?:if|for|while|switch|catch|return|function|elseif|foreach|using|lock|fixed)$/.test(m[1]) ? m : null;
}
const METHOD_PARAMS =
  /^\s*(?:(?:public|private|protected|static|async|final|override)\s+)*([A-Za-z_]\w*)\s*\(([^)]*)\)\s*(?::\s*[\w<>\[\]|?.]+\s*)?\{\s*$/;
