// `warden server` on every machine: the agents' own managed settings written from the published
// policy (each agent's system file in a folder of the test's own, never /etc), drift seen by
// `warden doctor`, the server, its API and console; hooks forwarding their records by themselves;
// guard reports with agent versions and layers, sent when they change. Real CLI, real server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { api, BIN, home, serve, type Srv } from './helpers/server.ts';
import { makeWork, sandboxSkip, sessionOf, warden, wardenRun } from './helpers/sandbox.ts';
import { hook, machine, run, shellCall, type Machine } from './helpers/fleet.ts';

const servers: Srv[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

const POLICY = `tools:\n  deny: [mcp__evil__run, "mcp__wild__*"]\npaths:\n  deny: ["/srv/secrets/**"]\nhosts:\n  deny: [evil.example]\n`;

async function fleet(policy = POLICY, args: string[] = ['--agent-settings']): Promise<{ srv: Srv; m: Machine }> {
  const srv = await serve(home());
  servers.push(srv);
  const m = machine();
  writeFileSync(join(m.home, 'team.yml'), policy);
  const set = run(m, ['server', 'policy', 'set', join(m.home, 'team.yml'), '--url', srv.url, ...args], undefined, {
    WARDEN_HOME: srv.home,
  });
  assert.equal(set.status, 0, set.stderr);
  const t = run(m, ['server', 'token', 'create', '--url', srv.url], undefined, { WARDEN_HOME: srv.home });
  const token = /token: (\S+)/.exec(t.stdout)![1];
  const e = run(m, ['enrol', srv.url, '--token', token]);
  assert.equal(e.status, 0, e.stderr);
  return { srv, m };
}

const json = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

/** The console's Machines page, signed in through its form. */
async function machinesPage(srv: Srv): Promise<string> {
  const login = await fetch(`${srv.url}/login`, {
    method: 'POST',
    body: new URLSearchParams({ name: 'Ada', token: srv.admin, next: '/' }),
    redirect: 'manual',
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  return (await fetch(`${srv.url}/`, { headers: { cookie } })).text();
}

test(
  "enrolment writes each agent's managed settings from the policy: Qwen Code, Claude Code, Gemini CLI system files and Codex requirements say what Warden says",
  { timeout: 180_000 },
  async () => {
    const { m } = await fleet();
    const qwen = json(join(m.etc, 'qwen-code', 'settings.json'));
    assert.deepEqual(qwen.tools.exclude, ['mcp__evil__run'], 'exact names only: a glob stays Warden’s');
    assert.equal(qwen.privacy.usageStatisticsEnabled, false);
    assert.equal(qwen.disableAllHooks, false);
    const claude = json(join(m.etc, 'claude-code', 'managed-settings.json'));
    for (const rule of ['Read(//srv/secrets/**)', 'Edit(//srv/secrets/**)', 'WebFetch(domain:evil.example)'])
      assert.ok(claude.permissions.deny.includes(rule), rule);
    assert.equal(claude.permissions.disableBypassPermissionsMode, 'disable', 'the default policy asks');
    const gemini = json(join(m.etc, 'gemini-cli', 'settings.json'));
    assert.equal(gemini.security.disableYoloMode, true);
    assert.equal(gemini.tools.enableHooks, true);
    const codex = readFileSync(join(m.etc, 'codex', 'requirements.toml'), 'utf8');
    assert.match(codex, /^allowed_approval_policies = \["untrusted", "on-request"\]$/m);
    assert.match(codex, /^allowed_sandbox_modes = \["read-only", "workspace-write"\]$/m);
    const d = run(m, ['doctor', '--json']);
    for (const r of JSON.parse(d.stdout))
      assert.ok(
        r.checks.some((c: string) => /managed settings say what policy v1/.test(c)),
        r.agent,
      );
  },
);

test(
  'near miss: a policy that neither asks nor denies leaves Codex every mode and Claude Code its bypass mode; published without --agent-settings nothing is written',
  { timeout: 180_000 },
  async () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'src', 'engine', 'default-policy.yml'), 'utf8');
    const block = text.slice(text.indexOf('\ncapabilities:'), text.indexOf('\nhosts:'));
    const caps = block
      .split('\n')
      .filter((l) => /^  [a-z-]+: +(allow|ask|deny)/.test(l))
      .map((l) => l.replace(/: +(allow|ask|deny)\b.*/, ': allow'));
    const { m } = await fleet(`capabilities:\n${caps.join('\n')}\nnot-understood: allow\n`);
    const codex = readFileSync(join(m.etc, 'codex', 'requirements.toml'), 'utf8');
    assert.match(codex, /"never"/);
    assert.match(codex, /"danger-full-access"/);
    const claude = json(join(m.etc, 'claude-code', 'managed-settings.json'));
    assert.equal(claude.permissions?.disableBypassPermissionsMode, undefined);
    const { m: plain } = await fleet(POLICY, []);
    assert.throws(() => statSync(join(plain.etc, 'qwen-code', 'settings.json')), /ENOENT/);
    assert.throws(() => statSync(join(plain.etc, 'codex', 'requirements.toml')), /ENOENT/);
  },
);

