/**
 * Records arriving from a machine, checked as they arrive. Each machine's log is a hash chain with
 * an Ed25519-signed head (src/audit/log.ts); the server keeps, per machine and log, how far the
 * chain reached and the highest signed head it saw, and flags what a log cannot see in itself:
 * a gap (records deleted before they were sent), a chain that no longer joins (rewritten), a
 * signed head lower than one already seen or an old log coming back (rolled back), a new key or
 * a new log (re-keyed or rotated), records beyond the signed head (appended without the key),
 * and silence (a machine that stopped reporting). One push is one transaction under a row lock
 * on the machine, so two pushes of one machine, on two server processes, never interleave.
 */
import { createPublicKey } from 'node:crypto';
import { headSignatureOk, keyFingerprint, recordHash, type AuditRecord, type SignedHead } from '../audit/log.ts';
import type { Sql, Store } from './store.ts';
import type { Machine } from './tokens.ts';

const GENESIS = '0'.repeat(64);
/** Most records one push may carry (the client sends batches of this size). */
export const MAX_BATCH = 5000;

export interface PushBody {
  log: string;
  /** The log's public key (SPKI DER, base64), as in its head file. */
  pub: string;
  head: SignedHead;
  records: AuditRecord[];
}

export interface PushResult {
  acked: { log: string; seq: number; hash: string };
  stored: number;
  duplicates: number;
  alerts: string[];
  /** Set when the server stopped at a record it will not take (the push must not go on past it). */
  refused?: string;
}

export class BadPush extends Error {}

interface LogState {
  key_fpr: string;
  last_seq: number;
  last_hash: string;
  head_seq: number;
  head_hash: string;
}

function isRecord(r: unknown): r is AuditRecord {
  const x = r as AuditRecord;
  return (
    !!x &&
    Number.isSafeInteger(x.seq) &&
    x.seq > 0 &&
    ['ts', 'session', 'source', 'kind', 'decision', 'prev', 'hash'].every(
      (k) => typeof (x as unknown as Record<string, unknown>)[k] === 'string',
    ) &&
    !Number.isNaN(Date.parse(x.ts))
  );
}

/** The body's shape, or a one-line reason it is not a push. */
export function checkShape(b: unknown): PushBody {
  const p = b as PushBody;
  if (!p || typeof p.log !== 'string' || typeof p.pub !== 'string' || !p.head || !Array.isArray(p.records))
    throw new BadPush('a push is {log, pub, head, records}');
  if (p.records.length > MAX_BATCH) throw new BadPush(`at most ${MAX_BATCH} records per push`);
  const h = p.head;
  if (typeof h.sig !== 'string' || !Number.isSafeInteger(h.seq) || typeof h.hash !== 'string' || h.log !== p.log)
    throw new BadPush('head is not a signed head of this log');
  for (const r of p.records) if (!isRecord(r)) throw new BadPush('a record lacks seq, ts, session, … or hash');
  return p;
}

/** Adds an alert once (its key names the event, so a push retried does not repeat it). */
export async function raise(sql: Sql, machine: string, kind: string, detail: string, key: string): Promise<string> {
  await sql.query(
    `INSERT INTO alerts (machine, kind, detail, key) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING`,
    [machine, kind, detail, `${kind}:${machine}:${key}`],
  );
  return `${kind}: ${detail}`;
}

function keyOf(pub: string): { fpr: string; key: ReturnType<typeof createPublicKey> } {
  try {
    const key = createPublicKey({ key: Buffer.from(pub, 'base64'), format: 'der', type: 'spki' });
    return { key, fpr: keyFingerprint(key) };
  } catch {
    throw new BadPush('pub is not a public key');
  }
}

