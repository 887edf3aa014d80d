/**
 * The JSON API: health, enrolment, record ingest, events of a session, enrolment tokens, alerts,
 * policy bundles and approvals. Every route is a few lines over the modules that do the work.
 */
import { createHash, randomUUID } from 'node:crypto';
import { keyFingerprint, canonical } from '../audit/log.ts';
import { createPublicKey } from 'node:crypto';
import { builtinPolicy, parsePolicy } from '../engine/policy.ts';
import { signBundle, type Bundle } from './bundle.ts';
import { expectedHash, managedFor } from './agent-settings.ts';
import { HttpError, json, type Ctx, type Route } from './http.ts';
import { checkShape, ingest, raise, sweepSilence } from './ingest.ts';
import type { Sql, Store } from './store.ts';
import { createEnrolToken, registerMachine, serverAudit, useEnrolToken, type ServerKey } from './tokens.ts';

export interface ApiOptions {
  key: ServerKey;
  /** Minutes without a report before a machine is flagged silent. */
  silenceMinutes: number;
  /** Hours a machine may use its cached policy bundle. */
  bundleHours: number;
  /** Records are also sent here (OTLP/HTTP JSON), when set. */
  onRecords?: (machine: string, records: unknown[]) => void;
}

const str = (v: unknown, what: string, max = 200): string => {
  if (typeof v !== 'string' || !v || v.length > max) throw new HttpError(400, `${what} must be a string (1–${max})`);
  return v;
};

export interface RecordRow {
  machine: string;
  log: string;
  seq: number;
  ts: string;
  session: string;
  source: string;
  kind: string;
  decision: string;
  data: unknown;
  prev: string;
  hash: string;
}

export function rowToRecord(r: Record<string, unknown>): RecordRow {
  let data: unknown = r.data;
  try {
    data = JSON.parse(r.data as string);
  } catch {
    /* kept as text */
  }
  return { ...(r as unknown as RecordRow), seq: Number(r.seq), data };
}

export async function sessionRecords(sql: Sql, session: string, limit = 10_000): Promise<RecordRow[]> {
  const r = await sql.query(
    `SELECT machine, log, seq, ts, session, source, kind, decision, data, prev, hash FROM records
     WHERE session = $1 ORDER BY ts, seq LIMIT $2`,
    [session, limit],
  );
  return r.rows.map(rowToRecord);
}

/** The newest policy, signed now with an expiry (machines' caches run out if they stop fetching). */
export async function currentBundle(store: Sql, key: ServerKey, hours: number): Promise<Bundle | undefined> {
  const row = (
    await store.query<{
      version: string;
      bundle: { policy: string; approvalMinutes: number; agentSettings?: boolean };
      created: Date;
    }>(`SELECT version, bundle, created FROM policies ORDER BY version DESC LIMIT 1`)
  ).rows[0];
  if (!row) return undefined;
  return signBundle(
    {
      v: 1,
      version: Number(row.version),
      policy: row.bundle.policy,
      approvalMinutes: row.bundle.approvalMinutes,
      published: new Date(row.created).toISOString(),
      expires: new Date(Date.now() + hours * 3600_000).toISOString(),
      key: key.fingerprint,
      ...(row.bundle.agentSettings ? { managed: managedFor(row.bundle.policy) } : {}),
    },
    key.key,
  );
}

/**
 * Which agents' managed settings on a machine no longer say what the current policy makes them say:
 * the hash each report carries against the one the server computes itself (never the machine's).
 */
async function driftOf(
  store: Sql,
  key: ServerKey,
  reports: unknown,
): Promise<{ policyVersion?: number; drift?: string[] }> {
  const b = await currentBundle(store, key, 1);
  if (!b?.managed) return {};
  const got = new Map(
    (Array.isArray(reports) ? reports : []).map((r: { agent?: unknown; managed?: { hash?: unknown } }) => [
      r?.agent,
      r?.managed?.hash,
    ]),
  );
  const drift = Object.entries(b.managed)
    .filter(([agent, parts]) => got.get(agent) !== expectedHash(parts))
    .map(([agent]) => agent);
  return { policyVersion: b.version, drift };
}

function hashOf(reports: unknown, agent: string): string {
  const r = (Array.isArray(reports) ? reports : []).find((x: { agent?: unknown }) => x?.agent === agent);
  return String((r as { managed?: { hash?: unknown } } | undefined)?.managed?.hash ?? 'none').slice(0, 64);
}

