/**
 * The tamper-evident audit log: an embedded SQLite database (WAL) where every event, verdict and
 * finding is appended as one record (secrets redacted). Records form a SHA-256 hash chain: each
 * record's hash covers its sequence number, its content and the previous record's hash, so an
 * edited, deleted, inserted or reordered record breaks the chain where it happened.
 *
 * Signed heads. Every write transaction (one append, or one appendMany batch) ends by signing the
 * new head of the chain (log id, seq, hash, time, key fingerprint) with the log's Ed25519 key, in
 * the same transaction: the `head` row. So the last record of every process, one-shot or
 * long-lived, is covered by a signature, and an edit, cut, insertion, reorder or forged append in
 * the tail is caught; every CHECKPOINT_EVERY records a signed checkpoint row is also kept for good.
 *
 * The highest signed position also lives outside the database, in `audit-head` in Warden's home
 * (denied to the agent's tools by the guard): the last signed head, the public key it pins, and,
 * while a transaction is in flight, the head being committed (`next`). It is written atomically
 * (temporary file + rename) under SQLite's write lock: once with `next` before the commit, once
 * without after it, so a writer killed at any moment leaves a file that verify accepts, while a
 * database cut, emptied, deleted or swapped for an older copy no longer matches it.
 *
 * Nothing is created silently where a log existed: a missing or empty database, head file or key
 * next to the others makes writers refuse with a one-line error naming `warden audit rotate`
 * (which closes the old log with a signed record, archives it with its key, and starts a new one
 * that records the rotation). `verifyLog` opens the database read-only and creates nothing.
 *
 * Many hook processes append at once: each append is one IMMEDIATE transaction (SQLite's write
 * lock) that reads the head and inserts after it; SQLite's busy timeout queues the writers.
 * A record is acknowledged only after its transaction commits (synchronous=FULL), so a process
 * killed mid-write loses nothing that was acknowledged. Cost per write: one signature and two
 * 2 KB in-place writes of the head file (about 0.13 ms of CPU); per open (a hook): reading the key
 * and the head file under the lock (about 0.5 ms).
 *
 * What this does not stop: code running as the same user outside the agent's guarded tools can
 * read the key, so it can rewrite and re-sign everything, or put older copies of the database and
 * head file back together. `warden audit anchor` prints the signed head to keep elsewhere, and
 * `verifyLog(dir, anchor)` checks the log still extends it.
 */
import {
  createHash,
  generateKeyPairSync,
  createPrivateKey,
  createPublicKey,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  fstatSync,
  openSync,
  writeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { UserError } from '../errors.ts';
import { loadAddon, nativeRecord } from '../native.ts';
import { defaultAuditDir } from '../paths.ts';
import { noteRecord, toStored } from './record.ts';

export const CHECKPOINT_EVERY = 100;
const SCHEMA_VERSION = 2;
const GENESIS = '0'.repeat(64);
export const HEAD_FILE = 'audit-head';
export const KEY_FILE = 'audit-signing-key.pem';
export const PUB_FILE = 'audit-signing-key.pub.pem';
/** The head file is one block, rewritten in place (see writeHeadFile). */
const HEAD_FILE_SIZE = 2048;
/** How long a writer waits for the lock to finish the head file after its record is committed. */
const FINISH_WAIT_MS = 500;
const ROTATE_HINT = 'check it with `warden audit verify`; to close it and start a new log: `warden audit rotate`';

/** The log is missing, emptied, replaced or its key or head is gone: writers refuse (one line, no stack). */
export class AuditStateError extends UserError {}

/** A signed position in the chain: the log's id, a record's seq and hash, when, and by which key. */
export interface SignedHead {
  log: string;
  seq: number;
  hash: string;
  ts: string;
  key: string;
  sig: string;
}

/** `audit-head`: the highest signed head, the public key it pins, and the head being committed. */
export interface HeadFile extends SignedHead {
  v: 1;
  pub: string;
  next?: SignedHead;
}

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

/** "record 7" or "records 7–9". */
function recordsText(a: number, b: number): string {
  return a === b ? `record ${a}` : `records ${a}–${b}`;
}

/** What a signature covers: every field of a signed head, in a fixed order. */
function headMessage(h: Omit<SignedHead, 'sig'>): Buffer {
  return Buffer.from(`warden-audit-head v1 ${h.log} ${h.seq} ${h.hash} ${h.ts} ${h.key}`);
}

/** The short name of a public key: SHA-256 of its DER encoding (32 hex digits). */
export function keyFingerprint(pub: KeyObject): string {
  return fingerprintOfDer(pub.export({ type: 'spki', format: 'der' }));
}

function fingerprintOfDer(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').slice(0, 32);
}

/** DER prefixes of an Ed25519 key: PKCS#8 private (then 32 key bytes) and SPKI public (then 32). */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The private key from its PEM file. OpenSSL 3 takes milliseconds to decode a PEM (its generic
 * decoder chain), which a hook would pay on every call; a raw Ed25519 key imported as a JWK takes
 * microseconds. OpenSSL derives the public half from the private bytes, so the JWK's `x` (taken
 * from the public key file) is only there because Node's JWK import requires one.
 */