test(
  "an agent's managed settings edited on the machine: doctor reports drift, the server flags that agent only (API, alert, console), the next policy fetch writes them back",
  { timeout: 180_000 },
  async () => {
    const { srv, m } = await fleet();
    const file = join(m.etc, 'qwen-code', 'settings.json');
    const s = json(file);
    s.tools.exclude = [];
    s.model = { name: 'kept' }; // a key Warden does not manage: kept, not drift
    writeFileSync(file, JSON.stringify(s));
    const d = run(m, ['doctor', 'qwen-code']);
    assert.equal(d.status, 1);
    assert.match(d.stdout, /FAIL its managed settings no longer match policy v1 \(drift\): .*tools\.exclude/);
    const p = run(m, ['audit', 'push']);
    assert.equal(p.status, 0, p.stderr);
    const [mach] = (await api(srv.url, '/api/machines', srv.admin)).body;
    assert.deepEqual(mach.guard.drift, ['qwen-code']);
    assert.equal(mach.guard.policyVersion, 1);
    const alerts = (await api(srv.url, '/api/alerts', srv.admin)).body as { kind: string; detail: string }[];
    assert.ok(alerts.some((a) => a.kind === 'drift' && /qwen-code/.test(a.detail)));
    const page = await machinesPage(srv);
    assert.match(page, /qwen-code[^<]*: .*settings DRIFT from policy v1/);
    assert.match(page, /claude-code[^<]*: .*settings match/);
    const after1 = json(file);
    assert.deepEqual(after1.tools.exclude, ['mcp__evil__run'], 'written back at the policy fetch');
    assert.equal(after1.model.name, 'kept');
    assert.equal(run(m, ['doctor', 'qwen-code']).stdout.includes('drift'), false);
    // The changed (repaired) report goes at the next push, and the server clears the drift.
    assert.equal(run(m, ['audit', 'push']).status, 0);
    const [again] = (await api(srv.url, '/api/machines', srv.admin)).body;
    assert.deepEqual(again.guard.drift, []);
  },
);

test(
  'guard reports carry each agent version and its layers (hooks, sandbox, gateway), and an unchanged report is not sent again at the next push',
  { timeout: 180_000 },
  async () => {
    const { srv, m } = await fleet();
    const bin = join(import.meta.dirname, '..', 'node_modules', '.bin');
    m.env.PATH = `${bin}:${m.env.PATH}`;
    m.env.OPENAI_BASE_URL = 'http://127.0.0.1:8788/v1';
    assert.equal(run(m, ['install', 'qwen-code', '--scope', 'system']).status, 0);
    assert.equal(run(m, ['audit', 'push']).status, 0);
    const [mach] = (await api(srv.url, '/api/machines', srv.admin)).body;
    const qwen = mach.guard.reports.find((r: { agent: string }) => r.agent === 'qwen-code');
    const qwenPkg = json(join(import.meta.dirname, '..', 'node_modules', '@qwen-code', 'qwen-code', 'package.json'));
    assert.equal(qwen.version, qwenPkg.version);
    assert.equal(qwen.layers.hooks, true);
    assert.equal(qwen.layers.gateway, true, 'OPENAI_BASE_URL points at a local gateway');
    const claude = mach.guard.reports.find((r: { agent: string }) => r.agent === 'claude-code');
    assert.equal(claude.layers.hooks, false);
    assert.equal(claude.layers.gateway, false);
    assert.equal(run(m, ['audit', 'push']).status, 0);
    const [same] = (await api(srv.url, '/api/machines', srv.admin)).body;
    assert.equal(same.guard.at, mach.guard.at, 'an unchanged report waits GUARD_EVERY_MS');
    assert.match(await machinesPage(srv), new RegExp(`qwen-code ${qwenPkg.version.replace(/\./g, '\\.')}: .*>hooks<`));
  },
);

