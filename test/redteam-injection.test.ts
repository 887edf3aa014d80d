/**
 * The red-team cases of issue 22 (test/fixtures/redteam-injection, written apart from the project's
 * corpus) as floors: the rates reached, read as scripts/redteam-injection.ts and eval read them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeCase, loadCases, tally } from '../scripts/redteam-injection.ts';

const results = loadCases().map((c) => judgeCase(c));
const { total, groups, onLine } = tally(results);

test('red-team: at least 97% of 109 bad cases flagged at medium or above, 93% on a line holding the injection', () => {
  assert.ok(total.bad >= 109, `${total.bad} bad cases`);
  const missed = results.filter((r) => r.case.label === 'bad' && !r.findings.length).map((r) => r.case.file);
  assert.ok(total.badFlagged / total.bad >= 0.97, `missed: ${missed.join(', ')}`);
  assert.ok(onLine / total.bad >= 0.93, `on a planted line ${onLine}/${total.bad}`);
});

test('red-team: none of 85 good near misses (human installers, agent guides, security writing, i18n) flagged', () => {
  assert.ok(total.good >= 85, `${total.good} good cases`);
  const flagged = results
    .filter((r) => r.case.label === 'good' && r.findings.length)
    .map((r) => `${r.case.file}:${r.findings[0].line} ${r.findings[0].ruleId}`);
  assert.deepEqual(flagged, []);
});

test('red-team: every channel, technique and goal with bad cases is flagged at 75% or more', () => {
  const low = [...groups]
    .filter(([k, t]) => !k.startsWith('set ') && t.bad > 0 && t.badFlagged / t.bad < 0.75)
    .map(([k, t]) => `${k} ${t.badFlagged}/${t.bad}`);
  assert.deepEqual(low, []);
});