function parsePrivateKey(pem: string, dir: string): KeyObject {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const pub = existsSync(join(dir, PUB_FILE)) ? readFileSync(join(dir, PUB_FILE), 'utf8') : '';
  const pubDer = Buffer.from(pub.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  if (der.length === 48 && der.subarray(0, 16).equals(PKCS8_ED25519) && pubDer.length === 44)
    try {
      const d = der.subarray(16).toString('base64url'),
        x = pubDer.subarray(12).toString('base64url');
      return createPrivateKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', d, x } });
    } catch {
      /* not what we wrote: let OpenSSL read it */
    }
  return createPrivateKey(pem);
}

export function signHead(h: Omit<SignedHead, 'sig'>, key: KeyObject): SignedHead {
  return { ...h, sig: sign(null, headMessage(h), key).toString('base64') };
}

export function headSignatureOk(h: SignedHead, pub: KeyObject): boolean {
  try {
    return verify(null, headMessage(h), pub, Buffer.from(h.sig, 'base64'));
  } catch {
    return false;
  }
}

function isHead(x: unknown): x is SignedHead {
  const h = x as SignedHead;
  return (
    !!h &&
    typeof h.log === 'string' &&
    Number.isInteger(h.seq) &&
    typeof h.hash === 'string' &&
    typeof h.ts === 'string' &&
    typeof h.key === 'string' &&
    typeof h.sig === 'string'
  );
}

function headText(dir: string): string | undefined {
  const file = join(dir, HEAD_FILE);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AuditStateError(`${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function parseHead(text: string, file: string): HeadFile {
  let h: HeadFile | undefined;
  try {
    h = JSON.parse(text) as HeadFile;
  } catch {
    /* reported below */
  }
  if (!isHead(h) || typeof h.pub !== 'string' || (h.next !== undefined && !isHead(h.next)))
    throw new AuditStateError(`${file} is not a signed head (edited or damaged)`);
  return h;
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Reads `audit-head`: undefined when it does not exist; throws a one-line error when it is not a head file. */
export function readHeadFile(dir: string, tries = 3): HeadFile | undefined {
  const text = headText(dir);
  if (text === undefined) return undefined;
  try {
    return parseHead(text, join(dir, HEAD_FILE));
  } catch (e) {
    if (tries <= 1) throw e;
    pause(20); // a reader outside the write lock (verify) can meet a write in progress: read again
    return readHeadFile(dir, tries - 1);
  }
}

/**
 * The head file and the database's last record as of one moment, for a reader that does not take
 * the write lock while writers go on: the file read before and after the database is the same
 * text (a writer rewrites it before its commit and after), so the two agree with each other.
 */
function headAndLast(db: DB, dir: string): { file?: HeadFile; last?: { seq: number; hash: string } } {
  const lastStmt = hasTable(db, 'records')
    ? db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1')
    : undefined;
  for (let i = 0; ; i++) {
    const before = headText(dir);
    const last = lastStmt?.get() as { seq: number; hash: string } | undefined;
    const after = headText(dir);
    if ((before === after && after !== undefined) || i >= 20)
      return { file: after === undefined ? undefined : parseHead(after, join(dir, HEAD_FILE)), last };
    if (before === after) return { last };
    pause(5);
  }
}

function pubFromBase64(b64: string): KeyObject | undefined {
  try {
    return createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

function statOf(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** Which of a log's files exist besides the database (a log existed here if any does). */
function priorFiles(dir: string): string[] {
  return [HEAD_FILE, KEY_FILE, PUB_FILE].filter((f) => existsSync(join(dir, f)));
}

export interface AuditLogOptions {
  /** Open the database read-only (verify, show, export): nothing is created or changed. */
  readOnly?: boolean;
  /**
   * How long a write waits for another writer's lock (SQLite's busy wait, synchronous: a hook sets
   * it to what its deadline leaves). Default 30 s.
   */
  busyTimeoutMs?: number;
}

export class AuditLog {
  db!: DB;
  readonly path: string;
  readonly readOnly: boolean;
  private readonly busyTimeoutMs: number;
  private key?: KeyObject;
  private fingerprint?: string;
  private pubB64?: string;
  private logId?: string;
  private inode = 0;
  private headFd?: number;
  private appendStmt?: BetterSqlite3.Statement;
  private stmts?: { last: BetterSqlite3.Statement; head: BetterSqlite3.Statement; setHead: BetterSqlite3.Statement };

  /**
   * @param durability 'full' (default) syncs every commit to disk; 'process' (WAL with
   * synchronous=NORMAL) survives a killed process but not a power cut, for busy front doors.
   * @param busyTimeoutMs how long a write waits for another writer's lock before it throws
   * SQLITE_BUSY. The wait is synchronous, so a caller with a deadline (a hook) passes what is left
   * of it: no timer of its own can fire during the wait.
   */
  constructor(
    readonly dir = defaultAuditDir(),
    private durability: 'full' | 'process' = 'full',
    opts: AuditLogOptions = {},
  ) {
    this.path = join(dir, 'audit.db');
    this.readOnly = !!opts.readOnly;
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 30_000;
    if (this.readOnly) this.db = openReadOnly(this.path);
    else this.openForWriting();
  }

  /** Opens (or, where no log ever was, creates) the log and checks it is the one the head file names. */
  private openForWriting(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const st = statOf(this.path);
    if (st?.isDirectory()) throw new AuditStateError(`${this.path} is a folder, not an audit database`);
    const prior = priorFiles(this.dir);
    if (prior.length && (!st || st.size === 0))
      throw new AuditStateError(
        `${this.path} is ${st ? 'empty' : 'missing'} but this log's ${prior.join(', ')} exist ` +
          `(deleted or truncated?): ${ROTATE_HINT}`,
      );
    try {
      this.db = new BetterSqlite3(this.path, { timeout: this.busyTimeoutMs, nativeBinding: sqliteAddon() });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(this.durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
      this.inode = statSync(this.path).ino;
      // One transaction under the write lock: the schema (made once; user_version marks it) and the
      // log's state, so concurrent first writers and a crash in between leave nothing half-made.
      this.db.transaction(() => this.establish(this.prepareSchema())).immediate();
    } catch (e) {
      if (this.db?.open) this.db.close();
      if (e instanceof UserError) throw e;
      // (A busy database is not a broken one: the caller may wait or deny for lateness.)
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw e;
      throw new AuditStateError(`${this.path}: ${(e as Error).message}`);
    }
    try {
      chmodSync(this.path, 0o600);
    } catch {
      /* not ours to change */
    }
  }

  /**
   * A log of the previous Warden that never reached its first checkpoint: no key, no head file, no
   * signature at all. Taking it over protects it from here on and loses nothing; whoever could
   * fake this state (delete the key and head file) could as well delete the folder and start over.
   */
  private unsignedOldLog(): boolean {
    if (priorFiles(this.dir).length || hasTable(this.db, 'meta') || !hasTable(this.db, 'checkpoints')) return false;
    return !this.db.prepare('SELECT 1 FROM checkpoints LIMIT 1').get();
  }

  /** Creates the schema in a new database; returns true when it took over an unsigned old log. */
  private prepareSchema(): boolean {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version === SCHEMA_VERSION) return false;
    const unsigned = version === 1 && this.unsignedOldLog();
    if (version !== 0 && !unsigned)
      throw new AuditStateError(
        `${this.path} was written by another Warden version (schema ${version}): ${ROTATE_HINT}`,
      );
    this.createSchema(unsigned);
    return unsigned;
  }

  private createSchema(upgrade: boolean): void {
    if (upgrade)
      this.db.exec(`ALTER TABLE checkpoints ADD COLUMN key TEXT NOT NULL DEFAULT '';
        ALTER TABLE checkpoints ADD COLUMN log TEXT NOT NULL DEFAULT '';`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS records (
        seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, session TEXT NOT NULL, source TEXT NOT NULL,
        kind TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS records_session ON records(session);
      CREATE INDEX IF NOT EXISTS records_ts ON records(ts);
      CREATE TABLE IF NOT EXISTS checkpoints (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, ts TEXT NOT NULL,
        signature TEXT NOT NULL, key TEXT NOT NULL DEFAULT '', log TEXT NOT NULL DEFAULT '');
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1), log TEXT NOT NULL,
        seq INTEGER NOT NULL, hash TEXT NOT NULL, ts TEXT NOT NULL, key TEXT NOT NULL, sig TEXT NOT NULL);
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  /**
   * Under the write lock: a brand-new folder gets a key, a log id and a signed head at record 0;
   * anything else must match its head file and key, or writing is refused (a swapped, cut,
   * re-keyed or head-less log is not silently continued; `warden audit rotate` starts over).
   */
  private establish(adopt = false): void {
    const log = logIdOf(this.db);
    const last = this.lastRecord();
    const file = readHeadFile(this.dir);
    const prior = priorFiles(this.dir);
    if (!log) {
      if (!prior.length && (!last || adopt)) return this.startNewLog(last);
      // Never adopted silently: a log without a signed head is what an attacker who cut it, dropped
      // its head and deleted audit-head would leave, as well as a log of an older Warden.
      throw new AuditStateError(
        `${this.path} has ` +
          (last
            ? `${last.seq} records but no signed head (an older Warden's log, or its head was removed)`
            : `no log but ${prior.join(', ')} exist`) +
          `: ${ROTATE_HINT}`,
      );
    }
    if (!file) throw new AuditStateError(`${join(this.dir, HEAD_FILE)} is missing (deleted?): ${ROTATE_HINT}`);
    this.loadKey(false);
    if (file.log !== log)
      throw new AuditStateError(`${this.path} is not the log ${HEAD_FILE} names (replaced?): ${ROTATE_HINT}`);
    if (file.key !== this.fingerprint)
      throw new AuditStateError(
        `the signing key changed (${KEY_FILE} is ${this.fingerprint}, ${HEAD_FILE} pins ${file.key}): ${ROTATE_HINT}`,
      );
    this.logId = log;
    const problem = positionProblem(file, last);
    if (problem) throw new AuditStateError(`${problem}: ${ROTATE_HINT}`);
    this.checkHeadRow(last);
  }

  /** A new key, log id and signed head; over an unsigned old log, a record saying so comes first. */
  private startNewLog(old?: { seq: number; hash: string }): void {
    this.loadKey(true);
    this.logId = randomUUID();
    this.db.prepare(`INSERT INTO meta (k, v) VALUES ('log', ?)`).run(this.logId);
    const note = toStored(noteRecord({ source: 'audit', kind: 'adopt', data: { unsignedBefore: old?.seq } }, 'allow'));
    const h = old ? this.insert(note, old.seq + 1, old.hash) : { seq: 0, hash: GENESIS };
    this.writeHeadFile(this.signAndStore(h.seq, h.hash));
  }

  /** The private key: created only for a brand-new log; otherwise it must be there. */
  private loadKey(create: boolean): KeyObject {
    if (this.key) return this.key;
    const file = join(this.dir, KEY_FILE);
    if (create && !existsSync(file)) {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      try {
        writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
        writeFileSync(join(this.dir, PUB_FILE), publicKey.export({ type: 'spki', format: 'pem' }));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // an older Warden created it first
      }
    }
    let key: KeyObject;
    try {
      key = parsePrivateKey(readFileSync(file, 'utf8'), this.dir);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing (deleted?)' : 'unreadable';
      throw new AuditStateError(`the signing key ${file} is ${why}: ${ROTATE_HINT}`);
    }
    // The public half as OpenSSL derives it from the private key (not as any file says).
    const raw = Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url');
    const spki = Buffer.concat([SPKI_ED25519, raw]);
    this.fingerprint = fingerprintOfDer(spki);
    this.pubB64 = spki.toString('base64');
    return (this.key = key);
  }

  close(): void {
    if (this.db?.open) this.db.close();
    if (this.headFd !== undefined) closeSync(this.headFd);
    this.headFd = undefined;
  }

  publicKey(): KeyObject {
    return readPublicKey(this.dir) ?? createPublicKey(this.loadKey(false));
  }

  private lastRecord(): { seq: number; hash: string } | undefined {
    return this.db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
  }

  private statements() {
    return (this.stmts ??= {
      last: this.db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1'),
      head: this.db.prepare('SELECT log, seq, hash, ts, key, sig FROM head WHERE id = 1'),
      setHead: this.db.prepare(
        'INSERT OR REPLACE INTO head (id, log, seq, hash, ts, key, sig) VALUES (1, ?, ?, ?, ?, ?, ?)',
      ),
    });
  }

  /** A record beyond the signed head was appended without the key: refuse to sign over it. */
  private checkHeadRow(last: { seq: number; hash: string } | undefined): void {
    const h = this.statements().head.get() as SignedHead | undefined;
    const seq = last?.seq ?? 0,
      hash = last?.hash ?? GENESIS;
    if (!h || h.seq !== seq || h.hash !== hash || h.log !== this.logId)
      throw new AuditStateError(
        `${this.path}: the last record (${seq}) is not the signed head (${h ? h.seq : 'none'}): ${ROTATE_HINT}`,
      );
  }

  /**
   * The head row in the database is not signature-checked here (that is verify's job), so the
   * last record must also be where the head file, written only by writers, says: otherwise whoever
   * can write the database could change its last record and row and have the next writer sign it.
   */
  private checkHeadFile(last: { seq: number; hash: string } | undefined): void {
    const file = readHeadFile(this.dir);
    if (!file) throw new AuditStateError(`${join(this.dir, HEAD_FILE)} is missing (deleted?): ${ROTATE_HINT}`);
    const problem =
      file.log !== this.logId ? `${this.path} is not the log ${HEAD_FILE} names` : positionProblem(file, last);
    if (problem) throw new AuditStateError(`${problem}: ${ROTATE_HINT}`);
  }

  private signAndStore(seq: number, hash: string): SignedHead {
    const h = signHead(
      { log: this.logId!, seq, hash, ts: new Date().toISOString(), key: this.fingerprint! },
      this.key!,
    );
    this.statements().setHead.run(h.log, h.seq, h.hash, h.ts, h.key, h.sig);
    return h;
  }

  /**
   * Rewrites the head file in place: one write of a fixed-size block at offset 0, which a killed
   * process cannot tear (a rename over the old file would be atomic too, but ext4 flushes the disk
   * on every replacing rename: milliseconds per append). Always under the write lock, so writers
   * never step back.
   */
  private writeHeadFile(h: SignedHead, next?: SignedHead): void {
    const file = join(this.dir, HEAD_FILE);
    // Rotated away while this process wrote to it: the head file there now belongs to another log.
    if (statOf(this.path)?.ino !== this.inode) throw new AuditStateError(`${this.path} was rotated or replaced`);
    if (this.headFd === undefined) this.headFd = openSync(file, existsSync(file) ? 'r+' : 'wx', 0o600);
    else if (statOf(file)?.ino !== fstatSync(this.headFd).ino)
      throw new AuditStateError(`${file} was deleted or replaced while this process wrote to it: ${ROTATE_HINT}`);
    const body: HeadFile = { v: 1, ...h, pub: this.pubB64!, ...(next ? { next } : {}) };
    const text = JSON.stringify(body);
    if (text.length >= HEAD_FILE_SIZE) throw new Error('signed head too long'); // cannot happen: fixed fields
    writeSync(this.headFd, Buffer.from(text.padEnd(HEAD_FILE_SIZE - 1) + '\n'), 0, HEAD_FILE_SIZE, 0);
  }

  /** The database file was renamed away (rotated) or replaced since we opened it: start over on the new one. */
  private reopenIfMoved(): void {
    if (statOf(this.path)?.ino === this.inode) return;
    this.close();
    this.key = this.appendStmt = this.stmts = this.logId = undefined;
    this.openForWriting();
  }

  /** Appends one record; returns it once it is durably committed (and its head signed). */
  append(r: NewRecord): AuditRecord {
    return this.write([r])[0];
  }

  /** Appends many records in one transaction (one disk sync, one signature): for busy front doors. */
  appendMany(rs: NewRecord[]): void {
    if (rs.length) this.write(rs);
  }

  private write(rs: NewRecord[]): AuditRecord[] {
    if (this.readOnly) throw new AuditStateError(`${this.path} is open read-only`);
    this.reopenIfMoved();
    let signed: SignedHead | undefined;
    const out = this.db
      .transaction((): AuditRecord[] => {
        const { last } = this.statements();
        const head = last.get() as { seq: number; hash: string } | undefined;
        this.checkHeadRow(head);
        this.checkHeadFile(head);
        const prevSigned = this.statements().head.get() as SignedHead;
        let seq = head?.seq ?? 0,
          prev = head?.hash ?? GENESIS;
        const written = rs.map((r) => {
          const full = this.insert(r, ++seq, prev);
          prev = full.hash;
          if (seq % CHECKPOINT_EVERY === 0) this.writeCheckpoint(seq, full.hash);
          return full;
        });
        signed = this.signAndStore(seq, prev);
        this.writeHeadFile(prevSigned, signed); // "being committed": a crash either side leaves a valid file
        return written;
      })
      .immediate();
    this.finishHeadFile(signed!);
    return out;
  }

  private insert(r: NewRecord, seq: number, prev: string): AuditRecord {
    this.appendStmt ??= this.db.prepare(
      'INSERT INTO records (seq, ts, session, source, kind, decision, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const rec: Omit<AuditRecord, 'hash'> = {
      seq,
      ts: new Date().toISOString(),
      session: r.session ?? `pid-${process.pid}`,
      source: r.source,
      kind: r.kind,
      decision: r.decision,
      data: r.data,
      prev,
    };
    const full = { ...rec, hash: recordHash(rec) };
    const { ts, session, source, kind, decision, hash } = full;
    this.appendStmt.run(seq, ts, session, source, kind, decision, JSON.stringify(full.data), prev, hash);
    return full;
  }

  /**
   * After the commit: the head file names the committed head alone, unless a later writer moved on.
   * The record is already safe, so this waits for the write lock only briefly: if the database is
   * held (a busy or hostile process), the file keeps naming this head as "being committed".
   */
  private finishHeadFile(h: SignedHead): void {
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    try {
      this.db.pragma(`busy_timeout = ${Math.min(timeout, FINISH_WAIT_MS)}`);
      this.db
        .transaction(() => {
          const cur = this.statements().head.get() as SignedHead | undefined;
          if (cur && cur.seq === h.seq && cur.hash === h.hash) this.writeHeadFile(h);
        })
        .immediate();
    } catch {
      /* the file still names this head as "being committed", which verify accepts */
    } finally {
      this.db.pragma(`busy_timeout = ${timeout}`);
    }
  }

  private writeCheckpoint(seq: number, hash: string): void {
    const h = signHead(
      { log: this.logId!, seq, hash, ts: new Date().toISOString(), key: this.fingerprint! },
      this.key!,
    );
    this.db
      .prepare('INSERT OR REPLACE INTO checkpoints (seq, hash, ts, signature, key, log) VALUES (?, ?, ?, ?, ?, ?)')
      .run(seq, hash, h.ts, h.sig, h.key, h.log);
  }

  /** Keeps a signed checkpoint at the current head for good (the head itself is always signed). */
  checkpoint(): { seq: number; hash: string } | undefined {
    this.reopenIfMoved();
    return this.db
      .transaction(() => {
        const head = this.lastRecord();
        if (head) this.writeCheckpoint(head.seq, head.hash);
        return head;
      })
      .immediate();
  }

  /** The signed head stored in the database (for `warden audit anchor`). */
  signedHead(): SignedHead | undefined {
    if (!hasTable(this.db, 'head')) return undefined;
    return this.db.prepare('SELECT log, seq, hash, ts, key, sig FROM head WHERE id = 1').get() as
      SignedHead | undefined;
  }

  /** Records in sequence order, filtered. */
  *records(
    f: {
      session?: string;
      decision?: string;
      since?: string;
      until?: string;
      kind?: string;
      source?: string;
      /** Only records after this seq (the forwarder's acknowledged position). */
      after?: number;
    } = {},
  ): Generator<AuditRecord> {
    if (!hasTable(this.db, 'records')) return;
    const where: string[] = [],
      params: unknown[] = [];
    const add = (col: string, op: string, v: string | undefined) => {
      if (!v) return;
      where.push(`${col} ${op} ?`);
      params.push(v);
    };
    add('session', '=', f.session);
    add('decision', '=', f.decision);
    add('kind', '=', f.kind);
    add('source', '=', f.source);
    add('ts', '>=', f.since);
    add('ts', '<=', f.until);
    if (f.after !== undefined) (where.push('seq > ?'), params.push(f.after));
    const stmt = this.db.prepare(
      `SELECT * FROM records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`,
    );
    for (const row of stmt.iterate(...params) as Iterable<Record<string, unknown>>) {
      yield { ...(row as unknown as AuditRecord), data: parseData(row.data as string) };
    }
  }

  /** Checks the database alone (chain, checkpoints, signed head); `verifyLog` adds the files around it. */
  verify(): VerifyResult {
    return verifyDatabase(this.db, this.dir, readPublicKey(this.dir));
  }
}

function logIdOf(db: DB): string | undefined {
  if (!hasTable(db, 'meta')) return undefined;
  return (db.prepare(`SELECT v FROM meta WHERE k = 'log'`).get() as { v: string } | undefined)?.v;
}

function hasTable(db: DB, name: string): boolean {
  return !!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name);
}