/** Takes one push: checks it, stores what joins the chain, raises alerts; returns what is acknowledged. */
export async function ingest(store: Store, m: Machine, body: PushBody): Promise<PushResult> {
  const { key, fpr } = keyOf(body.pub);
  if (fpr !== body.head.key || !headSignatureOk(body.head, key)) {
    await raise(store, m.id, 'forged-head', `a push for log ${body.log} carried a head its key did not sign`, body.log);
    throw new BadPush('the signed head does not verify against the key sent with it');
  }
  return store.tx(async (sql) => {
    const cur = (
      await sql.query<{ pub: string; key_fpr: string; log_id: string | null }>(
        `SELECT pub, key_fpr, log_id FROM machines WHERE id = $1 FOR UPDATE`,
        [m.id],
      )
    ).rows[0];
    const alerts: string[] = [];
    const st = await logState(sql, m.id, cur, body, fpr, alerts);
    checkHead(st, body.head, alerts);
    for (const a of alerts.splice(0))
      alerts.push(
        await raise(sql, m.id, a.split(':')[0], a.slice(a.indexOf(':') + 2), `${body.log}:${body.head.seq}:${a}`),
      );
    const out = await takeRecords(sql, m.id, body, st, alerts);
    await sql.query(
      `UPDATE machine_logs SET last_seq = $3, last_hash = $4, head_seq = GREATEST(head_seq, $5),
         head_hash = CASE WHEN $5 >= head_seq THEN $6 ELSE head_hash END WHERE machine = $1 AND log = $2`,
      [m.id, body.log, st.last_seq, st.last_hash, body.head.seq, body.head.hash],
    );
    await sql.query(`UPDATE machines SET last_seen = now() WHERE id = $1`, [m.id]);
    return out;
  });
}

/**
 * This log's state on the server. A new key or a new log is flagged (re-keyed or rotated) and then
 * followed, so evidence keeps arriving; a log seen before that is no longer the latest is a rollback.
 */
async function logState(
  sql: Sql,
  machine: string,
  cur: { pub: string; key_fpr: string; log_id: string | null },
  body: PushBody,
  fpr: string,
  alerts: string[],
): Promise<LogState> {
  if (fpr !== cur.key_fpr) {
    alerts.push(`rekey: the log is now signed by key ${fpr}, not ${cur.key_fpr} pinned before`);
    await sql.query(`UPDATE machines SET pub = $2, key_fpr = $3 WHERE id = $1`, [machine, body.pub, fpr]);
  }
  const row = (
    await sql.query<Record<string, string>>(`SELECT * FROM machine_logs WHERE machine = $1 AND log = $2`, [
      machine,
      body.log,
    ])
  ).rows[0];
  if (row && cur.log_id && cur.log_id !== body.log)
    alerts.push(`rollback: the machine went back to log ${body.log} after log ${cur.log_id} (an older copy restored)`);
  else if (!row && cur.log_id && cur.log_id !== body.log)
    alerts.push(`new-log: log ${cur.log_id} was replaced by log ${body.log} (rotated or recreated)`);
  if (!row)
    await sql.query(
      `INSERT INTO machine_logs (machine, log, key_fpr, last_hash, head_hash) VALUES ($1, $2, $3, $4, $4)`,
      [machine, body.log, fpr, GENESIS],
    );
  if (cur.log_id !== body.log) await sql.query(`UPDATE machines SET log_id = $2 WHERE id = $1`, [machine, body.log]);
  return {
    key_fpr: fpr,
    last_seq: Number(row?.last_seq ?? 0),
    last_hash: row?.last_hash ?? GENESIS,
    head_seq: Number(row?.head_seq ?? 0),
    head_hash: row?.head_hash ?? GENESIS,
  };
}

function checkHead(st: LogState, head: SignedHead, alerts: string[]): void {
  if (head.seq < st.head_seq)
    alerts.push(`rollback: the signed head went back from record ${st.head_seq} to ${head.seq} (log restored or cut)`);
  else if (head.seq === st.head_seq && head.seq > 0 && head.hash !== st.head_hash)
    alerts.push(`rewritten: record ${head.seq} is not the one signed before (the chain was rewritten)`);
  else if (head.seq < st.last_seq)
    alerts.push(`rollback: the signed head (record ${head.seq}) is behind records already received (${st.last_seq})`);
}

