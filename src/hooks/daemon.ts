/**
 * Resident mode: `warden daemon` keeps the engine, policy and audit database loaded and answers
 * hook calls over a Unix socket (mode 0600, in the user's Warden folder); the agent runs the small
 * compiled client (src/hooks/client.c) instead of starting Node per tool call. The client falls
 * back to the ordinary hook when the daemon is not there, so stopping it never switches the
 * guard off. The policy file is re-read when it changes.
 *
 * Started by the client itself (`--start`, the default of `warden install`), a daemon leaves on its
 * own: after `--idle-exit` seconds without a call, when its socket is removed or replaced (its
 * folder deleted, another program on the path), and when Warden is rebuilt or upgraded (the next
 * call starts one running the new code). It never leaves in the middle of a call.
 */
import { connect, createServer, type Server } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { loadMvdan } from '../analyzers/shell/mvdan.ts';
import { runInNewContext } from 'node:vm';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { loadPolicy, policyInputs, type Policy } from '../engine/policy.ts';
import { loadAnalyzers } from '../engine/judge.ts';
import { AuditLog, defaultAuditDir } from '../audit/log.ts';
import { judgePayload } from './run.ts';
import { answer, AGENTS, type Agent, type HookAnswer, type HookPayload } from './adapters.ts';
import { PACKAGE_ROOT } from '../paths.ts';
import { UserError } from '../errors.ts';
import { MAX_HOOK_INPUT } from './install.ts';

/**
 * How long the daemon's audit writes wait for another writer: its one thread serves every call,
 * so a locked database must cost a call (denied), not stall all of them for SQLite's default.
 */
const DAEMON_BUSY_MS = 2_000;
/** A request holds the agent, the project folder and the payload: the payload cap plus a header. */
const MAX_REQUEST = MAX_HOOK_INPUT + 8_192;

/** Whether something answers on the socket: a live daemon (even a stopped one) accepts connections. */
function answersOn(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false)); // ECONNREFUSED: a stale socket file; ENOENT: none
  });
}

export const defaultSocket = () => join(defaultAuditDir(), 'daemon.sock');
export const CLIENT_SOURCE = join(PACKAGE_ROOT, 'src', 'hooks', 'client.c');
export const defaultClient = () => join(defaultAuditDir(), 'warden-hook-client');

/**
 * Compiles the thin client with the system C compiler, into a new file renamed over the old one:
 * agents may be running the old one at that moment (a file being run cannot be rewritten).
 */
