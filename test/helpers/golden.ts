/**
 * The shell cases whose verdicts are recorded (scripts/record-verdicts.ts) and checked
 * (test/golden.test.ts): every bash case of the shell corpora in ../shared/corpora, and the shell
 * command strings the test files held when the guard's redesign began (frozen in
 * test/golden/test-commands.jsonl, so the record does not move when a test is added), judged as an
 * agent's shell tool call in a fixed workspace and home, with the built-in policy.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judge, loadAnalyzers } from '../../src/engine/judge.ts';
import { builtinPolicy } from '../../src/engine/policy.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPORA = process.env.WARDEN_CORPORA ?? join(ROOT, '..', 'shared', 'corpora');
const SHELL_CORPORA = ['gtfobins', 'revshells', 'atomic-red-team', 'nl2bash'];
const TEST_COMMANDS = join(ROOT, 'test', 'golden', 'test-commands.jsonl');

export interface GoldenCase {
  id: string;
  command: string;
}

/** The cases, in corpus order; empty when the corpora are not beside the project. */
export async function goldenCases(): Promise<GoldenCase[]> {
  await loadAnalyzers();
  const out: GoldenCase[] = [];
  for (const corpus of SHELL_CORPORA) {
    const file = join(CORPORA, corpus, 'cases.jsonl');
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const c = JSON.parse(line) as { id: string; kind: string; language: string; content?: string };
      if (c.kind === 'shell' && c.language === 'bash' && c.content !== undefined)
        out.push({ id: `${corpus}/${c.id}`, command: c.content });
    }
  }
  // (only beside the corpora: the record is checked as a whole or skipped as a whole)
  if (out.length)
    for (const line of readFileSync(TEST_COMMANDS, 'utf8').split('\n'))
      if (line) out.push(JSON.parse(line) as GoldenCase);
  return out;
}

const policy = builtinPolicy();

/** The decision, and a short hash of the reasons and of each capability with its decision. */
export function verdictOf(command: string): { decision: string; hash: string } {
  const v = judge(
    { tool: 'shell', command, cwd: '/work/project' },
    { policy, cwd: '/work/project', home: '/home/dev' },
  );
  const caps = v.actions.map((a) => `${a.capability}:${a.decision}`).sort();
  const hash = createHash('sha256')
    .update(JSON.stringify([v.reasons, caps]))
    .digest('hex')
    .slice(0, 12);
  return { decision: v.decision, hash };
}
