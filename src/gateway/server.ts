/**
 * The model gateway: an OpenAI- and Anthropic-compatible proxy between agents and model
 * endpoints. It holds the upstream keys (agents get a local gateway token), redacts secrets and
 * sensitive patterns on the way out and restores them on the way back (streamed text included),
 * routes sensitive requests to self-hosted upstreams only, judges the tool calls that come back
 * with the same engine and policy as the guard, and writes every exchange to the audit log.
 * It only ever connects to the upstreams it is configured with.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Redactor, RedactionLimit, StreamRestorer } from './redact.ts';
import { upstreamRequest, UpstreamTimeout, type UpstreamResponse, type UpstreamTimeouts } from './upstream.ts';
import { judgeEvent } from '../engine/judge.ts';
import type { Policy } from '../engine/policy.ts';
import type { Decision, Event } from '../engine/types.ts';
import { stricter } from '../engine/policy.ts';
import { toolEvents } from '../hooks/adapters.ts';
import type { AuditLog } from '../audit/log.ts';
import { judgedRecord, noteRecord, toStored, type StoredRecord } from '../audit/record.ts';
import { scanText } from '../engine/scan.ts';

// (`before: ''`: a suppression comment the model writes is its own, so it silences nothing.)
const scanCodeText = (path: string, text: string) =>
  scanText(path, text, { before: '' }).findings.filter((f) => !f.suppressed);

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
  cwd?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
  ) {
    super(message);
  }
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

function sendError(res: ServerResponse, status: number, message: string, type: string, anthropic: boolean) {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify(
      anthropic ? { type: 'error', error: { type, message } } : { error: { message, type, code: status } },
    ),
  );
}

const SHELLISH = new Set([
  'run_shell_command',
  'shell',
  'bash',
  'Bash',
  'exec',
  'monitor',
  'execute_command',
  'terminal',
]);

/** Judges one tool call of a model response (name + JSON arguments) as the guard would. */
async function judgeToolCall(
  name: string,
  argsJson: string,
  cfg: GatewayConfig,
): Promise<{ decision: Decision; reasons: string[]; record: StoredRecord }> {
  // (its record: the one a hook writes for the call, without the call's text, which only the exchange's redactor clears)
  const refused = (reason: string) => {
    const r = noteRecord({ source: 'gateway', kind: 'error', tool: name }, cfg.policy.onError, [reason]);
    return { decision: cfg.policy.onError, reasons: [reason], record: toStored(r) };
  };
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(argsJson || '{}');
  } catch {
    // Arguments Warden cannot read are arguments it cannot judge: the policy's on-error decision.
    return refused(`the arguments of the ${name} call are not valid JSON`);
  }
  // (Tools of the client's own that Warden does not know are the client's business here.)
  const known = (agent: 'qwen-code' | 'claude-code') =>
    toolEvents(agent, { tool_name: name, tool_input: input, cwd: cfg.cwd }).filter((e) => e.tool !== 'other');
  let events: Event[];
  try {
    events = known('qwen-code');
    if (!events.length) events = known('claude-code');
  } catch (e) {
    return refused(`the ${name} call could not be read (${(e as Error).message})`);
  }
  if (!events.length && SHELLISH.has(name) && typeof input.command === 'string')
    events = [{ tool: 'shell', command: input.command }];
  let decision: Decision = 'allow';
  const reasons: string[] = [];
  const verdicts = [];
  for (const ev of events) {
    const v = await judgeEvent(ev, { policy: cfg.policy, cwd: cfg.cwd ?? process.cwd() });
    decision = stricter(decision, v.decision);
    reasons.push(...v.reasons);
    verdicts.push(v);
  }
  const record = toStored({ ...judgedRecord({ source: 'gateway', tool: name }, events, verdicts), calls: undefined });
  return { decision, reasons, record };
}

/**
 * Exchange records are written in small batches (one transaction and disk sync every 25 ms), off
 * the request path: a busy gateway does not wait for the disk per request. Records of the last
 * moments before a crash can be lost; the guard's hook decisions are written one by one.
 */
class AuditBatcher {
  private queue: Parameters<AuditLog['append']>[0][] = [];
  private timer?: NodeJS.Timeout;
  /** Why the log refused a batch: the gateway then refuses requests (no exchange goes unrecorded). */
  broken?: string;
  constructor(private log: AuditLog) {}
  add(r: Parameters<AuditLog['append']>[0]) {
    this.queue.push(r);
    this.timer ??= setTimeout(() => this.flush(), 25);
  }
  flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    try {
      this.log.appendMany(batch);
    } catch (e) {
      this.broken = (e as Error).message;
      process.stderr.write(`warden gateway: audit write failed: ${this.broken}\n`);
    }
  }
}

