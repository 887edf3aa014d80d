// Machines whose agents' system settings live in a folder of the test's own (never /etc): the
// variables each agent module reads for its system or managed settings path.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './server.ts';

export interface Machine {
  home: string;
  etc: string;
  /** The project the agent works in (the doctor's probe writes there). */
  project: string;
  env: NodeJS.ProcessEnv;
}

export function machine(): Machine {
  const home = mkdtempSync(join(tmpdir(), 'warden-fleet-mach-'));
  const etc = mkdtempSync(join(tmpdir(), 'warden-fleet-etc-'));
  const project = mkdtempSync(join(tmpdir(), 'warden-fleet-proj-'));
  const env = {
    ...process.env,
    WARDEN_HOME: home,
    QWEN_USAGE_STATISTICS_ENABLED: 'false',
    QWEN_CODE_SYSTEM_SETTINGS_PATH: join(etc, 'qwen-code', 'settings.json'),
    GEMINI_CLI_SYSTEM_SETTINGS_PATH: join(etc, 'gemini-cli', 'settings.json'),
    CLAUDE_CODE_MANAGED_SETTINGS_PATH: join(etc, 'claude-code', 'managed-settings.json'),
    CODEX_SYSTEM_CONFIG_DIR: join(etc, 'codex'),
  };
  return { home, etc, project, env };
}

export function run(m: Machine, args: string[], input?: string, extra: NodeJS.ProcessEnv = {}) {
  const t = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input,
    env: { ...m.env, ...extra },
    cwd: m.project,
    timeout: 120_000,
  });
  return { ...r, ms: Date.now() - t };
}

/** `warden hook AGENT` with a payload, as the agent runs it (async: the test may serve meanwhile). */
export function hook(
  m: Machine,
  agent: string,
  payload: unknown,
): Promise<{ code: number; out: string; err: string; ms: number }> {
  const t = Date.now();
  const p = spawn(process.execPath, [BIN, 'hook', agent], {
    env: m.env,
    cwd: m.project,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '',
    err = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (err += d));
  p.stdin.end(JSON.stringify(payload));
  return new Promise((resolve) =>
    p.once('close', (code) => resolve({ code: code ?? -1, out, err, ms: Date.now() - t })),
  );
}

export const shellCall = (m: Machine, command: string, session = 'fleet-s1') => ({
  session_id: session,
  cwd: m.project,
  hook_event_name: 'PreToolUse',
  tool_name: 'run_shell_command',
  tool_input: { command },
});
