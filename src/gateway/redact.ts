/**
 * Outbound redaction for the model gateway: secrets (the secrets analyzer) and configured
 * sensitive patterns are replaced by stable placeholders before a request leaves, and the
 * placeholders are put back in what comes back (whole responses, streamed text split anywhere,
 * tool-call arguments), so the agent keeps working with the real values locally.
 *
 * Every string a request carries is a "piece": values and object keys at any depth, `model` and
 * `role` included, and the strings inside JSON text (tool-call arguments). A secret is looked for
 * in several views of the pieces, because an attacker (or a prompt-injected agent) can cut it up:
 * - each piece on its own;
 * - two neighbouring pieces joined (a token cut in two, whatever stands around it), then all
 *   pieces joined, in reading order (the text a model reads: contents of adjacent parts and
 *   messages, without keys and protocol fields), invisible characters dropped and full-width
 *   forms read as ASCII;
 * - in document order, a key or protocol field joined to the piece after it (half a token in a
 *   key, the other half in its value);
 * - each message serialised as JSON, where a key and its value stand together (`"AWS_SECRET…":"…"`).
 * A secret found across pieces is removed from all of them: the first piece gets its placeholder,
 * the others lose their share, so the joined text reads the placeholder once, and the placeholder
 * gives back exactly the text the pieces held.
 */
import { createHash } from 'node:crypto';
import { analyzeSecrets, secretValues } from '../analyzers/secrets/index.ts';
import { hiddenSecrets, LOOKALIKE } from '../analyzers/secrets/encoded.ts';
import { pieceAt, SourceFile } from '../analyzers/source.ts';

const PREFIX = 'WARDEN_SECRET_';
const PLACEHOLDER = /WARDEN_SECRET_[0-9a-f]{10}/g;
const PH_LEN = PREFIX.length + 10;
const GENERIC = 'secret.generic';
/** The words that make a value a generic secret (as the secrets analyzer's generic rule). */
const LABEL = /key|secret|token|passw|pwd|auth|credential|bearer/i;

/** Values of these keys are protocol structure: not part of the text a model reads (they are still redacted). */
const STRUCTURAL = new Set([
  'model',
  'role',
  'type',
  'id',
  'name',
  'tool_call_id',
  'tool_use_id',
  'finish_reason',
  'stop_reason',
  'object',
  'media_type',
  'cache_control',
]);
/** Characters a reader does not see, which can be slipped inside a token to break its shape. */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]/;
/**
 * Invisible characters, full-width forms of ASCII, or Greek and Cyrillic (where the lookalike
 * letters are): a piece holding one is also read as a model reads it. (The whole Greek and Cyrillic
 * block, not the lookalikes one by one: a class of ranges is tested fast, one of 60 single letters
 * was 16% of redacting a request whose texts were all cached.) Also (s18) combining marks and
 * variation selectors (g̲h̲p̲_…), circled letters (ⓖⓗⓟ_…), mathematical letters (𝐠𝐡𝐩_…, behind the
 * surrogate \ud835) and terminal colour codes inside a token (`\x1b[31mghp_\x1b[0m…`).
 */
const DISGUISED =
  /[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff\uff01-\uff5e\u0370-\u052f\u0300-\u036f\u20d0-\u20ff\ufe00-\ufe0f\u24b6-\u24e9\ud835\x1b]/;
/** Reach of a view past a boundary where a long secret may be cut: enough for a PEM block. */
const WIDE = 4096;
/** Reach of a view of two read pieces past their boundary: tokens are shorter. */
const NARROW = 400;
/** The joined text is judged in windows of this many characters (see blockWindows). */
const BLOCK = 32 * 1024;
/** Serialised nodes larger than this are viewed child by child (messages, blocks), so views stay cacheable. */
const NODE_VIEW_MAX = 64 * 1024;
/** JSON text nested in strings (arguments holding JSON holding JSON…) is opened this deep. */
const JSON_DEPTH = 4;

