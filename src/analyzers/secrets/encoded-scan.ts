/**
 * Secrets committed encoded (s18): a .env in base64, a key in hex in a config, a token written as
 * `\u0067…` escapes in package.json, a private key's DER body without armour. The gateway decodes
 * these (encoded.ts) before a request leaves; the scanner reports them on the line where the
 * encoded value stands, with what it decodes to (the format's name, never the value).
 *
 * Most files hold no such run, so nothing here reads a file whole: runs of base64/hex characters
 * are found by probing every 24th character (a run that long covers a probe), and escapes are
 * read only in files where the literal prefilter saw `\u` or `\x`.
 */
import type { Finding } from '../../engine/types.ts';
import { SourceFile, finding, clip } from '../source.ts';
import { mayOccur, prefilterProvider } from '../literals.ts';
import { inEscapes, inRuns, type EncodedHit } from './encoded.ts';
import { isLockfile, redact, secretSpans } from './index.ts';
import { SECRET_PATTERNS } from './patterns.ts';

/** The shortest run decoded (as the gateway's: 18 bytes of base64). */
const RUN_MIN = 24;
/** Escapes worth reading: `\u0067`, `\u{67}`, `\x67` (a file with only `%20` in URLs is not read again). */
const ESCAPES = /\\u[0-9a-fA-F{]|\\x[0-9a-fA-F]{2}/;
// (known to the prefilter's first build: a regex first asked about later rebuilds it)
prefilterProvider(() => [ESCAPES]);
/** Formats that mark a kind of file rather than being a credential. */
const NOT_CREDENTIAL = new Set(['secret.gcp-service-account']);

const IN_RUN = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') IN_RUN[c.charCodeAt(0)] = 1;
const inRun = (t: string, i: number) => {
  const c = t.charCodeAt(i);
  return c < 128 && IN_RUN[c] === 1;
};

/** Maximal runs of base64 (either alphabet) at least RUN_MIN long, found by probing every RUN_MIN-th character. */
function probedRuns(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (let i = RUN_MIN - 1; i < text.length; i += RUN_MIN) {
    if (!inRun(text, i)) continue;
    let s = i;
    while (s > 0 && inRun(text, s - 1)) s--;
    let e = i + 1;
    while (e < text.length && inRun(text, e)) e++;
    if (e - s >= RUN_MIN && (!out.length || s >= out[out.length - 1][1])) out.push([s, e]);
    i = e;
  }
  return out;
}

/** Runs of a class inside the probed runs (hex; letters and digits), as encoded.ts's scanRuns gives them. */
function subRuns(text: string, runs: [number, number][], re: RegExp, min: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of runs)
    for (const m of text.slice(s, e).matchAll(re))
      if (m[0].length >= min) out.push([s + m.index!, s + m.index! + m[0].length]);
  return out;
}

/** What a decoded text holds: the secrets the plain analysis finds in it, as values and formats. */
function analyzeDecoded(decoded: string): { value: string; kind: string }[] {
  return secretSpans(decoded)
    .filter((sp) => !NOT_CREDENTIAL.has(sp.rule))
    .map((sp) => ({ value: decoded.slice(sp.start, sp.end), kind: sp.rule }));
}

const TITLE = new Map(SECRET_PATTERNS.map((p) => [p.id, p.title]));
const titleOf = (kind: string) =>
  TITLE.get(kind) ?? (kind === 'secret.key-store' ? 'Key store (PKCS#12 or Java)' : 'Secret');

/** How a raw value is encoded, for the message. */
function encodingOf(raw: string): string {
  if (/\\u|\\x|%[0-9a-fA-F]{2}|&#|\\[0-3][0-7]{2}|&[A-Za-z]+;/.test(raw)) return 'escapes';
  if (/^[0-9a-fA-F]+$/.test(raw)) return 'hex';
  if (/^(?:[A-Z2-7]+|[a-z2-7]+)$/.test(raw)) return 'base32';
  return 'base64';
}

/**
 * Encoded secrets in a file, each on the line where its encoded value starts; none inside a range
 * a plain finding already covers (`password: <base64>` is the generic rule's), none in lockfiles.
 * @param plain the file's plain secret findings
 * @param changed in a diff scan, the changed lines (1-based)
 */
export function analyzeEncodedSecrets(file: SourceFile, plain: Finding[] = [], changed?: Set<number>): Finding[] {
  if (isLockfile(file.path) || file.text.length < RUN_MIN) return [];
  const text = file.text;
  const hits: EncodedHit[] = [];
  const b64 = probedRuns(text);
  if (b64.length) {
    const runs = [b64, subRuns(text, b64, /[0-9a-fA-F]+/g, RUN_MIN), [], subRuns(text, b64, /[A-Za-z0-9]+/g, 32)];
    hits.push(...inRuns(text, runs, analyzeDecoded));
  }
  if (mayOccur(ESCAPES, text) && ESCAPES.test(text)) hits.push(...inEscapes(text, analyzeDecoded));
  if (!hits.length) return [];
  const taken = plain.filter((f) => f.category === 'secret').map((f) => [f.line, f.endLine] as const);
  const out: Finding[] = [];
  const seen = new Set<number>();
  for (const h of hits) {
    const at = h.at ?? text.indexOf(h.raw);
    if (at < 0 || seen.has(at)) continue;
    seen.add(at);
    const from = file.position(at);
    const to = file.position(at + h.raw.length);
    if (changed && !changed.has(from.line)) continue;
    if (taken.some(([a, b]) => from.line >= a && from.line <= Math.max(a, b))) continue;
    const line = file.lines[from.line - 1] ?? '';
    const title = titleOf(h.kind);
    const how = encodingOf(h.raw);
    out.push(
      finding(file, {
        ruleId: 'secret.encoded',
        title: `Encoded secret (${title})`,
        severity: 'high',
        confidence: 'high',
        category: 'secret',
        cwe: 'CWE-798',
        fix: 'Remove it from the code and history (encoding hides nothing: anyone, or any model, decodes it), rotate it at the issuer, and load it at run time from the environment or a secret manager.',
        message: `A value written in ${how} decodes to a ${title}: anyone with read access to the code (or to a model vendor it is sent to) can decode and use it.`,
        line: from.line,
        column: from.column,
        endLine: to.line,
        endColumn: to.column,
        snippet: clip(
          line
            .split(h.raw.split('\n')[0])
            .join(redact(h.raw.split('\n')[0]))
            .trim(),
        ),
      }),
    );
  }
  return out;
}
