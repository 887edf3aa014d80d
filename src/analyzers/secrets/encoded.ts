/**
 * Secrets written in an encoding a model reads through: base64 or hex of a file (a .env, a PEM, a
 * kubeconfig), `\u0067`/`\x67` escapes in code, percent-encoding in a URL or a form body, and a
 * private key's DER body without its armour lines. A model decodes these as easily as it reads them,
 * so a redactor that only matches plain formats lets them out (s17 red team).
 *
 * Each decoder gives the decoded text and, for each of its characters, where it came from; the
 * caller's analysis runs on the decoded text, and every secret found there names the ENCODED text
 * that holds it (the whole base64 run, the escaped range): that is what must not leave.
 */
import { createPrivateKey } from 'node:crypto';
import { domainToUnicode } from 'node:url';
import { entropy, isPlaceholder } from './index.ts';
import { looksGenerated } from './template.ts';
import { SECRET_PATTERNS } from './patterns.ts';
import { Literals } from '../literals.ts';
import { rot13 } from '../source.ts';

/**
 * Cyrillic and Greek letters drawn like Latin ones: `ghр_…` with a Cyrillic р reads as a GitHub token
 * to a model (and to a person), so the token is redacted as one.
 */
export const LOOKALIKE: Record<string, string> = {
  ...Object.fromEntries([...'аеорсхуіјѕһԁԛԝ'].map((c, k) => [c, 'aeopcxyijshdqw'[k]])),
  ...Object.fromEntries([...'АВЕКМНОРСТХІЈЅ'].map((c, k) => [c, 'ABEKMHOPCTXIJS'[k]])),
  ...Object.fromEntries([...'οαικνρτυχ'].map((c, k) => [c, 'oaikvptux'[k]])),
  ...Object.fromEntries([...'ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ'].map((c, k) => [c, 'ABEZHIKMNOPTYX'[k]])),
};

export interface EncodedHit {
  /** The text as written (what to redact). */
  raw: string;
  kind: string;
  /** Where the raw text starts in the text, when the reader knows (the scanner places findings by it). */
  at?: number;
}

/** A base64 run this long at least is decoded (shorter ones are words and identifiers). */
const B64_MIN = 24;
/** Runs longer than this are decoded only for their first bytes' kind (images, PDFs: not text). */
const PROBE = 768;
/** Encoded runs up to this size (in characters) are decoded and analysed. */
const DECODE_MAX = 4 * 1024 * 1024;
/** Hex runs this long at least (12 bytes) are decoded. */
const HEX_MIN = 24;
/**
 * An escape: `\u0041`, `\u{41}`, `\x41`, `%41`, `&#x41;`, `&#65;`, `\101`, or a named HTML entity for
 * a character tokens are made of (`&lowbar;`, `&period;`…).
 */
const ESCAPE =
  /\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|%([0-9a-fA-F]{2})|&#[xX]([0-9a-fA-F]{1,6});|&#(\d{1,7});|\\([0-3][0-7]{2})|\\u\{([0-9a-fA-F]{1,6})\}|&(lowbar|UnderBar|hyphen|dash|period|colon|sol|equals|plus|commat|num|percnt|excl|quest|tilde);/g;
const ESCAPE_HINT =
  /\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|%[0-9a-fA-F]{2}|&#[xX]?[0-9a-fA-F]{1,7};|\\[0-3][0-7]{2}|\\u\{|&(?:lowbar|UnderBar|hyphen|dash|period|colon|sol|equals|plus|commat|num|percnt|excl|quest|tilde);/;
const NAMED: Record<string, string> = {
  lowbar: '_',
  UnderBar: '_',
  hyphen: '-',
  dash: '-',
  period: '.',
  colon: ':',
  sol: '/',
  equals: '=',
  plus: '+',
  commat: '@',
  num: '#',
  percnt: '%',
  excl: '!',
  quest: '?',
  tilde: '~',
};
/** What an escape stands for. */
function escapeText(m: RegExpExecArray): string {
  if (m[8]) return NAMED[m[8]];
  const code = m[5] ? Number(m[5]) : m[6] ? parseInt(m[6], 8) : parseInt(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[7], 16);
  return code <= 0xffff ? String.fromCharCode(code) : code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
}
/** Quoted-printable (mail): `=3D` for `=`, `=` at a line's end joins it to the next. */
const QP = /(?<=[^\s=])=\r?\n|=([0-9A-F]{2})/g;
// (`=3D`, an escaped `=`, marks a quoted-printable text: a `=` at a line's end alone is as often
// base64's padding, `h1:…=` in go.sum, as a soft break)
const QP_HINT = /=3D/;
const qpText = (m: RegExpExecArray) => (m[1] ? String.fromCharCode(parseInt(m[1], 16)) : '');

