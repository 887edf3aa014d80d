/**
 * The session home that replaces the user's home inside the sandbox: the agent's own settings (the
 * user's, sanitised like a repository's, with Warden's hooks and vendor telemetry off), the decoy
 * credentials, nothing else. Warden's hooks go in at the scope the agent cannot override where the
 * agent has one we can point at a read-only file (Qwen Code's and Gemini CLI's system settings),
 * and in the user scope too.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { install } from '../hooks/install.ts';
import { agentModule } from '../agents/index.ts';
import type { Agent } from '../hooks/adapters.ts';
import { AGENT_FACTS, type RunAgent } from './agent-facts.ts';
import { sanitise } from './neutralise.ts';
import { INSIDE_RUN } from './bwrap.ts';

export interface SessionSettings {
  /** Environment for the agent (the system settings path, telemetry off). */
  env: Record<string, string>;
  /** Files to bind read-only: [host file, path inside]. */
  roFiles: [string, string][];
}

/** Runs `fn` with HOME (and optionally one more variable) pointing elsewhere, for install(). */
function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

/** The user's own settings for the agent, sanitised, as the session home's starting point. */
function copyUserSettings(agent: Agent, realHome: string, sessionHome: string, cwd: string): void {
  const rel = (home: string) => withEnv({ HOME: home }, () => agentModule(agent).settings.files(cwd).user);
  const src = rel(realHome);
  if (!existsSync(src)) return;
  const dst = rel(sessionHome);
  mkdirSync(dirname(dst), { recursive: true });
  writeFileSync(dst, sanitise(src, readFileSync(src, 'utf8')).text);
}

/**
 * Writes the agent's settings with Warden's hooks (answered by the session's hook server through
 * the compiled client bound into the sandbox) into the session home and, where the agent has one, a system
 * settings file in `runDir` (read-only inside).
 */
export function writeAgentSettings(
  agent: RunAgent,
  o: { realHome: string; sessionHome: string; runDir: string; cwd: string },
): SessionSettings {
  const facts = AGENT_FACTS[agent];
  const env: Record<string, string> = { ...facts.telemetryEnv };
  const roFiles: [string, string][] = [];
  if (agent === 'codex') return { env, roFiles }; // no hook contract: the sandbox and proxy alone
  const daemon = { client: `${INSIDE_RUN}/hook-client`, socket: `${INSIDE_RUN}/hook.sock` };
  copyUserSettings(agent, o.realHome, o.sessionHome, o.cwd);
  withEnv({ HOME: o.sessionHome }, () => install(agent, 'user', o.cwd, undefined, daemon));
  if (facts.systemSettingsEnv) {
    const file = join(o.runDir, 'system-settings.json');
    withEnv({ HOME: o.sessionHome, [facts.systemSettingsEnv]: file }, () =>
      install(agent, 'system', o.cwd, undefined, daemon),
    );
    env[facts.systemSettingsEnv] = `${INSIDE_RUN}/system-settings.json`;
  } else {
    // No system scope we can point at: the user file itself is bound read-only over itself.
    const file = withEnv({ HOME: o.sessionHome }, () => agentModule(agent).settings.files(o.cwd).user);
    const copy = join(o.runDir, 'user-settings.json');
    copyFileSync(file, copy);
    roFiles.push([copy, join(o.realHome, file.slice(o.sessionHome.length))]);
  }
  return { env, roFiles };
}
