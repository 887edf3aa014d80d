/**
 * The model gateway: an OpenAI- and Anthropic-compatible proxy between agents and model
 * endpoints. It holds the upstream keys (agents get a local gateway token), redacts secrets and
 * sensitive patterns on the way out and restores them on the way back (streamed text included),
 * routes sensitive requests to self-hosted upstreams only, judges the tool calls that come back
 * with the same engine and policy as the guard, and writes every exchange to the audit log.
 * It only ever connects to the upstreams it is configured with.
 *
 * This file is the core (listen, token, limits, timeouts, redaction, routing, audit); each wire
 * protocol is one module in protocols/ behind the Protocol interface (protocol.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';
import { Redactor, RedactionLimit } from './redact.ts';
import { upstreamRequest, UpstreamTimeout, type UpstreamResponse, type UpstreamTimeouts } from './upstream.ts';
import type { Policy } from '../engine/policy.ts';
import type { Decision } from '../engine/types.ts';
import type { AuditLog } from '../audit/log.ts';
import { HttpError } from './errors.ts';
import { AuditBatcher } from './audit-batch.ts';
import { noteRecord, toStored } from '../audit/record.ts';
import type { AuditExchange, Protocol } from './protocol.ts';
import { openai } from './protocols/openai.ts';
import { anthropic } from './protocols/anthropic.ts';
import { allowAll, judgeToolCall, type JudgeCall } from './tools.ts';
import { codeAnnotator } from './annotate.ts';
import { mark, QuarantineTimeout, type Inspection } from './quarantine.ts';
import { inspectResults } from './inspector.ts';
import { SessionMemory, sessionKey } from './session.ts';

/** The protocols served; the first that claims a URL shapes its errors (OpenAI takes the rest). */
const PROTOCOLS: readonly Protocol[] = [anthropic, openai];

export interface Upstream {
  name: string;
  url: string;
  key?: string;
  selfHosted?: boolean;
}

export interface GatewayConfig {
  upstreams: Upstream[];
  /** The token agents must present (Authorization: Bearer … or x-api-key). */
  token: string;
  policy: Policy;
  audit?: AuditLog;
  /** redact (default): placeholders out, real values back; block: refuse requests that carry secrets. */
  onSecret?: 'redact' | 'block';
  /** Extra sensitive patterns (redacted like secrets). */
  patterns?: RegExp[];
  /** Requests matching these go only to self-hosted upstreams. */
  sensitive?: RegExp[];
  /** Judge tool calls in responses: deny replaces a denied call with a refusal. */
  toolCalls?: 'judge' | 'off';
  /** Scan code blocks in (non-streamed) responses and append a note naming high/critical findings. */
  scanCode?: 'annotate' | 'off';
  maxBodyBytes?: number;
  /** The whole exchange with the upstream (default 600 s). */
  upstreamTimeoutMs?: number;
  /** No response headers from the upstream within this: 504 (default 60 s). */
  headersTimeoutMs?: number;
  /** No byte of the upstream's body for this long (a stalled stream): the request ends with an error (default 60 s). */
  idleTimeoutMs?: number;
  /** Reading a request's tool results for prompt injection may take this long; longer: 413 (default 5 s). */
  injectionTimeoutMs?: number;
  cwd?: string;
}

/**
 * Reads a request body up to `limit` bytes. A larger body is answered 413 at once, and the rest of
 * it is read and thrown away (so the client, still sending, gets the 413 rather than a reset),
 * up to DRAIN_MAX more bytes or DRAIN_MS, after which the connection is cut.
 */