/** Whether bytes read as text (printable ASCII and line breaks, almost all). */
function isText(b: Buffer): boolean {
  if (b.length < 12) return false;
  let bad = 0;
  for (const c of b) if (!((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13)) bad++;
  return bad <= b.length * 0.03;
}

/**
 * Whether bytes are UTF-16LE text (PowerShell's -EncodedCommand, a Windows export): every second
 * byte zero, the others text.
 */
function isUtf16Text(b: Buffer): boolean {
  if (b.length < 24) return false;
  let zero = 0;
  for (let i = 1; i < b.length; i += 2) if (b[i] === 0) zero++;
  if (zero < (b.length >> 1) * 0.97) return false;
  return isText(Buffer.from(b.filter((_, i) => i % 2 === 0)));
}

/**
 * Whether bytes are a key store: PKCS#12 (a SEQUENCE holding version 3, then the PKCS#7 data OID
 * 1.2.840.113549.1.7.1 or signed-data .2), Java's JKS (FEEDFEED) or JCEKS (CECECECE). They hold
 * private keys, often under an empty or well-known password.
 */
function isKeyStore(b: Buffer): boolean {
  if (b.length < 24) return false;
  const magic = b.readUInt32BE(0);
  if (magic === 0xfeedfeed || magic === 0xcececece) return true;
  if (b[0] !== 0x30) return false;
  const head = b.subarray(0, 40).toString('hex');
  return /^30(?:8[1-4](?:..){1,4}|..)020103300?.{0,12}06092a864886f70d01070[12]/.test(head);
}

/** Whether DER bytes are a private key (PKCS#8, PKCS#1 RSA, SEC1 EC): parsed, not guessed. */
function isPrivateKeyDer(b: Buffer): boolean {
  if (b.length < 40 || b[0] !== 0x30) return false;
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const)
    try {
      createPrivateKey({ key: b, format: 'der', type });
      return true;
    } catch {
      /* not this kind */
    }
  return false;
}

/** Bytes listed one by one this many at least (a token's prefix and some of its body). */
const LIST_MIN = 12;
/** Character classes of the runs looked for, as bits. */
const B64 = 1,
  HEX = 2,
  LIST = 4,
  ALNUM = 8;
const CLASS = new Uint8Array(128);
const mark = (chars: string, bit: number) => {
  for (const c of chars) CLASS[c.charCodeAt(0)] |= bit;
};
const DIGITS = '0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
mark(LETTERS + DIGITS + '+/_-', B64);
mark(DIGITS + 'abcdefABCDEF', HEX);
mark(DIGITS + 'abcdefABCDEF :,\t\r\n[]xX', LIST);
mark(LETTERS + DIGITS, ALNUM);
/** The shortest run kept of each class (bit order): a base64 line, 12 hex bytes, a list, an opaque value. */
const RUN_MIN = [16, HEX_MIN, LIST_MIN * 2, 32];

/**
 * The runs of each class ([start, end), by class bit; base64 runs of at least `b64Min`, hex runs as
 * long, lists of bytes only when `lists`). Base64 runs are found in one loop over the
 * text (a regex `[…]{16,}` overflows the engine's stack on a 10 MB run, and `[…]{16}[…]*` reads each
 * short run again from every character); hex and letter-digit runs lie inside them (their
 * characters are base64's), and lists of bytes are looked for only where a regex sees one start.
 */
export function scanRuns(text: string, b64Min = RUN_MIN[0], lists = true): [number, number][][] {
  const out: [number, number][][] = [[], [], [], []];
  probeRuns(text, 0, text.length, B64, b64Min, out[0]);
  for (const [s, e] of out[0]) {
    probeRuns(text, s, e, HEX, Math.max(RUN_MIN[1], b64Min), out[1]);
    probeRuns(text, s, e, ALNUM, RUN_MIN[3], out[3]);
  }
  if (lists && LIST_START.test(text)) probeRuns(text, 0, text.length, LIST, RUN_MIN[2], out[2]);
  return out;
}

/** Four bytes listed (`41 57 53 5f`, `41:57:…`, `65, 87, 83, 95`): where a list of bytes may be. */
const LIST_START =
  /[0-9a-fA-F]{2}[ :][0-9a-fA-F]{2}[ :][0-9a-fA-F]{2}[ :][0-9a-fA-F]{2}|\d{1,3}, ?\d{1,3}, ?\d{1,3}, ?\d{1,3}/;

/**
 * The runs of a class within [from, to), at least `min` long, appended to `out`. A run that long holds
 * one of the characters looked at every `min` (counted on from the end of the run before): the text
 * is probed there and each hit widened to its run, so most characters of ordinary text (words
 * shorter than a run) are never read (a loop over every character made the gateway's redaction of
 * 1 MB of source some 6 ms slower per class).
 */
function probeRuns(text: string, from: number, to: number, bit: number, min: number, out: [number, number][]) {
  const inRun = (k: number) => {
    const c = text.charCodeAt(k);
    return c < 128 && (CLASS[c] & bit) !== 0;
  };
  let done = from; // (everything before this has been read)
  for (let i = from + min - 1; i < to;) {
    if (!inRun(i)) {
      i += min;
      continue;
    }
    let s = i,
      e = i + 1;
    while (s > done && inRun(s - 1)) s--;
    while (e < to && inRun(e)) e++;
    if (e - s >= min) out.push([s, e]);
    done = e;
    i = e + min;
  }
}

/**
 * Base64 runs, a run being lines of base64 separated only by line breaks and indentation (a wrapped
 * file, a PEM body, a YAML block): [start, end) of each, in the text.
 */
