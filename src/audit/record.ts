/**
 * The one audit record every front door writes (hooks, `warden judge`, the gateway, the log's own
 * notes), built here and nowhere else: the same command is `kind: shell` whichever door it came
 * through, with the agent's own name for the tool (`run_shell_command`, `Bash`) kept beside it.
 * Events and verdicts are stored with secrets redacted and long texts cut (their SHA-256 and length
 * kept, so a file can still be matched later). The schema is in docs/AUDIT.md.
 */
import { createHash } from 'node:crypto';
import type { Decision, Event } from '../engine/types.ts';
import type { FullVerdict } from '../engine/verdict.ts';
import { redactSecrets } from '../analyzers/secrets/index.ts';
import type { NewRecord } from './log.ts';

/** Version of the record's layout inside `data` (records written before it have no `v`). */
export const RECORD_VERSION = 1;

/** Which front door wrote a record. */
export const SOURCES = ['hook', 'judge', 'gateway', 'scan', 'run', 'egress', 'server', 'audit'] as const;
export type Source = (typeof SOURCES)[number];

/**
 * What a record is about, one vocabulary for every door: an event kind of the engine (shell, read,
 * write, edit, fetch, code, prompt), a tool Warden does not know (mcp for an MCP server's, tool for
 * any other), or what is not a judged call (a tool's result, a session event, a model exchange …).
 */
export const KINDS = [
  'shell',
  'read',
  'write',
  'edit',
  'fetch',
  'code',
  'prompt',
  'scan',
  'mcp',
  'tool',
  'model-turn',
  'tool-result',
  'session',
  'exchange',
  'connection',
  'error',
  'adopt',
  'rotate',
  // `warden run`: the session's own events, what it did to the workspace, and its egress proxy's decisions
  'session-start',
  'session-end',
  'session-ended',
  'session-refused',
  'arrival',
  'neutralised',
  'decoy',
  'connect',
  'http',
  // a direct TCP/UDP/DNS attempt from inside the sandbox that bypassed the proxy (src/sandbox/netrec.ts)
  'direct',
] as const;
export type Kind = (typeof KINDS)[number];

const DECISIONS: readonly Decision[] = ['allow', 'ask', 'deny'];

/** One judged event as stored: the event (redacted, cut) and the engine's verdict on it. */
export interface CallData {
  event: Record<string, unknown>;
  verdict: {
    decision: Decision;
    reasons: string[];
    findings: { ruleId: string; severity: string; file: string; line: number; message: string; snippet: string }[];
    capabilities: { capability: string; decision: Decision; detail: string; hosts?: string[] }[];
  };
}

/** An audit record before it is stored. Every field is checked at run time too (see `toStored`). */
export interface AuditRecord {
  source: Source;
  /** The agent whose hook wrote it (qwen-code, claude-code, gemini-cli, codex …). */
  agent?: string;
  session?: string;
  kind: Kind;
  /** The tool as its caller named it: the agent's own name, or the event's for `warden judge`. */
  tool?: string;
  decision: Decision;
  /** Why, strictest first (redacted when stored). */
  reasons: string[];
  /** The ids that decided: capabilities the policy did not simply allow, and rule ids of findings. */
  checks: string[];
  /** The judged events with their verdicts. */
  calls?: CallData[];
  /** What only this door knows (an exchange's upstream and usage, a tool's response, an error). */
  data?: Record<string, unknown>;
}

/** The keys `data` of a stored record has of its own; a door's extra data may not reuse them. */
const RESERVED = ['v', 'agent', 'tool', 'reasons', 'checks', 'calls'];
const FIELDS: Record<keyof AuditRecord, boolean> = {
  source: true,
  agent: false,
  session: false,
  kind: true,
  tool: false,
  decision: true,
  reasons: true,
  checks: true,
  calls: false,
  data: false,
};

export class AuditRecordError extends Error {}

/** A record in the form the log appends it. */
export interface StoredRecord extends NewRecord {
  kind: Kind;
  decision: Decision;
  data: Record<string, unknown>;
}

/**
 * The stored form of a record (columns session, source, kind, decision; the rest in data). Throws
 * on a record that is not one: a missing or renamed field, a kind or source outside the vocabulary,
 * extra data that would shadow the record's own keys. The `source` column keeps its meaning and
 * form: the door, with the agent after a colon for hooks (`hook:qwen-code`).
 */
