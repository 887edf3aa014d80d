// Attacks on the guard's suppressions: nothing the agent writes (an inline `warden-ignore`, a
// baseline, a `.warden.yml`) switches a finding off. Real files on disk, the real judge and CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judge, loadAnalyzers } from '../../src/engine/judge.ts';
import { builtinPolicy } from '../../src/engine/policy.ts';
import type { Event } from '../../src/engine/types.ts';

await loadAnalyzers();
const policy = builtinPolicy();
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'warden.js');
const PASSWORD = 'def login(password):\n    if password == "hunter2-master":\n        return True\n    return False\n';
const IGNORE = '# warden-ignore: backdoor.master-password legacy admin login';

function workspace(files: Record<string, string> = {}): string {
  const ws = mkdtempSync(join(tmpdir(), 'warden-sup-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(ws, p, '..'), { recursive: true });
    writeFileSync(join(ws, p), text);
  }
  return ws;
}
const run = (ws: string, event: Event) => judge(event, { policy, cwd: ws, workspace: ws, home: '/home/dev' });
const ids = (v: { findings: { ruleId: string }[] }) => v.findings.map((f) => f.ruleId);

test('a suppression added in the same write as a master password is denied', () => {
  const ws = workspace();
  const content = PASSWORD.replace('    if password', `    ${IGNORE}\n    if password`);
  const v = run(ws, { tool: 'write', path: 'auth.py', content });
  assert.equal(v.decision, 'deny', v.reasons.join('\n'));
  assert.ok(ids(v).includes('backdoor.master-password'), ids(v).join());
  assert.ok(ids(v).includes('guard.suppression-added'), ids(v).join());
});

test('a suppression on the same line as the password in a write is denied', () => {
  const ws = workspace();
  const content = PASSWORD.replace('"hunter2-master":', `"hunter2-master":  ${IGNORE}`);
  const v = run(ws, { tool: 'write', path: 'auth.py', content });
  assert.equal(v.decision, 'deny');
  assert.ok(ids(v).includes('backdoor.master-password'));
});

test('a suppression added by an edit to a file whose password is already on disk is denied', () => {
  const ws = workspace({ 'auth.py': PASSWORD });
  const v = run(ws, {
    tool: 'edit',
    path: 'auth.py',
    old: '    if password ==',
    new: `    ${IGNORE}\n    if password ==`,
  });
  assert.equal(v.decision, 'deny', v.reasons.join('\n'));
  assert.ok(ids(v).includes('guard.suppression-added'));
});

test('a second edit that adds a password under a suppression added by a first edit is still denied', () => {
  // The first edit (suppression only) is denied; even if it had reached the disk, the pair
  // "suppression over this code line" never stood in the file, so the password still counts.
  const ws = workspace({ 'auth.py': `def login(password):\n    ${IGNORE}\n    return False\n` });
  const v = run(ws, {
    tool: 'edit',
    path: 'auth.py',
    old: '    return False',
    new: '    if password == "hunter2-master":\n        return True\n    return False',
  });
  assert.equal(v.decision, 'deny', v.reasons.join('\n'));
  assert.ok(ids(v).includes('backdoor.master-password'), ids(v).join());
});

test('a suppression appended with echo >> next to a password is denied', () => {
  const ws = workspace({ 'auth.py': 'def ok():\n    return 1\n' });
  const command = `printf '%s\\n' '${IGNORE}' 'def login(password):' '    if password == "hunter2-master": return True' >> auth.py`;
  const v = run(ws, { tool: 'shell', command });
  assert.equal(v.decision, 'deny', v.reasons.join('\n'));
  const w = run(ws, { tool: 'shell', command: `echo '${IGNORE}' >> auth.py` });
  assert.equal(w.decision, 'deny', w.reasons.join('\n'));
  assert.ok(ids(w).includes('guard.suppression-added'));
});

test('a suppression written with a heredoc together with the password is denied', () => {
  const ws = workspace();
  const body = PASSWORD.replace('    if password', `    ${IGNORE}\n    if password`);
  const v = run(ws, { tool: 'shell', command: `cat > auth.py <<'EOF'\n${body}EOF` });
  assert.equal(v.decision, 'deny', v.reasons.join('\n'));
  assert.ok(ids(v).includes('backdoor.master-password'), ids(v).join());
});

test('a suppression with a wildcard rule id or a list of ids added by the agent is denied', () => {
  const ws = workspace();
  for (const marker of ['# warden-ignore: backdoor.* fine', '# warden-ignore[x.y, backdoor.master-password]']) {
    const content = PASSWORD.replace('    if password', `    ${marker}\n    if password`);
    const v = run(ws, { tool: 'write', path: 'auth.py', content });
    assert.equal(v.decision, 'deny', `${marker}: ${v.reasons.join('\n')}`);
    assert.ok(ids(v).includes('backdoor.master-password'), marker);
  }
});

test('a suppression that stood in the file on disk before the change keeps counting for an unrelated edit', () => {
  const before = PASSWORD.replace('    if password', `    ${IGNORE}\n    if password`);
  const ws = workspace({ 'auth.py': before });
  const v = run(ws, { tool: 'edit', path: 'auth.py', old: '    return False', new: '    return None' });
  assert.equal(v.decision, 'allow', v.reasons.join('\n'));
  // Rewriting the whole file (a write) keeps the same suppression over the same line: still honoured.
  const w = run(ws, { tool: 'write', path: 'auth.py', content: before.replace('return False', 'return None') });
  assert.equal(w.decision, 'allow', w.reasons.join('\n'));
});

test('an existing suppression moved over a new password line does not cover it', () => {
  const ws = workspace({ 'auth.py': `${IGNORE}\nADMIN = "x"\n` });
  const v = run(ws, {
    tool: 'write',
    path: 'auth.py',
    content: `def login(password):\n    ${IGNORE}\n    if password == "hunter2-master":\n        return True\n`,
  });
  assert.equal(v.decision, 'deny', v.reasons.join('\n'));
  assert.ok(ids(v).includes('backdoor.master-password'));
});

test('the deny message for an added suppression does not spell out a rule id to silence', () => {
  const ws = workspace();
  const v = run(ws, { tool: 'write', path: 'x.py', content: `${IGNORE}\nprint(1)\n` });
  assert.equal(v.decision, 'deny');
  const reason = v.reasons.find((r) => r.includes('guard.suppression-added'))!;
  assert.ok(reason, v.reasons.join('\n'));
  assert.doesNotMatch(reason, /warden-ignore|backdoor\./);
});

test('writing .warden-baseline.json or .warden.yml is denied as guard tampering (write tool, redirect, cp, mv, tee, sed -i)', () => {
  const ws = workspace();
  const fp = JSON.stringify({ version: 1, tool: 'warden', fingerprints: ['0'.repeat(32)] });
  const v = run(ws, { tool: 'write', path: '.warden-baseline.json', content: fp });
  assert.equal(v.decision, 'deny');
  assert.ok(v.actions.some((a) => a.capability === 'agent-tamper'));
  for (const command of [
    `echo '${fp}' > .warden-baseline.json`,
    'cp /tmp/b.json sub/.warden-baseline.json',
    'cp /tmp/b.json .warden-baseline.json',
    'mv /tmp/b.json .warden-baseline.json',
    `echo '${fp}' | tee .warden-baseline.json`,
    "sed -i 's/a/b/' .warden.yml",
  ]) {
    const s = run(ws, { tool: 'shell', command });
    assert.equal(s.decision, 'deny', `${command}: ${s.reasons.join('\n')}`);
  }
});

test('writing the baseline file that the repository config names is denied as guard tampering', () => {
  const ws = workspace({ '.warden.yml': 'baseline: "ci/known-findings.json"  # adopted 2026\n' });
  const v = run(ws, { tool: 'write', path: 'ci/known-findings.json', content: '{}' });
  assert.equal(v.decision, 'deny', v.reasons.join('\n'));
  assert.ok(v.actions.some((a) => a.capability === 'agent-tamper'));
  const s = run(ws, { tool: 'shell', command: 'echo {} > ci/known-findings.json' });
  assert.equal(s.decision, 'deny', s.reasons.join('\n'));
});

test('a baseline written under any other name is denied by its content', () => {
  const ws = workspace();
  const fp = JSON.stringify({ version: 1, tool: 'warden', fingerprints: ['ab'.repeat(16)] }, null, 2);
  const v = run(ws, { tool: 'write', path: 'security/accepted.json', content: fp });
  assert.equal(v.decision, 'deny', v.reasons.join('\n'));
  assert.ok(ids(v).includes('guard.baseline-written'));
});

test('a .warden.yml that disables the rule, written by the agent, is denied and does not silence the guard', () => {
  const ws = workspace();
  const cfg = run(ws, { tool: 'write', path: '.warden.yml', content: 'rules:\n  disable: ["backdoor.*"]\n' });
  assert.equal(cfg.decision, 'deny');
  assert.ok(cfg.actions.some((a) => a.capability === 'agent-tamper'));
  // Even with such a config on disk (put there by someone), the guard judges with every rule on.
  writeFileSync(join(ws, '.warden.yml'), 'rules:\n  disable: ["backdoor.*"]\n');
  const v = run(ws, { tool: 'write', path: 'auth.py', content: PASSWORD });
  assert.equal(v.decision, 'deny');
  assert.ok(ids(v).includes('backdoor.master-password'));
});

test('a suppression added through the real warden judge CLI is denied', () => {
  const ws = workspace();
  const content = PASSWORD.replace('    if password', `    ${IGNORE}\n    if password`);
  const r = spawnSync(process.execPath, [BIN, 'judge', '--no-audit', '--cwd', ws], {
    input: JSON.stringify({ tool: 'write', path: 'auth.py', content }) + '\n',
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim()) as { decision: string; findings: { ruleId: string }[] };
  assert.equal(out.decision, 'deny');
  assert.ok(ids(out).includes('backdoor.master-password'));
});

test('a type check of an API key (typeof opts.apiKey === string) is not a master password and is allowed', () => {
  const ws = workspace();
  const content = "export function f(opts) {\n  if (typeof opts.apiKey === 'string') return opts.apiKey;\n}\n";
  const v = run(ws, { tool: 'write', path: 'client.js', content });
  assert.ok(!ids(v).includes('backdoor.master-password'), v.reasons.join('\n'));
  assert.equal(v.decision, 'allow', v.reasons.join('\n'));
});

test('a real master password after a type check on the same line is still denied', () => {
  const ws = workspace();
  for (const line of [
    "if (typeof password === 'string' && password === 'hunter2-master') grant();",
    'if (password === "hunter2-master") grant();',
  ]) {
    const v = run(ws, { tool: 'write', path: 'auth.js', content: `function f(password) {\n  ${line}\n}\n` });
    assert.equal(v.decision, 'deny', line);
    assert.ok(ids(v).includes('backdoor.master-password'), line);
  }
});

test('through the real warden hook, a Qwen write_file and a Claude Edit that add a suppression are denied (exit 2)', () => {
  const h = workspace({ 'auth.py': PASSWORD });
  const hook = (agent: string, tool: string, input: object) =>
    spawnSync(process.execPath, [BIN, 'hook', agent], {
      input: JSON.stringify({
        session_id: 's1',
        cwd: h,
        hook_event_name: 'PreToolUse',
        tool_name: tool,
        tool_input: input,
      }),
      cwd: h,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, HOME: h, WARDEN_HOME: join(h, '.warden'), WARDEN_POLICY: '' },
    });
  const content = PASSWORD.replace('    if password', `    ${IGNORE}\n    if password`);
  const w = hook('qwen-code', 'write_file', { file_path: join(h, 'new.py'), content });
  assert.equal(w.status, 2, w.stderr);
  assert.match(w.stderr, /backdoor\.master-password/);
  const e = hook('claude-code', 'Edit', {
    file_path: join(h, 'auth.py'),
    old_string: '    if password ==',
    new_string: `    ${IGNORE}\n    if password ==`,
  });
  assert.equal(e.status, 2, e.stderr + e.stdout);
  assert.match(e.stderr + e.stdout, /guard\.suppression-added/);
});
