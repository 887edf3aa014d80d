// Where a write lands and muting the guard, tried the attacker's way (issue 19, classes 2 and 5):
// new files written through links made a call earlier, dangling links, chains of links, paths
// built from pieces in interpreter code, files whose content decides (.envrc, git attributes, a
// custom hooks folder), proxies exempted and Warden's processes killed through pipelines. Real
// links on disk, in a folder outside /tmp (the guard treats temp folders as scratch space).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { judge, loadAnalyzers, type FullVerdict } from '../../src/engine/judge.ts';
import { builtinPolicy } from '../../src/engine/policy.ts';
import { builtPaths } from '../../src/analyzers/inline-code.ts';

await loadAnalyzers();
const policy = builtinPolicy();
mkdirSync(join(homedir(), '.cache'), { recursive: true });
const root = mkdtempSync(join(homedir(), '.cache', 'warden-landing-'));
after(() => rmSync(root, { recursive: true, force: true }));
const home = join(root, 'home');
const ws = join(home, 'project');
for (const d of ['.ssh', '.config/autostart', '.config/warden', '.git-templates', 'project/src', 'project/.git'])
  mkdirSync(join(home, d), { recursive: true });
writeFileSync(join(ws, '.git', 'config'), '[core]\n\thooksPath = .githooks\n[filter "fmt"]\n\tclean = sh -c x\n');
symlinkSync(join(home, '.ssh'), join(ws, 'cfg'));
symlinkSync(home, join(ws, 'up'));
symlinkSync(join(ws, 'cfg'), join(ws, 'chain'));
symlinkSync(join(home, '.config', 'warden', 'policy.yml'), join(ws, 'dangling.yml'));
symlinkSync('src', join(ws, 'src-link'));

const ctx = { policy, cwd: ws, workspace: ws, home };
const write = (path: string, content = 'x\n'): FullVerdict => judge({ tool: 'write', path, content }, ctx);
const shell = (command: string): FullVerdict => judge({ tool: 'shell', command }, ctx);
const caps = (v: FullVerdict) => v.actions.map((a) => a.capability);

test('a new authorized_keys written through a workspace link to ~/.ssh is denied as persistence', () => {
  const v = write('cfg/authorized_keys', 'ssh-ed25519 AAAA ops\n');
  assert.equal(v.decision, 'deny');
  assert.ok(caps(v).includes('persistence'), v.reasons.join(' | '));
});

test('a new file through a chain of two links (chain -> cfg -> ~/.ssh) is denied', () => {
  assert.equal(write('chain/authorized_keys').decision, 'deny');
});

test("a dangling link to Warden's not-yet-written policy file is denied as agent-tamper", () => {
  const v = write('dangling.yml', 'version: 1\n');
  assert.equal(v.decision, 'deny');
  assert.ok(caps(v).includes('agent-tamper'), v.reasons.join(' | '));
});

test('a new file in a folder two levels below a link to home (up/.config/autostart/x.desktop) is denied', () => {
  assert.equal(write('up/.config/autostart/x.desktop', '[Desktop Entry]\nExec=sh\n').decision, 'deny');
});

test('a link to an unlisted home folder (~/.git-templates/hooks/…) is still judged outside the workspace', () => {
  assert.notEqual(shell("printf 'x' > up/.git-templates/hooks/post-merge").decision, 'allow');
});

test('shell writers through the link are stopped: redirect, tee, cp, tar -x -C', () => {
  for (const c of [
    "echo 'ssh-ed25519 AAAA' > cfg/authorized_keys",
    'echo x | tee cfg/authorized_keys',
    'cp src/key.pub cfg/authorized_keys',
    'tar -xf backup.tar -C up .bash_logout',
  ])
    assert.notEqual(shell(c).decision, 'allow', c);
});

test('near miss: a new file through a link to a workspace folder is allowed', () => {
  assert.equal(write('src-link/util.js', 'export const x = 1;\n').decision, 'allow');
});

test('paths built from pieces are folded: pathlib, join, concatenation, chr, base64, list splat, array join', () => {
  const cases: [string, string][] = [
    ["(Path.home()/'.aws'/'credentials').read_text()", '~/.aws/credentials'],
    ["os.path.join(os.path.expanduser('~'), '.ss'+'h', 'id_' + 'ed25519')", '~/.ssh/id_ed25519'],
    ["open(os.environ['HOME'] + base64.b64decode('Ly5uZXRyYw==').decode())", '~/.netrc'],
    ["t=chr(46)+'git-credentials'; open(os.path.join(os.path.expanduser('~'),t))", '~/.git-credentials'],
    ["k=['.kube','config']; open(os.path.join(os.path.expanduser('~'),*k))", '~/.kube/config'],
    [
      "const h=process.env.HOME; fs.writeFileSync([h,'.config','warden','policy.yml'].join('/'), s)",
      '~/.config/warden/policy.yml',
    ],
    ['File.read(File.join(Dir.home, ".aws", "credentials"))', '~/.aws/credentials'],
  ];
  for (const [code, want] of cases) assert.ok(builtPaths(code).includes(want), `${code} -> ${builtPaths(code)}`);
});

