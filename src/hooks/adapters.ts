/**
 * The hook side of the agent modules (src/agents/): a payload becomes Warden events, a verdict
 * becomes the agent's answer. Everything an agent does differently lives in its module; this file
 * only names the agent by id. The adapters are thin on purpose: every decision is the engine's.
 */
import type { Decision } from '../engine/types.ts';
import { agentModule, type Agent } from '../agents/index.ts';
import type { HookAnswer, Phase } from '../agents/types.ts';

export { AGENTS, phaseOf, promptEvents, toolEvents, type Agent } from '../agents/index.ts';
export type { HookAnswer, HookPayload, Phase } from '../agents/types.ts';

/** The agent's answer for a decision. `reason` is what the model (and the user) read. */
export function answer(agent: Agent, phase: Phase, decision: Decision, reason: string): HookAnswer {
  return agentModule(agent).answer(phase, decision, reason);
}
