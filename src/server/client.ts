/**
 * The machine's side: `warden enrol` (register, pin the server's key), `warden audit push` (send
 * what the server has not acknowledged), the policy bundle fetch and approval requests. The local
 * audit log is the queue: a record leaves it only by being acknowledged, and the acknowledged
 * position (`server-ack.json`) is written after the server's answer, so a push killed at any point
 * resends at most what the server already has, which it recognises (same seq, same hash).
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { AuditLog, readHeadFile, type AuditRecord } from '../audit/log.ts';
import { UserError } from '../errors.ts';
import { bundleProblem, type Bundle } from './bundle.ts';
import { ENROL_FILE, POLICY_CACHE, readEnrolment, type Enrolment } from './managed.ts';

export const ACK_FILE = 'server-ack.json';
export const PUSH_BATCH = 2000;
/** A batch stops growing past this many bytes, well under the server's body limit (32 MB). */
const BATCH_BYTES = 8 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export class Unreachable extends UserError {}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

async function call<T>(
  url: string,
  init: RequestInit & { token?: string; body?: string; timeoutMs?: number },
): Promise<{ status: number; body: T }> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      signal: AbortSignal.timeout(init.timeoutMs ?? TIMEOUT_MS),
    });
  } catch (e) {
    const c = (e as { cause?: { code?: string } }).cause?.code;
    throw new Unreachable(`the server at ${new URL(url).origin} cannot be reached (${c ?? (e as Error).message})`);
  }
  const text = await res.text();
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    body = { error: text.slice(0, 200) } as T;
  }
  return { status: res.status, body };
}

function errorOf(b: unknown): string {
  return (b as { error?: string })?.error ?? 'no reason given';
}

/** Registers this machine with its audit log's public key; pins the server's key. */
export async function enrol(home: string, url: string, token: string): Promise<Enrolment> {
  const base = url.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(base)) throw new UserError(`${url} is not an http(s) URL`);
  const log = new AuditLog(home); // makes the log and its key if this machine has none yet
  log.close();
  const head = readHeadFile(home);
  if (!head) throw new UserError(`no signed audit head in ${home}: check it with \`warden audit verify\``);
  const r = await call<{ machine: string; token: string; serverKey: string; fingerprint: string }>(
    `${base}/api/enrol`,
    {
      method: 'POST',
      body: JSON.stringify({ token, name: hostname(), pub: head.pub, log: head.log }),
    },
  );
  if (r.status !== 200) throw new UserError(`enrolment refused by ${base} (HTTP ${r.status}): ${errorOf(r.body)}`);
  const e: Enrolment = {
    url: base,
    machine: r.body.machine,
    token: r.body.token,
    serverKey: r.body.serverKey,
    serverFingerprint: r.body.fingerprint,
    enrolled: new Date().toISOString(),
  };
  writeAtomic(join(home, ENROL_FILE), JSON.stringify(e, null, 2) + '\n');
  const w = new AuditLog(home);
  try {
    w.append({
      source: 'server',
      kind: 'enrol',
      decision: 'allow',
      data: { url: base, machine: e.machine, serverFingerprint: e.serverFingerprint },
    });
  } finally {
    w.close();
  }
  return e;
}

function enrolled(home: string): Enrolment {
  const e = readEnrolment(home);
  if (!e)
    throw new UserError(
      `this machine is not enrolled (no ${join(home, ENROL_FILE)}): run \`warden enrol URL --token T\``,
    );
  return e;
}

interface Ack {
  log: string;
  seq: number;
  hash: string;
}

function readAck(home: string): Ack | undefined {
  try {
    const a = JSON.parse(readFileSync(join(home, ACK_FILE), 'utf8')) as Ack;
    return typeof a.log === 'string' && Number.isSafeInteger(a.seq) ? a : undefined;
  } catch {
    return undefined; // none yet, or damaged: start over (the server drops what it already has)
  }
}

export interface PushReport {
  sent: number;
  stored: number;
  duplicates: number;
  acked: number;
  alerts: string[];
  refused?: string;
}

/** Sends every record after the acknowledged position, in batches, with the signed head. */
export async function push(home: string, opts: { batch?: number } = {}): Promise<PushReport> {
  const e = enrolled(home);
  const file = readHeadFile(home);
  const log = new AuditLog(home, 'full', { readOnly: true });
  const out: PushReport = { sent: 0, stored: 0, duplicates: 0, acked: 0, alerts: [] };
  try {
    const head = log.signedHead();
    if (!head || !file) throw new UserError(`${home}: no signed head to push (check with \`warden audit verify\`)`);
    const prior = readAck(home);
    let after = prior?.log === head.log ? prior.seq : 0;
    out.acked = after;
    const batch = opts.batch ?? PUSH_BATCH;
    for (;;) {
      const recs: AuditRecord[] = [];
      let bytes = 0;
      for (const r of log.records({ after })) {
        if (r.seq > head.seq || recs.length >= batch || bytes > BATCH_BYTES) break;
        recs.push(r);
        bytes += JSON.stringify(r.data).length + 300;
      }
      const res = await send(e, { log: head.log, pub: file.pub, head, records: recs });
      out.sent += recs.length;
      out.stored += res.stored;
      out.duplicates += res.duplicates;
      out.alerts.push(...res.alerts);
      // Only forward: another push (a background one) may have acknowledged more meanwhile.
      const now = readAck(home);
      if (!now || now.log !== res.acked.log || res.acked.seq > now.seq)
        writeAtomic(join(home, ACK_FILE), JSON.stringify(res.acked) + '\n');
      out.acked = Math.max(after, res.acked.seq);
      if (res.refused) return { ...out, refused: res.refused };
      if (!recs.length || res.acked.seq <= after) break;
      after = res.acked.seq;
    }
  } finally {
    log.close();
  }
  return out;
}

