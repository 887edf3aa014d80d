// The audit log: tamper evidence (edit, delete, insert, reorder, rewrite, truncation), many
// writers at once, and a writer killed mid-write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, recordHash, CHECKPOINT_EVERY } from '../src/audit/log.ts';

const WRITER = join(import.meta.dirname, 'helpers', 'audit-writer.ts');
const fresh = (n: number) => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-'));
  const log = new AuditLog(dir);
  for (let i = 0; i < n; i++)
    log.append({ session: 's', source: 'test', kind: 'shell', decision: 'allow', data: { i, command: `echo ${i}` } });
  return { dir, log };
};

test('an intact log verifies, with signed checkpoints', () => {
  const { log } = fresh(CHECKPOINT_EVERY * 2 + 5);
  const r = log.verify();
  assert.deepEqual(r.problems, []);
  assert.equal(r.records, 205);
  assert.equal(r.checkpoints, 2);
  log.close();
});

test('edits, deletions, insertions, reordering, rewrites and cut-off tails are found, with where', () => {
  const check = (mutate: (l: AuditLog) => void, want: RegExp) => {
    const { log } = fresh(150);
    mutate(log);
    const r = log.verify();
    assert.equal(r.ok, false, `not detected: ${want}`);
    assert.ok(
      r.problems.some((p) => want.test(p)),
      `${want}: ${r.problems.join('; ')}`,
    );
    log.close();
  };
  check(
    (l) => l.db.prepare(`UPDATE records SET data = json_set(data, '$.command', 'rm -rf /') WHERE seq = 42`).run(),
    /record 42: its content does not match its hash/,
  );
  check((l) => l.db.prepare(`UPDATE records SET decision = 'deny' WHERE seq = 7`).run(), /record 7: .*edited/);
  check(
    (l) => l.db.prepare('DELETE FROM records WHERE seq = 60').run(),
    /records 60 are missing|record 61: does not follow/,
  );
  check((l) => {
    // Insert a forged record between 10 and 11 by shifting the later ones up.
    l.db.prepare('UPDATE records SET seq = seq + 1000 WHERE seq > 10').run();
    l.db.prepare('UPDATE records SET seq = seq - 999 WHERE seq > 1000').run();
    l.db
      .prepare(
        `INSERT INTO records (seq, ts, session, source, kind, decision, data, prev, hash) SELECT 11, ts, session, source, kind, 'allow', '{}', hash, 'x' FROM records WHERE seq = 10`,
      )
      .run();
  }, /record 11: its content does not match|record 12: does not follow/);
  check((l) => {
    // Swap the contents of records 20 and 21 (reorder).
    l.db.prepare('UPDATE records SET seq = -1 WHERE seq = 20').run();
    l.db.prepare('UPDATE records SET seq = 20 WHERE seq = 21').run();
    l.db.prepare('UPDATE records SET seq = 21 WHERE seq = -1').run();
  }, /record 2[01]: (?:does not follow|its content does not match)/);
  check((l) => {
    // Rewrite the whole chain consistently after an edit: only the signed checkpoint can tell.
    const rows = l.db.prepare('SELECT * FROM records ORDER BY seq').all() as Record<string, unknown>[];
    let prev = '0'.repeat(64);
    for (const r of rows) {
      const data = JSON.parse(r.data as string);
      if (r.seq === 30) data.command = 'echo nothing to see';
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
      l.db
        .prepare('UPDATE records SET data = ?, prev = ?, hash = ? WHERE seq = ?')
        .run(JSON.stringify(data), prev, hash, r.seq);
      prev = hash;
    }
  }, /checkpoint at record 100: the chain up to it was rewritten/);
  check(
    (l) => l.db.prepare('DELETE FROM records WHERE seq >= 100').run(),
    /checkpoint at record 100: that record is gone/,
  );
  check(
    (l) => l.db.prepare(`UPDATE checkpoints SET hash = (SELECT hash FROM records WHERE seq = 150), seq = 150`).run(),
    /bad signature/,
  );
});

test('many processes append at once without losing or corrupting records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-'));
  const env = { ...process.env, WARDEN_HOME: dir };
  const procs = Array.from(
    { length: 6 },
    (_, k) =>
      new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', WRITER, '60', `w${k}`], { env });
        let out = '';
        p.stdout.on('data', (d) => {
          out += d;
        });
        p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`writer ${k} exited ${code}`))));
      }),
  );
  const outs = await Promise.all(procs);
  const acked = outs.flatMap((o) => o.trim().split('\n').map(Number));
  assert.equal(acked.length, 360);
  assert.equal(new Set(acked).size, 360);
  const log = new AuditLog(dir);
  const r = log.verify();
  assert.deepEqual(r.problems, []);
  assert.equal(r.records, 360);
  assert.equal(r.checkpoints, 3);
  log.close();
});

test('a writer killed mid-write loses nothing it acknowledged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-'));
  const p = spawn(process.execPath, ['--import', 'tsx', WRITER, '100000', 'victim'], {
    env: { ...process.env, WARDEN_HOME: dir },
  });
  let out = '';
  p.stdout.on('data', (d) => {
    out += d;
    if (out.split('\n').length > 150) p.kill('SIGKILL');
  });
  await new Promise((r) => p.on('exit', r));
  const acked = out
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
  assert.ok(acked.length >= 150);
  const log = new AuditLog(dir);
  const r = log.verify();
  assert.deepEqual(r.problems, []);
  const seqs = new Set([...log.records()].map((x) => x.seq));
  for (const s of acked) assert.ok(seqs.has(s), `acknowledged record ${s} lost`);
  log.close();
  // And the log keeps working after the crash.
  const again = spawnSync(process.execPath, ['--import', 'tsx', WRITER, '3', 'after'], {
    env: { ...process.env, WARDEN_HOME: dir },
    encoding: 'utf8',
  });
  assert.equal(again.status, 0, again.stderr);
});
