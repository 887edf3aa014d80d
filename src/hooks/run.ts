/**
 * `warden hook AGENT`: one tool call (or prompt) per process, as the agents run hooks. Reads the
 * payload on stdin, judges it with the engine, appends the verdict to the audit log, answers in
 * the agent's protocol. Every failure on the way (bad input, policy error, analyzer error, audit
 * error, running out of time) is a denial with the reason: the guard fails closed.
 */
import { stricter, loadPolicy, type Policy } from '../engine/policy.ts';
import { judgeEvent, type FullVerdict } from '../engine/judge.ts';
import type { Decision, Event } from '../engine/types.ts';
import { AuditLog } from '../audit/log.ts';
import { languageOf, registerOnly, type Language } from '../analyzers/code/languages.ts';
import { auditData, redactText } from '../audit/record.ts';
import {
  answer,
  phaseOf,
  promptEvents,
  toolEvents,
  type Agent,
  type HookAnswer,
  type HookPayload,
  type Phase,
} from './adapters.ts';

export interface HookOptions {
  policyFile?: string;
  /** Answer (deny) before the agent's own hook timeout runs out. */
  budgetMs?: number;
  auditDir?: string;
}

export const DEFAULT_BUDGET_MS = 8_000;

/** Whether stdin has not ended yet (input that never ends): the process must then exit by itself. */
export const stdinState = { pending: true };

function readStdin(budgetMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const t = setTimeout(() => reject(new Error(`no complete hook input on stdin within ${budgetMs} ms`)), budgetMs);
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => {
      clearTimeout(t);
      stdinState.pending = false;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    process.stdin.on('error', (e) => {
      clearTimeout(t);
      stdinState.pending = false;
      reject(e);
    });
  });
}

/** Why a payload cannot be judged at all (not an object, an event name the adapter does not know…). */
function unreadable(agent: Agent, payload: HookPayload, phase: Phase): string | undefined {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    return `the hook input is ${Array.isArray(payload) ? 'a JSON array' : 'not a JSON object'}`;
  const e = payload.hook_event_name;
  if (phase === 'unknown')
    return e === undefined
      ? 'the hook input has no "hook_event_name"'
      : `the hook event ${JSON.stringify(e)} is not one Warden knows for ${agent}`;
  if (payload.cwd !== undefined && typeof payload.cwd !== 'string') return 'the hook input\'s "cwd" is not a string';
  return undefined;
}

