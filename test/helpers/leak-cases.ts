// The red team's ways for a secret to leave through the model gateway (s17), as data: each case is one
// request (its body, or raw bytes with headers) and the secrets that must not reach the upstream in any
// form a model could read back (whole, decoded, joined). Near misses are requests that must arrive
// unchanged. Secrets are fresh random values each run, so nothing here can be tuned to one value.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { deflateRawSync, deflateSync, gzipSync, brotliCompressSync } from 'node:zlib';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rand = (n: number, set = ALNUM) => Array.from(randomBytes(n), (b) => set[b % set.length]).join('');
const hex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** A random letter-digit value as issued keys are: two of each of upper case, lower case and digits (so never flaky). */
function issued(n: number): string {
  for (;;) {
    const v = rand(n);
    if ([/[A-Z]/g, /[a-z]/g, /[0-9]/g].every((re) => (v.match(re)?.length ?? 0) >= 2)) return v;
  }
}

/** One of each kind the brief names, fresh. */
export function freshSecrets() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  return {
    ghp: 'ghp_' + rand(36),
    githubPat: 'github_pat_' + rand(22) + '_' + rand(59),
    glpat: 'glpat-' + rand(20),
    slack: `xoxb-${1000000 + (randomBytes(3).readUIntBE(0, 3) % 8999999)}-${100000000 + (randomBytes(3).readUIntBE(0, 3) % 899999999)}-${rand(24)}`,
    stripe: 'sk_live_' + rand(32),
    openai: 'sk-proj-' + rand(40) + 'T3BlbkFJ' + rand(40),
    anthropic: 'sk-ant-api03-' + rand(93, ALNUM + '-_') + 'AA',
    dashscope: 'sk-' + hex(32),
    npm: 'npm_' + rand(36),
    awsId: 'AKIA' + rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
    awsSecret: randomBytes(30).toString('base64').slice(0, 40),
    jwt: `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"sub":"${rand(8)}","iat":${Date.now()}}`)}.${rand(43, ALNUM + '-_')}`,
    dbPass: rand(18),
    // (random punctuation: a drawn `%s` once hid the password; LEAK_PASSWORD=… replays a failing draw)
    password: process.env.LEAK_PASSWORD || rand(20, ALNUM + '!#%'),
    opaque: issued(40),
    pem: (rsa.export({ type: 'pkcs8', format: 'pem' }) as string).trimEnd(),
    pemPkcs1: (rsa.export({ type: 'pkcs1', format: 'pem' }) as string).trimEnd(),
    pemEd: (ed.export({ type: 'pkcs8', format: 'pem' }) as string).trimEnd(),
    pemEc: (ec.export({ type: 'sec1', format: 'pem' }) as string).trimEnd(),
    jwk: JSON.stringify(ec.export({ format: 'jwk' })),
  };
}
export type Secrets = ReturnType<typeof freshSecrets>;

/** The base64 lines of a PEM block: what must not leave of a key. */
export const pemLines = (pem: string) =>
  pem
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /^[A-Za-z0-9+/=]{16,}$/.test(l));

export interface LeakCase {
  name: string;
  anthropic: boolean;
  /** The JSON body, or raw bytes (with the headers that say what they are). */
  body?: Record<string, unknown>;
  raw?: (caseId: number) => Buffer;
  headers?: Record<string, string>;
  /** How the body is sent: whole (default), or in small pieces with pauses (a streamed request). */
  trickle?: boolean;
  /** Texts that must not reach the upstream in any readable form. */
  secrets: string[];
  /** Refusing the request (4xx, nothing sent upstream) is acceptable for this case. */
  mayRefuse?: boolean;
  /** A way out that still leaks (why): reported as a todo, not a failure, so it stays in view. */
  known?: string;
  /** The request must be refused with this status, nothing sent upstream (a body Warden cannot read). */
  refuse?: number;
}

export const user = (content: unknown) => ({ role: 'user', content });
/** A case sent to the OpenAI-compatible route. */
export const oa = (
  name: string,
  body: Record<string, unknown>,
  secrets: string[],
  extra: Partial<LeakCase> = {},
): LeakCase => ({
  name: `openai: ${name}`,
  anthropic: false,
  body: { model: 'm', ...body },
  secrets,
  ...extra,
});
/** A case sent to the Anthropic-compatible route. */
export const an = (
  name: string,
  body: Record<string, unknown>,
  secrets: string[],
  extra: Partial<LeakCase> = {},
): LeakCase => ({
  name: `anthropic: ${name}`,
  anthropic: true,
  body: { model: 'm', max_tokens: 50, ...body },
  secrets,
  ...extra,
});
const toolTurn = (args: string) => [
  user('go'),
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'run_shell_command', arguments: args } }],
  },
  { role: 'tool', tool_call_id: 'call_1', content: 'done' },
];
const toolResult = (content: string) => [
  user('read it'),
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":".env"}' } }],
  },
  { role: 'tool', tool_call_id: 'call_1', content },
];
const anToolResult = (content: unknown) => [
  user('read it'),
  { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: '.env' } }] },
  user([{ type: 'tool_result', tool_use_id: 'toolu_01', content }]),
];

const uEscape = (s: string) => [...s].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('');
const pctAll = (s: string) =>
  [...Buffer.from(s)].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
const ZW = '\u200b';
/** Cyrillic letters a reader takes for Latin ones. */
const HOMO: Record<string, string> = { p: '\u0440', o: '\u043e', a: '\u0430', e: '\u0435', c: '\u0441', x: '\u0445' };
const homoglyph = (s: string, n: number) => {
  let out = '';
  let left = n;
  for (const c of s) out += left > 0 && HOMO[c] ? (left--, HOMO[c]) : c;
  return out;
};

export function leakCases(s: Secrets): LeakCase[] {
  const env = `AWS_ACCESS_KEY_ID=${s.awsId}\nAWS_SECRET_ACCESS_KEY=${s.awsSecret}\nDATABASE_URL=postgres://app:${s.dbPass}@db.internal:5432/app\nSTRIPE_KEY=${s.stripe}\n`;
  const envSecrets = [s.awsSecret, s.dbPass, s.stripe];
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'users:',
    '- name: admin',
    '  user:',
    `    client-key-data: ${Buffer.from(s.pem + '\n').toString('base64')}`,
    `    token: ${s.jwt}`,
  ].join('\n');
  const dockerAuth = Buffer.from(`deploy:${s.password}`).toString('base64');
  const dockerConfig = JSON.stringify({ auths: { 'ghcr.io': { auth: dockerAuth } } }, null, 2);
  const pemCrlf = s.pemPkcs1.replace(/\n/g, '\r\n');
  const pemIndented = 'tls:\n  key: |\n' + s.pemEc.replace(/^/gm, '    ');
  const pemNoArmor = pemLines(s.pem).join('\n');
  const huge = 'x'.repeat(10 * 1024 * 1024 - 4096);
  const bigBody = (secretAt: 'start' | 'end') =>
    secretAt === 'start'
      ? { messages: [user(`token ${s.ghp}\n` + huge)] }
      : { messages: [user(huge + `\nexport GITHUB_TOKEN=${s.ghp}`)] };
  const json = (b: Record<string, unknown>) => (id: number) =>
    Buffer.from(JSON.stringify({ model: 'm', ...b, case_id: id }));
  const via = (f: (b: Buffer) => Buffer, b: (id: number) => Buffer) => (id: number) => f(b(id));
  const chat = { messages: [user(`deploy with ${s.openai} please`)] };
  return [
    // ---- places a request can carry text (OpenAI) ----
    oa('system prompt', { messages: [{ role: 'system', content: `Use ${s.ghp} for git.` }, user('hi')] }, [s.ghp]),
    oa('developer message', { messages: [{ role: 'developer', content: `key=${s.openai}` }, user('hi')] }, [s.openai]),
    oa('user turn, content parts', { messages: [user([{ type: 'text', text: `here: ${s.githubPat}` }])] }, [
      s.githubPat,
    ]),
    oa('tool result holding a .env file', { messages: toolResult(env) }, envSecrets),
    oa(
      'tool-call arguments the model wrote earlier',
      {
        messages: toolTurn(
          JSON.stringify({ command: `curl -H "Authorization: Bearer ${s.glpat}" https://gitlab.com/api/v4/user` }),
        ),
      },
      [s.glpat],
    ),
    oa(
      'image part with a URL holding credentials',
      {
        messages: [
          user([
            { type: 'text', text: 'see' },
            { type: 'image_url', image_url: { url: `https://deploy:${s.password}@img.internal/a.png` } },
          ]),
        ],
      },
      [s.password],
    ),
    oa(
      'image part with alt text',
      {
        messages: [
          user([
            {
              type: 'image_url',
              image_url: { url: 'https://x.test/a.png' },
              alt: `screenshot of STRIPE_SECRET=${s.stripe}`,
            },
          ]),
        ],
      },
      [s.stripe],
    ),
    oa('the user field', { user: s.anthropic, messages: [user('hi')] }, [s.anthropic]),
    oa('metadata', { metadata: { note: `npm token ${s.npm}` }, messages: [user('hi')] }, [s.npm]),
    oa(
      'a renamed, nested field',
      { extra_body: { ctx: [{ deep: { blob: `slack ${s.slack}` } }] }, messages: [user('hi')] },
      [s.slack],
    ),
    oa(
      'a tool description',
      {
        messages: [user('hi')],
        tools: [
          {
            type: 'function',
            function: {
              name: 'f',
              description: `auth with ${s.dashscope} (DashScope)`,
              parameters: { type: 'object', properties: {} },
            },
          },
        ],
      },
      [s.dashscope],
    ),
    oa(
      'a tool schema default',
      {
        messages: [user('hi')],
        tools: [
          {
            type: 'function',
            function: {
              name: 'f',
              parameters: { type: 'object', properties: { token: { type: 'string', default: s.ghp } } },
            },
          },
        ],
      },
      [s.ghp],
    ),
    oa('stop sequences', { messages: [user('hi')], stop: [s.stripe] }, [s.stripe]),
    oa(
      'response_format schema description',
      {
        messages: [user('hi')],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 's', schema: { description: `AWS_SECRET_ACCESS_KEY=${s.awsSecret}` } },
        },
      },
      [s.awsSecret],
    ),
    oa(
      'prediction content',
      { messages: [user('edit')], prediction: { type: 'content', content: `const key = "${s.openai}";` } },
      [s.openai],
    ),
    oa(
      'legacy function_call arguments',
      {
        messages: [
          user('go'),
          {
            role: 'assistant',
            content: null,
            function_call: { name: 'f', arguments: JSON.stringify({ env: { GITLAB_TOKEN: s.glpat } }) },
          },
        ],
      },
      [s.glpat],
    ),
    oa(
      'assistant refusal field',
      { messages: [user('go'), { role: 'assistant', content: null, refusal: `I will not use ${s.ghp}` }] },
      [s.ghp],
    ),
    oa(
      'tool result as an array of parts',
      {
        messages: [user('go'), { role: 'tool', tool_call_id: 'c', content: [{ type: 'text', text: `jwt: ${s.jwt}` }] }],
      },
      [s.jwt],
    ),
    // ---- places (Anthropic) ----
    an(
      'system blocks with cache_control',
      {
        system: [{ type: 'text', text: `token ${s.anthropic}`, cache_control: { type: 'ephemeral' } }],
        messages: [user('hi')],
      },
      [s.anthropic],
    ),
    an(
      'document block, plain-text source',
      {
        messages: [
          user([
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: env } },
            { type: 'text', text: 'summarise' },
          ]),
        ],
      },
      envSecrets,
    ),
    an(
      'document block, base64 source of a .env file',
      {
        messages: [
          user([
            {
              type: 'document',
              source: { type: 'base64', media_type: 'text/plain', data: Buffer.from(env).toString('base64') },
            },
          ]),
        ],
      },
      envSecrets,
    ),
    an(
      'document title and context',
      {
        messages: [
          user([
            {
              type: 'document',
              title: `notes ${s.ghp}`,
              context: `key ${s.npm}`,
              source: { type: 'text', media_type: 'text/plain', data: 'hello' },
            },
          ]),
        ],
      },
      [s.ghp, s.npm],
    ),
    an(
      'document block, content-blocks source',
      {
        messages: [
          user([
            { type: 'document', source: { type: 'content', content: [{ type: 'text', text: `SLACK=${s.slack}` }] } },
          ]),
        ],
      },
      [s.slack],
    ),
    an(
      'search_result block',
      {
        messages: [
          user([
            {
              type: 'search_result',
              source: 'https://wiki',
              title: 't',
              content: [{ type: 'text', text: `db: postgres://svc:${s.dbPass}@10.0.0.5/prod` }],
            },
          ]),
        ],
      },
      [s.dbPass],
    ),
    an('tool_result string', { messages: anToolResult(env) }, envSecrets),
    an(
      'tool_result error text',
      {
        messages: [
          user('go'),
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'x' } }] },
          user([
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              is_error: true,
              content: `fatal: Authentication failed for 'https://oauth2:${s.glpat}@gitlab.com/x.git'`,
            },
          ]),
        ],
      },
      [s.glpat],
    ),
    an(
      'tool_use input nested deep',
      {
        messages: [
          user('go'),
          {
            role: 'assistant',
            content: [
              {
                type: 'tool_use',
                id: 'toolu_1',
                name: 'Write',
                input: { a: { b: [{ c: { content: `STRIPE_API_KEY=${s.stripe}` } }] } },
              },
            ],
          },
          user([{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }]),
        ],
      },
      [s.stripe],
    ),
    an(
      'thinking block',
      {
        messages: [
          user('go'),
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: `the key is ${s.openai}`, signature: 'sig' },
              { type: 'text', text: 'ok' },
            ],
          },
          user('go on'),
        ],
      },
      [s.openai],
    ),
    an('metadata.user_id', { metadata: { user_id: s.ghp }, messages: [user('hi')] }, [s.ghp]),
    an(
      'tool input_schema default',
      {
        tools: [
          {
            name: 'f',
            description: 'd',
            input_schema: { type: 'object', properties: { k: { type: 'string', default: s.anthropic } } },
          },
        ],
        messages: [user('hi')],
      },
      [s.anthropic],
    ),
    an(
      'image block alt-like title field',
      {
        messages: [
          user([{ type: 'image', source: { type: 'url', url: 'https://x.test/a.png' }, title: `from ${s.githubPat}` }]),
        ],
      },
      [s.githubPat],
    ),
    // ---- forms ----
    oa(
      'split over system prompt and first user turn',
      { messages: [{ role: 'system', content: `token ${s.ghp.slice(0, 20)}` }, user(`${s.ghp.slice(20)} ok`)] },
      [s.ghp],
    ),
    an(
      'split over two tool results',
      {
        messages: [
          user('go'),
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} },
              { type: 'tool_use', id: 'toolu_2', name: 'Bash', input: {} },
            ],
          },
          user([
            { type: 'tool_result', tool_use_id: 'toolu_1', content: s.openai.slice(0, 50) },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: s.openai.slice(50) },
          ]),
        ],
      },
      [s.openai],
    ),
    oa('JSON \\u escapes in code text (whole token)', { messages: toolResult(`const t = "${uEscape(s.ghp)}";`) }, [
      s.ghp,
    ]),
    oa(
      'JSON \\u escapes in code text (prefix only)',
      { messages: toolResult(`const t = "${uEscape(s.stripe.slice(0, 8))}${s.stripe.slice(8)}";`) },
      [s.stripe],
    ),
    oa(
      'URL-encoded connection string',
      { messages: toolResult(`DATABASE_URL=${encodeURIComponent(`postgres://app:${s.dbPass}@db:5432/app`)}`) },
      [s.dbPass],
    ),
    oa('percent-encoded token (every byte)', { messages: toolResult(`GET /cb?t=${pctAll(s.ghp)} HTTP/1.1`) }, [s.ghp]),
    oa(
      'form-encoded client secret',
      {
        messages: toolResult(
          `POST /oauth/token\n\ngrant_type=client_credentials&client_id=app&client_secret=${encodeURIComponent(s.password)}`,
        ),
      },
      [s.password],
    ),
    oa('base64 of a .env file', { messages: toolResult(Buffer.from(env).toString('base64')) }, envSecrets),
    oa(
      'base64 of a .env file, wrapped at 76',
      { messages: toolResult(Buffer.from(env).toString('base64').replace(/.{76}/g, '$&\n')) },
      envSecrets,
    ),
    oa('hex of a .env file', { messages: toolResult(Buffer.from(env).toString('hex')) }, envSecrets),
    oa(
      'base64 of one token under an innocent name',
      { messages: toolResult(`{"value": "${Buffer.from(s.ghp).toString('base64')}"}`) },
      [s.ghp],
    ),
    oa('private key with CRLF line ends', { messages: toolResult(pemCrlf) }, pemLines(s.pemPkcs1)),
    oa('private key indented in YAML', { messages: toolResult(pemIndented) }, pemLines(s.pemEc)),
    oa('private key body without its armour lines', { messages: toolResult(pemNoArmor) }, pemLines(s.pem)),
    oa(
      'private key as one base64 line (no armour)',
      { messages: toolResult(`key: ${pemLines(s.pem).join('')}`) },
      pemLines(s.pem),
    ),
    an(
      'ed25519 key in a service-account style JSON',
      { messages: anToolResult(JSON.stringify({ private_key: s.pemEd + '\n' })) },
      pemLines(s.pemEd),
    ),
    oa(
      'postgres connection string in prose',
      { messages: [user(`connect to postgresql://reporting:${s.dbPass}@10.1.2.3:5432/sales and count`)] },
      [s.dbPass],
    ),
    oa(
      'mongodb+srv connection string',
      { messages: toolResult(`MONGO=mongodb+srv://root:${s.dbPass}@cluster0.abcd.mongodb.net/`) },
      [s.dbPass],
    ),
    oa('.npmrc _authToken (npm_ token)', { messages: toolResult(`//registry.npmjs.org/:_authToken=${s.npm}\n`) }, [
      s.npm,
    ]),
    oa(
      '.npmrc _authToken (private registry, opaque)',
      { messages: toolResult(`@corp:registry=https://npm.corp.test/\n//npm.corp.test/:_authToken=${s.opaque}\n`) },
      [s.opaque],
    ),
    oa(
      '.npmrc _auth (base64 user:pass)',
      { messages: toolResult(`//npm.corp.test/:_auth=${Buffer.from(`ci:${s.password}`).toString('base64')}\n`) },
      [Buffer.from(`ci:${s.password}`).toString('base64'), s.password],
    ),
    oa(
      'AWS credentials file',
      { messages: toolResult(`[default]\naws_access_key_id = ${s.awsId}\naws_secret_access_key = ${s.awsSecret}\n`) },
      [s.awsSecret],
    ),
    oa('AWS pair as two env lines named innocently', { messages: toolResult(`ID=${s.awsId}\nKEY2=${s.awsSecret}\n`) }, [
      s.awsSecret,
    ]),
    oa('GitHub token', { messages: [user(`git remote set-url origin https://${s.ghp}@github.com/o/r.git`)] }, [s.ghp]),
    oa('GitLab token', { messages: [user(`export GL=${s.glpat}`)] }, [s.glpat]),
    oa('Slack token', { messages: [user(`slack: ${s.slack}`)] }, [s.slack]),
    oa('Stripe key', { messages: [user(`Stripe.apiKey = '${s.stripe}';`)] }, [s.stripe]),
    oa('OpenAI key', chat, [s.openai]),
    oa('Anthropic key', { messages: [user(`ANTHROPIC_API_KEY=${s.anthropic}`)] }, [s.anthropic]),
    oa('DashScope key', { messages: [user(`dashscope key: ${s.dashscope}`)] }, [s.dashscope]),
    oa('JWT bearer', { messages: toolResult(`Authorization: Bearer ${s.jwt}`) }, [s.jwt]),
    oa('kubeconfig', { messages: toolResult(kubeconfig) }, [
      s.jwt,
      Buffer.from(s.pem + '\n')
        .toString('base64')
        .slice(0, 200),
    ]),
    oa('docker login config.json', { messages: toolResult(dockerConfig) }, [dockerAuth, s.password]),
    oa(
      'HTTP Basic header in a log',
      {
        messages: toolResult(
          `> GET /api HTTP/1.1\n> Authorization: Basic ${Buffer.from(`admin:${s.password}`).toString('base64')}\n`,
        ),
      },
      [Buffer.from(`admin:${s.password}`).toString('base64'), s.password],
    ),
    oa('high-entropy value under an innocent name', { messages: toolResult(`HUB_VALUE="${s.opaque}"`) }, [s.opaque]),
    oa('a zero-width space inside a token', { messages: [user(`${s.ghp.slice(0, 10)}${ZW}${s.ghp.slice(10)}`)] }, [
      s.ghp,
    ]),
    oa('zero-width characters after a token', { messages: [user(`${s.stripe}${ZW}\u2060${ZW}trailing`)] }, [s.stripe]),
    oa('homoglyph prefix (Cyrillic р in ghp_)', { messages: [user(homoglyph(s.ghp, 1))] }, [s.ghp.slice(4)]),
    oa(
      'homoglyph prefix (Cyrillic in sk-ant-api03)',
      { messages: [user(homoglyph(s.anthropic.slice(0, 13), 2) + s.anthropic.slice(13))] },
      [s.anthropic.slice(13)],
    ),
    oa('a 10 MB request, secret at the start', bigBody('start'), [s.ghp]),
    oa('a 10 MB request, secret at the end', bigBody('end'), [s.ghp]),
    // ---- s17 second round: more encodings and command lines ----
    oa(
      'base64 of a .env off the 4-character grid',
      { messages: toolResult('x' + Buffer.from(env).toString('base64')) },
      envSecrets,
    ),
    oa(
      'a data: URL of text/plain base64',
      {
        messages: [
          user([
            { type: 'image_url', image_url: { url: `data:text/plain;base64,${Buffer.from(env).toString('base64')}` } },
          ]),
        ],
      },
      envSecrets,
    ),
    oa(
      'base64 of base64 of a .env',
      { messages: toolResult(Buffer.from(Buffer.from(env).toString('base64')).toString('base64')) },
      envSecrets,
    ),
    oa('HTML decimal entities', { messages: toolResult([...s.ghp].map((c) => `&#${c.charCodeAt(0)};`).join('')) }, [
      s.ghp,
    ]),
    oa(
      'HTML hex entities',
      { messages: toolResult([...s.stripe].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join('')) },
      [s.stripe],
    ),
    oa(
      'octal escapes',
      { messages: toolResult([...s.npm].map((c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0')).join('')) },
      [s.npm],
    ),
    oa(
      'double URL-encoding',
      { messages: toolResult(encodeURIComponent(encodeURIComponent(`postgres://a:${s.dbPass}@h/db`))) },
      [s.dbPass],
    ),
    oa(
      'hex bytes with colons',
      {
        messages: toolResult(
          Buffer.from(env)
            .toString('hex')
            .replace(/(..)(?!$)/g, '$1:'),
        ),
      },
      envSecrets,
    ),
    oa(
      'hex bytes with spaces, 16 a line',
      {
        messages: toolResult(
          Buffer.from(env)
            .toString('hex')
            .replace(/(..)(?!$)/g, '$1 ')
            .replace(/((?:.. ){16})/g, '$1\n'),
        ),
      },
      envSecrets,
    ),
    oa('char codes in an array', { messages: toolResult(JSON.stringify([...s.ghp].map((c) => c.charCodeAt(0)))) }, [
      s.ghp,
    ]),
    an('a private JSON Web Key', { messages: anToolResult(s.jwk) }, [JSON.parse(s.jwk).d]),
    oa(
      'mysql -pPASSWORD',
      { messages: toolTurn(JSON.stringify({ command: `mysql -h db -u root -p${s.password} prod -e "select 1"` })) },
      [s.password],
    ),
    oa('sshpass -p', { messages: toolResult(`$ sshpass -p '${s.password}' ssh root@10.0.0.1`) }, [s.password]),
    oa('redis-cli -a', { messages: toolResult(`redis-cli -h cache.internal -a ${s.password} ping`) }, [s.password]),
    oa('docker login -p', { messages: toolResult(`docker login -u ci -p ${s.password} registry.corp.test`) }, [
      s.password,
    ]),
    oa('Bearer in a custom header', { messages: toolResult(`X-Service-Auth: Bearer ${s.opaque}`) }, [s.opaque]),
    oa(
      'an opaque value in a JSON config',
      { messages: toolResult(JSON.stringify({ service: { endpoint: 'https://x.test', value: s.opaque } }, null, 2)) },
      [s.opaque],
    ),
    oa(
      'base64 of a .env split over two messages',
      {
        messages: [
          user(Buffer.from(env).toString('base64').slice(0, 41)),
          user(Buffer.from(env).toString('base64').slice(41)),
        ],
      },
      envSecrets,
    ),
    // (todo in s17; s18 reads a token spelled out with one separator joined: encoded.ts inSpelled)
    oa('a token spelled out with spaces', { messages: [user([...s.ghp].join(' '))] }, [[...s.ghp].join(' ')]),
    // (todo in s17; s18 turns the text around a backwards prefix back: encoded.ts inTurned)
    oa('a token reversed', { messages: [user(`reverse this: ${[...s.ghp].reverse().join('')}`)] }, [
      [...s.ghp].reverse().join(''),
    ]),
    oa('a .netrc password', { messages: toolResult(`machine api.corp.test\n  login me\n  password ${s.password}\n`) }, [
      s.password,
    ]),
    oa('a .pgpass line', { messages: toolResult(`db.internal:5432:prod:app:${s.password}`) }, [s.password]),
    {
      name: 'openai: a secret 20,000 arrays deep',
      anthropic: false,
      raw: (id) =>
        Buffer.from(
          `{"model":"m","case_id":${id},"messages":[{"role":"user","content":"x"}],"extra":` +
            `${'['.repeat(20000)}"${s.ghp}"${']'.repeat(20000)}}`,
        ),
      secrets: [s.ghp],
      mayRefuse: true,
    },
    oa('a secret under __proto__', { messages: [user('x')], ...JSON.parse(`{"__proto__": {"content": "${s.ghp}"}}`) }, [
      s.ghp,
    ]),
    // ---- the body's transport ----
    {
      name: 'openai: gzip-encoded body',
      anthropic: false,
      raw: via(gzipSync, json(chat)),
      headers: { 'content-encoding': 'gzip' },
      secrets: [s.openai],
    },
    {
      name: 'openai: deflate-encoded body',
      anthropic: false,
      raw: via(deflateSync, json(chat)),
      headers: { 'content-encoding': 'deflate' },
      secrets: [s.openai],
    },
    {
      name: 'anthropic: br-encoded body',
      anthropic: true,
      raw: via(brotliCompressSync, json({ max_tokens: 5, ...chat })),
      headers: { 'content-encoding': 'br' },
      secrets: [s.openai],
    },
    {
      name: 'openai: gzip twice (gzip, gzip)',
      anthropic: false,
      raw: via((b) => gzipSync(gzipSync(b)), json(chat)),
      headers: { 'content-encoding': 'gzip, gzip' },
      secrets: [s.openai],
    },
    {
      name: 'openai: an unknown content-encoding',
      anthropic: false,
      raw: json(chat),
      headers: { 'content-encoding': 'x-warden-none' },
      secrets: [s.openai],
      refuse: 415,
    },
    {
      name: "openai: an encoding named like an object's own property (constructor, hasOwnProperty)",
      anthropic: false,
      raw: json(chat),
      headers: { 'content-encoding': 'hasOwnProperty' },
      secrets: [s.openai],
      refuse: 415,
    },
    {
      name: 'openai: raw deflate (no zlib wrapper)',
      anthropic: false,
      raw: via(deflateRawSync, json(chat)),
      headers: { 'content-encoding': 'deflate' },
      secrets: [s.openai],
    },
    {
      name: 'openai: a gzip bomb (64 MB of zeros after the secret)',
      anthropic: false,
      raw: (id) => gzipSync(Buffer.concat([json(chat)(id), Buffer.alloc(64 * 1024 * 1024, 0x20)])),
      headers: { 'content-encoding': 'gzip' },
      secrets: [s.openai],
      refuse: 413,
    },
    {
      name: 'openai: says gzip, sends plain JSON',
      anthropic: false,
      raw: json(chat),
      headers: { 'content-encoding': 'gzip' },
      secrets: [s.openai],
      refuse: 400,
    },
    {
      name: 'openai: gzip cut short',
      anthropic: false,
      raw: via((b) => gzipSync(b).subarray(0, 40), json(chat)),
      headers: { 'content-encoding': 'gzip' },
      secrets: [s.openai],
      refuse: 400,
    },
    {
      name: 'openai: gzip under identity (gzip, identity)',
      anthropic: false,
      raw: via(gzipSync, json(chat)),
      headers: { 'content-encoding': 'gzip, identity' },
      secrets: [s.openai],
    },
    {
      name: 'openai: chunked transfer, trickled',
      anthropic: false,
      raw: json(chat),
      trickle: true,
      secrets: [s.openai],
    },
    {
      name: 'openai: a UTF-16 body',
      anthropic: false,
      raw: via((b) => Buffer.from('\ufeff' + b.toString(), 'utf16le'), json(chat)),
      headers: { 'content-type': 'application/json; charset=utf-16' },
      secrets: [s.openai],
      refuse: 400,
    },
    {
      name: 'openai: a UTF-8 BOM before the JSON',
      anthropic: false,
      raw: via((b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), json(chat)),
      secrets: [s.openai],
      refuse: 400,
    },
    {
      name: 'anthropic: a secret in the anthropic-version header',
      anthropic: true,
      raw: json({ max_tokens: 5, messages: [user('hi')] }),
      headers: { 'anthropic-version': s.ghp },
      secrets: [s.ghp],
      refuse: 400,
    },
    {
      name: 'anthropic: a secret in the anthropic-beta header',
      anthropic: true,
      raw: json({ max_tokens: 5, messages: [user('hi')] }),
      headers: { 'anthropic-beta': s.stripe },
      secrets: [s.stripe],
      mayRefuse: true,
    },
  ];
}

/** Requests that must reach the upstream exactly as sent. */
export function nearMissCases(): LeakCase[] {
  const sha = () => hex(40);
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(3000)]).toString(
    'base64',
  );
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'), randomBytes(3000)]).toString('base64');
  const integrity = () => 'sha512-' + randomBytes(64).toString('base64');
  const readme = Buffer.from(
    '# Project\n\nRun npm install, then npm test. Set API_KEY in your .env (see .env.example).\n',
  ).toString('base64');
  const envExample = Buffer.from(
    'API_KEY=your-api-key-here\nDATABASE_URL=postgres://user:password@localhost:5432/db\n',
  ).toString('base64');
  const code = `export function sum(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n`;
  return [
    oa('UUIDs', { messages: [user(`request ${crypto.randomUUID()} and ${crypto.randomUUID()}`)] }, []),
    oa('a git SHA', { messages: [user(`revert ${sha()} please`)] }, []),
    oa(
      'git log output',
      { messages: toolResult(`commit ${sha()}\nAuthor: A <a@b.c>\n\n    fix\n\ncommit ${sha()}\n`) },
      [],
    ),
    oa(
      'package-lock integrity hashes',
      {
        messages: toolResult(
          JSON.stringify(
            {
              packages: {
                'node_modules/a': {
                  version: '1.0.0',
                  resolved: 'https://registry.npmjs.org/a/-/a-1.0.0.tgz',
                  integrity: integrity(),
                },
              },
            },
            null,
            2,
          ),
        ),
      },
      [],
    ),
    oa(
      'go.sum lines',
      { messages: toolResult(`golang.org/x/text v0.3.7 h1:${randomBytes(32).toString('base64')}\n`) },
      [],
    ),
    oa('a docker image digest', { messages: [user(`FROM node@sha256:${hex(64)}`)] }, []),
    oa(
      'AWS documented example keys',
      {
        messages: [
          user(
            'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          ),
        ],
      },
      [],
    ),
    oa('Stripe documented test key', { messages: [user('Stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"')] }, []),
    oa(
      'a placeholder token in docs',
      { messages: [user('export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')] },
      [],
    ),
    oa('a token read from the environment', { messages: [user('const token = process.env.GITHUB_TOKEN;')] }, []),
    oa(
      'a password field in a form schema',
      { messages: [user('{"password": {"type": "string", "minLength": 12}}')] },
      [],
    ),
    oa('a connection string without a password', { messages: [user('postgres://localhost:5432/app')] }, []),
    oa(
      'a connection string with a variable password',
      { messages: [user('postgres://app:${DB_PASSWORD}@db:5432/app')] },
      [],
    ),
    oa('ordinary TypeScript', { messages: toolResult(code) }, []),
    oa(
      'minified JavaScript',
      {
        messages: toolResult(
          '!function(e,t){"use strict";var n=e.document,r=Object.getPrototypeOf,o=t.slice;return n&&r&&o}(window,[]);',
        ),
      },
      [],
    ),
    an(
      'a base64 PNG image block',
      {
        messages: [
          user([
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
            { type: 'text', text: 'what is this?' },
          ]),
        ],
      },
      [],
    ),
    an(
      'a base64 PDF document',
      {
        messages: [user([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf } }])],
      },
      [],
    ),
    oa(
      'a data: URL image',
      { messages: [user([{ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }])] },
      [],
    ),
    oa('base64 of a README', { messages: toolResult(readme) }, []),
    oa('base64 of an .env.example with placeholders', { messages: toolResult(envExample) }, []),
    oa(
      'hex of plain English',
      { messages: toolResult(Buffer.from('The quick brown fox jumps over the lazy dog, twice over.').toString('hex')) },
      [],
    ),
    oa(
      'sha256 checksums file',
      { messages: toolResult(`${hex(64)}  warden-1.0.0.tgz\n${hex(64)}  warden-1.0.1.tgz\n`) },
      [],
    ),
    oa('CSS colours', { messages: toolResult('.a{color:#ff00aa;background:#0a0b0c}') }, []),
    an(
      'Anthropic tool_use ids',
      {
        messages: [
          user('go'),
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: `toolu_01${rand(22)}`, name: 'Bash', input: { command: 'ls' } }],
          },
          user([{ type: 'tool_result', tool_use_id: 'toolu_01x', content: 'a b' }]),
        ],
      },
      [],
    ),
    oa(
      'OpenAI call ids',
      {
        messages: [
          user('go'),
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: `call_${rand(24)}`, type: 'function', function: { name: 'ls', arguments: '{}' } }],
          },
        ],
      },
      [],
    ),
    oa(
      'a percent-encoded ordinary URL',
      { messages: [user('https://example.com/search?q=hello%20world%21&page=2')] },
      [],
    ),
    oa(
      'a Kubernetes secretKeyRef',
      {
        messages: toolResult(
          'env:\n- name: TOKEN\n  valueFrom:\n    secretKeyRef:\n      name: app\n      key: token\n',
        ),
      },
      [],
    ),
    oa(
      'a docs sentence about ghp_ tokens',
      { messages: [user('GitHub personal access tokens start with ghp_ and are 40 characters long.')] },
      [],
    ),
    oa('a JWT header alone', { messages: [user('the header eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 says HS256')] }, []),
    oa(
      'a version string and semver ranges',
      { messages: [user('"dependencies": {"react": "^18.2.0", "typescript": "~5.4.5"}')] },
      [],
    ),
    oa('a sha1 under checksum', { messages: [user(`checksum: ${createHash('sha1').update('x').digest('hex')}`)] }, []),
    oa(
      'base64 of random binary (not text, not a key)',
      { messages: toolResult(randomBytes(600).toString('base64')) },
      [],
    ),
    oa(
      'a public key (PEM)',
      {
        messages: toolResult(
          generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string,
        ),
      },
      [],
    ),
    oa(
      'Russian and Greek prose beside code',
      { messages: [user('Пароль хранится в vault; см. docs/setup.md. Η ρύθμιση είναι στο config.yaml, key_id = 42.')] },
      [],
    ),
    an('an explicit anthropic-version date', { messages: [user('hi')] }, [], {
      headers: { 'anthropic-version': '2023-06-01' },
    }),
    oa('Content-Encoding: identity', { messages: [user('plain body')] }, [], {
      headers: { 'content-encoding': 'identity' },
    }),
    oa(
      'an HTML page with entities',
      { messages: toolResult('<p>&copy; 2024 &#169; Caf&#233; &amp; Bar &#x2014; &#8220;quoted&#8221; &lt;b&gt;</p>') },
      [],
    ),
    oa(
      'a hex dump of binary',
      {
        messages: toolResult(
          randomBytes(64)
            .toString('hex')
            .replace(/(..)(?!$)/g, '$1 '),
        ),
      },
      [],
    ),
    oa('an array of pixel values', { messages: toolResult(JSON.stringify(Array.from(randomBytes(64)))) }, []),
    oa('mysql -p with a prompt', { messages: toolResult('mysql -h db -u root -p prod') }, []),
    oa('docker run -p', { messages: toolResult('docker run -p 8080:80 -p 4430:443 nginx') }, []),
    oa(
      'a public JSON Web Key',
      {
        messages: toolResult(
          JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })),
        ),
      },
      [],
    ),
    oa(
      'Bearer with a variable',
      { messages: toolResult('Authorization: Bearer $ACCESS_TOKEN_FROM_THE_ENVIRONMENT') },
      [],
    ),
    oa('a SHA under an innocent name', { messages: toolResult(`"commit": "${hex(40)}"`) }, []),
    oa(
      'a long camelCase identifier',
      { messages: toolResult('const handler = createAuthenticatedRequestHandlerForServiceAccounts2FactorV2();') },
      [],
    ),
    oa(
      'ids with underscores and dashes',
      { messages: toolResult(`{"id": "msg_01${rand(24)}", "run": "run-${rand(30)}"}`) },
      [],
    ),
    oa('an integrity string under a name', { messages: toolResult(`integrity: ${integrity()}`) }, []),
    oa(
      'an /etc/passwd line',
      { messages: toolResult('root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin') },
      [],
    ),
    oa(
      'prose about machines and passwords',
      {
        messages: [
          user('On each machine the password policy applies; the machine learning team rotates passwords monthly.'),
        ],
      },
      [],
    ),
    oa('a time and a ratio with colons', { messages: toolResult('12:30:45:00:checkpoint\nlocalhost:5432:*:*:*') }, []),
    oa(
      'a certificate-like base64 block',
      {
        messages: toolResult(
          `-----BEGIN CERTIFICATE-----\n${randomBytes(300).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----`,
        ),
      },
      [],
    ),
  ];
}