test(
  'a hook on an enrolled machine forwards its record in the background: it reaches the server without `warden audit push`',
  { timeout: 180_000 },
  async () => {
    const { srv, m } = await fleet(POLICY, []);
    const r = await hook(m, 'qwen-code', shellCall(m, 'ls -la', 'fleet-fwd-1'));
    assert.equal(r.code, 0, r.err);
    let got: unknown[] = [];
    for (let i = 0; i < 300 && !got.length; i++) {
      await new Promise((res) => setTimeout(res, 200));
      got = (await api(srv.url, '/api/events?session=fleet-fwd-1', srv.admin)).body;
    }
    assert.equal(got.length, 1, 'the hook did not forward its record within 60 s');
  },
);

test(
  "warden run on an enrolled machine: a sandboxed agent's ask goes through the approval gate (denied with an id) and the session's records reach the server at its end",
  { skip: sandboxSkip(), timeout: 240_000 },
  async () => {
    const srv = await serve(home());
    servers.push(srv);
    const w = makeWork();
    writeFileSync(join(w.dir, 'team.yml'), 'capabilities:\n  network: ask\n');
    const as = { ...process.env, WARDEN_HOME: srv.home };
    const opts = { encoding: 'utf8' as const, env: as };
    const set = spawnSync(
      process.execPath,
      [BIN, 'server', 'policy', 'set', join(w.dir, 'team.yml'), '--url', srv.url, '--approval-minutes', '5'],
      opts,
    );
    assert.equal(set.status, 0, set.stderr);
    const tok = spawnSync(process.execPath, [BIN, 'server', 'token', 'create', '--url', srv.url], opts).stdout;
    const e = warden(w, ['enrol', srv.url, '--token', /token: (\S+)/.exec(tok)![1]]);
    assert.equal(e.code, 0, e.err);
    const payload = JSON.stringify({
      session_id: 'agent-7',
      cwd: w.proj,
      hook_event_name: 'PreToolUse',
      tool_name: 'run_shell_command',
      tool_input: { command: 'curl -o notes.txt https://docs.example.com/notes.txt' },
    });
    const inside = `printf '%s' "$P" | /run/warden/hook-client qwen-code /run/warden/hook.sock /bin/false /x; echo "exit=$?"`;
    const r = await wardenRun(w, ['--agent', 'qwen-code', '--', 'sh', '-c', inside], { P: payload });
    assert.match(r.out, /approval apr-[\w-]+ is pending/, `${r.out}${r.err}`);
    assert.match(r.out, /exit=2/);
    const id = sessionOf(r);
    assert.ok(id, r.err);
    let got: { kind: string }[] = [];
    for (let i = 0; i < 300 && !got.some((x) => x.kind === 'session-end'); i++) {
      await new Promise((res) => setTimeout(res, 200));
      got = (await api(srv.url, `/api/events?session=${id}`, srv.admin)).body;
    }
    assert.ok(
      got.some((x) => x.kind === 'session-end'),
      `the session's last record did not arrive: ${JSON.stringify(got.map((x) => x.kind))}`,
    );
    assert.ok(got.some((x) => x.kind === 'shell'));
  },
);