/** The public key from its file, else from the private key; undefined when both are gone. */
export function readPublicKey(dir: string): KeyObject | undefined {
  try {
    return createPublicKey(readFileSync(join(dir, PUB_FILE), 'utf8'));
  } catch {
    try {
      return createPublicKey(createPrivateKey(readFileSync(join(dir, KEY_FILE), 'utf8')));
    } catch {
      return undefined;
    }
  }
}

/**
 * Read-only, creating nothing: SQLite's readonly mode, and where the media is read-only and the
 * WAL's shared-memory file cannot be made, a private copy of the database and its WAL.
 */
function openReadOnly(path: string): DB {
  const st = statOf(path);
  if (!st) throw new AuditStateError(`${path} does not exist`);
  if (st.isDirectory()) throw new AuditStateError(`${path} is a folder, not an audit database`);
  const open = (p: string) => {
    const db = new BetterSqlite3(p, { readonly: true, fileMustExist: true, nativeBinding: sqliteAddon() });
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get(); // reads the header: "not a database" shows here
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  };
  try {
    return open(path);
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!/CANTOPEN|READONLY|IOERR/.test(code)) throw new AuditStateError(`${path}: ${(e as Error).message}`);
  }
  const copy = mkdtempSync(join(tmpdir(), 'warden-verify-'));
  try {
    copyFileSync(path, join(copy, 'audit.db'));
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, join(copy, 'audit.db-wal'));
    return open(join(copy, 'audit.db'));
  } catch (e) {
    throw new AuditStateError(`${path}: cannot be read (${(e as Error).message})`);
  } finally {
    rmSync(copy, { recursive: true, force: true }); // the open handle keeps the copy readable
  }
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  checkpoints: number;
  /** The signed head in the database, if any. */
  head?: SignedHead;
  problems: string[];
}

