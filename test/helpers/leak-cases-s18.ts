// The second secrets red team's ways out (s18): places a request carries text that round one did not
// use (Anthropic thinking and redacted_thinking, tool_use inputs, MCP resource blocks, Responses-style
// `input` items, cache_control, system arrays, data: URLs) and forms a model reads through (ROT13,
// base32, base58, UTF-16LE base64, quoted-printable, punycode, mathematical letters, combining marks,
// ANSI colours, spelled out, reversed, concatenated in code, PKCS#12 in hex) and the credential files
// agents read (.git-credentials, AWS SSO cache, Azure, Kubernetes, Terraform state, netrc, pgpass).
// `secrets` lists what must not arrive: the plain value (the test also decodes what arrived the ways
// round one did) and, for a form the test does not decode, the encoded text itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import { randomBytes } from 'node:crypto';
import { an, oa, user, type LeakCase, type Secrets } from './leak-cases.ts';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rand = (n: number, set = ALNUM) => Array.from(randomBytes(n), (b) => set[b % set.length]).join('');
const anToolResult = (content: unknown) => [
  user('read it'),
  { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: 'x' } }] },
  user([{ type: 'tool_result', tool_use_id: 'toolu_01', content }]),
];
const oaToolResult = (content: string) => [
  user('read it'),
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"x"}' } }],
  },
  { role: 'tool', tool_call_id: 'call_1', content },
];

// ---- encoders (a model reads through every one of them) ----
export const rot13 = (s: string) =>
  s.replace(/[A-Za-z]/g, (c) => {
    const b = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - b + 13) % 26) + b);
  });
