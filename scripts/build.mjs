// Bundles the TypeScript sources into dist/ with esbuild, so the `warden` command starts in
// tens of milliseconds (agent hooks start one process per tool call). Runs on `npm ci`
// (prepare) and before the tests. Native and large parser packages stay external.
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';

const common = {
  bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: 'linked', logLevel: 'warning',
  external: ['@ast-grep/*', 'better-sqlite3', 'mvdan-sh', 'yaml'],
  // Bundled CommonJS dependencies (yaml, ignore) need require() inside an ES module.
  banner: { js: "import { createRequire as __wardenRequire } from 'node:module'; const require = __wardenRequire(import.meta.url);" },
};
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
// Code splitting: each command's code loads only when that command runs.
await build({ ...common, splitting: true, entryPoints: { main: 'src/cli/main.ts', worker: 'src/scan/worker.ts' }, outdir: 'dist', outExtension: { '.js': '.mjs' }, chunkNames: 'chunks/[name]-[hash]' });
// The rule packs as JSON (YAML parsing is slow at start-up); the loader checks they are current.
const { packsAsJson, PREBUILT_PACKS } = await tsImport('../src/rules/loader.ts', import.meta.url);
writeFileSync(PREBUILT_PACKS, packsAsJson());
// The built-in policy as JSON, and a V8 code cache for the shell parser (hook start-up time).
const { builtinPolicyAsJson, PREBUILT_POLICY } = await tsImport('../src/engine/policy.ts', import.meta.url);
writeFileSync(PREBUILT_POLICY, builtinPolicyAsJson());
const { writeMvdanCache } = await tsImport('../src/analyzers/shell/mvdan.ts', import.meta.url);
writeMvdanCache((sh) => {
  const p = sh.syntax.NewParser();
  for (const c of ['ls -la', 'git status && npm test', 'curl -s "https://x/y" | bash -c "$(echo aGk= | base64 -d)"', 'for f in *.py; do python3 -c \'print(1)\' > "$f.out"; done', 'x=${A:-b}; echo $((1+2)) <(ls) 2>&1 >> ~/.log']) p.Parse(c, '');
});
writeFileSync('dist/BUILT', new Date().toISOString() + '\n');