/** Where the head file says the chain is, against the database's last record: a sentence if they disagree. */
function positionProblem(file: HeadFile, last: { seq: number; hash: string } | undefined): string | undefined {
  const seq = last?.seq ?? 0,
    hash = last?.hash ?? GENESIS;
  const at = (h: SignedHead) => h.seq === seq && h.hash === hash;
  if (at(file) || (file.next && at(file.next))) return undefined;
  if (file.seq === seq || file.next?.seq === seq)
    return `record ${seq} is not the record ${HEAD_FILE} signed there (the chain was rewritten)`;
  if (seq < file.seq)
    return (
      `the log ends at record ${seq} but ${HEAD_FILE} (outside the database) was signed at record ${file.seq}: ` +
      `${recordsText(seq + 1, file.seq)} missing (cut, emptied, or the database replaced by an older copy)`
    );
  const where = `${HEAD_FILE} (signed at record ${file.seq}) is behind the log (record ${seq})`;
  return `${where}: it was replaced by an older copy`;
}

function verifyDatabase(db: DB, dir: string, pub: KeyObject | undefined): VerifyResult {
  const problems: string[] = [];
  if (!hasTable(db, 'records')) return { ok: true, records: 0, checkpoints: 0, problems };
  const hashes = new Map<number, string>();
  const n = checkChain(db, hashes, problems);
  const lastSeq = Math.max(0, ...hashes.keys());
  const fpr = pub && keyFingerprint(pub);
  const signedOk = (h: SignedHead) => (pub ? headSignatureOk(h, pub) : true);
  let cps = 0;
  const seen = new Set<number>();
  for (const cp of db.prepare('SELECT * FROM checkpoints ORDER BY seq').iterate() as Iterable<{
    seq: number;
    hash: string;
    ts: string;
    signature: string;
    key?: string;
    log?: string;
  }>) {
    cps++;
    seen.add(cp.seq);
    const good = cp.key
      ? signedOk({ log: cp.log ?? '', seq: cp.seq, hash: cp.hash, ts: cp.ts, key: cp.key, sig: cp.signature })
      : !pub || legacySignatureOk(cp, pub);
    if (!good) problems.push(`checkpoint at record ${cp.seq}: bad signature (the checkpoint was forged or edited)`);
    else if (cp.key && fpr && cp.key !== fpr)
      problems.push(`checkpoint at record ${cp.seq}: signed by another key (${cp.key}), not ${fpr} (re-keyed)`);
    const h = hashes.get(cp.seq);
    if (h === undefined)
      problems.push(`checkpoint at record ${cp.seq}: that record is gone (the log was cut or records deleted)`);
    else if (h !== cp.hash) problems.push(`checkpoint at record ${cp.seq}: the chain up to it was rewritten`);
  }
  for (let s = CHECKPOINT_EVERY; s <= lastSeq; s += CHECKPOINT_EVERY)
    if (!seen.has(s)) problems.push(`checkpoint at record ${s} is missing (its row was deleted)`);
  const head = hasTable(db, 'head')
    ? (db.prepare('SELECT log, seq, hash, ts, key, sig FROM head WHERE id = 1').get() as SignedHead | undefined)
    : undefined;
  const log = logIdOf(db);
  if (!head) {
    if (!hasTable(db, 'head') && db.pragma('user_version', { simple: true }) === 1)
      problems.push(
        'written by an older Warden (schema 1): no signed head, so the records after the last checkpoint ' +
          'cannot be checked; archive it and start a new log with `warden audit rotate`',
      );
    else if (log || n) problems.push(`the signed head row is missing from the database (deleted)`);
  } else {
    if (!signedOk(head)) problems.push(`signed head at record ${head.seq}: bad signature (forged or edited)`);
    else if (fpr && head.key !== fpr)
      problems.push(`signed head at record ${head.seq}: signed by another key (${head.key}), not ${fpr} (re-keyed)`);
    if (log && head.log !== log) problems.push(`signed head at record ${head.seq}: it belongs to another log`);
    if (lastSeq > head.seq)
      problems.push(
        `${recordsText(head.seq + 1, lastSeq)} after the last signed head (record ${head.seq}): ` +
          'appended without the signing key',
      );
    else if (head.seq > lastSeq && head.seq > 0)
      problems.push(
        `${recordsText(lastSeq + 1, head.seq)} missing: ` +
          `the signed head in the database is at record ${head.seq} (the log was cut)`,
      );
    else if (head.seq > 0 && hashes.get(head.seq) !== head.hash)
      problems.push(`signed head at record ${head.seq}: the chain up to it was rewritten`);
  }
  return { ok: problems.length === 0, records: n, checkpoints: cps, head, problems };
}

