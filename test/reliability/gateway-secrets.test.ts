// Generated leak test for the model gateway: every secret format Warden knows (the true samples of
// src/analyzers/fixtures/secrets.txt, PEM blocks of several kinds, AWS key pairs) placed in every
// field and shape a request can carry it in, streamed and not, OpenAI and Anthropic, through the real
// gateway (HTTP on 127.0.0.1) to a fake upstream that records every byte it receives. Demanded: no
// secret reaches the upstream (whole, JSON-escaped, or rebuilt by joining what it received), and
// every placeholder the upstream echoes comes back to the client as the real value.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createGateway } from '../../src/gateway/server.ts';
import { builtinPolicy } from '../../src/engine/policy.ts';
import { loadAnalyzers } from '../../src/engine/judge.ts';
import { analyzeSecrets, secretValues } from '../../src/analyzers/secrets/index.ts';
import { SourceFile } from '../../src/analyzers/source.ts';
import { freshSecrets, leakCases, nearMissCases, type LeakCase } from '../helpers/leak-cases.ts';
import { leakCasesS18, nearMissCasesS18 } from '../helpers/leak-cases-s18.ts';

await loadAnalyzers();

interface Sample {
  id: string;
  /** The text as a person would paste it (a config line, a PEM file, a command). */
  carrier: string;
  /** What must never reach the upstream. */
  secrets: string[];
}

/** The true samples of the fixture file: the lines under each `# ruleid:` comment. */
function fixtureSamples(): Sample[] {
  const lines = readFileSync(new URL('../../src/analyzers/fixtures/secrets.txt', import.meta.url), 'utf8').split('\n');
  const out: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^# ruleid: ([^\s,]+)/.exec(lines[i]);
    if (!m) continue;
    const block: string[] = [];
    let j = i + 1;
    while (lines[j]?.startsWith('# ')) j++; // (more annotations of the same line)
    for (; j < lines.length && lines[j].trim() && !lines[j].startsWith('# '); j++) block.push(lines[j]);
    const carrier = block.join('\n');
    const file = new SourceFile('<sample>', carrier, undefined);
    // (a service-account file's `"type": "service_account"` marks the file; its key is the secret)
    const secrets = secretValues(file, analyzeSecrets(file)).filter((s) => s.length >= 8 && !/^"type"/.test(s));
    if (m[1] === 'secret.private-key') secrets.push(...pemBody(carrier));
    out.push({ id: m[1], carrier, secrets });
  }
  return out;
}

/** The base64 lines of a PEM block (the key itself), written plainly or JSON-escaped. */
const pemBody = (pem: string) =>
  pem
    .split(/\n|\\n/)
    .map((l) => l.trim())
    .filter((l) => /^[A-Za-z0-9+/=]{16,}$/.test(l));

/** Fresh keys of the kinds agents meet: PKCS#8 (Ed25519, RSA, EC), PKCS#1 RSA, SEC1 EC. */
function pemSamples(): Sample[] {
  const ed = generateKeyPairSync('ed25519').privateKey;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const pems: [string, string][] = [
    ['pem.pkcs8-ed25519', ed.export({ type: 'pkcs8', format: 'pem' }) as string],
    ['pem.pkcs8-rsa', rsa.export({ type: 'pkcs8', format: 'pem' }) as string],
    ['pem.pkcs1-rsa', rsa.export({ type: 'pkcs1', format: 'pem' }) as string],
    ['pem.sec1-ec', ec.export({ type: 'sec1', format: 'pem' }) as string],
    ['pem.pkcs8-ec', ec.export({ type: 'pkcs8', format: 'pem' }) as string],
  ];
  return pems.map(([id, pem]) => ({ id, carrier: pem.trimEnd(), secrets: pemBody(pem) }));
}

/** AWS access key pairs, the secret not labelled as one (credentials CSV, a command line, a sentence). */
function awsPairSamples(): Sample[] {
  const b32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = () => 'AKIA' + Array.from(randomBytes(16), (b) => b32[b % 32]).join('');
  const secret = () => randomBytes(30).toString('base64').slice(0, 40);
  const pairs = [0, 1, 2].map(() => [id(), secret()]);
  return [
    { id: 'aws-pair.csv', carrier: `Access key ID,Secret access key\n${pairs[0][0]},${pairs[0][1]}` },
    { id: 'aws-pair.cli', carrier: `aws configure set ${pairs[1][0]} ${pairs[1][1]}` },
    { id: 'aws-pair.prose', carrier: `use key ${pairs[2][0]} with ${pairs[2][1]} for the bucket` },
  ].map((s, k) => ({ ...s, secrets: [pairs[k][1]] }));
}