export async function publishPolicy(
  store: Store,
  policy: string,
  approvalMinutes: number,
  author: string,
  agentSettings = false,
): Promise<number> {
  try {
    parsePolicy(policy, 'the published policy', builtinPolicy());
  } catch (e) {
    throw new HttpError(400, (e as Error).message);
  }
  if (!Number.isInteger(approvalMinutes) || approvalMinutes < 0 || approvalMinutes > 24 * 60)
    throw new HttpError(400, 'approvalMinutes must be a whole number of minutes (0 = approvals off, at most 1440)');
  return store.tx(async (sql) => {
    const r = await sql.query<{ version: string }>(
      `INSERT INTO policies (bundle, author) VALUES ($1, $2) RETURNING version`,
      [JSON.stringify({ policy, approvalMinutes, ...(agentSettings ? { agentSettings } : {}) }), author],
    );
    const version = Number(r.rows[0].version);
    await serverAudit(sql, author, 'policy.publish', { version, approvalMinutes, agentSettings });
    return version;
  });
}

/** How long a refused call stays refused before asking it again opens a new request. */
const REFUSAL_MS = 15 * 60_000;

export function callHash(call: unknown): string {
  return createHash('sha256').update(canonical(call)).digest('hex');
}

/** A machine asks whether a call may run: an approved, unexpired approval says yes; else one pending. */
async function requestApproval(c: Ctx): Promise<void> {
  const b = (await c.body()) as { session?: unknown; call?: unknown; summary?: unknown; reason?: unknown };
  if (!b || b.call === undefined) throw new HttpError(400, 'an approval request is {session, call, summary, reason}');
  const session = str(b.session, 'session'),
    summary = str(b.summary, 'summary', 2000),
    reason = str(b.reason, 'reason', 2000);
  const h = callHash(b.call);
  const m = c.machine!.id;
  const out = await c.store.tx(async (sql) => {
    await sql.query(`SELECT 1 FROM machines WHERE id = $1 FOR UPDATE`, [m]);
    const rows = (
      await sql.query<{ id: string; state: string; valid_until: Date | null; decided_by: string; decided: Date }>(
        `SELECT id, state, valid_until, decided_by, decided FROM approvals WHERE machine = $1 AND call_hash = $2
       ORDER BY created DESC LIMIT 1`,
        [m, h],
      )
    ).rows;
    const last = rows[0];
    if (last?.state === 'approved' && last.valid_until && new Date(last.valid_until).getTime() > Date.now())
      return { id: last.id, state: 'approved', approvedBy: last.decided_by, validUntil: last.valid_until };
    if (last?.state === 'pending') return { id: last.id, state: 'pending' };
    // A refusal stands for a while: retrying at once must not put the same question back at the top.
    if (last?.state === 'refused' && last.decided && Date.now() - new Date(last.decided).getTime() < REFUSAL_MS)
      return { id: last.id, state: 'refused', refusedBy: last.decided_by };
    const id = `apr-${randomUUID().slice(0, 8)}`;
    await sql.query(
      `INSERT INTO approvals (id, machine, session, call_hash, summary, reason) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, m, session, h, summary, reason],
    );
    return { id, state: 'pending', previous: last ? { id: last.id, state: last.state } : undefined };
  });
  json(c.res, 200, out);
}

/** Approve or refuse (the console calls this too). Records who decided, in the server's own audit. */
export async function decideApproval(store: Store, id: string, approve: boolean, who: string): Promise<boolean> {
  return store.tx(async (sql) => {
    const p = (
      await sql.query<{ bundle: { approvalMinutes: number } }>(
        `SELECT bundle FROM policies ORDER BY version DESC LIMIT 1`,
      )
    ).rows[0];
    const minutes = p?.bundle.approvalMinutes || 15;
    const r = await sql.query(
      `UPDATE approvals SET state = $2, decided_by = $3, decided = now(),
         valid_until = CASE WHEN $2 = 'approved' THEN now() + make_interval(mins => $4) END
       WHERE id = $1 AND state = 'pending' RETURNING id`,
      [id, approve ? 'approved' : 'refused', who, minutes],
    );
    if (!r.rows.length) return false;
    await serverAudit(sql, who, approve ? 'approval.approve' : 'approval.refuse', { id, minutes });
    return true;
  });
}

export function apiRoutes(o: ApiOptions): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/api\/health$/,
      who: 'anyone',
      async handle(c) {
        try {
          await c.store.query('SELECT 1');
          json(c.res, 200, { ok: true, store: c.store.kind, key: o.key.fingerprint });
        } catch (e) {
          json(c.res, 503, { ok: false, error: (e as Error).message.split('\n')[0] });
        }
      },
    },
    {
      method: 'POST',
      path: /^\/api\/enrol$/,
      who: 'anyone',
      async handle(c) {
        const b = (await c.body()) as Record<string, unknown>;
        const token = str(b?.token, 'token'),
          name = str(b?.name, 'name'),
          pub = str(b?.pub, 'pub', 400);
        let fingerprint: string;
        try {
          fingerprint = keyFingerprint(
            createPublicKey({ key: Buffer.from(pub, 'base64'), format: 'der', type: 'spki' }),
          );
        } catch {
          throw new HttpError(400, 'pub must be the audit log public key (SPKI DER, base64)');
        }
        const log = typeof b.log === 'string' ? b.log : undefined;
        const out = await c.store.tx(async (sql) => {
          if (!(await useEnrolToken(sql, token))) return undefined;
          const m = await registerMachine(sql, { name, pub, fingerprint, log });
          await serverAudit(sql, `machine:${m.id}`, 'machine.enrol', { name, fingerprint });
          return m;
        });
        if (!out) return json(c.res, 401, { error: 'unknown or expired enrolment token' });
        json(c.res, 200, { machine: out.id, token: out.token, serverKey: o.key.pub, fingerprint: o.key.fingerprint });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/ingest$/,
      who: 'machine',
      async handle(c) {
        const body = checkShape(await c.body());
        const r = await ingest(c.store, c.machine!, body);
        if (r.stored && o.onRecords)
          o.onRecords(
            c.machine!.id,
            body.records.filter((x) => x.seq <= r.acked.seq),
          );
        json(c.res, 200, r);
      },
    },
    {
      method: 'POST',
      path: /^\/api\/guard$/,
      who: 'machine',
      async handle(c) {
        const b = await c.body();
        const drift = await driftOf(c.store, o.key, b);
        // Once per agent, policy version and what the machine's files said: a repeat report is no new alert.
        for (const agent of drift.drift ?? [])
          await raise(
            c.store,
            c.machine!.id,
            'drift',
            `${agent}'s managed settings no longer say what policy v${drift.policyVersion} says`,
            `${agent}:${drift.policyVersion}:${hashOf(b, agent)}`,
          );
        await c.store.query(`UPDATE machines SET guard = $2, last_seen = now() WHERE id = $1`, [
          c.machine!.id,
          JSON.stringify({ at: new Date().toISOString(), reports: b, ...drift }),
        ]);
        json(c.res, 200, { ok: true });
      },
    },
    {
      method: 'GET',
      path: /^\/api\/events$/,
      who: 'admin',
      async handle(c) {
        const session = c.url.searchParams.get('session');
        if (!session) throw new HttpError(400, 'session=ID is required');
        json(c.res, 200, await sessionRecords(c.store, session));
      },
    },
    {
      method: 'POST',
      path: /^\/api\/tokens$/,
      who: 'admin',
      async handle(c) {
        const b = ((await c.body()) ?? {}) as { hours?: number };
        const hours = b.hours ?? 24;
        if (!(Number.isInteger(hours) && hours > 0 && hours <= 24 * 365))
          throw new HttpError(400, 'hours must be 1–8760');
        json(c.res, 200, await createEnrolToken(c.store, hours));
      },
    },
    {
      method: 'GET',
      path: /^\/api\/alerts$/,
      who: 'admin',
      async handle(c) {
        await sweepSilence(c.store, o.silenceMinutes);
        const r = await c.store.query(`SELECT id, machine, kind, detail, ts FROM alerts ORDER BY id DESC LIMIT 1000`);
        json(c.res, 200, r.rows);
      },
    },
    {
      method: 'GET',
      path: /^\/api\/machines$/,
      who: 'admin',
      async handle(c) {
        // guard: the newest doctor report per agent, with `drift` (agents whose managed settings differ).
        const r = await c.store.query(`SELECT id, name, last_seen, guard FROM machines ORDER BY name LIMIT 10000`);
        json(c.res, 200, r.rows);
      },
    },
    {
      method: 'POST',
      path: /^\/api\/policy$/,
      who: 'admin',
      async handle(c) {
        const b = (await c.body()) as { policy?: unknown; approvalMinutes?: unknown; agentSettings?: unknown };
        const policy = str(b?.policy, 'policy', 1_000_000);
        const minutes = Number(b.approvalMinutes ?? 0);
        const version = await publishPolicy(c.store, policy, minutes, 'admin-token', b.agentSettings === true);
        json(c.res, 200, { version });
      },
    },
    {
      method: 'GET',
      path: /^\/api\/policy$/,
      who: 'machine',
      async handle(c) {
        const b = await currentBundle(c.store, o.key, o.bundleHours);
        if (!b) return json(c.res, 404, { error: 'no policy published yet' });
        json(c.res, 200, b);
      },
    },
    { method: 'POST', path: /^\/api\/approvals$/, who: 'machine', handle: requestApproval },
    {
      method: 'POST',
      path: /^\/api\/approvals\/([\w-]+)\/(approve|refuse)$/,
      who: 'admin',
      async handle(c) {
        const ok = await decideApproval(c.store, c.params[0], c.params[1] === 'approve', 'admin-token');
        json(c.res, ok ? 200 : 404, ok ? { ok } : { error: 'no pending approval with that id' });
      },
    },
  ];
}
