/**
 * The prefilter that makes the injection analyzer cheap on large text (1 MB of tool output in a
 * few milliseconds): it finds the few anchors that every finding in plain sight needs, and notes
 * which hidden carriers the text can hold at all; only the paragraphs holding an anchor (or headed
 * by one) are then read in full, and only the hidden-text detectors whose carrier is present run.
 * Two stages: a gate of four precompiled regexes (native code; the anchor words merged into a trie)
 * finds where an anchor or carrier can be, and a pass over the character codes, which decides
 * exactly, runs only there (prefilterExact runs it over the whole text: the tests compare the two).
 *
 * The anchors are narrower than GATE (which admits every table's words) because a finding in plain
 * sight needs more than a table's word: the text must speak to the agent (an address, a fake turn,
 * an override) or name a harm reported on its own (secret files sent out, a data-carrying link, an
 * endpoint redirected, lying to the user). Each anchor is the literal core of such an entry in
 * signals.ts; test/injection.test.ts proves the prefilter changes no finding on the fixture and
 * the corpus. Words are matched by hash: a collision only makes a paragraph be read for nothing.
 */

/** Hidden carriers the text can hold (each a precondition of one detector in hidden.ts). */
export interface Carriers {
  /** `<`: HTML comments and hidden elements. */
  markup: boolean;
  /** `style` or `hidden`: an element hidden by style or attribute. */
  hiddenStyle: boolean;
  /** TAG characters (U+E0000 block, high surrogate DB40). */
  tags: boolean;
  /** Variation selectors. */
  selectors: boolean;
  /** Zero-width and other invisible characters. */
  invisible: boolean;
  /** ESC: ANSI sequences. */
  escape: boolean;
  /** `rot13`, `rot-13`, `caesar`. */
  rot: boolean;
  /** `[//]:`, `[_]:`, `[#]:`, `[comment]:`: a markdown comment's opening. */
  mdComment: boolean;
  /** `alt=`, `title=`, `aria-label=`, `data-…=`, `content=` before a quote. */
  attributes: boolean;
  /** `![`: a markdown image. */
  images: boolean;
  /** `<img`: an HTML image (its `src` may carry a secret). */
  imgTags: boolean;
  /** `](`, a URL, spaces, `"`: a markdown link's title. */
  linkTitles: boolean;
  /**
   * `base64`, `b64`, `decode`, `atob` in a word, or the word `hex`: talk of decoding, exactly as the
   * encoded-text detector asks for it (so that it is not asked again over the whole text).
   */
  encoded: boolean;
  /** concatenate, combine, join, assemble, together, order: parts to be put together. */
  parts: boolean;
  /**
   * Two words of an order to act behind the person's back (`without asking`, `no need`, `leave this`,
   * `continue silently`, `niet eerst`…): only then is a paragraph asked whether it says so (signals.ts UNASKED;
   * text in other letters always is).
   */
  unasked: boolean;
  /**
   * A word that names an automated tool, assistant or bot in another language written in ASCII letters
   * (RARE_PREFIX_LIST): only then are the tables' rarer entries asked of ASCII paragraphs (signals.ts).
   */
  rare: boolean;
}

/** Every carrier assumed present (a caller without the prefilter's notes). */
export const ALL_CARRIERS: Carriers = {
  markup: true,
  hiddenStyle: true,
  tags: true,
  selectors: true,
  invisible: true,
  escape: true,
  rot: true,
  mdComment: true,
  attributes: true,
  images: true,
  imgTags: true,
  linkTitles: true,
  encoded: true,
  parts: true,
  unasked: true,
  rare: true,
};

export interface Prefilter {
  /** Start offsets of the anchors, ascending. */
  anchors: number[];
  carriers: Carriers;
}

const FNV = 16777619;
const BASIS = 2166136261 | 0;
/** Hash of a lower-case ASCII word, as the scanner computes it character by character. */
function hashOf(word: string): number {
  let h = BASIS;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV);
  return h;
}
// (int32 hashes, never `>>> 0`: values above 2^31 would be heap numbers, allocated per character)
const pair = (a: number, b: number) => Math.imul(a, 0x9e3779b1) ^ b;
const words = (s: string) => s.split(/\s+/).filter(Boolean);
const cross = (a: string, b: string) => words(a).flatMap((x) => words(b).map((y) => [x, y] as const));

/** Whole words that are anchors on their own. */
const WORD_LIST =
  words(`ai ia ki llm llms gpt chatgpt copilot cursor automated autonomous automation automations whoever bot bots web_fetch webfetch
  run_shell_command read_file write_file read_many_files credentials printenv npmrc pypirc netrc http_proxy https_proxy
  otlpendpoint logprompts scp rsync sts navragen sormadan usuario usuarios utilisateur utilisateurs benutzer nutzer`);