const SAMPLES = [...fixtureSamples(), ...pemSamples(), ...awsPairSamples()];

/** The carrier cut in two in the middle of its longest secret. */
function halves(s: Sample): [string, string] {
  const longest = [...s.secrets].sort((a, b) => b.length - a.length)[0];
  const at = s.carrier.indexOf(longest);
  const cut = (at >= 0 ? at : 0) + Math.floor(longest.length / 2);
  return [s.carrier.slice(0, cut), s.carrier.slice(cut)];
}

type Shape = (s: Sample) => Record<string, unknown>;
const user = (content: unknown) => ({ role: 'user', content });
const OPENAI_SHAPES: Record<string, Shape> = {
  'content string': (s) => ({ messages: [user(`here it is: ${s.carrier} thanks`)] }),
  'content parts': (s) => ({
    messages: [
      user([
        { type: 'text', text: 'look' },
        { type: 'text', text: s.carrier },
      ]),
    ],
  }),
  'split across parts': (s) => ({ messages: [user(halves(s).map((text) => ({ type: 'text', text })))] }),
  'split across messages': (s) => ({ messages: halves(s).map((t) => user(t)) }),
  'tool args JSON-escaped': (s) => ({
    messages: [
      user('run it'),
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'run_shell_command', arguments: JSON.stringify({ command: `echo '${s.carrier}'` }) },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ],
  }),
  'tool result': (s) => ({
    messages: [
      user('cat it'),
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"k"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: s.carrier },
    ],
  }),
  'object key': (s) => ({
    messages: [user('hi')],
    tools: [
      {
        type: 'function',
        function: { name: 'f', parameters: { type: 'object', properties: { [s.carrier]: { type: 'string' } } } },
      },
    ],
  }),
  'split across key and value': (s) => ({
    messages: [
      user('run it'),
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'f', arguments: JSON.stringify(Object.fromEntries([halves(s)])) },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ],
  }),
  model: (s) => ({ model: s.carrier, messages: [user('hi')] }),
  role: (s) => ({ messages: [{ role: s.carrier, content: 'hi' }] }),
  system: (s) => ({ messages: [{ role: 'system', content: s.carrier }, user('hi')] }),
  name: (s) => ({ messages: [{ role: 'user', name: s.carrier, content: 'hi' }] }),
};
const ANTHROPIC_SHAPES: Record<string, Shape> = {
  'content string': (s) => ({ messages: [user(`here it is: ${s.carrier} thanks`)] }),
  'content blocks': (s) => ({
    messages: [
      user([
        { type: 'text', text: 'look' },
        { type: 'text', text: s.carrier },
      ]),
    ],
  }),
  'split across blocks': (s) => ({ messages: [user(halves(s).map((text) => ({ type: 'text', text })))] }),
  'split across messages': (s) => ({
    messages: [user(halves(s)[0]), { role: 'assistant', content: halves(s)[1] }, user('go on')],
  }),
  'tool_use input': (s) => ({
    messages: [
      user('run it'),
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: `echo '${s.carrier}'` } }],
      },
      user([{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }]),
    ],
  }),
  'tool_result blocks': (s) => ({
    messages: [
      user('cat it'),
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: { file_path: 'k' } }] },
      user([{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: s.carrier }] }]),
    ],
  }),
  'object key': (s) => ({
    messages: [
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Write', input: { [s.carrier]: 'v' } }] },
      user([{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }]),
    ],
  }),
  'split across key and value': (s) => ({
    messages: [
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't1', name: 'Write', input: Object.fromEntries([halves(s)]) }],
      },
      user([{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }]),
    ],
  }),
  model: (s) => ({ model: s.carrier, messages: [user('hi')] }),
  role: (s) => ({ messages: [{ role: s.carrier, content: 'hi' }] }),
  'system string': (s) => ({ system: s.carrier, messages: [user('hi')] }),
  'system blocks': (s) => ({ system: [{ type: 'text', text: s.carrier }], messages: [user('hi')] }),
  metadata: (s) => ({ metadata: { user_id: s.carrier }, messages: [user('hi')] }),
};