function base64Runs(text: string, lines: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of lines) {
    let end = e;
    while (text.charCodeAt(end) === 61 && end - e < 2) end++; // '=' padding
    const last = out[out.length - 1];
    // (joined to the run before when only a line break and spaces stand between)
    if (last && s - last[1] <= 40 && /^[ \t]*\r?\n[ \t]*$/.test(text.slice(last[1], s))) last[1] = end;
    else out.push([s, end]);
  }
  return out.filter(([s, e]) => e - s >= B64_MIN);
}

/**
 * A cheap look before decoding (most runs are identifiers and paths): base64 of ASCII text has, at
 * the start of every 4-character group, a character for a value under 32 (A-Z, a-f), as each
 * group's first byte is under 0x80; DER starts with 0x30 (`M`). Eight groups are looked at.
 */
function mayBeTextOrDer(b64: string, k: number): boolean {
  if (b64.charCodeAt(k) === 77) return true;
  // (a Java key store's magic, FEEDFEED or CECECECE)
  if (b64.startsWith('/u3+7', k) || b64.startsWith('zs7Oz', k)) return true;
  // (UTF-16LE text: the bytes of a group are text, zero, text: the group's second character is A-P)
  if (isWideB64(b64, k)) return true;
  for (let j = k; j < Math.min(b64.length - 3, k + 32); j += 4) {
    const c = b64.charCodeAt(j);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Base64 of UTF-16LE ASCII: in each 4-character group, 6 bits of a zero byte fall on the 2nd or 3rd character. */
function isWideB64(b64: string, k: number): boolean {
  let n = 0;
  for (let j = k; j < Math.min(b64.length - 3, k + 48); j += 8) {
    // (8 characters are 6 bytes, so each group looked at starts on a text byte, then a zero; its 2nd
    // character holds the text byte's low 2 bits and the zero's high 4: one of A, Q, g, w)
    if (!'AQgw'.includes(b64[j + 1])) return false;
    n++;
  }
  return n >= 2;
}

/**
 * Lists of byte values in a text: two-digit hex separated by spaces, colons or line breaks, or
 * decimal / 0x character codes separated by commas: [the list as written, its bytes].
 */
function byteLists(text: string, runs: [number, number][]): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (const [s, e] of runs) {
    const run = text.slice(s, e);
    const hex = /^[\s[]*[0-9a-fA-F]{2}(?:[ :\t\r\n]{1,3}[0-9a-fA-F]{2})+[\s\]]*$/.test(run);
    const codes =
      !hex && /^[\s[]*(?:0x[0-9a-fA-F]{1,2}|\d{1,3})(?:\s*,\s*(?:0x[0-9a-fA-F]{1,2}|\d{1,3}))+[\s,\]]*$/.test(run);
    if (!hex && !codes) continue;
    const items = run.match(hex ? /[0-9a-fA-F]{2}/g : /0x[0-9a-fA-F]{1,2}|\d{1,3}/g) ?? [];
    if (items.length < LIST_MIN) continue;
    const bytes = Buffer.from(items.map((x) => (hex ? parseInt(x, 16) : Number(x))).filter((n) => n < 256));
    if (bytes.length === items.length) out.push([run.trim(), bytes]);
  }
  return out;
}

/** Base32 in one case (upper, or lower as some tools print it), no other character. */
const BASE32 = /^(?:[A-Z2-7]+|[a-z2-7]+)$/;
/** Bitcoin's base58 alphabet: no 0, O, I or l. */
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;
/** Base58 is decoded as one big number (quadratic): runs up to this long (a token's is under 200). */
const BASE58_MAX = 512;

function fromBase32(s: string): Buffer {
  const up = s.toUpperCase();
  const out: number[] = [];
  let bits = 0,
    val = 0;
  for (let i = 0; i < up.length; i++) {
    const c = up.charCodeAt(i);
    val = ((val << 5) | (c >= 65 ? c - 65 : c - 24)) & 0xffff;
    if ((bits += 5) >= 8) out.push((val >>> (bits -= 8)) & 0xff);
  }
  return Buffer.from(out);
}

function fromBase58(s: string): Buffer {
  let n = 0n;
  for (let i = 0; i < s.length; i++) n = n * 58n + BigInt(B58.indexOf(s[i]));
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let zeros = 0;
  while (s[zeros] === '1') zeros++;
  return Buffer.concat([Buffer.alloc(zeros), Buffer.from(n ? hex : '', 'hex')]);
}

/** The secrets inside base64 and hex runs of a text, each named by its whole run. */
export function inRuns(
  text: string,
  runs: [number, number][][],
  analyze: (decoded: string) => { kind: string }[],
): EncodedHit[] {
  const out: EncodedHit[] = [];
  const judge = (raw: string, bytes: () => Buffer, head: Buffer, at?: number) => {
    // (the first bytes say what the blob is: an image or a PDF is neither text nor a key)
    if (head[0] === 0x30 && raw.length <= DECODE_MAX && isPrivateKeyDer(bytes()))
      return void out.push({ raw, kind: 'secret.private-key', at });
    if (isKeyStore(head)) return void out.push({ raw, kind: 'secret.key-store', at });
    // (decoded only when it reads as text and is not too large to scan: a big text PDF is rare)
    const wide = !isText(head) && isUtf16Text(head);
    if ((!wide && !isText(head)) || raw.length > DECODE_MAX) return;
    const full = bytes();
    if (wide ? !isUtf16Text(full) : !isText(full)) return;
    const found = analyze(full.toString(wide ? 'utf16le' : 'latin1'));
    if (found.length) out.push({ raw, kind: found[0].kind, at });
  };
  for (const [s, e] of base64Runs(text, runs[0])) {
    const raw = text.slice(s, e);
    const wrapped = /\s/.test(raw);
    const start = wrapped ? raw.slice(0, PROBE * 2 + 8).replace(/\s+/g, '') : raw.slice(0, PROBE + 8);
    // (a run may start off the 4-character grid: one to three characters glued before the base64)
    const skip = [0, 1, 2, 3].find((k) => {
      if (!mayBeTextOrDer(start, k)) return false;
      const head = Buffer.from(start.slice(k, k + PROBE), 'base64');
      return head[0] === 0x30 || isText(head) || isKeyStore(head) || isUtf16Text(head);
    });
    if (skip === undefined) continue;
    judge(
      raw,
      () => Buffer.from((wrapped ? raw.replace(/\s+/g, '') : raw).slice(skip), 'base64'),
      Buffer.from(start.slice(skip, skip + PROBE), 'base64'),
      s,
    );
  }
  // Base32 (RFC 4648, in one case) and base58 (Bitcoin's alphabet): a model decodes both.
  for (const [s, e] of runs[0]) {
    if (e - s < B64_MIN || e - s > DECODE_MAX) continue;
    const raw = text.slice(s, e);
    if (!BASE32.test(raw)) continue;
    const bytes = fromBase32(raw);
    judge(raw, () => bytes, bytes.subarray(0, PROBE), s);
  }
  for (const [s, e] of runs[3]) {
    if (e - s > BASE58_MAX) continue;
    const raw = text.slice(s, e);
    if (!BASE58.test(raw) || /^[0-9a-fA-F]+$/.test(raw)) continue;
    const bytes = fromBase58(raw);
    judge(raw, () => bytes, bytes.subarray(0, PROBE), s);
  }
  for (const [s, e] of runs[1]) {
    const raw = text.slice(s, s + ((e - s) & ~1));
    judge(raw, () => Buffer.from(raw, 'hex'), Buffer.from(raw.slice(0, PROBE * 2), 'hex'), s);
  }
  // Bytes written one by one: `41:57:53`, `41 57 53` (a hex dump), `[65, 87, 83]` (char codes).
  for (const [raw, bytes] of byteLists(text, runs[2])) judge(raw, () => bytes, bytes.subarray(0, PROBE));
  return out;
}

/**
 * The text with its escapes decoded (`\u0067`, `\x67`, `%67`, `&#103;`, `&#x67;`, `\147`), and for each decoded character the offset
 * where it starts in the text (one more entry: the text's end).
 */
function unescaped(
  text: string,
  re: RegExp = ESCAPE,
  decode: (m: RegExpExecArray) => string = escapeText,
): { text: string; from: Int32Array } {
  const from = new Int32Array(text.length + 1);
  // (pieces joined once: a character at a time, a megabyte of source made a million strings)
  const parts: string[] = [];
  let n = 0;
  let at = 0;
  const copy = (upTo: number) => {
    if (upTo <= at) return;
    parts.push(text.slice(at, upTo));
    for (; at < upTo; at++) from[n++] = at;
  };
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    copy(m.index);
    const t = decode(m);
    // (each decoded code unit starts at the escape: a mathematical letter is two)
    for (let k = 0; k < t.length; k++) from[n++] = m.index;
    parts.push(t);
    at = m.index + m[0].length;
  }
  copy(text.length);
  from[n] = text.length;
  return { text: parts.join(''), from: from.subarray(0, n + 1) };
}

