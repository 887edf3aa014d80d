/**
 * Secrets: vendor formats (patterns.ts), then a generic rule for values assigned to names that
 * say "secret", judged by entropy and shape. Placeholders, documented example keys, references to
 * the environment, hashes and lockfile integrity strings are recognised as not secret.
 * Findings never carry the secret: the snippet is redacted.
 */
import { createPrivateKey } from 'node:crypto';
import type { Finding } from '../../engine/types.ts';
import { SourceFile, finding, clip, MAX_SNIPPET } from '../source.ts';
import { SECRET_PATTERNS, B, E, type SecretPattern } from './patterns.ts';
import { isTemplate, writtenName } from './template.ts';
import { Literals, eachTagged, mayOccur, prefilterProvider, registerWords } from '../literals.ts';

const COUNTS = new Int32Array(128);
export function entropy(s: string): number {
  if (/^[\x00-\x7f]*$/.test(s)) return asciiEntropy(s);
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** The same for ASCII text, counted in a fixed table (secrets are ASCII; this runs per candidate). */
function asciiEntropy(s: string): number {
  for (let i = 0; i < s.length; i++) COUNTS[s.charCodeAt(i)]++;
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    const n = COUNTS[s.charCodeAt(i)];
    if (n === 0) continue;
    COUNTS[s.charCodeAt(i)] = 0;
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Values that say what they are: never reported (templates: template.ts). */
const PLACEHOLDER =
  /x{5,}|X{5,}|\*{3,}|\.{3}|(?:^|[^a-z])(?:example|sample|dummy|placeholder|changeme|change_me|your|redacted|fake|insert|replace|todo|fixme|null|none|undefined|secret|password|passwd|token|foobar)(?:[^a-z]|$)|EXAMPLE|^\{[A-Za-z_][\w.]*\}$|^(?:true|false|yes|no|on|off)$/i;
/** Values typed by a person rather than issued (runs, counting, keyboard rows): most likely placeholders. */
const TYPED =
  /(.)\1{7,}|0123456789|123456789|abcdefghij|qwerty|abcdef|bcdefg|cdefgh|defghi|efghij|fghijk|ghijkl|hijklm|ijklmn|jklmno|klmnop|lmnopq|mnopqr|nopqrs|opqrst|pqrstu|qrstuv|rstuvw|stuvwx|tuvwxy|uvwxyz/i;
/** AWS's, Stripe's and others' documented example credentials. */
const DOCUMENTED =
  /AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI\/K7MDENG\/bPxRfiCYEXAMPLEKEY|sk_test_4eC39HqLyjWDarjtT1zdp7dc|AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI/;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || TYPED.test(value) || DOCUMENTED.test(value) || isTemplate(value);
}

/** Files whose long random-looking strings are hashes by design. */
export function isLockfile(path: string): boolean {
  return /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|Cargo\.lock|go\.sum|poetry\.lock|Pipfile\.lock|uv\.lock|composer\.lock|Gemfile\.lock|packages\.lock\.json|gradle\.lockfile|flake\.lock|\.terraform\.lock\.hcl)$/.test(
    path,
  );
}

export function redact(secret: string): string {
  if (secret.length <= 8) return '*'.repeat(secret.length);
  return secret.slice(0, 4) + '*'.repeat(Math.min(secret.length - 6, 24)) + secret.slice(-2);
}