/**
 * Strings a request may hold (values, keys, strings inside JSON text). Judging costs about 25 µs a
 * string: 200,000 one-word content parts take 5 s of the gateway's single thread; agents send a
 * few thousand.
 */
export const MAX_PIECES = 50_000;

/** A request too large in pieces to judge: refused (413), never forwarded. */
export class RedactionLimit extends Error {}

export interface Redaction {
  placeholder: string;
  kind: string;
}

interface Found {
  value: string;
  kind: string;
}

/**
 * Agents resend the whole conversation every turn, so most texts were analysed before: what was
 * found in a text is kept by the text's hash. Only the hash and the (short) secrets are kept,
 * never the text, and the cache is bounded in entries and bytes (oldest out first), so a burst of
 * large requests does not hold memory.
 */
export const CACHE_LIMITS = { entries: 20_000, bytes: 4 * 1024 * 1024 };
const cache = new Map<string, Found[]>();
let cacheBytes = 0;
const entryBytes = (key: string, found: Found[]) => key.length + 64 + found.reduce((n, f) => n + f.value.length, 0);

/**
 * Formats whose found text marks a kind of file rather than being a credential (`"type":
 * "service_account"`): the key inside such a file is found as a private key and redacted; the
 * marker itself goes out unchanged (in a sentence about key files, too).
 */
const NOT_CREDENTIAL = new Set(['secret.gcp-service-account']);

/** A copy that does not share memory with the (large) string it was cut from. */
const own = (s: string) => s.split('').join(''); // (code unit for code unit: lone surrogates kept)

/**
 * The secrets in a text, cached by the text's hash. Short texts are cached too: an agent's request
 * holds thousands of them (tool schemas, keys, the views across their boundaries), and hashing one
 * costs a small part of judging it (bench/sandbox.ts, session: 21 to 12 ms of CPU per 86 KB Qwen
 * Code request).
 */
export function secretsIn(text: string, asSent = false): Found[] {
  return secretsAt(text, 0, asSent);
}

/** Decoded texts (base64 of a file, escapes) are opened this deep: base64 of a file of escapes. */
const DECODE_DEPTH = 2;

/**
 * `asSent`: the text is a string of the request as sent (not a view joining or serialising them):
 * only there is a token looked for with its characters moved about (ROT13, backwards, spelled out,
 * cut up in code), as each of those reads costs a pass over the text and the views hold the same
 * text again (a 1 MB request is judged in about 3 MB of texts).
 */
function secretsAt(text: string, depth: number, asSent = false): Found[] {
  if (text.length < 8) return [];
  // SHA-256, not SHA-1: a text made to collide with a cached secret-free one would leave unredacted.
  const key = depth + (asSent ? 's' : '') + createHash('sha256').update(text).digest('base64');
  const hit = cache.get(key);
  if (hit) return hit;
  const file = new SourceFile('<request>', text, undefined);
  const findings = analyzeSecrets(file);
  const values = secretValues(file, findings);
  const found = findings
    .map((f, k) => ({ value: values[k], kind: f.ruleId }))
    .filter((x) => x.value && !NOT_CREDENTIAL.has(x.kind))
    .map((x) => ({ value: own(x.value), kind: x.kind }));
  // (a secret a model can decode is as readable as one written plainly: the encoded text is redacted)
  const more = hiddenSecrets(text, (t) => secretsAt(t, depth + 1), depth < DECODE_DEPTH, asSent);
  for (const e of more) if (!found.some((f) => f.value === e.raw)) found.push({ value: own(e.raw), kind: e.kind });
  cache.set(key, found);
  cacheBytes += entryBytes(key, found);
  while (cache.size > CACHE_LIMITS.entries || cacheBytes > CACHE_LIMITS.bytes) {
    const [k, v] = cache.entries().next().value!;
    cache.delete(k);
    cacheBytes -= entryBytes(k, v);
  }
  return found;
}

export function cacheStats(): { entries: number; bytes: number } {
  return { entries: cache.size, bytes: cacheBytes };
}

