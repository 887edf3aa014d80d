import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPack } from '../src/rules/fixtures.ts';
import { loadRules, packFiles } from '../src/rules/loader.ts';

const only = process.env.WARDEN_PACK;
for (const pack of packFiles()) {
  if (only && !pack.includes(only)) continue;
  test(`rule pack ${pack.split('/src/rules/')[1]} proves itself on its fixtures`, () => {
    const { problems } = checkPack(pack);
    assert.deepEqual(
      problems.map((p) => `${p.file.split('/src/rules/')[1]}${p.line ? `:${p.line}` : ''} ${p.problem}`),
      [],
    );
  });
}

test('all packs load together with unique ids', () => {
  const rules = loadRules();
  assert.ok(rules.length > 0);
});

test('every line regex is safe from catastrophic backtracking on hostile lines', () => {
  const hostile = [
    'a',
    ' ',
    '0',
    '=',
    '"',
    "'",
    '/',
    '\\',
    '.',
    '-',
    '_',
    'aA1',
    'a=',
    '" ',
    'x.',
    '\t',
    '{',
    '(',
    '%',
    ':',
  ];
  for (const rule of loadRules()) {
    for (const re of [rule.regex, rule.notRegex, ...(rule.requires?.regexes ?? [])]) {
      if (!re) continue;
      for (const h of hostile) {
        const line = h.repeat(Math.ceil(4000 / h.length)) + '\u0000!';
        const t0 = performance.now();
        re.test(line);
        const ms = performance.now() - t0;
        assert.ok(ms < 50, `${rule.id}: /${re.source}/ took ${ms.toFixed(1)} ms on ${JSON.stringify(h)}×`);
      }
    }
  }
});

test("a rule's not-path keeps it off matching files only", async () => {
  const { scanText } = await import('../src/engine/scan.ts');
  const code = 'def delete(user, target):\n    assert user.is_admin\n    target.delete()\n';
  assert.deepEqual(
    scanText('app/users.py', code).findings.map((f) => f.ruleId),
    ['python.assert-authorization'],
  );
  assert.deepEqual(
    scanText('tests/test_users.py', code).findings.map((f) => f.ruleId),
    [],
  );
  assert.deepEqual(
    scanText('app/users_test.py', code).findings.map((f) => f.ruleId),
    [],
  );
});
