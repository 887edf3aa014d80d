/**
 * The bubblewrap profile of a `warden run` session: the system read-only, the workspace
 * read-write, the user's home replaced by the session home, Warden's own folder, the Docker
 * socket and other users' homes hidden, a network namespace with loopback only, a PID namespace
 * and a new session (no terminal injection), the whole tree killed with Warden.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

export const BWRAP_CANDIDATES = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'];

/** Where the session's sockets, client and read-only settings appear inside the sandbox. */
export const INSIDE_RUN = '/run/warden';

export interface Profile {
  workspace: string;
  /** The user's real home, replaced by `sessionHome` at the same path. */
  home: string;
  sessionHome: string;
  /** Host folder shown read-only at INSIDE_RUN (sockets, hook client, system settings). */
  runDir: string;
  /** Paths hidden behind an empty folder (Warden's home, policy folders…). */
  hide: string[];
  /** Files bound read-only over a path (sanitised project settings, the agent's user settings). */
  roFiles: [source: string, target: string][];
  env: Record<string, string>;
  chdir: string;
  /**
   * Capabilities the sandbox's first process gets (inside its user namespace only) for the network
   * recorder's set-up; every other one is dropped, and the relay drops these before the agent starts.
   */
  caps?: string[];
  /**
   * Sandbox uid and gid 0 (with `caps`, for a user without root): bubblewrap then keeps the network
   * namespace in the user namespace the relay holds capabilities in; the relay shows the agent the
   * user's own ids again from a nested one before it starts (netrec.c, become()).
   */
  uid0?: boolean;
}

/** The bwrap binary, or undefined. */
export function findBwrap(): string | undefined {
  // WARDEN_BWRAP names another bwrap (a build of its own, or a stand-in that proves the refusal).
  if (process.env.WARDEN_BWRAP) return existsSync(process.env.WARDEN_BWRAP) ? process.env.WARDEN_BWRAP : undefined;
  return BWRAP_CANDIDATES.find((p) => existsSync(p));
}

const under = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/**
 * Other users' homes and root's: /home and /root hidden whole, or, where one holds the workspace or
 * the home, every other entry on the way down to them hidden one by one.
 */
function homesHidden(p: Profile): string[] {
  const keep = [p.workspace, p.home];
  const out: string[] = [];
  for (const d of ['/home', '/root']) {
    if (!existsSync(d)) continue;
    const inside = keep.filter((k) => under(k, d));
    if (!inside.length) {
      out.push('--tmpfs', d);
      continue;
    }
    for (const k of inside)
      for (let cur = resolve(k); cur !== d && dirname(cur) !== cur; cur = dirname(cur))
        out.push(...dirsExcept(dirname(cur), keep));
  }
  return out;
}

/** `--tmpfs` over each folder in `parent` that leads to none of `keep`. */
function dirsExcept(parent: string, keep: string[]): string[] {
  const out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(parent);
  } catch {
    return out;
  }
  for (const n of names) {
    const full = resolve(parent, n);
    if (keep.some((k) => under(k, full))) continue;
    try {
      if (statSync(full).isDirectory()) out.push('--tmpfs', full);
    } catch {
      /* gone or unreadable: nothing to hide */
    }
  }
  return out;
}

const FRESH_ROOTS = ['/tmp', '/var/tmp', '/run'];

/** The top folder under a fresh root (/tmp/x for /tmp/x/node_modules/.bin/qwen) that holds the program, if any. */
function programFolder(program: string | undefined): string | undefined {
  if (!program?.startsWith('/') || !existsSync(program)) return undefined;
  for (const path of new Set([resolve(program), realpathSync(program)]))
    for (const root of FRESH_ROOTS)
      if (under(path, root) && path !== root) return root + sep + path.slice(root.length + 1).split(sep)[0];
  return undefined;
}

/** The folders of the programs the command names (its own words, and paths inside an `sh -c` script). */
function programFolders(argv: string[]): Set<string> {
  const words = argv.flatMap((w) => [w, ...(w.match(/(?<![\w.-])\/[^\s'"`;|&<>()]+/g) ?? [])]);
  const out = new Set<string>();
  for (const w of words.slice(0, 256)) {
    const f = programFolder(w);
    if (f) out.add(f);
  }
  return out;
}

export function bwrapArgs(p: Profile, argv: string[]): string[] {
  const a: string[] = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
  // Fresh /tmp and /run: the host's temporary files and sockets (Docker's at /run/docker.sock) are not shown.
  a.push('--tmpfs', '/tmp', '--tmpfs', '/run', '--tmpfs', '/var/tmp');
  // …except where a program the command names is installed under one of them (a checkout in /tmp):
  // that folder is shown read-only, or the agent could not start (the workspace is bound below).
  for (const shown of programFolders(argv))
    // (never a folder holding the user's home or the workspace: those are bound on their own terms)
    if (!under(p.home, shown) && !under(p.workspace, shown)) a.push('--ro-bind', shown, shown);
  if (existsSync('/var/run/docker.sock') && realpathSync('/var/run') !== '/run')
    a.push('--ro-bind', '/dev/null', '/var/run/docker.sock');
  a.push(...homesHidden(p));
  a.push('--bind', p.sessionHome, p.home);
  a.push('--bind', p.workspace, p.workspace);
  a.push('--ro-bind', p.runDir, INSIDE_RUN);
  for (const [src, dst] of p.roFiles) a.push('--ro-bind', src, dst);
  // Last, so that nothing bound above can show them again.
  for (const h of p.hide) if (existsSync(h) && statSync(h).isDirectory()) a.push('--tmpfs', h);
  // bwrap stays pid 1 of the new PID namespace (it reaps orphans); the whole tree dies with Warden.
  a.push('--unshare-all', '--die-with-parent', '--new-session', '--clearenv');
  if (p.caps?.length) a.push('--cap-drop', 'ALL', ...p.caps.flatMap((c) => ['--cap-add', c]));
  if (p.uid0) a.push('--uid', '0', '--gid', '0');
  for (const [k, v] of Object.entries(p.env)) a.push('--setenv', k, v);
  a.push('--chdir', p.chdir, '--', ...argv);
  return a;
}