const DRAIN_MAX = 256 * 1024 * 1024;
const DRAIN_MS = 15_000;
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const onData = (c: Buffer) => {
      n += c.length;
      if (n <= limit) return void chunks.push(c);
      req.off('data', onData);
      chunks.length = 0;
      drain(req);
      reject(new HttpError(413, `request body over the gateway's ${limit}-byte limit; send less context`));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function drain(req: IncomingMessage) {
  let dropped = 0;
  const cut = setTimeout(() => req.socket.destroy(), DRAIN_MS);
  req.on('data', (c: Buffer) => {
    if ((dropped += c.length) > DRAIN_MAX) req.socket.destroy();
  });
  req.once('close', () => clearTimeout(cut));
  req.resume();
}

function sendError(res: ServerResponse, err: HttpError, protocol: Protocol) {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(err.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(protocol.errorBody(err.status, err.message, err.type)));
}

const protocolOf = (url: string) => PROTOCOLS.find((p) => p.claims(url)) ?? openai;

function checkToken(req: IncomingMessage, cfg: GatewayConfig) {
  const auth =
    req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? (req.headers['x-api-key'] as string | undefined);
  if (auth !== cfg.token)
    throw new HttpError(
      401,
      'missing or wrong gateway token (use the token Warden gave you, not the vendor key)',
      'authentication_error',
    );
}

/** Content-Encodings the gateway reads; any other is refused, as the body could not be redacted. */
const DECODERS: Record<string, ((b: Buffer, o: { maxOutputLength: number }) => Promise<Buffer>) | undefined> = {
  identity: undefined,
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  // (HTTP's deflate is zlib-wrapped; some clients send it raw)
  deflate: (b, o) => promisify(inflate)(b, o).catch(() => promisify(inflateRaw)(b, o)),
  br: promisify(brotliDecompress),
};

/**
 * The body decoded as its Content-Encoding says (layers undone last first). An encoding Warden cannot
 * read fails closed: the body would leave unread. Decoded size is bounded like the body (a zip bomb: 413).
 */
async function decodeBody(raw: Buffer, header: string | undefined, limit: number): Promise<Buffer> {
  const layers = (header ?? '')
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
  for (const l of layers)
    // (own keys only: `constructor` or `toString` as an encoding would call Object's, not a decoder)
    if (!Object.hasOwn(DECODERS, l))
      throw new HttpError(
        415,
        `the request body's Content-Encoding "${l}" is not one Warden can read (gzip, deflate, br); it was not forwarded`,
      );
  let body = raw;
  for (const l of layers.reverse()) {
    const decode = DECODERS[l];
    if (!decode) continue;
    try {
      body = await decode(body, { maxOutputLength: limit });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        throw new HttpError(
          413,
          `the decoded request body is over the gateway's ${limit}-byte limit; send less context`,
        );
      throw new HttpError(400, `the request body is not valid ${l} (${(e as Error).message}); it was not forwarded`);
    }
  }
  return body;
}

async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const raw = await readBody(req, limit);
  const body = await decodeBody(raw, req.headers['content-encoding'], limit);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
}

/** The request with secrets replaced by placeholders (fails closed: an error never forwards the original). */
function redactRequest(body: Record<string, unknown>, redactor: Redactor, cfg: GatewayConfig) {
  let outBody: Record<string, unknown>;
  try {
    outBody = redactor.redactDeep(body);
  } catch (e) {
    if (e instanceof RedactionLimit) throw new HttpError(413, e.message);
    throw new HttpError(500, `redaction failed (${(e as Error).message}); the request was not forwarded`, 'api_error');
  }
  if (redactor.redactions.length && cfg.onSecret === 'block')
    throw new HttpError(
      400,
      `Warden blocked this request: it carries ${redactor.redactions.length} secret(s) (${[...new Set(redactor.redactions.map((r) => r.kind))].join(', ')}) that must not leave the company. Remove them from the context and retry.`,
    );
  return outBody;
}

/** Runs `f` now; the function returned gives its value or throws what it threw. */
function settle<T>(f: () => T): () => T {
  try {
    const v = f();
    return () => v;
  } catch (e) {
    return () => {
      throw e;
    };
  }
}

/** Routing: sensitive material only to self-hosted upstreams. */
function chooseUpstream(body: Record<string, unknown>, cfg: GatewayConfig) {
  const sensitive =
    !!cfg.sensitive?.length && ((text) => cfg.sensitive!.some((re) => re.test(text)))(JSON.stringify(body));
  const upstream = sensitive ? cfg.upstreams.find((u) => u.selfHosted) : cfg.upstreams[0];
  if (!upstream)
    throw new HttpError(
      403,
      'this request carries sensitive material and no self-hosted upstream is configured; it was not sent',
      'permission_error',
    );
  return { upstream, sensitive };
}