const WORDS = new Set(WORD_LIST.map(hashOf));

/** Word beginnings that are anchors (any inflection, any language: ignore, ignorez, ignorieren). */
const PREFIX_LIST = words(`agent assistant asisten assisten claude qwen gemini codex ignor disregard forget overrid
  bypass instruction directive objective decod decrypt unscrambl concatenat kiagent kiassist kimodell aws_ github_
  openai_ anthropic_ npm_ gh_ dashscope_ id_rsa id_ed25519 id_ecdsa id_dsa printenv otlpendpoint logprompts`);
/**
 * Word beginnings that name automated tools, assistants and bots in other languages (herramientas
 * automatizadas, outils, Werkzeuge, narzędzia, assistent, otomatik…): anchors, and the `rare` carrier.
 */
const RARE_PREFIX_LIST = words(`automatiz automatisiert geautomatiseerd automaty zautomatyz otomat outil herramient
  ferrament strumento strumenti automatico automatici automatu automatowi narz werkzeug skrypt assisten asisten asystent
  automatick automatiser`);
const RARE_PREFIXES = new Set(RARE_PREFIX_LIST.map(hashOf));
PREFIX_LIST.push(...RARE_PREFIX_LIST);
const PREFIXES: (Set<number> | undefined)[] = [];
for (const p of PREFIX_LIST) (PREFIXES[p.length] ??= new Set()).add(hashOf(p));
/** 1 at the lengths some prefix has (the others are not looked up). */
const PREFIX_LENGTH = new Uint8Array(256);
PREFIXES.forEach((set, len) => set && (PREFIX_LENGTH[len] = 1));
/** The lower-case code of each ASCII word character (letters, digits, `_`); 0 for the rest. */
const WORD_CODE = new Uint8Array(128);
for (let c = 0; c < 128; c++)
  if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95) WORD_CODE[c] = c;
  else if (c >= 65 && c <= 90) WORD_CODE[c] = c + 32;

/** Pairs of an order to act behind the person's back (signals.ts UNASKED): anchors, and the `unasked` carrier. */
const UNASKED_BIGRAM_LIST: (readonly [string, string])[] = [
  ...cross(
    'without',
    'asking checking consulting telling informing notifying bothering confirming first user users owner waiting',
  ),
  ...cross('no', 'need confirmation approval permission pr'),
  ...cross('not t never', 'ask prompt consult bother wait stop pause'),
  ...cross('in', 'advance'),
  // ("a PR is not needed", "no PR needed": not "request is", which an SDK's docs say on every page)
  ...cross('not t', 'needed necessary'),
  ...cross('pr review request', 'needed'),
  ...cross('leave', 'this it that these them'),
  ...cross('continue proceed on it this that', 'silently quietly'),
  ...cross('niet', 'eerst vragen melden'),
  ...cross('zonder', 'te bevestiging toestemming'),
  ...cross('ohne', 'nachzufragen zu'),
  ...cross('sans', 'demander confirmation'),
  ...cross('sin', 'preguntar confirmar pedir avisar consultar'),
  ...cross('sem', 'perguntar confirmar avisar consultar'),
  ...cross('senza', 'chiedere conferma avvisare consultare'),
  ...cross('nie', 'wspominaj pytaj informuj'),
  ...cross('bez', 'pytania potwierdzenia zgody'),
  ...cross('onay', 'almadan beklemeden'),
  ...cross('tanpa', 'bertanya konfirmasi izin'),
];
/** Two words in a row (any separator between them). */
const BIGRAM_LIST: (readonly [string, string])[] = [
  ...cross('language', 'model models'),
  ...cross('hey dear hello hi attention for to', 'model models bot bots'),
  // (an agent named without "AI": "(human or bot)", "reviewer bots", signals.ts ADDRESSEE)
  ...cross('or reviewer triage', 'model models bot bots'),
  // (a note for whatever reads the text: "Note for tools that install this package:", "note to automation")
  ...cross('note notes notice message reminder', 'for to'),
  ...cross('model models', 'reading processing summarizing summarising summarize summarise'),
  ...cross('your', 'reply replies response responses answer answers summary summaries final output outputs'),
  ...cross(
    'before',
    'you open opening create creating submit submitting running executing doing making editing any anything',
  ),
  ...cross('new updated real actual true only priority', 'task order orders'),
  ...cross('priority system security admin', 'notice'),
  ...cross('stop abandon drop pause cancel', 'working what the user users your'),
  ...cross('the', 'user'),
  ...cross('combine join assemble', 'the'),
  ...cross('nueva', 'tarea'),
  ...cross('neue', 'aufgabe'),
  ...cross('end', 'of system file tool output context'),
  ...cross('tool', 'result results output outputs host'),
  ...cross('system', 'administrator'),
  ...cross('platform', 'team'),
  ...cross('git', 'push remote'),
  ...cross(
    'not t never without',
    'tell telling mention mentioning inform informing show showing reveal revealing report reporting ' +
      'notify notifying alert alerting',
  ),
  ...cross('tell', 'the them everyone'),
  ...cross('as', 'formatting docs doc documentation chore lint trivial no cosmetic routine harmless typo'),
  ...cross('user users reviewer reviewers maintainer maintainers they', 'does doesn do don won will'),
  ...UNASKED_BIGRAM_LIST,
  // (a faked message of the user's, signals.ts FAKE_TURN; another's authority claimed, OVERRIDE)
  ...cross('message messages', 'from'),
  // (the user's label with how it came: "User (via terminal):", FAKE_TURN)
  ...cross('user human', 'via from on in over through'),
  ...cross('change', 'of'),
  ...cross('maintainer owner emergency', 'override'),
  // (commands that print credentials, a goal said without naming an agent: gh auth token, kubectl get secret)
  ...cross('auth', 'token'),
  ...cross('get', 'secret secrets'),
  // (signals.ts: "not to be surfaced to end users"; "Clients that sync this response must …"; a guard
  // removed "so the scanner does not block …")
  ...cross('end', 'user users'),
  ...cross('clients integrations consumers importers subscribers pipelines', 'that which who'),
  ...cross('not t cannot', 'block catch flag detect notice trigger reject complain'),
];
const BIGRAMS = new Set(BIGRAM_LIST.map(([a, b]) => pair(hashOf(a), hashOf(b))));
const UNASKED_BIGRAMS = new Set(UNASKED_BIGRAM_LIST.map(([a, b]) => pair(hashOf(a), hashOf(b))));

