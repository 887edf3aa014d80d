// The s18 secrets red team against `warden scan` (the real CLI on a folder of files): secrets that
// sit in a repository encoded (base64, hex, escapes, DER, base32, UTF-16), each reported on the line
// where its encoded value stands, with what it decodes to and never the value; near misses (a base64
// image, a public certificate chain in base64, hashes, lockfile integrity values, base64 of prose)
// reported as nothing. Secrets are fresh each run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { freshSecrets } from '../helpers/leak-cases.ts';
import { base32, utf16b64 } from '../helpers/leak-cases-s18.ts';
import { SourceFile } from '../../src/analyzers/source.ts';
import { analyzeSecrets } from '../../src/analyzers/secrets/index.ts';
import { analyzeEncodedSecrets } from '../../src/analyzers/secrets/encoded-scan.ts';
import type { Finding } from '../../src/engine/types.ts';

const BIN = new URL('../../bin/warden.js', import.meta.url).pathname;
const s = freshSecrets();
const b64 = (t: string | Buffer) => Buffer.from(t).toString('base64');
const hex = (t: string) => Buffer.from(t).toString('hex');
const u = (t: string) => [...t].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('');
const env = `AWS_ACCESS_KEY_ID=${s.awsId}\nAWS_SECRET_ACCESS_KEY=${s.awsSecret}\nSTRIPE_KEY=${s.stripe}\n`;
const der = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'der' })
  .toString('base64');

/** A true sample: the file, its text, the line (1-based) where the encoded value stands, the values that must not show. */
interface Case {
  name: string;
  path: string;
  text: string;
  line: number;
  decodesTo: RegExp;
  values: string[];
}
const TRUE: Case[] = [
  {
    name: 'a base64 .env committed as a deploy file',
    path: 'deploy/env.b64',
    text: `# restored by CI\n${b64(env)}\n`,
    line: 2,
    decodesTo: /AWS|Stripe/,
    values: [b64(env), s.awsSecret, s.stripe],
  },
  {
    name: 'a hex key in a JSON config',
    path: 'config/app.json',
    text: JSON.stringify({ name: 'app', port: 8080, blob: hex(`STRIPE_KEY=${s.stripe}`) }, null, 2) + '\n',
    line: 4,
    decodesTo: /Stripe/,
    values: [hex(`STRIPE_KEY=${s.stripe}`), s.stripe],
  },
  {
    name: 'a JSON-escaped token in package.json scripts',
    path: 'package.json',
    text: JSON.stringify({ name: 'x', scripts: { test: 'node t.js', release: `GH=${s.ghp} npm publish` } }, null, 2)
      .replace(s.ghp, u(s.ghp))
      .concat('\n'),
    line: 5,
    decodesTo: /GitHub/,
    values: [u(s.ghp), s.ghp],
  },
  {
    name: 'a DER private key in base64 in YAML',
    path: 'charts/values.yaml',
    text: `replicas: 2\ntls:\n  keyDer: ${der}\n`,
    line: 3,
    decodesTo: /[Pp]rivate key/,
    values: [der],
  },
  {
    name: 'a \\x-escaped token in a C header',
    path: 'src/token.h',
    text: `#pragma once\nstatic const char *T = "${[...s.glpat].map((c) => '\\x' + c.charCodeAt(0).toString(16)).join('')}";\n`,
    line: 2,
    decodesTo: /GitLab/,
    values: [s.glpat],
  },
  {
    name: 'a base32 .env in a text file',
    path: 'notes/b32.txt',
    text: `backup:\n${base32(env).replace(/=+$/, '')}\n`,
    line: 2,
    decodesTo: /AWS|Stripe/,
    values: [s.stripe],
  },
  {
    name: 'UTF-16LE base64 (powershell -enc) in a script',
    path: 'ops/run.ps1',
    text: `# bootstrap\npowershell -enc ${utf16b64(`$env:GITHUB_TOKEN="${s.ghp}"; git push`)}\n`,
    line: 2,
    decodesTo: /GitHub/,
    values: [s.ghp],
  },
  {
    name: 'a base64 kubeconfig token line in Python',
    path: 'tools/cfg.py',
    text: `import base64\nCFG = "${b64(`token: ${s.jwt}\nnpm: ${s.npm}\n`)}"\n`,
    line: 2,
    decodesTo: /JSON Web Token|npm/,
    values: [s.npm],
  },
];

