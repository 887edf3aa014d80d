// Installs the system packages the tests, `warden run` and `warden server` use, where this machine allows it
// (root and Debian's apt): one function per package, each checking first, so nothing is installed
// twice and a machine that cannot install says so (the tests that need it then skip LOUDLY).
// Usage: node scripts/setup-system.mjs [bubblewrap] [postgresql] [chromium]   (default: all)
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const canApt = () => process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
let updated = false;

function apt(pkg) {
  if (!canApt()) {
    process.stderr.write(`setup-system: ${pkg} is missing and cannot be installed here (needs root and apt-get)\n`);
    return false;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  updated = true;
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'inherit', env });
  return r.status === 0;
}

/** PostgreSQL server binaries (the tests make a throwaway cluster with initdb and pg_ctl). */
export function ensurePostgresql() {
  const root = '/usr/lib/postgresql';
  const have = existsSync(root) && readdirSync(root).some((v) => existsSync(`${root}/${v}/bin/initdb`));
  return have || apt('postgresql');
}

/** bubblewrap, the sandbox `warden run` puts the whole agent in. */
export function ensureBubblewrap() {
  return process.platform !== 'linux' || existsSync('/usr/bin/bwrap') || apt('bubblewrap');
}

/** Chromium for the console's browser tests (driven by playwright-core). */
export function ensureChromium() {
  return existsSync('/usr/bin/chromium') || apt('chromium');
}

const wanted = process.argv.slice(2);
const all = { bubblewrap: ensureBubblewrap, postgresql: ensurePostgresql, chromium: ensureChromium };
if (process.argv[1]?.endsWith('setup-system.mjs'))
  for (const [name, f] of Object.entries(all))
    if (!wanted.length || wanted.includes(name)) process.stdout.write(`${name}: ${f() ? 'ok' : 'MISSING'}\n`);