/**
 * How far around a cluster of escapes the text is read unescaped: a secret written with escapes has
 * one inside it, so only the text near escapes is read again, as far as a PEM block reaches. (The
 * whole megabyte of a source file with a few `%20` in it was unescaped a character at a time and
 * analysed again: 250 ms a request.)
 */
const ESCAPE_REACH = 4096;

/** The secrets written with escapes, each named by the escaped range that holds it. */
export function inEscapes(
  text: string,
  analyze: (decoded: string) => { value: string; kind: string }[],
  hint = ESCAPE_HINT,
  escape = ESCAPE,
  decode = escapeText,
): EncodedHit[] {
  if (!hint.test(text)) return [];
  const out: EncodedHit[] = [];
  const read = (from: number, to: number) => {
    const base = Math.max(0, from - ESCAPE_REACH);
    const piece = text.slice(base, Math.min(text.length, to + ESCAPE_REACH));
    const u = unescaped(piece, escape, decode);
    // (a value written plainly counts too: the escape before it may be what hid it, `%3Dsk_live_…`
    // has no token boundary until `%3D` is read as `=`)
    for (const f of analyze(u.text))
      for (let i = u.text.indexOf(f.value); i >= 0; i = u.text.indexOf(f.value, i + 1)) {
        const raw = piece.slice(u.from[i], u.from[i + f.value.length]);
        if (!out.some((o) => o.raw === raw)) out.push({ raw, kind: f.kind, at: base + u.from[i] });
      }
  };
  // (escapes closer than twice the reach are one cluster, read as one piece)
  let start = -1,
    end = -1;
  const re = new RegExp(escape.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (start >= 0 && m.index - end > 2 * ESCAPE_REACH) {
      read(start, end);
      start = -1;
    }
    if (start < 0) start = m.index;
    end = m.index + m[0].length;
  }
  if (start >= 0) read(start, end);
  return out;
}

