/**
 * The agents Warden guards. Adding one is a module beside these (see CONTRIBUTING.md, "An agent")
 * and a line here; the hook runner, install, doctor and the CLI read everything from this list.
 */
import { claudeCode } from './claude-code.ts';
import { codex } from './codex.ts';
import { geminiCli } from './gemini-cli.ts';
import { qwenCode } from './qwen-code.ts';
import { readToolCall } from './tools.ts';
import type { AgentModule, HookPayload, Phase, ToolKind } from './types.ts';
import type { Event } from '../engine/types.ts';

export const AGENT_MODULES: readonly AgentModule[] = [qwenCode, claudeCode, geminiCli, codex];

export type Agent = 'qwen-code' | 'claude-code' | 'gemini-cli' | 'codex';
export const AGENTS = AGENT_MODULES.map((a) => a.id) as Agent[];

export function agentModule(id: string): AgentModule {
  const a = AGENT_MODULES.find((m) => m.id === id);
  if (!a) throw new Error(`no agent module "${id}" (known: ${AGENTS.join(', ')})`);
  return a;
}

/**
 * Every lending agent's tool names with how each is read: a call of another agent's tool (an agent
 * that adopted a name, the gateway reading any client's calls) is read by what that tool does.
 */
const SHARED_TOOLS: ReadonlyMap<string, ToolKind> = (() => {
  const m = new Map<string, ToolKind>();
  for (const a of AGENT_MODULES) {
    if (a.lendsTools === false) continue;
    for (const [name, kind] of Object.entries(a.tools)) {
      if (m.has(name) && m.get(name) !== kind)
        throw new Error(`tool ${name} is read as ${m.get(name)} and as ${kind} (${a.id}): one name, one reading`);
      m.set(name, kind);
    }
  }
  return m;
})();

/** How `agent` reads a tool: its own name first, then the names every agent lends. */
export function toolKind(agent: AgentModule, name: string): ToolKind | undefined {
  return Object.hasOwn(agent.tools, name) ? agent.tools[name] : SHARED_TOOLS.get(name);
}

/** The phase of a payload's event, by the agent's event names. */
export function phaseOf(agent: Agent, p: HookPayload): Phase {
  const e = p && typeof p === 'object' && !Array.isArray(p) ? p.hook_event_name : undefined;
  if (typeof e !== 'string') return 'unknown';
  const ev = agentModule(agent).events;
  if (e === ev.pre) return 'pre-tool';
  if (ev.post.includes(e)) return 'post-tool';
  if (e === ev.prompt) return 'prompt';
  return ev.other.includes(e) ? 'other' : 'unknown';
}

/** The tool call as Warden events (see readToolCall). */
export function toolEvents(agent: Agent, p: HookPayload): Event[] {
  const m = agentModule(agent);
  const name = p.tool_name;
  return readToolCall(m, typeof name === 'string' ? toolKind(m, name) : undefined, p);
}

/**
 * The prompt a user submitted, as events: [] when the payload is a model turn. Throws when the
 * agent's prompt field is unreadable, so a renamed field fails closed.
 */
export function promptEvents(agent: Agent, p: HookPayload): Event[] {
  const text = agentModule(agent).promptText?.(p);
  return text === undefined ? [] : [{ tool: 'prompt', text }];
}

/** The project folder the agents tell their hooks, in the order they are consulted. */
export function projectDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  // An empty value is no folder at all: taken as one, every path would fall outside the project.
  for (const a of AGENT_MODULES) if (a.projectDirEnv && env[a.projectDirEnv]) return env[a.projectDirEnv];
  return undefined;
}
