#!/usr/bin/env node
// Runs the bundle in dist/ (made by `npm run build`, also on `npm ci`) when it is newer than
// every source file; otherwise the TypeScript sources through tsx's loader.
import { statSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

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
} catch {
  /* no bundle */
}
if (!entry) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = '../src/cli/main.ts';
}
// A closed pipe (warden … | head) ends output quietly instead of crashing.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  else throw e;
});

// The bundle as one CommonJS file with the build's V8 code cache (see load-cli.cjs), else the ES module bundle.
let cli;
try {
  if (entry === '../dist/main.mjs')
    cli = createRequire(import.meta.url)('./load-cli.cjs')(root, {
      // (the build's warm-up runs: WARDEN_WRITE_CLI_CACHE=plain writes the plain cache, =scan the scan workers')
      variant: process.env.WARDEN_WRITE_CLI_CACHE === 'scan' ? 'scan' : undefined,
      writeCache: !!process.env.WARDEN_WRITE_CLI_CACHE,
    });
} catch (e) {
  process.stderr.write(`warden: dist/cli.cjs could not be loaded (${e.message}); using the ES module bundle\n`);
}
const { main, reportError } = cli ?? (await import(entry));
// An error no command caught (a callback, a rejected promise) is one line too, and ends the process:
// a half-started server must not keep running after its error.
const fail = (e) => process.exit(reportError(e));
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// 2 is a usage or runtime error: the command is over, whatever it left open (a listening socket, a timer).
if (code === 2) process.exit(2);
