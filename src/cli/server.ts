/**
 * `warden server …` (the fleet service), `warden enrol` and `warden audit push` (a machine's side).
 * Admin commands talk to the running server over HTTP with the admin token from this home; when no
 * server answers, they open the store directly (--db, or the embedded one in this home).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, UsageError } from './args.ts';
import { UserError } from '../errors.ts';
import { defaultAuditDir } from '../paths.ts';
import { ADMIN_TOKEN_FILE } from '../server/tokens.ts';
import { LISTEN_FILE } from '../server/app.ts';
import { Unreachable } from '../server/client.ts';

const home = () => defaultAuditDir();

function portArg(v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0–65535, not ${v}`);
  return n;
}

function positive(v: unknown, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number, not ${v}`);
  return n;
}

/** Every option of `warden server …`, parsed at once (its help lists them together). */
const SERVER_FLAGS = {
  db: 'string',
  host: 'string',
  port: 'string',
  'silence-minutes': 'string',
  'bundle-hours': 'string',
  otlp: 'string',
  hours: 'string',
  url: 'string',
  'approval-minutes': 'string',
  'agent-settings': 'bool',
} as const;
const SERVE_ONLY = ['db', 'host', 'port', 'silence-minutes', 'bundle-hours', 'otlp'];

/** A flag given to a subcommand that does not take it is an error, not ignored. */
function only(flags: Record<string, unknown>, allowed: string[], what: string): void {
  const extra = Object.keys(flags).filter((f) => !allowed.includes(f));
  if (extra.length)
    throw new UsageError(`${what} does not take --${extra[0]} (it takes ${allowed.map((a) => `--${a}`).join(' ')})`);
}

export async function serverCommand(rest: string[]): Promise<number> {
  const { flags, rest: pos } = parseArgs(rest, SERVER_FLAGS);
  const [sub, ...more] = pos;
  if (sub === 'token') return tokenCommand(more, flags);
  if (sub === 'policy') return policyCommand(more, flags);
  if (sub) throw new UsageError(`unknown subcommand 'server ${sub}' (token create, policy set)`);
  only(flags, SERVE_ONLY, 'warden server');
  const { startServer } = await import('../server/app.ts');
  const s = await startServer({
    db: (flags.db as string | undefined) ?? process.env.WARDEN_SERVER_DB,
    home: home(),
    host: (flags.host as string | undefined) ?? '127.0.0.1',
    port: portArg(flags.port, 8790),
    silenceMinutes: positive(flags['silence-minutes'], '--silence-minutes', 60),
    bundleHours: positive(flags['bundle-hours'], '--bundle-hours', 72),
    otlp: flags.otlp as string | undefined,
  });
  process.stdout.write(`admin token: ${s.adminTokenFile}\n`);
  process.stdout.write(
    `warden server: listening on ${s.url} (${s.store.kind === 'embedded' ? 'embedded store in ' + join(home(), 'server-db') : 'PostgreSQL'})\n`,
  );
  await new Promise<void>((done) => {
    const stop = () => void s.close().finally(done);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}

function serverUrl(flag: unknown): string {
  if (typeof flag === 'string') return flag.replace(/\/+$/, '');
  try {
    return (JSON.parse(readFileSync(join(home(), LISTEN_FILE), 'utf8')) as { url: string }).url;
  } catch {
    return 'http://127.0.0.1:8790';
  }
}

function adminToken(): string {
  const file = join(home(), ADMIN_TOKEN_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new UserError(`no admin token at ${file}: start \`warden server\` with this WARDEN_HOME first`);
  }
}

/** An admin call over HTTP; undefined when no server answers (the caller may open the store itself). */
async function adminCall(url: string, path: string, body: unknown): Promise<Record<string, unknown> | undefined> {
  let res: Response;
  try {
    res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken()}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    if (e instanceof UserError) throw e;
    return undefined;
  }
  const out = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.status !== 200) throw new UserError(`the server at ${url} answered HTTP ${res.status}: ${out.error ?? ''}`);
  return out;
}

