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
import { entropy, isPlaceholder } from './index.ts';

export interface EncodedHit {
  /** The text as written (what to redact). */
  raw: string;
  kind: string;
}

/** A base64 run this long at least is decoded (shorter ones are words and identifiers). */
const B64_MIN = 24;
/** Runs longer than this are decoded only for their first bytes' kind (images, PDFs: not text). */
const PROBE = 768;
/** Encoded runs up to this size (in characters) are decoded and analysed. */
const DECODE_MAX = 4 * 1024 * 1024;
/** Hex runs this long at least (12 bytes) are decoded. */
const HEX_MIN = 24;
/** A `\u0041`, `\x41` or `%41` escape. */
const ESCAPE =
  /\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|%([0-9a-fA-F]{2})|&#[xX]([0-9a-fA-F]{1,6});|&#(\d{1,7});|\\([0-3][0-7]{2})/g;
const ESCAPE_HINT = /\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|%[0-9a-fA-F]{2}|&#[xX]?[0-9a-fA-F]{1,7};|\\[0-3][0-7]{2}/;

/** Whether bytes read as text (printable ASCII and line breaks, almost all). */
function isText(b: Buffer): boolean {
  if (b.length < 12) return false;
  let bad = 0;
  for (const c of b) if (!((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13)) bad++;
  return bad <= b.length * 0.03;
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
 * The runs of each class ([start, end), by class bit). Base64 runs are found in one loop over the
 * text (a regex `[…]{16,}` overflows the engine's stack on a 10 MB run, and `[…]{16}[…]*` reads each
 * short run again from every character); hex and letter-digit runs lie inside them (their
 * characters are base64's), and lists of bytes are looked for only where a regex sees one start.
 */
export function scanRuns(text: string): [number, number][][] {
  const out: [number, number][][] = [[], [], [], []];
  let st = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if (c < 128 && CLASS[c] & B64) {
      if (st < 0) st = i;
    } else if (st >= 0) {
      if (i - st >= RUN_MIN[0]) out[0].push([st, i]);
      st = -1;
    }
  }
  for (const [s, e] of out[0]) {
    subRuns(text, s, e, HEX, out[1], RUN_MIN[1]);
    subRuns(text, s, e, ALNUM, out[3], RUN_MIN[3]);
  }
  if (LIST_START.test(text)) {
    const lists: [number, number][] = [];
    subRuns(text, 0, text.length, LIST, lists, RUN_MIN[2]);
    out[2] = lists;
  }
  return out;
}

/** Four bytes listed (`41 57 53 5f`, `41:57:…`, `65, 87, 83, 95`): where a list of bytes may be. */
const LIST_START =
  /[0-9a-fA-F]{2}[ :][0-9a-fA-F]{2}[ :][0-9a-fA-F]{2}[ :][0-9a-fA-F]{2}|\d{1,3}, ?\d{1,3}, ?\d{1,3}, ?\d{1,3}/;

/** The runs of a class within [s, e), at least `min` long, appended to `out`. */
function subRuns(text: string, s: number, e: number, bit: number, out: [number, number][], min: number) {
  let st = -1;
  for (let i = s; i <= e; i++) {
    const c = i < e ? text.charCodeAt(i) : 0;
    if (c < 128 && CLASS[c] & bit) {
      if (st < 0) st = i;
    } else if (st >= 0) {
      if (i - st >= min) out.push([st, i]);
      st = -1;
    }
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
  for (let j = k; j < Math.min(b64.length - 3, k + 32); j += 4) {
    const c = b64.charCodeAt(j);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 102))) return false;
  }
  return true;
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

/** The secrets inside base64 and hex runs of a text, each named by its whole run. */
function inRuns(
  text: string,
  runs: [number, number][][],
  analyze: (decoded: string) => { kind: string }[],
): EncodedHit[] {
  const out: EncodedHit[] = [];
  const judge = (raw: string, bytes: () => Buffer, head: Buffer) => {
    // (the first bytes say what the blob is: an image or a PDF is neither text nor a key)
    if (head[0] === 0x30 && raw.length <= DECODE_MAX && isPrivateKeyDer(bytes()))
      return void out.push({ raw, kind: 'secret.private-key' });
    // (decoded only when it reads as text and is not too large to scan: a big text PDF is rare)
    if (!isText(head) || raw.length > DECODE_MAX) return;
    const full = bytes();
    if (!isText(full)) return;
    const found = analyze(full.toString('latin1'));
    if (found.length) out.push({ raw, kind: found[0].kind });
  };
  for (const [s, e] of base64Runs(text, runs[0])) {
    const raw = text.slice(s, e);
    const wrapped = /\s/.test(raw);
    const start = wrapped ? raw.slice(0, PROBE * 2 + 8).replace(/\s+/g, '') : raw.slice(0, PROBE + 8);
    // (a run may start off the 4-character grid: one to three characters glued before the base64)
    const skip = [0, 1, 2, 3].find((k) => {
      if (!mayBeTextOrDer(start, k)) return false;
      const head = Buffer.from(start.slice(k, k + PROBE), 'base64');
      return head[0] === 0x30 || isText(head);
    });
    if (skip === undefined) continue;
    judge(
      raw,
      () => Buffer.from((wrapped ? raw.replace(/\s+/g, '') : raw).slice(skip), 'base64'),
      Buffer.from(start.slice(skip, skip + PROBE), 'base64'),
    );
  }
  for (const [s, e] of runs[1]) {
    const raw = text.slice(s, s + ((e - s) & ~1));
    judge(raw, () => Buffer.from(raw, 'hex'), Buffer.from(raw.slice(0, PROBE * 2), 'hex'));
  }
  // Bytes written one by one: `41:57:53`, `41 57 53` (a hex dump), `[65, 87, 83]` (char codes).
  for (const [raw, bytes] of byteLists(text, runs[2])) judge(raw, () => bytes, bytes.subarray(0, PROBE));
  return out;
}

/**
 * The text with its escapes decoded (`\u0067`, `\x67`, `%67`, `&#103;`, `&#x67;`, `\147`), and for each decoded character the offset
 * where it starts in the text (one more entry: the text's end).
 */
function unescaped(text: string): { text: string; from: Int32Array } {
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
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(text); m; m = ESCAPE.exec(text)) {
    copy(m.index);
    from[n++] = m.index;
    const code = m[5] ? Number(m[5]) : m[6] ? parseInt(m[6], 8) : parseInt(m[1] ?? m[2] ?? m[3] ?? m[4], 16);
    parts.push(code <= 0xffff ? String.fromCharCode(code) : '\ufffd');
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
function inEscapes(text: string, analyze: (decoded: string) => { value: string; kind: string }[]): EncodedHit[] {
  if (!ESCAPE_HINT.test(text)) return [];
  const out: EncodedHit[] = [];
  const read = (from: number, to: number) => {
    const piece = text.slice(Math.max(0, from - ESCAPE_REACH), Math.min(text.length, to + ESCAPE_REACH));
    const u = unescaped(piece);
    for (const f of analyze(u.text))
      for (let i = u.text.indexOf(f.value); i >= 0; i = u.text.indexOf(f.value, i + 1)) {
        const raw = piece.slice(u.from[i], u.from[i + f.value.length]);
        if (raw !== f.value && !out.some((o) => o.raw === raw)) out.push({ raw, kind: f.kind });
      }
  };
  // (escapes closer than twice the reach are one cluster, read as one piece)
  let start = -1,
    end = -1;
  const re = new RegExp(ESCAPE.source, 'g');
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
): EncodedHit[] {
  if (text.length < 16) return [];
  const runs = scanRuns(text);
  const out = [...opaqueValues(text, runs[3]), ...credentialFiles(text)];
  if (decode) out.push(...inEscapes(text, analyze), ...inRuns(text, runs, analyze));
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
    if (looksIssued(v, 4.2) && ASSIGNED_BEFORE.test(text.slice(Math.max(0, s - 80), s)))
      out.push({ raw: v, kind: 'secret.opaque' });
  }
  if (text.includes('earer '))
    for (const m of text.matchAll(BEARER))
      if (!isPlaceholder(m[1]) && entropy(m[1]) >= 3.8 && /[0-9]/.test(m[1]) && /[A-Za-z]/.test(m[1]))
        out.push({ raw: m[1], kind: 'secret.bearer' });
  return out;
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
const NETRC = /\bmachine[ \t]+\S+(?:\s+(?:login|account|port)[ \t]+\S+){0,3}\s+password[ \t]+(\S{6,128})/g;
const PGPASS = /^[\w.\-*]+:(?:\d{1,5}|\*):[\w.\-*]+:[\w.\-*@]+:(\S{6,128})[ \t]*$/gm;

function credentialFiles(text: string): EncodedHit[] {
  const out: EncodedHit[] = [];
  const take = (re: RegExp, kind: string) => {
    for (const m of text.matchAll(re))
      if (!isPlaceholder(m[1]) && !/^[A-Za-z]+$/.test(m[1]) && entropy(m[1]) >= 2.5) out.push({ raw: m[1], kind });
  };
  if (text.includes('machine')) take(NETRC, 'secret.netrc-password');
  if (text.includes(':')) take(PGPASS, 'secret.pgpass-password');
  return out;
}