/** Three words in a row. */
const TRIGRAM_LIST = [
  ...cross('a', 'minor documentation small routine simple harmless typo').map(([b, c]) => ['as', b, c]),
  ...cross('a an', 'bot').map(([b, c]) => ['are', b, c]),
  // ("if you can read this, …": the reader addressed as whatever reads the text)
  ['can', 'read', 'this'],
  // (only an agent calls tools: "Before calling this tool, …"; the reader by what it does: "When summarizing this")
  ...cross('calling invoking using', 'this').map(([a, b]) => [a, b, 'tool']),
  ...cross('when whenever', 'summarizing summarising triaging processing answering handling').map(([a, b]) => [
    a,
    b,
    'this',
  ]),
];
const TRIGRAMS = new Set(TRIGRAM_LIST.map(([a, b, c]) => pair(pair(hashOf(a), hashOf(b)), hashOf(c))));

/** Words that frame a turn when they open a line (`System:`, `### assistant`, `[SYSTEM NOTE]`). */
const LINE_START = new Set(words('system assistant observation thought action final').map(hashOf));
/** Words that address the reader when a colon or comma follows (`Models:`, `bots,`). */
const VOCATIVE = new Set(words('model models bot bots').map(hashOf));
const ENV = hashOf('env');
const TOOL = new Set(words('tool tools').map(hashOf));
const THE = hashOf('the');
const USE = hashOf('use');
const ROT = new Set(words('rot13 rot caesar').map(hashOf));
// (SVG hides text by its own attributes too: `<text opacity="0" font-size="0.2">`; `font` for a font-size alone)
const HIDDEN_STYLE = new Set(words('style hidden opacity visibility display font').map(hashOf));
const HEX = hashOf('hex');
const PARTS = new Set(words('concatenate combine join assemble together order').map(hashOf));
const ATTRIBUTE = new Set(words('alt title label description content').map(hashOf));
const DATA = hashOf('data');

/** Words whose anchor depends on what stands around them (checked only when the word is one of these). */
const SPECIAL = new Set([...LINE_START, ...VOCATIVE, ENV, ...TOOL, ...ROT, ...HIDDEN_STYLE, HEX, ...PARTS]);

function special(
  text: string,
  h: number,
  start: number,
  end: number,
  p2: number,
  p3: number,
  anchors: number[],
  carriers: Carriers,
) {
  if (LINE_START.has(h) && atLineStart(text, start)) mark(anchors, start);
  if (VOCATIVE.has(h) && colonAfter(text, end)) mark(anchors, start);
  if (h === ENV && envAnchor(text, start, end)) mark(anchors, start);
  if (TOOL.has(h) && p2 === THE && p3 === USE) mark(anchors, start);
  if (ROT.has(h)) carriers.rot = true;
  if (HIDDEN_STYLE.has(h)) carriers.hiddenStyle = true;
  if (h === HEX) carriers.encoded = true;
  if (PARTS.has(h)) carriers.parts = true;
}