export function createGateway(cfg: GatewayConfig): Server {
  const limit = cfg.maxBodyBytes ?? 32 * 1024 * 1024;
  const batcher = cfg.audit ? new AuditBatcher(cfg.audit) : undefined;
  const server = createServer(async (req, res) => {
    const anthropic = (req.url ?? '').startsWith('/v1/messages');
    const t0 = performance.now();
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) abort.abort();
    });
    try {
      const auth =
        req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? (req.headers['x-api-key'] as string | undefined);
      if (auth !== cfg.token)
        throw new HttpError(
          401,
          'missing or wrong gateway token (use the token Warden gave you, not the vendor key)',
          'authentication_error',
        );
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
      if (req.method !== 'POST' || !['/v1/chat/completions', '/chat/completions', '/v1/messages'].includes(url))
        throw new HttpError(404, `no route ${req.method} ${url}`, 'not_found_error');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse((await readBody(req, limit)).toString('utf8'));
      } catch (e) {
        if (e instanceof HttpError) throw e;
        throw new HttpError(400, 'the request body is not valid JSON');
      }

      // Redaction (fails closed: an error here never forwards the unredacted request).
      const redactor = new Redactor(cfg.patterns);
      let outBody: Record<string, unknown>;
      try {
        outBody = redactor.redactDeep(body);
      } catch (e) {
        if (e instanceof RedactionLimit) throw new HttpError(413, e.message);
        throw new HttpError(
          500,
          `redaction failed (${(e as Error).message}); the request was not forwarded`,
          'api_error',
        );
      }
      if (redactor.redactions.length && cfg.onSecret === 'block')
        throw new HttpError(
          400,
          `Warden blocked this request: it carries ${redactor.redactions.length} secret(s) (${[...new Set(redactor.redactions.map((r) => r.kind))].join(', ')}) that must not leave the company. Remove them from the context and retry.`,
        );

      // Routing: sensitive material only to self-hosted upstreams.
      const sensitive =
        !!cfg.sensitive?.length && ((text) => cfg.sensitive!.some((re) => re.test(text)))(JSON.stringify(body));
      const upstream = sensitive ? cfg.upstreams.find((u) => u.selfHosted) : cfg.upstreams[0];
      if (!upstream)
        throw new HttpError(
          403,
          'this request carries sensitive material and no self-hosted upstream is configured; it was not sent',
          'permission_error',
        );

      const path = anthropic ? '/messages' : '/chat/completions';
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (anthropic) {
        if (upstream.key) headers['x-api-key'] = upstream.key;
        headers['anthropic-version'] = (req.headers['anthropic-version'] as string | undefined) ?? '2023-06-01';
      } else if (upstream.key) headers.authorization = `Bearer ${upstream.key}`;
      const timeout = AbortSignal.timeout(cfg.upstreamTimeoutMs ?? 600_000);
      const timeouts: UpstreamTimeouts = {
        headersMs: cfg.headersTimeoutMs ?? 60_000,
        idleMs: cfg.idleTimeoutMs ?? 60_000,
      };
      const outText = JSON.stringify(outBody);
      let up: UpstreamResponse;
      try {
        up = await upstreamRequest(
          upstream.url.replace(/\/$/, '') + path,
          'POST',
          headers,
          outText,
          AbortSignal.any([abort.signal, timeout]),
          timeouts,
        );
      } catch (e) {
        if (abort.signal.aborted) return;
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
      const readAll = async () => {
        try {
          return await up.text();
        } catch (e) {
          throw new HttpError(
            e instanceof UpstreamTimeout ? 504 : 502,
            `the upstream ${upstream.name} broke off its answer (${(e as Error).message})`,
            'api_error',
          );
        }
      };
      const audit = (extra: Record<string, unknown>, decision: Decision = 'allow') => {
        const data = {
          protocol: anthropic ? 'anthropic' : 'openai',
          upstream: upstream.name,
          host: new URL(upstream.url).host,
          // (the model name as it was sent: a secret pasted there is stored as its placeholder)
          model: outBody.model,
          stream: !!body.stream,
          sensitive,
          bytesOut: outText.length,
          redactions: redactor.redactions,
          latencyMs: Math.round(performance.now() - t0),
          ...extra,
        };
        batcher?.add(toStored(noteRecord({ source: 'gateway', kind: 'exchange', data }, decision)));
      };
      if (up.status < 200 || up.status >= 300) {
        // The log keeps the upstream's text as it came (placeholders); only the client gets real values.
        const errText = await readAll();
        audit({ status: up.status, error: errText.slice(0, 500) });
        res.writeHead(up.status, { 'content-type': up.contentType });
        res.end(redactor.restore(errText));
        return;
      }
      if (body.stream) return await (anthropic ? streamAnthropic : streamOpenAI)(up, res, redactor, cfg, audit);
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(await readAll()) as Record<string, unknown>;
      } catch (e) {
        if (e instanceof HttpError) throw e;
        throw new HttpError(502, `the upstream ${upstream.name} sent a response that is not JSON`, 'api_error');
      }
      json = redactor.restoreDeep(json);
      const calls = await (anthropic ? judgeAnthropicMessage : judgeOpenAIMessage)(json, cfg);
      const codeFindings = cfg.scanCode === 'annotate' ? annotateCode(json, anthropic) : 0;
      const usage = json.usage as Record<string, number> | undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
      // Recorded once the client has its answer: the audit write adds no latency.
      audit(
        { status: up.status, usage, toolCalls: calls, codeFindings },
        calls.some((c) => c.decision === 'deny') ? 'deny' : 'allow',
      );
    } catch (e) {
      const err =
        e instanceof HttpError ? e : new HttpError(500, `gateway error: ${(e as Error).message}`, 'api_error');
      sendError(res, err.status, err.message, err.type, anthropic);
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

const FENCE = /```([\w+#.-]*)\n([\s\S]*?)```/g;
const FENCE_EXT: Record<string, string> = {
  python: 'py',
  py: 'py',
  javascript: 'js',
  js: 'js',
  typescript: 'ts',
  ts: 'ts',
  go: 'go',
  java: 'java',
  c: 'c',
  cpp: 'cpp',
  'c++': 'cpp',
  csharp: 'cs',
  cs: 'cs',
  php: 'php',
  ruby: 'rb',
  rb: 'rb',
  rust: 'rs',
  rs: 'rs',
  bash: 'sh',
  sh: 'sh',
  shell: 'sh',
};

/** Scans fenced code in a response's text and appends a note for high and critical findings. */
function annotateCode(json: Record<string, unknown>, anthropic: boolean): number {
  let total = 0;
  const annotate = (text: string): string => {
    if (!text.includes('```')) return text;
    const notes: string[] = [];
    for (const m of text.matchAll(FENCE)) {
      const ext = FENCE_EXT[m[1].toLowerCase()];
      if (!ext) continue;
      const found = scanCodeText(`response.${ext}`, m[2]).filter(
        (f) => f.severity === 'high' || f.severity === 'critical',
      );
      total += found.length;
      for (const f of found)
        notes.push(`- ${f.ruleId} (${f.severity}), line ${f.line} of a ${m[1]} block: ${f.message}`);
    }
    return notes.length ? `${text}\n\nWarden found problems in the code above:\n${notes.join('\n')}` : text;
  };
  if (anthropic)
    for (const b of (json.content as { type: string; text?: string }[]) ?? []) {
      if (b.type === 'text' && b.text) b.text = annotate(b.text);
    }
  else
    for (const ch of (json.choices as { message?: { content?: string | null } }[]) ?? [])
      if (ch.message?.content) ch.message.content = annotate(ch.message.content);
  return total;
}

const refusal = (name: string, reasons: string[]) =>
  `Warden blocked the ${name} call the model asked for: ${reasons.join(' ') || 'denied by policy'}`;

async function judgeOpenAIMessage(json: Record<string, unknown>, cfg: GatewayConfig) {
  const out: { name: string; decision: Decision }[] = [];
  if (cfg.toolCalls === 'off') return out;
  for (const ch of (json.choices as {
    message?: { tool_calls?: { function: { name: string; arguments: string } }[]; content?: string | null };
    finish_reason?: string;
  }[]) ?? []) {
    const calls = ch.message?.tool_calls ?? [];
    const keep: typeof calls = [];
    const refusals: string[] = [];
    for (const c of calls) {
      const v = await judgeToolCall(c.function.name, c.function.arguments, cfg);
      out.push({ name: c.function.name, ...v.record });
      if (v.decision === 'deny') refusals.push(refusal(c.function.name, v.reasons));
      else keep.push(c);
    }
    if (refusals.length && ch.message) {
      ch.message.tool_calls = keep.length ? keep : undefined;
      ch.message.content = [ch.message.content, ...refusals].filter(Boolean).join('\n');
      if (!keep.length) ch.finish_reason = 'stop';
    }
  }
  return out;
}

async function judgeAnthropicMessage(json: Record<string, unknown>, cfg: GatewayConfig) {
  const out: { name: string; decision: Decision }[] = [];
  if (cfg.toolCalls === 'off') return out;
  const content = (json.content as { type: string; name?: string; input?: unknown; text?: string }[]) ?? [];
  const kept: typeof content = [];
  for (const b of content) {
    if (b.type !== 'tool_use') {
      kept.push(b);
      continue;
    }
    const v = await judgeToolCall(b.name ?? '', JSON.stringify(b.input ?? {}), cfg);
    out.push({ name: b.name ?? '', ...v.record });
    if (v.decision === 'deny') kept.push({ type: 'text', text: refusal(b.name ?? 'tool', v.reasons) });
    else kept.push(b);
  }
  json.content = kept;
  if (out.some((c) => c.decision === 'deny') && !kept.some((b) => b.type === 'tool_use')) json.stop_reason = 'end_turn';
  return out;
}

/** SSE events from an upstream body, as they arrive. */
async function* sseEvents(up: UpstreamResponse): AsyncGenerator<string> {
  const dec = new TextDecoder();
  let buf = '';
  for await (const value of up.body) {
    buf += dec.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      yield buf.slice(0, i);
      buf = buf.slice(i + 2);
    }
  }
  if (buf.trim()) yield buf;
}

