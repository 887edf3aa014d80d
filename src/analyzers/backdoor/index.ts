/**
 * Backdoors and planted harm: what the code does, not only how it looks.
 *   shapes.ts     the text shapes (decode-then-exec, reverse shells, master passwords…), line-based
 *   structure.ts  one parse of the file: its guards and functions, in every language ast-grep reads
 *   trigger.ts    a rare, chosen condition that opens harmful code (logic bombs, hidden triggers)
 * Every finding has category `backdoor`.
 */
import type { Finding } from '../../engine/types.ts';
import type { SourceFile } from '../source.ts';
import { analyzeShapes } from './shapes.ts';
import { structureOf } from './structure.ts';
import { analyzeDecisions } from './decisions.ts';
import { analyzeMoney } from './money.ts';
import { analyzeLeaks } from './leaks.ts';
import { analyzeCrypto } from './crypto.ts';
import { analyzeObfuscation } from './obfuscation.ts';
import { triggerEffects } from './trigger.ts';
import { mayHoldTrigger } from './vocabulary.ts';

export { statementsOf, windowsOf } from './shapes.ts';

/** Files larger than this are read by the line shapes only (the structure checks parse the file). */
const MAX_PARSED = 512 * 1024;

export function analyzeBackdoors(file: SourceFile): Finding[] {
  const out = analyzeShapes(file);
  if (file.language && file.text.length <= MAX_PARSED)
    out.push(
      ...analyzeDecisions(file),
      ...analyzeMoney(file),
      ...analyzeLeaks(file),
      ...analyzeCrypto(file),
      ...analyzeObfuscation(file),
    );
  if (!file.language || file.text.length > MAX_PARSED) return out;
  const wantTrigger = mayHoldTrigger(file.text);
  if (!wantTrigger) return out;
  const s = structureOf(file);
  if (!s) return out;
  if (wantTrigger) out.push(...triggerEffects(file, s));
  return out;
}
