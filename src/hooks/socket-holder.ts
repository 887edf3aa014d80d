/**
 * Who listens on a Unix socket path (Linux /proc): for `warden doctor`, which says so when the
 * resident daemon's socket is held by a program that is not Warden's daemon. The hook client
 * already ignores such a program (src/hooks/client.c, peer_is_warden); the doctor names it.
 */
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';

export interface Holder {
  pid: number;
  argv: string[];
}

/** The socket inodes bound to `path` (from /proc/net/unix), empty when nobody listens there. */
function inodesOf(path: string): Set<string> {
  const inodes = new Set<string>();
  let table: string;
  try {
    table = readFileSync('/proc/net/unix', 'utf8');
  } catch {
    return inodes;
  }
  for (const line of table.split('\n').slice(1)) {
    // Num RefCount Protocol Flags Type St Inode Path
    const f = line.trim().split(/\s+/);
    if (f.length >= 8 && f.slice(7).join(' ') === path) inodes.add(f[6]);
  }
  return inodes;
}

/** A process's arguments (from /proc), or [] when it is gone or not readable. */
function argvOf(pid: string): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** The running processes with the arguments they were started with. */
export function processes(): Holder[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((p) => ({ pid: Number(p), argv: argvOf(p) }))
    .filter((h) => h.argv.length > 0);
}

/** The processes (of this user: others' /proc fds are not readable) holding a socket bound to `path`. */
export function socketHolders(path: string): Holder[] {
  const inodes = inodesOf(path);
  if (!inodes.size) return [];
  const wanted = new Set([...inodes].map((i) => `socket:[${i}]`));
  const out: Holder[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        return wanted.has(readlinkSync(`/proc/${p}/fd/${fd}`));
      } catch {
        return false;
      }
    });
    if (holds) out.push({ pid: Number(p), argv: argvOf(p) });
  }
  return out;
}

/** Whether a holder is `warden daemon` run from this Warden (`wardenJs`, after links). */
export function isWardenDaemon(h: Holder, wardenJs: string): boolean {
  if (h.argv[2] !== 'daemon' || !h.argv[1]) return false;
  try {
    return realpathSync(h.argv[1]) === realpathSync(wardenJs);
  } catch {
    return false;
  }
}
