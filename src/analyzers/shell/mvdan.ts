/**
 * Loads mvdan-sh (a 1.5 MB GopherJS bundle) with a V8 code cache made at build time
 * (dist/mvdan-sh.v8cache): hooks start a process per tool call, and compiling the bundle was
 * most of their start-up (about 110 ms, 45 ms with the cache). Without a usable cache (another
 * Node version, no build) it loads normally; V8 checks that the cache matches the source.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { startupSnapshot } from 'node:v8';
import { PACKAGE_ROOT } from '../../paths.ts';

const require = createRequire(import.meta.url);
export const MVDAN_CACHE = join(PACKAGE_ROOT, 'dist', `mvdan-sh-${process.version}.v8cache`);

let loaded: unknown;
let script: Script | undefined;

export function loadMvdan(): unknown {
  if (loaded) return loaded;
  const file = require.resolve('mvdan-sh');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(MVDAN_CACHE);
  } catch {
    /* no cache: plain compile */
  }
  const src = readFileSync(file, 'utf8');
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${src}\n})`;
  let fn: (...a: unknown[]) => void;
  if (startupSnapshot.isBuildingSnapshot()) {
    // A vm.Script cannot go into a startup snapshot (dist/hook-*.blob); plain eval can.
    fn = (0, eval)(`${wrapped}\n//# sourceURL=${file}`) as typeof fn;
  } else {
    script = new Script(wrapped, { filename: file, cachedData });
    fn = script.runInThisContext() as typeof fn;
  }
  const mod = { exports: {} as unknown };
  fn.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  return (loaded = mod.exports);
}

/** Build step: warms the parser on typical commands, then writes the code cache. */
export function writeMvdanCache(warm: (sh: unknown) => void): void {
  warm(loadMvdan());
  writeFileSync(MVDAN_CACHE, script!.createCachedData());
}