const cert = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'crt-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k', '-out', 'c', '-subj', '/CN=x', '-days', '1'],
      {
        cwd: dir,
        stdio: 'ignore',
      },
    );
    return readFileSync(join(dir, 'c'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();
const png = b64(Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(4000)]));
const NEAR: { name: string; path: string; text: string }[] = [
  {
    name: 'a base64 PNG in CSS',
    path: 'web/site.css',
    text: `.logo { background: url(data:image/png;base64,${png}); }\n`,
  },
  { name: 'a base64 certificate chain (public)', path: 'certs/chain.b64', text: b64(cert + cert) + '\n' },
  { name: 'a PEM certificate', path: 'certs/ca.pem', text: cert },
  {
    name: 'sha256 hashes',
    path: 'SHA256SUMS',
    text: `${randomBytes(32).toString('hex')}  app.tgz\n${randomBytes(32).toString('hex')}  app.zip\n`,
  },
  {
    name: 'lockfile integrity values',
    path: 'package-lock.json',
    text: JSON.stringify(
      { packages: { 'node_modules/a': { integrity: 'sha512-' + randomBytes(64).toString('base64') } } },
      null,
      2,
    ),
  },
  {
    name: 'base64 of a README',
    path: 'docs/readme.b64',
    text: b64('# App\n\nRun npm install, then npm test. Set API_KEY in your .env.\n') + '\n',
  },
  {
    name: 'hex of prose',
    path: 'data/msg.hex',
    text: hex('hello there, this is a plain message with no secret in it') + '\n',
  },
  { name: 'unicode escapes of words', path: 'i18n/fr.js', text: `export default { hi: "${u('Bonjour à tous')}" };\n` },
  {
    name: 'base32 of random bytes (a Nix hash)',
    path: 'nix/pin.txt',
    text: `${base32(randomBytes(20)).toLowerCase()}\n`,
  },
];

const dir = mkdtempSync(join(tmpdir(), 'warden-enc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function scan(files: { path: string; text: string }[]): Finding[] {
  const root = mkdtempSync(join(dir, 'r-'));
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.text);
  }
  const r = spawnSync(
    process.execPath,
    [BIN, 'scan', root, '--format', 'json', '--no-progress', '--fail-on', 'critical'],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const report = JSON.parse(r.stdout);
  return (report.findings ?? report).map((f: { file: string }) => ({ ...f, file: f.file.replace(root + '/', '') }));
}

const found = scan([...TRUE, ...NEAR]);

for (const c of TRUE)
  test(`scan, ${c.name}: reported on the line of the encoded value, saying what it decodes to, without the value`, () => {
    const mine = found.filter((f) => f.file === c.path && f.category === 'secret');
    const hit = mine.find((f) => f.ruleId.startsWith('secret.'));
    assert.ok(hit, `not reported: ${JSON.stringify(mine.map((f) => f.ruleId))}`);
    assert.equal(hit.line, c.line);
    assert.match(`${hit.title} ${hit.message}`, c.decodesTo);
    const shown = JSON.stringify(mine);
    for (const v of c.values) assert.ok(!shown.includes(v), `the report shows ${v.slice(0, 12)}…`);
  });

for (const c of NEAR)
  test(`scan near miss, ${c.name}: no secret reported`, () => {
    const mine = found.filter((f) => f.file === c.path && f.ruleId.startsWith('secret.'));
    assert.deepEqual(
      mine.map((f) => `${f.ruleId}:${f.line}`),
      [],
    );
  });

test('scan, the encoded-secret pass on 1 MB of ordinary source costs a small part of the plain secret pass (no whole-file decoding)', () => {
  let text = '';
  const files = execFileSync('git', ['ls-files', 'src'], {
    encoding: 'utf8',
    cwd: new URL('../..', import.meta.url).pathname,
  })
    .split('\n')
    .filter((f) => f.endsWith('.ts'));
  for (const f of files)
    if ((text += readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8')).length > 1 << 20) break;
  const file = new SourceFile('src/all.ts', text.slice(0, 1 << 20), 'typescript');
  const time = (fn: () => unknown) => {
    const t = performance.now();
    for (let k = 0; k < 3; k++) fn();
    return (performance.now() - t) / 3;
  };
  const plain = time(() => analyzeSecrets(file));
  const encoded = time(() => analyzeEncodedSecrets(file));
  // (generous: the machine is shared; measured alone it is a few per cent)
  assert.ok(encoded < Math.max(40, plain * 0.5), `encoded ${encoded.toFixed(1)} ms, plain ${plain.toFixed(1)} ms`);
});

test('generic rule: a password with # inside an unquoted value is found whole (.properties, shell); a # after a blank is a comment, not the value', () => {
  const pw = 'Qx7#mK2pL9#vR4tZ';
  const whole = analyzeSecrets(new SourceFile('app.properties', `db.password=${pw}\n`, undefined));
  assert.equal(whole.length, 1);
  assert.equal(whole[0].endColumn - whole[0].column, pw.length);
  const commented = analyzeSecrets(new SourceFile('.env', `DB_PASSWORD=Qx7mK2pL9vR4 # rotate monthly\n`, undefined));
  assert.equal(commented.length, 1);
  assert.equal(commented[0].endColumn - commented[0].column, 'Qx7mK2pL9vR4'.length);
});
