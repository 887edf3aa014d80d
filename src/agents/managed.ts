/**
 * Agents' managed settings from a Warden policy: what each agent's own controls (its system or
 * managed settings file, Codex's requirements) must say so that they agree with the policy. Each
 * agent module builds its parts with these helpers (src/agents/<id>.ts `managedSettings`); the
 * server signs them into the policy bundle, machines write them and report a hash of what their
 * files say, and the server compares (drift). Only keys Warden sets are compared: an admin's other
 * keys in the same file are left alone.
 */
import type { Policy } from '../engine/policy.ts';
import type { AgentModule, ManagedPart, Setting } from './types.ts';

/** Names Warden can hand to an agent as an exact tool name (its globs stay Warden's own). */
export function exactNames(globs: string[]): string[] {
  return globs.filter((g) => g && !/[*?[\]{}]/.test(g));
}

/** Whether any capability of the policy asks a person (an agent's "never ask" mode would skip that). */
export const asksAnything = (p: Policy): boolean => Object.values(p.capabilities).includes('ask');
/** Whether the policy denies anything (an agent's "no sandbox, no checks" mode would contradict it). */
export const deniesAnything = (p: Policy): boolean => Object.values(p.capabilities).includes('deny');

/**
 * The keys every JSON-settings agent gets in its system file: usage data off, hooks not switchable
 * off by a repository, and the agent's own switches Warden's hooks need.
 */
export function baseKeys(agent: AgentModule): Setting[] {
  const keys: Setting[] = [...agent.telemetry.off, ...(agent.settings.enable ?? [])];
  if (agent.settings.disableAllHooks) keys.push([['disableAllHooks'], false]);
  return keys;
}

/** One part: keys in the agent's system settings file (the `system` scope of settings.files). */
export const systemKeys = (keys: Setting[]): ManagedPart => ({ file: 'system', keys });