interface Piece {
  text: string;
  /** Part of the text a model reads (not a key, not a protocol field). */
  reading: boolean;
  /** This string holds JSON text whose own strings are pieces too (it is rebuilt from them). */
  json?: { value: unknown; depth: number };
  /** Ranges to replace: `to` is a placeholder or '' (weight: the length of the secret it stands for). */
  edits: { start: number; end: number; to: string; weight: number }[];
}

export class Redactor {
  private byPlaceholder = new Map<string, string>();
  readonly redactions: Redaction[] = [];
  /** The secrets found within single pieces (of the request being redacted). */
  private inOnePiece: Found[] = [];
  constructor(private patterns: RegExp[] = []) {}

  private placeholderFor(value: string, kind: string): string {
    const ph = PREFIX + createHash('sha256').update(value).digest('hex').slice(0, 10);
    if (!this.byPlaceholder.has(ph)) this.redactions.push({ placeholder: ph, kind });
    this.byPlaceholder.set(ph, value);
    return ph;
  }

  /** Redacts one string (secrets found by the secrets analyzer, then configured patterns). */
  redact(text: string): string {
    return this.redactDeep(text);
  }

  /** Redacts every string inside a JSON value: values and keys at any depth, and JSON text inside strings. */
  redactDeep<T>(v: T): T {
    const pieces: Piece[] = [];
    collect(v, undefined, false, 0, pieces);
    if (pieces.length > MAX_PIECES)
      throw new RedactionLimit(
        `the request holds ${pieces.length} strings, over the gateway's ${MAX_PIECES}; send fewer parts`,
      );
    const values = new Map<string, string>();
    const add = (f: Found) => values.has(f.value) || values.set(f.value, f.kind);
    for (const p of pieces) secretsIn(p.text, true).forEach(add);
    this.inOnePiece = [...values].map(([value, kind]) => ({ value, kind }));
    for (const text of nodeViews(v, 0)) for (const f of secretsIn(text)) addEscaped(f, add);
    // (and of JSON text inside strings, as tool arguments are: a key ID and its secret in two values)
    for (const p of pieces)
      if (p.json) for (const text of nodeViews(p.json.value, p.json.depth)) for (const f of secretsIn(text)) add(f);
    // (the JSON text of a string is represented by its inner pieces in the joined views)
    const ordered = pieces.filter((p) => !p.json);
    // Reading order first: a match in document order that overlaps a secret already spliced is
    // the same secret read through keys and protocol fields (`ghp_…` + `type` + `text` + `…`).
    this.acrossPieces(
      ordered.filter((p) => p.reading),
      true,
      add,
    );
    this.acrossPieces(ordered, false, add);
    const replace = this.replacer(values);
    // (an edit inside a whole value found elsewhere gives way to that value's placeholder: cut
    // first, the rest of the value would no longer match and would leave, e.g. an AWS secret read
    // only up to its `/` beside its label)
    const known = [...values.keys()];
    const out = pieces.map((p) => replace(applyEdits(p.text, withinNoValue(p.text, p.edits, known))));
    let at = 0;
    return rebuild(
      v,
      false,
      () => pieces[at],
      () => out[at++],
      (p) => replace(p),
    ) as T;
  }

