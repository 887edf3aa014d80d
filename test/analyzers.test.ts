import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkAnalyzer } from '../src/rules/fixtures.ts';
import { analyzeBackdoors } from '../src/analyzers/backdoor/index.ts';
import { scanText } from '../src/engine/scan.ts';
import { closingSuffix } from '../src/analyzers/code/fragment.ts';
import { languageOf } from '../src/analyzers/code/languages.ts';

const FIX = join(import.meta.dirname, '../src/analyzers/fixtures');
const fixtures = (stem: string) =>
  readdirSync(FIX)
    .filter((f) => f.startsWith(stem + '.'))
    .map((f) => join(FIX, f));
const fmt = (ps: { file: string; line?: number; problem: string }[]) =>
  ps.map((p) => `${p.file.split('/').pop()}${p.line ? `:${p.line}` : ''} ${p.problem}`);

test('backdoor analyzer proves itself on its fixtures', () => {
  const ids = [
    'backdoor.decode-exec',
    'backdoor.trigger-guard',
    'backdoor.master-password',
    'backdoor.credential-exfil',
    'backdoor.reverse-shell',
    'backdoor.debug-auth-bypass',
    'backdoor.hidden-name',
    'backdoor.download-exec',
    // (what the code does: src/analyzers/backdoor/{trigger,decisions,money,leaks,crypto,obfuscation}.ts)
    'backdoor.trigger-effect',
    'backdoor.self-compare',
    'backdoor.short-compare',
    'backdoor.verify-error-passes',
    'backdoor.empty-signature',
    'backdoor.verify-by-value',
    'backdoor.verify-skipped',
    'backdoor.verify-if-present',
    'backdoor.verify-ignored',
    'backdoor.insecure-retry',
    'backdoor.account-hash',
    'backdoor.check-skipped',
    'backdoor.default-secret',
    'backdoor.constant-credential',
    'backdoor.planted-account',
    'backdoor.fixed-account',
    'backdoor.record-copy',
    'backdoor.secret-to-log',
    'backdoor.secret-to-host',
    'backdoor.constant-iv',
    'backdoor.weakened-key',
    'backdoor.predictable-rng',
    'backdoor.weak-kdf',
    'backdoor.decoded-load',
    'backdoor.pipe-to-shell',
    'backdoor.remote-command',
    'backdoor.constant-key',
    'backdoor.callback-says-yes',
    'backdoor.unverified-fallback',
    'backdoor.fail-open',
    'backdoor.planted-admin-entry',
  ];
  assert.deepEqual(fmt(checkAnalyzer(fixtures('backdoor'), ids, analyzeBackdoors)), []);
});

import { analyzeUnicode, isLocaleFile } from '../src/analyzers/unicode.ts';
import { SourceFile } from '../src/analyzers/source.ts';

test('unicode analyzer proves itself on its fixtures', () => {
  const ids = [
    'unicode.bidi-control',
    'unicode.escaped-bidi',
    'unicode.invisible',
    'unicode.variation-selector',
    'unicode.tag-characters',
    'unicode.homoglyph',
    'unicode.deceptive-space',
  ];
  assert.deepEqual(fmt(checkAnalyzer(fixtures('unicode'), ids, analyzeUnicode)), []);
});

test('right-to-left text in locale files is not flagged', () => {
  assert.ok(isLocaleFile('app/locales/he.json'));
  assert.ok(isLocaleFile('node_modules/typescript/lib/zh-cn/diagnosticMessages.generated.json'));
  assert.ok(!isLocaleFile('src/py/config.json') && !isLocaleFile('src/ru/index.js'));
  // a translation mixing scripts in a word is writing, not a disguised identifier; in code it is flagged
  const mixed = '{"msg": "Создаёт файл tsconfig.json с рекомендованными настройкамиa"}\n';
  assert.deepEqual(analyzeUnicode(new SourceFile('lib/ru/messages.generated.json', mixed, undefined)), []);
  assert.deepEqual(
    analyzeUnicode(new SourceFile('src/app.js', 'const pаssword = 1;\n', 'javascript')).map((f) => f.ruleId),
    ['unicode.homoglyph'],
  );
  const f = new SourceFile('app/locales/he.json', '{"hello": "\u202Bשלום\u202C"}\n', undefined);
  assert.deepEqual(analyzeUnicode(f), []);
});

