// Loads dist/cli.cjs, the whole CLI as one CommonJS file, with the V8 code cache the build made for
// this Node (dist/cli-<version>.v8cache): compiled code instead of compiling some 400 KB at every
// start. V8 checks that a cache fits the source and the Node; a rejected or missing cache only
// costs the compile. Returns the bundle's exports, or undefined when there is no such bundle.
// Shared by bin/warden.js and the scan's worker threads (src/scan/pool.ts).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join, dirname } = require('node:path');
const { createRequire } = require('node:module');
const { Script } = require('node:vm');

module.exports = function loadCli(root, { writeCache = false } = {}) {
  const file = join(root, 'dist', 'cli.cjs');
  const cacheFile = join(root, 'dist', `cli-${process.version}.v8cache`);
  let src;
  try {
    src = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let cachedData;
  try {
    if (!writeCache) cachedData = readFileSync(cacheFile);
  } catch {
    /* compile without */
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${src}\n})`, {
    filename: file,
    cachedData,
  });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  // The build runs a scan with WARDEN_WRITE_CLI_CACHE set: the cache then holds what it compiled.
  if (writeCache) process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  return mod.exports;
};
