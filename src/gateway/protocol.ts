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

export interface Protocol {
  /** `openai`, `anthropic`: the audit record's kind is `exchange:<name>`. */
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
  /** Judges the tool calls of a whole (non-streamed) response; denied calls are replaced by a refusal. */
  judgeResponse(json: Record<string, unknown>, judge: JudgeCall): Promise<JudgedCall[]>;
  /** Rewrites every text the model wrote in a whole response (notes appended, for instance). */
  mapResponseText(json: Record<string, unknown>, f: (text: string) => string): void;
  /** Relays a streamed response: placeholders restored, tool calls held until complete and judged. */
  stream(up: UpstreamResponse, ctx: StreamContext): Promise<void>;
}
