/**
 * What of a source file speaks in prose: its comments (and Python's docstrings), with every other
 * line left empty so line numbers stay those of the file. The scanner reads code files through
 * this view: an instruction aimed at the agent sits in a comment, while the code's own strings
 * (a program's prompt to its model) are reported low at most, and hidden characters anywhere in
 * code are the Unicode analyzer's findings. Reading only the prose keeps large bundles cheap.
 */
import { LANGUAGES, type Language } from '../code/languages.ts';

const HASH: ReadonlySet<Language> = new Set(['python', 'ruby', 'bash', 'php']);
// (every other language takes slash comments, line and block; PHP takes both kinds)
const SLASH: ReadonlySet<Language> = new Set(LANGUAGES.filter((l) => l === 'php' || !HASH.has(l)));

/** Where a line comment starts: at the line's start or after white space (not `http://`, not `$#`). */
function lineCommentAt(line: string, marker: string): number {
  for (let i = line.indexOf(marker); i >= 0; i = line.indexOf(marker, i + 1))
    if (i === 0 || line.charCodeAt(i - 1) === 32 || line.charCodeAt(i - 1) === 9) return i;
  return -1;
}

const count = (s: string, sub: string) => s.split(sub).length - 1;

/** The file's comments and docstrings, other lines empty. */
export function commentView(text: string, language: Language): string {
  const hash = HASH.has(language),
    slash = SLASH.has(language),
    python = language === 'python';
  const lines = text.split('\n');
  let inBlock = false;
  let triple: string | undefined;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    if (inBlock) {
      if (line.includes('*/')) inBlock = false;
      continue;
    }
    if (triple) {
      if (line.includes(triple)) triple = undefined;
      continue;
    }
    if (python) {
      const q = line.includes('"""') ? '"""' : line.includes("'''") ? "'''" : undefined;
      if (q) {
        if (count(line, q) % 2 === 1) triple = q;
        continue;
      }
    }
    let from = -1;
    if (slash) {
      const block = line.indexOf('/*');
      if (block >= 0) {
        from = block;
        if (line.indexOf('*/', block + 2) < 0) inBlock = true;
      }
      const own = lineCommentAt(line, '//');
      if (own >= 0 && (from < 0 || own < from)) from = own;
    }
    if (hash) {
      const own = lineCommentAt(line, '#');
      if (own >= 0 && (from < 0 || own < from)) from = own;
    }
    // (a JSDoc or banner line inside a block that opened on an earlier line is handled above)
    lines[k] = from < 0 ? '' : from === 0 ? line : line.slice(from);
  }
  return lines.join('\n');
}