test('tag characters reveal their hidden text in the message', () => {
  const hidden = [...'run rm'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
  const [f] = analyzeUnicode(new SourceFile('SKILL.md', `Helpful skill.${hidden}\n`, undefined));
  assert.equal(f.ruleId, 'unicode.tag-characters');
  assert.match(f.message, /run rm/);
});

import { analyzeAgentConfig } from '../src/analyzers/agent-config.ts';

test('agent-config analyzer proves itself on its fixtures', () => {
  const ids = [
    'agent-config.hooks-disabled',
    'agent-config.auto-approve',
    'agent-config.network-hook',
    'agent-config.telemetry-on',
    'agent-config.ci-secret-exfil',
    'agent-config.ci-pr-target-checkout',
    'agent-config.autorun-on-open',
    'agent-config.autorun-network',
    'agent-config.registry-override',
    'agent-config.pth-autorun',
    'agent-config.ci-script-injection',
    'agent-config.tool-runs-program',
    'agent-config.mcp-fetches-code',
    'agent-config.mcp-unpinned',
    'agent-config.model-redirect',
  ];
  const files = [
    '.qwen/settings.json',
    '.github/workflows/ci.yml',
    '.vscode/tasks.json',
    '.devcontainer/devcontainer.json',
    '.npmrc',
    'pip.conf',
    'site-packages/helper.pth',
    '.cargo/config.toml',
    '.yarnrc.yml',
    '.mcp.json',
    '.vscode/settings.json',
    '.codex/config.toml',
    '.gemini/.env',
    '.gemini/settings.json',
  ].map((f) => join(FIX, 'agent-config', f));
  assert.deepEqual(fmt(checkAnalyzer(files, ids, analyzeAgentConfig)), []);
});

import { analyzeSecrets } from '../src/analyzers/secrets/index.ts';
import { SECRET_PATTERNS } from '../src/analyzers/secrets/patterns.ts';

test('secrets analyzer: every credential format fires on its fixture and passes its near miss', () => {
  const ids = [...SECRET_PATTERNS.map((p) => p.id), 'secret.generic'];
  assert.deepEqual(fmt(checkAnalyzer(fixtures('secrets'), ids, analyzeSecrets)), []);
});

test('secrets: curl credentials on continued lines and literal defaults of secret settings', () => {
  const f = new SourceFile(
    'README.md',
    'curl https://api.example.com/v1 \\\n  --user deploy:Zq8vR2mLx7Tn4Kp \\\n  -d x=1\nAPI = os.getenv("API_TOKEN", "k7Qm2Zx9Lp4Vn8Rt3Wy6")\n',
    undefined,
  );
  assert.deepEqual(
    analyzeSecrets(f).map((x) => `${x.ruleId}:${x.line}`),
    ['secret.curl-basic-auth:2', 'secret.generic:4'],
  );
});

test('python value flow: findings need a value that can carry data into the sink', () => {
  const sql = (body: string) =>
    scanText('app.py', `def handler(user):\n${body}\n`, {}).findings.filter((f) => f.ruleId === 'python.sql-injection')
      .length;
  // A parameter is not known: reported as before.
  assert.equal(sql('    cur.execute(f"SELECT * FROM t WHERE n = \'{user}\'")'), 1);
  // Request data through a loop variable and a string method.
  assert.equal(sql('    for k in request.form.keys():\n        v = k.strip()\n    cur.execute(f"SELECT {v}")'), 1);
  // Through an exception handler's path.
  assert.equal(
    sql(
      '    q = "SELECT 1"\n    try:\n        q = "SELECT " + request.args["c"]\n    except KeyError:\n        pass\n    cur.execute(q)',
    ),
    1,
  );
  // Constant after a branch on a constant; dead code after return.
  assert.equal(sql('    bar = "x"\n    if "x" not in bar:\n        bar = user\n    cur.execute(f"SELECT {bar}")'), 0);
  assert.equal(sql('    return 1\n    cur.execute(f"SELECT {user}")'), 0);
  // int() of anything carries no text.
  assert.equal(sql('    n = int(request.args["n"])\n    cur.execute(f"SELECT * FROM t LIMIT {n}")'), 0);
  // A sanitiser cleans its own result, not the call it is an argument of.
  const sh = (body: string) =>
    scanText('app.py', `import os, shlex\ndef handler(a):\n${body}\n`, {}).findings.filter(
      (f) => f.ruleId === 'python.os-system-injection',
    ).length;
  assert.equal(sh('    os.system("ls " + shlex.quote(request.args["d"]))'), 0);
  assert.equal(sh('    os.system(" ".join([shlex.quote(a), request.args["b"]]))'), 1);
  // Module constants count only when nothing else can rebind them.
  const mod = (src: string) =>
    scanText('app.py', src, {}).findings.filter((f) => f.ruleId === 'python.os-system-injection').length;
  assert.equal(mod('import os\nCMD = "ls " + "-la"\ndef run():\n    os.system(CMD + "")\n'), 0);
  assert.equal(
    mod(
      'import os\nCMD = "ls"\ndef configure():\n    global CMD\n    CMD = request.args["c"]\ndef run():\n    os.system(CMD + "")\n',
    ),
    1,
  );
  assert.equal(
    mod(
      'import os, sys\nCMD = "ls"\nif len(sys.argv) > 1:\n    CMD = sys.argv[1]\ndef run():\n    os.system(CMD + "")\n',
    ),
    1,
  );
  // A list with two names, or handed to another function, is no longer followed.
  assert.equal(
    sh('    cmds = ["ls"]\n    alias = cmds\n    alias.append(request.args["c"])\n    os.system(" ".join(cmds))'),
    1,
  );
  assert.equal(sh('    cmds = ["ls"]\n    fill(cmds)\n    os.system(" ".join(cmds))'), 1);
  assert.equal(sh('    cmds = ["ls", "-la"]\n    os.system(" ".join(cmds))'), 0);
  // The environment is outside data; a module's upper-case attributes are constants.
  assert.equal(sh('    os.system("ls " + os.environ["DIR"])'), 1);
  assert.equal(sh('    os.system("ls " + os.path.sep + config.BASE_DIR)'), 1);
  assert.equal(mod('import os, config\ndef run():\n    os.system("ls " + config.BASE_DIR)\n'), 0);
  // An exception can leave a try body between two assignments.
  assert.equal(
    sql(
      '    try:\n        q = "SELECT " + request.args["c"]\n        q = "SELECT 1"\n    except KeyError:\n        pass\n    cur.execute(q)',
    ),
    1,
  );
  // Deeply nested loops: the analysis gives up within its budget and the finding stays.
  let nest = '',
    ind = '    ';
  for (let i = 0; i < 24; i++) {
    nest += `${ind}for x${i} in range(3):\n`;
    ind += '    ';
  }
  const started = performance.now();
  assert.equal(sql(`    q = "SELECT 1"\n${nest}${ind}q = "SELECT " + str(x0)\n    cur.execute(q + "")`), 1);
  assert.ok(performance.now() - started < 2000);
  // A while loop that reassigns from request data keeps the taint.
  assert.equal(
    sql('    q = "SELECT 1"\n    while more():\n        q = "SELECT " + request.args["q"]\n    cur.execute(q)'),
    1,
  );
});

test('secrets: a credential format holding a typed-in sequence is reported at low severity; a run of one character not at all', () => {
  const found = (text: string) =>
    analyzeSecrets(new SourceFile('config.env', text + '\n', undefined)).map((f) => `${f.ruleId}:${f.severity}`);
  assert.deepEqual(found('SNYK_TOKEN = "12345678-ABCD-ABCD-ABCD-1234567890AB"'), ['secret.snyk-token:low']);
  assert.deepEqual(found('SNYK_TOKEN = "4f9c2a71-8d3e-4b6a-9f1c-2e7d5a8b3c90"'), ['secret.snyk-token:high']);
  assert.deepEqual(found('API_KEY="glc_111111111111111111111111111111111111111111="'), []);
  assert.deepEqual(found('key = "AKIAIOSFODNN7EXAMPLE"'), []);
});

test('a hard-coded credential is reported once: the secrets analyzer finding replaces a code rule finding on its line', () => {
  const ids = (code: string) => scanText('settings.py', code, {}).findings.map((f) => `${f.line}:${f.ruleId}`);
  assert.deepEqual(ids('api_key = "ghp_R8kq2ZxW9mTn4Lp7Vb3Yc6Hd1Jf5Gs0Qa2Ew"\npassword = "orator"\n'), [
    '1:secret.github-token',
    '2:python.hardcoded-password',
  ]);
  // and the code rule's snippet does not carry the password itself
  const f = scanText('settings.py', 'db.connect(user="app", password="sesame")\n', {}).findings.find(
    (x) => x.ruleId === 'python.hardcoded-password',
  );
  assert.equal(f?.snippet, 'db.connect(user="***", password="******")');
});

test('fragments cut off inside a block are parsed with their open brackets closed after the last line', () => {
  assert.equal(closingSuffix("exec('tar ' + name, function (err) {\n  if (err) {", 'javascript'), '}})');
  // strings, comments, character literals and Rust lifetimes do not count; stray closers at the start close nothing
  assert.equal(closingSuffix('}\n}\nfoo("(", /* { */ \'[\') {', 'javascript'), '}');
  assert.equal(closingSuffix("fn f<'a>(x: &'a str) -> char { let c = '{';", 'rust'), '}');
  assert.equal(closingSuffix('call("unterminated', 'java'), '');
  assert.equal(closingSuffix('def f(:', 'python'), '');
  const code =
    "function pack(name) {\n  child_process.exec('tar -zcf ' + name + '.tgz ' + name, function (err, out) {\n    if (err) {\n";
  const found = scanText('build.js', code, {}).findings.filter((f) => f.ruleId === 'js.child-process-injection');
  assert.equal(found.length, 1);
  assert.deepEqual([found[0].line, found[0].endLine <= code.split('\n').length], [2, true]);
});

test('Python fragments that start or end inside a docstring are read the way that parses', () => {
  const ids = (code: string) => scanText('snippet.py', code, {}).findings.map((f) => `${f.line}:${f.ruleId}`);
  // starts inside a docstring: without repair, the code below would be read as a string
  assert.deepEqual(ids('    Returns the digest.\n    """\n    h = hashlib.md5(data)\n    return h\n'), [
    '3:python.weak-hash',
  ]);
  // ends inside one: read with one more quote at the start it also parses, as one long string;
  // the reading that keeps the code as code has to win
  assert.deepEqual(ids('def f(data):\n    h = hashlib.md5(data)\n    return h\n\nclass C:\n    """\n'), [
    '2:python.weak-hash',
  ]);
});

test('generic secrets: names, code and expressions are not values; words are still a password', () => {
  const ids = (path: string, text: string) =>
    analyzeSecrets(new SourceFile(path, text + '\n', languageOf(path))).map((f) => f.ruleId);
  assert.deepEqual(
    ids('settings.js', 'const keys = { tavilyApiKey: "advanced.tavilyApiKey", EVENT_AUTH: "qwen-code.auth-event" };'),
    [],
  );
  assert.deepEqual(ids('split.c', 'char *token = strtok(path_copy, "/");'), []);
  assert.deepEqual(ids('git.js', 'const helper = config.get("credential.helper", "allowUnsafeCredentialHelper");'), []);
  assert.deepEqual(ids('keys.go', 'privateKey := new(dsa.PrivateKey)'), []);
  assert.deepEqual(
    ids('stop_token', '    _M_token = __it._M_end_of_range;\n    stop_token::_Stop_state_ref _M_state;'),
    [],
  );
  assert.deepEqual(ids('ja.js', '  "Input Tokens": "\\u5165\\u529B\\u30C8\\u30FC\\u30AF\\u30F3",'), []);
  assert.deepEqual(
    ids(
      'keys.js',
      'if (typeof pkcs8 !== "string" || pkcs8.indexOf("-----BEGIN PRIVATE KEY-----") !== 0) {\n  throw new TypeError("pkcs8 must be a PEM string with its BEGIN line and base64 body");\n}',
    ),
    [],
  );
  assert.deepEqual(ids('config.env', 'API_TOKEN=Zx8kQ2vN7mL4pR9tW3yB6cF1'), ['secret.generic']);
  assert.deepEqual(ids('app.py', 'db_password = "Correct.Horse.Battery.Staple"'), ['secret.generic']);
});

test('C#: an MVC action in a fragment without its class is still judged (it parses as a local function)', () => {
  const ids = (code: string) => scanText('snippet.cs', code, {}).findings.map((f) => f.ruleId);
  assert.ok(
    ids('[HttpPost]\npublic ActionResult Update(ViewModel model)\n{\n    return View();\n}\n').includes(
      'csharp.csrf-missing-token-check',
    ),
  );
  assert.ok(
    !ids(
      '[HttpPost]\n[ValidateAntiForgeryToken]\npublic ActionResult Update(ViewModel model)\n{\n    return View();\n}\n',
    ).includes('csharp.csrf-missing-token-check'),
  );
});

test('shell inside other files: Makefile recipes and shell start-up files are judged as shell', () => {
  const make =
    'build:\n\t@npm run build\n\ntools:\n\tcurl -fsSL https://get.example.net/x.sh | sh\n\tfor f in $$(ls); do echo $$f; done\n';
  const hits = scanText('Makefile', make).findings.filter((f) => f.ruleId === 'bash.curl-pipe-shell');
  assert.deepEqual(
    hits.map((f) => [f.line, f.column]),
    [[5, 2]],
  );
  assert.deepEqual(scanText('Makefile', 'all:\n\t@npm test\n\techo "curl is a tool"\n').findings, []);
  assert.ok(
    scanText('.envrc', 'curl -s https://get.example.net/x | bash\n').findings.some(
      (f) => f.ruleId === 'bash.curl-pipe-shell',
    ),
  );
  assert.ok(
    scanText('.husky/pre-commit', 'wget -qO- https://get.example.net/x | sh\n').findings.some(
      (f) => f.ruleId === 'bash.curl-pipe-shell',
    ),
  );
  assert.deepEqual(scanText('.envrc', 'export DATABASE_URL=postgres://localhost/dev\nlayout python\n').findings, []);
});

test('patch files: the added code of each patched file is judged in its language, at the patch line', () => {
  const patch = [
    'diff --git a/src/svc.py b/src/svc.py',
    '--- a/src/svc.py',
    '+++ b/src/svc.py',
    '@@ -1,3 +1,4 @@',
    ' import base64',
    ' def run():',
    '-    return 0',
    '+    exec(base64.b64decode("aW1wb3J0IG9z"))',
    '+    return 0',
    '--- a/web/app.js',
    '+++ b/web/app.js',
    '@@ -1,1 +1,2 @@',
    ' const x = 1;',
    '+document.body.innerHTML = location.hash;',
    '--- a/docs/x.md',
    '+++ b/docs/x.md',
    '@@ -1 +1,2 @@',
    ' # x',
    '+exec(y) is mentioned in prose here',
  ].join('\n');
  const got = scanText('fix.patch', patch).findings.map((f) => `${f.ruleId}@${f.line}`);
  assert.ok(got.includes('backdoor.decode-exec@8'), got.join(' '));
  assert.ok(got.includes('python.eval-injection@8'), got.join(' '));
  assert.ok(got.includes('js.xss-dom-sink@14'), got.join(' '));
  assert.ok(!got.some((g) => g.endsWith('@19')), got.join(' '));
  // Context and removed lines are not the patch's code.
  assert.deepEqual(
    scanText('undo.patch', '--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,1 @@\n-exec(base64.b64decode(x))\n import os\n')
      .findings,
    [],
  );
});
