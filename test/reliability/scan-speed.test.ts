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

// A Meta token's hint (`eaa`) is everywhere in base64 text: the format is now tried on the whole file
// first (secrets/patterns.ts, encodedHints). It must still be found wherever it is, packed too.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rnd = (n: number, set = ALNUM) =>
  Array.from({ length: n }, () => set[Math.floor(Math.random() * set.length)]).join('');
const meta = () => 'EAAC' + rnd(140);
const secretRules = (path: string, text: string) =>
  scanText(path, text)
    .findings.filter((f) => f.category === 'secret')
    .map((f) => f.ruleId);

/** A 2 MB source map on one line: base64 VLQ mappings (EAAA, EAAC all over), then the sources. */
function sourceMap(sourcesContent: string): string {
  const seg = () => ['AAAA', 'EAAE', 'EAAC', 'CAAC', 'GAAG', 'EAAM'][Math.floor(Math.random() * 6)] + rnd(2, 'ACEGIK');
  const mappings = Array.from({ length: 300_000 }, seg).join(',');
  return JSON.stringify({ version: 3, sources: ['a.ts'], mappings, sourcesContent: [sourcesContent] });
}

test('a Meta token at the end of a 2 MB one-line source map is found; the same map without it has no Meta finding (near miss)', () => {
  const token = meta();
  const text = sourceMap(`export const client = new Graph({ token: "${token}" });`);
  assert.ok(text.length > 2_000_000);
  assert.ok(secretRules('dist/app.js.map', text).includes('secret.facebook-token'));
  assert.ok(
    !secretRules('dist/app.js.map', sourceMap('export const client = new Graph();')).includes('secret.facebook-token'),
  );
});

test('a Meta token after 2 MB of base64 holding EAAC runs one letter short of the format, on the same line, is found once; without it, none (near miss)', () => {
  const blob = Array.from({ length: 20_000 }, () => '/EAAC' + rnd(95) + '+').join('');
  const token = meta();
  assert.deepEqual(secretRules('dist/wasm.js', `var w="${blob}";var k="${token}";\n`), ['secret.facebook-token']);
  assert.deepEqual(secretRules('dist/wasm.js', `var w="${blob}";\n`), []);
});

test('EAAC followed by 99 letters and digits (one short of the format) is no Meta token (near miss)', () => {
  assert.ok(!secretRules('src/a.ts', `const t = "EAAC${rnd(99)}";\n`).includes('secret.facebook-token'));
});
