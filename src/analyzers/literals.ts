/**
 * Literal prefilters: most whole-file regex tests of a scan (a rule's `requires`, a line rule's
 * pattern, a backdoor shape) fail, and V8 pays for a failing test at every position of the file.
 * Each such regex has words a match cannot do without (`yaml`, `b64decode|atob|…`): they are
 * read off the regex here, all of them go into one Aho–Corasick automaton, and one pass over a
 * file says which occur. A regex none of whose words occur cannot match, so it is not run.
 *
 *   requiredLiterals(re)   the words one of which every match of `re` contains (null: none known)
 *   Literals               the automaton: which of its words occur in a text, or where
 *   occurs(re, text)       `re` tested on the whole text (multiline), skipped when its words are absent
 *
 * Exactness: the words are only ever a necessary condition (a superset test), so results are
 * those of running every regex; test/literals.test.ts checks the extraction on the rule packs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.ts';
import { pieceAt } from './source.ts';

/** Sets with a word shorter than this say nothing (one character occurs everywhere): such regexes always run. */
const MIN_WORD = 2;
/** Bound on the strings a piece of a regex can spell out before it counts as "anything". */
const MAX_SET = 64;

interface Info {
  /** Every string the piece can match, when few and known (zero-width pieces: ['']). */
  exact: string[] | null;
  /** Words one of which every match contains (null: none known). */
  req: string[] | null;
}

const ANY: Info = { exact: null, req: null };
const EMPTY: Info = { exact: [''], req: null };

/** Minimal score of a word set as a filter: its shortest word's length (0: useless). */
function quality(set: string[] | null): number {
  if (!set || set.length === 0) return 0;
  let min = Infinity;
  for (const s of set) min = Math.min(min, s.length);
  return min;
}

function better(a: string[] | null, b: string[] | null): string[] | null {
  const qa = quality(a),
    qb = quality(b);
  if (qa !== qb) return qa > qb ? a : b;
  if (!a) return b;
  if (!b) return a;
  return a.length <= b.length ? a : b;
}

function cross(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_SET) return null;
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  return [...new Set(out)];
}

function sequence(items: Info[]): Info {
  let best: string[] | null = null;
  let run: string[] | null = [''];
  let whole: string[] | null = [''];
  for (const it of items) {
    best = better(best, it.req);
    if (it.exact) {
      run = run ? cross(run, it.exact) : it.exact;
      whole = whole ? cross(whole, it.exact) : null;
      // a run grown past the bound restarts at this piece
      if (!run) run = it.exact;
    } else {
      whole = null;
      run = [''];
    }
    if (run) best = better(best, run);
  }
  return { exact: whole, req: best };
}

function alternation(branches: Info[]): Info {
  if (branches.length === 1) return branches[0];
  let exact: string[] | null = [];
  let req: string[] | null = [];
  for (const b of branches) {
    exact = exact && b.exact ? [...exact, ...b.exact] : null;
    if (exact && exact.length > MAX_SET) exact = null;
    // a branch that can match without any word (or with just the empty string) lets anything through
    const r = b.req && !b.req.includes('') ? b.req : b.exact && !b.exact.includes('') ? b.exact : null;
    req = req && r ? [...req, ...r] : null;
  }
  return { exact: exact ? [...new Set(exact)] : null, req: req ? [...new Set(req)] : null };
}

class Unsupported extends Error {}

/** Escapes that stand for one control character. */
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };

/** A reader of JavaScript regex source, just deep enough to find the words a match needs. */
class Reader {
  i = 0;
  constructor(
    private readonly src: string,
    private readonly unicode: boolean,
  ) {}

  parse(): Info {
    const info = this.alternation();
    if (this.i < this.src.length) throw new Unsupported(`unexpected ${this.src[this.i]}`);
    return info;
  }

  private alternation(): Info {
    const branches = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return alternation(branches);
  }

  private sequence(): Info {
    const items: Info[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')')
      items.push(this.quantified(this.atom()));
    return sequence(items);
  }

