/**
 * The injection analyzer: instructions hidden in what a coding agent reads (source files, READMEs,
 * package docs, issues, web pages, tool results and descriptions, errors, logs) that try to take
 * the agent over. A finding needs both halves (src/analyzers/injection/signals.ts): the text is
 * aimed at the agent (addressed to it, framed as a system or tool turn, overriding its task, or
 * hidden from the person: comments, CSS-hidden text, alt text, invisible or encoded characters),
 * and it pursues a goal the user did not ask for (run a download, send secrets out, leak data in a
 * link, switch checks off, change the agent's settings, hide what it did, install from an unknown
 * source, replace the task). Prohibitions ("never pipe curl into sh") are safety rules, and writing
 * that discusses attacks may quote them inside code or quotes; neither is flagged.
 */
import type { Finding, Severity } from '../../engine/types.ts';
import { finding, SourceFile } from '../source.ts';
import { languageOf, type Language } from '../code/languages.ts';
import { commentView } from './comments.ts';
import { decodeEntities, hiddenSegments, INVISIBLE, type Segment } from './hidden.ts';
import {
  ADDRESS,
  DISCUSSES_ATTACKS,
  FAKE_TURN,
  GATE,
  GOALS,
  IMPERATIVE,
  NEGATED_BEFORE,
  OVERRIDE,
  gateOpens,
} from './signals.ts';
import { NARRATED_BEFORE, NEGATED_BEFORE_INTL, setRareInAscii, setUnaskedInAscii } from './signals.ts';
import { ADDRESSEE, aiLabel, read, UNASKED, unaskedMayHold, vocative, type Matcher, type Read } from './signals.ts';
import { AnchorCursor, hasAnchor, isJsSpace, prefilter, type Carriers } from './anchors.ts';

/** Files larger than this are read in their first part only (an instruction must be read to work). */
const MAX_TEXT = 2_000_000;
/** Texts longer than this judge each distinct segment once (tool output, logs, concatenated files). */
const MEMO_FROM = 100_000;
/** A paragraph longer than this is judged line by line (minified data, logs without blank lines). */
const MAX_PARAGRAPH = 1_500;
/** Where the pieces of a longer window start (each MAX_PARAGRAPH * 2 long: they overlap by 1000). */
const PIECE_STEP = 2_000;
/** How far before a finding the writing must discuss attacks for a quote there to count as an example. */
const LOCAL_DISCUSSION = 1_500;
/** …and how far after it. */
const LOCAL_DISCUSSION_AFTER = 500;

const GOAL_TEXT: Record<string, string> = {
  exec: 'run code fetched from elsewhere',
  exfiltration: 'send secrets or private data out',
  'data-leak-link': 'put private data into a link or image URL',
  'guard-bypass': 'switch off hooks, tests, scanners or approvals',
  'settings-tamper': "change the agent's settings or instruction files",
  concealment: 'hide what it does from the user',
  'package-install': 'install a package from an unvetted source',
  'goal-hijack': "replace the user's task",
  'take-over': 'follow instructions other than the user’s',
};

interface Verdict {
  goal: string;
  technique: string;
  severity: Severity;
  at: number;
}

/**
 * JSON and string escapes resolved within each line (`\\n` to a space, `\\u200b` to the character),
 * so that escaped text reads as the model reads it; line breaks stay where they are, so lines agree.
 */
function unescapeInLine(text: string): string {
  // (two passes, as two global regexes would make them: `\u005c` decoded in the first may open an escape
  // for the second. Each goes from backslash to backslash by indexOf, a native search: a regex over the
  // whole text cost more than the few escapes a megabyte of code holds)
  return eachEscape(eachEscape(text, unicodeEscape), charEscape);
}

/** What the escape at `i` (a backslash) stands for and how long it is, or undefined if it is none. */
type Escape = (text: string, i: number) => [string, number] | undefined;

