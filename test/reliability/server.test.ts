// `warden server` under attack and on a bad day, with a real PostgreSQL cluster made by the test,
// real server processes and the real CLI on the machines: bad tokens, forged heads, logs rolled
// back, re-keyed, cut or edited on the machine, a tampered or expired policy bundle, the server or
// the database down during a push, a push killed mid-way, two server processes on one database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { pgSkip, startPostgres, type Pg } from '../helpers/postgres.ts';
import { api, BIN, enrolled, home, pushed, records, serve, w, type Srv } from '../helpers/server.ts';
import { managedBundle } from '../../src/server/managed.ts';

let cluster: Pg | undefined;
let n = 0;
const servers: Srv[] = [];

before(async () => {
  if (!pgSkip) cluster = await startPostgres();
});
after(async () => {
  for (const s of servers) await s.stop();
  cluster?.destroy();
});

/** A new database on the cluster, and a server on it. */
async function fresh(args: string[] = []): Promise<{ srv: Srv; db: string }> {
  const name = `t${++n}`;
  const c = new pg.Client(`${cluster!.url}`);
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const db = cluster!.url.replace(/\/warden$/, `/${name}`);
  const srv = await serve(home(), ['--db', db, ...args]);
  servers.push(srv);
  return { srv, db };
}

async function count(db: string, sql: string): Promise<number> {
  const c = new pg.Client(db);
  await c.connect();
  try {
    return Number((await c.query(sql)).rows[0].n);
  } finally {
    await c.end();
  }
}

async function alerts(srv: Srv): Promise<{ kind: string; detail: string }[]> {
  return (await api(srv.url, '/api/alerts', srv.admin)).body;
}

const opts = { skip: pgSkip, timeout: 300_000 };

test('a missing, wrong or machine token on the admin API gets 401 and no records', opts, async () => {
  const { srv } = await fresh();
  const m = enrolled(srv);
  records(m, 3, 'secret-session');
  assert.equal(pushed(m).status, 0);
  const machineToken = JSON.parse(readFileSync(join(m, 'server.json'), 'utf8')).token;
  for (const t of [undefined, 'wadm_wrong0000000000000000000000', machineToken]) {
    const r = await api(srv.url, '/api/events?session=secret-session', t);
    assert.equal(r.status, 401, `token ${t}`);
    assert.ok(!JSON.stringify(r.body).includes('echo'));
  }
  assert.equal((await api(srv.url, '/api/events?session=secret-session', srv.admin)).body.length, 3);
});

test('a bad enrolment token and a bad machine token get 401: no machine, no records', opts, async () => {
  const { srv, db } = await fresh();
  const h0 = home();
  records(h0, 1);
  const pub = JSON.parse(readFileSync(join(h0, 'audit-head'), 'utf8')).pub;
  const r = await api(srv.url, '/api/enrol', undefined, {
    method: 'POST',
    body: JSON.stringify({ token: 'wenr_guess', name: 'x', pub }),
  });
  assert.equal(r.status, 401);
  const h = home();
  const e = w(h, ['enrol', srv.url, '--token', 'wenr_guessed_token_000000000000']);
  assert.equal(e.status, 2);
  assert.match(e.stderr, /enrolment refused .*401/);
  const p = await api(srv.url, '/api/ingest', 'wmac_forged', { method: 'POST', body: '{}' });
  assert.equal(p.status, 401);
  assert.equal(await count(db, 'SELECT count(*) AS n FROM machines'), 0);
});

test('a push whose head was signed by another key than the one sent is refused (400) and flagged', opts, async () => {
  const { srv } = await fresh();
  const m = enrolled(srv);
  records(m, 2);
  const token = JSON.parse(readFileSync(join(m, 'server.json'), 'utf8')).token;
  const head = JSON.parse(readFileSync(join(m, 'audit-head'), 'utf8'));
  const other = enrolled(srv);
  const otherPub = JSON.parse(readFileSync(join(other, 'audit-head'), 'utf8')).pub;
  const r = await api(srv.url, '/api/ingest', token, {
    method: 'POST',
    body: JSON.stringify({
      log: head.log,
      pub: otherPub,
      head: { ...head, pub: undefined, next: undefined },
      records: [],
    }),
  });
  assert.equal(r.status, 400);
  assert.ok((await alerts(srv)).some((a) => a.kind === 'forged-head'));
});

