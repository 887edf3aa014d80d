// A throwaway PostgreSQL cluster for tests: initdb + pg_ctl in a temp folder, on a loopback port,
// trust authentication, run as the `postgres` user when we are root (postgres refuses root).
// `pgSkip` says why it cannot run here, so tests skip LOUDLY instead of passing quietly.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const v = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return v && existsSync(join(root, v, 'bin', 'initdb')) ? join(root, v, 'bin') : undefined;
}

export const PG_BIN = pgBin();
const asRoot = process.getuid?.() === 0;
const pgUser = asRoot ? spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }) : undefined;

export const pgSkip: string | false = !PG_BIN
  ? 'SKIPPED: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin); run `node scripts/setup-system.mjs` as root'
  : asRoot && pgUser?.status !== 0
    ? 'SKIPPED: running as root and there is no `postgres` user to run the test cluster as'
    : false;
if (pgSkip) process.stderr.write(`\n*** ${pgSkip} ***\n\n`);

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function run(args: string[]): void {
  const [cmd, ...rest] = args;
  const full = asRoot
    ? ['runuser', '-u', 'postgres', '--', join(PG_BIN!, cmd), ...rest]
    : [join(PG_BIN!, cmd), ...rest];
  const r = spawnSync(full[0], full.slice(1), { encoding: 'utf8', cwd: '/' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
}

export interface Pg {
  url: string;
  port: number;
  dir: string;
  start(): void;
  stop(): void;
  destroy(): void;
}

/** A new cluster with a database `warden`, started; stop()/start() to take it down and up again. */
export async function startPostgres(): Promise<Pg> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-pg-'));
  chmodSync(dir, 0o700);
  if (asRoot) {
    const uid = Number(pgUser!.stdout.trim());
    chownSync(dir, uid, uid);
  }
  const data = join(dir, 'data');
  run(['initdb', '-D', data, '-A', 'trust', '-U', 'warden', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const pg: Pg = {
    url: `postgres://warden@127.0.0.1:${port}/warden`,
    port,
    dir,
    start: () => run(['pg_ctl', '-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']),
    stop: () => run(['pg_ctl', '-D', data, '-m', 'fast', '-w', 'stop']),
    destroy() {
      try {
        pg.stop();
      } catch {
        /* already down */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  run(['createdb', '-h', '127.0.0.1', '-p', String(port), '-U', 'warden', 'warden']);
  return pg;
}