async function withStore<T>(db: unknown, f: (s: import('../server/store.ts').Store) => Promise<T>): Promise<T> {
  const { openStore } = await import('../server/store.ts');
  const s = await openStore((db as string | undefined) ?? process.env.WARDEN_SERVER_DB, home());
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

async function tokenCommand(pos: string[], flags: Record<string, unknown>): Promise<number> {
  only(flags, ['hours', 'url', 'db'], 'warden server token create');
  if (pos[0] !== 'create' || pos.length > 1) throw new UsageError('usage: warden server token create [--hours N]');
  const hours = positive(flags.hours, '--hours', 24);
  if (hours < 1 || hours > 24 * 365) throw new UsageError('--hours must be 1–8760');
  let out = flags.db ? undefined : await adminCall(serverUrl(flags.url), '/api/tokens', { hours });
  if (!out) {
    const { createEnrolToken } = await import('../server/tokens.ts');
    out = { ...(await withStore(flags.db, (s) => createEnrolToken(s, hours))) };
  }
  process.stdout.write(`token: ${out.token}\n`);
  process.stdout.write(`expires: ${out.expires}\n`);
  return 0;
}

async function policyCommand(pos: string[], flags: Record<string, unknown>): Promise<number> {
  only(flags, ['approval-minutes', 'agent-settings', 'url', 'db'], 'warden server policy set');
  if (pos[0] !== 'set' || !pos[1] || pos.length > 2)
    throw new UsageError('usage: warden server policy set FILE [--approval-minutes N] [--agent-settings]');
  let policy: string;
  try {
    policy = readFileSync(pos[1], 'utf8');
  } catch (e) {
    throw new UserError(`${pos[1]}: cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  const { parsePolicy, builtinPolicy } = await import('../engine/policy.ts');
  parsePolicy(policy, pos[1], builtinPolicy()); // a bad policy is refused here, before any machine could fetch it
  const approvalMinutes = positive(flags['approval-minutes'], '--approval-minutes', 0);
  const agentSettings = flags['agent-settings'] === true;
  let out = flags.db
    ? undefined
    : await adminCall(serverUrl(flags.url), '/api/policy', { policy, approvalMinutes, agentSettings });
  if (!out) {
    const { publishPolicy } = await import('../server/api.ts');
    out = {
      version: await withStore(flags.db, (s) => publishPolicy(s, policy, approvalMinutes, 'cli', agentSettings)),
    };
  }
  process.stdout.write(
    `published policy version ${out.version}${approvalMinutes ? ` (approvals on, ${approvalMinutes} min)` : ''}` +
      `${agentSettings ? " (with each agent's managed settings)" : ''}\n`,
  );
  return 0;
}

export async function enrolCommand(rest: string[]): Promise<number> {
  const { flags, rest: pos } = parseArgs(rest, { token: 'string' });
  if (!pos[0] || typeof flags.token !== 'string') throw new UsageError('usage: warden enrol URL --token T');
  const { enrol, fetchPolicy } = await import('../server/client.ts');
  const e = await enrol(home(), pos[0], flags.token);
  process.stdout.write(`enrolled as machine ${e.machine} with ${e.url}; server key pinned: ${e.serverFingerprint}\n`);
  const p = await fetchPolicy(home());
  if (p.version) process.stdout.write(`managed policy version ${p.version} fetched and verified\n`);
  if (p.applied?.length) process.stdout.write(`managed settings written for ${p.applied.join(', ')}\n`);
  for (const n of p.notes ?? []) process.stderr.write(`warden: ${n}\n`);
  if (p.problem) throw new UserError(p.problem);
  return 0;
}

export async function pushCommand(rest: string[]): Promise<number> {
  const { flags } = parseArgs(rest, { dir: 'string', batch: 'string' });
  const dir = (flags.dir as string | undefined) ?? home();
  const { push, fetchPolicy, reportGuard } = await import('../server/client.ts');
  try {
    const r = await push(dir, { batch: flags.batch ? positive(flags.batch, '--batch', 2000) || 1 : undefined });
    process.stdout.write(
      `sent ${r.sent} records: ${r.stored} stored, ${r.duplicates} already on the server; acknowledged up to record ${r.acked}\n`,
    );
    for (const a of r.alerts) process.stdout.write(`server flagged: ${a}\n`);
    if (r.refused) {
      process.stdout.write(`refused: ${r.refused}\n`);
      return 1;
    }
  } catch (e) {
    if (e instanceof Unreachable) {
      process.stderr.write(`warden: ${e.message}; the records stay in the local log and go with the next push\n`);
      return 1;
    }
    throw e;
  }
  // Which guard layers are in force on this machine, for the console (warden doctor's reports),
  // taken before the policy fetch writes the agents' managed settings again: the server sees drift.
  const { guardReports, guardDue, guardSent, managedKey } = await import('../server/guard-report.ts');
  const key = managedKey(dir);
  const reports = guardDue(dir, key) ? guardReports(dir) : undefined;
  const p = await fetchPolicy(dir).catch((e: Error) => ({ problem: e.message, version: undefined, notes: [] }));
  if (p.problem) process.stderr.write(`warden: ${p.problem}\n`);
  for (const n of p.notes ?? []) process.stderr.write(`warden: ${n}\n`);
  if (!reports) return 0;
  await reportGuard(dir, reports).then(
    () => guardSent(dir, key),
    (e: Error) => process.stderr.write(`warden: ${e.message}\n`),
  );
  return 0;
}
