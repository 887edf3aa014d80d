// Loads dist/cli.cjs, the whole CLI as one CommonJS file, with the V8 code cache the build made for
// this Node (dist/cli-<version>.v8cache): compiled code instead of compiling some 400 KB at every
// start. V8 checks that a cache fits the source, the Node and the V8 flags in force; a rejected or
// missing cache only costs the compile (some 45 ms here: `loadCli.rejected` tells). Returns the
// bundle's exports, or undefined when there is no such bundle.
// Shared by bin/warden.js and the scan's worker threads (src/scan/pool.ts). The two need two caches:
// a scan raises V8's interrupt budget before its workers start (src/scan/pool.ts), and a cache made
// under one set of flags is rejected under another, so the workers load the `scan` variant, made by
// a warm-up scan under the raised budget, and every other start the plain one, made with V8's defaults.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join, dirname } = require('node:path');
const { createRequire } = require('node:module');
const { Script } = require('node:vm');

/**
 * @param {string} root the package root
 * @param {{ variant?: 'scan', writeCache?: string | boolean }} [opts] the cache to load (the plain one by
 * default), and whether this process writes it at exit instead (the build's warm-up runs)
 */
module.exports = function loadCli(root, { variant, writeCache = false } = {}) {
  const file = join(root, 'dist', 'cli.cjs');
  const cacheFile = join(root, 'dist', `cli-${process.version}${variant ? `-${variant}` : ''}.v8cache`);
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
  module.exports.rejected = cachedData ? script.cachedDataRejected === true : undefined;
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  // The build runs a scan with WARDEN_WRITE_CLI_CACHE set: the cache then holds what it compiled.
  if (writeCache) process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  return mod.exports;
};