  private quantified(atom: Info): Info {
    const c = this.src[this.i];
    let min: number, max: number;
    if (c === '*') {
      min = 0;
      max = Infinity;
      this.i++;
    } else if (c === '+') {
      min = 1;
      max = Infinity;
      this.i++;
    } else if (c === '?') {
      min = 0;
      max = 1;
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return atom; // a literal brace (without the u flag)
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.i += m[0].length;
    } else return atom;
    if (this.src[this.i] === '?') this.i++; // lazy
    // (optional: the piece or nothing; `colou?r` spells two words)
    if (min === 0)
      return max === 1 && atom.exact && atom.exact.length < MAX_SET ? { exact: ['', ...atom.exact], req: null } : ANY;
    let exact: string[] | null = null;
    if (atom.exact && min === max && min <= 8) {
      exact = [''];
      for (let k = 0; k < min && exact; k++) exact = cross(exact, atom.exact);
    }
    // Every match starts with `min` copies of the piece: as many of them as the bound allows spell
    // words too (`[O0]{10}` holds one of the 64 spellings of six O-or-0 characters).
    let prefix: string[] | null = null;
    if (atom.exact && !atom.exact.includes('')) {
      for (let k = 0, p: string[] | null = ['']; k < min && p; k++) if ((p = cross(p, atom.exact))) prefix = p;
    }
    return { exact, req: better(atom.req, prefix) };
  }

  private atom(): Info {
    const c = this.src[this.i++];
    switch (c) {
      case '^':
      case '$':
        return EMPTY;
      case '.':
        return ANY;
      case '[':
        return this.klass();
      case '(':
        return this.group();
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new Unsupported('nothing to repeat');
      default:
        return lit(c);
    }
  }

  private group(): Info {
    let kind = 'capture';
    if (this.src[this.i] === '?') {
      const rest = this.src.slice(this.i, this.i + 4);
      if (rest.startsWith('?:')) {
        kind = 'group';
        this.i += 2;
      } else if (rest.startsWith('?=') || rest.startsWith('?!')) {
        kind = 'look';
        this.i += 2;
      } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
        kind = 'look';
        this.i += 3;
      } else if (rest.startsWith('?<')) {
        const end = this.src.indexOf('>', this.i);
        if (end < 0) throw new Unsupported('group name');
        this.i = end + 1;
      } else throw new Unsupported(`group (${rest}`);
    }
    const inner = this.alternation();
    if (this.src[this.i] !== ')') throw new Unsupported('unclosed group');
    this.i++;
    // (a lookaround matches no text: what it needs is not part of the match, and a negative one needs nothing)
    return kind === 'look' ? EMPTY : inner;
  }

  private escape(): Info {
    const c = this.src[this.i++];
    if (c === undefined) throw new Unsupported('trailing backslash');
    if ('bB'.includes(c)) return EMPTY;
    if ('dDwWsSpP'.includes(c)) {
      if ((c === 'p' || c === 'P') && this.src[this.i] === '{') this.i = this.src.indexOf('}', this.i) + 1;
      return ANY;
    }
    if (/[1-9]/.test(c)) {
      while (/\d/.test(this.src[this.i] ?? '')) this.i++;
      return ANY;
    }
    if (c === 'k' && this.src[this.i] === '<') {
      this.i = this.src.indexOf('>', this.i) + 1;
      return ANY;
    }
    if (c in SIMPLE_ESCAPES) return lit(SIMPLE_ESCAPES[c]);
    if (c === 'x') {
      const h = this.src.slice(this.i, this.i + 2);
      this.i += 2;
      return lit(String.fromCharCode(parseInt(h, 16)));
    }
    if (c === 'u') {
      if (this.src[this.i] === '{' && this.unicode) {
        const end = this.src.indexOf('}', this.i);
        const cp = parseInt(this.src.slice(this.i + 1, end), 16);
        this.i = end + 1;
        return lit(String.fromCodePoint(cp));
      }
      const h = this.src.slice(this.i, this.i + 4);
      this.i += 4;
      return lit(String.fromCharCode(parseInt(h, 16)));
    }
    if (c === 'c') {
      const l = this.src[this.i++];
      return lit(String.fromCharCode(l.charCodeAt(0) % 32));
    }
    return lit(c);
  }

  /** A class: its characters when it lists a few (`[Hh]`, `['"]`), else anything. */
  private klass(): Info {
    let negated = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const chars = new Set<string>();
    let known = !negated;
    while (this.i < this.src.length && this.src[this.i] !== ']') {
      let c = this.src[this.i++];
      if (c === '\\') {
        const e = this.src[this.i++];
        if ('dDwWsSpPbB'.includes(e)) {
          known = false;
          if ((e === 'p' || e === 'P') && this.src[this.i] === '{') this.i = this.src.indexOf('}', this.i) + 1;
          continue;
        }
        if (e in SIMPLE_ESCAPES) c = SIMPLE_ESCAPES[e];
        else if (e === 'x') {
          c = String.fromCharCode(parseInt(this.src.slice(this.i, this.i + 2), 16));
          this.i += 2;
        } else if (e === 'u') {
          c = String.fromCharCode(parseInt(this.src.slice(this.i, this.i + 4), 16));
          this.i += 4;
        } else c = e;
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        // a range: known only when short
        this.i++;
        let hi = this.src[this.i++];
        if (hi === '\\') {
          const e = this.src[this.i++];
          if ('dDwWsSpPbB'.includes(e)) {
            known = false;
            continue;
          }
          hi = e;
        }
        const a = c.charCodeAt(0),
          b = hi.charCodeAt(0);
        if (b - a > 8) known = false;
        else for (let k = a; k <= b; k++) chars.add(String.fromCharCode(k));
        continue;
      }
      chars.add(c);
    }
    if (this.src[this.i] !== ']') throw new Unsupported('unclosed class');
    this.i++;
    if (!known || chars.size === 0 || chars.size > 8) return ANY;
    const set = [...chars];
    return { exact: set, req: null };
  }
}