/** `=` after an attribute's name, then a quote. */
function attributeAt(text: string, i: number, p1: number, p2: number, p3: number): boolean {
  if (!ATTRIBUTE.has(p1) && p1 !== DATA && p2 !== DATA && p3 !== DATA) return false;
  let k = i + 1;
  while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  const q = text.charCodeAt(k);
  return q === 34 || q === 39;
}

/** `[//]`, `[_]`, `[#]`, `[comment]`. */
function mdCommentAt(text: string, i: number): boolean {
  const n = text.charCodeAt(i + 1);
  return n === 47 || n === 95 || n === 35 || startsWithLower(text, i + 1, 'comment');
}

/** Whether text at `at` starts with `word` (lower-case ASCII), in any case. */
function startsWithLower(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) {
    let c = text.charCodeAt(at + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** Characters a line may open with before a turn word: spaces, `#`, `/`, `*`, `>`, `-`, `[`. */
const opensLine = (c: number) =>
  c === 32 || c === 9 || c === 13 || c === 35 || c === 47 || c === 42 || c === 62 || c === 45 || c === 91;

function atLineStart(text: string, start: number): boolean {
  let k = start - 1;
  while (k >= 0 && opensLine(text.charCodeAt(k))) k--;
  return k < 0 || text.charCodeAt(k) === 10;
}

/** After a word: spaces, then `:` or `,`. */
function colonAfter(text: string, end: number): boolean {
  let k = end;
  while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  const c = text.charCodeAt(k);
  return c === 58 || c === 44 || c === 0xff1a;
}

/** What JavaScript's `\s` matches. */
export const isJsSpace = (c: number) =>
  (c >= 9 && c <= 13) ||
  c === 32 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

/**
 * Whether the `](` at `i` can open a link with a title, as hidden.ts reads one (`](url "title")`): a URL
 * (no `)`, no space) ended by spaces and a quote. Code and markdown hold many `](` and few titles: the
 * detector's regex then never reads the text. (A run of `](](](…` without a space would be walked once
 * per `](`: the walk's end is kept, and a `](` inside a walked run takes its answer.)
 */
function linkTitleAt(text: string, i: number): boolean {
  const from = i + 2;
  if (from < walked.from || from > walked.end) {
    let k = from;
    for (let c = text.charCodeAt(k); k < text.length && c !== 41 && !isJsSpace(c); c = text.charCodeAt(++k));
    let q = k;
    while (q < text.length && isJsSpace(text.charCodeAt(q))) q++;
    walked = { from, end: k, titled: k < text.length && q > k && text.charCodeAt(q) === 34 };
  }
  return from < walked.end && walked.titled;
}
/**
 * The last walk, forgotten when a pass over another text begins (prefilter, prefilterExact): not told
 * by comparing texts, which compares two equal megabytes character by character, once per `](`.
 */
let walked = { from: 0, end: -1, titled: false };
const forgetWalk = () => (walked = { from: 0, end: -1, titled: false });

/** `.env` after a space, quote or parenthesis, `env |`, or `$(env)`. */
function envAnchor(text: string, start: number, end: number): boolean {
  const p = text.charCodeAt(start - 1);
  if (p === 46) {
    const q = start >= 2 ? text.charCodeAt(start - 2) : 32;
    if (q === 32 || q === 9 || q === 10 || q === 34 || q === 39 || q === 96 || q === 40) return true;
  }
  let k = end;
  while (k < text.length && text.charCodeAt(k) === 32) k++;
  return text.charCodeAt(k) === 124;
}

/** `<|`, `<<SYS>>`, `<system>`, `</tool_result>`, `<instructions>`… */
function tagAnchor(text: string, i: number): boolean {
  const n = text.charCodeAt(i + 1);
  if (n === 124 || n === 60) return true;
  const j = n === 47 ? i + 2 : i + 1;
  return (
    startsWithLower(text, j, 'system') ||
    startsWithLower(text, j, 'tool_') ||
    startsWithLower(text, j, 'function_') ||
    startsWithLower(text, j, 'assistant') ||
    startsWithLower(text, j, 'instructions')
  );
}

/** A URL (after `://`) whose characters run into `<` or `{`: a placeholder to be filled with local data. */
function placeholderUrl(text: string, i: number): boolean {
  if (!startsWithLower(text, i - 4, 'http') && !startsWithLower(text, i - 5, 'https')) return false;
  const stop = Math.min(text.length, i + 4096);
  for (let k = i + 3; k < stop; k++) {
    const c = text.charCodeAt(k);
    if (c === 60 || c === 123) return true;
    if (c <= 32 || c === 41 || c === 34 || c === 39 || c === 62) return false;
  }
  return false;
}

/** Non-ASCII characters that are anchors: invisible ones, and the scripts the tables have entries in. */
function nonAsciiAnchor(c: number, carriers: Carriers): boolean {
  if (c === 0xdb40) return (carriers.tags = carriers.selectors = true);
  if (c >= 0xfe00 && c <= 0xfe0f) return (carriers.selectors = true);
  if (c === 0xad || c === 0x180e || (c >= 0x200b && c <= 0x200f) || (c >= 0x2060 && c <= 0x2064) || c === 0xfeff)
    return (carriers.invisible = true);
  return scriptLetter(c);
}

// (the same ranges as the gate's last part below: Greek, Armenian, Hebrew, the Indic scripts, Thai and Lao,
// Georgian and Vietnamese joined the others in session 19, a Hindi order to agents having passed unread)
const scriptLetter = (c: number) =>
  (c >= 0xc0 && c <= 0x24f) ||
  (c >= 0x370 && c <= 0x3ff) ||
  (c >= 0x400 && c <= 0x4ff) ||
  (c >= 0x530 && c <= 0x6ff) ||
  (c >= 0x750 && c <= 0x77f) ||
  (c >= 0x900 && c <= 0xeff) ||
  (c >= 0x10a0 && c <= 0x10ff) ||
  (c >= 0x1e00 && c <= 0x1eff) ||
  (c >= 0x3040 && c <= 0x30ff) ||
  (c >= 0x3400 && c <= 0x9fff) ||
  (c >= 0xac00 && c <= 0xd7af) ||
  (c >= 0xff00 && c <= 0xffef);

/**
 * One bit per table for each value of a hash's low 16 bits: a Set is asked only when its bit is set
 * (a Set lookup per character would cost more than the whole pass).
 */
const IN_PREFIXES = 1,
  IN_WORDS = 2,
  IN_BIGRAMS = 4,
  IN_TRIGRAMS = 8,
  IN_SPECIAL = 16;
const BLOOM = new Uint8Array(65536);
const fill = (hashes: Iterable<number>, bit: number) => {
  for (const x of hashes) BLOOM[x & 0xffff] |= bit;
};
for (const set of PREFIXES) if (set) fill(set, IN_PREFIXES);
fill(WORDS, IN_WORDS);
fill(BIGRAMS, IN_BIGRAMS);
fill(TRIGRAMS, IN_TRIGRAMS);
fill(SPECIAL, IN_SPECIAL);

const noCarriers = (): Carriers => ({
  markup: false,
  hiddenStyle: false,
  tags: false,
  selectors: false,
  invisible: false,
  escape: false,
  rot: false,
  mdComment: false,
  attributes: false,
  images: false,
  imgTags: false,
  linkTitles: false,
  encoded: false,
  parts: false,
  unasked: false,
  rare: false,
});

/** Adds an anchor, keeping them ascending (a bigram's anchor is its first word, which may come before the last). */
function mark(anchors: number[], at: number): void {
  if (anchors.length === 0 || anchors[anchors.length - 1] < at) anchors.push(at);
  else if (anchors[anchors.length - 1] !== at) {
    let k = anchors.length - 1;
    while (k >= 0 && anchors[k] > at) k--;
    if (anchors[k] !== at) anchors.splice(k + 1, 0, at);
  }
}

/**
 * The reference reading: one pass over every character code of the text. `prefilter` gives the same
 * anchors and carriers (test/injection.test.ts compares them) by running this only around gate hits.
 */
export function prefilterExact(text: string): Prefilter {
  forgetWalk();
  const out = { anchors: [] as number[], carriers: noCarriers() };
  scanRange(text, 0, text.length, out.anchors, out.carriers);
  return out;
}

/**
 * The character pass over [from, to): `from` at a word's start or outside a word, `to` at a word's end or
 * outside one (the words around it are not seen: the gate starts each range at its context's first word).
 */
function scanRange(text: string, from: number, to: number, anchors: number[], carriers: Carriers): void {
  // (anchors marked by direct calls: a closure made per call would cost more than many short ranges' pass)
  const n = to;
  let h = BASIS,
    len = 0,
    start = 0,
    prefixHit = false;
  // The last three words' hashes and the starts of the last two (for two- and three-word anchors).
  let p1 = 0,
    p2 = 0,
    p3 = 0,
    s1 = 0,
    s2 = 0;
  // (one loop with the word's end inline: state kept in locals, a sentinel space at the end)
  for (let i = from; i <= n; i++) {
    let c = i < n ? text.charCodeAt(i) : 32;
    // (a table gives a word character's lower-case code, 0 for any other ASCII character)
    const w = c < 128 ? WORD_CODE[c] : 0;
    if (w !== 0) {
      if (len === 0) start = i;
      c = w;
      h = Math.imul(h ^ c, FNV);
      len++;
      // (talk of decoding, for the encoded-text detector: `base64`, `b64`, `decode`, `atob` anywhere in a word)
      if (c === 52) {
        if (text.charCodeAt(i - 1) !== 54) {
          // (not `64`)
        } else if (len >= 3 && startsWithLower(text, i - 2, 'b64')) carriers.encoded = true;
        else if (len >= 6 && startsWithLower(text, i - 5, 'base64')) carriers.encoded = true;
      } else if (c === 100) {
        if (len >= 5 && startsWithLower(text, i - 4, 'decode')) carriers.encoded = true;
      } else if (c === 98) {
        if (len >= 4 && startsWithLower(text, i - 3, 'atob')) carriers.encoded = true;
      }
      if (!prefixHit && len < 256 && PREFIX_LENGTH[len] === 1 && (BLOOM[h & 0xffff] & IN_PREFIXES) !== 0) {
        const set = PREFIXES[len];
        if (set !== undefined && set.has(h)) {
          prefixHit = true;
          if (RARE_PREFIXES.has(h)) carriers.rare = true;
        }
      }
      continue;
    }
    if (len !== 0) {
      const b = BLOOM[h & 0xffff];
      if (prefixHit || ((b & IN_WORDS) !== 0 && WORDS.has(h))) mark(anchors, start);
      if ((b & IN_SPECIAL) !== 0 && SPECIAL.has(h)) special(text, h, start, i, p2, p3, anchors, carriers);
      if (p1 !== 0) {
        const two = pair(p1, h);
        if ((BLOOM[two & 0xffff] & IN_BIGRAMS) !== 0 && BIGRAMS.has(two)) {
          mark(anchors, s1);
          if (UNASKED_BIGRAMS.has(two)) carriers.unasked = true;
        }
        const three = pair(pair(p2, p1), h);
        if ((BLOOM[three & 0xffff] & IN_TRIGRAMS) !== 0 && TRIGRAMS.has(three)) mark(anchors, s2);
      }
      p3 = p2;
      p2 = p1;
      p1 = h;
      s2 = s1;
      s1 = start;
      h = BASIS;
      len = 0;
      prefixHit = false;
    }
    if (c < 128) {
      if (c < 36 || (c > 38 && c < 58) || (c > 60 && c < 91) || (c > 91 && c < 126)) {
        if (c === 27) carriers.escape = true;
        else if (c === 61) {
          if (attributeAt(text, i, p1, p2, p3)) carriers.attributes = true;
        } else if (c === 33) {
          if (text.charCodeAt(i + 1) === 91) carriers.images = true;
        } else if (c === 93) {
          if (text.charCodeAt(i + 1) === 40 && linkTitleAt(text, i)) carriers.linkTitles = true;
        }
        continue;
      }
      if (c === 60) {
        carriers.markup = true;
        if (tagAnchor(text, i)) mark(anchors, i);
        else if (startsWithLower(text, i + 1, 'img')) carriers.imgTags = true;
      } else if (c === 91) {
        if (mdCommentAt(text, i)) carriers.mdComment = true;
        const j = text.charCodeAt(i + 1) === 47 ? i + 2 : i + 1;
        if (startsWithLower(text, j, 'inst') || startsWithLower(text, j, 'tool') || startsWithLower(text, j, 'sys'))
          mark(anchors, i);
      } else if (c === 126) {
        if (text.charCodeAt(i + 1) === 47 && text.charCodeAt(i + 2) === 46) mark(anchors, i);
      } else if (c === 38) {
        const j = i + 1;
        if (text.charCodeAt(j) === 35 || startsWithLower(text, j, 'lt;') || startsWithLower(text, j, 'gt;'))
          mark(anchors, i);
        else if (startsWithLower(text, j, 'apos;')) mark(anchors, i);
      } else if (c === 58) {
        if (text.charCodeAt(i + 1) === 47 && text.charCodeAt(i + 2) === 47 && placeholderUrl(text, i)) mark(anchors, i);
      } else if (c === 36) {
        if (startsWithLower(text, i + 1, '(env)')) mark(anchors, i);
      }
      continue;
    }
    // (a run of other-script letters is marked at its first letter only: a run never crosses a line
    // break and every paragraph and window starts at a line's start, so a range holds some letter of
    // the run exactly when it holds the first; translated text no longer marks every letter)
    if (nonAsciiAnchor(c, carriers) && !(i > 0 && scriptLetter(c) && scriptLetter(text.charCodeAt(i - 1))))
      mark(anchors, i);
  }
}

/**
 * The gate: one regex over the text (native code, no per-character JavaScript) that finds every place
 * where the character pass could mark an anchor or note a carrier, each from the first word of its
 * context (a bigram from its first word, an attribute from its name, `use the … tool` from `use`).
 * The character pass then runs only over those places, so it gives what it gives over the whole text.
 * (Pairs before single words: at one position the longer context must win.)
 */
const NOT_WORD = '[^a-z0-9_]+';
const LINE_WORDS = '(?:system|assistant|observation|thought|action|final)\\b';

/**
 * Alternatives that open with a literal word, merged into a trie (`a(?:gent|ssistant|i\b)|c(?:laude|…)`):
 * V8 tries a flat alternation one branch after another at every word's start, a trie one letter at a time
 * (about five times faster on text without anchors). At each node the longer contexts come first.
 */
export function trieSource(alternatives: string[]): string {
  type Node = { kids: Map<string, Node>; rests: string[] };
  const node = (): Node => ({ kids: new Map(), rests: [] });
  const root = node();
  for (const a of alternatives) {
    const literal = /^[a-z0-9_]*/.exec(a)![0];
    let n = root;
    for (const ch of literal) {
      if (!n.kids.has(ch)) n.kids.set(ch, node());
      n = n.kids.get(ch)!;
    }
    n.rests.push(a.slice(literal.length));
  }
  const rank = (r: string) => (r === '' ? 2 : r === '\\b' ? 1 : 0);
  const emit = (n: Node): string => {
    const rests = [...new Set(n.rests)].sort((x, y) => rank(x) - rank(y));
    const all = [...[...n.kids].map(([ch, k]) => ch + emit(k)), ...rests];
    return all.length === 1 ? all[0] : `(?:${all.join('|')})`;
  };
  return emit(root);
}

export const GATE_PARTS = (() => {
  const byFirst = new Map<string, string[]>();
  for (const [a, b] of BIGRAM_LIST) byFirst.set(a, [...(byFirst.get(a) ?? []), b]);
  const wholeWords = [...WORD_LIST, ...words('rot13 rot caesar style hidden hex concatenate combine join assemble')];
  wholeWords.push(...words('opacity visibility display font'));
  wholeWords.push(...words('together order'));
  const inWords = [
    ...TRIGRAM_LIST.map((w) => w.join(NOT_WORD) + '\\b'),
    ...[...byFirst].map(([a, bs]) => `${a}${NOT_WORD}(?:${bs.join('|')})\\b`),
    `use${NOT_WORD}the${NOT_WORD}[a-z0-9_]+${NOT_WORD}tools?\\b`,
    ...words('alt title label description content').map((w) => `${w}[^a-z0-9_]*=[ \\t]*["']`),
    `data(?:${NOT_WORD}[a-z0-9_]+){0,2}[^a-z0-9_]*=[ \\t]*["']`,
    ...words('model models bot bots').map((w) => `${w}[ \\t]*[:,\\uff1a]`),
    `env *\\|`,
    ...PREFIX_LIST,
    ...wholeWords.map((w) => `${w}\\b`),
  ];
  // (four regexes, not one: a top-level alternation is tried branch by branch at every position)
  return [
    `\\b${trieSource(inWords)}`,
    `\\n[ \\t\\r#/*>\\-\\[]*${LINE_WORDS}|\\.env\\b|\\$\\(env\\)|~/\\.|&(?:#|lt;|gt;|apos;)|\\x1b|!\\[|\\]\\(` +
      `|<(?:[|<]|img|/?(?:system|tool_|function_|assistant|instructions))|\\[(?:[/_#]|comment|inst|tool|sys)` +
      `|https?://[^\\x00-\\x20)"'<>{]{0,4092}[<{]`,
    // (talk of decoding anywhere in a word: a carrier only, noted without the character pass)
    `base64|b64|decode|atob`,
    // (Latin with accents, Greek, Cyrillic, Armenian, Hebrew, Arabic, the Indic scripts, Thai and Lao, Georgian,
    // Vietnamese, kana, CJK, Hangul, and the invisible characters)
    '[\\u00ad\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff\\u0530-\\u06ff\\u0750-\\u077f\\u0900-\\u0eff\\u10a0-\\u10ff' +
      '\\u180e\\u1e00-\\u1eff\\u200b-\\u200f\\u2060-\\u2064\\u3040-\\u30ff\\u3400-\\u9fff' +
      '\\uac00-\\ud7af\\udb40\\ufe00-\\ufe0f\\ufeff\\uff00-\\uffef]+',
  ];
})();
// (the last, characters of other scripts, without the `i` flag: case folding costs V8 a factor of two there)
export const GATES = GATE_PARTS.map((p, k) => new RegExp(p, k === GATE_PARTS.length - 1 ? 'g' : 'gi'));
const DECODING = GATES[2];
/** A turn word on the text's first line (the gate finds the others from the line break before them). */
const FIRST_LINE = new RegExp(`^[ \\t\\r#/*>\\-\\[]*${LINE_WORDS}`, 'i');

const isWordCode = (c: number) => c < 128 && WORD_CODE[c] !== 0;

/**
 * The anchors of plain-sight findings and the hidden carriers present: the gate's hits, each read by
 * the character pass from its start to the end of its last word (the same result as prefilterExact).
 */
export function prefilter(text: string): Prefilter {
  forgetWalk();
  const carriers = noCarriers();
  carriers.markup = text.includes('<');
  const found: number[][] = [];
  const first: number[] = [];
  if (FIRST_LINE.test(text)) scanRange(text, 0, wordEnd(text, FIRST_LINE.exec(text)![0].length), first, carriers);
  found.push(first);
  // (the last gate finds only non-ASCII characters: a text that is all ASCII, told by its UTF-8 length,
  // a native count, holds none, and that gate's pass over it is skipped)
  const gates = isAscii(text) ? GATES.slice(0, -1) : GATES;
  for (const gate of gates) {
    // (each gate's anchors ascend; the lists are merged at the end, not inserted into one)
    const anchors: number[] = [];
    found.push(anchors);
    gate.lastIndex = 0;
    let hits = 0;
    for (let m = gate.exec(text); m; m = gate.exec(text)) {
      const s = m.index;
      // Text dense with hits (made to defeat the gate, or all in another script) is read by the
      // character pass over the whole text as soon as that shows: never much slower than that pass.
      if (++hits > 32 + (s >> 4)) return prefilterExact(text);
      if (gate === DECODING) {
        // `base64`, `b64`, `decode`, `atob`: a carrier only (a word opening with `decod` is the first gate's)
        carriers.encoded = true;
        break;
      }
      const b = wordEnd(text, s + m[0].length);
      scanRange(text, s, b, anchors, carriers);
      // (the next search starts at the range's last word: a pair may begin with it)
      let last = b;
      while (last > s && !isWordCode(text.charCodeAt(last - 1))) last--;
      while (last > s && isWordCode(text.charCodeAt(last - 1))) last--;
      gate.lastIndex = last > s ? last : b;
    }
  }
  return { anchors: mergeAscending(found), carriers };
}

/**
 * Whether every character is ASCII. A text that is not mostly shows it early: a character class over
 * the first 64 KB; the rest is counted natively (UTF-8 length = length: ~0.1 ms for a megabyte of
 * ASCII, where the class would take ~0.4 ms; up to ~0.8 ms on two-byte text that hid its first
 * non-ASCII character past 64 KB).
 */
export function isAscii(text: string): boolean {
  // (the quarantine asks twice of the same text: when reading it, and when marking it)
  if (text === asked.text) return asked.ascii;
  const head = text.length > HEAD ? text.slice(0, HEAD) : text;
  const ascii = !NON_ASCII.test(head) && (head === text || Buffer.byteLength(text, 'utf8') === text.length);
  if (text.length > 4096) asked = { text, ascii };
  return ascii;
}
let asked = { text: '', ascii: true };
const NON_ASCII = /[^\x00-\x7f]/;
const HEAD = 65536;

/** Ascending lists merged into one ascending list, each value once. */
function mergeAscending(lists: number[][]): number[] {
  const nonEmpty = lists.filter((l) => l.length);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? [];
  const out: number[] = [];
  const at = nonEmpty.map(() => 0);
  for (;;) {
    let best = -1;
    for (let k = 0; k < nonEmpty.length; k++)
      if (at[k] < nonEmpty[k].length && (best < 0 || nonEmpty[k][at[k]] < nonEmpty[best][at[best]])) best = k;
    if (best < 0) return out;
    const v = nonEmpty[best][at[best]++];
    if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  }
}

/** The end of the word that `at` ends or lies in (`at` itself outside a word). */
function wordEnd(text: string, at: number): number {
  if (at === 0 || !isWordCode(text.charCodeAt(at - 1))) return at;
  while (at < text.length && isWordCode(text.charCodeAt(at))) at++;
  return at;
}

/** Whether a short text (a heading) holds an anchor. */
export const hasAnchor = (text: string) => prefilter(text).anchors.length > 0;

/** Anchor positions, asked in ascending order of ranges: whether one lies in [from, to). */
export class AnchorCursor {
  private i = 0;
  constructor(private readonly at: number[]) {}
  any(from: number, to: number): boolean {
    while (this.i < this.at.length && this.at[this.i] < from) this.i++;
    return this.i < this.at.length && this.at[this.i] < to;
  }
  /** Like any, for ranges that may go back (overlapping windows): a binary search. */
  within(from: number, to: number): boolean {
    let lo = 0,
      hi = this.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.at.length && this.at[lo] < to;
  }
}