export function base32(s: string | Buffer): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const b = Buffer.from(s);
  let bits = 0,
    val = 0,
    out = '';
  for (const x of b) {
    val = (val << 8) | x;
    bits += 8;
    while (bits >= 5) out += A[(val >>> (bits -= 5)) & 31];
  }
  if (bits) out += A[(val << (5 - bits)) & 31];
  while (out.length % 8) out += '=';
  return out;
}
export function base58(s: string | Buffer): string {
  const A = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const b = Buffer.from(s);
  let n = BigInt('0x' + (b.toString('hex') || '0'));
  let out = '';
  while (n > 0n) {
    out = A[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const x of b)
    if (x === 0) out = '1' + out;
    else break;
  return out;
}
export const utf16b64 = (s: string) => Buffer.from(s, 'utf16le').toString('base64');
/** Quoted-printable as mail writes it: `=` escaped, lines soft-broken at 76 with `=`. */
export function quotedPrintable(s: string): string {
  const enc = s.replace(/=/g, '=3D');
  const lines: string[] = [];
  for (let i = 0; i < enc.length; i += 60) lines.push(enc.slice(i, i + 60));
  return lines.join('=\n');
}
const MATH_BOLD = (s: string) =>
  [...s]
    .map((c) =>
      /[A-Z]/.test(c)
        ? String.fromCodePoint(0x1d400 + c.charCodeAt(0) - 65)
        : /[a-z]/.test(c)
          ? String.fromCodePoint(0x1d41a + c.charCodeAt(0) - 97)
          : /[0-9]/.test(c)
            ? String.fromCodePoint(0x1d7ce + c.charCodeAt(0) - 48)
            : c,
    )
    .join('');
const CIRCLED = (s: string) =>
  [...s]
    .map((c) =>
      /[a-z]/.test(c)
        ? String.fromCodePoint(0x24d0 + c.charCodeAt(0) - 97)
        : /[A-Z]/.test(c)
          ? String.fromCodePoint(0x24b6 + c.charCodeAt(0) - 65)
          : c,
    )
    .join('');
const combining = (s: string, mark: string) => [...s].map((c) => c + mark).join('');
const reversed = (s: string) => [...s].reverse().join('');
const spaced = (s: string, sep: string) => [...s].join(sep);
const es6Escape = (s: string) => [...s].map((c) => `\\u{${c.charCodeAt(0).toString(16)}}`).join('');
const ansi = (s: string) =>
  s
    .match(/.{1,6}/g)!
    .map((p, k) => `\x1b[${31 + (k % 6)}m${p}\x1b[0m`)
    .join('');

/** A PKCS#12 file of a fresh key (openssl), or undefined where openssl is missing. */
function pkcs12(): Buffer | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'p12-'));
  try {
    const o = { stdio: 'ignore' as const, cwd: dir };
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem'].concat([
        '-subj',
        '/CN=warden-test',
        '-days',
        '1',
      ]),
      o,
    );
    execFileSync(
      'openssl',
      ['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'k.p12', '-passout', 'pass:'],
      o,
    );
    return readFileSync(join(dir, 'k.p12'));
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
/** An OpenSSH private key (ssh-keygen), its body rewrapped at `width`, or undefined. */
function opensshKey(width: number): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')], { stdio: 'ignore' });
    const pem = readFileSync(join(dir, 'k'), 'utf8').trim().split('\n');
    const body = pem.slice(1, -1).join('');
    return [pem[0], ...(body.match(new RegExp(`.{1,${width}}`, 'g')) ?? []), pem[pem.length - 1]].join('\n');
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function leakCasesS18(s: Secrets): LeakCase[] {
  const env = `AWS_ACCESS_KEY_ID=${s.awsId}\nAWS_SECRET_ACCESS_KEY=${s.awsSecret}\nSTRIPE_KEY=${s.stripe}\n`;
  const envSecrets = [s.awsSecret, s.stripe];
  const p12 = pkcs12();
  const ssh50 = opensshKey(50);
  const ssh97 = opensshKey(97);
  const sshBody = (k: string) => k.split('\n').slice(1, -1);
  const azureKey = randomBytes(64).toString('base64');
  const sasSig = encodeURIComponent(randomBytes(32).toString('base64'));
  const gitPass = rand(22);
  const ssoToken = 'aoa' + rand(60) + ':' + rand(40, ALNUM + '+/');
  const tfPass = rand(24);
  const k8sPass = rand(20);
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  const cases: LeakCase[] = [
    // ---- places: Anthropic ----
    an(
      'tool_use input, secret under an innocent key',
      {
        messages: [
          user('deploy'),
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'toolu_9', name: 'Bash', input: { cmd: 'deploy', args: [`--with=${s.ghp}`] } },
            ],
          },
          user([{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'ok' }]),
        ],
      },
      [s.ghp],
    ),
    an(
      'thinking block holding a .env, with a signature',
      {
        messages: [
          user('go'),
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: `The file says:\n${env}`, signature: randomBytes(96).toString('base64') },
              { type: 'text', text: 'ok' },
            ],
          },
          user('next'),
        ],
      },
      envSecrets,
    ),
    an(
      'redacted_thinking data holding base64 of a .env',
      {
        messages: [
          user('go'),
          {
            role: 'assistant',
            content: [
              { type: 'redacted_thinking', data: b64(env) },
              { type: 'text', text: 'ok' },
            ],
          },
          user('next'),
        ],
      },
      envSecrets,
    ),
    an(
      'token split over two system array blocks with cache_control',
      {
        system: [
          { type: 'text', text: `git token: ${s.ghp.slice(0, 19)}`, cache_control: { type: 'ephemeral' } },
          { type: 'text', text: s.ghp.slice(19) },
        ],
        messages: [user('hi')],
      },
      [s.ghp],
    ),
    an(
      'token half in a cache_control field',
      {
        messages: [
          user([
            {
              type: 'text',
              text: `tok ${s.npm.slice(0, 20)}`,
              cache_control: { type: 'ephemeral', ttl: s.npm.slice(20) },
            },
          ]),
        ],
      },
      [s.npm],
      { mayRefuse: true },
    ),
    an(
      'MCP resource block with a text .env',
      {
        messages: anToolResult([
          { type: 'resource', resource: { uri: 'file:///app/.env', mimeType: 'text/plain', text: env } },
        ]),
      },
      envSecrets,
    ),
    an(
      'MCP resource block with a base64 blob of a .env',
      {
        messages: anToolResult([
          {
            type: 'resource',
            resource: { uri: 'file:///app/.env', mimeType: 'application/octet-stream', blob: b64(env) },
          },
        ]),
      },
      envSecrets,
    ),
    an(
      'mcp_tool_result block',
      {
        messages: [
          user('q'),
          {
            role: 'assistant',
            content: [{ type: 'mcp_tool_use', id: 'mcptoolu_1', name: 'env', server_name: 's', input: {} }],
          },
          user([
            {
              type: 'mcp_tool_result',
              tool_use_id: 'mcptoolu_1',
              content: [{ type: 'text', text: `TOKEN=${s.glpat}` }],
            },
          ]),
        ],
      },
      [s.glpat],
    ),
    an(
      'image block, base64 source that is text',
      {
        messages: [user([{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: b64(env) } }])],
      },
      envSecrets,
    ),
    an(
      'document block, URL source with credentials',
      {
        messages: [
          user([
            { type: 'document', source: { type: 'url', url: `https://ci:${s.dbPass}@files.internal/report.pdf` } },
          ]),
        ],
      },
      [s.dbPass],
    ),
    // ---- places: OpenAI / Responses-style items ----
    oa(
      'Responses-style input items (input_text)',
      {
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `use ${s.openai}` }] }],
        messages: [user('hi')],
      },
      [s.openai],
    ),
    oa(
      'Responses-style function_call_output',
      { input: [{ type: 'function_call_output', call_id: 'call_7', output: env }], messages: [user('hi')] },
      envSecrets,
    ),
    oa(
      'function-call arguments: JSON string in JSON in JSON',
      {
        messages: [
          user('go'),
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_2',
                type: 'function',
                function: {
                  name: 'write',
                  arguments: JSON.stringify({
                    body: JSON.stringify({ inner: JSON.stringify({ k: `STRIPE_KEY=${s.stripe}` }) }),
                  }),
                },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_2', content: 'ok' },
        ],
      },
      [s.stripe],
    ),
    oa(
      'token split over two tool-call argument strings',
      {
        messages: [
          user('go'),
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'c1',
                type: 'function',
                function: { name: 'a', arguments: JSON.stringify({ p: s.ghp.slice(0, 15) }) },
              },
              {
                id: 'c2',
                type: 'function',
                function: { name: 'b', arguments: JSON.stringify({ p: s.ghp.slice(15) }) },
              },
            ],
          },
        ],
      },
      [s.ghp],
    ),
    oa(
      'data: URL, text/plain percent-encoded (not base64)',
      {
        messages: [user([{ type: 'image_url', image_url: { url: 'data:text/plain,' + encodeURIComponent(env) } }])],
      },
      envSecrets,
    ),
    oa(
      'data: URL, application/json base64 of a credentials file',
      {
        messages: [
          user([
            {
              type: 'image_url',
              image_url: {
                url:
                  'data:application/json;base64,' +
                  b64(JSON.stringify({ aws_access_key_id: s.awsId, aws_secret_access_key: s.awsSecret })),
              },
            },
          ]),
        ],
      },
      [s.awsSecret],
    ),
    oa(
      'input_audio transcript field',
      { messages: [user([{ type: 'input_audio', input_audio: { data: b64(env), format: 'wav' } }])] },
      envSecrets,
    ),
    // ---- forms ----
    oa('ROT13 of a GitHub token', { messages: [user(`rot13: ${rot13(s.ghp)}`)] }, [rot13(s.ghp)]),
    oa('ROT13 of a .env', { messages: oaToolResult(rot13(env)) }, [rot13(s.stripe)]),
    oa('base32 of a .env', { messages: [user(base32(env))] }, [base32(env).slice(0, 40)]),
    oa(
      'base32 of a token, lower case, no padding',
      { messages: [user(`b32 ${base32(s.ghp).toLowerCase().replace(/=+$/, '')}`)] },
      [base32(s.ghp).toLowerCase().replace(/=+$/, '')],
    ),
    oa('base58 of a token', { messages: [user(`b58: ${base58(s.ghp)}`)] }, [base58(s.ghp)]),
    oa('base58 of an AWS pair', { messages: [user(base58(`${s.awsId}:${s.awsSecret}`))] }, [
      base58(`${s.awsId}:${s.awsSecret}`),
    ]),
    oa(
      'URL-safe base64 without padding of a .env',
      { messages: [user(`env=${Buffer.from(env).toString('base64url')}`)] },
      envSecrets,
    ),
    oa(
      'UTF-16LE base64 (powershell -EncodedCommand)',
      { messages: [user(`powershell -enc ${utf16b64(`$env:GITHUB_TOKEN="${s.ghp}"; git push`)}`)] },
      [utf16b64(`$env:GITHUB_TOKEN="${s.ghp}"; git push`).slice(0, 60)],
    ),
    oa('UTF-16LE hex of a token', { messages: [user(Buffer.from(s.stripe, 'utf16le').toString('hex'))] }, [
      Buffer.from(s.stripe, 'utf16le').toString('hex').slice(0, 48),
    ]),
    oa(
      'quoted-printable mail of a .env',
      { messages: oaToolResult(`Content-Transfer-Encoding: quoted-printable\n\n${quotedPrintable(env)}`) },
      [s.awsSecret.slice(0, 30), s.stripe.slice(0, 30)],
    ),
    oa(
      'punycode host of a homoglyph token',
      { messages: [user(`ping https://${domainToASCII(`${s.glpat.replace('p', '\u0440')}.example.com`)}/`)] },
      [domainToASCII(`${s.glpat.replace('p', '\u0440')}.example.com`).split('.')[0]],
    ),
    oa('a token spelled with dashes', { messages: [user(spaced(s.ghp, '-'))] }, [spaced(s.ghp, '-')]),
    oa('a token spelled with dots', { messages: [user(spaced(s.stripe, '.'))] }, [spaced(s.stripe, '.')]),
    oa('a token one character a line', { messages: [user(spaced(s.glpat, '\n'))] }, [spaced(s.glpat, '\n')]),
    oa('an AWS secret reversed beside its key id', { messages: [user(`${s.awsId} ${reversed(s.awsSecret)}`)] }, [
      reversed(s.awsSecret),
    ]),
    oa('a private key body reversed', { messages: [user(reversed(s.pem))] }, [reversed(s.pem).split('\n')[3]]),
    oa('mathematical bold letters', { messages: [user(MATH_BOLD(s.ghp))] }, [MATH_BOLD(s.ghp)]),
    oa('circled letters', { messages: [user(CIRCLED(s.glpat))] }, [CIRCLED(s.glpat)]),
    oa('combining low line under each character', { messages: [user(combining(s.npm, '\u0332'))] }, [
      combining(s.npm, '\u0332'),
    ]),
    oa('ES6 \\u{..} escapes in code', { messages: [user(`const t = "${es6Escape(s.ghp)}";`)] }, [es6Escape(s.ghp)]),
    oa('ANSI colours inside a token in a log', { messages: oaToolResult(`deploy: ${ansi(s.stripe)} ok`) }, [
      ansi(s.stripe),
    ]),
    oa(
      'joined with + in code',
      { messages: [user(`const k = "${s.ghp.slice(0, 10)}" +\n  "${s.ghp.slice(10, 25)}" + '${s.ghp.slice(25)}';`)] },
      [s.ghp],
    ),
    oa(
      'split across array elements joined in code',
      {
        messages: [
          user(
            `const parts = ["${s.openai.slice(0, 30)}", "${s.openai.slice(30, 70)}", "${s.openai.slice(70)}"]; parts.join('')`,
          ),
        ],
      },
      [s.openai],
    ),
    oa(
      'a token split over YAML folded lines',
      { messages: [user(`token: >-\n  ${s.anthropic.slice(0, 50)}\n  ${s.anthropic.slice(50)}\n`)] },
      [s.anthropic],
    ),
    oa('HTML named entity for the underscore', { messages: [user(s.ghp.replace('_', '&lowbar;'))] }, [
      s.ghp.replace('_', '&lowbar;'),
    ]),
    oa(
      'shell quotes inside a token',
      { messages: [user(`export T=${s.ghp.slice(0, 12)}"${s.ghp.slice(12, 24)}"'${s.ghp.slice(24)}'`)] },
      [s.ghp.slice(24)],
    ),
    oa(
      'an unsigned JWT (alg none) carrying a token in a claim',
      {
        messages: [
          user(
            `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ gh: s.ghp })).toString('base64url')}.`,
          ),
        ],
      },
      [s.ghp],
    ),
    // ---- credential files and keys ----
    oa(
      '.git-credentials line (no vendor format)',
      { messages: oaToolResult(`https://alice:${gitPass}@git.corp-internal.net\n`) },
      [gitPass],
    ),
    oa(
      'AWS SSO cache JSON',
      {
        messages: oaToolResult(
          JSON.stringify({
            startUrl: 'https://x.awsapps.com/start',
            region: 'eu-west-1',
            accessToken: ssoToken,
            expiresAt: '2026-12-08T00:00:00Z',
          }),
        ),
      },
      [ssoToken],
    ),
    oa(
      'GCP service-account JSON with escaped newlines',
      {
        messages: oaToolResult(
          JSON.stringify({
            type: 'service_account',
            project_id: 'p',
            private_key_id: rand(40, '0123456789abcdef'),
            private_key: s.pem + '\n',
            client_email: 'x@p.iam.gserviceaccount.com',
          }),
        ),
      },
      s.pem.split('\n').slice(2, 5),
    ),
    oa(
      'Azure storage connection string',
      {
        messages: oaToolResult(
          `DefaultEndpointsProtocol=https;AccountName=prodstore;AccountKey=${azureKey};EndpointSuffix=core.windows.net`,
        ),
      },
      [azureKey],
    ),
    oa(
      'Azure Service Bus SharedAccessKey',
      {
        messages: oaToolResult(
          `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${azureKey.slice(0, 44)}`,
        ),
      },
      [azureKey.slice(0, 44)],
    ),
    oa(
      'Azure SAS URL',
      {
        messages: [user(`https://a.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=o&sp=r&se=2027-01-01&sig=${sasSig}`)],
      },
      [sasSig],
    ),
    oa(
      'Kubernetes Secret with base64 data',
      {
        messages: oaToolResult(
          `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  DB_PASS: ${b64(k8sPass)}\n  url: ${b64(`postgres://app:${s.dbPass}@db:5432/app`)}\n`,
        ),
      },
      [b64(k8sPass), s.dbPass],
    ),
    oa(
      'Docker config with username/password fields',
      {
        messages: oaToolResult(
          JSON.stringify({ auths: { 'registry.internal': { username: 'ci', password: s.password } } }),
        ),
      },
      [s.password],
    ),
    oa(
      'Terraform state with a sensitive attribute',
      {
        messages: oaToolResult(
          JSON.stringify({
            version: 4,
            resources: [
              {
                type: 'aws_db_instance',
                instances: [
                  {
                    attributes: { username: 'admin', password: tfPass, endpoint: 'db:5432' },
                    sensitive_attributes: [],
                  },
                ],
              },
            ],
          }),
        ),
      },
      [tfPass],
    ),
    oa('.netrc default entry', { messages: oaToolResult(`default login ci password ${s.dbPass}\n`) }, [s.dbPass]),
    oa(
      '.pgpass line with an escaped colon',
      { messages: oaToolResult(`db.internal:5432:*:app:${s.dbPass.slice(0, 9)}\\:${s.dbPass.slice(9)}\n`) },
      [s.dbPass.slice(9)],
    ),
    oa(
      '.npmrc _password (base64)',
      { messages: oaToolResult(`//npm.internal/:username=ci\n//npm.internal/:_password=${b64(s.password)}\n`) },
      [b64(s.password)],
    ),
    oa(
      'Java properties value continued over lines',
      { messages: oaToolResult(`db.password=${s.password.slice(0, 10)}\\\n    ${s.password.slice(10)}\n`) },
      [s.password.slice(10)],
    ),
  ];
  if (p12) {
    const h = p12.toString('hex');
    cases.push(
      oa('a PKCS#12 key store in hex', { messages: [user(`keystore (hex): ${h}`)] }, [h.slice(200, 260)]),
      oa('a PKCS#12 key store in base64', { messages: [user(`keystore.p12: ${p12.toString('base64')}`)] }, [
        p12.toString('base64').slice(200, 260),
      ]),
    );
  }
  for (const [w, k] of [
    [50, ssh50],
    [97, ssh97],
  ] as const)
    if (k) cases.push(oa(`OpenSSH key wrapped at ${w}`, { messages: oaToolResult(k) }, sshBody(k).slice(1, 3)));
  return cases;
}