/** Sends the request upstream; failures become 502 / 504 (undefined: the client went away). */
async function sendUpstream(
  upstream: Upstream,
  protocol: Protocol,
  req: IncomingMessage,
  outText: string,
  abort: AbortController,
  cfg: GatewayConfig,
): Promise<UpstreamResponse | undefined> {
  const timeout = AbortSignal.timeout(cfg.upstreamTimeoutMs ?? 600_000);
  const timeouts: UpstreamTimeouts = {
    headersMs: cfg.headersTimeoutMs ?? 60_000,
    idleMs: cfg.idleTimeoutMs ?? 60_000,
  };
  // (outside the try: a header the protocol refuses is the client's error, not an unreachable upstream)
  const headers = protocol.upstreamHeaders(upstream.key, req);
  try {
    return await upstreamRequest(
      upstream.url.replace(/\/$/, '') + protocol.upstreamPath,
      'POST',
      headers,
      outText,
      AbortSignal.any([abort.signal, timeout]),
      timeouts,
    );
  } catch (e) {
    if (abort.signal.aborted) return undefined;
    if (timeout.aborted || e instanceof UpstreamTimeout)
      throw new HttpError(
        504,
        `the upstream ${upstream.name} did not answer in time (${(e as Error).message}); try again later`,
        'api_error',
      );
    throw new HttpError(
      502,
      `the upstream ${upstream.name} could not be reached (${(e as Error).message})`,
      'api_error',
    );
  }
}

async function readAll(up: UpstreamResponse, upstream: Upstream): Promise<string> {
  try {
    return await up.text();
  } catch (e) {
    throw new HttpError(
      e instanceof UpstreamTimeout ? 504 : 502,
      `the upstream ${upstream.name} broke off its answer (${(e as Error).message})`,
      'api_error',
    );
  }
}

/**
 * Tool results on their way to the model, read for prompt injection as the policy says
 * (gateway.injection: off, mark, block). Large ones are read on a second thread while the caller
 * redacts the request (inspector.ts); small ones before this returns. Fails closed: a result Warden
 * cannot read, or cannot read in time, stops the request.
 */
async function inspectRequest(body: Record<string, unknown>, protocol: Protocol, cfg: GatewayConfig) {
  const mode = cfg.policy.gateway?.injection ?? 'mark';
  if (mode === 'off') return undefined;
  const budget = cfg.injectionTimeoutMs ?? 5000;
  try {
    return await inspectResults(protocol.toolResults(body), budget);
  } catch (e) {
    if (e instanceof QuarantineTimeout)
      throw new HttpError(
        413,
        `Warden could not read the tool results of this request for prompt injection within ` +
          `${budget / 1000} s; it was not forwarded. Send less tool output.`,
      );
    throw new HttpError(
      400,
      `a tool result Warden cannot read (${(e as Error).message}); the request was not forwarded`,
    );
  }
}

function markRequest(outBody: Record<string, unknown>, protocol: Protocol, q: Inspection, redactor: Redactor) {
  try {
    return mark(protocol.toolResults(outBody), q, (note) => redactor.redact(note));
  } catch (e) {
    throw new HttpError(
      500,
      `marking tool results failed (${(e as Error).message}); the request was not forwarded`,
      'api_error',
    );
  }
}

/** The injections as the audit log keeps them: where each came from and what it wanted. */
const injectionRecord = (q: Inspection | undefined) =>
  q?.injections.map((i) => ({ source: i.source, goal: i.goal, technique: i.technique, severity: i.severity }));

