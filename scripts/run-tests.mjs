// Runs every test/*.test.ts and test/reliability/*.test.ts with node's test runner and tsx
// (Node 20 has no --test globs). The reliability tests are the attacker's and the unlucky day's
// cases (docs/RELIABILITY.md is made from them by scripts/reliability.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
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

// Tests install hooks in throwaway homes, and the installed hook client starts a resident daemon
// there (it would leave by itself after 15 min without a call): stop those now, so that a run
// leaves nothing behind. Only daemons the client started (--idle-exit) listening in the temp dir.
let stopped = 0;
for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
  let argv;
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    continue;
  }
  // (its listening path is the argument under the temp dir)
  const inTemp = argv.some((a) => a.startsWith(tmpdir() + '/'));
  if (argv[2] === 'daemon' && argv.includes('--idle-exit') && inTemp) {
    try {
      process.kill(Number(pid), 'SIGTERM');
      stopped++;
    } catch {
      /* gone already */
    }
  }
}
if (stopped) console.log(`run-tests: stopped ${stopped} resident daemon(s) the tests' hooks had started`);
process.exit(r.status ?? 1);