export async function judgePayload(
  agent: Agent,
  payload: HookPayload,
  policy: Policy,
  audit: AuditLog | undefined,
  source = `hook:${agent}`,
  projectDir?: string,
  oneShot = false,
): Promise<HookAnswer> {
  const phase = phaseOf(agent, payload);
  const session = typeof payload?.session_id === 'string' ? payload.session_id : undefined;
  // Anything the adapter cannot read in a pre-tool position is the policy's on-error decision.
  const failClosed = (kind: string, what: string, p: Phase): HookAnswer => {
    const reason = `${what}; Warden fails closed`;
    audit?.append({ session, source, kind, decision: policy.onError, data: { error: reason } });
    return answer(agent, p, policy.onError, reason);
  };
  const bad = unreadable(agent, payload, phase);
  if (bad) return failClosed('unreadable', bad, phase === 'prompt' ? 'prompt' : 'unknown');
  const workspace =
    projectDir ??
    process.env.QWEN_PROJECT_DIR ??
    process.env.CLAUDE_PROJECT_DIR ??
    process.env.GEMINI_PROJECT_DIR ??
    payload.cwd ??
    process.cwd();
  const cwd = payload.cwd ?? workspace;
  const ctx = { policy, cwd, workspace };

  if (phase === 'post-tool') {
    const resp =
      typeof payload.tool_response === 'string' ? payload.tool_response : JSON.stringify(payload.tool_response ?? null);
    audit?.append({
      session,
      source,
      kind: `result:${payload.tool_name ?? '?'}`,
      decision: 'allow',
      data: {
        tool: payload.tool_name,
        input: redactText(JSON.stringify(payload.tool_input ?? {})).text,
        response: redactText(resp ?? '').text,
        event: payload.hook_event_name,
      },
    });
    return answer(agent, phase, 'allow', '');
  }
  if (phase === 'other') {
    audit?.append({
      session,
      source,
      kind: `session:${payload.hook_event_name ?? '?'}`,
      decision: 'allow',
      data: { event: payload.hook_event_name, cwd },
    });
    return answer(agent, phase, 'allow', '');
  }

  let events: Event[];
  try {
    events = phase === 'prompt' ? promptEvents(agent, payload) : toolEvents(agent, payload);
  } catch (e) {
    const named = typeof payload.tool_name === 'string' && payload.tool_name ? payload.tool_name : undefined;
    const what = phase === 'prompt' ? 'the prompt' : named ? `the ${named} call` : 'the tool call';
    const kind = phase === 'prompt' ? 'prompt' : (named ?? 'tool');
    return failClosed(kind, `${what} could not be read (${(e as Error).message})`, phase);
  }
  // A process that judges one file write and exits loads only that file's parser.
  if (oneShot && events.length && events.every((ev) => ev.tool === 'write' || ev.tool === 'edit')) {
    const langs = events.map((ev) =>
      languageOf(
        (ev as { path: string }).path,
        ev.tool === 'write' ? ev.content.slice(0, 200).split('\n')[0] : undefined,
      ),
    );
    if (langs.every((l) => l !== undefined)) registerOnly([...new Set(langs as Language[])]);
  }
  let decision: Decision = 'allow';
  const reasons: string[] = [];
  const verdicts: FullVerdict[] = [];
  for (const ev of events) {
    const v = await judgeEvent(ev, ctx);
    verdicts.push(v);
    decision = stricter(decision, v.decision);
    reasons.push(...v.reasons);
  }
  // UserPromptSubmit also fires when tool results go back to the model: those are model turns, not prompts.
  const kind = phase === 'prompt' ? (events.length ? 'prompt' : 'model-turn') : (payload.tool_name ?? 'tool');
  audit?.append({
    session,
    source,
    kind,
    decision,
    data: { tool: payload.tool_name, cwd, calls: events.map((ev, k) => auditData(ev, verdicts[k])) },
  });
  return answer(agent, phase, decision, reasons.join(' ') || 'allowed');
}

export async function runHook(agent: Agent, opts: HookOptions = {}): Promise<HookAnswer> {
  const budget = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  // The watchdog answers "deny" if anything below stalls (a busy audit database, slow disk…).
  let settled = false;
  const watchdog = new Promise<HookAnswer>((resolve) => {
    setTimeout(() => {
      if (!settled)
        resolve(
          answer(
            agent,
            'pre-tool',
            'deny',
            `Warden did not finish judging within ${budget} ms and fails closed; try again`,
          ),
        );
    }, budget).unref();
  });
  const work = (async (): Promise<HookAnswer> => {
    let payload: HookPayload;
    try {
      payload = JSON.parse(await readStdin(budget)) as HookPayload;
      if (!payload || typeof payload !== 'object') throw new Error('not a JSON object');
    } catch (e) {
      return answer(
        agent,
        'pre-tool',
        'deny',
        `the hook input is not valid JSON (${(e as Error).message}); Warden fails closed`,
      );
    }
    const phase = phaseOf(agent, payload);
    let policy: Policy;
    try {
      policy = loadPolicy(opts.policyFile);
    } catch (e) {
      return answer(
        agent,
        phase,
        'deny',
        `the Warden policy cannot be loaded (${(e as Error).message}); fix it with \`warden policy check\``,
      );
    }
    let audit: AuditLog | undefined;
    try {
      audit = new AuditLog(opts.auditDir);
      return await judgePayload(agent, payload, policy, audit, `hook:${agent}`, undefined, true);
    } catch (e) {
      return answer(agent, phase, policy.onError, `Warden failed (${(e as Error).message}) and fails closed`);
    } finally {
      audit?.close();
    }
  })();
  const result = await Promise.race([work, watchdog]);
  settled = true;
  return result;
}
