// `warden server` on every machine, the attacker's way and on a bad day: hooks asking for approvals
// with the server down or stalled (bounded, denied, never allowed), approvals that cover only the
// approved call, managed settings altered in the signed bundle or its cache, forged guard reports,
// unparseable agent settings files. Real CLI, real hooks (`node bin/warden.js hook`), real server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, BIN, home, serve, type Srv } from '../helpers/server.ts';
import { hook, machine, run, shellCall, type Machine } from '../helpers/fleet.ts';
import { bundleProblem, signBundle, type BundleBody } from '../../src/server/bundle.ts';
import { managedFor } from '../../src/server/agent-settings.ts';

const servers: Srv[] = [];
const sockets: Server[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const s of sockets) s.close();
});

const ASK_CALL = 'curl -o notes.txt https://docs.example.com/notes.txt'; // network: ask in the built-in policy
const HOOK_DEADLINE_MS = 7_500;

async function fleet(
  args: string[] = [],
  policy = 'capabilities:\n  network: ask\n',
): Promise<{ srv: Srv; m: Machine }> {
  const srv = await serve(home());
  servers.push(srv);
  const m = machine();
  writeFileSync(join(m.home, 'team.yml'), policy);
  const as = { WARDEN_HOME: srv.home };
  const set = run(m, ['server', 'policy', 'set', join(m.home, 'team.yml'), '--url', srv.url, ...args], undefined, as);
  assert.equal(set.status, 0, set.stderr);
  const token = /token: (\S+)/.exec(run(m, ['server', 'token', 'create', '--url', srv.url], undefined, as).stdout)![1];
  const e = run(m, ['enrol', srv.url, '--token', token]);
  assert.equal(e.status, 0, e.stderr);
  return { srv, m };
}

const denied = (r: { code: number; out: string }) => r.code === 2 && /"permissionDecision":"deny"/.test(r.out);

test(
  'a hook ask with approvals on is denied with an approval id; once approved only the identical call is allowed, and its record names who approved',
  { timeout: 180_000 },
  async () => {
    const { srv, m } = await fleet(['--approval-minutes', '10']);
    const first = await hook(m, 'qwen-code', shellCall(m, ASK_CALL, 'fleet-apr-1'));
    assert.ok(denied(first), first.out);
    const id = /approval (apr-[\w-]+) is pending/.exec(first.out)?.[1];
    assert.ok(id, first.out);
    assert.match(first.out, /retry the same call later/);
    assert.equal((await api(srv.url, `/api/approvals/${id}/approve`, srv.admin, { method: 'POST' })).status, 200);
    const again = await hook(m, 'qwen-code', shellCall(m, ASK_CALL, 'fleet-apr-1'));
    assert.equal(again.code, 0, `${again.out}${again.err}`);
    const other = await hook(m, 'qwen-code', shellCall(m, ASK_CALL.replace('notes.txt', 'other.txt'), 'fleet-apr-1'));
    assert.ok(denied(other), 'another call is not covered by the approval');
    assert.equal(run(m, ['audit', 'push']).status, 0);
    const recs = (await api(srv.url, '/api/events?session=fleet-apr-1', srv.admin)).body as {
      decision: string;
      data: { approval?: { id: string; approvedBy?: string } };
    }[];
    const allowed = recs.find((r) => r.decision === 'allow' && r.data.approval);
    assert.equal(allowed?.data.approval?.id, id);
    assert.equal(allowed?.data.approval?.approvedBy, 'admin-token');
  },
);

test(
  'the approval server down: a hook ask is denied within the hook deadline with the reason, never allowed',
  { timeout: 180_000 },
  async (t) => {
    const { srv, m } = await fleet(['--approval-minutes', '10']);
    await srv.stop();
    const r = await hook(m, 'qwen-code', shellCall(m, ASK_CALL));
    assert.ok(denied(r), r.out);
    assert.match(r.out, /approval server could not be asked .*cannot be reached.*fails closed/);
    assert.ok(r.ms < HOOK_DEADLINE_MS, `${r.ms} ms`);
    t.diagnostic(`denied in ${r.ms} ms`);
  },
);

