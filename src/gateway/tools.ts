/**
 * Tool calls in model responses, judged as the guard judges an agent's calls: the call's name and
 * JSON arguments become engine events (read with the agents' own tool vocabularies), and the
 * strictest verdict wins. The protocols find the calls; this decides them.
 */
import { judgeEvent } from '../engine/judge.ts';
import { stricter, type Policy } from '../engine/policy.ts';
import type { Decision, Event } from '../engine/types.ts';
import { toolEvents } from '../hooks/adapters.ts';
import { judgedRecord, noteRecord, toStored, type StoredRecord } from '../audit/record.ts';

export interface CallVerdict {
  decision: Decision;
  reasons: string[];
  /** What the call does, as the engine read it: the commands it runs, the hosts it reaches, the files it touches. */
  facts?: CallFacts;
  /** Set when the call carries out a prompt injection the session read (session.ts). */
  injection?: { source: string; goal: string };
  /** The call's audit record: the one a hook writes for it, without the call's text (see judged). */
  record?: StoredRecord;
}

export interface CallFacts {
  commands: string[];
  hosts: string[];
  paths: string[];
}

/** Judges one tool call (name + JSON arguments text); the protocols call it for every call they find. */
export type JudgeCall = (name: string, argsJson: string) => Promise<CallVerdict>;

/** What the audit record keeps of each judged call. */
export interface JudgedCall extends Partial<StoredRecord> {
  name: string;
  decision: Decision;
  /** The injection it carried out (its source: the file, URL or command that held it). */
  injection?: { source: string; goal: string };
}

/**
 * The audit entry of one judged call: the typed record a hook writes for the same call (kind,
 * tool, reasons, checks), without the call's events, whose text carries restored secret values
 * that only the exchange's own redactor clears.
 */
export const judged = (name: string, v: CallVerdict): JudgedCall => ({
  name,
  ...v.record,
  decision: v.decision,
  ...(v.injection && { injection: v.injection }),
});

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

/** The engine events one call stands for ([] for tools of the client's own that Warden does not know). */
export function callEvents(name: string, input: Record<string, unknown>, cwd: string | undefined): Event[] {
  const known = (agent: 'qwen-code' | 'claude-code') =>
    toolEvents(agent, { tool_name: name, tool_input: input, cwd }).filter((e) => e.tool !== 'other');
  let events = known('qwen-code');
  if (!events.length) events = known('claude-code');
  if (!events.length && SHELLISH.has(name) && typeof input.command === 'string')
    events = [{ tool: 'shell', command: input.command }];
  return events;
}

/** Judges one tool call of a model response (name + JSON arguments) as the guard would. */
export async function judgeToolCall(
  name: string,
  argsJson: string,
  policy: Policy,
  cwd: string | undefined,
): Promise<CallVerdict> {
  const refused = (reason: string): CallVerdict => {
    const record = toStored(noteRecord({ source: 'gateway', kind: 'error', tool: name }, policy.onError, [reason]));
    return { decision: policy.onError, reasons: [reason], record };
  };
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(argsJson || '{}');
  } catch {
    // Arguments Warden cannot read are arguments it cannot judge: the policy's on-error decision.
    return refused(`the arguments of the ${name} call are not valid JSON`);
  }
  let events: Event[];
  try {
    events = callEvents(name, input, cwd);
  } catch (e) {
    return refused(`the ${name} call could not be read (${(e as Error).message})`);
  }
  let decision: Decision = 'allow';
  const reasons: string[] = [];
  const facts: CallFacts = { commands: [], hosts: [], paths: [] };
  const verdicts = [];
  for (const ev of events) {
    const v = await judgeEvent(ev, { policy, cwd: cwd ?? process.cwd() });
    decision = stricter(decision, v.decision);
    reasons.push(...v.reasons);
    addFacts(facts, ev, v.actions);
    verdicts.push(v);
  }
  const record = toStored({ ...judgedRecord({ source: 'gateway', tool: name }, events, verdicts), calls: undefined });
  return { decision, reasons, facts, record };
}

function addFacts(facts: CallFacts, ev: Event, actions: { command: string; hosts?: string[]; paths?: string[] }[]) {
  if (ev.tool === 'shell') facts.commands.push(ev.command);
  if (ev.tool === 'read' || ev.tool === 'write' || ev.tool === 'edit') facts.paths.push(ev.path);
  if (ev.tool === 'fetch') {
    try {
      facts.hosts.push(new URL(ev.url).hostname.toLowerCase());
    } catch {
      /* not a URL: the engine judged it */
    }
  }
  for (const a of actions) {
    facts.hosts.push(...(a.hosts ?? []).map((h) => h.toLowerCase()));
    facts.paths.push(...(a.paths ?? []));
  }
}

/** The text that takes a denied call's place in the response, for the agent to show. */
export const refusal = (name: string, reasons: string[]) =>
  `Warden blocked the ${name} call the model asked for: ${reasons.join(' ') || 'denied by policy'}`;

/** The judge used when tool-call judging is off: every call passes. */
export const allowAll: JudgeCall = async () => ({ decision: 'allow', reasons: [] });
