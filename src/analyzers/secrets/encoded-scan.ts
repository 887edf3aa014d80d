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
import { inEscapes, inRuns, scanRuns, type EncodedHit } from './encoded.ts';
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
  // (runs found by probing every RUN_MIN-th character: most files' text is never read whole)
  const runs = scanRuns(text, RUN_MIN, false);
  if (runs[0].length) hits.push(...inRuns(text, runs, analyzeDecoded));
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
