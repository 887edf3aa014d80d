/**
 * The guard's verdicts on the shell corpora stay what test/golden/shell-verdicts.jsonl recorded:
 * the safety net for changes that move code without meaning to change behaviour. A change that
 * means to change verdicts re-records them (scripts/record-verdicts.ts) and says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPORA, goldenCases, verdictOf } from './helpers/golden.ts';
import { PACKAGE_ROOT } from '../src/paths.ts';
import { RANK } from '../src/engine/policy.ts';

const RECORD = join(import.meta.dirname, 'golden', 'shell-verdicts.jsonl');

test('every shell case of the corpora gets the verdict and reasons recorded in test/golden', async (t) => {
  const cases = await goldenCases();
  if (!cases.length) {
    // Loud, never a silent pass: the record cannot be checked without the corpora.
    process.stderr.write(`SKIPPED: no shell corpora under ${CORPORA}; the recorded verdicts were not checked\n`);
    t.skip(`no shell corpora under ${CORPORA}`);
    return;
  }
  const recorded = new Map(
    readFileSync(RECORD, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const r = JSON.parse(l) as { id: string; decision: string; hash: string };
        return [r.id, r] as const;
      }),
  );
  const changed: string[] = [];
  // A command that names this checkout's own folder (a clone at /tmp/x, and a case writing to
  // /tmp/x) is judged as tampering with Warden itself, wherever it is installed: its reasons depend
  // on the install location, so for those only a decision at least as strict is demanded.
  const own = new RegExp(`${PACKAGE_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`);
  const located: string[] = [];
  for (const c of cases) {
    const now = verdictOf(c.command);
    const was = recorded.get(c.id);
    if (was && own.test(c.command)) {
      located.push(c.id);
      if (RANK[now.decision as keyof typeof RANK] < RANK[was.decision as keyof typeof RANK])
        changed.push(`${c.id}: ${was.decision} -> ${now.decision} (names this checkout's folder)`);
    } else if (!was) changed.push(`${c.id}: not recorded`);
    else if (was.decision !== now.decision || was.hash !== now.hash)
      changed.push(`${c.id}: ${was.decision} -> ${now.decision}${was.hash !== now.hash ? ' (reasons changed)' : ''}`);
  }
  if (located.length)
    process.stderr.write(
      `golden: ${located.length} case(s) name this checkout's folder ${PACKAGE_ROOT}; compared by decision only\n`,
    );
  assert.equal(cases.length, recorded.size, 'the record holds exactly the corpora cases');
  assert.deepEqual(changed.slice(0, 20), [], `${changed.length} verdicts changed`);
});