test(
  'malformed, oversized or mis-shaped bodies get 400/413 with a one-line reason, and the server stays up',
  opts,
  async () => {
    const { srv } = await fresh();
    const m = enrolled(srv);
    const token = JSON.parse(readFileSync(join(m, 'server.json'), 'utf8')).token;
    assert.equal((await api(srv.url, '/api/ingest', token, { method: 'POST', body: '{not json' })).status, 400);
    assert.equal((await api(srv.url, '/api/ingest', token, { method: 'POST', body: '{"log":1}' })).status, 400);
    const huge = await api(srv.url, '/api/ingest', token, { method: 'POST', body: 'x'.repeat(33 * 1024 * 1024) }).catch(
      () => ({ status: 413 }),
    );
    assert.equal(huge.status, 413);
    assert.equal((await api(srv.url, '/api/health')).status, 200);
  },
);

test('a machine log rolled back to an older copy is flagged rollback on the next push', opts, async () => {
  const { srv } = await fresh();
  const m = enrolled(srv);
  records(m, 5);
  assert.equal(pushed(m).status, 0);
  const saved = join(m, 'saved');
  mkdirSync(saved);
  for (const f of ['audit.db', 'audit-head']) copyFileSync(join(m, f), join(saved, f));
  records(m, 5);
  assert.equal(pushed(m).status, 0);
  for (const f of ['audit.db', 'audit-head']) copyFileSync(join(saved, f), join(m, f)); // the older copy back
  pushed(m);
  const a = await alerts(srv);
  assert.ok(
    a.some((x) => x.kind === 'rollback'),
    JSON.stringify(a),
  );
});

test(
  'a machine log re-keyed (rotated with a new key) is flagged rekey and new-log, and still received',
  opts,
  async () => {
    const { srv, db } = await fresh();
    const m = enrolled(srv);
    records(m, 3);
    assert.equal(pushed(m).status, 0);
    assert.equal(w(m, ['audit', 'rotate']).status, 0);
    records(m, 2);
    const p = pushed(m);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /server flagged: rekey/);
    const kinds = (await alerts(srv)).map((a) => a.kind);
    assert.ok(kinds.includes('rekey') && kinds.includes('new-log'), kinds.join());
    assert.equal(await count(db, 'SELECT count(DISTINCT log) AS n FROM records'), 2);
  },
);

test('records deleted from the middle of a machine log before a push are flagged as a gap', opts, async () => {
  const { srv } = await fresh();
  const m = enrolled(srv);
  records(m, 10);
  const db = new BetterSqlite3(join(m, 'audit.db'));
  db.prepare('DELETE FROM records WHERE seq BETWEEN 4 AND 6').run();
  db.close();
  pushed(m);
  const a = await alerts(srv);
  assert.ok(
    a.some((x) => x.kind === 'gap' && /4–6/.test(x.detail)),
    JSON.stringify(a),
  );
});

test(
  'a record edited on the machine is refused and flagged tampered; the records before it are kept',
  opts,
  async () => {
    const { srv, db } = await fresh();
    const m = enrolled(srv);
    records(m, 8);
    const l = new BetterSqlite3(join(m, 'audit.db'));
    l.prepare(`UPDATE records SET decision = 'allow', data = '{"edited":true}' WHERE seq = 6`).run();
    l.close();
    const p = pushed(m);
    assert.equal(p.status, 1);
    assert.match(p.stdout, /refused: record 6/);
    assert.ok((await alerts(srv)).some((a) => a.kind === 'tampered'));
    assert.equal(await count(db, 'SELECT max(seq) AS n FROM records'), 5);
    assert.equal(await count(db, `SELECT count(*) AS n FROM records WHERE data LIKE '%edited%'`), 0);
  },
);