/** One exchange: a POST to a protocol's path, from the checked token to the audit record. */
async function exchange(
  req: IncomingMessage,
  res: ServerResponse,
  protocol: Protocol,
  abort: AbortController,
  cfg: GatewayConfig,
  batcher: AuditBatcher | undefined,
  memory: SessionMemory,
) {
  const t0 = performance.now();
  const body = await readJson(req, cfg.maxBodyBytes ?? 32 * 1024 * 1024);
  const session = sessionKey(req, body);
  const reading = inspectRequest(body, protocol, cfg);
  // (large tool results are read on a second thread meanwhile; the redaction's outcome waits for the
  // reading's, so a request refused for both is refused for its injection, as when read first)
  const redactor = new Redactor(cfg.patterns);
  const redacted = settle(() => redactRequest(body, redactor, cfg));
  const q = await reading;
  if (q?.injections.length) await memory.remember(session, q.injections);
  if (q?.injections.length && cfg.policy.gateway?.injection === 'block') {
    const data = { protocol: protocol.name, blocked: 'prompt-injection', injections: injectionRecord(q) };
    batcher?.add(toStored(noteRecord({ source: 'gateway', kind: 'exchange', data }, 'deny')));
    const first = q.injections[0];
    throw new HttpError(
      400,
      `Warden blocked this request: the tool output from ${first.source} carries a prompt injection ` +
        `(${first.technique}, goal: ${first.goal})${q.injections.length > 1 ? ` and ${q.injections.length - 1} more` : ''}. ` +
        'Remove that content from the conversation (or start a new one) and tell the user.',
    );
  }
  const outBody = redacted();
  // (marked after redaction: the redactor reads the text as the tool returned it; the notes are redacted too)
  const marks =
    q && cfg.policy.gateway?.injection !== 'block' ? markRequest(outBody, protocol, q, redactor) : undefined;
  const { upstream, sensitive } = chooseUpstream(body, cfg);
  const outText = JSON.stringify(outBody);
  const up = await sendUpstream(upstream, protocol, req, outText, abort, cfg);
  if (!up) return;
  const audit: AuditExchange = (extra, decision: Decision = 'allow') => {
    const data = {
      protocol: protocol.name,
      upstream: upstream.name,
      host: new URL(upstream.url).host,
      // (the model name as it was sent: a secret pasted there is stored as its placeholder)
      model: outBody.model,
      stream: !!body.stream,
      sensitive,
      bytesOut: outText.length,
      redactions: redactor.redactions,
      latencyMs: Math.round(performance.now() - t0),
      ...(q ? { quarantined: marks?.marked, hiddenRemoved: marks?.hiddenRemoved, injections: injectionRecord(q) } : {}),
      ...extra,
    };
    batcher?.add(toStored(noteRecord({ source: 'gateway', kind: 'exchange', data }, decision)));
  };
  if (up.status < 200 || up.status >= 300) {
    // The log keeps the upstream's text as it came (placeholders); only the client gets real values.
    const errText = await readAll(up, upstream);
    audit({ status: up.status, error: errText.slice(0, 500) });
    res.writeHead(up.status, { 'content-type': up.contentType });
    res.end(redactor.restore(errText));
    return;
  }
  const base: JudgeCall = (name, args) => judgeToolCall(name, args, cfg.policy, cfg.cwd);
  const judge = q ? memory.judge(session, base) : base;
  if (body.stream)
    return await protocol.stream(up, { res, redactor, judge: cfg.toolCalls === 'off' ? allowAll : judge, audit });
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readAll(up, upstream)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(502, `the upstream ${upstream.name} sent a response that is not JSON`, 'api_error');
  }
  json = redactor.restoreDeep(json);
  const calls = cfg.toolCalls === 'off' ? [] : await protocol.judgeResponse(json, judge);
  let codeFindings = 0;
  if (cfg.scanCode === 'annotate') {
    const code = codeAnnotator();
    protocol.mapResponseText(json, code.annotate);
    codeFindings = code.count();
  }
  const usage = json.usage as Record<string, number> | undefined;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(json));
  // Recorded once the client has its answer: the audit write adds no latency.
  audit(
    { status: up.status, usage, toolCalls: calls, codeFindings },
    calls.some((c) => c.decision === 'deny') ? 'deny' : 'allow',
  );
}

export function createGateway(cfg: GatewayConfig): Server {
  const batcher = cfg.audit ? new AuditBatcher(cfg.audit) : undefined;
  const memory = new SessionMemory(cfg.policy, cfg.cwd);
  const server = createServer(async (req, res) => {
    const protocol = protocolOf(req.url ?? '');
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) abort.abort();
    });
    try {
      checkToken(req, cfg);
      if (batcher?.broken)
        throw new HttpError(
          503,
          `the audit log refused a write (${batcher.broken}); the gateway fails closed until an admin checks it ` +
            'with `warden audit verify`',
          'api_error',
        );
      const url = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && (url === '/v1/models' || url === '/models'))
        return await forwardModels(res, cfg, abort.signal);
      const route = PROTOCOLS.find((p) => p.paths.includes(url));
      if (req.method !== 'POST' || !route) throw new HttpError(404, `no route ${req.method} ${url}`, 'not_found_error');
      await exchange(req, res, route, abort, cfg, batcher, memory);
    } catch (e) {
      const err =
        e instanceof HttpError ? e : new HttpError(500, `gateway error: ${(e as Error).message}`, 'api_error');
      sendError(res, err, protocol);
    }
  });
  server.on('close', () => batcher?.flush());
  return server;
}

async function forwardModels(res: ServerResponse, cfg: GatewayConfig, signal: AbortSignal) {
  const u = cfg.upstreams[0];
  try {
    const r = await upstreamRequest(
      u.url.replace(/\/$/, '') + '/models',
      'GET',
      u.key ? { authorization: `Bearer ${u.key}` } : {},
      undefined,
      signal,
    );
    res.writeHead(r.status, { 'content-type': 'application/json' });
    res.end(await r.text());
  } catch (e) {
    throw new HttpError(502, `the upstream ${u.name} could not be reached (${(e as Error).message})`, 'api_error');
  }
}
