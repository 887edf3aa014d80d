// Runs every test/*.test.ts and test/reliability/*.test.ts with node's test runner and tsx
// (Node 20 has no --test globs). The reliability tests are the attacker's and the unlucky day's
// cases (docs/RELIABILITY.md is made from them by scripts/reliability.ts).
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
const list = (dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => `${dir}/${f}`)
    : [];
const files = [...list('test'), ...list('test/reliability')];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
