/**
 * What `warden run` must know about each agent, read from the agent's module (src/agents/<id>.ts:
 * its commands, model endpoint variables and `run` facts, telemetry), so that adding an agent is
 * still one file: how to recognise it from the command, the environment that points it at a model
 * endpoint, the project files through which a repository can weaken the guard, and the vendor
 * telemetry hosts it reports to.
 */
import { basename } from 'node:path';
import { AGENT_MODULES, AGENTS, type Agent } from '../agents/index.ts';
import type { AgentModule } from '../agents/types.ts';

export type RunAgent = Agent;
export const RUN_AGENTS: RunAgent[] = AGENTS;

export interface AgentFacts {
  /** Executable names (basename of the command) that are this agent. */
  commands: string[];
  /** Endpoint protocol and the environment variables that carry its URL and key. */
  api: 'openai' | 'anthropic' | 'gemini';
  baseUrlEnv: string;
  keyEnv: string;
  /** The vendor's default endpoint when the user set none. */
  defaultBaseUrl: string;
  /** Project files (relative to the workspace) that can switch hooks off, auto-approve or add MCP servers. */
  projectFiles: string[];
  /** Environment that points the agent's system-scope settings at a file (read-only in the sandbox). */
  systemSettingsEnv?: string;
  /** Environment that keeps the agent's own telemetry off (the settings file says so too). */
  telemetryEnv: Record<string, string>;
  /** Vendor telemetry and usage-report hosts, blocked and counted by the egress decider. */
  telemetryHosts: string[];
  /** Model hosts the agent reaches itself where Warden's gateway does not speak its protocol. */
  modelHosts: string[];
}

function factsOf(a: AgentModule): AgentFacts {
  return {
    commands: [...new Set([...a.binaries, a.id])],
    api: a.run.api,
    baseUrlEnv: a.modelEnv.baseUrl[0],
    keyEnv: a.modelEnv.apiKey[0],
    defaultBaseUrl: a.run.defaultBaseUrl,
    projectFiles: a.run.projectFiles,
    systemSettingsEnv: a.run.systemSettingsEnv,
    telemetryEnv: a.telemetry.env ?? {},
    telemetryHosts: a.telemetry.hosts,
    modelHosts: a.run.modelHosts,
  };
}

export const AGENT_FACTS = Object.fromEntries(AGENT_MODULES.map((a) => [a.id, factsOf(a)])) as Record<
  RunAgent,
  AgentFacts
>;

/**
 * The agent a command runs (`qwen -p …`, `npx qwen`, `node …/claude`, `sh -c 'exec qwen …'`), by the
 * first word of the command line that names one, or undefined.
 */
export function guessAgent(argv: string[]): RunAgent | undefined {
  const words = argv.flatMap((a) => a.split(/[\s;&|()'"]+/)).map((w) => basename(w).replace(/\.(c?js|mjs)$/, ''));
  for (const w of words) for (const a of RUN_AGENTS) if (AGENT_FACTS[a].commands.includes(w) || w === a) return a;
  return undefined;
}