// ---- the fake upstream: records every byte, echoes the placeholders it got ----
const PH = /WARDEN_SECRET_[0-9a-f]{10}/g;
const received = new Map<number, string>();
const receivedHeaders = new Map<number, string>();
const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));
const upstream = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = JSON.parse(raw) as { stream?: boolean; metadata?: unknown };
    received.set(Number((body as { case_id?: number }).case_id), raw);
    receivedHeaders.set(Number((body as { case_id?: number }).case_id), JSON.stringify(req.headers));
    const text = `echo: ${[...new Set(raw.match(PH) ?? [])].join(' ')} end`;
    const anthropic = req.url!.endsWith('/messages');
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          anthropic
            ? {
                id: 'm',
                type: 'message',
                role: 'assistant',
                model: 'x',
                content: [{ type: 'text', text }],
                stop_reason: 'end_turn',
              }
            : {
                id: 'c',
                object: 'chat.completion',
                created: 0,
                model: 'x',
                choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
              },
        ),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    // (pieces of 7 characters: every placeholder arrives cut in several places)
    const pieces = text.match(/[\s\S]{1,7}/g)!;
    if (anthropic) {
      const ev = (e: string, d: unknown) => res.write(`event: ${e}\ndata: ${JSON.stringify(d)}\n\n`);
      ev('message_start', {
        type: 'message_start',
        message: { id: 'm', type: 'message', role: 'assistant', content: [] },
      });
      ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      for (const p of pieces)
        ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } });
      ev('content_block_stop', { type: 'content_block_stop', index: 0 });
      ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' } });
      ev('message_stop', { type: 'message_stop' });
      res.end();
    } else {
      const chunk = (delta: unknown, finish: string | null) =>
        res.write(
          `data: ${JSON.stringify({ id: 's', object: 'chat.completion.chunk', created: 0, model: 'x', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
        );
      for (const p of pieces) chunk({ content: p }, null);
      chunk({}, 'stop');
      res.end('data: [DONE]\n\n');
    }
  });
});
const upPort = await listen(upstream);
const gw = createGateway({
  upstreams: [{ name: 'fake', url: `http://127.0.0.1:${upPort}/v1` }],
  token: 'gw',
  // (redaction alone: tool-call judging, code notes and the quarantine of tool results are off)
  policy: { ...builtinPolicy(), gateway: { injection: 'off' } },
  toolCalls: 'off',
  scanCode: 'off',
});
const gwPort = await listen(gw);
// (the product's defaults: tool results read for prompt injection and marked, tool calls judged)
const gwFull = createGateway({
  upstreams: [{ name: 'fake', url: `http://127.0.0.1:${upPort}/v1` }],
  token: 'gw',
  policy: builtinPolicy(),
});
const gwFullPort = await listen(gwFull);
after(() => {
  gwFull.close();
  gw.close();
  upstream.close();
});