test(
  'an approval server that accepts the connection and never answers: the hook denies inside its deadline (bounded wait), never allowed',
  { timeout: 180_000 },
  async (t) => {
    const { m } = await fleet(['--approval-minutes', '10']);
    const tarpit = createServer(() => {}); // takes the connection, says nothing
    sockets.push(tarpit);
    await new Promise<void>((res) => tarpit.listen(0, '127.0.0.1', res));
    const port = (tarpit.address() as { port: number }).port;
    const file = join(m.home, 'server.json');
    const e = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...e, url: `http://127.0.0.1:${port}` }));
    const r = await hook(m, 'qwen-code', shellCall(m, ASK_CALL));
    assert.ok(denied(r), r.out);
    assert.match(r.out, /approval server could not be asked/);
    assert.ok(r.ms < HOOK_DEADLINE_MS, `${r.ms} ms: the wait must be bounded well inside the agent's deadline`);
    t.diagnostic(`denied in ${r.ms} ms`);
  },
);

test(
  'resident mode with a stalled server: the daemon starts on its cached policy within seconds, denies an ask inside the client deadline and keeps answering other calls',
  { timeout: 180_000 },
  async (t) => {
    const { m } = await fleet(['--approval-minutes', '10']);
    const client = join(m.home, 'client'),
      socket = join(m.home, 'd.sock');
    const built = run(m, ['daemon', '--build-client', client]);
    if (built.status !== 0) return t.skip('no C compiler on this machine');
    // The server stalls before the daemon starts: its policy refresh is bounded, it starts on the cache.
    const tarpit = createServer(() => {});
    sockets.push(tarpit);
    await new Promise<void>((res) => tarpit.listen(0, '127.0.0.1', res));
    const file = join(m.home, 'server.json');
    const e = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(
      file,
      JSON.stringify({ ...e, url: `http://127.0.0.1:${(tarpit.address() as { port: number }).port}` }),
    );
    const t0 = Date.now();
    const d = spawn(process.execPath, [BIN, 'daemon', '--socket', socket], { env: m.env, stdio: 'ignore' });
    try {
      for (let i = 0; i < 600 && !existsSync(socket); i++) await new Promise((res) => setTimeout(res, 100));
      const started = Date.now() - t0;
      assert.ok(started < 25_000, `the daemon took ${started} ms to start (the policy fetch waits 5 s at most)`);
      t.diagnostic(`daemon listening after ${started} ms`);
      const call = (command: string) => {
        const t0 = Date.now();
        const r = spawnSync(client, ['qwen-code', socket, process.execPath, BIN], {
          input: JSON.stringify(shellCall(m, command)),
          env: m.env,
          encoding: 'utf8',
        });
        return { ...r, ms: Date.now() - t0 };
      };
      const asked = call(ASK_CALL);
      assert.equal(asked.status, 2, asked.stdout);
      assert.match(asked.stdout, /approval server could not be asked/);
      assert.ok(asked.ms < HOOK_DEADLINE_MS, `${asked.ms} ms`);
      t.diagnostic(`denied in ${asked.ms} ms`);
      const other = call('ls -la');
      assert.deepEqual([other.status, other.stdout], [0, '']);
    } finally {
      d.kill('SIGTERM');
      await new Promise((res) => d.once('exit', res));
    }
  },
);

test(
  'near miss: approvals off in the policy, a hook ask stays the agent’s ask and no approval is requested',
  { timeout: 180_000 },
  async () => {
    const { m } = await fleet();
    const r = await hook(m, 'qwen-code', shellCall(m, ASK_CALL));
    assert.doesNotMatch(r.out, /apr-/);
    assert.match(r.out, /"permissionDecision":"ask"/);
  },
);

