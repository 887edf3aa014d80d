/**
 * One model protocol (OpenAI chat completions, Anthropic messages) as the gateway's core sees it.
 * The core listens, checks the token, enforces limits and timeouts, redacts, routes, audits and
 * judges; a protocol knows only its own shapes: the paths it serves, how its requests go upstream,
 * where tool calls and text sit in its responses (whole and streamed), and how it writes an error.
 * Adding a protocol is one file in protocols/ and one line in PROTOCOLS (server.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Decision } from '../engine/types.ts';
import type { Redactor } from './redact.ts';
import type { UpstreamResponse } from './upstream.ts';
import type { JudgeCall, JudgedCall } from './tools.ts';

/** Writes the exchange's audit record (extra fields beside the core's own) with its decision. */
export type AuditExchange = (extra: Record<string, unknown>, decision?: Decision) => void;

export interface StreamContext {
  res: ServerResponse;
  redactor: Redactor;
  /** Judges each complete tool call before it reaches the client. */
  judge: JudgeCall;
  audit: AuditExchange;
}

/** One tool result on its way to the model, with the call that asked for it (when the request holds it). */
export interface ToolResult {
  /** tool_call_id / tool_use_id. */
  id: string;
  tool?: string;
  args?: Record<string, unknown>;
  /** Every text the model will read in it, each with a setter that replaces it in the request. */
  parts: { text: string; set(text: string): void }[];
}

/** Keys whose strings are protocol structure, not content. */
const STRUCTURE = new Set(['type', 'role', 'tool_call_id', 'tool_use_id', 'id', 'name', 'cache_control', 'media_type']);
/** Blocks whose strings are not text a model reads as words (base64 image data). */
const BINARY = new Set(['image', 'image_url', 'input_image']);

/**
 * Every string inside a tool result (whatever its shape: a string, blocks, a renamed or nested
 * field), except protocol structure and image data: what the upstream may show the model.
 */
export function textParts(holder: Record<string, unknown>, skip: Set<string> = STRUCTURE): ToolResult['parts'] {
  const out: ToolResult['parts'] = [];
  const walk = (obj: Record<string, unknown> | unknown[], depth: number) => {
    if (depth > 32) throw new Error('a tool result nested over 32 levels deep');
    if (!Array.isArray(obj) && typeof obj.type === 'string' && BINARY.has(obj.type)) return;
    for (const [k, v] of Object.entries(obj)) {
      if (!Array.isArray(obj) && skip.has(k)) continue;
      if (typeof v === 'string') {
        const key = Array.isArray(obj) ? Number(k) : k;
        out.push({ text: v, set: (t) => ((obj as Record<string | number, unknown>)[key] = t) });
      } else if (v && typeof v === 'object') walk(v as Record<string, unknown>, depth + 1);
    }
  };
  walk(holder, 0);
  return out;
}

/** Tool-call arguments as JSON text, parsed (undefined when they are not an object). */
export function parseArgs(v: unknown): Record<string, unknown> | undefined {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  if (typeof v !== 'string') return undefined;
  try {
    const o = JSON.parse(v);
    return o && typeof o === 'object' && !Array.isArray(o) ? o : undefined;
  } catch {
    return undefined;
  }
}

export interface Protocol {
  /** `openai`, `anthropic`: the exchange record's `data.protocol`. */
  readonly name: string;
  /** The POST paths it serves. */
  readonly paths: readonly string[];
  /** Whether a request URL belongs to it even when no route matches (its errors take this protocol's shape). */
  claims(url: string): boolean;
  /** The upstream path (after the upstream's base URL) requests are sent to. */
  readonly upstreamPath: string;
  /** Headers for the upstream request: content type, the upstream's key, version headers passed on. */
  upstreamHeaders(key: string | undefined, req: IncomingMessage): Record<string, string>;
  /** An error body in the protocol's shape. */
  errorBody(status: number, message: string, type: string): unknown;
  /** Every tool result of a request (what tools returned, on its way to the model). */
  toolResults(body: Record<string, unknown>): ToolResult[];
  /** Judges the tool calls of a whole (non-streamed) response; denied calls are replaced by a refusal. */
  judgeResponse(json: Record<string, unknown>, judge: JudgeCall): Promise<JudgedCall[]>;
  /** Rewrites every text the model wrote in a whole response (notes appended, for instance). */
  mapResponseText(json: Record<string, unknown>, f: (text: string) => string): void;
  /** Relays a streamed response: placeholders restored, tool calls held until complete and judged. */
  stream(up: UpstreamResponse, ctx: StreamContext): Promise<void>;
}