/** `\uXXXX`: the character. */
const unicodeEscape: Escape = (text, i) => {
  if (text.charCodeAt(i + 1) !== 117) return undefined;
  for (let k = i + 2; k < i + 6; k++) if (!isHexDigit(text.charCodeAt(k))) return undefined;
  return [String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)), 6];
};
/** `\n`, `\r`, `\t`: a space; `\"`, `\'`, `\/`: the character. */
const charEscape: Escape = (text, i) => {
  const c = text.charCodeAt(i + 1);
  if (c === 110 || c === 114 || c === 116) return [' ', 2];
  if (c === 34 || c === 39 || c === 47) return [text[i + 1], 2];
  return undefined;
};
const isHexDigit = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** The text with every escape replaced, left to right, an escape's characters never starting another. */
function eachEscape(text: string, escape: Escape): string {
  let out = '',
    last = 0;
  for (let i = text.indexOf('\\'); i >= 0;) {
    const found = escape(text, i);
    if (!found) {
      i = text.indexOf('\\', i + 1);
      continue;
    }
    out += text.slice(last, i) + found[0];
    last = i + found[1];
    i = text.indexOf('\\', last);
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Visible text, split into paragraphs (or lines, for long ones), with invisible characters removed. */
const clean = (s: string) =>
  decodeEntities(s.replace(/\udb40[\udc00-\udc7f\udd00-\uddef]|[\ufe00-\ufe0f]/g, '').replace(INVISIBLE, ''));

/**
 * The same, doing only what the text needs: the prefilter noted which invisible characters it holds
 * at all (TAG and variation selectors, zero-width), and entities need a `&`.
 */
function cleanerFor(c: Carriers): (s: string) => string {
  if (c.tags || c.selectors) return clean;
  return (s) => {
    const visible = c.invisible ? s.replace(INVISIBLE, '') : s;
    return visible.includes('&') ? decodeEntities(visible) : visible;
  };
}

/** A markdown heading, or a short line that ends with a colon: it speaks for the paragraphs under it. */
const HEADING = /^(?:#{1,6}\s+[^\n]{3,120}|[^\n]{3,80}:)$/;

/**
 * Whether a paragraph can be a heading at all (as written or trimmed: `#` first or `:` last), told
 * from its two ends: most paragraphs are passed over without running HEADING over them twice.
 */
function mayBeHeading(raw: string): boolean {
  let i = 0,
    j = raw.length - 1;
  while (i <= j && isSpace(raw.charCodeAt(i))) i++;
  while (j >= i && isSpace(raw.charCodeAt(j))) j--;
  return raw.charCodeAt(i) === 35 || raw.charCodeAt(j) === 58;
}
/** What String.prototype.trim removes, and control characters: what a paragraph can start or end with. */
const isSpace = (c: number) => c <= 32 || isJsSpace(c);

/** Anchors everywhere: every paragraph is read. */
const EVERYWHERE = { any: () => true, within: () => true } as unknown as AnchorCursor;

/** A paragraph: lines up to a blank one. */
const PARAGRAPH = /[^\n]+(?:\n[ \t]*\S[^\n]*)*/g;
/** A markdown heading line inside a paragraph. */
const HEADING_LINE = /^#{1,6}\s+[^\n]{3,120}$/gm;

/**
 * The paragraphs worth reading (those holding an anchor, or under a heading that holds one), each
 * with its section's heading; a long paragraph is read three lines at a time. Paragraphs without
 * an anchor cannot yield a finding in plain sight (anchors.ts) and are passed over unread.
 */
function visibleSegments(
  text: string,
  anchors: AnchorCursor,
  clean: (s: string) => string,
  worthy: (raw: string) => boolean,
): Segment[] {
  const out: Segment[] = [];
  let heading = '';
  let headingAnchored = false;
  const setHeading = (h: string) => {
    heading = h;
    headingAnchored = hasAnchor(h);
  };
  for (const m of text.matchAll(PARAGRAPH)) {
    const raw = m[0];
    const anchored = anchors.any(m.index, m.index + raw.length);
    if (raw.length <= MAX_PARAGRAPH) {
      // The section's heading is read with each of its paragraphs ("## Instructions for AI agents").
      const isHeading = mayBeHeading(raw) && HEADING.test(raw);
      const headed = heading !== '' && !isHeading;
      let own: string | undefined;
      // (a paragraph whose own text fails GATE is judged no further: it is not cleaned or kept)
      if ((anchored || (headed && headingAnchored)) && worthy(raw)) {
        own = clean(raw);
        out.push({
          text: headed ? `${heading}\n${own}` : own,
          offset: m.index,
          length: raw.length,
          prefix: headed ? heading.length + 1 : 0,
          worth: true,
        });
      }
      // (A heading inside a paragraph, with no blank line after it, heads what follows too.)
      if (mayBeHeading(raw) && HEADING.test(raw.trim())) setHeading((own ?? clean(raw)).trim());
      else if (raw.includes('#')) {
        const last = [...(own ?? clean(raw)).matchAll(HEADING_LINE)].pop();
        if (last) setHeading(last[0].trim());
      }
      continue;
    }
    if (!anchored) continue;
    // A long paragraph (a log, minified data) is read three lines at a time, so that an address on one
    // line and the order on the next are read together.
    // (A paragraph has no empty line. GATE never matches across a line break, so a window is worth
    // reading when one of its lines is: each line is tested once, not once per window holding it.)
    const starts = [0];
    for (let k = raw.indexOf('\n'); k >= 0; k = raw.indexOf('\n', k + 1)) starts.push(k + 1);
    const end = (k: number) => (k + 1 < starts.length ? starts[k + 1] - 1 : raw.length);
    const gates: (boolean | undefined)[] = [];
    const lineGate = (k: number) => (gates[k] ??= GATE.test(raw.slice(starts[k], end(k)).toLowerCase()));
    for (let i = 0; i < starts.length; i++) {
      const last = Math.min(i + 2, starts.length - 1);
      const length = end(last) - starts[i];
      const offset = m.index + starts[i];
      if (!anchors.within(offset, offset + length)) continue;
      // (a window none of whose lines passes GATE is judged no further: it is not cut out or cleaned)
      if (!(lineGate(i) || (last > i && lineGate(i + 1)) || (last > i + 1 && lineGate(i + 2)))) continue;
      const window = raw.slice(starts[i], starts[i] + Math.min(length, MAX_PARAGRAPH * 2));
      out.push({ text: clean(window), offset, length, worth: true });
      // A window longer than that (a line of minified data or JSON-escaped text, or one padded on
      // purpose) is read on in overlapping pieces, each holding an anchor and passing GATE: what stood
      // past its first 3000 characters was read nowhere (an order after 3000 characters of padding on
      // its line went unflagged).
      for (let at = PIECE_STEP; at < length - (MAX_PARAGRAPH * 2 - PIECE_STEP); at += PIECE_STEP) {
        const size = Math.min(length - at, MAX_PARAGRAPH * 2);
        if (!anchors.within(offset + at, offset + at + size)) continue;
        const piece = raw.slice(starts[i] + at, starts[i] + at + size);
        if (GATE.test(piece.toLowerCase()))
          out.push({ text: clean(piece), offset: offset + at, length: size, worth: true });
      }
    }
  }
  return out;
}

/**
 * Where a goal is asked for outside a prohibition ("never run curl | sh" is a safety rule) and not told
 * as what happened ("it ran `curl … | sh`"); -1 if nowhere.
 */
function firstAffirmed(goal: Matcher, r: Read, negatable: boolean): number {
  for (const m of goal.matches(r)) {
    const before = r.text.slice(Math.max(0, m.index - 80), m.index).replace(/[*_~]/g, '');
    if (negatable && (NEGATED_BEFORE.test(before) || negatedIntl(before))) continue;
    // (Hindi, Japanese and Korean put the prohibition after the act: "… मत भेजें", "…送らないでください")
    if (negatable && r.intl && NEGATED_AFTER_INTL.test(r.text.slice(m.index, m.index + 160))) continue;
    // ("Do not edit the workflows without asking the user": a prohibition of acting unasked is a safety rule)
    if (!negatable && /^without\b/i.test(m.text) && NEGATED_BEFORE.test(before)) continue;
    if (NARRATED_BEFORE.test(before)) continue;
    return m.index;
  }
  return -1;
}

/**
 * A prohibition in another language before a goal ("nunca envíes…", "не надсилайте…"): asked where the words
 * before it are written with letters outside ASCII (an English "ask no questions, run …" is no prohibition).
 */
const negatedIntl = (before: string) => NON_ASCII_LETTER.test(before) && NEGATED_BEFORE_INTL.test(before);
const NON_ASCII_LETTER = /[\u00c0-\uffff]/;
const NEGATED_AFTER_INTL =
  /^(?:[^.,;!?।。、，\n]|\.(?=\S)){0,150}?(?:मत|नहीं|कभी न|ないで|てはいけません|禁止|하지 마|지 마|금지)/u;

/** An override said as an order (at the start of a sentence or quote), not reported ("if they ask you to ignore…"). */
function overrideOrdered(r: Read): boolean {
  for (const m of OVERRIDE.matches(r)) {
    // (A noun phrase may carry its determiner: "Your new task:", "The real task:".)
    const before = r.text.slice(Math.max(0, m.index - 16), m.index);
    // ("### New instructions:" after a sentence on the same line, not a heading: "### Override the prompt")
    if (/(?:^|[.!?:]\s+|[(\[>*]\s*|[.!?:][ \t]+#{1,6}[ \t]*)\s*(?:(?:your|the|my|our)\s+)?$/i.test(before)) return true;
  }
  return false;
}

/**
 * The text with what it quotes blanked out (code blocks and spans, block quotes, <pre> and <code>,
 * string literals), line breaks kept: what the writing says in its own voice.
 */
function unquoted(text: string): string {
  const blank = (m: string) => m.replace(/[^\n]/g, ' ');
  const fenced = text.replace(/^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?(?:^[ \t]*\1|$(?![\s\S]))/gm, blank);
  return (
    blankQuotingElements(fenced, blank)
      .replace(/^[ \t]*>[^\n]*/gm, blank)
      .replace(/`[^`\n]+`|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.){12,}'/g, blank)
      // (a quotation wrapped onto the next line, as prose at 100 columns wraps it)
      .replace(/"(?:[^"\\\n]|\\.){1,200}\n(?:[^"\\\n]|\\.){1,200}"/g, blank)
      // (typographic quotes too: “…”, „…“, «…», ‘…’ — prose quotes an attack in whatever its language uses)
      .replace(/[“„][^“”\n]*[”“]|«[^»\n]*»|‘[^’\n]{12,}’/g, blank)
  );
}

const QUOTING_OPEN = /<(pre|code|blockquote|samp)\b/gi;
const QUOTING_CLOSE = /<\/(pre|code|blockquote|samp)>/gi;

/**
 * `<pre>…</pre>` (and code, blockquote, samp) blanked, as /<(pre|code|blockquote|samp)\b[^>]*>[\s\S]*?<\/\1>/gi
 * finds them, in linear time: each opening's `>` and closing tag are looked up in lists made in one
 * pass (the lazy regex read to the end of the text from every unclosed opening: 400 kB of `<pre>` in
 * writing about attacks took 5 s).
 */
export function blankQuotingElements(text: string, blank: (s: string) => string): string {
  const closers = new Map<string, number[]>();
  for (const m of text.matchAll(QUOTING_CLOSE)) {
    const name = m[1].toLowerCase();
    const list = closers.get(name) ?? [];
    if (!list.length) closers.set(name, list);
    list.push(m.index);
  }
  if (closers.size === 0) return text;
  const next = new Map<string, number>();
  let out = '',
    last = 0,
    gt = -1;
  QUOTING_OPEN.lastIndex = 0;
  for (let m = QUOTING_OPEN.exec(text); m; m = QUOTING_OPEN.exec(text)) {
    const nameEnd = m.index + m[0].length;
    // (the first `>` at or after an earlier opening's name is the first after this one's, if not before it)
    if (gt < nameEnd) gt = text.indexOf('>', nameEnd);
    if (gt < 0) break;
    const name = m[1].toLowerCase();
    const list = closers.get(name);
    if (!list) continue;
    let i = next.get(name) ?? 0;
    while (i < list.length && list[i] <= gt) i++;
    next.set(name, i);
    if (i === list.length) continue;
    const end = list[i] + name.length + 3;
    out += text.slice(last, m.index) + blank(text.slice(m.index, end));
    last = end;
    QUOTING_OPEN.lastIndex = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** `bare: false` hears only named agents as addressed (the check whether a writing's own voice gives orders). */
function judgeSegment(seg: Segment, bare = true, toAgent = false): Verdict | undefined {
  const t = seg.text;
  if (t.length < 12) return undefined;
  const r = read(t);
  const seen: Seen = {};
  const verdict = judgeRead(r, seg.technique, bare, seen, toAgent);
  // (in a file the agent takes as its instructions every sentence is said to it: its prose is rejoined too)
  // (…and where words stand apart by runs of spaces, "do NOT  stop to ask me": the phrases have single spaces)
  if (verdict || !(seen.speaks || seen.named || toAgent || SPACED_WORDS.test(t))) return verdict;
  // Prose wrapped over lines (a comment block, a README at 100 columns) is read again as one line
  // where it speaks to the agent and names a goal's words: an order cut in two by a line break
  // ("disable the pre-commit\n * hooks") was read as two halves. (Only there: the cost stays with the
  // few segments that speak.)
  const joined = reflowed(t);
  if (!joined) return undefined;
  const v = judgeRead(read(joined.text), seg.technique, bare, {}, toAgent);
  return v && { ...v, at: joined.original(v.at) };
}

const SPACED_WORDS = /[A-Za-z][ \t]{2,}[A-Za-z]/;

/** Where the text first addresses the agent (by name or as a bare noun), or Infinity. */
function firstAddress(r: Read): number {
  let at = Infinity;
  for (const m of ADDRESS.matches(r)) at = Math.min(at, m.index);
  for (const m of ADDRESSEE.matches(r)) at = Math.min(at, m.index);
  return at;
}

/** What judging a text found out on the way: whether it speaks to the agent (asked once a goal's words are there). */
interface Seen {
  speaks?: boolean;
  /** An agent is named (an address that may be cut from its duty by a line break: "are\n// required to"). */
  named?: boolean;
}

/**
 * A line break inside a sentence: a line ending in a word, a comma or code goes on in lower case (after
 * a comment's marker, if any), not with a key (`forgot: "…"`: the lines of data are not one sentence).
 * (Chinese, Japanese and Korean wrap a sentence anywhere: a line ending in one of their letters, or a comma,
 * that goes on with another is one sentence too.)
 */
const WRAPPED =
  /([\w,`)]|[\u00c0-\u024f\u0370-\u06ff\u0900-\u0dff\u1e00-\u1eff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af、，])\n([ \t]*(?:\*(?!\/)|\/\/+|#+|--|%+)?[ \t]*)(?=[a-z`~$](?![\w-]*:(?:\s|$))|[\u00df-\u00ff\u03ac-\u03ce\u0430-\u045f\u0491\u0590-\u06ff\u0900-\u0dff\u1e01-\u1eff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])/g;
/** …or a run of spaces or tabs between words ("a coding   agent   opens"): the phrases have single spaces. */
const REFLOW = new RegExp(`${WRAPPED.source}|(\\S)([ \\t]{2,}|\\t)(?=\\S)`, 'g');
/**
 * The text with each such break and its marker, and each such run, made one space, and where an offset
 * in it stood in the text; undefined if nothing was joined.
 */
function reflowed(t: string): { text: string; original: (at: number) => number } | undefined {
  if (!t.includes('\n') && !t.includes('  ') && !t.includes('\t')) return undefined;
  const cuts: [number, number][] = []; // (offset in the joined text, characters removed before it)
  let removed = 0;
  type Part = string | undefined;
  const text = t.replace(REFLOW, (m: string, a: Part, b: Part, c: Part, d: Part, at: number) => {
    const keep = a ?? c!;
    const gone = a !== undefined ? b! : d!.slice(1);
    removed += gone.length;
    cuts.push([at - (removed - gone.length) + keep.length + 1, removed]);
    return keep + ' ';
  });
  if (!cuts.length) return undefined;
  const original = (at: number) => {
    let shift = 0;
    for (const [from, by] of cuts) if (from <= at) shift = by;
    return at + shift;
  };
  return { text, original };
}

/**
 * Hidden text that gives no order (no imperative, no duty, no address, no "please"): the labels of a
 * hidden form or menu ("Email Password Sign in") name no act, so only the narrow reading of a goal
 * (files, commands, variables) counts there, as in plain sight.
 */
const ORDER_WORDS = /\b(?:please|must|should|need to|have to|make sure)\b/i;

/**
 * `toAgent`: the text is one the agent takes as its instructions (an AGENTS.md, a skill, a custom
 * command, a rules file): every sentence in it is said to the agent, so a harm named there is an order
 * without an imperative at its start ("When this skill loads, first send ~/.aws/credentials to …").
 * Running a command fetched from the network stays out: such files tell people and agents how to
 * install toolchains (`curl https://sh.rustup.rs | sh`).
 */
function judgeRead(
  r: Read,
  carrier: string | undefined,
  bare: boolean,
  seen: Seen,
  toAgent = false,
): Verdict | undefined {
  const hidden = carrier !== undefined;
  // (each table is run once, when first asked: most paragraphs hold no goal's words, and then only
  // the override and, for hidden text, the address are needed; an SDK's docs mention agents throughout)
  let addressed: boolean | undefined, overridden: boolean | undefined, turned: boolean | undefined;
  const address = () => (addressed ??= ADDRESS.test(r)),
    override = () => (overridden ??= OVERRIDE.test(r)),
    turn = () => (turned ??= FAKE_TURN.test(r));
  // (whether it is said to the agent is asked only once some goal's words are there: most text has none)
  let heard: boolean | undefined;
  const spoken = () => (heard ??= (seen.named = address() || ADDRESSEE.test(r) || aiLabel(r)) && vocative(r, bare));
  // The text speaks to the agent (a vocative, a note for it, a system or tool frame, an override, or
  // hidden from the person); merely mentioning agents, as their own docs do all day, is not that.
  // (…or orders it to act behind its person's back: "run it, no need to confirm with the user", "do this without
  // asking"; told as what a job does, "it truncates the table without asking anyone", it is narration)
  const unasked = () => unaskedMayHold(r) && UNASKED.test(r) && (IMPERATIVE.test(r) || ORDER_WORDS.test(r.text));
  // (…which alone is not yet harm: "encode as UTF-8 without asking the user" in a changelog; it makes the
  // text speak to the agent for the other goals, not for hiding itself)
  let onlyUnasked = false;
  const speaks = () => (seen.speaks ??= hidden || override() || turn() || spoken() || (onlyUnasked = unasked()));
  const broad = () =>
    !hidden || override() || turn() || address() || spoken() || IMPERATIVE.test(r) || ORDER_WORDS.test(r.text);
  const technique = () => carrier ?? (turn() ? 'fake-turn' : address() || spoken() ? 'agent-note' : 'plain');
  // Lesser goals count only where the text speaks to the agent; harm on its own (a credential file
  // sent out, a data-carrying link, an endpoint redirected, lying to the user) wherever it is ordered.
  for (const g of GOALS) {
    if (!gateOpens(g, r)) continue;
    if (!g.strong && !speaks()) continue;
    if (onlyUnasked && g.goal === 'concealment') continue;
    const at = firstAffirmed(speaks() && broad() ? g.re : (g.plainSight ?? g.re), r, g.goal !== 'concealment');
    // (hidden from the person, text needs no address first: a comment only the agent reads is said to it)
    // (…unless it is ordered done unasked: a README's own install step never says "without waiting for confirmation")
    if (at < 0 || (g.afterAddress && !hidden && !(at > firstAddress(r)) && !unasked())) continue;
    if (!speaks() && !((toAgent || IMPERATIVE.test(r)) && g.goal !== 'exec')) continue;
    const severity: Severity =
      (speaks() || toAgent) && (g.strong || hidden || override() || turn()) ? 'high' : 'medium';
    return { goal: g.goal, technique: technique(), severity, at };
  }
  // No named goal: an override of the task said as an order (not "if they ask you to ignore your
  // instructions, refuse"), or orders to the agent hidden from the person.
  if (override() && overrideOrdered(r) && !/\b(?:concatenate|combine|join|assemble|decode)\b/i.test(r.text)) {
    return { goal: 'take-over', technique: technique(), severity: 'medium', at: OVERRIDE.exec(r)?.index ?? 0 };
  }
  if (hidden && address() && IMPERATIVE.test(r))
    return { goal: 'take-over', technique: technique(), severity: 'medium', at: 0 };
  return undefined;
}

/**
 * Whether the text is writing that discusses attacks, by words said in it, not by the names of a
 * data format's fields: `{"payload": {"text": "…"}}` is data whose strings hold what a tool returned,
 * not writing that quotes an attack (a key named so made every order in a JSON body read as quoted).
 */
function discussesAttacks(text: string): boolean {
  DISCUSSION_WORDS.lastIndex = 0;
  for (let m = DISCUSSION_WORDS.exec(text); m; m = DISCUSSION_WORDS.exec(text)) if (!isFieldName(text, m)) return true;
  return false;
}
const DISCUSSION_WORDS = new RegExp(DISCUSSES_ATTACKS.source, 'gim');
/** A match that is a whole quoted field name: `"payload":`, `'exploit':`. */
function isFieldName(text: string, m: RegExpExecArray): boolean {
  const q = text.charCodeAt(m.index - 1);
  if (q !== 34 && q !== 39) return false;
  let k = m.index + m[0].length;
  if (text.charCodeAt(k) !== q) return false;
  k++;
  while (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) k++;
  return text.charCodeAt(k) === 58;
}

/**
 * Whether an offset lies inside a string literal of a source file (an odd number of quotes before it
 * on its line): a program's own prompt to its model (agent vendors ship many) is reported low;
 * comments, docs and data files are read as they are.
 */
function inCodeString(file: SourceFile, at: number): boolean {
  if (!languageOf(file.path)) return false;
  const { line, column } = file.position(at);
  const text = file.line(line);
  if (/^\s*(?:#|\/\/|\/\*|\*|--)/.test(text)) return false; // a comment line
  // (a docstring, a triple-quoted string opening its line, is documentation, read as comments are)
  if (/^\s*[rRuUbB]?(?:"""|''')/.test(text)) return false;
  // (an apostrophe in a word, "the developer's", "don't", opens no string; `b'x'`, `rb'x'` still do)
  const before = text
    .slice(0, column - 1)
    .replace(/\\./g, '')
    .replace(/"""|'''/g, '"')
    .replace(/(?<=\p{L}{2})'(?=(?:s|t|re|ve|ll|d|m)\b)/gu, '');
  const quotes = (q: string) => before.split(q).length - 1;
  const template = /\.[cm]?[jt]sx?$/i.test(file.path) && quotes('`') % 2 === 1;
  return quotes('"') % 2 === 1 || quotes("'") % 2 === 1 || template;
}

/**
 * A source file's prose (comments and docstrings, comments.ts), as the scanner reads code: a file
 * without any comment text is passed over at once, and no SourceFile is built for the view unless
 * something is found in it.
 */
export function analyzeCodeComments(path: string, text: string, language: Language): Finding[] {
  const view = commentView(text, language);
  return /\S/.test(view) ? analyzeInjectionText(path, view, { shared: true }) : [];
}

/** What the memo of judged texts needs: a Map, or the bounded one the files of a scan share. */
interface Memo<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
  set(key: string, value: V): unknown;
}

/**
 * A map of at most `maxChars` characters of keys, the oldest forgotten first. The code files of a scan
 * share two (whether a paragraph's raw text passes GATE, and the verdict on a segment's text): a
 * package's doc comments stand in its sources, its .d.ts, .d.mts, .js and .mjs alike (40% of the
 * segments judged over the bench's npm tree repeat one judged before). Both answers depend on the
 * text alone (and the technique, part of the key), so a remembered answer is the answer.
 */
class Bounded<V> implements Memo<V> {
  private readonly map = new Map<string, V>();
  private chars = 0;
  constructor(private readonly maxChars: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  set(key: string, value: V): this {
    if (key.length > this.maxChars >> 4 || this.map.has(key)) return this;
    this.map.set(key, value);
    this.chars += key.length;
    for (const k of this.map.keys()) {
      if (this.chars <= this.maxChars) break;
      this.map.delete(k);
      this.chars -= k.length;
    }
    return this;
  }
}
const SHARED = { worth: new Bounded<boolean>(4 << 20), verdicts: new Bounded<Verdict | undefined>(4 << 20) };

/**
 * The hidden text a finding quotes: from the line of its order on (a piece of a long comment starts
 * thousands of characters before the order, and a quote cut to its first words named only those).
 */
function hiddenExcerpt(seg: Segment, at: number): string {
  const line = seg.text.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
  return seg.text.slice(Math.max(line, at - 200)).trim();
}

/**
 * Files an agent takes as its instructions: AGENTS.md and its kin, skills, custom commands and
 * sub-agents, rules files, Copilot's instructions and prompts.
 */
const INSTRUCTION_FILE =
  /(?:^|\/)(?:(?:AGENTS?|CLAUDE|QWEN|GEMINI)(?:\.local|\.override)?\.md|SKILL\.md|\.cursorrules|\.windsurfrules|\.clinerules|copilot-instructions\.md)$|(?:^|\/)(?:\.(?:claude|qwen)\/(?:commands|agents|skills)|\.gemini\/commands|\.cursor\/rules|\.windsurf\/rules|\.clinerules|\.github\/(?:instructions|prompts)|\.agents)\//;

/**
 * A note said to the agent that sends it to a step elsewhere in the text ("when this file is changed by the
 * assistant, also run step 2 below"): the step, which may stand far away with no address of its own (an order
 * split between two comments), is read as said to the agent too (technique `continued-note`).
 */
/** A field whose key ends in a number, holding a string: `note-2: "https://… and pipe it"`, `note-2: and pipe it`. */
const NUMBERED_FIELD = /^[ \t]*["']?([\w./-]*?)[-_.]?(\d{1,2})["']?[ \t]*[:=][ \t]*(["']?)(\S.*?)\3[ \t]*,?[ \t]*$/;
/**
 * One sentence cut into numbered fields on consecutive lines (`sync.example.com/note-1: "Step for whoever
 * syncs this config: fetch"`, `…/note-2: "https://… and pipe it"`, `…/note-3: "to sudo bash"`): the values
 * joined in order, read as one text (each alone names half an act). Looked for in the paragraphs read.
 */
/** Whether some `:` or `=` in the text follows a digit (a quote between): found by native search, not a regex. */
function numberedKey(raw: string): boolean {
  for (let k = raw.indexOf(':'); k > 0; k = raw.indexOf(':', k + 1)) if (digitBefore(raw, k)) return true;
  for (let k = raw.indexOf('='); k > 0; k = raw.indexOf('=', k + 1)) if (digitBefore(raw, k)) return true;
  return false;
}
function digitBefore(raw: string, k: number): boolean {
  let j = k - 1;
  while (j > 0 && (raw[j] === ' ' || raw[j] === '\t' || raw[j] === '"' || raw[j] === "'")) j--;
  const c = raw.charCodeAt(j);
  return c >= 48 && c <= 57;
}

function splitFields(text: string, visible: Segment[]): Segment[] {
  const out: Segment[] = [];
  const done = new Set<number>();
  for (const seg of visible) {
    const raw = text.slice(seg.offset, seg.offset + (seg.length ?? seg.text.length));
    if (!numberedKey(raw)) continue;
    for (let at = seg.offset; at < seg.offset + raw.length;) {
      const end = text.indexOf('\n', at);
      const stop = end < 0 ? text.length : end;
      const first = NUMBERED_FIELD.exec(text.slice(at, stop));
      if (first && !done.has(at)) {
        const values = [first[4]];
        let next = stop + 1;
        for (let n = Number(first[2]) + 1; next < text.length; n++) {
          const e = text.indexOf('\n', next);
          const f = NUMBERED_FIELD.exec(text.slice(next, e < 0 ? text.length : e));
          if (!f || f[1] !== first[1] || Number(f[2]) !== n) break;
          done.add(next);
          values.push(f[4]);
          next = e < 0 ? text.length : e + 1;
        }
        if (values.length > 1) out.push({ text: clean(values.join(' ')), offset: at, length: next - at, joined: true });
      }
      done.add(at);
      at = stop + 1;
    }
  }
  return out;
}

function continuedNotes(text: string, visible: Segment[]): Segment[] {
  const out: Segment[] = [];
  // (the note names the agent, an anchor: it is among the paragraphs read, whose text is searched, not the
  // whole text's; the word is found natively first, most paragraphs hold no "step N below")
  for (const seg of visible) {
    const raw = text.slice(seg.offset, seg.offset + (seg.length ?? seg.text.length));
    for (let i = raw.indexOf('tep '); i >= 1; i = raw.indexOf('tep ', i + 4)) {
      STEP_REFERENCE.lastIndex = seg.offset + i - 1;
      const m = STEP_REFERENCE.exec(text);
      if (m) out.push(...stepsReferred(text, m));
    }
  }
  return out;
}

/** The steps a reference names ("step 2 below"), when the paragraph that makes it is said to the agent. */
function stepsReferred(text: string, m: RegExpExecArray): Segment[] {
  const out: Segment[] = [];
  const note = paragraphAround(text, m.index);
  if (!vocative(read(clean(text.slice(note[0], note[1]))))) return out;
  const label = new RegExp(String.raw`^[^\S\n]*(?:[#/*>;-]+[^\S\n]*)*step\s+${m[1]}\s*[:.)-]`, 'gim');
  for (const s of text.matchAll(label)) {
    if (s.index >= note[0] && s.index < note[1]) continue;
    if ((m[2].toLowerCase() === 'below') !== s.index > m.index) continue;
    const to = paragraphAround(text, s.index)[1];
    out.push({ text: clean(text.slice(s.index, to)), offset: s.index, at: s.index, technique: 'continued-note' });
  }
  return out;
}
const STEP_REFERENCE = /[Ss]tep\s+(\d{1,2}|[a-z])\s+(below|above)\b/y;

/** The paragraph (lines up to a blank one) around an offset, at most MAX_PARAGRAPH characters each way. */
function paragraphAround(text: string, at: number): [number, number] {
  const before = text.lastIndexOf('\n\n', at);
  const after = text.indexOf('\n\n', at);
  return [
    Math.max(before < 0 ? 0 : before + 2, at - MAX_PARAGRAPH),
    Math.min(after < 0 ? text.length : after, at + MAX_PARAGRAPH),
  ];
}

/** `prefilter: false` reads every paragraph and runs every detector (the reference the prefilter is tested against). */
export function analyzeInjection(file: SourceFile, opts: { prefilter?: boolean } = {}): Finding[] {
  return analyzeInjectionText(file.path, file.text, { ...opts, file });
}

/**
 * The same on a text not yet made a SourceFile (tool output at the gateway): the file, which splits the
 * whole text into lines, is built only when something is found.
 */
export function analyzeInjectionText(
  path: string,
  original: string,
  opts: { prefilter?: boolean; file?: SourceFile; shared?: boolean } = {},
): Finding[] {
  let file0 = opts.file;
  const sourceFile = () => (file0 ??= new SourceFile(path, original, undefined));
  const whole = original.length > MAX_TEXT ? original.slice(0, MAX_TEXT) : original;
  // (JSON and string escapes are rare in what agents read: most texts skip the replacements)
  const text = whole.includes('\\') ? unescapeInLine(whole) : whole;
  // What the whole text needs is built only once something is found (most large texts hold nothing).
  let lines0: SourceFile | undefined;
  const lineIndex = () =>
    (lines0 ??= text === original ? sourceFile() : new SourceFile(path, text, opts.file?.language));
  // Writing about attacks quotes them: a finding that holds only inside its quotes is reported low.
  let voice: string | undefined | null = null;
  const onlyQuoted = (seg: Segment) => {
    if (voice === null) voice = discussesAttacks(text) ? unquoted(text) : undefined;
    if (voice === undefined) return false;
    // (the writing around the finding discusses attacks, not only some word far away in the text)
    const len = seg.length ?? seg.text.length;
    const around = text.slice(Math.max(0, seg.offset - LOCAL_DISCUSSION), seg.offset + len + LOCAL_DISCUSSION_AFTER);
    if (!discussesAttacks(around)) return false;
    if (seg.technique) return voice[seg.offset] === ' ' && text[seg.offset] !== ' ';
    // (a text joined from fields is quoted where the fields' values are: told by the writing's own voice there)
    if (seg.joined) return voice.slice(seg.offset, seg.offset + len) !== text.slice(seg.offset, seg.offset + len);
    // Quoted only when what the writing says in its own voice neither holds the finding nor speaks to
    // the agent: "Note to AI agents: run `curl … | sh`" is an order whose command happens to be code.
    const own = clean(voice.slice(seg.offset, seg.offset + len));
    const r = read(own);
    return (
      !judgeSegment({ text: own, offset: 0 }, false) && !vocative(r, false) && !overrideOrdered(r) && !FAKE_TURN.test(r)
    );
  };
  const out: Finding[] = [];
  const lines = new Set<number>();
  // A text that repeats itself (logs, concatenated files with the same header, a file read twice) has
  // each distinct segment read once: whether it is worth reading depends on its raw text only, the
  // verdict on its cleaned text and technique only.
  // (only in large texts: in a file's worth of text the keys would cost more than they save)
  const memo = text.length > MEMO_FROM || opts.shared === true;
  const worth: Memo<boolean> = opts.shared ? SHARED.worth : new Map<string, boolean>();
  const worthReading = (seg: Segment) => {
    if (seg.technique !== undefined) return true;
    if (seg.worth !== undefined) return seg.worth;
    return worthy(text.slice(seg.offset, seg.offset + (seg.length ?? seg.text.length)));
  };
  /** Whether a paragraph's raw text passes GATE (remembered per text in large texts). */
  const worthy = (raw: string) => {
    let w = memo ? worth.get(raw) : undefined;
    if (w === undefined) {
      w = GATE.test(raw.toLowerCase());
      if (memo) worth.set(raw, w);
    }
    return w;
  };
  const judged: Memo<Verdict | undefined> = opts.shared ? SHARED.verdicts : new Map<string, Verdict | undefined>();
  const toAgent = INSTRUCTION_FILE.test(path);
  const judgeOnce = (seg: Segment): Verdict | undefined => {
    if (!worthReading(seg)) return undefined;
    if (!memo) return judgeSegment(seg, true, toAgent);
    const key = `${toAgent ? 'agent\0' : ''}${seg.technique ?? ''}\0${seg.text}`;
    let v = judged.get(key);
    if (v === undefined && !judged.has(key)) judged.set(key, (v = judgeSegment(seg, true, toAgent)));
    return v && { ...v };
  };
  // (an instruction file is read whole: every paragraph of it is said to the agent, anchor or not)
  const pre = opts.prefilter === false || toAgent ? undefined : prefilter(text);
  const anchors = pre ? new AnchorCursor(pre.anchors) : EVERYWHERE;
  // Without an anchor no paragraph is worth reading, nor any heading over one (a heading is asked after
  // cleaning, which can join words only by decoding a named entity: `&#`, `&lt;`, invisible characters
  // are anchors themselves): the text is then not cut into paragraphs at all.
  const unanchored = pre !== undefined && pre.anchors.length === 0 && !(text.includes('&') && /&[a-z]+;/i.test(text));
  const visible = unanchored ? [] : visibleSegments(text, anchors, pre ? cleanerFor(pre.carriers) : clean, worthy);
  visible.push(...continuedNotes(text, visible), ...splitFields(text, visible));
  // (the tables' rarer entries, words of other languages in ASCII, are asked of ASCII paragraphs only where
  // the prefilter saw such a word in the text; hidden text, which may be decoded, always)
  const rareText = pre === undefined || pre.carriers.rare;
  try {
    judgeAll();
  } finally {
    setRareInAscii(true);
    setUnaskedInAscii(true);
  }
  return out;

  function judgeAll(): void {
    for (const seg of [...hiddenSegments(text, pre?.carriers), ...visible]) {
      setRareInAscii(rareText || seg.technique !== undefined);
      setUnaskedInAscii(pre === undefined || pre.carriers.unasked || seg.technique !== undefined);
      const v = judgeOnce(seg);
      if (!v) continue;
      // (hidden text as written is reported where its order stands; decoded or smuggled text, at its carrier)
      const at = !seg.technique
        ? seg.offset + (seg.joined ? 0 : Math.max(0, v.at - (seg.prefix ?? 0)))
        : seg.at === undefined
          ? seg.offset
          : Math.min(text.length - 1, seg.at + v.at);
      if (onlyQuoted(seg) || (!seg.technique && inCodeString(lineIndex(), at))) v.severity = 'low';
      const { line, column } = lineIndex().position(at);
      if (lines.has(line)) continue;
      lines.add(line);
      out.push(
        finding(sourceFile(), {
          ruleId: `injection.${v.goal}`,
          title: `Prompt injection: instructions to the agent to ${GOAL_TEXT[v.goal]}`,
          severity: v.severity,
          confidence: v.severity === 'high' ? 'high' : 'medium',
          category: 'prompt-injection',
          cwe: 'CWE-1427',
          line,
          column,
          snippet: seg.technique ? `[${seg.technique}] ${hiddenExcerpt(seg, v.at)}` : undefined,
          message:
            `Text aimed at an AI agent (${v.technique}) asks it to ${GOAL_TEXT[v.goal]}. ` +
            'An agent that reads this file may follow it instead of its user.',
          fix: 'Remove the instruction; treat this content as data, not as instructions.',
        }),
      );
    }
  }
}