// (quotes may come escaped, \", and an escaped line break, \n, ends a value: text inside a JSON string)
/** The words that make a name a secret's (`db_password`, `API_KEY`, `clientSecret`): both the generic rule's and .env lines'. */
const SECRET_NAME_WORDS = String.raw`api[_.\-]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|auth[_.\-]?key|access[_.\-]?key|private[_.\-]?key|client[_.\-]?secret|credential`;
const GENERIC_NAME = new RegExp(
  String.raw`(?:^|[^A-Za-z0-9_.\-])([A-Za-z0-9_.\-]{0,40}?(?:${SECRET_NAME_WORDS}|bearer|[_.\-]auth(?=["'\s:=\\]))[A-Za-z0-9_.\-]{0,30})(?:\\{0,7}["'])?\s*(?:=|:=|=>|:)\s*(?:\\{0,7}["'\`]((?:[^"'\`\s\\]|\\(?![nrt"'\`\\])){8,200})\\{0,7}["'\`]|((?:[^\s"'\`,;#)}\]\\]|(?<=[^\s=:])#|\\(?![nrt"'\`\\])){12,200}))`,
  'i',
);
/** Words one of which GENERIC_NAME needs (lower case): only lines holding one are tried. */
const GENERIC_WORDS = ['key', 'secret', 'token', 'passw', 'pwd', 'credential', 'bearer', 'auth'];
/** A secret-named setting read with a literal default: getenv("API_TOKEN", "…"), config.get('password', '…'). */
const DEFAULT_ARG =
  /\(\s*\\{0,7}["']([A-Za-z0-9_.\-]{0,40}(?:api[_.\-]?key|apikey|secret|token|passw(?:or)?d|pwd|credential)[A-Za-z0-9_.\-]{0,30})\\{0,7}["']\s*,\s*\\{0,7}["']((?:[^"'\s\\]|\\(?![nrt"'`\\])){8,200})\\{0,7}["']/i;
/** Every hint (vendor formats and the generic words) to the formats it stands for (-1: generic). */
const HINT_OWNERS = new Map<string, number[]>();
SECRET_PATTERNS.forEach(
  (pat, pi) => pat.quick || pat.hints.forEach((h) => HINT_OWNERS.set(h, [...(HINT_OWNERS.get(h) ?? []), pi])),
);
GENERIC_WORDS.forEach((w) => HINT_OWNERS.set(w, [...(HINT_OWNERS.get(w) ?? []), -1]));
/** The hints in the shared automaton of literals.ts (compared without regard to ASCII case, as the patterns are ASCII). */
const HINT_LIST = [...HINT_OWNERS.keys()];
const HINT_OWNERS_OF = HINT_LIST.map((h) => HINT_OWNERS.get(h)!);
const HINT_IDS = registerWords(HINT_LIST, false);
/** The automaton's word id to the hint's index in HINT_LIST (-1: not a hint); the same for the hints' own automaton. */
const HINT_TAG = new Int32Array(Math.max(...HINT_IDS) + 1).fill(-1);
HINT_IDS.forEach((id, k) => {
  HINT_TAG[id] = k;
});
const OWN_TAG = Int32Array.from(HINT_LIST, (_, k) => k);
// (the formats with common hints are asked about the whole file: their words join the automaton's first
// build, instead of a rebuild of it on the first file that asks)
prefilterProvider(() => SECRET_PATTERNS.flatMap((p) => (p.quick ? [p.re] : [])));
/** The same hints on their own, for a process that has not built the shared automaton (little text read). */
let ownHints: Literals | undefined;
const NOT_SECRET_NAME =
  /(?:^|[_.\-])(?:id|ids|name|names|url|uri|file|path|dir|size|len|length|type|types|version|field|key_?id|count|prefix|suffix|header|param|env|var|label|format|mode|policy|endpoint|host|chars|alphabet|pattern|regex|hash|digest|checksum|salt_?rounds|expiry|expires|ttl|timeout|limit)$|public|csrf|xsrf|kms|credentials?_?id|secrets?_?id|tokenizer|tokens?_?(?:url|uri|type)|password_?(?:field|hint|policy|reset|confirm|label)|keyword|keyboard|keyframe|monkey|turkey/i;
const NON_SECRET_VALUE =
  /^(?:https?:|file:|[A-Za-z]:\\)|^(?:\/|\.\/|~\/)[\w.@+\-\/ $:{}]*$|\.(?:pem|key|p12|pfx|crt|cer|json|ya?ml|txt|env|keytab|jks)$|^(?:os\.|process\.|env\.|config\.|settings\.|self\.|this\.|ENV\[|getenv|System\.getenv|Environment\.|vault:|secretmanager|arn:aws:)|^[A-Z][A-Z0-9_]+$|^[a-z]+(?:[_\-][a-z]+)+$|^[\d.]+$|^v?\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?$|[-_.]v?\d+\.\d+(?:\.\d+)?$/;

/** Code rather than a value (outside quotes): a scoped name, a member access, a call, a generic type. */
const CODE_VALUE = /^:|::|->|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
/** Unquoted code, not a generated password that holds a bracket by chance (`q8W<Rt5>…`, `Ab3(x9…`). */
function isCodeValue(value: string): boolean {
  return CODE_VALUE.test(value) || /^[(<[]/.test(value) || writtenCall(value);
}

/** A call, index or generic type: a written name before the first bracket (`getToken(`, `List<`, `cfg.keys[`). */
function writtenCall(value: string): boolean {
  const at = value.search(/[(<[]/);
  const before = value.slice(0, at);
  if (at <= 0 || !/^[A-Za-z_$][\w$]*(?:\.[\w$]+)*$/.test(before)) return false;
  // (short names are abbreviations, `cfg[`, `ctx(`, vowels or not)
  return before.includes('.') || (/[a-z]{3}/.test(before) && (before.length <= 4 || writtenName(before)));
}

/**
 * Minified code (`e.tokenCount??0`, `t.Token=t.Ca…`, `m&&P`, `{name:a.b}`, `=!0`): operators no credential
 * holds (`!0` only after an operator: a password may end in `…!0`).
 */
const MINIFIED_CODE = /^\{|&&|\|\||==|=>|\?\?|\?\.|(?:^|[=(,:?]|return)![01]\b|^[a-z]\.[A-Za-z]|\.[A-Za-z_$][\w$]*=/;
/** Text written as \u escapes (translations in bundled code): words, not a key. */
const ESCAPED_TEXT = /^(?:\\u[0-9A-Fa-f]{4})+$/;
/** Words joined by dots, dashes or underscores (`qwen-code.auth`, `advanced.tavilyApiKey`) or in camel case (`allowUnsafeCredentialHelper`): a name, not a key. */
const WORDS_VALUE = /^[A-Za-z]+(?:[._\-][A-Za-z]+)+$|^[a-z]+(?:[A-Z][a-z]+)+$/;

/** Base64 as keys are issued (both cases, digits, no path-like words): never a path, even when it starts with `/`. */
function base64Key(value: string): boolean {
  return (
    /^\/[A-Za-z0-9+/]{19,}={0,2}$/.test(value) &&
    /\d.*\d/.test(value) &&
    /[a-z]/.test(value) &&
    /[A-Z]/.test(value) &&
    entropy(value) >= 4
  );
}

function genericLooksSecret(name: string, value: string, quoted = true): boolean {
  if (NOT_SECRET_NAME.test(name)) return false;
  // (a base64 key may start with `/`: 1 in 64 do, and they are not paths)
  if ((NON_SECRET_VALUE.test(value) && !base64Key(value)) || isPlaceholder(value)) return false;
  if ((!quoted && (isCodeValue(value) || MINIFIED_CODE.test(value))) || ESCAPED_TEXT.test(value)) return false;
  // (a password made of words is still a password)
  if (WORDS_VALUE.test(value) && !/passw|pwd/i.test(name)) return false;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
    return /token|secret|key|passw/i.test(name);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
  const h = entropy(value);
  if (/passw|pwd/i.test(name)) return value.length >= 8 && classes >= 2 && h >= 2.5;
  if (/^[0-9a-f]+$/i.test(value)) return value.length >= 20 && h >= 3.0;
  return value.length >= 12 && classes >= 2 && h >= 3.2;
}

const META = {
  category: 'secret' as const,
  cwe: 'CWE-798',
  fix: 'Remove it from the code and history, rotate it at the issuer, and load it at run time from the environment or a secret manager.',
};

/** @param changed in a diff scan, the changed lines (1-based): findings elsewhere would be dropped anyway. */
export function analyzeSecrets(file: SourceFile, changed?: Set<number>): Finding[] {
  const out = findSecrets(file, changed);
  // Remembered for redactSecrets: the audit record of a write redacts the text just analysed.
  if (!changed) last = { file, findings: out };
  return out;
}

/** The file analysed last (whole, not a diff) and what was found in it. */
let last: { file: SourceFile; findings: Finding[] } | undefined;

/** A secret in a text: where it is (UTF-16 offsets, end exclusive) and the format it was found by. */
export interface SecretSpan {
  start: number;
  end: number;
  rule: string;
}

/** A secret found, before it becomes a finding: `rank` orders formats (lower wins an overlap). */
interface Hit {
  start: number;
  end: number;
  pat: { id: string; title: string; severity?: Finding['severity'] };
  confidence: Finding['confidence'];
  note: string;
  rank: number;
}

/**
 * Lines up to this long are searched whole; on longer ones (minified JSON, a log line, a 10 MB
 * blob) each format is searched only in windows around its hints, so the work stays linear.
 */
const WHOLE_LINE = 8192;
/** A window's reach before a hint (a format's name part, `sk-…` before `T3BlbkFJ`) and after it. */
const BEFORE = 512;
const AFTER = 4096;
/** The formats as global regexes with match indices (every match, and where group `s` is). */
const GLOBAL = SECRET_PATTERNS.map((p) => new RegExp(p.re.source, p.re.flags + 'gd'));
/** The same, anchored, to finish a match that a window cut short. */
const STICKY = SECRET_PATTERNS.map((p) => new RegExp(p.re.source, p.re.flags + 'yd'));
const GENERIC_G = new RegExp(GENERIC_NAME.source, 'gid');
const DEFAULT_ARG_G = new RegExp(DEFAULT_ARG.source, 'gid');
/**
 * A whole line `NAME=value` (.env, shell, properties): the value is the rest of the line, whatever
 * punctuation a generated password holds (`]5n88<HT…`, `{]{%!^[j(…`), where the generic rule stops at
 * the first `,;)}]#` as it would in code.
 */
const ENV_LINE_G = new RegExp(
  String.raw`^[ \t]*(?:export[ \t]+)?([A-Za-z0-9_.\-]{0,40}?(?:${SECRET_NAME_WORDS})[A-Za-z0-9_.\-]{0,30})=([^\s"'\`][^\s]{7,199})[ \t]*\r?$`,
  'dgim',
);
const GENERIC_RANK = SECRET_PATTERNS.length;

type Segment = [start: number, end: number, lineEnd: number];

/**
 * The pieces of text to search for a format whose hints occur at `offsets` (ascending): each
 * hint's whole line, or a window around it on a long line; overlapping pieces are merged.
 */
function segments(offsets: number[], file: SourceFile, changed?: Set<number>): Segment[] {
  const starts = file.lineStarts();
  const out: Segment[] = [];
  let li = 0;
  for (const o of offsets) {
    while (li + 1 < starts.length && starts[li + 1] <= o) li++;
    if (changed && !changed.has(li + 1)) continue;
    const ls = starts[li],
      le = ls + file.lines[li].length;
    if (le - ls < 8) continue;
    const long = le - ls > WHOLE_LINE;
    const s = long ? Math.max(ls, o - BEFORE) : ls,
      e = long ? Math.min(le, o + AFTER) : le;
    const prev = out[out.length - 1];
    if (prev && s <= prev[1]) prev[1] = Math.max(prev[1], e);
    else out.push([s, e, le]);
  }
  return out;
}

/**
 * Every match of a global regex in the segments, as [match, offset of the piece searched]. A
 * match that runs into a window's cut end is finished on the rest of its line.
 */
function* matchesIn(re: RegExp, sticky: RegExp | undefined, text: string, segs: Segment[]) {
  for (const [s, e, le] of segs) {
    const piece = text.slice(s, e);
    re.lastIndex = 0;
    for (let m = re.exec(piece); m; m = re.exec(piece)) {
      if (m[0].length === 0) re.lastIndex++;
      if (sticky && e < le && m.index + m[0].length === piece.length) {
        sticky.lastIndex = 0;
        const whole = sticky.exec(text.slice(s + m.index, le));
        if (whole) {
          yield [whole, s + m.index] as const;
          break;
        }
      }
      yield [m, s] as const;
    }
  }
}

/** Offsets (in the text) of group `s`, or of the whole match. */
function groupSpan(m: RegExpExecArray, base: number): [number, number] {
  const [a, b] = m.indices!.groups?.s ?? m.indices![0];
  return [base + a, base + b];
}

/** Every hint's offsets, by format (index in SECRET_PATTERNS; the generic rule last). */
// (Most files have no hint of most formats: their slots share one empty list, never pushed to, and the
// last offset per format is kept in arrays reused from file to file, valid for the current file's number.)
const NO_HINTS: readonly number[] = Object.freeze([]);
const lastOffset = new Int32Array(SECRET_PATTERNS.length + 1);
const lastFile = new Int32Array(SECRET_PATTERNS.length + 1);
let fileNumber = 0;
function hintOffsets(file: SourceFile, lock: boolean): number[][] {
  const at = new Array<number[]>(SECRET_PATTERNS.length + 1).fill(NO_HINTS as number[]);
  const add = (slot: number, offset: number) => (at[slot] === NO_HINTS ? (at[slot] = [offset]) : at[slot].push(offset));
  const current = ++fileNumber;
  const hinted = (k: number, offset: number) => {
    for (const pi of HINT_OWNERS_OF[k]) {
      const slot = pi < 0 ? GENERIC_RANK : pi;
      if (pi < 0 && lock) continue;
      // (two hints of one format at one offset, `sk_live` and `sk_l…`: one is enough)
      if (lastFile[slot] === current && lastOffset[slot] === offset) continue;
      lastFile[slot] = current;
      lastOffset[slot] = offset;
      add(slot, offset);
    }
  };
  // (the automaton's pass over the file, shared with the other analyzers, has every hint at every offset)
  if (!eachTagged(HINT_TAG, file.text, hinted))
    (ownHints ??= new Literals(HINT_LIST.map((word) => ({ word, caseSensitive: false }))))
      .scan(file.text)
      .tagged(OWN_TAG, hinted);
  // Formats whose hints are short and common (`.`, `sk`, `ey`): where the format (without its
  // token boundaries) occurs, in the rare files where it does.
  SECRET_PATTERNS.forEach((pat, pi) => {
    if (!pat.quick || !mayOccur(pat.re, file.text)) return;
    const q = pat.quick;
    q.lastIndex = 0;
    for (let m = q.exec(file.text); m; m = q.exec(file.text)) {
      add(pi, m.index);
      if (m[0].length === 0) q.lastIndex++;
    }
  });
  return at;
}

/** Every secret in a file: vendor formats, the generic rule, AWS key pairs, curl commands. */
function collectHits(file: SourceFile, changed?: Set<number>): Hit[] {
  const text = file.text;
  const lock = isLockfile(file.path);
  const at = hintOffsets(file, lock);
  const hits: Hit[] = [];
  SECRET_PATTERNS.forEach((pat, pi) => {
    if (!at[pi].length) return;
    for (const [m, base] of matchesIn(GLOBAL[pi], STICKY[pi], text, segments(at[pi], file, changed))) {
      const hit = vendorHit(pat, pi, m, base, text, lock);
      if (hit) hits.push(hit);
    }
  });
  hits.push(...packedHits(file, at, hits, lock, changed));
  hits.push(...awsPairs(file, hits));
  if (at[GENERIC_RANK].length) hits.push(...genericHits(file, segments(at[GENERIC_RANK], file, changed)));
  hits.push(...curlHits(file, changed));
  return settle(hits);
}

/**
 * Formats that start with a token boundary, without their boundaries, anchored: to try at a hint
 * that the format missed because a neighbour leaves no boundary (secrets packed with no separator,
 * `ghp_…sk_live_…`). undefined: the format has no such form.
 */
const PACKED = SECRET_PATTERNS.map((p) => {
  const src = p.re.source;
  if (p.commonHints || !src.startsWith(B)) return undefined;
  const core = src.slice(B.length);
  return new RegExp(core.endsWith(E) ? core.slice(0, -E.length) : core, 'yd');
});

/**
 * Secrets packed against one another: at each hint no match covers, the format is tried without
 * its boundaries. Such a match counts only where it touches another secret (a lone one inside an
 * identifier, `task_test_…`, is an identifier): packed tokens give each other away.
 */
function packedHits(file: SourceFile, at: number[][], hits: Hit[], lock: boolean, changed?: Set<number>): Hit[] {
  const text = file.text;
  const sorted = [...hits].sort((a, b) => a.start - b.start);
  const covered = coverage(sorted);
  const cands: Hit[] = [];
  SECRET_PATTERNS.forEach((pat, pi) => {
    const re = PACKED[pi];
    if (!re) return;
    // (a hint inside the format's last try is part of that token: `AKIAAKIA…` is tried once, not at each AKIA)
    let tried = -1;
    for (const o of at[pi]) {
      if (o < tried || covered(o) || (changed && !changed.has(file.lineIndex(o) + 1))) continue;
      re.lastIndex = 0;
      const m = re.exec(text.slice(o, o + AFTER));
      if (!m) continue;
      tried = o + m[0].length;
      const hit = vendorHit(pat, pi, m, o, text, lock);
      if (hit) cands.push(hit);
    }
  });
  if (!cands.length) return [];
  // An access key ID packed with its secret: the pair's secret is what it touches.
  const all = [...sorted, ...cands, ...awsPairs(file, cands)].sort((a, b) => a.start - b.start);
  const touching = new Set<Hit>();
  // (in order of start: a hit touches an earlier one that reaches it, or the next one if it reaches that)
  for (let i = 0, reach = -1; i < all.length; i++) {
    const h = all[i];
    if (reach >= h.start || (i + 1 < all.length && all[i + 1].start <= h.end)) touching.add(h);
    reach = Math.max(reach, h.end);
  }
  return cands.filter((c) => touching.has(c));
}

/** Whether an offset lies inside one of the hits (sorted by start). */
function coverage(sorted: Hit[]): (o: number) => boolean {
  const maxEnd: number[] = [];
  sorted.forEach((h, i) => maxEnd.push(Math.max(h.end, i ? maxEnd[i - 1] : 0)));
  return (o) => {
    let lo = 0,
      hi = sorted.length - 1,
      k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].start <= o) ((k = mid), (lo = mid + 1));
      else hi = mid - 1;
    }
    return k >= 0 && maxEnd[k] > o;
  };
}

/** A vendor format's match, if it survives the checks that tell a credential from a look-alike. */
function vendorHit(
  pat: SecretPattern,
  pi: number,
  m: RegExpExecArray,
  base: number,
  text: string,
  lock: boolean,
): Hit | undefined {
  let [start, end] = groupSpan(m, base);
  const secret = text.slice(start, end);
  // (the cheapest test first: most look-alikes in hostile text fail it)
  if (pat.minEntropy !== undefined && entropy(secret) < pat.minEntropy) return undefined;
  const variable = pat.fixed ? secret.replace(pat.fixed, '') : secret;
  let typed = false;
  if (pat.id === 'secret.private-key') {
    end = pemBlockEnd(text, end);
    if (isPlaceholderKeyBlock(text.slice(start, end))) return undefined;
  } else if (pat.id === 'secret.gcp-service-account') {
    const kind = serviceAccountKind(text, start);
    if (kind === 'mention') return undefined;
    if (kind === 'fragment')
      return {
        start,
        end,
        pat: { ...pat, severity: 'low' },
        confidence: 'low',
        note: ' Only a piece of a service-account key file is in view (no key in it); confirm where the rest is.',
        rank: pi,
      };
  } else {
    if (inBase64Blob(text, start, end)) return undefined;
    if (PLACEHOLDER.test(variable) || DOCUMENTED.test(variable) || isTemplate(variable)) return undefined;
    typed = TYPED.test(variable);
    // Little more than one character repeated (glc_1111…, 0000…XYZ): nothing to confirm.
    if (typed && entropy(variable) < 3) return undefined;
  }
  if (pat.valid && !pat.valid(secret)) return undefined;
  if (lock && pat.id === 'secret.jwt') return undefined;
  // A value in the exact format of a vendor's credential that still looks typed by hand
  // (12345678, runs of one character, abcdef…) is most likely a placeholder: reported at low
  // severity, so a reviewer can confirm it, without failing a build or blocking an agent.
  if (typed)
    return {
      start,
      end,
      pat: { ...pat, severity: 'low' },
      confidence: 'low',
      note: ' It looks like a placeholder (typed-in sequence); confirm it is not a real credential.',
      rank: pi,
    };
  return { start, end, pat, confidence: 'high', note: '', rank: pi };
}

/** Base64 characters around a token that make it a piece of an encoded blob (a wasm module, an image). */
const BLOB_RUN = 64;
function isB64(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
}

/**
 * Whether a match lies inside a long run of base64 (`…AgARAgAMCAsg/EAAA…`): the bytes of an
 * embedded file, where a format's prefix turns up by chance. A token stands apart from what is
 * around it (a quote, a space, `=`, `_`), or touches at most a short run (a URL path, its pair).
 */
function inBase64Blob(text: string, start: number, end: number): boolean {
  let around = 0;
  for (let i = start - 1; i >= 0 && around < BLOB_RUN && isB64(text.charCodeAt(i)); i--) around++;
  for (let i = end; i < text.length && around < BLOB_RUN && isB64(text.charCodeAt(i)); i++) around++;
  return around >= BLOB_RUN;
}

/** The generic rule's values (names that say "secret"), in the segments where its words occur. */
function genericHits(file: SourceFile, segs: Segment[]): Hit[] {
  const out: Hit[] = [];
  const pat = (name: string) => ({
    id: 'secret.generic',
    title: 'Hard-coded secret',
    severity: (/passw|pwd/i.test(name) ? 'high' : 'medium') as Finding['severity'],
  });
  for (const re of [GENERIC_G, DEFAULT_ARG_G])
    for (const [g, base] of matchesIn(re, undefined, file.text, segs)) {
      // An unquoted value is a literal in config files and shell, but an expression in program code
      // (`token = strtok(s, "/")`, `privateKey := new(dsa.PrivateKey)`): there only quoted values count.
      const quoted = g[2] !== undefined;
      if (!quoted && file.language && file.language !== 'bash') continue;
      const slot = quoted ? 2 : 3;
      const value = g[slot];
      if (!genericLooksSecret(g[1], value, quoted)) continue;
      const [a, b] = g.indices![slot];
      out.push({ start: base + a, end: base + b, pat: pat(g[1]), confidence: 'medium', note: '', rank: GENERIC_RANK });
    }
  if (file.language && file.language !== 'bash') return out;
  for (const [g, base] of matchesIn(ENV_LINE_G, undefined, file.text, segs)) {
    // (a whole line is config: only a call by a written name is code; `(`, `[` or `:` may start a password)
    if (writtenCall(g[2]) || !genericLooksSecret(g[1], g[2], true)) continue;
    const [a, b] = g.indices![2];
    out.push({ start: base + a, end: base + b, pat: pat(g[1]), confidence: 'medium', note: '', rank: GENERIC_RANK });
  }
  return out;
}

/**
 * Hits in text order, none overlapping another: hits that overlap (the same value found by two
 * formats, a Sidekiq credential that is also a password in a URL, secrets packed together) become
 * one hit over their union, so that no part of any is left out of a redaction by value. It is
 * named by a private key block if one is among them, else by the most specific format.
 */
function settle(hits: Hit[]): Hit[] {
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Hit[] = [];
  for (let i = 0; i < hits.length;) {
    let j = i + 1,
      end = hits[i].end;
    while (j < hits.length && hits[j].start < end) end = Math.max(end, hits[j++].end);
    let best = hits[i];
    for (let k = i + 1; k < j; k++) if (names(hits[k], best)) best = hits[k];
    out.push(j === i + 1 ? best : { ...best, start: hits[i].start, end });
    i = j;
  }
  return out;
}

/** Whether a hit names a cluster of overlapping hits rather than another. */
function names(a: Hit, b: Hit): boolean {
  const key = (h: Hit) => (h.pat.id === 'secret.private-key' ? -2 : h.rank);
  return key(a) < key(b);
}

function findSecrets(file: SourceFile, changed?: Set<number>): Finding[] {
  const hits = collectHits(file, changed);
  let first = 0; // (hits before it end before the current snippet's window: hits come in text order)
  return hits.map((h) => {
    const from = file.position(h.start),
      to = file.position(h.end);
    const pat = h.pat;
    const [ws, we] = snippetWindow(file, from.line - 1, h);
    while (first < hits.length && hits[first].end <= ws) first++;
    return finding(file, {
      ruleId: pat.id,
      title: pat.title,
      severity: pat.severity ?? 'high',
      confidence: h.confidence,
      ...META,
      message: `${pat.title} in source: anyone with read access to the code (or to a model vendor it is sent to) can use it.${h.note}`,
      line: from.line,
      column: from.column,
      endLine: to.line,
      endColumn: to.column,
      snippet: clip(maskedSnippet(file.text, ws, we, hits, first).trim()),
    });
  });
}

/** Characters of a snippet shown before a secret on a long line. */
const SNIPPET_LEAD = 60;

/** The part of a hit's line its snippet shows: the whole line, or a window around the hit on a long one. */
function snippetWindow(file: SourceFile, li: number, hit: Hit): [number, number] {
  const ls = file.lineStarts()[li],
    le = ls + file.lines[li].length;
  const ws = le - ls > MAX_SNIPPET ? Math.max(ls, hit.start - SNIPPET_LEAD) : ls;
  return [ws, Math.min(le, ws + MAX_SNIPPET + 8)];
}

/** The text from ws to we with every secret in it masked (hits from index `first` on may fall in it). */
function maskedSnippet(text: string, ws: number, we: number, hits: Hit[], first: number): string {
  let out = ws > 0 && text[ws - 1] !== '\n' ? '…' : '',
    at = ws;
  for (let q = first; q < hits.length && hits[q].start < we; q++) {
    const h = hits[q];
    const s = Math.max(h.start, at),
      e = Math.min(h.end, we);
    if (e <= s) continue;
    out += text.slice(at, s);
    // A secret cut by the window or the line shows no character of its own.
    const whole = s === h.start && e === h.end;
    out += whole ? redact(text.slice(s, e)) : '*'.repeat(Math.min(e - s, 24));
    at = e;
  }
  return out + text.slice(at, we);
}

/**
 * curl commands continued over several lines (`curl … \` ⏎ `  -u user:pass`, as READMEs write
 * them): the curl formats are tried on the joined command, the hit placed where the value is.
 */
function curlHits(file: SourceFile, changed?: Set<number>): Hit[] {
  const out: Hit[] = [];
  const lines = file.lines;
  for (let i = 0, n = /\bcurl\b/.test(file.text) ? lines.length : 0; i < n; i++) {
    if (lines[i].length > WHOLE_LINE || !/\\\s*$/.test(lines[i]) || !/\bcurl\b/.test(lines[i])) continue;
    let j = i,
      joined = lines[i];
    while (j + 1 < lines.length && j - i < 12 && /\\\s*$/.test(lines[j]))
      joined = joined.replace(/\\\s*$/, ' ') + lines[++j].replace(/^\s*#?/, ' ');
    for (const pat of CURL_PATTERNS) {
      const m = pat.re.exec(joined);
      const secret = m && (m.groups?.s ?? m[0]);
      if (!secret || isPlaceholder(secret) || (pat.minEntropy !== undefined && entropy(secret) < pat.minEntropy))
        continue;
      const k = lines.slice(i, j + 1).findIndex((l) => l.includes(secret));
      if (k < 0 || (changed && !changed.has(i + k + 1))) continue;
      const start = file.lineStarts()[i + k] + lines[i + k].indexOf(secret);
      out.push({ start, end: start + secret.length, pat, confidence: 'high', note: '', rank: -1 });
    }
    i = j;
  }
  return out;
}

const CURL_PATTERNS = SECRET_PATTERNS.filter(
  (p) => p.id === 'secret.curl-basic-auth' || p.id === 'secret.curl-auth-header',
);

/**
 * An AWS secret access key has no prefix of its own: 40 characters of base64 (no padding). Next
 * to an access key ID (the same line, object, env file or command, a few lines apart) such a
 * value is its secret, label or not. Hashes (hex) and longer base64 runs are not of this shape.
 */
const AWS_SECRET_SHAPE = /(?:(?<=\\[nrt])|(?<![A-Za-z0-9/+]))[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
/** How far from an access key ID its secret is looked for: lines, and characters on long lines. */
const AWS_PAIR_LINES = 5;
const AWS_PAIR_CHARS = 2048;
const AWS_SECRET_RULE = SECRET_PATTERNS.find((p) => p.id === 'secret.aws-secret-access-key')!;
const AWS_SECRET_RANK = SECRET_PATTERNS.indexOf(AWS_SECRET_RULE);

function awsPairs(file: SourceFile, hits: Hit[]): Hit[] {
  const out: Hit[] = [];
  const starts = file.lineStarts();
  // The reach of every id, merged where they overlap (many ids close together: each place read once).
  const reach: [number, number][] = [];
  const ids = hits.filter((h) => h.pat.id === 'secret.aws-access-key-id').sort((a, b) => a.start - b.start);
  for (const id of ids) {
    const li = file.lineIndex(id.start);
    const from = Math.max(starts[Math.max(0, li - AWS_PAIR_LINES)], id.start - AWS_PAIR_CHARS);
    const lastLine = Math.min(starts.length - 1, li + AWS_PAIR_LINES);
    const to = Math.min(starts[lastLine] + file.lines[lastLine].length, id.end + AWS_PAIR_CHARS);
    const prev = reach[reach.length - 1];
    if (prev && from <= prev[1]) prev[1] = Math.max(prev[1], to);
    else reach.push([from, to]);
    // (packed: the secret right after its id, with nothing between)
    const packed = /^[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/.exec(file.text.slice(id.end, id.end + 41));
    if (packed && looksLikeAwsSecret(packed[0])) out.push(awsSecretHit(id.end));
  }
  const re = AWS_SECRET_SHAPE;
  for (const [from, to] of reach) {
    const piece = file.text.slice(from, to);
    re.lastIndex = 0;
    for (let m = re.exec(piece); m; m = re.exec(piece))
      if (looksLikeAwsSecret(m[0])) out.push(awsSecretHit(from + m.index));
  }
  return out;
}

function awsSecretHit(start: number): Hit {
  const note = ' (Found next to an AWS access key ID.)';
  return { start, end: start + 40, pat: AWS_SECRET_RULE, confidence: 'high', note, rank: AWS_SECRET_RANK };
}

/** Random like an issued key: all three kinds of letters and digits, high entropy, not typed in. */
function looksLikeAwsSecret(v: string): boolean {
  return /[a-z]/.test(v) && /[A-Z]/.test(v) && /[0-9]/.test(v) && entropy(v) >= 4.2 && !isPlaceholder(v);
}

/** How far a private key's END line is looked for (a PGP key block with subkeys runs to a few KB). */
const PEM_REACH = 64 * 1024;
const PEM_NEXT = /-----(?:END [A-Z0-9 ]{1,40}-----|BEGIN )/g;
/** One line of a key's body after a line break, real or JSON-escaped (`\n` as two characters). */
const PEM_LINE = /(?:\\+r|\r)?(?:\\+n|\n)[ \t]*([A-Za-z0-9+/=]+)(?=\\|\r|\n|$|["'`,])/y;

/**
 * Where a private key block that starts before `from` (its BEGIN line) ends: after its END line,
 * when one comes within reach and what lies between is a key's body (base64 split any way:
 * real or escaped line breaks, quotes and `+` of a string built over several source lines,
 * `Proc-Type:` headers); otherwise (no END line: a truncated paste) after the last line of base64.
 */
export function pemBlockEnd(text: string, from: number): number {
  // (the next END or BEGIN: a BEGIN first means this block has no END line of its own)
  PEM_NEXT.lastIndex = 0;
  const reach = text.slice(from, from + PEM_REACH);
  const next = PEM_NEXT.exec(reach);
  if (next && next[0].startsWith('-----END') && isKeyBody(reach.slice(0, next.index)))
    return from + next.index + next[0].length;
  let at = from;
  PEM_LINE.lastIndex = from;
  for (let m = PEM_LINE.exec(text); m; m = PEM_LINE.exec(text)) at = PEM_LINE.lastIndex;
  return at;
}

/** Mostly base64 once line breaks (real and escaped) and blanks are set aside. */
function isKeyBody(gap: string): boolean {
  const rest = gap.replace(/\\+[nrt]|\s/g, '');
  let other = 0;
  for (let i = 0; i < rest.length; i++) if (!/[A-Za-z0-9+/=]/.test(rest[i])) other++;
  return other <= rest.length * 0.15;
}

/** A PEM block with an obviously fake body (…, xxxx, "<key>") is documentation. */
function isPlaceholderKeyBlock(block: string): boolean {
  const body = block.replace(/^-----BEGIN[^\n]*?-----/, '').split('-----END')[0];
  // A real key has a long base64 body: runs of 40 or more base64 characters (its 64-character
  // lines), not code after a header the program looks for (`indexOf("-----BEGIN…")`).
  if (!body.split(/\\+[nrt]|["'`,\s]+/).some((t) => /[A-Za-z0-9+/=]{40,}/.test(t))) return true;
  if (!/\.{3}|x{4,}|<[^>]*>|\$\{|\{\{/i.test(body.replace(/\\+[nrt]|["'`+,\s]/g, ''))) return false;
  // (a run of x in a body that parses as a key is chance, not a placeholder: one random RSA key in a
  // few hundred holds four x in a row, and such a key was neither reported nor redacted)
  return !parsesAsPrivateKey(block);
}

/** Whether a PEM block (written plainly or JSON-escaped) is a private key Node can read. */
function parsesAsPrivateKey(block: string): boolean {
  const pem = block.replace(/\\+r/g, '').replace(/\\+n/g, '\n');
  const end = /-----END [A-Z ]*PRIVATE KEY-----/.exec(pem);
  if (!end) return false;
  try {
    createPrivateKey(pem.slice(0, end.index + end[0].length));
    return true;
  } catch {
    return false;
  }
}

/**
 * A Google service-account key file, not a mention of one: near `"type": "service_account"`
 * (in the same JSON), a `private_key` holding a key's body and a `client_email`. Doc comments
 * and code that build such objects (`{"type": "service_account"}`) are not credentials.
 */
const SA_REACH = 8192;
const SA_PRIVATE_KEY = /"private_key"\s*:\s*"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:\\n|\s)*[A-Za-z0-9+/=]{40}/;
const SA_EMAIL = /"client_email"\s*:\s*"[^"\s@]+@[^"\s]+"/;

/**
 * What a `"type": "service_account"` is: a key file (its object holds a key and an email), a
 * mention (an object without key material, as code and doc comments build them, or a comment
 * line), or a fragment (no object around it, as in a text cut short: low severity, for review).
 */
function serviceAccountKind(text: string, at: number): 'key' | 'mention' | 'fragment' {
  const obj = enclosingObject(text, at);
  if (obj !== undefined) return SA_PRIVATE_KEY.test(obj) && SA_EMAIL.test(obj) ? 'key' : 'mention';
  const lineStart = text.lastIndexOf('\n', at) + 1;
  return COMMENT_LINE.test(text.slice(lineStart, at)) ? 'mention' : 'fragment';
}

/** The start of a line that is a comment (or inside a block comment). */
const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*|#|--|<!--|;)/;

/** The JSON object (braces counted, within reach) around an offset, or undefined. */
function enclosingObject(text: string, at: number): string | undefined {
  let open = -1;
  for (let i = at, depth = 0; i >= Math.max(0, at - SA_REACH); i--) {
    const c = text.charCodeAt(i);
    if (c === 0x7d) depth++;
    else if (c === 0x7b && depth-- === 0) {
      open = i;
      break;
    }
  }
  if (open < 0) return undefined;
  for (let i = at, depth = 0, end = Math.min(text.length, at + SA_REACH); i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) depth++;
    else if (c === 0x7d && depth-- === 0) return text.slice(open, i + 1);
  }
  return undefined;
}

/**
 * Every secret in a text, as spans (start, end: UTF-16 offsets, end exclusive; rule: the format).
 * A private key's span covers its whole block (BEGIN line, body, END line); spans do not nest.
 * For a redactor that replaces by position (the gateway), rather than by value.
 */
export function secretSpans(text: string, path = 'text'): SecretSpan[] {
  const f = new SourceFile(path, text, undefined);
  return collectHits(f).map((h) => ({ start: h.start, end: h.end, rule: h.pat.id }));
}

/** The secret values behind secret findings of a file (each finding's range, over lines if need be). */
export function secretValues(file: SourceFile, findings: Finding[]): string[] {
  return findings
    .filter((f) => f.category === 'secret')
    .map((f) => {
      const sp = findingSpan(file, f);
      return file.text.slice(sp.start, sp.end);
    })
    .filter((s) => s.length >= 4);
}

/**
 * Replaces each of the given secret values in a text by its redacted form: the longest first, so
 * that a value inside another (a token alone here, packed with another there) leaves no part of
 * the longer one behind.
 */
export function redactValues(text: string, values: string[]): string {
  let out = text;
  // (a value over several lines, a key block, also goes line by line: a snippet may show one of them)
  const pieces = values.flatMap((v) => (v.includes('\n') ? [v, ...v.split('\n').filter((l) => l.length >= 12)] : [v]));
  for (const v of pieces.sort((a, b) => b.length - a.length)) if (out.includes(v)) out = out.split(v).join(redact(v));
  return out;
}

/** A text with the given spans (ordered, not overlapping) replaced by their redacted forms. */
export function redactSpans(text: string, spans: readonly { start: number; end: number }[]): string {
  let out = '',
    at = 0;
  for (const sp of spans) {
    if (sp.start < at) continue;
    out += text.slice(at, sp.start) + redact(text.slice(sp.start, sp.end));
    at = sp.end;
  }
  return out + text.slice(at);
}

/** A finding's place as offsets in its file's text. */
function findingSpan(file: SourceFile, f: Finding): { start: number; end: number } {
  const starts = file.lineStarts();
  const offset = (line: number, col: number) => (starts[line - 1] ?? file.text.length) + col - 1;
  return { start: offset(f.line, f.column), end: offset(Math.max(f.line, f.endLine), f.endColumn) };
}

/**
 * Redacts every secret found in a text (e.g. for audit records), by place. A text that is the one
 * analysed last (a written file's content, judged just before its audit record is made) is not
 * analysed again; the result is the same, as the analysis depends only on the text and on whether
 * the path names a lockfile.
 */
export function redactSecrets(text: string, path = 'text'): string {
  if (last && last.file.text === text && isLockfile(last.file.path) === isLockfile(path)) {
    const file = last.file;
    const spans = last.findings.filter((f) => f.category === 'secret').map((f) => findingSpan(file, f));
    return redactSpans(
      text,
      spans.sort((a, b) => a.start - b.start),
    );
  }
  return redactSpans(text, collectHits(new SourceFile(path, text, undefined)));
}