test(
  'records appended to a machine log without its key (beyond the signed head) are never sent nor stored',
  opts,
  async () => {
    const { srv } = await fresh();
    const m = enrolled(srv);
    records(m, 3);
    // The attacker's append: a well-formed record after the head, which only the key could sign.
    const l = new BetterSqlite3(join(m, 'audit.db'));
    const last = l.prepare('SELECT * FROM records ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    const { recordHash } = await import('../../src/audit/log.ts');
    const rec = {
      seq: last.seq + 1,
      ts: new Date().toISOString(),
      session: 's',
      source: 'x',
      kind: 'k',
      decision: 'allow',
      data: {},
      prev: last.hash,
    };
    l.prepare('INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?)').run(
      rec.seq,
      rec.ts,
      rec.session,
      rec.source,
      rec.kind,
      rec.decision,
      '{}',
      rec.prev,
      recordHash(rec),
    );
    l.close();
    pushed(m);
    // The signed head stops before it: the push sends up to the head only, and the extra record is never stored.
    const r = await api(srv.url, '/api/events?session=s', srv.admin);
    assert.equal(r.body.length, 0);
  },
);

test('a machine silent for longer than --silence-minutes is flagged silent', opts, async () => {
  const { srv } = await fresh(['--silence-minutes', '0']);
  const m = enrolled(srv);
  pushed(m);
  await new Promise((r) => setTimeout(r, 1100));
  assert.ok((await alerts(srv)).some((a) => a.kind === 'silent'));
});

test(
  'the server down during a push: exit 1, records kept, all sent once the server is back, no duplicate',
  opts,
  async () => {
    const { srv, db } = await fresh();
    const m = enrolled(srv);
    records(m, 50);
    assert.equal(pushed(m).status, 0);
    records(m, 50);
    await srv.stop();
    const down = pushed(m);
    assert.equal(down.status, 1);
    assert.match(down.stderr, /cannot be reached.*stay in the local log/);
    const again = await serve(home(), ['--db', db]);
    servers.push(again);
    // The machine's enrolment names the old URL (another port): point it at the new process.
    const e = JSON.parse(readFileSync(join(m, 'server.json'), 'utf8'));
    writeFileSync(join(m, 'server.json'), JSON.stringify({ ...e, url: again.url }));
    const up = pushed(m);
    assert.equal(up.status, 0, up.stderr);
    assert.equal(up.stored, 50);
    assert.equal(await count(db, 'SELECT count(*) AS n FROM records'), 101); // 100 and the enrolment's record
  },
);

test(
  'the database down for a while: pushes get 503 and keep the records; after it returns, all arrive once',
  opts,
  async () => {
    const { srv, db } = await fresh();
    const m = enrolled(srv);
    records(m, 30);
    cluster!.stop();
    try {
      const r = pushed(m);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /HTTP 503/);
      const h = await api(srv.url, '/api/health');
      assert.equal(h.status, 503);
    } finally {
      cluster!.start();
    }
    const ok = pushed(m);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(await count(db, 'SELECT count(*) AS n FROM records'), 31);
    assert.equal(pushed(m).sent, 0);
  },
);

test('a push killed mid-way loses no acknowledged record and the next push sends no duplicate', opts, async () => {
  const { srv, db } = await fresh();
  const m = enrolled(srv);
  records(m, 20_000);
  const p = spawn(process.execPath, [BIN, 'audit', 'push', '--batch', '500'], {
    env: { ...process.env, WARDEN_HOME: m },
    stdio: 'ignore',
  });
  // Kill it once some batches are in, before it is done.
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if ((await count(db, 'SELECT count(*) AS n FROM records')) >= 1500) break;
  }
  p.kill('SIGKILL');
  await new Promise((r) => p.once('exit', r));
  const mid = await count(db, 'SELECT count(*) AS n FROM records');
  assert.ok(mid < 20_001, `the push finished before the kill (${mid})`);
  const r = pushed(m);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(await count(db, 'SELECT count(*) AS n FROM records'), 20_001);
  assert.equal(await count(db, 'SELECT count(*) - count(DISTINCT (log, seq)) AS n FROM records'), 0);
  assert.equal(await count(db, `SELECT sum(records) AS n FROM sessions`), 20_001);
  assert.equal(pushed(m).sent, 0);
});