function lit(c: string): Info {
  return { exact: [c], req: null };
}

/**
 * The words one of which every match of `re` contains, as they are to be compared (lower case
 * for an `i` regex), or null when the regex has no such words of a useful length (then it runs).
 */
export function requiredLiterals(re: RegExp, outsideAscii = false): { words: string[]; fold: boolean } | null {
  let info: Info;
  try {
    info = new Reader(re.source, re.flags.includes('u') || re.flags.includes('v')).parse();
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
  const fold = re.flags.includes('i');
  // (with the u flag, an i regex folds some non-ASCII letters to ASCII ones: ſ is s, K is k)
  if (fold && (re.flags.includes('u') || re.flags.includes('v'))) return null;
  const set = info.req ?? (info.exact && !info.exact.includes('') ? info.exact : null);
  if (!set || quality(set) < MIN_WORD) return null;
  // (an i regex matches every case of its words; non-ASCII case folding is left to the regex; words with
  // letters outside ASCII only where the caller asks for them, as gate-words.ts does, and knows what they mean)
  if (!outsideAscii && set.some((w) => /[^\x00-\x7f]/.test(w))) return null;
  const all = [...new Set(fold ? set.map((w) => w.toLowerCase()) : set)];
  // (a word holding another word of the set adds nothing: `flask.request.` holds `request.`)
  const words = all.filter((w) => !all.some((v) => v !== w && w.includes(v)));
  return { words, fold };
}

/**
 * An Aho–Corasick automaton over ASCII (other characters reset it), compiled to a dense table.
 * Words are matched without regard to case; a word marked case-sensitive is confirmed against the
 * text at each hit.
 */
export class Literals {
  readonly words: string[];
  private readonly exact: boolean[];
  /** (every UTF-16 unit has a cell, 0 for those no word holds: no range test per character of the scan) */
  private readonly classOf = new Uint8Array(65536);
  private readonly classes: number;
  /**
   * The transition table: a row per state, a cell per character class, each cell the offset of the
   * next state's row (state times `classes`), so the scan adds a class to it with no multiplication
   * per character. States are numbered so that those where words end come last: a row at or above
   * `firstOutRow` means a hit, with no further lookup for the other characters.
   */
  private readonly rows: Uint32Array;
  private readonly firstOutRow: number;
  /** For each state with words (counted from the first such), its words as a slice of `outs`. */
  private readonly outStart: Uint32Array;
  private readonly outs: Uint32Array;

  /** For each word: whether its occurrences are recorded (1), or only whether it occurs (0). */
  private readonly places: Uint8Array;

  /** `places: false` on a word: `scan` only flags that it occurs (see Hits), not where. */
  constructor(words: { word: string; caseSensitive: boolean; places?: boolean }[]) {
    this.words = words.map((w) => w.word);
    this.places = Uint8Array.from(words, (w) => (w.places === false ? 0 : 1));
    this.exact = words.map((w) => w.caseSensitive && w.word.toLowerCase() !== w.word.toUpperCase());
    // Character classes: one per (case-folded) character used in a word, 0 for everything else.
    let n = 1;
    for (const { word } of words)
      for (const ch of word.toLowerCase()) {
        const code = ch.charCodeAt(0);
        if (code < 128 && this.classOf[code] === 0) this.classOf[code] = n++;
      }
    for (let c = 65; c <= 90; c++) if (this.classOf[c + 32]) this.classOf[c] = this.classOf[c + 32];
    this.classes = n;
    // The trie: `child` is one flat table (row per state, -1: no edge), and each state's edges are
    // also listed (first child, next sibling, its class), so that the steps below visit edges, not
    // table cells. (This runs once per thread, mostly before the JIT has looked at it: it does
    // a few operations per state and lets typed-array copies do the rest.)
    const max = 1 + words.reduce((t, w) => t + w.word.length, 0);
    const child = new Int32Array(max * n).fill(-1);
    const firstChild = new Int32Array(max).fill(-1),
      sibling = new Int32Array(max).fill(-1),
      classAt = new Int32Array(max);
    const ends: number[][] = [[]];
    let states = 1;
    words.forEach(({ word }, id) => {
      let s = 0;
      for (const ch of word.toLowerCase()) {
        const k = this.classOf[ch.charCodeAt(0)],
          e = s * n + k;
        if (child[e] < 0) {
          const t = states++;
          child[e] = t;
          classAt[t] = k;
          sibling[t] = firstChild[s];
          firstChild[s] = t;
          ends.push([]);
        }
        s = child[e];
      }
      ends[s].push(id);
    });
    // Failure links, breadth first (a state's link is shallower, so it is done before the state),
    // with the words of a state's link added to its own.
    const fail = new Int32Array(states);
    const order: number[] = [0];
    for (let q = 0; q < order.length; q++) {
      const s = order[q];
      for (let t = firstChild[s]; t >= 0; t = sibling[t]) {
        order.push(t);
        if (s === 0) continue; // (the root's children fail to the root)
        const k = classAt[t];
        let f = fail[s];
        while (f !== 0 && child[f * n + k] < 0) f = fail[f];
        const g = child[f * n + k];
        fail[t] = g >= 0 ? g : 0;
        if (ends[fail[t]].length) ends[t] = [...ends[t], ...ends[fail[t]]];
      }
    }
    // Numbering: states without words first (the root stays 0), then those with words; each group
    // breadth first, so that the shallow states, where the text keeps coming back, share rows of
    // the table close together (fewer cache misses).
    const number = new Int32Array(states);
    let plain = 0;
    for (const s of order) if (ends[s].length === 0) number[s] = plain++;
    const hits: number[] = [];
    for (const s of order)
      if (ends[s].length > 0) {
        number[s] = plain + hits.length;
        hits.push(s);
      }
    this.firstOutRow = plain * n;
    // The complete transition table, breadth first: a state's row is its failure link's row (class
    // 0, a character no word has, always leads back to the root) with its own edges written over it.
    // (32-bit cells holding row offsets scan faster than 16-bit state numbers times `classes`.)
    const rows = (this.rows = new Uint32Array(states * n));
    for (const s of order) {
      const row = number[s] * n;
      if (s !== 0) rows.copyWithin(row, number[fail[s]] * n, number[fail[s]] * n + n);
      for (let t = firstChild[s]; t >= 0; t = sibling[t]) rows[row + classAt[t]] = number[t] * n;
    }
    this.outStart = new Uint32Array(hits.length + 1);
    const outs: number[] = [];
    hits.forEach((s, i) => {
      this.outStart[i] = outs.length;
      outs.push(...ends[s]);
    });
    this.outStart[hits.length] = outs.length;
    this.outs = Uint32Array.from(outs);
  }

  /**
   * Every occurrence of every word in `text`: `found` flags the words seen, and the hits are the
   * pairs (word, start offset), in text order, of the words whose places are wanted.
   */
  scan(text: string): Hits {
    const found = new Uint8Array(this.words.length);
    const { rows, classOf, firstOutRow, classes, outStart, outs, exact, words, places } = this;
    let ids = this.hitIds,
      starts = this.hitStarts,
      n = 0;
    let r = 0;
    for (let i = 0, len = text.length; i < len; i++) {
      const c = text.charCodeAt(i);
      r = rows[r + classOf[c]];
      if (r < firstOutRow) continue;
      const h = (r - firstOutRow) / classes;
      for (let o = outStart[h], end = outStart[h + 1]; o < end; o++) {
        const id = outs[o];
        // (a word whose places are not wanted, seen already)
        if (found[id] === 1 && places[id] === 0) continue;
        const start = i + 1 - words[id].length;
        if (exact[id] && !text.startsWith(words[id], start)) continue;
        found[id] = 1;
        if (places[id] === 0) continue;
        if (n === ids.length) {
          // (grown by doubling; kept for the next text)
          const more = new Int32Array(n * 2),
            moreStarts = new Int32Array(n * 2);
          more.set(ids);
          moreStarts.set(starts);
          this.hitIds = ids = more;
          this.hitStarts = starts = moreStarts;
        }
        ids[n] = id;
        starts[n++] = start;
      }
    }
    return new Hits(found, ids.slice(0, n), starts.slice(0, n), places);
  }
  private hitIds = new Int32Array(4096);
  private hitStarts = new Int32Array(4096);
}

const placesChecked = new WeakMap<Uint8Array, WeakMap<Int32Array, boolean>>();

/** The words found in one text, and where. */
export class Hits {
  private byWord: Int32Array | undefined;
  private order: Int32Array | undefined;
  constructor(
    readonly found: Uint8Array,
    private readonly ids: Int32Array,
    private readonly starts: Int32Array,
    private readonly places?: Uint8Array,
  ) {}

  /** Whether the hits hold the places of word `id` (not only whether it occurs). */
  placed(id: number): boolean {
    return !this.places || this.places[id] === 1;
  }

  /** Whether the hits hold the places of every word `tagOf` tags (worked out once per automaton). */
  placesAll(tagOf: Int32Array): boolean {
    const places = this.places;
    if (!places) return true;
    let known = placesChecked.get(places);
    if (!known) placesChecked.set(places, (known = new WeakMap()));
    let all = known.get(tagOf);
    if (all === undefined) {
      all = true;
      for (let id = 0; id < tagOf.length; id++) if (tagOf[id] >= 0 && places[id] !== 1) all = false;
      known.set(tagOf, all);
    }
    return all;
  }

  /**
   * Calls `fn(tag, start offset)` for each occurrence, in text order, of a word that `tagOf` tags
   * (tagOf[word] >= 0; words past its end or tagged -1 are passed over).
   */
  tagged(tagOf: Int32Array, fn: (tag: number, start: number) => void): void {
    const { ids, starts } = this;
    for (let h = 0; h < ids.length; h++) {
      const id = ids[h];
      if (id < tagOf.length && tagOf[id] >= 0) fn(tagOf[id], starts[h]);
    }
  }

  /** The hits' indices bucketed by word (a counting sort, made once): word w's are order[byWord[w] .. byWord[w+1]). */
  private buckets(): { byWord: Int32Array; order: Int32Array } {
    if (!this.byWord) {
      const n = this.found.length;
      const at = new Int32Array(n + 1);
      for (const id of this.ids) at[id + 1]++;
      for (let k = 0; k < n; k++) at[k + 1] += at[k];
      const fill = at.slice(0, n);
      const order = new Int32Array(this.ids.length);
      this.ids.forEach((id, h) => {
        order[fill[id]++] = h;
      });
      this.byWord = at;
      this.order = order;
    }
    return { byWord: this.byWord, order: this.order! };
  }

  /**
   * The lines (0-based, ascending, each once) holding an occurrence of one of the given words,
   * given the offsets where the text's lines start.
   */
  lines(words: readonly number[], lineStarts: readonly number[]): number[] {
    // (a hit's line is worked out when a caller first asks for one of its words, by a binary search,
    // and kept: most hits are of words no caller asks about in this text)
    const known = (this.hitLines ??= new Int32Array(this.ids.length).fill(-1));
    const lineOfHit = (h: number): number => {
      let line = known[h];
      if (line < 0) known[h] = line = pieceAt(lineStarts, this.starts[h]);
      return line;
    };
    // (few hits to look through for few words: in text order, so the lines come out ascending)
    if (this.ids.length * words.length <= 4096) {
      const got: number[] = [];
      for (let h = 0, last = -1; h < this.ids.length; h++) {
        if (!words.includes(this.ids[h])) continue;
        const line = lineOfHit(h);
        if (line !== last) got.push((last = line));
      }
      return got;
    }
    const { byWord, order } = this.buckets();
    const got: number[] = [];
    let runs = 0;
    for (const id of words) {
      if (id >= this.found.length || byWord[id] === byWord[id + 1]) continue;
      runs++;
      // (one word's hits are in text order: its lines ascend)
      for (let k = byWord[id], end = byWord[id + 1], last = -1; k < end; k++) {
        const line = lineOfHit(order[k]);
        if (line !== last) got.push((last = line));
      }
    }
    if (runs < 2) return got;
    got.sort((a, b) => a - b);
    let n = 0;
    for (let k = 0; k < got.length; k++) if (k === 0 || got[k] !== got[k - 1]) got[n++] = got[k];
    got.length = n;
    return got;
  }
  private hitLines: Int32Array | undefined;
}

// ---------------------------------------------------------------------------------------------
// The shared prefilter: every regex asked about has its words in one automaton, and one pass
// over a text answers for all of them.

interface Entry {
  ids: number[] | null;
  placed?: boolean;
}
const entries = new WeakMap<RegExp, Entry>();
const wordIds = new Map<string, number>();
/**
 * The words, and whether some caller wants their places (the lines a line regex tries, the
 * secrets' hints) or only whether they occur (a rule's `requires`, a whole-file test). Most
 * occurrences in code are of words of the second kind: the automaton does not record them.
 */
const wordList: { word: string; caseSensitive: boolean; places: boolean }[] = [];
/** Bumped when a word joins or comes to want its places: the automaton is rebuilt for the next text. */
let wordsVersion = 0;
let builtVersion = -1;
let automaton: Literals | undefined;
let lastText: string | undefined;
let lastHits: Hits | undefined;
/**
 * The text before the last, and its hits: a file's analyzers ask about pieces of it (a long line's
 * statements) between their questions about the whole text, which was scanned again without this.
 */
let otherText: string | undefined;
let otherHits: Hits | undefined;

/**
 * requiredLiterals' answers for the regexes of the rule packs, the backdoor shapes and the secret
 * formats, worked out by the build (`literalsAsJson`) and keyed by flags and source, so that a
 * scan's threads do not each work them out again. Read by the bundle only, which the same build
 * made (from the sources, the extraction itself may have changed since): any other regex, or a
 * missing file, is worked out as before.
 */
export const PREBUILT_LITERALS = join(PACKAGE_ROOT, 'dist', 'literals.json');
let prebuilt: Map<string, Lits> | null | undefined;
type Lits = ReturnType<typeof requiredLiterals>;
function literalsOf(re: RegExp): Lits {
  if (prebuilt === undefined) {
    prebuilt = null;
    if (!import.meta.url.endsWith('.ts')) {
      try {
        prebuilt = new Map(Object.entries(JSON.parse(readFileSync(PREBUILT_LITERALS, 'utf8')) as Record<string, Lits>));
      } catch {
        /* work them out */
      }
    }
  }
  const known = prebuilt?.get(`${re.flags}/${re.source}`);
  return known !== undefined ? known : requiredLiterals(re);
}

/** What the build writes to PREBUILT_LITERALS: the words of every regex the providers give, and of `more`. */
export function literalsAsJson(more: Iterable<RegExp> = []): string {
  const out: Record<string, Lits> = {};
  const add = (re: RegExp) => {
    out[`${re.flags}/${re.source}`] = requiredLiterals(re);
  };
  for (const fn of allProviders) for (const re of fn()) add(re);
  for (const re of more) add(re);
  return JSON.stringify(out);
}

function entry(re: RegExp, places = false): Entry {
  let e = entries.get(re);
  if (!e) {
    const lits = literalsOf(re);
    e = { ids: lits ? wordsOf(lits.words, !lits.fold, places) : null, placed: places };
    entries.set(re, e);
  } else if (places && !e.placed) {
    if (e.ids) wantPlaces(e.ids);
    e.placed = true;
  }
  return e;
}

function wordsOf(words: string[], caseSensitive: boolean, places: boolean): number[] {
  const ids = words.map((word) => {
    const key = (caseSensitive ? 's:' : 'i:') + word;
    let id = wordIds.get(key);
    if (id === undefined) {
      wordIds.set(key, (id = wordList.length));
      wordList.push({ word, caseSensitive, places: false });
      wordsVersion++;
    }
    return id;
  });
  if (places) wantPlaces(ids);
  return ids;
}

/** Marks words whose places are wanted (the automaton is rebuilt when one of them was not). */
function wantPlaces(ids: readonly number[]): void {
  let changed = false;
  for (const id of ids)
    if (!wordList[id].places) {
      wordList[id].places = true;
      changed = true;
    }
  if (changed) wordsVersion++;
}

/** Registers words (ASCII; not from a regex) whose occurrences a caller wants: see `eachTagged`. */
export function registerWords(words: string[], caseSensitive: boolean): number[] {
  if (words.some((w) => /[^\x00-\x7f]/.test(w))) throw new Error('the prefilter takes ASCII words only');
  return wordsOf(words, caseSensitive, true);
}

/**
 * Sources of regexes that are only compiled on demand (the rule packs): asked once, before the
 * build. `places`: the regexes are tried line by line (`candidateLines`), not only asked about.
 */
const providers: { fn: () => Iterable<RegExp>; places: boolean }[] = [];
/** (every provider ever registered, for the build's table: `providers` are taken as they are used) */
const allProviders: (() => Iterable<RegExp>)[] = [];
export function prefilterProvider(fn: () => Iterable<RegExp>, places = false): void {
  providers.push({ fn, places });
  allProviders.push(fn);
}

/**
 * Building the automaton costs tens of milliseconds: a process that reads little text (a hook
 * judging one write, a diff scan) is faster without it. It is built once this much text has been
 * asked about; until then every regex simply runs (same results, as the words only ever skip work).
 */
const BUILD_AFTER = 512 * 1024;
/** (For measuring: WARDEN_NO_LITERALS=1 turns the prefilter off.) */
const OFF = !!process.env.WARDEN_NO_LITERALS;
let seenChars = 0;
/** How often a regex first met after the build made the automaton be built again (each costs tens of ms). */
let rebuilds = 0;
export const prefilterRebuilds = (): number => rebuilds;

/** Builds the automaton now, with the words of every regex known so far (a scan worker's warm-up). */
export function buildPrefilter(): void {
  if (OFF) return;
  for (const p of providers.splice(0)) for (const re of p.fn()) entry(re, p.places);
  automaton = new Literals(wordList);
  builtVersion = wordsVersion;
}

/** The hits of every registered word in `text` (the last two texts' are kept), or undefined before the build. */
function hitsIn(text: string): Hits | undefined {
  if (OFF) return undefined;
  if (text === lastText && lastHits) return lastHits;
  if (text === otherText && otherHits) {
    [otherText, otherHits, lastText, lastHits] = [lastText, lastHits, otherText, otherHits];
    return lastHits;
  }
  if (!automaton) {
    if (text !== lastText) seenChars += text.length;
    lastText = text;
    if (seenChars < BUILD_AFTER) return undefined;
    buildPrefilter();
  } else if (builtVersion !== wordsVersion) {
    rebuilds++;
    automaton = new Literals(wordList);
    builtVersion = wordsVersion;
  }
  if (lastHits) [otherText, otherHits] = [lastText, lastHits];
  lastText = text;
  lastHits = automaton!.scan(text);
  return lastHits;
}

/**
 * Whether `re` can match somewhere in `text`, judged by its words alone (true: it may; false: it
 * cannot). A regex met for the first time joins the automaton when the next text comes.
 */
export function mayOccur(re: RegExp, text: string): boolean {
  // (before the automaton is built, not even the regex's words are worked out)
  const found = hitsIn(text)?.found;
  if (!found) return true;
  const e = entry(re);
  if (!e.ids) return true;
  // (a word added after this text was read is not known here: then the regex decides)
  for (const id of e.ids) if (id >= found.length || found[id]) return true;
  return false;
}

/**
 * Calls `fn(tag, start offset)`, in text order, for each occurrence in `text` of a word that
 * `tagOf` tags (see Hits.tagged) and says true; false (calling nothing) when the automaton cannot
 * tell yet (not built, or built before one of the tagged words was registered).
 */
export function eachTagged(tagOf: Int32Array, text: string, fn: (tag: number, start: number) => void): boolean {
  const hits = hitsIn(text);
  if (!hits || tagOf.length > hits.found.length) return false;
  // (registerWords made the tagged words ones whose places are recorded: unless that came after
  // this text's automaton was built)
  if (!hits.placesAll(tagOf)) return false;
  hits.tagged(tagOf, fn);
  return true;
}

/**
 * The lines (0-based, ascending) where `re` can match, judged by its words: lines holding one
 * of them. Undefined when the regex has no words (or they are not known yet): every line may.
 * `lineStarts` gives the offset where each line of `text` starts (SourceFile.lineStarts).
 */
export function candidateLines(re: RegExp, text: string, lineStarts: () => readonly number[]): number[] | undefined {
  const hits = hitsIn(text);
  if (!hits) return undefined;
  // (a regex first tried line by line here, whose words' places this text's hits lack: every line
  // may, this time; the automaton records them from the next text on)
  const e = entry(re, true);
  if (!e.ids || e.ids.some((id) => id >= hits.found.length || !hits.placed(id))) return undefined;
  return hits.lines(e.ids, lineStarts());
}

const MULTILINE = new WeakMap<RegExp, RegExp>();
/** `re` as a whole-file test: multiline, so `^` and `$` still mean a line; not global or sticky. */
export function wholeFile(re: RegExp): RegExp {
  let m = MULTILINE.get(re);
  if (!m) MULTILINE.set(re, (m = new RegExp(re.source, re.flags.replace(/[gym]/g, '') + 'm')));
  return m;
}

/** Whether `re` matches somewhere in `text` (as a whole-file test), skipping texts without its words. */
export function occurs(re: RegExp, text: string): boolean {
  return mayOccur(re, text) && wholeFile(re).test(text);
}
