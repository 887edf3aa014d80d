/**
 * The tables' gates, asked together. Each table and each goal has a gate (a regex of the words it
 * cannot match without), and most gates fail on most paragraphs; but a failing regex still reads the
 * whole paragraph, and an SDK's docs send hundreds of paragraphs through a dozen gates each. The gates'
 * words (literals.ts) go into one automaton instead: one pass over a paragraph says which occur, and
 * a gate none of whose words occur is not run. The same words tell which entries of a table may match
 * a paragraph (signals.ts Part): where few may, they are run alone instead of the whole table.
 *
 * Exact: the words are only ever a necessary condition. A gate's branch without words of its own
 * keeps the gate running everywhere; a branch that only letters outside ASCII can match (`用户`,
 * `[^\x00-\x7f]`) keeps it running on text that holds such letters.
 */
import { Literals, requiredLiterals } from '../literals.ts';
import type { Read } from './signals.ts';

/** What one regex needs: one of these words, or letters outside ASCII; `always`: nothing known. */
export interface Need {
  ids: number[];
  intl: boolean;
  always: boolean;
}

/** A gate as words can tell it: one of the clauses, each holding all of its regexes. */
export type GateWords = Need[][];

const ids = new Map<string, number>();
let automaton: Literals | undefined;

/** Shorter paragraphs are asked directly: the regex costs less than a pass of the automaton. */
const MIN_LENGTH = 64;

/** The top-level branches of a regex source (`a|b(c|d)|[|]` → `a`, `b(c|d)`, `[|]`). */
export function branches(src: string): string[] {
  const out: string[] = [];
  let depth = 0,
    inClass = false,
    start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) (out.push(src.slice(start, i)), (start = i + 1));
  }
  out.push(src.slice(start));
  return out;
}

/**
 * Whether only text with letters outside ASCII can match a branch: it is `[^\x00-\x7f]`, or written in
 * such letters alone (groups and alternatives of them, nothing optional, no empty alternative).
 */
function onlyOutsideAscii(b: string): boolean {
  if (b === String.raw`[^\x00-\x7f]` || b === String.raw`[^\x00-\x7f]+`) return true;
  if (/\(\?:\||\(\||\|\||\|\)/.test(b)) return false;
  const letters = b.replace(/\(\?:|[()|]/g, '');
  return letters.length > 0 && /^[^\x00-\x7f]+$/.test(letters);
}

/** What `re` needs to match (each of its top-level branches, one of its own words). */
export function needOf(re: RegExp): Need {
  const need: Need = { ids: [], intl: false, always: false };
  const flags = re.flags.replace(/[gy]/g, '');
  for (const b of branches(re.source)) {
    let words: string[] | undefined;
    try {
      words = requiredLiterals(new RegExp(b, flags), true)?.words;
    } catch {
      words = undefined;
    }
    if (!words) {
      if (onlyOutsideAscii(b)) need.intl = true;
      else need.always = true;
      continue;
    }
    // (a word with letters outside ASCII, which the automaton does not read, stands only in text that has such letters)
    for (const w of words) {
      if (/[^\x00-\x7f]/.test(w)) {
        need.intl = true;
        continue;
      }
      // (the automaton reads lower-cased text, without regard to case: a cased regex's words are asked so too)
      const word = w.toLowerCase();
      if (!ids.has(word)) ids.set(word, ids.size);
      need.ids.push(ids.get(word)!);
    }
  }
  automaton = undefined;
  return need;
}

/** The gate `any of clauses, each all of its regexes`, as its words tell it. */
export function gateWords(clauses: RegExp[][]): GateWords {
  return clauses.map((c) => c.map(needOf));
}

function found(t: Read): Uint8Array {
  automaton ??= new Literals([...ids.keys()].map((word) => ({ word, caseSensitive: false, places: false })));
  return (t.words ??= automaton.scan(t.lower).found);
}

// (a word registered after the text's pass, which that pass could not see, counts as standing: then the regex decides)
const holds = (n: Need, t: Read) =>
  n.always ||
  (n.intl && t.intl) ||
  n.ids.some((id) => {
    const seen = found(t);
    return id >= seen.length || seen[id] === 1;
  });

/** Whether a regex may match this text, by its words (false: it cannot; true: the regex decides). */
export const mayHold = (n: Need, t: Read): boolean => t.lower.length < MIN_LENGTH || holds(n, t);

/** Whether the gate may open on this text (false: it cannot; true: its regexes decide). */
export function mayOpen(gate: GateWords, t: Read): boolean {
  if (t.lower.length < MIN_LENGTH) return true;
  return gate.some((clause) => clause.every((n) => holds(n, t)));
}