/** Every string of a JSON value (keys too; JSON text inside strings opened), in document order. */
function strings(v: unknown, out: string[] = [], keys = true): string[] {
  if (typeof v === 'string') {
    out.push(v);
    if (/^\s*[[{]/.test(v))
      try {
        strings(JSON.parse(v), out, keys);
      } catch {
        /* not JSON */
      }
  } else if (Array.isArray(v)) v.forEach((x) => strings(x, out, keys));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (keys) out.push(k);
      strings(x, out, keys);
    }
  return out;
}

/** How a secret could be read from what the upstream received: whole, escaped, or by joining strings. */
function leaked(raw: string, secret: string): boolean {
  const body = JSON.parse(raw);
  const views = [raw, strings(body).join(''), strings(body, [], false).join(''), strings(body, [], false).join('\n')];
  const escaped = JSON.stringify(secret).slice(1, -1);
  return views.some(
    (v) => v.includes(secret) || v.includes(escaped) || v.includes(JSON.stringify(escaped).slice(1, -1)),
  );
}

/** A secret written JSON-escaped (a PEM inside a service-account file) as it reads once parsed. */
function unescape(s: string): string {
  try {
    return JSON.parse(`"${s}"`);
  } catch {
    return s;
  }
}

/** The client's answer text (streamed or not). */
async function answer(r: Response, anthropic: boolean, stream: boolean): Promise<string> {
  const text = await r.text();
  if (!stream) {
    const j = JSON.parse(text);
    return anthropic ? j.content[0].text : j.choices[0].message.content;
  }
  let out = '';
  for (const ev of text.split('\n\n')) {
    const data = /^data: (.*)$/m.exec(ev)?.[1];
    if (!data || data === '[DONE]') continue;
    const d = JSON.parse(data);
    out += anthropic ? (d.delta?.text ?? '') : (d.choices?.[0]?.delta?.content ?? '');
  }
  return out;
}

interface Case {
  key: string;
  sample: Sample;
  anthropic: boolean;
  stream: boolean;
  body: Record<string, unknown>;
}

let nextId = 0;
/**
 * Every sample in every shape of a protocol, once: streamed or not alternates over samples and
 * shapes, so each shape and each format is seen both ways and the set stays quick to run.
 */
function cases(anthropic: boolean): Case[] {
  const shapes = Object.entries(anthropic ? ANTHROPIC_SHAPES : OPENAI_SHAPES);
  const out: Case[] = [];
  SAMPLES.forEach((sample, si) =>
    shapes.forEach(([shape, make], hi) => {
      const stream = (si + hi) % 2 === 1;
      const key = `${anthropic ? 'anthropic' : 'openai'} ${stream ? 'stream' : 'plain'} ${shape} ${sample.id}`;
      // (case_id, a number and so no string the gateway could touch: how the upstream files what it got)
      const body = { model: 'm', max_tokens: 50, ...make(sample), stream, case_id: nextId++ };
      out.push({ key, sample, anthropic, stream, body });
    }),
  );
  return out;
}

/** Sends every case (8 at a time), returns the failures. */
async function run(list: Case[]): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const c = list[next++];
      const r = await fetch(`http://127.0.0.1:${gwPort}${c.anthropic ? '/v1/messages' : '/v1/chat/completions'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer gw' },
        body: JSON.stringify(c.body),
      });
      if (r.status !== 200) {
        failures.push(`${c.key}: status ${r.status} ${(await r.text()).slice(0, 200)}`);
        continue;
      }
      const text = await answer(r, c.anthropic, c.stream);
      const raw = received.get(c.body.case_id as number);
      if (raw === undefined) {
        failures.push(`${c.key}: the upstream got nothing under this case`);
        continue;
      }
      const out = c.sample.secrets.filter((s) => leaked(raw, s));
      if (out.length) failures.push(`${c.key}: LEAKED ${out.map((s) => s.slice(0, 12) + '…').join(', ')}`);
      else if (/WARDEN_SECRET_/.test(text))
        failures.push(`${c.key}: a placeholder was not restored: ${text.slice(0, 120)}`);
      else if (raw.match(PH) && !c.sample.secrets.every((s) => text.includes(s) || text.includes(unescape(s))))
        failures.push(`${c.key}: the echoed placeholders did not come back as every secret`);
      received.delete(c.body.case_id as number);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return failures;
}

const summary = (f: string[]) => `${f.length} failures:\n${f.slice(0, 40).join('\n')}`;
let total = 0;

for (const anthropic of [false, true]) {
  const list = cases(anthropic);
  total += list.length;
  const streamed = list.filter((c) => c.stream).length;
  test(
    `${list.length} generated ${anthropic ? 'Anthropic' : 'OpenAI'} requests (${SAMPLES.length} secret samples × ` +
      `${list.length / SAMPLES.length} fields and shapes, ${streamed} streamed): no secret reaches the upstream, ` +
      'every echoed placeholder is restored',
    async () => {
      const failures = await run(list);
      assert.equal(failures.length, 0, summary(failures));
    },
  );
}

/** The near misses of the fixture file (`# ok:` lines): documented examples, placeholders, references. */
function nearMisses(): Sample[] {
  const lines = readFileSync(new URL('../../src/analyzers/fixtures/secrets.txt', import.meta.url), 'utf8').split('\n');
  const out: Sample[] = [];
  lines.forEach((l, i) => {
    const m = /^# ok: ([^\s,]+)/.exec(l);
    if (!m) return;
    // (the annotations above a line: a line that is also a `ruleid:` of another format is no near miss)
    let a = i;
    while (lines[a - 1]?.startsWith('# ')) a--;
    let j = i + 1;
    while (lines[j]?.startsWith('# ')) j++;
    const notes = lines.slice(a, j);
    if (lines[j]?.trim() && !notes.some((n) => n.startsWith('# ruleid:')))
      out.push({ id: m[1], carrier: lines[j], secrets: [] });
  });
  return out;
}

test('near misses (every `ok:` line of the fixtures) in every OpenAI and Anthropic shape, whole and cut in two: the upstream receives the request unchanged', async () => {
  const changed: string[] = [];
  const misses = nearMisses();
  const list: Case[] = [];
  for (const anthropic of [false, true])
    for (const sample of misses)
      for (const [shape, make] of Object.entries(anthropic ? ANTHROPIC_SHAPES : OPENAI_SHAPES)) {
        const cut = Math.floor(sample.carrier.length / 2);
        const s = { ...sample, secrets: [sample.carrier.slice(cut)] };
        const body = { model: 'm', max_tokens: 50, ...make(s), stream: false, case_id: nextId++ };
        list.push({
          key: `${anthropic ? 'anthropic' : 'openai'} ${shape} ${sample.id}`,
          sample: s,
          anthropic,
          stream: false,
          body,
        });
      }
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const c = list[next++];
      await fetch(`http://127.0.0.1:${gwPort}${c.anthropic ? '/v1/messages' : '/v1/chat/completions'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer gw' },
        body: JSON.stringify(c.body),
      }).then((r) => r.text());
      const raw = received.get(c.body.case_id as number);
      received.delete(c.body.case_id as number);
      if (raw === undefined || JSON.stringify(JSON.parse(raw)) !== JSON.stringify(c.body))
        changed.push(`${c.key}: ${raw?.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  assert.ok(list.length > 1000, `${list.length} requests`);
  assert.equal(changed.length, 0, `${changed.length} of ${list.length} changed:\n${changed.slice(0, 20).join('\n')}`);
});

test('the generated set holds at least 2,000 requests over every fixture format, PEM kind and AWS pair', () => {
  assert.ok(total >= 2000, `only ${total} requests`);
  assert.ok(SAMPLES.length >= 100);
  for (const s of SAMPLES) assert.ok(s.secrets.length, `${s.id}: no secret value`);
});

// ---- the s17 red team: hand-written ways out (test/helpers/leak-cases.ts), each its own test ----

/** Cyrillic and Greek letters a reader takes for Latin ones, read as the Latin. */
const LOOKALIKE: Record<string, string> = {
  '\u0430': 'a',
  '\u0435': 'e',
  '\u043e': 'o',
  '\u0440': 'p',
  '\u0441': 'c',
  '\u0445': 'x',
  '\u0455': 's',
  '\u0456': 'i',
  '\u0458': 'j',
  '\u03bf': 'o',
  '\u0391': 'A',
  '\u0392': 'B',
  '\u0395': 'E',
  '\u039f': 'O',
};

/** What a model could read out of a string: itself, and it decoded every way the red team encoded. */
function readings(s: string, depth = 0): string[] {
  // (the 10 MB cases carry their secret plainly; decoding megabytes of filler proves nothing)
  if (s.length > 1_000_000) return [s];
  const out = [s, s.replace(/[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g, '')];
  out.push(out[1].replace(/[\u0370-\u04ff]/g, (c) => LOOKALIKE[c] ?? c));
  const unescape = (t: string) =>
    t.replace(
      /\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([0-7]{3})|&#x([0-9a-fA-F]+);|&#(\d+);/g,
      (_, u, x, o, hx, d) =>
        String.fromCharCode(u || x || hx ? parseInt(u || x || hx, 16) : o ? parseInt(o, 8) : Number(d)),
    );
  out.push(unescape(s));
  let pct = s;
  for (let k = 0; k < 2; k++)
    try {
      out.push((pct = decodeURIComponent(pct.replace(/%(?![0-9a-fA-F]{2})/g, '%25'))));
    } catch {
      /* not percent-encoded */
    }
  const decoded: string[] = [];
  // base64 at each of the four offsets a run may start at; hex whole or with separators; char codes
  for (const m of s.replace(/\s+/g, '').match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? [])
    for (let k = 0; k < 4; k++) decoded.push(Buffer.from(m.slice(k), 'base64').toString('latin1'));
  const joinedHex = s.replace(/([0-9a-fA-F]{2})[ :\t\r\n]{1,3}(?=[0-9a-fA-F]{2}(?![0-9a-fA-F]))/g, '$1');
  for (const m of joinedHex.match(/(?:[0-9a-fA-F]{2}){8,}/g) ?? [])
    decoded.push(Buffer.from(m, 'hex').toString('latin1'));
  for (const m of s.match(/\d{1,3}(?:\s*,\s*\d{1,3}){7,}/g) ?? [])
    decoded.push(String.fromCharCode(...m.split(/\s*,\s*/).map(Number)));
  out.push(...decoded);
  if (depth === 0) for (const d of decoded) out.push(...readings(d, 1));
  return out;
}

/** Whether a secret can be read from what the upstream received (its body, its headers). */
function redTeamLeaked(raw: string, headers: string, secret: string): boolean {
  if (raw.includes(secret) || headers.includes(secret)) return true;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return raw.includes(secret);
  }
  const all = strings(body);
  const views = [all.join(''), strings(body, [], false).join(''), ...all];
  return views.some((v) => readings(v).some((r) => r.includes(secret)));
}

/** Sends a case (JSON whole, raw bytes with its headers, or trickled in pieces); the status and answer. */
function send(c: LeakCase, id: number, port = gwPort): Promise<{ status: number; text: string }> {
  const bytes = c.raw ? c.raw(id) : Buffer.from(JSON.stringify({ ...c.body, case_id: id }));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: c.anthropic ? '/v1/messages' : '/v1/chat/completions',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer gw',
          ...(c.trickle ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(bytes.length) }),
          ...c.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (!c.trickle) return void req.end(bytes);
    let at = 0;
    const step = () => {
      if (at >= bytes.length) return void req.end();
      req.write(bytes.subarray(at, (at += 7)));
      setTimeout(step, 1);
    };
    step();
  });
}

const RED = freshSecrets();
// (round one's cases, then round two's: s18)
const RED_CASES = [...leakCases(RED), ...leakCasesS18(RED)];
let redId = 1_000_000;
for (const c of RED_CASES) {
  const outcome = c.refuse
    ? `is refused (${c.refuse})`
    : c.mayRefuse
      ? 'is refused or arrives redacted'
      : 'arrives redacted';
  const name = c.known
    ? `red team, ${c.name}: still leaks (${c.known})`
    : `red team, ${c.name}: ${outcome}, no secret reaches the upstream`;
  test(name, { todo: c.known }, async () => {
    const id = redId++;
    const r = await send(c, id);
    const raw = received.get(id);
    const headers = receivedHeaders.get(id) ?? '';
    received.delete(id);
    if (c.refuse) {
      assert.equal(raw, undefined, 'forwarded a body the gateway could not read');
      assert.equal(r.status, c.refuse, r.text.slice(0, 200));
      assert.match(JSON.parse(r.text).error.message, /not (?:forwarded|sent)|limit|not valid JSON/);
      return;
    }
    if (raw === undefined) {
      assert.ok(c.mayRefuse, `refused (${r.status}) though it must go through: ${r.text.slice(0, 200)}`);
      assert.ok(r.status >= 400, `nothing went upstream, yet the status is ${r.status}`);
      return;
    }
    const out = c.secrets.filter((s) => redTeamLeaked(raw, headers, s));
    assert.equal(out.length, 0, `LEAKED ${out.map((s) => s.slice(0, 14) + '…').join(', ')}`);
    assert.equal(r.status, 200, r.text.slice(0, 200));
  });
}

// The same ways out through the gateway as shipped (quarantine marking on, tool calls judged): the
// notes and marks it adds to tool results must not bring a secret back.
test('red team through the default gateway (tool results marked, tool calls judged): no case leaks', async () => {
  const leaks: string[] = [];
  for (const c of RED_CASES) {
    if (c.known || c.refuse) continue;
    const id = redId++;
    const r = await send(c, id, gwFullPort);
    const raw = received.get(id);
    const headers = receivedHeaders.get(id) ?? '';
    received.delete(id);
    if (raw === undefined) {
      if (!c.mayRefuse) leaks.push(`${c.name}: refused (${r.status}) ${r.text.slice(0, 120)}`);
      continue;
    }
    const out = c.secrets.filter((s) => redTeamLeaked(raw, headers, s));
    if (out.length) leaks.push(`${c.name}: LEAKED ${out.map((s) => s.slice(0, 14) + '…').join(', ')}`);
  }
  assert.equal(leaks.length, 0, leaks.join('\n'));
});

for (const c of [...nearMissCases(), ...nearMissCasesS18()])
  test(`red team near miss, ${c.name}: reaches the upstream unchanged`, async () => {
    const id = redId++;
    const r = await send(c, id);
    const raw = received.get(id);
    received.delete(id);
    assert.equal(r.status, 200, r.text.slice(0, 200));
    assert.ok(raw !== undefined);
    assert.equal(JSON.stringify(JSON.parse(raw)), JSON.stringify({ ...c.body, case_id: id }));
  });
