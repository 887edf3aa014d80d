// The build's V8 code caches are used, not silently rejected: V8 throws a cache away when the flags in
// force differ from those it was made under, and then the CLI compiles as it loads (about 45 ms more on
// every command here). A warm-up that raised V8's interrupt budget (as every scan does) made such a
// cache for sessions on end; nothing said so. Each cache is loaded here the way its users load it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/paths.ts';
import { SCAN_V8_FLAGS } from '../src/scan/pool.ts';

const dist = (f: string) => join(PACKAGE_ROOT, 'dist', f);
const skip = !existsSync(dist('cli.cjs')) && 'no build in dist/ (npm run build makes it)';
const LOAD = `const r = require(${JSON.stringify(join(PACKAGE_ROOT, 'bin', 'load-cli.cjs'))});`;

/** Loads the CLI bundle in a fresh node with these flags and code; prints whether V8 rejected the cache. */
function rejected(flags: string[], code: string): string {
  const r = spawnSync(process.execPath, [...flags, '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('every command loads the CLI with its plain code cache accepted (V8 defaults)', { skip }, () => {
  assert.ok(existsSync(dist(`cli-${process.version}.v8cache`)), 'no plain cache');
  assert.equal(rejected([], `${LOAD} r(${JSON.stringify(PACKAGE_ROOT)}); console.log(r.rejected)`), 'false');
});

test("the scan's worker threads load the scan cache, made under the scan's V8 flags, accepted", { skip }, () => {
  assert.ok(existsSync(dist(`cli-${process.version}-scan.v8cache`)), 'no scan cache');
  // (the flags as the scan sets them at run time, before its workers start: src/scan/pool.ts)
  const loader = JSON.stringify(join(PACKAGE_ROOT, 'bin', 'load-cli.cjs')),
    root = JSON.stringify(PACKAGE_ROOT);
  const inWorker =
    `const r = require(${loader}); r(${root}, { variant: 'scan' });` +
    `require('node:worker_threads').parentPort.postMessage(String(r.rejected));`;
  const code =
    SCAN_V8_FLAGS.map((f) => `require('node:v8').setFlagsFromString(${JSON.stringify(f)});`).join('') +
    `const w = new (require('node:worker_threads').Worker)(${JSON.stringify(inWorker)}, { eval: true });` +
    `w.on('message', (m) => { console.log(m); w.terminate(); });`;
  assert.equal(rejected([], code), 'false');
});

test('the shell parser (mvdan-sh) loads with its cache accepted in a fresh process', { skip }, () => {
  const file = dist(`mvdan-sh-${process.version}.v8cache`);
  assert.ok(existsSync(file), 'no mvdan-sh cache');
  const code =
    `const { readFileSync } = require('fs'); const { Script } = require('vm');` +
    `const f = require.resolve('mvdan-sh', { paths: [${JSON.stringify(PACKAGE_ROOT)}] });` +
    "const w = `(function (exports, require, module, __filename, __dirname) {${readFileSync(f, 'utf8')}\\n})`;" +
    `const s = new Script(w, { filename: f, cachedData: readFileSync(${JSON.stringify(file)}) });` +
    `console.log(s.cachedDataRejected)`;
  assert.equal(rejected([], code), 'false');
});
