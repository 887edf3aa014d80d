// The backdoor red-team corpus (test/fixtures/redteam-backdoors: 48 planted cases and 36 near misses in
// twelve languages, written apart from the project's corpus), scanned by the real scanner. The floors are
// the rates reached when it was written: a regression shows here, a gain raises them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCorpus, table } from '../scripts/redteam-backdoors.ts';

const results = runCorpus();
const bad = results.filter((r) => r.label === 'bad');
const good = results.filter((r) => r.label === 'good');

test('red-team backdoors: at least 48 planted cases and 36 near misses over twelve categories', () => {
  assert.ok(bad.length >= 48 && good.length >= 36, `${bad.length} bad, ${good.length} good`);
  assert.equal(new Set(bad.map((r) => r.category)).size, 12);
});

test('red-team backdoors: at least 40 of 48 planted cases flagged on a planted line (medium or above)', () => {
  const flagged = bad.filter((r) => r.flagged).length;
  assert.ok(flagged >= 40, `${flagged}/${bad.length}\n${table(results)}`);
});

test('red-team backdoors: at most 1 of 36 near misses flagged (any backdoor finding at medium or above)', () => {
  const flagged = good.filter((r) => r.flagged).length;
  assert.ok(flagged <= 1, `${flagged}/${good.length}: ${good.filter((r) => r.flagged).map((r) => r.path)}`);
});

test('red-team backdoors: the planted marker comment changes no result (scanned again with it blanked)', () => {
  assert.deepEqual(
    results.filter((r) => !r.sameUnmarked).map((r) => r.path),
    [],
  );
});
