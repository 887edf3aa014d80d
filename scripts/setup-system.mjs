// Installs the system packages Warden's containment needs (bubblewrap for `warden run`) when they
// are missing and this machine lets us: Linux, root, apt-get. Prints one line saying what it did
// or why it could not; exit 0 when the packages are there afterwards, 1 when not.
//   node scripts/setup-system.mjs
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const PACKAGES = [{ name: 'bubblewrap', binary: '/usr/bin/bwrap' }];

const missing = PACKAGES.filter((p) => !existsSync(p.binary));
if (!missing.length) process.exit(0);
const names = missing.map((p) => p.name).join(' ');
const why =
  process.platform !== 'linux'
    ? 'not Linux'
    : process.getuid?.() !== 0
      ? 'not root (run: sudo apt-get install -y ' + names + ')'
      : !existsSync('/usr/bin/apt-get')
        ? 'no apt-get (install ' + names + ' with your package manager)'
        : undefined;
if (why) {
  process.stderr.write(`setup-system: ${names} missing and not installed: ${why}\n`);
  process.exit(1);
}
const run = (args) =>
  spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
let r = run(['install', '-y', '--no-install-recommends', ...missing.map((p) => p.name)]);
if (r.status !== 0) {
  run(['update']);
  r = run(['install', '-y', '--no-install-recommends', ...missing.map((p) => p.name)]);
}
const still = missing.filter((p) => !existsSync(p.binary));
if (still.length) {
  process.stderr.write(
    `setup-system: apt-get could not install ${names}: ${(r.stderr || '').trim().split('\n').pop()}\n`,
  );
  process.exit(1);
}
process.stderr.write(`setup-system: installed ${names}\n`);