export function toStored(r: AuditRecord): StoredRecord {
  check(r);
  const data: Record<string, unknown> = { v: RECORD_VERSION };
  if (r.agent !== undefined) data.agent = r.agent;
  if (r.tool !== undefined) data.tool = r.tool;
  data.reasons = r.reasons.map((x) => redactSecrets(x));
  data.checks = r.checks;
  if (r.calls !== undefined) data.calls = r.calls;
  Object.assign(data, r.data);
  const source = r.agent !== undefined ? `${r.source}:${r.agent}` : r.source;
  return { session: r.session, source, kind: r.kind, decision: r.decision, data };
}

function check(r: AuditRecord): void {
  const bad = (why: string) => {
    throw new AuditRecordError(`not an audit record: ${why}`);
  };
  if (!r || typeof r !== 'object' || Array.isArray(r)) bad('not an object');
  for (const k of Object.keys(r)) if (!(k in FIELDS)) bad(`unknown field "${k}"`);
  for (const [k, required] of Object.entries(FIELDS))
    if (required && (r as unknown as Record<string, unknown>)[k] === undefined) bad(`missing field "${k}"`);
  if (!SOURCES.includes(r.source)) bad(`source ${JSON.stringify(r.source)} is not one of ${SOURCES.join(', ')}`);
  if (!KINDS.includes(r.kind)) bad(`kind ${JSON.stringify(r.kind)} is not one of ${KINDS.join(', ')}`);
  if (!DECISIONS.includes(r.decision)) bad(`decision ${JSON.stringify(r.decision)} is not allow, ask or deny`);
  for (const k of ['agent', 'session', 'tool'] as const)
    if (r[k] !== undefined && typeof r[k] !== 'string') bad(`"${k}" is not a string`);
  if (!isStrings(r.reasons)) bad('"reasons" is not a list of strings');
  if (!isStrings(r.checks)) bad('"checks" is not a list of strings');
  if (r.calls !== undefined && !Array.isArray(r.calls)) bad('"calls" is not a list');
  if (r.data !== undefined && (typeof r.data !== 'object' || r.data === null || Array.isArray(r.data)))
    bad('"data" is not an object');
  for (const k of Object.keys(r.data ?? {})) if (RESERVED.includes(k)) bad(`data may not set the record's "${k}"`);
}

/**
 * A stored record read back (a row of `warden audit export`) as the record it was built from:
 * throws unless it is one of this version (the `v`, the vocabulary, the fields in `data`). The
 * source column's `door:agent` is split at the first colon, as `toStored` joined it.
 */
export function fromStored(row: {
  session?: string | null;
  source: string;
  kind: string;
  decision: string;
  data: unknown;
}) {
  const data = row.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new AuditRecordError('not an audit record: no data');
  if (data.v !== RECORD_VERSION) throw new AuditRecordError(`not an audit record of version ${RECORD_VERSION}`);
  const colon = row.source.indexOf(':');
  const source = (colon < 0 ? row.source : row.source.slice(0, colon)) as Source;
  const agent = colon < 0 ? undefined : row.source.slice(colon + 1);
  if (agent !== data.agent) throw new AuditRecordError(`not an audit record: source ${row.source} names another agent`);
  const { v: _v, agent: _a, tool, reasons, checks, calls, ...rest } = data;
  const r = {
    source,
    ...(agent !== undefined && { agent }),
    ...(row.session != null && { session: row.session }),
    kind: row.kind,
    ...(tool !== undefined && { tool }),
    decision: row.decision,
    reasons,
    checks,
    ...(calls !== undefined && { calls }),
    data: rest,
  } as AuditRecord;
  check(r);
  return r;
}

const isStrings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The record's kind for an engine event (an unknown tool: `mcp` for an MCP server's, else `tool`). */
export function kindOf(event: Event): Kind {
  if (event.tool !== 'other') return event.tool;
  return /^mcp__|^mcp_/.test(event.name) ? 'mcp' : 'tool';
}

/** The tool an event names: an unknown tool by its own name, any other by the event's kind. */
const toolOf = (e: Event) => (e.tool === 'other' ? e.name : e.tool);