  /** A function that replaces every known secret value, then every configured pattern, by its placeholder. */
  private replacer(values: Map<string, string>): (s: string) => string {
    const list = [...values.keys()].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length);
    const any = list.length ? new RegExp(list.map(escapeRe).join('|'), 'g') : undefined;
    const patterns = this.patterns.map(
      (re) => new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'),
    );
    return (s) => {
      let out = any && s.length >= 4 ? s.replace(any, (m) => this.placeholderFor(m, values.get(m)!)) : s;
      for (const re of patterns) out = out.replace(re, (m) => this.placeholderFor(m, 'pattern'));
      return out;
    };
  }

  /**
   * Secrets made of several adjacent pieces: the text around every boundary is judged joined (all
   * boundaries closed, invisible characters dropped), and joined at that boundary only (so a token
   * cut in two is found whatever stands next to it). A secret that spans pieces becomes edits.
   */
  private acrossPieces(seq: Piece[], reading: boolean, add: (f: Found) => void) {
    const starts: number[] = [];
    let total = 0;
    for (const p of seq) {
      starts.push(total);
      total += p.text.length;
    }
    // A piece with invisible or full-width characters is also read as a model reads it, on its own.
    seq.forEach((p, k) => {
      if (DISGUISED.test(p.text))
        this.spliceFound(
          seq,
          starts,
          buildView(seq, starts, starts[k], starts[k] + p.text.length, () => ''),
          reading,
          add,
        );
    });
    const boundaries = starts.slice(1);
    // Joined at one boundary first (the least joining that explains a secret, so a match does not
    // run on into the keys after it), then everything joined (a token cut in three).
    boundaries.forEach((b, k) => {
      // (a token cut here has characters on both sides; cut at a space, the joined view has it.
      // In document order only a key or protocol field followed by a piece matters (read text
      // after read text was judged in reading order), and two short ones are `role`, `user`.)
      if (!/\S$/.test(seq[k].text) || !/^\S/.test(seq[k + 1].text)) return;
      if (!reading && (seq[k].reading || (seq[k].text.length < 8 && seq[k + 1].text.length < 8))) return;
      // The two pieces only (a token cut in two; tiny pieces cost nothing), up to NARROW each side
      // in reading order, WIDE in document order (a PEM block cut between a key and its value).
      const w = reading ? NARROW : WIDE;
      const s = Math.max(starts[k], b - w);
      const e = Math.min(starts[k + 1] + seq[k + 1].text.length, b + w);
      this.spliceFound(
        seq,
        starts,
        buildView(seq, starts, s, e, () => ''),
        reading,
        add,
      );
    });
    // (in document order, pieces are cut only where a key starts a secret: two pieces are enough)
    if (!reading) return;
    for (const [s, e] of blockWindows(boundaries, total))
      this.spliceFound(
        seq,
        starts,
        buildView(seq, starts, s, e, () => ''),
        reading,
        add,
      );
  }

  /**
   * A match that extends a secret found within one piece, by a token of the same format or by the
   * generic rule (`ghp_…` followed by the key `stream`, or half a token that is valid on its own
   * followed by its other half), is spliced over the piece it starts in and pieces of read text
   * only: keys and protocol fields after it are never cut for it (a later message may lose the
   * word that touched the secret: the price of never sending the second half of a token). A match
   * that overlaps a splice made before is the same secret read through other pieces. In document
   * order, only the piece a match starts in (a key holding half a token) and read text are cut,
   * never the protocol keys and fields it runs through or into.
   */
  private spliceFound(seq: Piece[], starts: number[], view: View, reading: boolean, add: (f: Found) => void) {
    const found = secretsIn(view.text);
    if (!found.length) return;
    const map = offsetsOf(view);
    for (const f of found) {
      const extendsOwn = this.inOnePiece.some(
        (v) => (v.kind === f.kind || f.kind === GENERIC) && f.value.includes(v.value),
      );
      for (let i = view.text.indexOf(f.value); i >= 0; i = view.text.indexOf(f.value, i + 1)) {
        const from = map[i];
        const to = map[i + f.value.length - 1] + 1;
        if (from < 0 || to <= 0) continue;
        const first = pieceAt(starts, from);
        const last = pieceAt(starts, to - 1);
        // (in document order, a value is a generic secret only by a label in its own piece, not by
        // protocol keys glued before it: `max_tokens` + `role` + `sumOfExposures = …`)
        if (!reading && f.kind === GENERIC && !LABEL.test(seq[first].text.slice(0, from - starts[first]))) continue;
        // Inside one piece and written plainly: replaced with the other values. (A piece of read
        // text was judged in reading order; in document order, what precedes it are keys.)
        if (first === last && seq[first].text.slice(from - starts[first], to - starts[first]) === f.value) {
          // (a generic secret's label may be the keys glued before it: `max_tokens` + `BEDROCK_KEY = …`)
          if (reading || (!seq[first].reading && f.kind !== GENERIC)) add(f);
          continue;
        }
        const range = (k: number) => ({
          k,
          start: Math.max(from, starts[k]) - starts[k],
          end: Math.min(to, starts[k] + seq[k].text.length) - starts[k],
        });
        const all = Array.from({ length: last - first + 1 }, (_, n) => range(first + n));
        const overlaps = all.some((t) => seq[t.k].edits.some((e) => e.start < t.end && t.start < e.end));
        const restricted = extendsOwn || overlaps;
        const targets = all.filter((t) => (reading && !restricted) || t.k === first || seq[t.k].reading);
        if (extendsOwn && targets.length < 2) continue;
        // (in document order, a match whose parts are all read text was judged in reading order:
        // there it reads differently, as the keys between are not part of it)
        if (!reading && targets.every((t) => seq[t.k].reading)) continue;
        // (overlapping a splice made before: applied only where it covers more, as a bigger view of
        // the same secret does, e.g. a PEM block whose one-boundary view was cut at the window's end)
        if (overlaps && targets.every((t) => covered(seq[t.k].edits, t.start, t.end))) continue;
        add(f);
        // The placeholder stands for the text the pieces held (the view may have put a separator or
        // dropped an invisible character): that is what the agent gets back.
        const held = targets.map((t) => seq[t.k].text.slice(t.start, t.end)).join('');
        const ph = this.placeholderFor(held, f.kind);
        // (a secret read in reading order wins over one read through keys and protocol fields)
        const weight = f.value.length + (reading ? 1e6 : 0);
        targets.forEach((t, n) => seq[t.k].edits.push({ start: t.start, end: t.end, to: n === 0 ? ph : '', weight }));
      }
    }
  }

  restore(text: string): string {
    if (!this.byPlaceholder.size || !text.includes(PREFIX)) return text;
    return text.replace(PLACEHOLDER, (ph) => this.byPlaceholder.get(ph) ?? ph);
  }

  restoreDeep<T>(v: T): T {
    if (!this.active) return v;
    if (typeof v === 'string') return this.restore(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.restoreDeep(x)) as T;
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.restore(k), this.restoreDeep(x)])) as T;
    return v;
  }

  get active(): boolean {
    return this.byPlaceholder.size > 0;
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** JSON text in a string (tool-call arguments, a pasted config), parsed, or undefined. */
function parseJsonText(s: string, depth: number): unknown {
  if (depth >= JSON_DEPTH || s.length < 2) return undefined;
  const c = s.trimStart()[0];
  if (c !== '{' && c !== '[' && c !== '"') return undefined;
  try {
    const v = JSON.parse(s);
    return v && typeof v === 'object' ? v : typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The pieces of a JSON value, in document order (a key before its value). */
function collect(v: unknown, key: string | undefined, inKey: boolean, depth: number, out: Piece[]) {
  if (typeof v === 'string') {
    const p: Piece = { text: v, reading: !inKey && !(key !== undefined && STRUCTURAL.has(key)), edits: [] };
    out.push(p);
    const inner = inKey ? undefined : parseJsonText(v, depth);
    if (inner !== undefined) {
      p.json = { value: inner, depth };
      collect(inner, key, false, depth + 1, out);
    }
  } else if (Array.isArray(v)) for (const x of v) collect(x, key, false, depth, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      collect(k, undefined, true, depth, out);
      collect(x, k, false, depth, out);
    }
}

/**
 * Rebuilds a JSON value from its redacted pieces, in collect's order. A string holding JSON text is
 * re-serialised from its inner pieces when one of them changed (then the values are replaced in the
 * serialisation too, for secrets that were found only in their escaped form).
 */
function rebuild(
  v: unknown,
  inKey: boolean,
  piece: () => Piece,
  next: () => string,
  replace: (s: string) => string,
): unknown {
  if (typeof v === 'string') {
    const p = piece();
    const own = next();
    if (inKey || !p.json) return own;
    const inner = rebuild(p.json.value, false, piece, next, replace);
    return JSON.stringify(inner) === JSON.stringify(p.json.value) ? own : replace(JSON.stringify(inner));
  }
  if (Array.isArray(v)) return v.map((x) => rebuild(x, false, piece, next, replace));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [, x] of Object.entries(v)) {
      const k = rebuild('', true, piece, next, replace) as string;
      out[k] = rebuild(x, false, piece, next, replace);
    }
    return out;
  }
  return v;
}

/**
 * Serialisations of the value, node by node down to NODE_VIEW_MAX (keys stand next to their
 * values). The children of a large node are serialised in runs of about NODE_VIEW_MAX / 4
 * characters, cut from the start, so a conversation that grows at its end keeps its earlier runs
 * (cached) and a node of 200,000 small parts is a few dozen texts, not 200,000.
 */
function nodeViews(v: unknown, depth: number): string[] {
  if (!v || typeof v !== 'object') return [];
  const text = JSON.stringify(v);
  if (text.length <= NODE_VIEW_MAX || depth > 6) return [text];
  const out: string[] = [];
  let run: string[] = [];
  let size = 0;
  const flush = () => {
    if (run.length) out.push(run.join(','));
    run = [];
    size = 0;
  };
  const entries: [string | undefined, unknown][] = Array.isArray(v)
    ? v.map((x) => [undefined, x])
    : Object.entries(v as object);
  for (const [k, x] of entries) {
    const own = JSON.stringify(x) ?? 'null';
    if (own.length > NODE_VIEW_MAX / 4) {
      flush();
      out.push(...nodeViews(x, depth + 1));
      continue;
    }
    run.push(k === undefined ? own : `${JSON.stringify(k)}:${own}`);
    if ((size += own.length) >= NODE_VIEW_MAX / 4) flush();
  }
  flush();
  return out;
}

/** A value found in serialised JSON, in both its escaped and its plain form. */
function addEscaped(f: Found, add: (f: Found) => void) {
  add(f);
  if (!f.value.includes('\\')) return;
  try {
    const plain = JSON.parse(`"${f.value}"`);
    if (typeof plain === 'string') add({ value: plain, kind: f.kind });
  } catch {
    /* not a whole escaped string: the escaped form is replaced as it is */
  }
}

interface View {
  text: string;
  /**
   * Where each part of the text came from (offset in the pieces joined; -1: a separator); `raw`, for
   * a part read as a model reads it (invisible characters dropped, full-width letters as ASCII), is
   * the text it was read from.
   */
  parts: { text: string; at: number; raw?: string }[];
}

/**
 * For each character of a view, its offset in the pieces joined (-1: a separator). Made only for a
 * view that holds a secret: most hold none, and it costs a pass over every character.
 */
function offsetsOf(view: View): Int32Array {
  const map = new Int32Array(view.text.length);
  let i = 0;
  for (const p of view.parts) {
    if (p.raw === undefined) for (let j = 0; j < p.text.length; j++) map[i++] = p.at < 0 ? -1 : p.at + j;
    else {
      const from = fold(p.raw).from;
      for (let j = 0; j < from.length; j++) map[i++] = p.at + from[j];
    }
  }
  return map;
}

/**
 * The joined pieces from offset s to e, with `sep(k)` before piece k, as a model reads them:
 * invisible characters dropped, full-width forms (ｇｈｐ＿…) read as ASCII.
 */
function buildView(seq: Piece[], starts: number[], s: number, e: number, sep: (k: number) => string): View {
  const parts: View['parts'] = [];
  for (let k = pieceAt(starts, s); k < seq.length && starts[k] < e; k++) {
    const from = Math.max(s, starts[k]);
    if (k > 0 && from === starts[k] && sep(k)) parts.push({ text: sep(k), at: -1 });
    const t = seq[k].text.slice(from - starts[k], Math.min(e - starts[k], seq[k].text.length));
    if (!DISGUISED.test(t)) parts.push({ text: t, at: from });
    else parts.push({ text: asRead(t), at: from, raw: t });
  }
  return { text: parts.map((p) => p.text).join(''), parts };
}

/**
 * A text as a model reads it, and for each character read the offset it was read from: invisible
 * characters, combining marks and terminal colour codes dropped; full-width, circled and
 * mathematical letters and digits, and lookalike letters, as ASCII.
 */
function fold(t: string): { text: string; from: Int32Array } {
  let from: Int32Array = new Int32Array(t.length);
  for (let i = 0; i < t.length; i++) from[i] = i;
  let text = t;
  for (const [re, to] of READINGS) [text, from] = replaceMapped(text, from, re, to);
  return { text, from };
}

/** `text.replace(re, to)`, carrying each character's offset in the original (`from`) along. */
function replaceMapped(text: string, from: Int32Array, re: RegExp, to: (c: string) => string): [string, Int32Array] {
  re.lastIndex = 0;
  let m = re.exec(text);
  // (most passes find nothing: a text with one Cyrillic letter has no terminal codes)
  if (!m) return [text, from];
  const out: string[] = [];
  const map = new Int32Array(text.length);
  let n = 0,
    at = 0;
  for (; m; m = re.exec(text)) {
    out.push(text.slice(at, m.index));
    map.set(from.subarray(at, m.index), n);
    n += m.index - at;
    const r = to(m[0]);
    out.push(r);
    for (let k = 0; k < r.length; k++) map[n++] = from[m.index];
    at = m.index + m[0].length;
  }
  out.push(text.slice(at));
  map.set(from.subarray(at), n);
  n += text.length - at;
  return [out.join(''), map.subarray(0, n)];
}
/** What fold does with each UTF-16 code unit. */
const KEEP = 0,
  DROP = 1,
  MAP = 2,
  ESC = 3,
  MATH = 4;
const FOLD = new Uint8Array(0x10000);
const FOLD_TO = new Uint16Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  const ch = String.fromCharCode(c);
  if (INVISIBLE.test(ch) || (c >= 0x300 && c <= 0x36f) || (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe00 && c <= 0xfe0f))
    FOLD[c] = DROP;
  else if (c >= 0xff01 && c <= 0xff5e) ((FOLD[c] = MAP), (FOLD_TO[c] = c - 0xfee0));
  else if (LOOKALIKE[ch]) ((FOLD[c] = MAP), (FOLD_TO[c] = LOOKALIKE[ch].charCodeAt(0)));
  else if (c >= 0x24b6 && c <= 0x24e9) ((FOLD[c] = MAP), (FOLD_TO[c] = ch.normalize('NFKC').charCodeAt(0)));
  else if (c === 0x1b) FOLD[c] = ESC;
  else if (c === 0xd835) FOLD[c] = MATH;
}
/** The characters fold drops, and those it reads as others, as classes for native replaces. */
const classOf = (how: number) => {
  const ranges: string[] = [];
  for (let c = 0; c < 0x10000; c++)
    if (FOLD[c] === how) {
      let e = c;
      while (e + 1 < 0x10000 && FOLD[e + 1] === how) e++;
      const hx = (n: number) => '\\u' + n.toString(16).padStart(4, '0');
      ranges.push(e === c ? hx(c) : hx(c) + '-' + hx(e));
      c = e;
    }
  return new RegExp(`[${ranges.join('')}]`, 'g');
};
/** A terminal control sequence (colours, cursor moves), or a two-character escape. */
const ANSI_ALL = /\x1b(?:\[[0-9;?]*[ -\/]*[@-~]|[@-Z\\-_])/g;
const MATH_ALL = /\ud835[\udc00-\udfff]/g;
const DROP_ALL = classOf(DROP);
const MAP_ALL = classOf(MAP);
/**
 * How a model reads a disguised text, in order: terminal codes go, mathematical letters are read as
 * letters, invisible characters and combining marks go, full-width, circled and lookalike letters
 * are read as ASCII. (fold and asRead apply the same list: a view's text and its offsets agree.)
 */
const READINGS: [RegExp, (c: string) => string][] = [
  [ANSI_ALL, () => ''],
  [
    MATH_ALL,
    (c) => {
      const r = c.normalize('NFKC');
      return r.length === 1 ? r : c;
    },
  ],
  [DROP_ALL, () => ''],
  [MAP_ALL, (c) => String.fromCharCode(FOLD_TO[c.charCodeAt(0)])],
];
/** The text fold reads, by the same replaces (native: the text is not walked in JavaScript). */
const asRead = (t: string) => READINGS.reduce((x, [re, to]) => x.replace(re, to), t);

/**
 * The joined text cut in blocks of BLOCK characters (those holding a boundary), each widened by WIDE
 * on both sides: every secret up to WIDE long that crosses a boundary lies whole in one window.
 * The blocks sit at fixed offsets, so when a conversation grows at its end the windows of its
 * earlier part are the same texts as in the last request, and their results come from the cache.
 */
function blockWindows(boundaries: number[], total: number): [number, number][] {
  const out: [number, number][] = [];
  for (const b of boundaries) {
    const block = Math.floor(b / BLOCK) * BLOCK;
    const s = Math.max(0, block - WIDE);
    if (out.length && out[out.length - 1][0] === s) continue;
    out.push([s, Math.min(total, block + BLOCK + WIDE)]);
  }
  return out;
}

/** Whether the edits already cover [start, end). */
function covered(edits: Piece['edits'], start: number, end: number): boolean {
  let at = start;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) if (e.start <= at && e.end > at) at = e.end;
  return at >= end;
}

