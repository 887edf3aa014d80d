/**
 * Anthropic messages (`POST /v1/messages`): tool calls are `tool_use` content blocks (streamed as a
 * `content_block_start` and `input_json_delta` fragments up to `content_block_stop`), text is `text`
 * blocks / `text_delta`, errors are `{ type: 'error', error: { type, message } }`.
 */
import type { Decision } from '../../engine/types.ts';
import { HttpError } from '../errors.ts';
import { textParts, type Protocol, type StreamContext, type ToolResult } from '../protocol.ts';
import { StreamRestorer } from '../redact.ts';
import { eventData, sseEvents, startEventStream } from '../sse.ts';
import { judged, refusal, type JudgeCall, type JudgedCall } from '../tools.ts';
import type { UpstreamResponse } from '../upstream.ts';

interface Block {
  type: string;
  name?: string;
  input?: unknown;
  text?: string;
}

interface StreamEvent extends Record<string, unknown> {
  index?: number;
  content_block?: { type: string; name?: string };
  delta?: { type?: string; text?: string; partial_json?: string };
  usage?: unknown;
}

interface HeldBlock {
  name: string;
  json: string;
  start: Record<string, unknown>;
}

async function judgeResponse(json: Record<string, unknown>, judge: JudgeCall): Promise<JudgedCall[]> {
  const out: JudgedCall[] = [];
  const content = (json.content as Block[]) ?? [];
  const kept: Block[] = [];
  for (const b of content) {
    if (b.type !== 'tool_use') {
      kept.push(b);
      continue;
    }
    const v = await judge(b.name ?? '', JSON.stringify(b.input ?? {}));
    out.push(judged(b.name ?? '', v));
    if (v.decision === 'deny') kept.push({ type: 'text', text: refusal(b.name ?? 'tool', v.reasons) });
    else kept.push(b);
  }
  json.content = kept;
  if (out.some((c) => c.decision === 'deny') && !kept.some((b) => b.type === 'tool_use')) json.stop_reason = 'end_turn';
  return out;
}

/**
 * Tool results are `tool_result` blocks in user messages; the call that asked for each is an
 * earlier `tool_use` block, by id. (A result's content may be a string or blocks; every string in
 * it is read, whatever the field is called: the upstream may show it to the model.)
 */
function toolResults(body: Record<string, unknown>): ToolResult[] {
  const out: ToolResult[] = [];
  if (!Array.isArray(body.messages)) return out;
  const calls = new Map<string, { name?: string; args?: Record<string, unknown> }>();
  for (const m of body.messages as { content?: unknown }[]) {
    if (!m || typeof m !== 'object' || !Array.isArray(m.content)) continue;
    for (const b of m.content as Record<string, unknown>[]) {
      if (!b || typeof b !== 'object') continue;
      if (b.type === 'tool_use' && typeof b.id === 'string')
        calls.set(b.id, {
          name: typeof b.name === 'string' ? b.name : undefined,
          args: b.input && typeof b.input === 'object' ? (b.input as Record<string, unknown>) : undefined,
        });
      if (b.type !== 'tool_result') continue;
      const id = String(b.tool_use_id ?? '');
      const call = calls.get(id);
      out.push({ id, tool: call?.name, args: call?.args, parts: textParts(b) });
    }
  }
  return out;
}

function mapResponseText(json: Record<string, unknown>, f: (text: string) => string) {
  for (const b of (json.content as Block[]) ?? []) if (b.type === 'text' && b.text) b.text = f(b.text);
}

/** A held tool block, judged: passed on whole, or replaced by a text block holding the refusal. */
async function releaseTool(t: HeldBlock, idx: number, ctx: StreamContext, calls: JudgedCall[], send: Send) {
  const json = ctx.redactor.restore(t.json);
  const v = await ctx.judge(t.name, json);
  calls.push(judged(t.name, v));
  if (v.decision === 'deny') {
    send('content_block_start', { type: 'content_block_start', index: idx, content_block: { type: 'text', text: '' } });
    send('content_block_delta', {
      type: 'content_block_delta',
      index: idx,
      delta: { type: 'text_delta', text: refusal(t.name, v.reasons) },
    });
    return;
  }
  send('content_block_start', t.start);
  send('content_block_delta', {
    type: 'content_block_delta',
    index: idx,
    delta: { type: 'input_json_delta', partial_json: json },
  });
}

type Send = (event: string, obj: unknown) => void;

async function stream(up: UpstreamResponse, ctx: StreamContext) {
  const { res, redactor } = ctx;
  startEventStream(res);
  const restorers = new Map<number, StreamRestorer>();
  const toolBlocks = new Map<number, HeldBlock>();
  const calls: JudgedCall[] = [];
  let usage: unknown;
  const send: Send = (event, obj) => res.write(`event: ${event}\ndata: ${JSON.stringify(obj)}\n\n`);
  try {
    for await (const ev of sseEvents(up)) {
      const event = /^event:\s*(.*)$/m.exec(ev)?.[1] ?? 'message';
      const data = eventData(ev);
      if (!data) continue;
      let obj: StreamEvent;
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
          await releaseTool(t, idx, ctx, calls, send);
          toolBlocks.delete(idx);
        } else {
          const tail = restorers.get(idx)?.flush();
          if (tail)
            send('content_block_delta', {
              type: 'content_block_delta',
              index: idx,
              delta: { type: 'text_delta', text: tail },
            });
        }
      }
      // (every call denied: the turn ends instead of waiting for tool results that will not come)
      if (event === 'message_delta' && calls.some(denied) && !calls.some((c) => !denied(c))) {
        const d = obj.delta as Record<string, unknown> | undefined;
        if (d && d.stop_reason === 'tool_use') d.stop_reason = 'end_turn';
      }
      send(event, obj);
    }
    res.end();
    ctx.audit({ usage, toolCalls: calls }, calls.some(denied) ? 'deny' : 'allow');
  } catch (e) {
    send('error', { type: 'error', error: { type: 'api_error', message: (e as Error).message } });
    res.end();
    ctx.audit({ error: (e as Error).message, toolCalls: calls });
  }
}

const denied = (c: { decision: Decision }) => c.decision === 'deny';

export const anthropic: Protocol = {
  name: 'anthropic',
  paths: ['/v1/messages'],
  claims: (url) => url.startsWith('/v1/messages'),
  upstreamPath: '/messages',
  upstreamHeaders(key, req) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers['x-api-key'] = key;
    // (a client header goes upstream unredacted: only a version date passes, never free text)
    const version = (req.headers['anthropic-version'] as string | undefined) ?? '2023-06-01';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(version))
      throw new HttpError(
        400,
        'the anthropic-version header must be a date such as 2023-06-01; the request was not sent',
      );
    headers['anthropic-version'] = version;
    return headers;
  },
  errorBody: (_status, message, type) => ({ type: 'error', error: { type, message } }),
  toolResults,
  judgeResponse,
  mapResponseText,
  stream,
};
