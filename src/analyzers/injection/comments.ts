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

/**
 * Where `needle` next occurs at or after a position, for positions that only grow (line after line):
 * each occurrence is searched for once, so a file is read in one pass whatever its lines hold (a
 * search bounded by the line's end would have to start again on every line).
 */
class Next {
  private from = 0;
  private at = -1;
  constructor(
    private readonly text: string,
    private readonly needle: string,
  ) {}
  /** The first occurrence at or after `pos`, or the text's length if there is none. */
  after(pos: number): number {
    if (this.at < pos || pos < this.from) {
      const i = this.text.indexOf(this.needle, pos);
      this.from = pos;
      this.at = i < 0 ? this.text.length : i;
    }
    return this.at;
  }
}

/**
 * Where a line comment starts in the line [start, end): at the line's start or after white space (not
 * `http://`, not `$#`); -1 if nowhere.
 */
function lineCommentAt(text: string, next: Next, start: number, end: number): number {
  for (let i = next.after(start); i < end; i = next.after(i + 1)) {
    const before = text.charCodeAt(i - 1);
    if (i === start || before === 32 || before === 9) return i;
  }
  return -1;
}

/** How many times `next`'s needle (of `size` characters) occurs in [start, end), not overlapping. */
function count(next: Next, size: number, start: number, end: number): number {
  let n = 0;
  for (let i = next.after(start); i < end; i = next.after(i + size)) n++;
  return n;
}

/** The file's comments and docstrings, other lines empty. */
export function commentView(text: string, language: Language): string {
  const hash = HASH.has(language),
    slash = SLASH.has(language),
    python = language === 'python';
  const open = new Next(text, '/*'),
    close = new Next(text, '*/'),
    slashes = new Next(text, '//'),
    hashes = new Next(text, '#'),
    doubles = new Next(text, '"""'),
    singles = new Next(text, "'''");
  let inBlock = false;
  let triple: Next | undefined;
  let out = '';
  for (let start = 0; ;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    // What of the line is kept: from `from` to its end (the whole line when 0), nothing when -1.
    let from = -1;
    if (inBlock) {
      if (close.after(start) < end) inBlock = false;
      from = 0;
    } else if (triple) {
      if (triple.after(start) < end) triple = undefined;
      from = 0;
    } else {
      const q = !python
        ? undefined
        : doubles.after(start) < end
          ? doubles
          : singles.after(start) < end
            ? singles
            : undefined;
      if (q) {
        if (count(q, 3, start, end) % 2 === 1) triple = q;
        from = 0;
      } else {
        if (slash) {
          const block = open.after(start);
          if (block < end) {
            from = block - start;
            if (close.after(block + 2) >= end) inBlock = true;
          }
          const own = lineCommentAt(text, slashes, start, end);
          if (own >= 0 && (from < 0 || own - start < from)) from = own - start;
        }
        if (hash) {
          const own = lineCommentAt(text, hashes, start, end);
          if (own >= 0 && (from < 0 || own - start < from)) from = own - start;
        }
      }
    }
    // (a JSDoc or banner line inside a block that opened on an earlier line is kept whole above)
    if (from >= 0) out += text.slice(start + from, end);
    if (nl < 0) return out;
    out += '\n';
    start = nl + 1;
  }
}
