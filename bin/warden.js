#!/usr/bin/env node
// Runs the bundle in dist/ (made by `npm run build`, also on `npm ci`) when it is newer than
// every source file; otherwise the TypeScript sources through tsx's loader.
import { statSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : /\.(ts|yml)$/.test(e.name) ? statSync(p).mtimeMs : 0);
  }
  return t;
}
let entry;
try {
  if (statSync(join(root, 'dist', 'main.mjs')).mtimeMs >= newest(join(root, 'src'))) entry = '../dist/main.mjs';
} catch { /* no bundle */ }
if (!entry) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = '../src/cli/main.ts';
}
// A closed pipe (warden … | head) ends output quietly instead of crashing.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });

/**
 * The bundle as one CommonJS file (dist/cli.cjs) with the V8 code cache the build made for this
 * Node (dist/cli-<version>.v8cache): compiled code instead of compiling some 400 KB at every start.
 * V8 checks that a cache fits the source and the Node; a rejected or missing cache only costs the
 * compile. Undefined when there is no such bundle (the ES module bundle then runs).
 */
function cachedCli() {
  const file = join(root, 'dist', 'cli.cjs');
  const cacheFile = join(root, 'dist', `cli-${process.version}.v8cache`);
  let src;
  try { src = readFileSync(file, 'utf8'); } catch { return undefined; }
  let cachedData;
  try { if (!process.env.WARDEN_WRITE_CLI_CACHE) cachedData = readFileSync(cacheFile); } catch { /* compile without */ }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${src}\n})`, { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  // The build runs a scan with WARDEN_WRITE_CLI_CACHE set: the cache then holds what it compiled.
  if (process.env.WARDEN_WRITE_CLI_CACHE) process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  return mod.exports;
}

let cli;
try {
  if (entry === '../dist/main.mjs') cli = cachedCli();
} catch (e) {
  process.stderr.write(`warden: dist/cli.cjs could not be loaded (${e.message}); using the ES module bundle\n`);
}
const { main } = cli ?? await import(entry);
process.exitCode = await main(process.argv.slice(2));
