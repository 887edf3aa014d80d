// Supply-chain names judged the attacker's way: squats of packages beyond the top 3,000 (found by the
// popularity ratio between the name and what it imitates), registered names, hallucinated names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanText } from '../../src/engine/scan.ts';
import { judgeName } from '../../src/analyzers/deps/names.ts';
import { onlineIssues } from '../../src/analyzers/deps/online.ts';
import { RULES_DIR } from '../../src/paths.ts';

const npm = readFileSync(join(RULES_DIR, 'supply-chain', 'popular-npm.txt'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t')[0]);
const listed = new Set(npm);

/** Swaps two neighbouring letters of a name in the middle of its first run of letters (a one-edit squat). */
function squatOf(name: string): string {
  for (let i = 1; i + 1 < name.length; i++) {
    const s = name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2);
    if (/[a-z]/.test(name[i]) && /[a-z]/.test(name[i + 1]) && name[i] !== name[i + 1] && !listed.has(s)) return s;
  }
  throw new Error(`no squat of ${name}`);
}

test('a one-letter squat of each npm package ranked 3,000th to 5,000th is flagged as a typosquat with its ratio', () => {
  let checked = 0;
  for (let r = 3000; r < 5000; r += 25) {
    const target = npm[r];
    if (target.startsWith('@') || target.length < 5) continue;
    const v = judgeName('npm', squatOf(target));
    assert.equal(v.kind, 'typosquat', `${squatOf(target)} imitating ${target} (rank ${r})`);
    assert.ok((v.ratio ?? 0) >= 100, `ratio of ${target}: ${v.ratio}`);
    checked++;
  }
  assert.ok(checked >= 30);
});

test('the same squat of a listed package used too little to be worth imitating (rank 30,000+) is not a typosquat', () => {
  for (let r = 30000; r < 30400; r += 40) {
    const target = npm[r];
    if (target.startsWith('@') || target.length < 5) continue;
    const v = judgeName('npm', squatOf(target));
    assert.notEqual(v.kind, 'typosquat', `${squatOf(target)} ~ ${target}`);
  }
});

test('a squat that exists in the registry snapshot is still flagged (registered squats exist)', () => {
  // "loadsh" and "reqeusts" are registered names (placeholders or squats); existence does not clear them
  for (const [eco, name] of [
    ['npm', 'loadsh'],
    ['pypi', 'reqeusts'],
  ] as const)
    assert.equal(judgeName(eco, name).kind, 'typosquat', name);
});

test('package.json depending on a squat of a rank-4,000 package: high finding naming the target and ratio', () => {
  const target = npm[4000];
  const squat = squatOf(target);
  const f = scanText('package.json', JSON.stringify({ dependencies: { [squat]: '^1.0.0' } }, null, 2)).findings;
  const hit = f.find((x) => x.ruleId === 'supply-chain.typosquat');
  assert.ok(hit, JSON.stringify(f));
  assert.equal(hit.severity, 'high');
  assert.match(hit.message, new RegExp(`"${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is downloaded at least`));
});

test('requirements.txt and pyproject.toml naming a package that does not exist: medium, never silent', () => {
  const req = scanText('requirements.txt', 'requests==2.31\nfastapi-jwt-vault-bridgez==1.0\n').findings;
  assert.deepEqual(
    req.map((f) => `${f.line}:${f.ruleId}:${f.severity}`),
    ['2:supply-chain.unverified-package:medium'],
  );
  const py = scanText('pyproject.toml', '[project]\nname = "x"\ndependencies = ["numpy", "torch-lora-quantz>=1"]\n');
  assert.deepEqual(
    py.findings.map((f) => `${f.line}:${f.ruleId}:${f.severity}`),
    ['3:supply-chain.unverified-package:medium'],
  );
});

test('--online: a registered name 1,000x less downloaded than a listed name one edit away (rank 20,000) is a typosquat', () => {
  const target = npm.slice(20000).find((n) => !n.startsWith('@') && n.length >= 6)!;
  const squat = squatOf(target);
  assert.notEqual(judgeName('npm', squat).kind, 'typosquat', 'beyond the offline targets');
  const issues = onlineIssues(
    squat,
    { exists: true, created: '2026-11-01T00:00:00Z', monthlyDownloads: 12 },
    Date.parse('2026-12-01'),
  );
  const hit = issues.find((i) => i.ruleId === 'supply-chain.typosquat');
  assert.ok(hit, JSON.stringify(issues));
  assert.equal(hit.severity, 'high');
  assert.match(hit.message, /first published 30 day\(s\) ago/);
});

test('--online: the same name with downloads within 1,000x of its look-alike, or a listed look-alike itself: no typosquat', () => {
  const target = npm.slice(20000).find((n) => !n.startsWith('@') && n.length >= 6)!;
  const busy = onlineIssues(squatOf(target), { exists: true, monthlyDownloads: 50_000 });
  assert.ok(!busy.some((i) => i.ruleId === 'supply-chain.typosquat'), JSON.stringify(busy));
  // uuid4 is listed (an established package one edit from uuid): never a squat, whatever its ratio
  const listedName = onlineIssues('uuid4', { exists: true, monthlyDownloads: 100 });
  assert.ok(!listedName.some((i) => i.ruleId === 'supply-chain.typosquat'), JSON.stringify(listedName));
});

test('--online: a squat the offline check already reports is not reported twice', () => {
  const issues = onlineIssues('lodahs', { exists: true, monthlyDownloads: 3 });
  assert.ok(!issues.some((i) => i.ruleId === 'supply-chain.typosquat'));
});
