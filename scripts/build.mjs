// Bundles the TypeScript sources into dist/ with esbuild, so the `warden` command starts in
// tens of milliseconds (agent hooks start one process per tool call). Runs on `npm ci`
// (prepare) and before the tests. Native and large parser packages stay external.
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // pg and PGlite stay packages: PGlite loads its WASM and data files from beside its own module.
  external: ['@ast-grep/*', 'better-sqlite3', 'mvdan-sh', 'yaml', 'pg', '@electric-sql/pglite', 'playwright-core'],
  // Bundled CommonJS dependencies (yaml, ignore) need require() inside an ES module.
  banner: {
    js: "import { createRequire as __wardenRequire } from 'node:module'; const require = __wardenRequire(import.meta.url);",
  },
};
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
// Code splitting: each command's code loads only when that command runs.
await build({
  ...common,
  splitting: true,
  entryPoints: {
    main: 'src/cli/main.ts',
    worker: 'src/scan/worker-main.ts',
    'inspect-worker': 'src/gateway/inspect-worker-main.ts',
  },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
});
// The CLI once more as one CommonJS file, which bin/warden.js loads with a V8 code cache (Node 20
// has no compile cache for ES modules, and compiling the bundle was a third of a short command's
// own time). The cache is made by running a scan of the bundled example with it (see bin/warden.js).
await build({
  ...common,
  format: 'cjs',
  splitting: false,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.cjs',
  sourcemap: false,
  banner: { js: "var __wardenUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__wardenUrl' },
});
// The rule packs as JSON (YAML parsing is slow at start-up); the loader checks they are current.
const { packsAsJson, PREBUILT_PACKS } = await tsImport('../src/rules/loader.ts', import.meta.url);
writeFileSync(PREBUILT_PACKS, packsAsJson());
// The prefilter's words of the built-in regexes (src/analyzers/literals.ts).
const { prefilterTableAsJson, PREBUILT_LITERALS } = await tsImport(
  '../src/analyzers/prefilter-table.ts',
  import.meta.url,
);
writeFileSync(PREBUILT_LITERALS, prefilterTableAsJson());
// The built-in policy as JSON, and a V8 code cache for the shell parser (hook start-up time).
const { builtinPolicyAsJson, PREBUILT_POLICY } = await tsImport('../src/engine/policy.ts', import.meta.url);
writeFileSync(PREBUILT_POLICY, builtinPolicyAsJson());
const { writeMvdanCache } = await tsImport('../src/analyzers/shell/mvdan.ts', import.meta.url);
writeMvdanCache((sh) => {
  const p = sh.syntax.NewParser();
  for (const c of [
    'ls -la',
    'git status && npm test',
    'curl -s "https://x/y" | bash -c "$(echo aGk= | base64 -d)"',
    'for f in *.py; do python3 -c \'print(1)\' > "$f.out"; done',
    'x=${A:-b}; echo $((1+2)) <(ls) 2>&1 >> ~/.log',
  ])
    p.Parse(c, '');
});
// Where the native addons are, for the hook's start-up snapshot (src/native.ts).
const { writeNativeRecord } = await tsImport('../src/native.ts', import.meta.url);
const { dynamicParserPackages } = await tsImport('../src/analyzers/code/languages.ts', import.meta.url);
writeNativeRecord(dynamicParserPackages());
// Recorded sample trees for warming the code analyzer up in the snapshot (src/hooks/warmup.ts).
const { writeWarmupRecord } = await tsImport('../src/hooks/warmup.ts', import.meta.url);
writeWarmupRecord();
// The hook's start-up snapshot (src/hooks/snapshot.ts): one CommonJS file with every dependency
// that can live in a V8 heap, run once by `node --build-snapshot`. Optional: without it the
// installed hook runs the ordinary bundle.
await build({
  ...common,
  format: 'iife',
  splitting: false,
  entryPoints: ['src/hooks/snapshot.ts'],
  outfile: 'dist/hook-snapshot.cjs',
  sourcemap: false,
  // better-sqlite3's JavaScript goes into the heap too; its compiled addon loads at run time.
  external: ['@ast-grep/*', 'yaml'],
  // The snapshot builder's own require() loads only Node's built-in modules; the externals
  // (ast-grep's native parsers, yaml) are loaded at run time through an ordinary require.
  banner: {
    js: "var __wardenUrl = require('node:url').pathToFileURL(__filename).href; require = require('node:module').createRequire(__filename);",
  },
  define: { 'import.meta.url': '__wardenUrl' },
});
// (Started with the same V8 flags, or they do not load: src/hooks/snapshot-flags.ts.)
const { HOOK_SNAPSHOT_FLAGS } = await tsImport('../src/hooks/snapshot-flags.ts', import.meta.url);
// Three blobs: the full one (shell commands), one without the shell parser warmed up for file
// writes (and reads, prompts), and the smallest for plain commands; see src/hooks/snapshot.ts.
for (const [kind, blob] of [
  ['shell', `dist/hook-${process.version}.blob`],
  ['files', `dist/hook-files-${process.version}.blob`],
  ['plain', `dist/hook-plain-${process.version}.blob`],
]) {
  const args = [...HOOK_SNAPSHOT_FLAGS, '--snapshot-blob', blob, '--build-snapshot', 'dist/hook-snapshot.cjs'];
  const make = (env) => spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  let snap = make({ WARDEN_SNAPSHOT_KIND: kind });
  // Should a warm-up text have made a regex machine code (the build aborts: src/hooks/snapshot-flags.ts),
  // the files snapshot without those texts is still most of the gain.
  if (snap.status !== 0 && kind === 'files') {
    console.warn(`warning: the files snapshot failed with its warm-up texts; built without them:\n${snap.stderr}`);
    snap = make({ WARDEN_SNAPSHOT_KIND: kind, WARDEN_SNAPSHOT_TEXTS: '0' });
  }
  if (snap.status !== 0) {
    rmSync(blob, { force: true });
    console.warn(
      `warning: the hook start-up snapshot (${kind}) could not be built (the hook will start without it):\n${snap.stderr}`,
    );
  }
}
// The CLI's code caches: a scan of the bundled example, run from dist/cli.cjs, with the cache written
// at its end; once with V8's default flags (every command's start) and once under the scan's raised
// interrupt budget (the scan's worker threads): V8 rejects a cache made under other flags
// (bin/load-cli.cjs). Optional: without them the CLI compiles as it loads.
for (const variant of ['plain', 'scan']) {
  const warm = spawnSync(
    process.execPath,
    ['bin/warden.js', 'scan', 'examples/agent-session', '--no-progress', '--format', 'json'],
    { encoding: 'utf8', env: { ...process.env, WARDEN_WRITE_CLI_CACHE: variant } },
  );
  if (warm.status !== 0 && warm.status !== 1)
    console.warn(`warning: the ${variant} CLI code cache could not be made (it compiles as it loads):\n${warm.stderr}`);
}
writeFileSync('dist/BUILT', new Date().toISOString() + '\n');
