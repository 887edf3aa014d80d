/**
 * Fragments cut off mid-block. An agent's snippet, a patch hunk or a pasted excerpt often ends
 * inside an open call or block (`exec('tar ' + name, function (err) {` and nothing after it); the
 * parser then gives up on the whole file (its root is an error node) and no AST rule sees the code.
 * `closingSuffix` returns the brackets that would close what the text leaves open, to be parsed
 * after it on a new line: line and column numbers of the text stay as they are.
 *
 * A scan of brackets outside strings and comments, per language family; it only has to be good
 * enough to repair a cut, and the caller uses it only when the text did not parse at all.
 */
import type { Language } from './languages.ts';

/** Languages whose blocks are brackets (Python, Ruby and shell close theirs otherwise). */
const BRACE_LANGUAGES = new Set<Language>([
  'javascript',
  'typescript',
  'tsx',
  'java',
  'c',
  'cpp',
  'csharp',
  'go',
  'rust',
  'php',
]);
/** Languages where ' opens a one-character literal (or, in Rust, also a lifetime) rather than a string. */
const CHAR_QUOTE = new Set<Language>(['java', 'c', 'cpp', 'csharp', 'go', 'rust']);
/** Deeper than this is not a cut fragment but something else: leave it. */
const MAX_OPEN = 64;

const CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

export function closingSuffix(text: string, lang: Language): string {
  if (!BRACE_LANGUAGES.has(lang)) return '';
  const stack: string[] = [];
  const charQuote = CHAR_QUOTE.has(lang);
  const hashComment = lang === 'php';
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      i = lineEnd(text, i);
      continue;
    }
    if (c === '#' && hashComment) {
      i = lineEnd(text, i);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) return '';
      i = e + 1;
      continue;
    }
    if (c === '"' || c === '`' || (c === "'" && !charQuote)) {
      // A string: to its closing quote (a cut inside a string is not repaired).
      let j = i + 1;
      for (; j < n && text[j] !== c; j++) {
        if (text[j] === '\\') j++;
        else if (text[j] === '\n' && c !== '`') break;
      }
      if (j >= n) return '';
      i = j;
      continue;
    }
    if (c === "'") {
      // A character literal closes within a few characters ('a', '\n', '\u{1F600}'); otherwise a lifetime.
      const e = text.indexOf("'", i + 1);
      if (e > 0 && e - i <= 11 && !text.slice(i + 1, e).includes('\n')) i = e;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      if (stack.length >= MAX_OPEN) return '';
      stack.push(c);
    } else if (c === ')' || c === ']' || c === '}') {
      // A stray closer (the fragment starts inside a block) closes nothing of ours.
      if (stack.length && CLOSE[stack[stack.length - 1]] === c) stack.pop();
    }
  }
  return stack
    .reverse()
    .map((o) => CLOSE[o])
    .join('');
}

function lineEnd(text: string, i: number): number {
  const e = text.indexOf('\n', i);
  return e < 0 ? text.length : e;
}
