// Attacks on the scan's speed-ups outside the backdoor analyzer (test/reliability/backdoor-speed.test.ts
// has its own): what a scan worker builds once must not be built again by the first file that asks
// something new, and a gate must never hide a finding the ungated check makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scanText } from '../../src/engine/scan.ts';
import { prefilterRebuilds } from '../../src/analyzers/literals.ts';
import { warmUp } from '../../src/scan/worker.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every file below a folder (the analyzers' fixtures: planted code of every family in twelve languages). */
function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesBelow(p) : [p];
  });
}

test('every regex the analyzers ask the word automaton about is known to its first build (no rebuild while a worker scans the fixtures of every family)', () => {
  warmUp();
  const before = prefilterRebuilds();
  let findings = 0;
  const files = [...filesBelow(join(ROOT, 'src/analyzers/fixtures')), ...filesBelow(join(ROOT, 'examples'))];
  for (const p of files) findings += scanText(p.slice(ROOT.length + 1), readFileSync(p, 'utf8')).findings.length;
  assert.ok(findings > 100, `the fixtures were not read (${findings} findings)`);
  assert.equal(prefilterRebuilds() - before, 0, 'a regex first met after the build made the automaton be rebuilt');
});