test('two server processes on one database: both migrate without racing and see the same records', opts, async () => {
  const { srv, db } = await fresh();
  const [a, b] = await Promise.all([serve(home(), ['--db', db]), serve(home(), ['--db', db])]);
  servers.push(a, b);
  const m = enrolled(a);
  records(m, 10, 'shared');
  assert.equal(pushed(m).status, 0);
  assert.equal((await api(b.url, '/api/events?session=shared', b.admin)).body.length, 10);
  assert.equal((await api(srv.url, '/api/events?session=shared', srv.admin)).body.length, 10);
});

test(
  'a managed policy bundle tampered with in the cache is refused and judging fails closed (exit 2, no verdict)',
  opts,
  async () => {
    const { srv } = await fresh();
    const m = enrolled(srv);
    const pol = join(m, 'team.yml');
    writeFileSync(pol, 'capabilities:\n  network: deny\n');
    assert.equal(w(srv.home, ['server', 'policy', 'set', pol, '--url', srv.url]).status, 0);
    assert.equal(pushed(m).status, 0); // fetches the bundle
    const ev = '{"tool":"shell","command":"curl -o f.txt http://x.example/f.txt"}\n';
    assert.equal(JSON.parse(w(m, ['judge', '--no-audit'], ev).stdout).decision, 'deny');
    const cache = join(m, 'server-policy.json');
    const b = JSON.parse(readFileSync(cache, 'utf8'));
    writeFileSync(cache, JSON.stringify({ ...b, policy: 'capabilities:\n  network: allow\n' }));
    const r = w(m, ['judge', '--no-audit'], ev);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /managed policy .* refused: its signature does not verify/);
    const hook = w(
      m,
      ['hook', 'qwen-code'],
      JSON.stringify({
        hook_event_name: 'PreToolUse',
        tool_name: 'run_shell_command',
        tool_input: { command: 'ls' },
        session_id: 's',
      }),
    );
    assert.match(hook.stdout, /deny/);
  },
);

test('a policy bundle cache past its expiry is refused (fail closed)', opts, async () => {
  const { srv } = await fresh(['--bundle-hours', '1']);
  const m = enrolled(srv);
  writeFileSync(join(m, 'p.yml'), 'capabilities:\n  network: deny\n');
  assert.equal(w(srv.home, ['server', 'policy', 'set', join(m, 'p.yml'), '--url', srv.url]).status, 0);
  assert.equal(pushed(m).status, 0);
  assert.equal(managedBundle(m)?.version, 1);
  assert.throws(() => managedBundle(m, Date.now() + 2 * 3600_000), /expired/);
});

test(
  'console: a form posted without the CSRF token is refused 403, a wrong admin token 401, no cookie or a forged name in it redirects to sign-in',
  opts,
  async () => {
    const { srv } = await fresh();
    const login = await fetch(`${srv.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ name: 'Ada', token: srv.admin, next: '/' }),
      redirect: 'manual',
    });
    assert.equal(login.status, 303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const approvals = await (await fetch(`${srv.url}/approvals`, { headers: { cookie } })).text();
    assert.match(approvals, /<h1>Approvals<\/h1>/);
    const noCsrf = await fetch(`${srv.url}/approvals/apr-x/approve`, {
      method: 'POST',
      headers: { cookie },
      redirect: 'manual',
    });
    assert.equal(noCsrf.status, 403);
    const bad = await fetch(`${srv.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ name: 'Ada', token: 'wadm_nope' }),
    });
    assert.equal(bad.status, 401);
    // A cookie whose name was changed no longer verifies.
    const [exp, , sig] = cookie.split('=')[1].split('.');
    const forged = `warden_console=${exp}.${Buffer.from('Mallory').toString('base64url')}.${sig}`;
    const f = await fetch(`${srv.url}/approvals`, { headers: { cookie: forged }, redirect: 'manual' });
    assert.equal(f.status, 303);
    const noCookie = await fetch(`${srv.url}/`, { redirect: 'manual' });
    assert.equal(noCookie.status, 303);
  },
);

