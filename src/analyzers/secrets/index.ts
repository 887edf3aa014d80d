/**
 * Secrets: vendor formats (patterns.ts), then a generic rule for values assigned to names that
 * say "secret", judged by entropy and shape. Placeholders, documented example keys, references to
 * the environment, hashes and lockfile integrity strings are recognised as not secret.
 * Findings never carry the secret: the snippet is redacted.
 */
import type { Finding } from '../../engine/types.ts';
import { SourceFile, finding, clip } from '../source.ts';
import { SECRET_PATTERNS, type SecretPattern } from './patterns.ts';
import { Literals, eachTagged, mayOccur, registerWords } from '../literals.ts';

const MAX_LINE = 4000;

export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Values that are templates or say what they are: never reported. */
const PLACEHOLDER =
  /x{5,}|X{5,}|\*{3,}|\.{3}|(?:^|[^a-z])(?:example|sample|dummy|placeholder|changeme|change_me|your|redacted|fake|insert|replace|todo|fixme|null|none|undefined|secret|password|passwd|token|foobar)(?:[^a-z]|$)|<[^>]*>|\$\{|\{\{|%\(|%s|\$\(|^\$[A-Za-z_]|EXAMPLE|^\{[A-Za-z_][\w.]*\}$|^(?:true|false|yes|no|on|off)$/i;
/** Values typed by a person rather than issued (runs, counting, keyboard rows): most likely placeholders. */
const TYPED =
  /(.)\1{7,}|0123456789|123456789|abcdefghij|qwerty|abcdef|bcdefg|cdefgh|defghi|efghij|fghijk|ghijkl|hijklm|ijklmn|jklmno|klmnop|lmnopq|mnopqr|nopqrs|opqrst|pqrstu|qrstuv|rstuvw|stuvwx|tuvwxy|uvwxyz/i;
/** AWS's, Stripe's and others' documented example credentials. */
const DOCUMENTED =
  /AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI\/K7MDENG\/bPxRfiCYEXAMPLEKEY|sk_test_4eC39HqLyjWDarjtT1zdp7dc|AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI/;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || TYPED.test(value) || DOCUMENTED.test(value);
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

const GENERIC_NAME =
  /(?:^|[^A-Za-z0-9_.\-])([A-Za-z0-9_.\-]{0,40}?(?:api[_.\-]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|auth[_.\-]?key|access[_.\-]?key|private[_.\-]?key|client[_.\-]?secret|credential|bearer|[_.\-]auth(?=["'\s:=]))[A-Za-z0-9_.\-]{0,30})["']?\s*(?:=|:=|=>|:)\s*(?:["'`]([^"'`\s]{8,200})["'`]|([^\s"'`,;#)}\]]{12,200}))/i;
/** Words one of which GENERIC_NAME needs (lower case): only lines holding one are tried. */
const GENERIC_WORDS = ['key', 'secret', 'token', 'passw', 'pwd', 'credential', 'bearer', 'auth'];
/** A secret-named setting read with a literal default: getenv("API_TOKEN", "…"), config.get('password', '…'). */
const DEFAULT_ARG =
  /\(\s*["']([A-Za-z0-9_.\-]{0,40}(?:api[_.\-]?key|apikey|secret|token|passw(?:or)?d|pwd|credential)[A-Za-z0-9_.\-]{0,30})["']\s*,\s*["']([^"'\s]{8,200})["']/i;
/** Every hint (vendor formats and the generic words) to the formats it stands for (-1: generic). */
const HINT_OWNERS = new Map<string, number[]>();
SECRET_PATTERNS.forEach(
  (pat, pi) => pat.commonHints || pat.hints.forEach((h) => HINT_OWNERS.set(h, [...(HINT_OWNERS.get(h) ?? []), pi])),
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
/** The same hints on their own, for a process that has not built the shared automaton (little text read). */
let ownHints: Literals | undefined;
const NOT_SECRET_NAME =
  /(?:^|[_.\-])(?:id|ids|name|names|url|uri|file|path|dir|size|len|length|type|types|version|field|key_?id|count|prefix|suffix|header|param|env|var|label|format|mode|policy|endpoint|host|chars|alphabet|pattern|regex|hash|digest|checksum|salt_?rounds|expiry|expires|ttl|timeout|limit)$|public|csrf|xsrf|kms|credentials?_?id|secrets?_?id|tokenizer|tokens?_?(?:url|uri|type)|password_?(?:field|hint|policy|reset|confirm|label)|keyword|keyboard|keyframe|monkey|turkey/i;
const NON_SECRET_VALUE =
  /^(?:https?:|file:|\/|\.\/|~\/|[A-Za-z]:\\)|\.(?:pem|key|p12|pfx|crt|cer|json|ya?ml|txt|env|keytab|jks)$|^(?:os\.|process\.|env\.|config\.|settings\.|self\.|this\.|ENV\[|getenv|System\.getenv|Environment\.|vault:|secretmanager|arn:aws:)|^[A-Z][A-Z0-9_]+$|^[a-z]+(?:[_\-][a-z]+)+$|^[\d.]+$|^v?\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?$|[-_.]v?\d+\.\d+(?:\.\d+)?$/;

/** Code rather than a value (outside quotes): a scoped name, a member access, a call, a generic type. */
const CODE_VALUE = /^:|::|->|[(<[]|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
/** Text written as \u escapes (translations in bundled code): words, not a key. */
const ESCAPED_TEXT = /^(?:\\u[0-9A-Fa-f]{4})+$/;
/** Words joined by dots, dashes or underscores (`qwen-code.auth`, `advanced.tavilyApiKey`) or in camel case (`allowUnsafeCredentialHelper`): a name, not a key. */
const WORDS_VALUE = /^[A-Za-z]+(?:[._\-][A-Za-z]+)+$|^[a-z]+(?:[A-Z][a-z]+)+$/;

function genericLooksSecret(name: string, value: string, quoted = true): boolean {
  if (NOT_SECRET_NAME.test(name)) return false;
  if (NON_SECRET_VALUE.test(value) || isPlaceholder(value)) return false;
  if ((!quoted && CODE_VALUE.test(value)) || ESCAPED_TEXT.test(value)) return false;
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

function findSecrets(file: SourceFile, changed?: Set<number>): Finding[] {
  const out: Finding[] = [];
  const lock = isLockfile(file.path);
  const seen = new Set<string>();
  const emit = (
    pat: { id: string; title: string; severity?: Finding['severity'] },
    line: number,
    col: number,
    secret: string,
    confidence: Finding['confidence'],
    note = '',
  ) => {
    const key = `${line}:${secret}`;
    if (seen.has(key)) return;
    seen.add(key);
    const text = file.line(line);
    out.push(
      finding(file, {
        ruleId: pat.id,
        title: pat.title,
        severity: pat.severity ?? 'high',
        confidence,
        ...META,
        message: `${pat.title} in source: anyone with read access to the code (or to a model vendor it is sent to) can use it.${note}`,
        line,
        column: col,
        endColumn: col + secret.length,
        snippet: clip(text.split(secret).join(redact(secret)).trim()),
      }),
    );
  };

  const lines = file.lines;
  // Prefilter: a format is tried only on lines holding one of its hints (lines without any hint,
  // the vast majority, cost nothing). The hints' occurrences come in text order, so lines are met
  // in ascending order: each line gets its formats (by index) and whether the generic rule looks.
  const cands = new Map<number, { formats: number[]; generic: boolean }>();
  let at = 0,
    atEnd = lines[0].length; // (the line holding the current offset, and where it ends)
  const lastLine = new Int32Array(SECRET_PATTERNS.length).fill(-1);
  const hinted = (k: number, offset: number) => {
    while (offset > atEnd && at + 1 < lines.length) atEnd += lines[++at].length + 1;
    let c = cands.get(at);
    for (const pi of HINT_OWNERS_OF[k]) {
      if (pi < 0 ? lock || c?.generic : lastLine[pi] === at) continue;
      if (!c) cands.set(at, (c = { formats: [], generic: false }));
      if (pi < 0) c.generic = true;
      else {
        lastLine[pi] = at;
        c.formats.push(pi);
      }
    }
  };
  // (the automaton's pass over the file, shared with the other analyzers, has every hint at every offset)
  if (!eachTagged(HINT_TAG, file.text, hinted))
    (ownHints ??= new Literals(HINT_LIST.map((word) => ({ word, caseSensitive: false }))))
      .scan(file.text)
      .tagged(OWN_TAG, hinted);
  // Formats whose hints are short and common (`.`, `sk`, `ey`): the lines where the format
  // (without its token boundaries) occurs, in the rare files where it does.
  let unsorted = false;
  SECRET_PATTERNS.forEach((pat, pi) => {
    if (!pat.quick || !mayOccur(pat.re, file.text)) return;
    for (const li of file.matchingLines(pat.quick)) {
      let c = cands.get(li);
      if (!c) {
        cands.set(li, (c = { formats: [], generic: false }));
        unsorted = true;
      }
      if (!c.formats.includes(pi)) c.formats.push(pi);
    }
  });
  let order = [...cands.keys()];
  if (unsorted) order.sort((a, b) => a - b);
  if (changed) order = order.filter((i) => changed.has(i + 1));
  for (const i of order) {
    const line = lines[i];
    if (line.length > MAX_LINE || line.length < 8) continue;
    let matched = false;
    const c = cands.get(i)!;
    const patterns = c.formats.sort((a, b) => a - b).map((pi) => SECRET_PATTERNS[pi]);
    const lower = line.toLowerCase();
    for (const pat of patterns) {
      if (!pat.hints.some((h) => lower.includes(h))) continue;
      const m = pat.re.exec(line);
      if (!m) continue;
      const secret = m.groups?.s ?? m[0];
      const variable = pat.fixed ? secret.replace(pat.fixed, '') : secret;
      let typed = false;
      if (pat.id !== 'secret.private-key' && pat.id !== 'secret.gcp-service-account') {
        if (PLACEHOLDER.test(variable) || DOCUMENTED.test(variable)) continue;
        typed = TYPED.test(variable);
        // Little more than one character repeated (glc_1111…, 0000…XYZ): nothing to confirm.
        if (typed && entropy(variable) < 3) continue;
      }
      if (pat.minEntropy !== undefined && entropy(secret) < pat.minEntropy) continue;
      if (pat.valid && !pat.valid(secret)) continue;
      if (lock && pat.id === 'secret.jwt') continue;
      if (pat.id === 'secret.private-key' && isPlaceholderKeyBlock(line.slice(m.index + m[0].length), lines, i))
        continue;
      // A value in the exact format of a vendor's credential that still looks typed by hand
      // (12345678, runs of one character, abcdef…) is most likely a placeholder: reported at low
      // severity, so a reviewer can confirm it, without failing a build or blocking an agent.
      const col = m.index + Math.max(0, m[0].indexOf(secret)) + 1;
      if (typed)
        emit(
          { ...pat, severity: 'low' },
          i + 1,
          col,
          secret,
          'low',
          ' It looks like a placeholder (typed-in sequence); confirm it is not a real credential.',
        );
      else emit(pat, i + 1, col, secret, 'high');
      matched = true;
      break;
    }
    if (matched || !c.generic) continue;
    const g = GENERIC_NAME.exec(line) ?? DEFAULT_ARG.exec(line);
    // An unquoted value is a literal in config files and shell, but an expression in program code
    // (`token = strtok(s, "/")`, `privateKey := new(dsa.PrivateKey)`): there only quoted values count.
    if (g && (g[2] !== undefined || !file.language || file.language === 'bash')) {
      const value = g[2] ?? g[3];
      if (genericLooksSecret(g[1], value, g[2] !== undefined)) {
        emit(
          { id: 'secret.generic', title: 'Hard-coded secret', severity: /passw|pwd/i.test(g[1]) ? 'high' : 'medium' },
          i + 1,
          line.indexOf(value) + 1,
          value,
          'medium',
        );
      }
    }
  }
  // curl commands continued over several lines (`curl … \` ⏎ `  -u user:pass`, as READMEs write
  // them): the curl formats are tried on the joined command, the finding placed on its line.
  for (let i = 0, n = /\bcurl\b/.test(file.text) ? lines.length : 0; i < n; i++) {
    if (!/\\\s*$/.test(lines[i]) || !/\bcurl\b/.test(lines[i])) continue;
    let j = i,
      joined = lines[i];
    while (j + 1 < lines.length && j - i < 12 && /\\\s*$/.test(lines[j]))
      joined = joined.replace(/\\\s*$/, ' ') + lines[++j].replace(/^\s*#?/, ' ');
    for (const pat of CURL_PATTERNS) {
      const m = pat.re.exec(joined);
      const secret = m && (m.groups?.s ?? m[0]);
      if (!secret || isPlaceholder(secret) || (pat.minEntropy !== undefined && entropy(secret) < pat.minEntropy))
        continue;
      const at = lines.slice(i, j + 1).findIndex((l) => l.includes(secret));
      if (at >= 0) emit(pat, i + at + 1, lines[i + at].indexOf(secret) + 1, secret, 'high');
    }
    i = j;
  }
  return out;
}

const CURL_PATTERNS = SECRET_PATTERNS.filter(
  (p) => p.id === 'secret.curl-basic-auth' || p.id === 'secret.curl-auth-header',
);

/** A PEM header followed by an obviously fake body (…, xxxx, "<key>") is documentation. */
function isPlaceholderKeyBlock(rest: string, lines: string[], i: number): boolean {
  const raw = (rest + '\n' + lines.slice(i + 1, i + 4).join('\n')).split('-----END')[0];
  const body = raw.replace(/\\n|["'`+,\s]/g, '');
  // A real key has a long base64 body before its END line: runs of 40 or more base64 characters
  // (its 64-character lines), not code after a header the program looks for (`indexOf("-----BEGIN…")`).
  return (
    !raw.split(/\\n|["'`+,\s]+/).some((t) => /[A-Za-z0-9+/=]{40,}/.test(t)) ||
    /\.{3}|x{4,}|<[^>]*>|\$\{|\{\{/i.test(body)
  );
}

/** The secret values behind secret findings of a file (each finding's column range). */
export function secretValues(file: SourceFile, findings: Finding[]): string[] {
  return findings
    .filter((f) => f.category === 'secret')
    .map((f) => file.line(f.line).slice(f.column - 1, f.endColumn - 1))
    .filter((s) => s.length >= 4);
}

/** Replaces each of the given secret values in a text by its redacted form. */
export function redactValues(text: string, values: string[]): string {
  let out = text;
  for (const v of values) if (out.includes(v)) out = out.split(v).join(redact(v));
  return out;
}

/**
 * Redacts every secret found in a text (e.g. for audit records). A text that is the one analysed
 * last (a written file's content, judged just before its audit record is made) is not analysed
 * again; the result is the same, as the analysis depends only on the text and on whether the
 * path names a lockfile.
 */
export function redactSecrets(text: string, path = 'text'): string {
  if (last && last.file.text === text && isLockfile(last.file.path) === isLockfile(path))
    return redactValues(text, secretValues(last.file, last.findings));
  const f = new SourceFile(path, text, undefined);
  return redactValues(text, secretValues(f, findSecrets(f)));
}