test('managed settings changed, removed or added after signing make the bundle refused', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const body: BundleBody = {
    v: 1,
    version: 3,
    policy: 'tools:\n  deny: [mcp__evil__run]\n',
    approvalMinutes: 0,
    published: new Date().toISOString(),
    expires: new Date(Date.now() + 3600_000).toISOString(),
    key: 'fpr',
    managed: managedFor('tools:\n  deny: [mcp__evil__run]\n'),
  };
  const b = signBundle(body, privateKey);
  assert.equal(bundleProblem(b, pub), undefined);
  const changed = structuredClone(b);
  changed.managed!['qwen-code'][0].keys = [[['disableAllHooks'], true]];
  assert.match(bundleProblem(changed, pub)!, /does not verify/);
  const { managed: _gone, ...removed } = b;
  assert.match(bundleProblem(removed, pub)!, /does not verify/);
  const plain = signBundle({ ...body, managed: undefined }, privateKey);
  assert.match(bundleProblem({ ...plain, managed: body.managed }, pub)!, /does not verify/);
  const reordered = { ...b, managed: Object.fromEntries(Object.entries(b.managed!).reverse()) };
  assert.equal(bundleProblem(reordered, pub), undefined, 'key order is not content');
});

test(
  'the cached bundle’s managed settings edited on the machine: doctor fails closed and a hook denies',
  { timeout: 180_000 },
  async () => {
    const { m } = await fleet(['--agent-settings']);
    const file = join(m.home, 'server-policy.json');
    const b = JSON.parse(readFileSync(file, 'utf8'));
    b.managed['qwen-code'][0].keys = [[['disableAllHooks'], true]];
    writeFileSync(file, JSON.stringify(b));
    const d = run(m, ['doctor', 'qwen-code']);
    assert.equal(d.status, 1);
    assert.match(d.stdout, /FAIL .*refused: its signature does not verify/);
    const r = await hook(m, 'qwen-code', shellCall(m, 'ls'));
    assert.ok(denied(r), r.out);
  },
);

test(
  'a guard report with a made-up managed-settings hash, or none, is flagged drift: the server computes what it expects',
  { timeout: 180_000 },
  async () => {
    const { srv, m } = await fleet(['--agent-settings']);
    const token = JSON.parse(readFileSync(join(m.home, 'server.json'), 'utf8')).token;
    const reports = [
      { agent: 'qwen-code', inForce: true, managed: { hash: 'f'.repeat(64), differs: [] } },
      { agent: 'claude-code', inForce: true },
    ];
    const r = await api(srv.url, '/api/guard', token, { method: 'POST', body: JSON.stringify(reports) });
    assert.equal(r.status, 200);
    const [mach] = (await api(srv.url, '/api/machines', srv.admin)).body;
    assert.deepEqual([...mach.guard.drift].sort(), ['claude-code', 'codex', 'gemini-cli', 'qwen-code']);
    const bad = await api(srv.url, '/api/guard', token, { method: 'POST', body: '"not a list"' });
    assert.equal(bad.status, 200, 'a report that is not a list is all drift, not an error');
    assert.equal((await api(srv.url, '/api/machines', 'wmac_forged')).status, 401);
    assert.equal((await api(srv.url, '/api/machines', token)).status, 401, 'a machine cannot list machines');
  },
);

test(
  'an agent settings file that is not valid JSON is reported and never overwritten; the other agents still get theirs',
  { timeout: 180_000 },
  async () => {
    const m0 = machine();
    const qwen = join(m0.etc, 'qwen-code', 'settings.json');
    mkdirSync(join(m0.etc, 'qwen-code'), { recursive: true });
    writeFileSync(qwen, '{"model": {broken');
    const srv = await serve(home());
    servers.push(srv);
    writeFileSync(join(m0.home, 'team.yml'), 'capabilities:\n  network: ask\n');
    const as = { WARDEN_HOME: srv.home };
    run(
      m0,
      ['server', 'policy', 'set', join(m0.home, 'team.yml'), '--url', srv.url, '--agent-settings'],
      undefined,
      as,
    );
    const token = /token: (\S+)/.exec(
      run(m0, ['server', 'token', 'create', '--url', srv.url], undefined, as).stdout,
    )![1];
    const e = run(m0, ['enrol', srv.url, '--token', token]);
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stderr, /qwen-code: the managed settings could not be written to .*not valid JSON/);
    assert.equal(readFileSync(qwen, 'utf8'), '{"model": {broken');
    assert.match(readFileSync(join(m0.etc, 'codex', 'requirements.toml'), 'utf8'), /allowed_approval_policies/);
    assert.match(run(m0, ['doctor', 'qwen-code']).stdout, /FAIL its managed settings no longer match .*not valid JSON/);
  },
);