/** Where a judged call came from: the door, and what it knows of the agent and the tool. */
export interface Caller {
  source: Source;
  agent?: string;
  session?: string;
  /** The tool as the caller named it (defaults to the first event's kind). */
  tool?: string;
  /** When there is no event to name the kind (an inert tool, a model turn). */
  kind?: Kind;
  data?: Record<string, unknown>;
}

/**
 * The record of a judged call, from its events and their verdicts: the kind of its first event,
 * the strictest decision, every reason once, the deciding checks, and each event with its verdict.
 */
export function judgedRecord(caller: Caller, events: Event[], verdicts: FullVerdict[]): AuditRecord {
  const decision = verdicts.reduce<Decision>(
    (d, v) => (DECISIONS.indexOf(v.decision) > DECISIONS.indexOf(d) ? v.decision : d),
    'allow',
  );
  const checks = verdicts.flatMap((v) => [
    // the capability (what it does) and, where a shell check found it, that check's stable id
    ...v.actions
      .filter((a) => a.decision !== 'allow')
      .flatMap((a) => (a.check ? [a.capability, a.check] : [a.capability])),
    ...v.findings.map((f) => f.ruleId),
  ]);
  const kind = caller.kind ?? (events.length ? kindOf(events[0]) : 'tool');
  return {
    source: caller.source,
    ...(caller.agent !== undefined && { agent: caller.agent }),
    ...(caller.session !== undefined && { session: caller.session }),
    kind,
    tool: caller.tool ?? (events.length ? toolOf(events[0]) : undefined),
    decision,
    reasons: [...new Set(verdicts.flatMap((v) => v.reasons))],
    checks: [...new Set(checks)],
    calls: events.map((ev, k) => callData(ev, verdicts[k])),
    ...(caller.data !== undefined && { data: caller.data }),
  };
}

/** A record that is not a judged call (an error, a session event, a tool's result, an exchange). */
export function noteRecord(
  caller: Caller & { kind: Kind },
  decision: Decision,
  reasons: string[] = [],
  checks: string[] = [],
): AuditRecord {
  return {
    source: caller.source,
    ...(caller.agent !== undefined && { agent: caller.agent }),
    ...(caller.session !== undefined && { session: caller.session }),
    kind: caller.kind,
    ...(caller.tool !== undefined && { tool: caller.tool }),
    decision,
    reasons,
    checks,
    ...(caller.data !== undefined && { data: caller.data }),
  };
}

/** Longest text kept whole in a record; a longer one is cut and its SHA-256 and length kept. */
const MAX_TEXT = 16_000;

export function redactText(s: string): { text: string; sha256?: string; chars?: number } {
  const red = redactSecrets(s);
  if (red.length <= MAX_TEXT) return { text: red };
  return {
    text: red.slice(0, MAX_TEXT) + `\n… (${red.length - MAX_TEXT} more characters)`,
    sha256: createHash('sha256').update(s).digest('hex'),
    chars: s.length,
  };
}

/** One event and its verdict as stored: secrets redacted, long texts cut with their SHA-256. */
export function callData(event: Event, verdict: FullVerdict): CallData {
  const ev: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (k === 'url' && typeof v === 'string')
      ev[k] = redactSecrets(v); // kept whole, but a token in it is not
    else if (typeof v === 'string' && k !== 'tool' && k !== 'path' && k !== 'cwd' && k !== 'language') {
      const r = redactText(v);
      ev[k] = r.text;
      if (r.sha256) ev[`${k}Sha256`] = r.sha256;
    } else if (v instanceof Set) ev[k] = [...v];
    else ev[k] = v;
  }
  return {
    event: ev,
    verdict: {
      decision: verdict.decision,
      reasons: verdict.reasons.map((r) => redactSecrets(r)),
      findings: verdict.findings.map((f) => ({
        ruleId: f.ruleId,
        severity: f.severity,
        file: f.file,
        line: f.line,
        message: f.message,
        snippet: f.snippet,
      })),
      capabilities: verdict.actions.map((a) => ({
        capability: a.capability,
        decision: a.decision,
        detail: redactSecrets(a.detail),
        hosts: a.hosts,
      })),
    },
  };
}

/** One event and its verdict as stored, with a caller's extra fields (`callData` plus `extra`). */
export function auditData(event: Event, verdict: FullVerdict, extra: Record<string, unknown> = {}) {
  return { ...callData(event, verdict), ...extra };
}