async function streamOpenAI(
  up: UpstreamResponse,
  res: ServerResponse,
  redactor: Redactor,
  cfg: GatewayConfig,
  audit: (extra: Record<string, unknown>, d?: Decision) => void,
) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const restorer = new StreamRestorer(redactor);
  const tools = new Map<number, { id?: string; name: string; args: string }>();
  let usage: unknown, last: Record<string, unknown> | undefined, firstMs: number | undefined;
  const t0 = performance.now();
  const write = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
  const calls: { name: string; decision: Decision }[] = [];
  try {
    for await (const ev of sseEvents(up)) {
      const data = ev
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      if (data === '[DONE]') break;
      let chunk: {
        choices?: {
          index: number;
          delta?: {
            content?: string | null;
            tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[];
          };
          finish_reason?: string | null;
        }[];
        usage?: unknown;
      };
      try {
        chunk = JSON.parse(data);
      } catch {
        throw new HttpError(502, 'the upstream sent malformed streaming data', 'api_error');
      }
      last = chunk as Record<string, unknown>;
      if (chunk.usage) usage = chunk.usage;
      const ch = chunk.choices?.[0];
      if (!ch) {
        write(chunk);
        continue;
      }
      firstMs ??= performance.now() - t0;
      if (ch.delta?.tool_calls) {
        // Tool-call arguments are assembled (and held) until the call is complete and judged.
        for (const t of ch.delta.tool_calls) {
          const cur = tools.get(t.index) ?? { name: '', args: '' };
          if (t.id) cur.id = t.id;
          if (t.function?.name) cur.name += t.function.name;
          if (t.function?.arguments) cur.args += t.function.arguments;
          tools.set(t.index, cur);
        }
        delete ch.delta.tool_calls;
        if (!ch.delta.content && !ch.finish_reason) continue;
      }
      if (typeof ch.delta?.content === 'string') ch.delta.content = restorer.push(ch.delta.content);
      if (ch.finish_reason) {
        const tail = restorer.flush();
        if (tail) write({ ...chunk, choices: [{ index: ch.index, delta: { content: tail }, finish_reason: null }] });
        let finish = ch.finish_reason;
        if (tools.size) {
          const allowed: {
            index: number;
            id?: string;
            type: 'function';
            function: { name: string; arguments: string };
          }[] = [];
          const refusals: string[] = [];
          for (const [, t] of [...tools].sort((a, b) => a[0] - b[0])) {
            const args = redactor.restore(t.args);
            const v =
              cfg.toolCalls === 'off'
                ? { decision: 'allow' as Decision, reasons: [] }
                : await judgeToolCall(t.name, args, cfg);
            calls.push({ name: t.name, ...('record' in v ? v.record : { decision: v.decision }) });
            if (v.decision === 'deny') refusals.push(refusal(t.name, v.reasons));
            else
              allowed.push({
                index: allowed.length,
                id: t.id,
                type: 'function',
                function: { name: t.name, arguments: args },
              });
          }
          if (refusals.length)
            write({
              ...chunk,
              choices: [{ index: ch.index, delta: { content: refusals.join('\n') }, finish_reason: null }],
            });
          if (allowed.length)
            write({ ...chunk, choices: [{ index: ch.index, delta: { tool_calls: allowed }, finish_reason: null }] });
          else finish = 'stop';
        }
        write({
          ...chunk,
          choices: [{ ...ch, delta: ch.delta?.content ? { content: ch.delta.content } : {}, finish_reason: finish }],
        });
        continue;
      }
      write(chunk);
    }
    const tail = restorer.flush();
    if (tail && last) write({ ...last, choices: [{ index: 0, delta: { content: tail }, finish_reason: null }] });
    res.end('data: [DONE]\n\n');
    audit(
      { usage, firstTokenMs: firstMs, toolCalls: calls },
      calls.some((c) => c.decision === 'deny') ? 'deny' : 'allow',
    );
  } catch (e) {
    // Mid-stream failures reach the client as an error event it can show.
    write({ error: { message: (e as Error).message, type: 'api_error' } });
    res.end('data: [DONE]\n\n');
    audit({ error: (e as Error).message, toolCalls: calls });
  }
}