test(
  'approvals: a machine cannot approve its own request (401); a refusal stands on retry; an approval covers only that call',
  opts,
  async () => {
    const { srv } = await fresh();
    const m = enrolled(srv);
    const token = JSON.parse(readFileSync(join(m, 'server.json'), 'utf8')).token;
    const ask = (call: string) =>
      api(srv.url, '/api/approvals', token, {
        method: 'POST',
        body: JSON.stringify({ session: 's', call, summary: `shell: ${call}`, reason: 'network' }),
      });
    const a = (await ask('deploy')).body;
    assert.equal(a.state, 'pending');
    assert.equal((await api(srv.url, `/api/approvals/${a.id}/approve`, token, { method: 'POST' })).status, 401);
    assert.equal((await ask('deploy')).body.id, a.id, 'the same call asks the same request again');
    assert.equal((await api(srv.url, `/api/approvals/${a.id}/refuse`, srv.admin, { method: 'POST' })).status, 200);
    assert.equal((await ask('deploy')).body.state, 'refused');
    const b = (await ask('build')).body;
    assert.equal((await api(srv.url, `/api/approvals/${b.id}/approve`, srv.admin, { method: 'POST' })).status, 200);
    assert.equal((await ask('build')).body.state, 'approved');
    assert.equal((await ask('build --force')).body.state, 'pending');
    assert.equal((await api(srv.url, `/api/approvals/${b.id}/refuse`, srv.admin, { method: 'POST' })).status, 404);
  },
);

test('a machine enrolled and never heard from is flagged silent too', opts, async () => {
  const { srv } = await fresh(['--silence-minutes', '0']);
  enrolled(srv);
  await new Promise((r) => setTimeout(r, 1100));
  assert.ok((await alerts(srv)).some((a) => a.kind === 'silent'));
});

test(
  '3,000 records of 20 KB (60 MB; a batch of 2,000 would exceed the 32 MB body limit) go in several requests, none lost',
  opts,
  async () => {
    const { srv, db } = await fresh();
    const m = enrolled(srv);
    const log = new (await import('../../src/audit/log.ts')).AuditLog(m);
    const big = 'x'.repeat(20_000);
    log.appendMany(
      Array.from({ length: 3000 }, (_, i) => ({
        session: 'big',
        source: 't',
        kind: 'k',
        decision: 'allow',
        data: { i, big },
      })),
    );
    log.close();
    const r = pushed(m);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(await count(db, `SELECT count(*) AS n FROM records WHERE session = 'big'`), 3000);
  },
);

test(
  'a second server on the same embedded store is refused with a one-line error (no corruption); the first keeps serving',
  { timeout: 300_000 },
  async () => {
    const h = home();
    const first = await serve(h);
    servers.push(first);
    const second = w(h, ['server', '--port', '0']);
    assert.equal(second.status, 2);
    assert.match(second.stderr, /^warden: the embedded store .* is in use by process \d+/);
    assert.equal(second.stderr.trim().split('\n').length, 1);
    assert.equal((await api(first.url, '/api/health')).status, 200);
  },
);

test(
  'the OTLP receiver down when records arrive: they are stored at once and exported when it comes up',
  { timeout: 300_000 },
  async () => {
    const { createServer } = await import('node:http');
    const { freePort } = await import('../helpers/postgres.ts');
    const port = await freePort();
    const srv = await serve(home(), ['--otlp', `http://127.0.0.1:${port}/v1/logs`]);
    servers.push(srv);
    const m = enrolled(srv);
    records(m, 40, 'otel-late');
    assert.equal(pushed(m).status, 0);
    assert.equal((await api(srv.url, '/api/events?session=otel-late', srv.admin)).body.length, 40);
    let seen = 0;
    const collector = createServer((req, res) => {
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => {
        for (const rl of JSON.parse(b).resourceLogs) for (const sl of rl.scopeLogs) seen += sl.logRecords.length;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(port, '127.0.0.1', r));
    try {
      for (let i = 0; i < 600 && seen < 41; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(seen, 41); // the 40 and the enrolment's record
    } finally {
      collector.close();
    }
  },
);