export function buildClient(out = defaultClient()): string {
  mkdirSync(dirname(out), { recursive: true, mode: 0o700 });
  const cc = process.env.CC ?? 'cc';
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(cc, ['-O2', '-o', tmp, CLIENT_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
  return out;
}

export interface DaemonOptions {
  socket?: string;
  policyFile?: string;
  auditDir?: string;
  /** Leave after this long without a call (the client-started daemon's `--idle-exit`). */
  idleExitMs?: number;
  /** How often the socket, the installed code and the idle time are looked at. */
  watchMs?: number;
  /** The files whose change means new code (the bundle and the build's stamp). */
  stampFiles?: string[];
  /**
   * Create the socket's folder when it is missing (a daemon the user starts). A daemon the hook
   * client started does not: its folder gone means its Warden home was deleted, not to be remade.
   */
  createFolder?: boolean;
}

/** What identifies the installed code: a rebuild or an upgrade rewrites them. */
const INSTALL_FILES = [join(PACKAGE_ROOT, 'dist', 'main.mjs'), join(PACKAGE_ROOT, 'dist', 'BUILT')];

/** The files' modification times ('-' for one missing): what changes when one is rewritten. */
function mtimes(files: string[]): string {
  return files
    .map((f) => {
      try {
        return String(statSync(f).mtimeMs);
      } catch {
        return '-';
      }
    })
    .join(' ');
}

/**
 * What decides which policy a call gets, as the per-process hook finds it at every call
 * (loadPolicy): the named file, or the enrolled machine's managed policy, $WARDEN_POLICY, the user's
 * and the system's files; and the minute, so that a managed policy's expiry is seen as it would be.
 * A change means: load the policy again before judging.
 */
function policyStamp(file: string | undefined): string {
  return `${mtimes(policyInputs(file))} ${file ? '' : Math.floor(Date.now() / 60_000)}`;
}

/**
 * Our pid in the start lock the client made, if there is one. Never through a link: a link planted
 * there (to a shell's start-up file, say) must not be written to.
 */
function markStartLock(lock: string): void {
  let fd: number;
  try {
    fd = openSync(lock, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW);
  } catch {
    return; // none, or a link: the client's age rule still applies
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
}

/** The inode of the socket we listen on, or undefined when the path is gone. */
function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/**
 * Why the daemon should leave now, if it should: the socket path no longer leads to it, the
 * installed code changed, or it has been idle too long (never with a call in progress).
 */
function reasonToLeave(
  socket: string,
  ino: number | undefined,
  folder: { path: string; ino: number | undefined },
  stamp: { files: string[]; was: string },
  idle: { ms?: number; since: number; active: number },
): string | undefined {
  if (inodeOf(socket) !== ino || inodeOf(folder.path) !== folder.ino)
    return `its socket ${socket} (or its folder) was removed or replaced`;
  if (mtimes(stamp.files) !== stamp.was) return 'Warden was rebuilt or upgraded';
  if (idle.ms !== undefined && idle.active === 0 && Date.now() - idle.since >= idle.ms)
    return `no call for ${Math.round(idle.ms / 1000)} s`;
  return undefined;
}

/** A young-generation collection, when V8 lets us ask for one (set up by the daemon only). */
function minorGc(): () => void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (o?: { type: string }) => void;
    return () => gc({ type: 'minor' });
  } catch {
    return () => {};
  }
}

export async function startDaemon(opts: DaemonOptions = {}): Promise<Server> {
  const socket = opts.socket ?? defaultSocket();
  if (opts.createFolder === false && !existsSync(dirname(socket)))
    throw new UserError(`the folder of ${socket} is gone; not starting`);
  mkdirSync(dirname(socket), { recursive: true, mode: 0o700 });
  // (a client that finds the start lock of a daemon that died before it listened takes it over)
  markStartLock(`${socket}.starting`);
  // (the folder as it is now: deleted and made again, by the audit log for one, is another folder)
  const folder = { path: dirname(socket), ino: inodeOf(dirname(socket)) };
  if (existsSync(socket)) {
    // Taking the socket of a live daemon would cut it off silently: refuse; replace a stale one.
    if (await answersOn(socket))
      throw new UserError(`another warden daemon is already answering on ${socket}; stop it first or use --socket`);
    unlinkSync(socket); // a stale socket from a previous run
  }
  await loadAnalyzers();
  // The shell parser is loaded now, before minorGc() below sets a V8 flag: V8 rejects a code cache
  // made under other flags, and mvdan-sh loaded later compiled from scratch (60 ms on the daemon's
  // first compound command instead of 14 ms with its cache).
  loadMvdan();
  const stampFiles = opts.stampFiles ?? INSTALL_FILES;
  const stamp = { files: stampFiles, was: mtimes(stampFiles) };
  const idle = { ms: opts.idleExitMs, since: Date.now(), active: 0 };
  const idleGc = minorGc();
  let policy: Policy = loadPolicy(opts.policyFile);
  let policyWas = policyStamp(opts.policyFile);
  const audit = new AuditLog(opts.auditDir, 'full', { busyTimeoutMs: DAEMON_BUSY_MS });
  // (a policy that can no longer be loaded, an expired managed one say, fails each call closed)
  const currentPolicy = (): Policy => {
    const now = policyStamp(opts.policyFile);
    if (now !== policyWas) {
      policy = loadPolicy(opts.policyFile);
      policyWas = now;
    }
    return policy;
  };
  // allowHalfOpen: the client ends its side after the request and still waits for the answer.
  const server = createServer({ allowHalfOpen: true }, (conn) => {
    idle.active++;
    let counted = true;
    const done = () => {
      if (counted) idle.active--;
      counted = false;
      idle.since = Date.now();
    };
    conn.on('close', done);
    const chunks: Buffer[] = [];
    let size = 0;
    conn.on('data', (c) => {
      size += c.length;
      if (size <= MAX_REQUEST) chunks.push(c);
    });
    conn.on('error', () => conn.destroy());
    conn.on('end', async () => {
      const buf = Buffer.concat(chunks);
      const a = buf.indexOf(10),
        b = buf.indexOf(10, a + 1);
      let r: HookAnswer;
      const agent = buf.subarray(0, a).toString() as Agent;
      try {
        if (a < 0 || b < 0 || !AGENTS.includes(agent)) throw new Error('malformed request');
        if (size > MAX_REQUEST)
          throw new Error(
            `the hook input is larger than ${MAX_HOOK_INPUT} bytes; Warden does not judge a call this large`,
          );
        const project = buf.subarray(a + 1, b).toString();
        const payload = JSON.parse(buf.subarray(b + 1).toString('utf8')) as HookPayload;
        if (project && !payload.cwd) payload.cwd = project;
        r = await judgePayload(agent, payload, currentPolicy(), audit, `hook:${agent}`, project || undefined);
      } catch (e) {
        r = answer(
          AGENTS.includes(agent) ? agent : AGENTS[0],
          'pre-tool',
          policy.onError,
          `Warden could not judge this call (${(e as Error).message}) and fails closed`,
        );
      }
      const out = Buffer.from(r.stdout ? r.stdout + '\n' : ''),
        err = Buffer.from(r.stderr);
      conn.end(Buffer.concat([Buffer.from(`${r.code} ${out.length} ${err.length}\n`), out, err]));
      // The agent waits for each answer before its next call: collect this call's garbage now,
      // between calls, rather than in the middle of the next one.
      setImmediate(idleGc);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, resolve);
  });
  chmodSync(socket, 0o600);
  // (the client that started us holds this lock so that others do not start a second daemon)
  rmSync(`${socket}.starting`, { force: true });
  const ino = inodeOf(socket);
  const watch = setInterval(() => {
    const why = reasonToLeave(socket, ino, folder, stamp, idle);
    if (!why) return;
    clearInterval(watch);
    process.stderr.write(`${new Date().toISOString()} warden daemon: pid ${process.pid} leaving: ${why}\n`);
    if (inodeOf(socket) === ino) rmSync(socket, { force: true });
    server.close();
  }, opts.watchMs ?? 5_000);
  watch.unref();
  server.on('close', () => {
    clearInterval(watch);
    audit.close();
  });
  return server;
}
