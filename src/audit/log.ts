/**
 * The tamper-evident audit log: an embedded SQLite database (WAL) where every event, verdict and
 * finding is appended as one record (secrets redacted). Records form a SHA-256 hash chain: each
 * record's hash covers its sequence number, its content and the previous record's hash, so an
 * edited, deleted, inserted or reordered record breaks the chain where it happened. Every
 * CHECKPOINT_EVERY records (and on demand) the head of the chain is signed with an Ed25519 key
 * created on first use, so rewriting the whole chain after an edit, or cutting records off its
 * end, is caught as well.
 *
 * Many hook processes append at once: each append is one IMMEDIATE transaction (SQLite's write
 * lock) that reads the head and inserts after it; SQLite's busy timeout queues the writers.
 * A record is acknowledged only after its transaction commits (synchronous=FULL), so a process
 * killed mid-write loses nothing that was acknowledged.
 */
import {
  createHash,
  generateKeyPairSync,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadAddon, nativeRecord } from '../native.ts';
import { defaultAuditDir } from '../paths.ts';

export const CHECKPOINT_EVERY = 100;
const SCHEMA_VERSION = 1;
const GENESIS = '0'.repeat(64);

export interface AuditRecord {
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

export interface NewRecord {
  /** The agent session (hook payload's session id), or a process-level id. */
  session?: string;
  /** Which front door wrote it: hook:qwen-code, judge, gateway, scan … */
  source: string;
  /** Event kind: shell, write, edit, read, fetch, prompt, exchange … */
  kind: string;
  decision: string;
  /** Event, verdict and findings, already redacted by the caller. */
  data: unknown;
}

/** Where the audit database, its key and the daemon live (kept in src/paths.ts so that scans need not load SQLite). */
export { defaultAuditDir };

/** Deterministic JSON (sorted keys) so a record's hash does not depend on key order. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v as object)
    .sort()
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

export function recordHash(r: Omit<AuditRecord, 'hash'>): string {
  const body = canonical({
    seq: r.seq,
    ts: r.ts,
    session: r.session,
    source: r.source,
    kind: r.kind,
    decision: r.decision,
    data: r.data,
    prev: r.prev,
  });
  return createHash('sha256').update(body).digest('hex');
}

type DB = BetterSqlite3.Database;
let addon: object | null | undefined;

/**
 * The compiled SQLite addon, loaded directly: better-sqlite3 otherwise finds it with the `bindings`
 * package, which stats a dozen candidate paths and walks a stack trace (a noticeable part of a
 * hook's start-up). Where it is not at the usual place, `bindings` searches as before. Loaded
 * here rather than by path so that it also works from the hook's start-up snapshot.
 */
function sqliteAddon(): string | undefined {
  if (addon === undefined) addon = loadAddon(nativeRecord()?.sqlite); // the build's record (src/native.ts)
  if (addon === undefined) {
    const req = createRequire(import.meta.url);
    const p = join(dirname(req.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    addon = existsSync(p) ? (req(p) as object) : null;
  }
  // better-sqlite3 takes the loaded addon object as well as a path (its types name only the path).
  return (addon ?? undefined) as string | undefined;
}

export class AuditLog {
  readonly db: DB;
  readonly path: string;
  private key?: KeyObject;
  private appendStmt?: BetterSqlite3.Statement;

  /**
   * @param durability 'full' (default) syncs every commit to disk; 'process' (WAL with
   * synchronous=NORMAL) survives a killed process but not a power cut, for busy front doors.
   * @param busyTimeoutMs how long a write waits for another writer's lock before it throws
   * SQLITE_BUSY. The wait is synchronous, so a caller with a deadline (a hook) passes what is left
   * of it: no timer of its own can fire during the wait.
   */
  constructor(
    readonly dir = defaultAuditDir(),
    durability: 'full' | 'process' = 'full',
    busyTimeoutMs = 30_000,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.path = join(dir, 'audit.db');
    this.db = new BetterSqlite3(this.path, { timeout: busyTimeoutMs, nativeBinding: sqliteAddon() });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
    // The schema is created once (user_version marks it), not checked on every open.
    if (this.db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION)
      this.db.exec(`
      CREATE TABLE IF NOT EXISTS records (
        seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, session TEXT NOT NULL, source TEXT NOT NULL,
        kind TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS records_session ON records(session);
      CREATE INDEX IF NOT EXISTS records_ts ON records(ts);
      CREATE TABLE IF NOT EXISTS checkpoints (
        seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, ts TEXT NOT NULL, signature TEXT NOT NULL);
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
    try {
      chmodSync(this.path, 0o600);
    } catch {
      /* not ours to change */
    }
  }

  close(): void {
    this.db.close();
  }

  /** Ed25519 key pair in the audit folder, created on first use (private key readable by the owner only). */
  private signingKey(): KeyObject {
    if (this.key) return this.key;
    const file = join(this.dir, 'audit-signing-key.pem');
    if (!existsSync(file)) {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      try {
        writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
        writeFileSync(join(this.dir, 'audit-signing-key.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process created it first
      }
    }
    return (this.key = createPrivateKey(readFileSync(file, 'utf8')));
  }

  publicKey(): KeyObject {
    const pub = join(this.dir, 'audit-signing-key.pub.pem');
    if (existsSync(pub)) return createPublicKey(readFileSync(pub, 'utf8'));
    return createPublicKey(this.signingKey());
  }

  /** Appends one record; returns it once it is durably committed. */
  append(r: NewRecord): AuditRecord {
    this.appendStmt ??= this.db.prepare(
      'INSERT INTO records (seq, ts, session, source, kind, decision, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const tx = this.db.transaction((): AuditRecord => {
      const head = this.db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1').get() as
        { seq: number; hash: string } | undefined;
      const rec: Omit<AuditRecord, 'hash'> = {
        seq: (head?.seq ?? 0) + 1,
        ts: new Date().toISOString(),
        session: r.session ?? `pid-${process.pid}`,
        source: r.source,
        kind: r.kind,
        decision: r.decision,
        data: r.data,
        prev: head?.hash ?? GENESIS,
      };
      const full = { ...rec, hash: recordHash(rec) };
      this.appendStmt!.run(
        full.seq,
        full.ts,
        full.session,
        full.source,
        full.kind,
        full.decision,
        JSON.stringify(full.data),
        full.prev,
        full.hash,
      );
      if (full.seq % CHECKPOINT_EVERY === 0) this.writeCheckpoint(full.seq, full.hash, this.signingKey());
      return full;
    });
    return tx.immediate();
  }

  private writeCheckpoint(seq: number, hash: string, key: KeyObject) {
    const ts = new Date().toISOString();
    const signature = sign(null, Buffer.from(`${seq}:${hash}:${ts}`), key).toString('base64');
    this.db
      .prepare('INSERT OR REPLACE INTO checkpoints (seq, hash, ts, signature) VALUES (?, ?, ?, ?)')
      .run(seq, hash, ts, signature);
  }

  /** Appends many records in one transaction (one disk sync): for busy front doors such as the gateway. */
  appendMany(rs: NewRecord[]): void {
    if (!rs.length) return;
    const tx = this.db.transaction(() => {
      for (const r of rs) this.append(r);
    });
    tx.immediate();
  }

  /** Signs the current head now (e.g. at the end of a session or before an export). */
  checkpoint(): { seq: number; hash: string } | undefined {
    const key = this.signingKey();
    return this.db
      .transaction(() => {
        const head = this.db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1').get() as
          { seq: number; hash: string } | undefined;
        if (head) this.writeCheckpoint(head.seq, head.hash, key);
        return head;
      })
      .immediate();
  }

  /** Records in sequence order, filtered. */
  *records(
    f: { session?: string; decision?: string; since?: string; until?: string; kind?: string; source?: string } = {},
  ): Generator<AuditRecord> {
    const where: string[] = [],
      params: unknown[] = [];
    if (f.session) {
      where.push('session = ?');
      params.push(f.session);
    }
    if (f.decision) {
      where.push('decision = ?');
      params.push(f.decision);
    }
    if (f.kind) {
      where.push('kind = ?');
      params.push(f.kind);
    }
    if (f.source) {
      where.push('source = ?');
      params.push(f.source);
    }
    if (f.since) {
      where.push('ts >= ?');
      params.push(f.since);
    }
    if (f.until) {
      where.push('ts <= ?');
      params.push(f.until);
    }
    const stmt = this.db.prepare(
      `SELECT * FROM records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`,
    );
    for (const row of stmt.iterate(...params) as Iterable<Record<string, unknown>>) {
      yield { ...(row as unknown as AuditRecord), data: parseData(row.data as string) };
    }
  }

  /**
   * Checks the whole log. Problems name the record where the chain breaks and what is wrong:
   * a changed record (hash mismatch), a missing, inserted or reordered record (sequence gap or
   * broken link), a rewritten chain or a cut-off tail (checkpoint mismatch or bad signature).
   */
  verify(): { ok: boolean; records: number; checkpoints: number; problems: string[] } {
    const problems: string[] = [];
    let prevHash = GENESIS,
      expect = 1,
      n = 0;
    const hashes = new Map<number, string>();
    for (const row of this.db.prepare('SELECT * FROM records ORDER BY seq').iterate() as Iterable<
      Record<string, unknown>
    >) {
      n++;
      const r = row as unknown as AuditRecord & { data: string };
      let data: unknown;
      try {
        data = JSON.parse(r.data);
      } catch {
        problems.push(`record ${r.seq}: its content is not valid JSON (edited)`);
        data = r.data;
      }
      if (r.seq !== expect)
        problems.push(
          r.seq > expect
            ? `records ${expect}${r.seq - 1 > expect ? `–${r.seq - 1}` : ''} are missing (deleted) before record ${r.seq}`
            : `record ${r.seq} is out of order`,
        );
      if (r.prev !== prevHash)
        problems.push(
          `record ${r.seq}: does not follow the record before it (a record was deleted, inserted or reordered here)`,
        );
      const h = recordHash({
        seq: r.seq,
        ts: r.ts,
        session: r.session,
        source: r.source,
        kind: r.kind,
        decision: r.decision,
        data,
        prev: r.prev,
      });
      if (h !== r.hash) problems.push(`record ${r.seq}: its content does not match its hash (edited)`);
      hashes.set(r.seq, r.hash);
      prevHash = r.hash;
      expect = r.seq + 1;
    }
    const pub = this.publicKey();
    let cps = 0;
    for (const cp of this.db.prepare('SELECT * FROM checkpoints ORDER BY seq').iterate() as Iterable<{
      seq: number;
      hash: string;
      ts: string;
      signature: string;
    }>) {
      cps++;
      if (!verify(null, Buffer.from(`${cp.seq}:${cp.hash}:${cp.ts}`), pub, Buffer.from(cp.signature, 'base64')))
        problems.push(`checkpoint at record ${cp.seq}: bad signature (the checkpoint was forged or edited)`);
      const h = hashes.get(cp.seq);
      if (h === undefined)
        problems.push(`checkpoint at record ${cp.seq}: that record is gone (the log was cut or records deleted)`);
      else if (h !== cp.hash) problems.push(`checkpoint at record ${cp.seq}: the chain up to it was rewritten`);
    }
    return { ok: problems.length === 0, records: n, checkpoints: cps, problems };
  }
}

function parseData(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