async function send(e: Enrolment, body: unknown) {
  const r = await call<{ acked: Ack; stored: number; duplicates: number; alerts: string[]; refused?: string }>(
    `${e.url}/api/ingest`,
    { method: 'POST', token: e.token, body: JSON.stringify(body) },
  );
  if (r.status === 401) throw new UserError(`the server refused this machine's token (HTTP 401): enrol again`);
  if (r.status !== 200)
    throw new Unreachable(`the server did not take the records (HTTP ${r.status}): ${errorOf(r.body)}`);
  return r.body;
}

/** Fetches the policy bundle, verifies it against the pinned key and caches it. */
export async function fetchPolicy(
  home: string,
  timeoutMs = TIMEOUT_MS,
): Promise<{
  version?: number;
  problem?: string;
  /** Agents whose managed settings the bundle carries (written), and what could not be written. */
  applied?: string[];
  notes?: string[];
}> {
  const e = enrolled(home);
  const r = await call<Bundle>(`${e.url}/api/policy`, { method: 'GET', token: e.token, timeoutMs });
  if (r.status === 404) return {};
  if (r.status !== 200) throw new Unreachable(`the policy could not be fetched (HTTP ${r.status}): ${errorOf(r.body)}`);
  const problem = bundleProblem(r.body, e.serverKey);
  // A bundle that does not verify is not cached: the last good one stays until it expires.
  if (problem) return { problem: `the server's policy bundle is refused: ${problem}` };
  writeAtomic(join(home, POLICY_CACHE), JSON.stringify(r.body) + '\n');
  if (!r.body.managed) return { version: r.body.version };
  // The agents' own managed settings, from the same verified bundle: their native controls agree.
  const { applyManaged } = await import('./agent-settings.ts');
  const failed = applyManaged(r.body.managed);
  return { version: r.body.version, applied: Object.keys(r.body.managed), notes: failed };
}

export interface ApprovalAnswer {
  id: string;
  state: 'pending' | 'approved' | 'refused';
  approvedBy?: string;
  validUntil?: string;
}

/** Asks the server whether this exact call was approved (creating a pending request if not). */
export async function requestApproval(
  home: string,
  req: { session: string; call: unknown; summary: string; reason: string },
  timeoutMs = TIMEOUT_MS,
): Promise<ApprovalAnswer> {
  const e = enrolled(home);
  const r = await call<ApprovalAnswer>(`${e.url}/api/approvals`, {
    method: 'POST',
    token: e.token,
    timeoutMs,
    body: JSON.stringify(req),
  });
  if (r.status !== 200) throw new Unreachable(`approval request failed (HTTP ${r.status}): ${errorOf(r.body)}`);
  return r.body;
}

/** `warden doctor`'s reports, for the console's guard column. */
export async function reportGuard(home: string, reports: unknown): Promise<void> {
  const e = enrolled(home);
  const r = await call(`${e.url}/api/guard`, { method: 'POST', token: e.token, body: JSON.stringify(reports) });
  if (r.status !== 200) throw new Unreachable(`the guard report was not taken (HTTP ${r.status})`);
}

/** How long after a push the next background forward may start. */
export const FORWARD_EVERY_MS = 30_000;

/**
 * Starts `warden audit push` in the background (detached, its own process) when this machine is
 * enrolled and has not pushed for FORWARD_EVERY_MS: never on the decision's path, and nothing is
 * lost if it fails (the log is the queue; the next forward sends it). For front doors: judge, hooks.
 * `now`: at the end of a session (`warden run`), whose last records should not wait for the next
 * front door; a push running meanwhile is harmless (the server recognises what it already has).
 */
export function forwardSoon(home: string, bin = process.argv[1], now = false): boolean {
  if (!existsSync(join(home, ENROL_FILE)) || !bin) return false;
  const ack = join(home, ACK_FILE);
  try {
    if (!now && Date.now() - statSync(ack).mtimeMs < FORWARD_EVERY_MS) return false;
  } catch {
    /* never pushed: push now */
  }
  try {
    writeFileSync(ack, existsSync(ack) ? readFileSync(ack) : '{}\n'); // marks the attempt: one forward at a time
    const p = spawn(process.execPath, [bin, 'audit', 'push'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, WARDEN_HOME: home },
    });
    p.unref();
    return true;
  } catch {
    return false;
  }
}

/** How long a front door's start waits for the policy fetch. */
const REFRESH_TIMEOUT_MS = 5_000;

/**
 * At a long-lived front door's start (daemon, gateway): fetch the managed policy when enrolled, so
 * it starts on the newest one. A failure is reported and the verified cache stays in force
 * (loadPolicy refuses a bad or expired one). Returns a line to print, or undefined.
 */
export async function refreshPolicy(home: string): Promise<string | undefined> {
  if (!readEnrolment(home)) return undefined;
  try {
    // Bounded: a stalled server must not hold the daemon's or gateway's start (the cache stays in force).
    const r = await fetchPolicy(home, REFRESH_TIMEOUT_MS);
    return r.problem ?? (r.version ? `managed policy version ${r.version} fetched and verified` : undefined);
  } catch (e) {
    return `the managed policy could not be refreshed (${(e as Error).message}); using the cached one`;
  }
}

/** For long-lived front doors (daemon, gateway): a background forward every FORWARD_EVERY_MS. */
export function forwardEvery(home: string): NodeJS.Timeout {
  const t = setInterval(() => forwardSoon(home), FORWARD_EVERY_MS);
  t.unref();
  return t;
}
