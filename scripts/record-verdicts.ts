/**
 * The guard's verdicts on every shell case the project has, recorded so that a change meant to move
 * code without changing behaviour (the guard redesign's first phase) can prove it did not:
 * test/golden.test.ts judges the same cases again and compares. Each case keeps its decision and a
 * hash of its reasons and judged capabilities, so a changed word is caught as well as a changed
 * decision.
 *
 *   node --import tsx scripts/record-verdicts.ts        # writes test/golden/shell-verdicts.jsonl
 *
 * Re-record only when a change is meant to change verdicts, and say so in its commit.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCases, verdictOf } from '../test/helpers/golden.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test', 'golden', 'shell-verdicts.jsonl');

const cases = await goldenCases();
const lines = cases.map((c) => JSON.stringify({ id: c.id, ...verdictOf(c.command) }));
writeFileSync(OUT, lines.join('\n') + '\n');
process.stdout.write(`${OUT}: ${lines.length} verdicts\n`);
