/**
 * OpenAI chat completions (`POST /v1/chat/completions`): tool calls are `choices[].message.tool_calls`
 * (streamed as `delta.tool_calls` fragments by index), text is `message.content` / `delta.content`,
 * errors are `{ error: { message, type, code } }`.
 */
import { performance } from 'node:perf_hooks';
import type { Decision } from '../../engine/types.ts';
import { HttpError } from '../errors.ts';
import { parseArgs, textParts, type Protocol, type StreamContext, type ToolResult } from '../protocol.ts';
import { StreamRestorer } from '../redact.ts';
import { eventData, sseEvents, startEventStream } from '../sse.ts';
import { judged, refusal, type JudgeCall, type JudgedCall } from '../tools.ts';
import type { UpstreamResponse } from '../upstream.ts';

interface Choice {
  message?: { tool_calls?: { function: { name: string; arguments: string } }[]; content?: string | null };
  finish_reason?: string;
}

interface StreamChunk {
  choices?: {
    index: number;
    delta?: {
      content?: string | null;
      tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[];
    };
    finish_reason?: string | null;
  }[];
  usage?: unknown;
}

interface HeldCall {
  id?: string;
  name: string;
  args: string;
}

interface AllowedCall {
  index: number;
  id?: string;
  type: 'function';
  function: { name: string; arguments: string };
}

async function judgeResponse(json: Record<string, unknown>, judge: JudgeCall): Promise<JudgedCall[]> {
  const out: JudgedCall[] = [];
  for (const ch of (json.choices as Choice[]) ?? []) {
    const calls = ch.message?.tool_calls ?? [];
    const keep: typeof calls = [];
    const refusals: string[] = [];
    for (const c of calls) {
      const v = await judge(c.function.name, c.function.arguments);
      out.push(judged(c.function.name, v));
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

/**
 * Tool results are `role: tool` messages (`role: function` in the older API); the call that asked
 * for each is in an earlier assistant message's `tool_calls`, by id.
 */
function toolResults(body: Record<string, unknown>): ToolResult[] {
  const out: ToolResult[] = [];
  if (!Array.isArray(body.messages)) return out;
  const calls = new Map<string, { name?: string; args?: Record<string, unknown> }>();
  for (const m of body.messages as Record<string, unknown>[]) {
    if (!m || typeof m !== 'object') continue;
    if (Array.isArray(m.tool_calls))
      for (const c of m.tool_calls as { id?: unknown; function?: { name?: unknown; arguments?: unknown } }[])
        if (c && typeof c.id === 'string')
          calls.set(c.id, { name: String(c.function?.name ?? ''), args: parseArgs(c.function?.arguments) });
    if (m.role !== 'tool' && m.role !== 'function') continue;
    const id = String(m.tool_call_id ?? m.name ?? '');
    const call = calls.get(id);
    out.push({
      id,
      tool: call?.name || (typeof m.name === 'string' ? m.name : undefined),
      args: call?.args,
      parts: textParts(m),
    });
  }
  return out;
}

function mapResponseText(json: Record<string, unknown>, f: (text: string) => string) {
  for (const ch of (json.choices as Choice[]) ?? [])
    if (ch.message?.content) ch.message.content = f(ch.message.content);
}

/** Tool-call fragments are assembled (and held) until the call is complete and judged. */
function holdCalls(tools: Map<number, HeldCall>, deltas: NonNullable<NonNullable<StreamChunk['choices']>[0]['delta']>) {
  for (const t of deltas.tool_calls ?? []) {
    const cur = tools.get(t.index) ?? { name: '', args: '' };
    if (t.id) cur.id = t.id;
    if (t.function?.name) cur.name += t.function.name;
    if (t.function?.arguments) cur.args += t.function.arguments;
    tools.set(t.index, cur);
  }
}

/** The held calls judged in order: those allowed (renumbered) and the refusals for those denied. */
async function judgeHeld(tools: Map<number, HeldCall>, ctx: StreamContext, calls: JudgedCall[]) {
  const allowed: AllowedCall[] = [];
  const refusals: string[] = [];
  for (const [, t] of [...tools].sort((a, b) => a[0] - b[0])) {
    const args = ctx.redactor.restore(t.args);
    const v = await ctx.judge(t.name, args);
    calls.push(judged(t.name, v));
    if (v.decision === 'deny') refusals.push(refusal(t.name, v.reasons));
    else
      allowed.push({ index: allowed.length, id: t.id, type: 'function', function: { name: t.name, arguments: args } });
  }
  return { allowed, refusals };
}

async function stream(up: UpstreamResponse, ctx: StreamContext) {
  const { res, redactor } = ctx;
  startEventStream(res);
  const restorer = new StreamRestorer(redactor);
  const tools = new Map<number, HeldCall>();
  let usage: unknown, last: Record<string, unknown> | undefined, firstMs: number | undefined;
  const t0 = performance.now();
  const write = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
  const calls: JudgedCall[] = [];
  try {
    for await (const ev of sseEvents(up)) {
      const data = eventData(ev);
      if (!data) continue;
      if (data === '[DONE]') break;
      let chunk: StreamChunk;
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
        holdCalls(tools, ch.delta);
        delete ch.delta.tool_calls;
        if (!ch.delta.content && !ch.finish_reason) continue;
      }
      if (typeof ch.delta?.content === 'string') ch.delta.content = restorer.push(ch.delta.content);
      if (ch.finish_reason) {
        const tail = restorer.flush();
        if (tail) write({ ...chunk, choices: [{ index: ch.index, delta: { content: tail }, finish_reason: null }] });
        let finish = ch.finish_reason;
        if (tools.size) {
          const { allowed, refusals } = await judgeHeld(tools, ctx, calls);
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
    ctx.audit({ usage, firstTokenMs: firstMs, toolCalls: calls }, anyDenied(calls));
  } catch (e) {
    // Mid-stream failures reach the client as an error event it can show.
    write({ error: { message: (e as Error).message, type: 'api_error' } });
    res.end('data: [DONE]\n\n');
    ctx.audit({ error: (e as Error).message, toolCalls: calls });
  }
}

const anyDenied = (calls: JudgedCall[]): Decision => (calls.some((c) => c.decision === 'deny') ? 'deny' : 'allow');

export const openai: Protocol = {
  name: 'openai',
  paths: ['/v1/chat/completions', '/chat/completions'],
  claims: () => true,
  upstreamPath: '/chat/completions',
  upstreamHeaders(key) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers.authorization = `Bearer ${key}`;
    return headers;
  },
  errorBody: (status, message, type) => ({ error: { message, type, code: status } }),
  toolResults,
  judgeResponse,
  mapResponseText,
  stream,
};