test('near miss: ordinary path building in code yields no home path', () => {
  assert.deepEqual(builtPaths("open(os.path.join('src', 'main.py')).read(); print(','.join(['a','b']))"), []);
});

test('folding a 1 MB program of string pieces finishes within 2 s (bounded input and rounds)', () => {
  const code = "x = 'a' + 'b' + ".repeat(70_000) + "'c'";
  const t = performance.now();
  builtPaths(code);
  assert.ok(performance.now() - t < 2000);
});

test('python -c reading a credential path built from pieces is denied', () => {
  const v = shell(`python3 -c "from pathlib import Path; print((Path.home()/'.aws'/'credentials').read_text())"`);
  assert.equal(v.decision, 'deny');
});

test('a written .envrc that runs a program is denied; one of plain exports is allowed', () => {
  assert.equal(write('.envrc', 'export A=1\n./.tools/init\n').decision, 'deny');
  assert.equal(write('.envrc', 'export NODE_ENV=development\nPATH_add bin\n').decision, 'allow');
});

test('a .gitattributes switching on a filter the repository config defines is denied; eol rules are allowed', () => {
  assert.equal(write('.gitattributes', '*.js filter=fmt\n').decision, 'deny');
  assert.equal(write('.gitattributes', '*.sh text eol=lf\n*.png binary\n').decision, 'allow');
});

test('a hook written into the custom core.hooksPath folder is denied', () => {
  assert.equal(write('.githooks/pre-push', '#!/bin/sh\nnode x.js\n').decision, 'deny');
});

test('workspace secret files beyond .env are credential reads: tfvars, .dev.vars, .p8, kubeconfig, .pgpass', () => {
  for (const p of ['infra/prod.tfvars', '.dev.vars', 'AuthKey_X.p8', 'kubeconfig', '.pgpass', 'local.settings.json'])
    assert.notEqual(judge({ tool: 'read', path: p }, ctx).decision, 'allow', p);
});

test("muting the guard is denied: NO_PROXY='*', proxy unset, WARDEN_POLICY, alias warden, killing Warden", () => {
  for (const c of [
    "export NO_PROXY='*'",
    'unset HTTPS_PROXY https_proxy',
    'export WARDEN_POLICY=/tmp/allow.yml',
    'alias warden=true',
    "kill $(pgrep -f 'warden daemon')",
    "ps aux | grep '[w]arden' | awk '{print $2}' | xargs kill",
    'killall node',
    'kill -- -1',
  ])
    assert.equal(shell(c).decision, 'deny', c);
});

test('near misses of muting are allowed: NO_PROXY=localhost, kill of a dev server pid, pkill vite', () => {
  for (const c of ['export NO_PROXY=localhost,127.0.0.1', 'kill -1 4242', "pkill -f 'vite --port 5173'"])
    assert.equal(shell(c).decision, 'allow', c);
});

test('a project .npmrc is a credential only when it holds a token; editor settings only when they start programs', () => {
  writeFileSync(join(ws, '.npmrc'), '//registry.npmjs.org/:_authToken=npm_x\n');
  assert.equal(judge({ tool: 'read', path: '.npmrc' }, ctx).decision, 'deny');
  writeFileSync(join(ws, '.npmrc'), 'save-exact=true\n');
  assert.equal(judge({ tool: 'read', path: '.npmrc' }, ctx).decision, 'allow');
  assert.equal(
    write('.vscode/settings.json', '{"terminal.integrated.env.linux": {"NODE_OPTIONS": "-r x"}}').decision,
    'deny',
  );
  assert.equal(write('.vscode/settings.json', '{"editor.formatOnSave": true}').decision, 'allow');
});

test("NO_PROXY='*' planted in a dev container's environment is denied; a local NO_PROXY there is allowed", () => {
  const dc = '.devcontainer/devcontainer.json';
  assert.equal(write(dc, '{"image": "node:20", "remoteEnv": {"NO_PROXY": "*"}}').decision, 'deny');
  assert.equal(write(dc, '{"image": "node:20", "remoteEnv": {"NO_PROXY": "localhost"}}').decision, 'allow');
});
