/**
 * Who may do what: the admin token (a file in the server's Warden home, its hash in the database),
 * enrolment tokens (made by an admin, they let a machine register), machine tokens (given at
 * enrolment, they let a machine send records and fetch the policy), and the server's own Ed25519
 * key that signs policy bundles. Only hashes of tokens are stored; comparisons are by hash lookup.
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { Sql, Store } from './store.ts';

export const ADMIN_TOKEN_FILE = 'server-admin-token';
/** How long an enrolment token stays usable unless told otherwise. */
export const ENROL_HOURS = 24;

export function tokenHash(t: string): string {
  return createHash('sha256').update(`warden-token v1 ${t}`).digest('hex');
}

function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/**
 * The admin token of this home: made on first start (mode 0600, never overwritten), and its hash
 * registered in the database so every server process sharing it accepts it.
 */
export async function ensureAdminToken(store: Sql, home: string): Promise<{ file: string; token: string }> {
  const file = join(home, ADMIN_TOKEN_FILE);
  if (!existsSync(file)) {
    try {
      writeFileSync(file, newToken('wadm') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process made it first
    }
  }
  chmodSync(file, 0o600);
  const token = readFileSync(file, 'utf8').trim();
  if (!/^wadm_[A-Za-z0-9_-]{20,}$/.test(token)) throw new UserError(`${file} is not an admin token (edited?)`);
  await store.query(`INSERT INTO admin_tokens (hash, label) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING`, [
    tokenHash(token),
    file,
  ]);
  return { file, token };
}

export async function isAdmin(store: Sql, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  const r = await store.query(`SELECT 1 FROM admin_tokens WHERE hash = $1`, [tokenHash(token)]);
  return r.rows.length > 0;
}

export async function createEnrolToken(store: Sql, hours = ENROL_HOURS): Promise<{ token: string; expires: string }> {
  const token = newToken('wenr');
  const r = await store.query<{ expires: Date }>(
    `INSERT INTO enrol_tokens (hash, expires) VALUES ($1, now() + make_interval(hours => $2)) RETURNING expires`,
    [tokenHash(token), hours],
  );
  return { token, expires: new Date(r.rows[0].expires).toISOString() };
}

/** Uses an enrolment token: false when unknown or expired. */
export async function useEnrolToken(sql: Sql, token: string): Promise<boolean> {
  const r = await sql.query(`UPDATE enrol_tokens SET uses = uses + 1 WHERE hash = $1 AND expires > now() RETURNING 1`, [
    tokenHash(token),
  ]);
  return r.rows.length > 0;
}

export interface Machine {
  id: string;
  name: string;
  pub: string;
  key_fpr: string;
  log_id: string | null;
  last_seq: string;
  last_hash: string;
  head_seq: string;
  head_hash: string;
}

export async function machineByToken(store: Sql, token: string | undefined): Promise<Machine | undefined> {
  if (!token) return undefined;
  const r = await store.query<Machine>(`SELECT * FROM machines WHERE token_hash = $1`, [tokenHash(token)]);
  return r.rows[0];
}

export async function registerMachine(
  sql: Sql,
  m: { name: string; pub: string; fingerprint: string; log?: string },
): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  const token = newToken('wmac');
  await sql.query(`INSERT INTO machines (id, name, token_hash, pub, key_fpr, log_id) VALUES ($1, $2, $3, $4, $5, $6)`, [
    id,
    m.name,
    tokenHash(token),
    m.pub,
    m.fingerprint,
    m.log ?? null,
  ]);
  return { id, token };
}

export interface ServerKey {
  key: KeyObject;
  pub: string;
  fingerprint: string;
}

/**
 * The server's signing key, shared by every process on the database (made once: the first
 * insert wins, the others read it). Kept in the store of record so a second server behind a
 * load balancer signs with the same key the machines pinned.
 */
export async function serverKey(store: Store): Promise<ServerKey> {
  let row = (
    await store.query<{ private_pem: string; public_b64: string; fingerprint: string }>(
      `SELECT * FROM server_key WHERE id = 1`,
    )
  ).rows[0];
  if (!row) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const fpr = createHash('sha256').update(der).digest('hex').slice(0, 32);
    await store.query(
      `INSERT INTO server_key (id, private_pem, public_b64, fingerprint) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING`,
      [privateKey.export({ type: 'pkcs8', format: 'pem' }), der.toString('base64'), fpr],
    );
    row = (
      await store.query<{ private_pem: string; public_b64: string; fingerprint: string }>(
        `SELECT * FROM server_key WHERE id = 1`,
      )
    ).rows[0];
  }
  return { key: createPrivateKey(row.private_pem), pub: row.public_b64, fingerprint: row.fingerprint };
}

/** Something the server did on an admin's word (policy published, approval decided): kept for good. */
export async function serverAudit(sql: Sql, actor: string, action: string, detail: unknown): Promise<void> {
  await sql.query(`INSERT INTO server_audit (actor, action, detail) VALUES ($1, $2, $3)`, [
    actor,
    action,
    JSON.stringify(detail),
  ]);
}
