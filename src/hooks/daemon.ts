/**
 * Resident mode: `warden daemon` keeps the engine, policy and audit database loaded and answers
 * hook calls over a Unix socket (mode 0600, in the user's Warden folder); the agent runs the small
 * compiled client (src/hooks/client.c) instead of starting Node per tool call. The client falls
 * back to the ordinary hook when the daemon is not there, so stopping it never switches the
 * guard off. The policy file is re-read when it changes.
 */
import { connect, createServer, type Server } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { chmodSync, existsSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { loadPolicy, type Policy } from '../engine/policy.ts';
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

/** Compiles the thin client with the system C compiler. */
export function buildClient(out = defaultClient()): string {
  mkdirSync(dirname(out), { recursive: true });
  const cc = process.env.CC ?? 'cc';
  execFileSync(cc, ['-O2', '-o', out, CLIENT_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

export interface DaemonOptions {
  socket?: string;
  policyFile?: string;
  auditDir?: string;
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
  mkdirSync(dirname(socket), { recursive: true, mode: 0o700 });
  if (existsSync(socket)) {
    // Taking the socket of a live daemon would cut it off silently: refuse; replace a stale one.
    if (await answersOn(socket))
      throw new UserError(`another warden daemon is already answering on ${socket}; stop it first or use --socket`);
    unlinkSync(socket); // a stale socket from a previous run
  }
  await loadAnalyzers();
  const idleGc = minorGc();
  let policy: Policy = loadPolicy(opts.policyFile);
  let policyStamp = opts.policyFile ? statSync(opts.policyFile).mtimeMs : 0;
  const audit = new AuditLog(opts.auditDir, 'full', { busyTimeoutMs: DAEMON_BUSY_MS });
  const currentPolicy = (): Policy => {
    if (opts.policyFile) {
      const m = statSync(opts.policyFile).mtimeMs;
      if (m !== policyStamp) {
        policy = loadPolicy(opts.policyFile);
        policyStamp = m;
      }
    }
    return policy;
  };
  // allowHalfOpen: the client ends its side after the request and still waits for the answer.
  const server = createServer({ allowHalfOpen: true }, (conn) => {
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
  server.on('close', () => audit.close());
  return server;
}