/** The edits that do not lie inside an occurrence of a known secret value (which is replaced whole). */
function withinNoValue(text: string, edits: Piece['edits'], values: string[]): Piece['edits'] {
  if (!edits.length) return edits;
  const spans: [number, number][] = [];
  for (const v of values)
    if (v.length >= 4) for (let i = text.indexOf(v); i >= 0; i = text.indexOf(v, i + 1)) spans.push([i, i + v.length]);
  if (!spans.length) return edits;
  return edits.filter((e) => !spans.some(([a, b]) => a <= e.start && e.end <= b && b - a > e.end - e.start));
}

/** Applies a piece's edits (ranges replaced), overlapping ranges merged into one. */
function applyEdits(text: string, edits: Piece['edits']): string {
  if (!edits.length) return text;
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Piece['edits'] = [];
  for (const e of sorted) {
    const last = merged[merged.length - 1];
    if (!last || e.start >= last.end) {
      merged.push({ ...e });
      continue;
    }
    last.end = Math.max(last.end, e.end);
    // (the placeholder of the larger secret stands for the union)
    if (e.to && (!last.to || e.weight > last.weight)) Object.assign(last, { to: e.to, weight: e.weight });
  }
  let out = '';
  let at = 0;
  for (const e of merged) {
    out += text.slice(at, e.start) + e.to;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * Restores placeholders in a stream of text pieces split anywhere: only a tail that could be the
 * start of a placeholder is held back (at most the placeholder's length), everything else passes
 * through at once.
 */
export class StreamRestorer {
  private tail = '';
  constructor(private r: Redactor) {}
  push(piece: string): string {
    if (!this.r.active) return piece;
    const s = this.tail + piece;
    // Hold back the longest suffix that is a proper prefix of a placeholder.
    let hold = 0;
    for (let k = Math.min(PH_LEN - 1, s.length); k > 0; k--) {
      const suf = s.slice(s.length - k);
      if (PREFIX.startsWith(suf) || (suf.startsWith(PREFIX) && /^[0-9a-f]*$/.test(suf.slice(PREFIX.length)))) {
        hold = k;
        break;
      }
    }
    this.tail = s.slice(s.length - hold);
    return this.r.restore(s.slice(0, s.length - hold));
  }
  flush(): string {
    const t = this.r.restore(this.tail);
    this.tail = '';
    return t;
  }
}