function legacySignatureOk(cp: { seq: number; hash: string; ts: string; signature: string }, pub: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(`${cp.seq}:${cp.hash}:${cp.ts}`), pub, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Walks the chain in seq order; returns how many records, filling `hashes` and `problems`. */
function checkChain(db: DB, hashes: Map<number, string>, problems: string[]): number {
  let prevHash = GENESIS,
    expect = 1,
    n = 0;
  for (const row of db.prepare('SELECT * FROM records ORDER BY seq').iterate() as Iterable<Record<string, unknown>>) {
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
    const { seq, ts, session, source, kind, decision, prev } = r;
    if (recordHash({ seq, ts, session, source, kind, decision, data, prev }) !== r.hash)
      problems.push(`record ${r.seq}: its content does not match its hash (edited)`);
    hashes.set(r.seq, r.hash);
    prevHash = r.hash;
    expect = r.seq + 1;
  }
  return n;
}

/** A signed head shipped off the machine by `warden audit anchor`: the head plus the public key. */
export interface Anchor extends SignedHead {
  pub: string;
}

/**
 * The whole check, read-only: the database's chain, checkpoints and signed head, the key files,
 * the head file outside the database, and optionally an anchor kept elsewhere. Throws
 * AuditStateError (exit 2) only when there is no log here at all or it cannot be read.
 */
export function verifyLog(dir: string, anchor?: Anchor): VerifyResult {
  const path = join(dir, 'audit.db');
  const problems: string[] = [];
  let file: HeadFile | undefined;
  try {
    file = readHeadFile(dir);
  } catch (e) {
    problems.push((e as Error).message);
  }
  const pinned = file && pubFromBase64(file.pub);
  const onDisk = readPublicKey(dir);
  const st = statOf(path);
  if (!st || st.size === 0) {
    if (!file && !onDisk && !problems.length) throw new AuditStateError(`no audit log in ${dir}`);
    const what = st ? 'empty (truncated to 0 bytes?)' : 'missing (deleted?)';
    problems.push(`${path} is ${what}${file ? `, but ${HEAD_FILE} says the log reached record ${file.seq}` : ''}`);
    return { ok: false, records: 0, checkpoints: 0, problems };
  }
  const db = openReadOnly(path);
  try {
    // One snapshot for the database's own checks, so appends going on meanwhile do not count.
    const r = db.transaction(() => verifyDatabase(db, dir, pinned ?? onDisk)).deferred();
    problems.push(...r.problems);
    keyProblems(dir, file, pinned, onDisk, problems);
    const log = logIdOf(db);
    if (file) {
      const now = headAndLast(db, dir);
      headFileProblems(now.file ?? file, pinned, log, now.last, problems);
    } else if ((log || r.records) && !problems.some((p) => p.includes(HEAD_FILE) || p.includes('(schema 1)')))
      problems.push(`${join(dir, HEAD_FILE)} is missing (deleted?): the highest signed position cannot be checked`);
    if (anchor) anchorProblems(db, anchor, pinned ?? onDisk, problems);
    return { ...r, ok: problems.length === 0, problems };
  } finally {
    db.close();
  }
}

function keyProblems(
  dir: string,
  file: HeadFile | undefined,
  pinned: KeyObject | undefined,
  onDisk: KeyObject | undefined,
  problems: string[],
): void {
  if (!onDisk) problems.push(`the signing key files (${KEY_FILE}, ${PUB_FILE}) are missing (deleted?)`);
  else if (!existsSync(join(dir, KEY_FILE)))
    problems.push(`the signing key ${KEY_FILE} is missing (deleted?): this log can no longer be signed`);
  if (onDisk && pinned && keyFingerprint(onDisk) !== keyFingerprint(pinned))
    problems.push(
      `the signing key changed: ${PUB_FILE} is ${keyFingerprint(onDisk)} ` +
        `but ${HEAD_FILE} pins ${keyFingerprint(pinned)} (keys replaced)`,
    );
  if (file && pinned && keyFingerprint(pinned) !== file.key)
    problems.push(`${HEAD_FILE}: its key fingerprint does not match the public key it holds (edited)`);
}

function headFileProblems(
  file: HeadFile,
  pinned: KeyObject | undefined,
  log: string | undefined,
  last: { seq: number; hash: string } | undefined,
  problems: string[],
): void {
  const badSig = !pinned || !headSignatureOk(file, pinned) || (file.next && !headSignatureOk(file.next, pinned));
  if (badSig) problems.push(`${HEAD_FILE} (record ${file.seq}): bad signature (forged or edited)`);
  if (log && file.log !== log)
    problems.push(`audit.db is not the log ${HEAD_FILE} names (log ${log} vs ${file.log}): the database was replaced`);
  const p = positionProblem(file, last);
  if (p) problems.push(p);
}

function anchorProblems(db: DB, a: Anchor, pub: KeyObject | undefined, problems: string[]): void {
  const apub = pubFromBase64(a.pub);
  if (!apub || !headSignatureOk(a, apub) || keyFingerprint(apub) !== a.key)
    return void problems.push(`the anchor (record ${a.seq}) does not carry a valid signature`);
  if (!pub || keyFingerprint(pub) !== a.key)
    problems.push(`the signing key changed since the anchor (the anchor's key is ${a.key})`);
  const r = hasTable(db, 'records')
    ? (db.prepare('SELECT hash FROM records WHERE seq = ?').get(a.seq) as { hash: string } | undefined)
    : undefined;
  const log = logIdOf(db);
  if (log !== a.log) problems.push(`the log is not the one anchored (log ${a.log}): it was replaced or rotated`);
  if (a.seq > 0 && !r) problems.push(`record ${a.seq}, anchored off the machine, is gone (the log was cut)`);
  else if (a.seq > 0 && r!.hash !== a.hash)
    problems.push(`record ${a.seq} differs from the anchored head (the chain was rewritten since the anchor)`);
}

/** `warden audit anchor`: the database's signed head with the public key, as one JSON line. */
export function anchorOf(dir: string): Anchor {
  const log = new AuditLog(dir, 'full', { readOnly: true });
  try {
    const h = log.signedHead();
    const file = readHeadFile(dir);
    if (!h || !file) throw new AuditStateError(`${log.path} has no signed head to anchor`);
    return { log: h.log, seq: h.seq, hash: h.hash, ts: h.ts, key: h.key, sig: h.sig, pub: file.pub };
  } finally {
    log.close();
  }
}

/**
 * `warden audit rotate`: closes the current log with a signed record (when it still can be
 * written), moves the database, its head file and its key into archive/<time>/, and starts a new
 * log whose first record names the archive, the old head and what verify said about it.
 */
export function rotateLog(dir: string): { archive: string; record: AuditRecord } {
  if (!existsSync(join(dir, 'audit.db')) && !priorFiles(dir).length)
    throw new AuditStateError(`no audit log in ${dir}: nothing to rotate`);
  let verdict: { ok: boolean; problems: string[] };
  try {
    verdict = verifyLog(dir);
  } catch (e) {
    verdict = { ok: false, problems: [(e as Error).message] };
  }
  let closing: AuditRecord | undefined, closeError: string | undefined;
  try {
    const old = new AuditLog(dir);
    closing = old.append(
      toStored(noteRecord({ source: 'audit', kind: 'rotate', data: { closing: true, verdict } }, 'allow')),
    );
    old.close();
  } catch (e) {
    closeError = (e as Error).message;
  }
  const archive = join(dir, 'archive', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(archive, { recursive: true, mode: 0o700 });
  for (const f of ['audit.db', 'audit.db-wal', 'audit.db-shm', HEAD_FILE, KEY_FILE, PUB_FILE])
    if (existsSync(join(dir, f))) renameSync(join(dir, f), join(archive, f));
  const log = new AuditLog(dir);
  try {
    const record = log.append(
      toStored(
        noteRecord(
          {
            source: 'audit',
            kind: 'rotate',
            data: {
              archive,
              previous: closing ? { seq: closing.seq, hash: closing.hash } : undefined,
              closed: !!closing,
              closeError,
              verified: verdict.ok,
              problems: verdict.problems.slice(0, 20),
            },
          },
          'allow',
        ),
      ),
    );
    return { archive, record };
  } finally {
    log.close();
  }
}

function parseData(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