/**
 * The secrets a text holds in encoded form, and (opaqueValues) the random-looking values the
 * gateway takes for secrets. `analyze` is the plain analysis (found values and their kinds), run on
 * each decoded text; `decode` false: no decoding (past a depth of decoded texts).
 */
export function hiddenSecrets(
  text: string,
  analyze: (decoded: string) => { value: string; kind: string }[],
  decode = true,
  top = decode,
): EncodedHit[] {
  if (text.length < 16) return [];
  const runs = scanRuns(text);
  const out = [...opaqueValues(text, runs[3]), ...credentialFiles(text)];
  if (top) out.push(...inTurned(text, analyze));
  if (decode)
    out.push(
      ...inEscapes(text, analyze),
      ...inEscapes(text, analyze, QP_HINT, QP, qpText),
      ...inRuns(text, runs, analyze),
    );
  // A token's characters moved about are looked for in the text as sent, not in decoded texts (a
  // token spelled out inside base64 is two disguises; each costs a pass over every text).
  if (top) out.push(...inPunycode(text, analyze), ...inSpelled(text, analyze), ...inJoined(text, analyze));
  return out;
}

/**
 * Random-looking values under names that do not say "secret" (`HUB_VALUE="…"`, `{"cfg": "…"}`) and
 * after `Bearer` in any header. Too eager for a scanner (a build would fail on them), right for the
 * gateway, where a value taken for a secret costs nothing: the model sees a placeholder, the agent
 * gets the value back. A value counts when it is letters and digits only, 32 to 256 characters,
 * with both cases and digits, and as random as issued keys are (git SHAs, UUIDs, hashes with + / =
 * and ids with _ or - do not qualify), under a name of two characters at least (one letter is
 * mathematics, or a public JSON Web Key's coordinates `x`, `y`, `n`).
 */
