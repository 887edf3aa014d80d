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
