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

export interface EncodedHit {
  /** The text as written (what to redact). */
  raw: string;
  kind: string;
}

/** A base64 run this long at least is decoded (shorter ones are words and identifiers). */
const B64_MIN = 24;
/** Runs longer than this are decoded only for their first bytes' kind (images, PDFs: not text). */
const PROBE = 768;
/** Decoded text is analysed up to this size; a larger blob of text is rare and costs a scan. */
const DECODE_MAX = 4 * 1024 * 1024;
/** Hex runs this long at least (12 bytes) are decoded. */
const HEX_MIN = 24;
/** A `\u0041`, `\x41` or `%41` escape. */
const ESCAPE = /\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|%([0-9a-fA-F]{2})/g;
const ESCAPE_HINT = /\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|%[0-9a-fA-F]{2}/;

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

/**
 * Base64 runs, a run being lines of base64 separated only by line breaks and indentation (a wrapped
 * file, a PEM body, a YAML block): [start, end) of each, in the text.
 */
function base64Runs(text: string): [number, number][] {
  const out: [number, number][] = [];
  // (a loop, not a regex: a 10 MB run overflows the regex engine's stack)
  for (const [s, e] of runsOf(text, B64_CHAR, 16)) {
    let end = e;
    while (text.charCodeAt(end) === 61 && end - e < 2) end++; // '=' padding
    const last = out[out.length - 1];
    // (joined to the run before when only a line break and spaces stand between)
    if (last && /^[ \t]*\r?\n[ \t]*$/.test(text.slice(last[1], s))) last[1] = end;
    else out.push([s, end]);
  }
  return out.filter(([s, e]) => e - s >= B64_MIN);
}

const B64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') B64_CHAR[c.charCodeAt(0)] = 1;
const HEX_CHAR = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF') HEX_CHAR[c.charCodeAt(0)] = 1;

/** Maximal runs of characters of a set, at least `min` long: [start, end). */
function runsOf(text: string, set: Uint8Array, min: number): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if (c < 128 && set[c]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= min) out.push([start, i]);
      start = -1;
    }
  }
  return out;
}

/** The secrets inside base64 and hex runs of a text, each named by its whole run. */
function inRuns(text: string, analyze: (decoded: string) => { kind: string }[]): EncodedHit[] {
  const out: EncodedHit[] = [];
  const judge = (raw: string, bytes: () => Buffer, head: Buffer) => {
    // (the first bytes say what the blob is: an image or a PDF is neither text nor a key)
    if (head[0] === 0x30 && raw.length <= DECODE_MAX && isPrivateKeyDer(bytes()))
      return void out.push({ raw, kind: 'secret.private-key' });
    if (!isText(head)) return;
    const full = bytes();
    if (full.length > DECODE_MAX || !isText(full)) return;
    const found = analyze(full.toString('latin1'));
    if (found.length) out.push({ raw, kind: found[0].kind });
  };
  for (const [s, e] of base64Runs(text)) {
    const raw = text.slice(s, e);
    const head = Buffer.from(
      raw
        .slice(0, PROBE * 2)
        .replace(/\s+/g, '')
        .slice(0, PROBE),
      'base64',
    );
    judge(raw, () => Buffer.from(raw.replace(/\s+/g, ''), 'base64'), head);
  }
  for (const [s, e] of runsOf(text, HEX_CHAR, HEX_MIN)) {
    const raw = text.slice(s, s + ((e - s) & ~1));
    judge(raw, () => Buffer.from(raw, 'hex'), Buffer.from(raw.slice(0, PROBE * 2), 'hex'));
  }
  return out;
}

/**
 * The text with its `\u`, `\x` and `%` escapes decoded, and for each decoded character the offset
 * where it starts in the text (one more entry: the text's end).
 */
function unescaped(text: string): { text: string; from: Int32Array } {
  const from = new Int32Array(text.length + 1);
  let out = '';
  let at = 0;
  const copy = (upTo: number) => {
    for (; at < upTo; at++) {
      from[out.length] = at;
      out += text[at];
    }
  };
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(text); m; m = ESCAPE.exec(text)) {
    copy(m.index);
    from[out.length] = m.index;
    out += String.fromCharCode(parseInt(m[1] ?? m[2] ?? m[3], 16));
    at = m.index + m[0].length;
  }
  copy(text.length);
  from[out.length] = text.length;
  return { text: out, from: from.subarray(0, out.length + 1) };
}

/** The secrets written with escapes, each named by the escaped range that holds it. */
function inEscapes(text: string, analyze: (decoded: string) => { value: string; kind: string }[]): EncodedHit[] {
  if (!ESCAPE_HINT.test(text)) return [];
  const u = unescaped(text);
  const out: EncodedHit[] = [];
  for (const f of analyze(u.text))
    for (let i = u.text.indexOf(f.value); i >= 0; i = u.text.indexOf(f.value, i + 1)) {
      const raw = text.slice(u.from[i], u.from[i + f.value.length]);
      if (raw !== f.value) out.push({ raw, kind: f.kind });
    }
  return out;
}

/**
 * The secrets a text holds in encoded form. `analyze` is the plain analysis (found values and
 * their kinds), run on each decoded text.
 */
export function encodedSecrets(
  text: string,
  analyze: (decoded: string) => { value: string; kind: string }[],
): EncodedHit[] {
  if (text.length < B64_MIN && !ESCAPE_HINT.test(text)) return [];
  return [...inEscapes(text, analyze), ...inRuns(text, analyze)];
}
