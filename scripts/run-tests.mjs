// Runs every test/*.test.ts and test/reliability/*.test.ts with node's test runner and tsx
// (Node 20 has no --test globs). The reliability tests are the attacker's and the unlucky day's
// cases (docs/RELIABILITY.md is made from them by scripts/reliability.ts).
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const list = (dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => `${dir}/${f}`)
    : [];
const files = [...list('test'), ...list('test/reliability')];
// Every test's temporary files go under one folder of this run, removed at the end: the tests make
// thousands of throwaway homes and trees, and a machine that ran the suite often filled its disk (78 GB).
// (open to every user as /tmp is, sticky: tests that drop to nobody or run PostgreSQL as postgres write there)
const runTmp = mkdtempSync(join(tmpdir(), 'warden-tests-'));
chmodSync(runTmp, 0o1777);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: runTmp },
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
  const inTemp = argv.some((a) => a.startsWith(runTmp + '/') || a.startsWith(tmpdir() + '/'));
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
// (a daemon just stopped may still be closing its files: the removal is retried)
try {
  rmSync(runTmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
} catch (e) {
  console.log(`run-tests: could not remove ${runTmp}: ${e.message}`);
}
process.exit(r.status ?? 1);