const ASSIGNED_BEFORE = /(?:^|[\s{,;(\[])["']?[A-Za-z_][\w.\-]{1,60}["']?[ \t]*(?:=|:|=>)[ \t]*["'`]?$/;
const BEARER = /\b[Bb]earer[ \t]+([A-Za-z0-9._~+/\-]{24,512})(?![A-Za-z0-9._~+/=\-])/g;

function opaqueValues(text: string, alnumRuns: [number, number][]): EncodedHit[] {
  const out: EncodedHit[] = [];
  for (const [s, e] of alnumRuns) {
    if (e - s > 256 || /[+/=_-]/.test(text[e] ?? '')) continue;
    const v = text.slice(s, e);
    if (looksIssued(v, 4.2) && ASSIGNED_BEFORE.test(text.slice(Math.max(0, s - 80), s)) && !encodesWords(v))
      out.push({ raw: v, kind: 'secret.opaque' });
  }
  if (text.includes('earer '))
    for (const m of text.matchAll(BEARER))
      if (!isPlaceholder(m[1]) && entropy(m[1]) >= 3.8 && /[0-9]/.test(m[1]) && /[A-Za-z]/.test(m[1]))
        out.push({ raw: m[1], kind: 'secret.bearer' });
  return out;
}

/**
 * Whether a letter-digit value is base64 or base58 of words (`motd: VGhlIHF1aWNr…`): not an issued
 * key, and a secret inside it is found by decoding.
 */
function encodesWords(v: string): boolean {
  const words = (b: Buffer) => isText(b) && / [A-Za-z]{2,}/.test(b.toString('latin1'));
  return words(Buffer.from(v, 'base64')) || (BASE58.test(v) && words(fromBase58(v)));
}

function looksIssued(v: string, minEntropy: number): boolean {
  const count = (re: RegExp) => v.match(re)?.length ?? 0;
  if (count(/[A-Z]/g) < 2 || count(/[a-z]/g) < 2 || count(/[0-9]/g) < 2) return false;
  return !isPlaceholder(v) && entropy(v) >= minEntropy;
}

/**
 * Passwords in the credential files clients read, whose lines have no `password=` a format could
 * key on: `.netrc` (`machine host login me password …`, on one line or several) and `.pgpass`
 * (`host:port:database:user:password`, the port a number or `*`). The password must not be a word.
 */
const NETRC = /\b(?:machine[ \t]+\S+|default)(?:\s+(?:login|account|port)[ \t]+\S+){0,3}\s+password[ \t]+(\S{6,128})/g;
const PGPASS = /^[\w.\-*]+:(?:\d{1,5}|\*):[\w.\-*]+:[\w.\-*@]+:(\S{6,128})[ \t]*$/gm;

/**
 * A Kubernetes Secret: every value under its `data:` is a secret in base64, whatever its name
 * (`DB_PASS: cDRz…`) and however short; decoded it may be a word no analysis would call secret.
 */
const K8S_SECRET = /^kind:[ \t]*["']?Secret["']?[ \t]*$/m;

function k8sSecretData(text: string): EncodedHit[] {
  const out: EncodedHit[] = [];
  // (each line of the block: the block's indentation, more of it, then a non-blank: one way to read it)
  for (const m of text.matchAll(/^([ \t]*)data:[ \t]*\r?\n((?:\1[ \t]+\S[^\n]*(?:\n|$))+)/gm))
    for (const v of m[2].matchAll(/^[ \t]+[\w.\-]+:[ \t]*["']?([A-Za-z0-9+/]{4,}={0,2})["']?[ \t]*$/gm))
      if (v[1].length >= 8 && v[1].length % 4 === 0) out.push({ raw: v[1], kind: 'secret.k8s-secret-data' });
  return out;
}

/** A word, not letters drawn at random (`pJaMlvPMjkBf…` has no digit and is still a password). */
function isWord(v: string): boolean {
  return /^[A-Za-z]+$/.test(v) && !looksGenerated(v);
}

function credentialFiles(text: string): EncodedHit[] {
  const out: EncodedHit[] = [];
  const take = (re: RegExp, kind: string) => {
    for (const m of text.matchAll(re))
      if (!isPlaceholder(m[1]) && !isWord(m[1]) && entropy(m[1]) >= 2.5) out.push({ raw: m[1], kind });
  };
  if (text.includes('machine') || text.includes('default')) take(NETRC, 'secret.netrc-password');
  if (text.includes(':')) take(PGPASS, 'secret.pgpass-password');
  if (K8S_SECRET.test(text)) out.push(...k8sSecretData(text));
  return out;
}

/**
 * Host names in punycode (`xn--…`): a token with a lookalike letter, made a host name, reads back
 * as the token. Each label is decoded and its lookalike letters read as Latin ones.
 */
function inPunycode(text: string, analyze: (decoded: string) => { value: string; kind: string }[]): EncodedHit[] {
  if (!text.includes('xn--')) return [];
  const out: EncodedHit[] = [];
  for (const m of text.matchAll(/(?<![\w-])xn--[A-Za-z0-9-]{8,59}(?![\w-])/g)) {
    const read = [...domainToUnicode(m[0])].map((c) => LOOKALIKE[c] ?? c).join('');
    if (read === m[0] || !read) continue;
    const found = analyze(` ${read} `);
    if (found.length) out.push({ raw: m[0], kind: found[0].kind });
  }
  return out;
}

// ---- a token's own characters, moved or swapped: ROT13, written backwards, spelled out, cut up in code ----

const backwards = (s: string) => s.split('').reverse().join('');

/**
 * The words that mark a secret (the formats' prefixes and names, the generic rule's labels),
 * turned the two ways a model turns back without effort: ROT13 (`tuc_` is `ghp_`) and backwards
 * (`_phg`). Where one stands, the text around it is turned back and analysed; the words are
 * looked for in the pass over the text the secrets analyzer makes anyway, so a text without them
 * costs nothing. (Words under four letters are everywhere: `fx-` is not looked for.)
 */
const TURNINGS = [rot13, backwards];
const MARKS = [
  ...new Set(
    SECRET_PATTERNS.flatMap((p) => (p.quick ? [] : p.hints))
      .concat(['secret', 'token', 'passw', 'credential', 'bearer', 'private key'])
      .map((h) => h.toLowerCase())
      .filter((h) => h.length >= 4 && /[a-z]{2}/.test(h)),
  ),
];
const TURNED: { word: string; how: number }[] = [];
for (const [how, turn] of TURNINGS.entries())
  for (const w of MARKS) {
    const t = turn(w);
    if (t !== w && !MARKS.includes(t) && !TURNED.some((x) => x.word === t)) TURNED.push({ word: t, how });
  }
// (an automaton of their own, not words of the shared one: the shared one reads every text every
// analyzer asks about, scanner files too, and 300 more words made it 20% slower; these are looked
// for only in the texts a request sends)
let ownTurned: Literals | undefined;
const TURNED_OWN_TAG = Int32Array.from(TURNED, (_, k) => k);
/** Reach of a window around a turned word: before it and after it (backwards, a token's body precedes its prefix). */
const TURN_REACH = [
  [512, 4096],
  [4096, 512],
];

/** Base64 characters around a place that make it part of an encoded blob, not a token. */
const BLOB_AROUND = 96;
function inLongRun(text: string, at: number, len: number): boolean {
  const b64 = (i: number) => {
    const c = text.charCodeAt(i);
    return c < 128 && (CLASS[c] & B64) !== 0 && c !== 95 && c !== 45;
  };
  let n = len;
  for (let i = at - 1; i >= 0 && n < BLOB_AROUND && b64(i); i--) n++;
  for (let i = at + len; i < text.length && n < BLOB_AROUND && b64(i); i++) n++;
  return n >= BLOB_AROUND;
}

function inTurned(text: string, analyze: (decoded: string) => { value: string; kind: string }[]): EncodedHit[] {
  const windows: [number, number][][] = [[], []];
  const hit = (k: number, at: number) => {
    const t = TURNED[k];
    // (four letters turn up by chance in base64: an image's megabyte holds hundreds of them)
    if (inLongRun(text, at, t.word.length)) return;
    const [before, after] = TURN_REACH[t.how];
    const w = windows[t.how];
    const s = Math.max(0, at - before),
      e = Math.min(text.length, at + t.word.length + after);
    const last = w[w.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else w.push([s, e]);
  };
  (ownTurned ??= new Literals(TURNED.map((t) => ({ word: t.word, caseSensitive: false }))))
    .scan(text)
    .tagged(TURNED_OWN_TAG, hit);
  const out: EncodedHit[] = [];
  windows.forEach((list, how) => {
    const turn = TURNINGS[how];
    for (const [s, e] of list) {
      const piece = text.slice(s, e);
      for (const f of analyze(turn(piece))) {
        // (both turnings undo themselves: the value turned again is the text as written)
        const raw = turn(f.value);
        if (raw !== f.value && piece.includes(raw) && !out.some((o) => o.raw === raw)) out.push({ raw, kind: f.kind });
      }
    }
  });
  return out;
}

/**
 * A token spelled out, one character then one separator (a space, a dash, a dot, a line break), the
 * same separator throughout: `g h p _ 1 a …`. Sixteen characters at least; the letters are read
 * joined. (A spaced heading is a few words; joined, it holds no format.)
 */
const SPELLED_MIN = 16;
const SPELL_CHAR = new Uint8Array(128);
mark2(LETTERS + DIGITS + '_+/=-', 1, SPELL_CHAR);
mark2(' .\n-', 2, SPELL_CHAR);
function mark2(chars: string, bit: number, table: Uint8Array) {
  for (const c of chars) table[c.charCodeAt(0)] |= bit;
}
const spellChar = (t: string, i: number) => {
  const c = t.charCodeAt(i);
  return c < 128 && (SPELL_CHAR[c] & 1) !== 0;
};

/**
 * The spelled-out runs of a text: [start, end) of `c s c s … c` with one separator s throughout.
 * (A run of 31 characters or more holds every 8th position: the text is probed there, and only
 * where a probe sits in a spelled stretch is the run walked; most characters are never read.)
 */
/** Whether a separator at k stands between two characters and repeats two further on (or back). */
function spelledAt(t: string, k: number): boolean {
  const sep = t.charCodeAt(k);
  if (sep >= 128 || !(SPELL_CHAR[sep] & 2) || !spellChar(t, k - 1) || !spellChar(t, k + 1)) return false;
  return t.charCodeAt(k + 2) === sep || t.charCodeAt(k - 2) === sep;
}

function spelledRuns(t: string): [number, number][] {
  const out: [number, number][] = [];
  const min = 2 * SPELLED_MIN - 1;
  for (let i = 1; i + 2 < t.length; i += 8) {
    // (the separator next to the probe: at it, or just after it; a dash can be either)
    const k = spelledAt(t, i) ? i : spelledAt(t, i + 1) ? i + 1 : -1;
    if (k < 0) continue;
    const sep = t.charCodeAt(k);
    let s = k - 1;
    while (s >= 2 && t.charCodeAt(s - 1) === sep && spellChar(t, s - 2)) s -= 2;
    let e = k + 2;
    while (e + 1 < t.length && t.charCodeAt(e) === sep && spellChar(t, e + 1)) e += 2;
    // (`a-b` inside `x-y-z`: a character that is also the separator is read as a character)
    if (e - s >= min && (!out.length || s >= out[out.length - 1][1])) out.push([s, e]);
    if (e > i) i = e - 8;
  }
  return out;
}

function inSpelled(text: string, analyze: (decoded: string) => { value: string; kind: string }[]): EncodedHit[] {
  const out: EncodedHit[] = [];
  for (const [s, e] of spelledRuns(text)) {
    const run = text.slice(s, e);
    let joined = '';
    for (let i = 0; i < run.length; i += 2) joined += run[i];
    if ((joined.match(/[A-Za-z0-9]/g)?.length ?? 0) < 12) continue;
    for (const f of analyze(` ${joined} `))
      for (let i = joined.indexOf(f.value); i >= 0; i = joined.indexOf(f.value, i + 1)) {
        const raw = run.slice(2 * i, 2 * (i + f.value.length) - 1);
        if (!out.some((o) => o.raw === raw)) out.push({ raw, kind: f.kind });
      }
  }
  return out;
}

/**
 * A token cut into pieces that code or a shell puts back together: string literals joined with `+`
 * or listed to be joined (`"ghp_1a" + "2b…"`, `["sk-…", "…"]`), quotes inside a shell word
 * (`ghp_1a"2b"'3c'`), a line continued with a backslash. Pieces of token characters on both sides
 * of such a joint are read joined; only a joined run that could be a token (20 characters, a
 * letter and a digit) is analysed, with the text of its line before it (a label).
 */
const TOKEN_CHAR = new Uint8Array(128);
mark2(LETTERS + DIGITS + '_-+/=.~', 1, TOKEN_CHAR);
const isTokenChar = (t: string, i: number) => {
  const c = t.charCodeAt(i);
  return c < 128 && TOKEN_CHAR[c] === 1;
};
const isQuote = (c: number) => c === 34 || c === 39 || c === 96;
/** Printable, not a blank, a quote or a backslash: what a shell word or a properties value holds. */
const isWordChar = (t: string, i: number) => {
  const c = t.charCodeAt(i);
  return c > 32 && c < 127 && c !== 92 && !isQuote(c);
};
const isBlank = (c: number) => c === 32 || c === 9;

/**
 * The end of a joint that starts at `a` (a quote, or a backslash ending a line), or -1: a closing
 * quote, blanks, an optional `+` or `,`, an optional line break and indentation, an optional `+`,
 * an opening quote; one or two quotes (a shell word); a backslash, a line break, indentation.
 */
function jointEnd(t: string, a: number): number {
  let i = a;
  const c = t.charCodeAt(i);
  if (c === 92) {
    i++;
    if (t.charCodeAt(i) === 13) i++;
    if (t.charCodeAt(i) !== 10) return -1;
    for (i++; isBlank(t.charCodeAt(i)); i++);
    return i;
  }
  i++;
  // (a shell word: one or two quotes between token characters)
  if (isTokenChar(t, i)) return i;
  if (isQuote(t.charCodeAt(i)) && isTokenChar(t, i + 1)) return i + 1;
  while (isBlank(t.charCodeAt(i))) i++;
  let sep = false;
  const plusOrComma = () => {
    const d = t.charCodeAt(i);
    if (d !== 43 && d !== 44) return;
    sep = true;
    for (i++; isBlank(t.charCodeAt(i)); i++);
  };
  plusOrComma();
  if (t.charCodeAt(i) === 13) i++;
  if (t.charCodeAt(i) === 10) for (i++; isBlank(t.charCodeAt(i)); i++);
  if (!sep) plusOrComma();
  return sep && isQuote(t.charCodeAt(i)) ? i + 1 : -1;
}

const LABEL_WORD = /passw|pwd|secret|token|credential|auth|[^a-z]key/i;

function inJoined(text: string, analyze: (decoded: string) => { value: string; kind: string }[]): EncodedHit[] {
  const out: EncodedHit[] = [];
  let chain: { s: number; e: number; joints: [number, number][] } | undefined;
  const flush = () => {
    if (chain && chain.joints.length) readChain(chain.s, chain.e, chain.joints);
    chain = undefined;
  };
  const readChain = (s: number, e: number, joints: [number, number][]) => {
    // (the rest of the lines around the chain is read with it: a label before it, and the characters
    // of a password that are not a token's, `!#%`, on both sides)
    const ls = Math.max(text.lastIndexOf('\n', s - 1) + 1, s - 80);
    let le = text.indexOf('\n', e);
    le = Math.min(le < 0 ? text.length : le, e + 80);
    let joined = '';
    const from: number[] = [];
    let at = ls;
    for (const [a, b] of [...joints, [le, le] as [number, number]]) {
      for (let i = at; i < a; i++) ((joined += text[i]), from.push(i));
      at = b;
    }
    // (the word the joints are in, from blank to blank: long enough, letters and digits, to be a token)
    const word = /\S*$/.exec(joined.slice(0, s - ls))![0] + joined.slice(s - ls).split(/\s/)[0];
    // (and a digit in it, as issued tokens have, or a label on the line, or drawn letters: lists of
    // words in code are everywhere, `['a.json', 'b.json']`, and a token may draw no digit, 1 in 500)
    if (word.length < 20 || !/[A-Za-z]/.test(word)) return;
    if (!/[0-9]/.test(word) && !LABEL_WORD.test(joined) && !looksGenerated(word)) return;
    for (const f of analyze(`${joined} `))
      for (let i = joined.indexOf(f.value); i >= 0; i = joined.indexOf(f.value, i + 1)) {
        const raw = text.slice(from[i], from[i + f.value.length - 1] + 1);
        if (raw !== f.value && !out.some((o) => o.raw === raw)) out.push({ raw, kind: f.kind });
      }
  };
  // (a loop over the codes, not a regex: this runs on every text a request carries, and most
  // quotes in code are not joints: the character before them is not a token's)
  const quotes = /["'`\\]/g;
  for (let m = quotes.exec(text); m; m = quotes.exec(text)) {
    const a = m.index;
    // (a line continued with a backslash joins any characters, `…Cc%\` then `#40L!…`: a password's too)
    const joins = text.charCodeAt(a) === 92 ? isWordChar : isTokenChar;
    if (a === 0 || !joins(text, a - 1)) continue;
    const b = jointEnd(text, a);
    if (b < 0 || !joins(text, b)) continue;
    if (chain && chain.e === a) chain.joints.push([a, b]);
    else {
      flush();
      let s = a;
      while (s > 0 && isTokenChar(text, s - 1) && a - s < 512) s--;
      chain = { s, e: a, joints: [[a, b]] };
    }
    let e = b;
    while (isTokenChar(text, e) && e - b < 512) e++;
    chain.e = e;
    quotes.lastIndex = e;
  }
  flush();
  return out;
}