async function streamAnthropic(
  up: UpstreamResponse,
  res: ServerResponse,
  redactor: Redactor,
  cfg: GatewayConfig,
  audit: (extra: Record<string, unknown>, d?: Decision) => void,
) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const restorers = new Map<number, StreamRestorer>();
  const toolBlocks = new Map<number, { name: string; json: string; start: Record<string, unknown> }>();
  const calls: { name: string; decision: Decision }[] = [];
  let usage: unknown;
  const send = (event: string, obj: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(obj)}\n\n`);
  try {
    for await (const ev of sseEvents(up)) {
      const event = /^event:\s*(.*)$/m.exec(ev)?.[1] ?? 'message';
      const data = ev
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      let obj: Record<string, unknown> & {
        index?: number;
        content_block?: { type: string; name?: string };
        delta?: { type?: string; text?: string; partial_json?: string };
        usage?: unknown;
      };
      try {
        obj = JSON.parse(data);
      } catch {
        throw new HttpError(502, 'the upstream sent malformed streaming data', 'api_error');
      }
      if (obj.usage) usage = obj.usage;
      const idx = obj.index ?? 0;
      if (event === 'content_block_start' && obj.content_block?.type === 'tool_use') {
        toolBlocks.set(idx, { name: obj.content_block.name ?? '', json: '', start: obj });
        continue;
      }
      if (event === 'content_block_delta' && obj.delta?.type === 'input_json_delta' && toolBlocks.has(idx)) {
        toolBlocks.get(idx)!.json += obj.delta.partial_json ?? '';
        continue;
      }
      if (event === 'content_block_delta' && obj.delta?.type === 'text_delta') {
        const r = restorers.get(idx) ?? new StreamRestorer(redactor);
        restorers.set(idx, r);
        obj.delta.text = r.push(obj.delta.text ?? '');
      }
      if (event === 'content_block_stop') {
        const t = toolBlocks.get(idx);
        if (t) {
          const json = redactor.restore(t.json);
          const v =
            cfg.toolCalls === 'off'
              ? { decision: 'allow' as Decision, reasons: [] }
              : await judgeToolCall(t.name, json, cfg);
          calls.push({ name: t.name, ...('record' in v ? v.record : { decision: v.decision }) });
          if (v.decision === 'deny') {
            send('content_block_start', {
              type: 'content_block_start',
              index: idx,
              content_block: { type: 'text', text: '' },
            });
            send('content_block_delta', {
              type: 'content_block_delta',
              index: idx,
              delta: { type: 'text_delta', text: refusal(t.name, v.reasons) },
            });
          } else {
            send('content_block_start', t.start);
            send('content_block_delta', {
              type: 'content_block_delta',
              index: idx,
              delta: { type: 'input_json_delta', partial_json: json },
            });
          }
          toolBlocks.delete(idx);
        } else {
          const r = restorers.get(idx);
          const tail = r?.flush();
          if (tail)
            send('content_block_delta', {
              type: 'content_block_delta',
              index: idx,
              delta: { type: 'text_delta', text: tail },
            });
        }
      }
      if (
        event === 'message_delta' &&
        calls.some((c) => c.decision === 'deny') &&
        !calls.some((c) => c.decision !== 'deny')
      ) {
        const d = obj.delta as Record<string, unknown> | undefined;
        if (d && d.stop_reason === 'tool_use') d.stop_reason = 'end_turn';
      }
      send(event, obj);
    }
    res.end();
    audit({ usage, toolCalls: calls }, calls.some((c) => c.decision === 'deny') ? 'deny' : 'allow');
  } catch (e) {
    send('error', { type: 'error', error: { type: 'api_error', message: (e as Error).message } });
    res.end();
    audit({ error: (e as Error).message, toolCalls: calls });
  }
}
