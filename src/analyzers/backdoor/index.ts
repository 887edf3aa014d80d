/**
 * Backdoors and planted harm: what the code does, not only how it looks.
 *   shapes.ts     the text shapes (decode-then-exec, reverse shells, master passwords…), line-based
 *   structure.ts  one parse of the file: its guards and functions, in every language ast-grep reads
 *   trigger.ts    a rare, chosen condition that opens harmful code (logic bombs, hidden triggers)
 *   remote.ts     what the network sends, run as a command or as code (remote control)
 *   ignored.ts    a verification whose failure is let through (swallowed checksums, TLS dropped on retry)
 *   accounts.ts   an account with a password hash written in the code
 *   bypass.ts     a chosen value that leaves before the check that follows
 * Every finding has category `backdoor`.
 */
import type { Finding } from '../../engine/types.ts';
import { analyzeShapes } from './shapes.ts';
import { assignments, structureOf } from './structure.ts';
import { analyzeDecisions } from './decisions.ts';
import { analyzeMoney } from './money.ts';
import { analyzeLeaks } from './leaks.ts';
import { analyzeCrypto } from './crypto.ts';
import { analyzeObfuscation } from './obfuscation.ts';
import { analyzeRemote } from './remote.ts';
import { analyzeIgnored } from './ignored.ts';
import { analyzeAccounts } from './accounts.ts';
import { analyzeBypass } from './bypass.ts';
import { dateTableDefaults, momentFeedsDeletion, triggerEffects } from './trigger.ts';
import { triggerLines } from './vocabulary.ts';
import { folded } from './fold.ts';
import { finding, SourceFile } from '../source.ts';

export { statementsOf, windowsOf } from './shapes.ts';

/** Files larger than this are read by the line shapes only (the structure checks parse the file). */
const MAX_PARSED = 512 * 1024;

/**
 * A bundle, a minified or generated file (long lines on average, or a TypeScript declaration file):
 * the line shapes read it; the semantic checks, written for code people write and review, do not.
 */
function generated(file: SourceFile): boolean {
  if (/\.d\.[cm]?ts$|\.min\.[cm]?js$|[-.]bundle\.[cm]?js$/.test(file.path)) return true;
  return file.text.length > 20_000 && file.text.length / file.lines.length > 200;
}

/** Whether the semantic passes (all but the line shapes) read this file. */
export function semanticReads(file: SourceFile): boolean {
  return !!file.language && file.text.length <= MAX_PARSED && !generated(file);
}

export function analyzeBackdoors(file: SourceFile): Finding[] {
  const found = analyzeText(file);
  // The same checks again on the text with its hidden constants written out (fold.ts), where it has any: a
  // date in hex with separators or built by shifts, a password spelled as characters, a host joined from
  // pieces. (Line for line: what they find is reported where it stands, with the file's own text.)
  const plain = file.language && file.text.length <= MAX_PARSED ? folded(file.text) : undefined;
  if (plain === undefined) return found;
  const view = new SourceFile(file.path, plain, file.language);
  const seen = new Set(found.map((f) => `${f.ruleId}:${f.line}`));
  const more = analyzeText(view).filter((f) => !seen.has(`${f.ruleId}:${f.line}`));
  return [...found, ...more.map((f) => inOwnText(f, file, view))];
}

/** A finding made on the folded view, with the file's own lines as its snippet (and so its fingerprint). */
function inOwnText(f: Finding, file: SourceFile, view: SourceFile): Finding {
  const last = Math.min(f.endLine ?? f.line, f.line + 4);
  for (let k = f.line - 1; k < last; k++)
    if (view.lines[k] !== file.lines[k]) {
      const { file: _path, fingerprint: _print, snippet: _shown, ...spec } = f;
      return finding(file, spec);
    }
  return f;
}

function analyzeText(file: SourceFile): Finding[] {
  const shapes = analyzeShapes(file);
  if (!semanticReads(file)) return shapes;
  const out: Finding[] = [];
  out.push(
    ...analyzeDecisions(file),
    ...analyzeMoney(file),
    ...analyzeLeaks(file),
    ...analyzeCrypto(file),
    ...analyzeObfuscation(file),
    ...analyzeRemote(file),
    ...analyzeIgnored(file),
    ...analyzeAccounts(file),
  );
  // (the lines that may hold a trigger, from the text: no such line, no parse)
  const values = assignments(file);
  const candidates = triggerLines(file, values);
  const s = candidates.size ? structureOf(file, candidates) : null;
  if (s) out.push(...triggerEffects(file, s));
  // (a chosen value that skips a check, where no check above already names its guard: a master password, a trigger)
  out.push(...analyzeBypass(file, new Set([...shapes, ...out].map((f) => f.line)), values));
  // (a moment worked out as a value, away from the deletion it steers: one finding per line at most)
  const triggered = new Set(out.map((f) => f.line));
  out.push(...momentFeedsDeletion(file, values).filter((f) => !triggered.has(f.line)));
  out.push(...dateTableDefaults(file).filter((f) => !triggered.has(f.line)));
  // (a line the text shapes already report is not reported again by what the code does)
  const shaped = new Set(shapes.map((f) => f.line));
  return [...shapes, ...out.filter((f) => !shaped.has(f.line))];
}