export function nearMissCasesS18(): LeakCase[] {
  const sha = () => randomBytes(20).toString('hex');
  const cert = execOr(() => {
    const dir = mkdtempSync(join(tmpdir(), 'crt-'));
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k', '-out', 'c', '-subj', '/CN=x', '-days', '1'],
        {
          stdio: 'ignore',
          cwd: dir,
        },
      );
      return readFileSync(join(dir, 'c'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(2000)]).toString(
    'base64',
  );
  const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), randomBytes(1500)]).toString('base64');
  const prose = 'The quick brown fox jumps over the lazy dog while the build runs its tests again.';
  return [
    oa('a spaced heading', { messages: [user('S E C R E T   S A U C E\n\nH E L L O   W O R L D 2 0 2 6')] }, []),
    oa(
      'a spaced-out sentence',
      { messages: [user(spaced('please review my pull request number 4521 today', ' '))] },
      [],
    ),
    oa(
      'letters with dashes (a spelling)',
      { messages: [user('It is spelled g-h-o-s-t-w-r-i-t-e-r-s-1-2, not ghost writers.')] },
      [],
    ),
    oa('a dotted acronym list', { messages: [user('U.S.A.F. and N.A.S.A. and I.B.M. and A.T.&.T.')] }, []),
    oa('one character a line (ASCII art)', { messages: [user('V\ne\nr\nt\ni\nc\na\nl\n \nt\ne\nx\nt\n1\n2\n3')] }, []),
    oa('a reversed git SHA', { messages: [user(`reverse ${reversed(sha())} and ${reversed(sha())}`)] }, []),
    oa('a reversed sentence', { messages: [user(reversed(prose))] }, []),
    oa(
      'a reversed sha256 checksum line',
      { messages: [user(reversed(`${randomBytes(32).toString('hex')}  dist/app.tgz`))] },
      [],
    ),
    oa(
      'a base64 PNG data URL',
      { messages: [user([{ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }])] },
      [],
    ),
    an(
      'a base64 JPEG image block',
      { messages: [user([{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: jpeg } }])] },
      [],
    ),
    oa('a base64 certificate chain (public)', { messages: [user(Buffer.from(cert + cert).toString('base64'))] }, []),
    oa('a PEM certificate', { messages: [user(cert)] }, []),
    oa('ROT13 of prose', { messages: [user(rot13(prose))] }, []),
    oa(
      'base32 of random bytes (a Nix store path)',
      { messages: [user(`/nix/store/${base32(randomBytes(20)).toLowerCase().slice(0, 32)}-hello-2.12`)] },
      [],
    ),
    oa('base32 of prose', { messages: [user(base32(prose))] }, []),
    oa(
      'base58 of random bytes (an IPFS CID)',
      { messages: [user(`ipfs://Qm${base58(randomBytes(32)).slice(0, 44)}`)] },
      [],
    ),
    oa('base58 of prose', { messages: [user(base58('hello world, this is a plain note'))] }, []),
    oa(
      'UTF-16LE base64 of a benign command',
      { messages: [user(`powershell -enc ${utf16b64('Get-ChildItem -Recurse | Measure-Object')}`)] },
      [],
    ),
    oa('quoted-printable prose', { messages: [user(quotedPrintable('Caf=E9 menu: ' + prose + ' ' + prose))] }, []),
    oa(
      'a punycode domain',
      { messages: [user('visit https://xn--bcher-kva.example and https://xn--mnchen-3ya.de')] },
      [],
    ),
    oa('mathematical bold heading', { messages: [user(MATH_BOLD('Release Notes 2026 Summary'))] }, []),
    oa(
      'French and Vietnamese prose with combining marks',
      {
        messages: [
          user('Cafe\u0301 cre\u0300me bru\u0302le\u0301e; Tie\u0302\u0301ng Vie\u0323t co\u0301 da\u0302\u0301u'),
        ],
      },
      [],
    ),
    oa('ES6 emoji escapes', { messages: [user('const smile = "\\u{1F600}\\u{1F601}\\u{1F602}\\u{1F603}";')] }, []),
    oa(
      'an ANSI-coloured test log',
      { messages: oaToolResult(ansi('PASS test/app.test.ts (12 tests) 1.2s') + '\n' + ansi('Tests: 12 passed')) },
      [],
    ),
    oa(
      'string concatenation of words',
      { messages: [user(`const msg = "Hello, " + name + "! You have " + count + " new messages.";`)] },
      [],
    ),
    oa('an array of words joined', { messages: [user(`["alpha", "beta", "gamma", "delta"].join("")`)] }, []),
    oa(
      'an SRI integrity attribute',
      { messages: [user(`<script src="a.js" integrity="sha384-${randomBytes(48).toString('base64')}"></script>`)] },
      [],
    ),
    oa(
      'a public SSH key',
      {
        messages: [
          user(`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${randomBytes(32).toString('base64').slice(0, 43)} me@host`),
        ],
      },
      [],
    ),
    oa(
      'a ConfigMap with base64 of ordinary text',
      { messages: oaToolResult(`kind: ConfigMap\ndata:\n  motd: ${Buffer.from(prose).toString('base64')}\n`) },
      [],
    ),
    oa(
      'Terraform state without sensitive values',
      {
        messages: oaToolResult(
          JSON.stringify({
            version: 4,
            resources: [
              {
                type: 'aws_s3_bucket',
                instances: [{ attributes: { id: 'logs', arn: 'arn:aws:s3:::logs', region: 'eu-west-1' } }],
              },
            ],
          }),
        ),
      },
      [],
    ),
    oa('a .pgpass line with a wildcard password field', { messages: [user('localhost:5432:*:postgres:*')] }, []),
    oa('Azure development storage setting', { messages: [user('AzureWebJobsStorage=UseDevelopmentStorage=true')] }, []),
    an(
      'redacted_thinking with an opaque encrypted blob',
      {
        messages: [
          user('go'),
          { role: 'assistant', content: [{ type: 'redacted_thinking', data: randomBytes(300).toString('base64') }] },
          user('next'),
        ],
      },
      [],
    ),
    // (base64 padding at a line's end is not a quoted-printable soft break: it was read as one, s18)
    oa(
      'go.sum hashes whose base64 has no + or /',
      {
        messages: oaToolResult(
          `golang.org/x/text v0.3.7 h1:${rand(43)}=\ngolang.org/x/net v0.1.0/go.mod h1:${rand(43)}=\n`,
        ),
      },
      [],
    ),
    oa(
      'a hex dump of a UTF-16 word list',
      { messages: [user(Buffer.from('hello world, this is fine', 'utf16le').toString('hex'))] },
      [],
    ),
  ];
}

function execOr(f: () => string): string {
  try {
    return f();
  } catch {
    return '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  }
}
