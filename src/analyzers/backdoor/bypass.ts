/**
 * A way around a check, opened by one chosen value (issue 21, item 2: "an early `return True` behind a flag"),
 * language-general:
 *   backdoor.check-skipped   a test of an identity or a request value against a random-looking literal (a
 *                            suffix, a prefix, an equality: `clientId.EndsWith("-eolx9q")`, `l.endsWith(":mx-7f3a9")`),
 *                            directly or through a small predicate of the file, whose block leaves the function
 *                            with an answer that is not a refusal, before the function checks a token, a
 *                            password, a signature or a hash: whoever sends that value is let through unchecked.
 * A static file or a health path let through (`.css`, `/healthz`: words, not codes), a refusal behind the test,
 * and a test after the real check are not findings. Fixtures: src/analyzers/fixtures/backdoor.check-skipped.*
 */
import type { Finding } from '../../engine/types.ts';
import type { SourceFile } from '../source.ts';
import { LITERAL_ONLY, oncePerLine } from './vocabulary.ts';
import { occurs, prefilterProvider } from '../literals.ts';

/** A value tested against a literal: a suffix, a prefix or an equality (the literal in group 1). */
const LITERAL_TEST =
  /(?:\b(?:ends?_?[Ww]ith|EndsWith|HasSuffix|str_ends_with|starts?_?[Ww]ith|StartsWith|HasPrefix|str_starts_with|equals(?:IgnoreCase)?|Equals)\s*\(\s*(?:[\w.]+\s*,\s*)?|(?:===?|!==?|\beq)\s*)["'`]([^"'`\n]{5,64})["'`]/g;
/**
 * A literal that looks chosen, not named: one of its parts (between `-`, `_`, `.`, `:`) mixes letters and digits
 * three times over or more (`r1g9x`, `7f3a9`, `5e0c7a19`, `eol7q2`). A name with a number in it mixes them once or
 * twice (`win32`, `x86_64`, `utf-8-sig`, `sha256sum`, `i18n`); versions and dates are numbers.
 */
function turnsIn(s: string): number {
  let most = 0;
  for (const part of s.split(/[^A-Za-z0-9]+/)) {
    let turns = 0;
    for (let k = 1; k < part.length; k++) if (/\d/.test(part[k]) !== /\d/.test(part[k - 1])) turns++;
    most = Math.max(most, turns);
  }
  return most;
}
function randomLooking(s: string, lengthTested = false): boolean {
  if (/\s/.test(s) || /^v?\d+(?:[.-]\d+)+$|^\d{4}-\d\d|^v\d+(?:alpha|beta|rc)\d*$/i.test(s)) return false;
  // (a value whose length is tested too is picked out twice over: `id.Length == 20 && id.EndsWith("-eolx9q")`)
  return turnsIn(s) >= (lengthTested ? 2 : 3);
}
/** A length test beside the literal's test: `.Length == 20`, `len(x) == 13`, `strlen(id) == 9`. */
const LENGTH_TESTED = /(?:\.(?:Length|length|Count|size\(\))|\b(?:len|strlen)\s*\([^)]*\))\s*===?\s*\d+/;
const GUARD = /^\s*(?:\}\s*)?(?:if|elif|elsif|else\s+if|unless)\b/;
/** Leaving with an answer that is not a refusal (`return List.of(…)`, `return;` after a success was set). */
const LEAVES =
  /\breturn\b(?!\s*(?:false|False|FALSE|null|nil|None|0\b|-1\b|err\w*|Err\b|Error\b|new\s+\w*(?:Error|Exception)))/;
const REFUSES =
  /\b(?:throw|raise|abort|deny|Deny|reject|Reject|Forbid|Unauthori[sz]ed|NotAuthorized|BadUserName\w*|panic)\b/;
/** What the function checks after the test: a token, a password, a signature, a hash, a credential. */
// (the word itself or a name built on it, `authToken`, `verify_signature`: not `tokenize` or `signatures_of_module`)
const CHECK =
  /(?:\b|(?<=[a-z0-9_]))(?:[Tt]oken|[Pp]assword|[Cc]redential|[Ss]ignature|[Vv]erif(?:y|ied|ies)|[Aa]uthenticat(?:e|ed|ion)|[Hh]ash)(?:e?s|_\w*|[A-Z]\w*)?\b|\bfindByHash\b|\bsha256\w*\s*\(|\bbcrypt\w*|\bcheckpw\b|\bcompare\w*\s*\(/;
/** A predicate of the file on one or two lines: `bool IsX(string id) => id.EndsWith("…")`, `def is_x(v): return …`. */
const PREDICATE =
  /^\s*(?:(?:private|public|protected|internal|static|final|async|export|def|func|fn|function)\s+)*(?:bool|boolean|Boolean|def|func|fn|function|auto)?\s*([A-Za-z_]\w*)\s*\([^)]*\)|^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=\n]+)?=\s*(?:async\s*)?\(?[^)=\n]*\)?\s*(?::[^=\n]+)?=>/;

/** A predicate's name: it says yes or no (`isRig`, `IsFactoryLoopback`, `has_bypass`, `allowed`). */
const PREDICATE_NAME =
  /^_*(?:[Ii]s|[Hh]as|[Cc]an|[Ss]hould|[Mm]ay|[Aa]llow(?:s|ed)?|[Mm]atches|[Tt]rusted|[Kk]nown|[Ii]nternal|[Ss]pecial)(?:[A-Z_]|$)/;

/** The guard's block: braces to their close, an indented block, or the one statement after a brace-less test. */
function blockOf(lines: readonly string[], i: number): number[] {
  const l = lines[i];
  const indent = (t: string) => t.length - t.trimStart().length;
  const block = [i];
  if (/:\s*(?:#.*)?$/.test(l)) {
    for (let k = i + 1; k < Math.min(lines.length, i + 7) && (indent(lines[k]) > indent(l) || !lines[k].trim()); k++)
      block.push(k);
    return block;
  }
  if (/\{\s*(?:\/\/.*)?$/.test(l) || /^\s*\{/.test(lines[i + 1] ?? '')) {
    for (let k = i + 1; k < Math.min(lines.length, i + 9); k++) {
      block.push(k);
      if (/^\s*\}/.test(lines[k]) && indent(lines[k]) <= indent(l)) break;
    }
    return block;
  }
  // (a brace-less test: its statement on the same line, or on the next that is not a comment)
  if (/\)\s*(?:\/\/.*)?$/.test(l)) {
    let k = i + 1;
    while (k < lines.length && k < i + 4 && /^\s*(?:\/\/|#|\/\*|\*)/.test(lines[k])) k++;
    if (k < lines.length) block.push(k);
  }
  return block;
}

/** A test of a value against a name of the file (`id.endsWith(RIG_SUFFIX)`, `== KEY`): the name in group 1 or 2. */
const NAME_TEST = String.raw`\b(?:ends?_?[Ww]ith|EndsWith|HasSuffix|str_ends_with|starts?_?[Ww]ith|StartsWith|HasPrefix|str_starts_with|equals(?:IgnoreCase)?|Equals)\s*\(\s*(?:[\w.]+\s*,\s*)?(NAMES)\b|(?:===?|!==?|\beq)\s*(NAMES)\b`;
const escapeName = (n: string) => n.replace(/\$/g, '\\$');

/**
 * The file's lines that test a value against a chosen-looking literal, with the literal: written in the test, or
 * held by a name of the file that the test reads (`const RIG = "rig-4f8a"` … `id.endsWith(RIG)`).
 */
function chosenTests(file: SourceFile, values: ReadonlyMap<string, string>): [number, string][] {
  const found: [number, string][] = [];
  for (const m of file.text.matchAll(LITERAL_TEST)) {
    const at = file.lineIndex(m.index);
    if (randomLooking(m[1], LENGTH_TESTED.test(file.lines[at]))) found.push([at, m[1]]);
  }
  const held = new Map<string, string>();
  for (const [name, v] of values) {
    const lit = LITERAL_ONLY.test(v) ? /(["'`])([^"'`\n]{5,64})\1/.exec(v)?.[2] : undefined;
    // (a name's length test stands apart from its value: the stricter measure)
    if (lit && randomLooking(lit)) held.set(name, lit);
  }
  if (!held.size) return found;
  const names = [...held.keys()].map(escapeName).join('|');
  const test = new RegExp(NAME_TEST.replaceAll('NAMES', names));
  for (const i of file.matchingLines(new RegExp(test.source, 'g'))) {
    const m = test.exec(file.lines[i]);
    if (m) found.push([i, held.get(m[1] ?? m[2])!]);
  }
  return found;
}

/**
 * `reported`: the lines (1-based) other checks report: a guard one of them names is not reported again.
 * `values`: the file's names and what they are assigned (structure.ts assignments).
 */
export function analyzeBypass(
  file: SourceFile,
  reported: ReadonlySet<number>,
  values: ReadonlyMap<string, string>,
): Finding[] {
  const out: Finding[] = [];
  if (!occurs(HINT, file.text)) return out;
  // (from the literals themselves: one pass of the regex over the text, most files holding none that looks chosen)
  const found = chosenTests(file, values);
  if (!found.length) return out;
  const lines = file.lines;
  // Each literal is on a guard, or in a small yes/no predicate of the file whose callers' guards are the ones.
  const guards = new Map<number, string>();
  const predicates = new Map<string, string>();
  for (const [i, lit] of found) {
    if (GUARD.test(lines[i])) guards.set(i, lit);
    for (let k = i; k >= Math.max(0, i - 2); k--) {
      const d = PREDICATE.exec(lines[k]);
      const name = d?.[1] ?? d?.[2];
      if (name && !GUARD.test(lines[k]) && PREDICATE_NAME.test(name)) {
        predicates.set(name, lit);
        break;
      }
    }
  }
  if (predicates.size) {
    // (called by itself or on this/self: `.test(` on another object is that object's method)
    const names = [...predicates.keys()].map(escapeName).join('|');
    const call = new RegExp(`(?<![\\w$]\\.|[\\w$])(?:(?:this|self)\\.)?(${names})\\s*\\(`);
    for (const i of file.matchingLines(new RegExp(call.source, 'g'))) {
      const m = GUARD.test(lines[i]) ? call.exec(lines[i]) : null;
      if (m && !guards.has(i)) guards.set(i, predicates.get(m[1])!);
    }
  }
  const add = oncePerLine(
    file,
    out,
    () => 'CWE-288',
    'Remove the special case; every caller goes through the same check.',
  );
  for (const [i, lit] of [...guards].sort((x, y) => x[0] - y[0])) {
    if (lines[i].length > 400 || reported.has(i + 1)) continue;
    const block = blockOf(lines, i);
    const text = block.map((k) => lines[k]).join('\n');
    const leaves = block.find((k) => LEAVES.test(lines[k].replace(/^.*?\bif\b[^)]*\)/, '')));
    if (leaves === undefined || REFUSES.test(text)) continue;
    // (the check comes after: within the function's next lines, before it ends)
    const after = lines.slice(block[block.length - 1] + 1, block[block.length - 1] + 30).join('\n');
    if (!CHECK.test(after)) continue;
    const why = `A request whose value matches the literal "${lit}" leaves before the check that follows (a token, a password, a signature): whoever sends that value is let in unchecked.`;
    add(i, 'backdoor.check-skipped', 'A chosen value skips the check', 'high', why);
    add(leaves, 'backdoor.check-skipped', 'A chosen value skips the check', 'high', why);
  }
  return out;
}

const HINT = /nds_?with|hassuffix|tarts_?with|hasprefix|quals|==|\beq\b/i;
prefilterProvider(() => [HINT]);