/** Stores the records that join the chain; stops at the first it must refuse. Moves st along. */
async function takeRecords(
  sql: Sql,
  machine: string,
  body: PushBody,
  st: LogState,
  alerts: string[],
): Promise<PushResult> {
  const recs = [...body.records].sort((a, b) => a.seq - b.seq);
  const res: PushResult = { acked: { log: body.log, seq: 0, hash: '' }, stored: 0, duplicates: 0, alerts };
  const flag = async (kind: string, detail: string, k: string) =>
    alerts.push(await raise(sql, machine, kind, detail, `${body.log}:${k}`));
  const known = await storedHashes(sql, machine, body.log, recs, st.last_seq);
  const fresh: AuditRecord[] = [];
  for (const r of recs) {
    const { hash, ...rest } = r;
    if (recordHash(rest) !== hash) {
      res.refused = `record ${r.seq}: its content does not match its hash (edited on the machine)`;
      await flag('tampered', res.refused, `${r.seq}`);
      break;
    }
    if (r.seq <= st.last_seq) {
      if (known.get(r.seq) === hash) res.duplicates++;
      else {
        res.refused = `record ${r.seq} differs from the record ${r.seq} received before (the log was rewritten)`;
        await flag('rewritten', res.refused, `${r.seq}`);
        break;
      }
      continue;
    }
    if (r.seq > body.head.seq) {
      res.refused = `record ${r.seq} is beyond the signed head (record ${body.head.seq}): appended without the key`;
      await flag('unsigned', res.refused, `${r.seq}`);
      break;
    }
    if ((r.seq === body.head.seq && hash !== body.head.hash) || (r.seq === st.head_seq && hash !== st.head_hash)) {
      res.refused = `record ${r.seq} is not the record the signed head names (rewritten)`;
      await flag('rewritten', res.refused, `${r.seq}`);
      break;
    }
    if (r.seq > st.last_seq + 1)
      await flag('gap', `records ${st.last_seq + 1}–${r.seq - 1} never arrived (deleted on the machine?)`, `${r.seq}`);
    else if (r.prev !== st.last_hash)
      await flag('chain-break', `record ${r.seq} does not follow record ${st.last_seq} (rewritten)`, `${r.seq}`);
    fresh.push(r);
    st.last_seq = r.seq;
    st.last_hash = hash;
  }
  if (fresh.length) await insertRecords(sql, machine, body.log, fresh);
  res.stored = fresh.length;
  res.acked = { log: body.log, seq: st.last_seq, hash: st.last_hash };
  return res;
}

async function storedHashes(sql: Sql, machine: string, log: string, recs: AuditRecord[], upTo: number) {
  const seqs = recs.filter((r) => r.seq <= upTo).map((r) => r.seq);
  const m = new Map<number, string>();
  if (!seqs.length) return m;
  const rows = await sql.query<{ seq: string; hash: string }>(
    `SELECT seq, hash FROM records WHERE machine = $1 AND log = $2 AND seq BETWEEN $3 AND $4`,
    [machine, log, Math.min(...seqs), Math.max(...seqs)],
  );
  for (const r of rows.rows) m.set(Number(r.seq), r.hash);
  return m;
}

/** One statement for the whole batch: the records as one JSON parameter, expanded by PostgreSQL. */
async function insertRecords(sql: Sql, machine: string, log: string, recs: AuditRecord[]): Promise<void> {
  // PostgreSQL text cannot hold U+0000: such a character (the hash was checked above) is stored as U+FFFD.
  const rows = recs.map((r) => ({ ...r, data: JSON.stringify(r.data) }));
  const text = JSON.stringify(rows).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd');
  await sql.query(
    `INSERT INTO records (machine, log, seq, ts, session, source, kind, decision, data, prev, hash)
     SELECT $1, $2, x.seq, x.ts, x.session, x.source, x.kind, x.decision, x.data, x.prev, x.hash
     FROM json_to_recordset($3::json) AS x(seq bigint, ts text, session text, source text, kind text,
       decision text, data text, prev text, hash text)
     ON CONFLICT DO NOTHING`,
    [machine, log, text],
  );
  // The console's list of sessions, kept as records arrive (a GROUP BY over millions would not be).
  await sql.query(
    `INSERT INTO sessions (session, machine, first_ts, last_ts, records, flagged)
     SELECT x.session, $1, min(x.ts), max(x.ts), count(*), count(*) FILTER (WHERE x.decision <> 'allow')
     FROM json_to_recordset($2::json) AS x(session text, ts text, decision text) GROUP BY x.session
     ON CONFLICT (session, machine) DO UPDATE SET first_ts = LEAST(sessions.first_ts, EXCLUDED.first_ts),
       last_ts = GREATEST(sessions.last_ts, EXCLUDED.last_ts), records = sessions.records + EXCLUDED.records,
       flagged = sessions.flagged + EXCLUDED.flagged`,
    [machine, text],
  );
}

/** Machines silent for longer than `minutes` get an alert (once per silence). */
export async function sweepSilence(store: Sql, minutes: number): Promise<void> {
  await store.query(
    `INSERT INTO alerts (machine, kind, detail, key)
     SELECT id, 'silent', 'no report since ' || to_char(seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       'silent:' || id || ':' || extract(epoch FROM seen)::bigint
     FROM (SELECT id, COALESCE(last_seen, enrolled) AS seen FROM machines) m
     WHERE seen < now() - make_interval(mins => $1)
     ON CONFLICT (key) DO NOTHING`,
    [minutes],
  );
}
