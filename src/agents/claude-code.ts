/**
 * Claude Code (npm @anthropic-ai/claude-code, command `claude`). The hook contract the others
 * copied: PreToolUse answers with `hookSpecificOutput.permissionDecision`, exit 2 + stderr blocks,
 * UserPromptSubmit blocks with `decision: block`. Managed settings (the system scope) are the
 * scope a repository cannot override. Telemetry (Statsig) and error reports (Sentry) are off with
 * `DISABLE_TELEMETRY` / `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC` in the settings' `env`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { claudeStyleAnswer, claudeStylePostToolWarning } from './answers.ts';
import { qwenCode } from './qwen-code.ts';
import { kindOf } from './tools.ts';
import { asksAnything, baseKeys, exactNames, systemKeys } from './managed.ts';
import type { AgentModule } from './types.ts';

const FLAGS = ['DISABLE_TELEMETRY', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC'];

/** A Warden path glob as a Claude Code permission path: an absolute path is written `//path` there. */
const claudePath = (p: string) => (p.startsWith('/') ? `/${p}` : p);

export const claudeCode: AgentModule = {
  id: 'claude-code',
  name: 'Claude Code',
  binaries: ['claude'],
  packages: ['@anthropic-ai/claude-code'],
  // Qwen Code adopted Claude Code's event names; the list is one list.
  events: qwenCode.events,
  tools: {
    Bash: 'shell',
    // Reads the output of a command already judged.
    BashOutput: 'inert',
    Write: 'write',
    Edit: 'edit',
    MultiEdit: 'multi-edit',
    NotebookEdit: 'notebook',
    Read: 'read',
    Grep: 'search',
    Glob: 'list',
    LS: 'list',
    WebFetch: 'fetch',
    TodoWrite: 'inert',
    ExitPlanMode: 'inert',
    AskUserQuestion: 'inert',
    WebSearch: 'inert',
    Task: 'inert',
    Skill: 'inert',
    KillShell: 'inert',
    KillBash: 'inert',
    SlashCommand: 'inert',
    NotebookRead: 'inert',
    ListMcpResourcesTool: 'inert',
    ReadMcpResourceTool: 'inert',
  },
  promptText(p) {
    if (typeof p.prompt !== 'string') throw new Error(`the prompt event has no string "prompt" (${kindOf(p.prompt)})`);
    return p.prompt;
  },
  answer: claudeStyleAnswer,
  postToolWarning: claudeStylePostToolWarning,
  settings: {
    files: (cwd) => ({
      user: join(homedir(), '.claude', 'settings.json'),
      project: join(cwd, '.claude', 'settings.json'),
      system:
        process.platform === 'darwin'
          ? '/Library/Application Support/ClaudeCode/managed-settings.json'
          : // Claude Code reads only this path; the variable is Warden's own, for tests that cannot write /etc.
            (process.env.CLAUDE_CODE_MANAGED_SETTINGS_PATH ?? '/etc/claude-code/managed-settings.json'),
    }),
    disableAllHooks: true,
  },
  telemetry: {
    off: FLAGS.map((k) => [['env', k], '1']),
    hosts: ['statsig.anthropic.com', '*.statsig.com', '*.sentry.io', 'sentry.io'],
    env: { DISABLE_TELEMETRY: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_ERROR_REPORTING: '1' },
  },
  run: {
    api: 'anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    projectFiles: ['.claude/settings.json', '.claude/settings.local.json', '.mcp.json'],
    modelHosts: [],
  },
  // Managed settings win over every other scope and a user cannot change them: the policy's denied
  // paths, hosts and tools become permission deny rules, and a policy that asks forbids the mode
  // that bypasses every permission prompt.
  managedSettings: (policy) => {
    const keys = baseKeys(claudeCode);
    const deny = [
      ...policy.paths.deny.flatMap((p) => [`Read(${claudePath(p)})`, `Edit(${claudePath(p)})`]),
      ...exactNames(policy.hosts.deny).map((h) => `WebFetch(domain:${h})`),
      ...exactNames(policy.tools.deny),
    ];
    if (deny.length) keys.push([['permissions', 'deny'], deny]);
    if (asksAnything(policy)) keys.push([['permissions', 'disableBypassPermissionsMode'], 'disable']);
    return [systemKeys(keys)];
  },
  projectDirEnv: 'CLAUDE_PROJECT_DIR',
  modelEnv: { baseUrl: ['ANTHROPIC_BASE_URL'], apiKey: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'] },
  probeTools: { shell: 'Bash', write: 'Write', read: 'Read' },
  doctor(s, env) {
    const merged = { ...s.user, ...s.project, ...s.system };
    const e = (merged.env ?? {}) as Record<string, unknown>;
    if (FLAGS.some((k) => env[k] === '1' || e[k] === '1')) return { checks: ['vendor telemetry is off'], problems: [] };
    return {
      checks: [],
      problems: [
        {
          problem: 'Claude Code telemetry is on',
          fix: 'warden install claude-code (sets env.DISABLE_TELEMETRY=1 in the settings)',
        },
      ],
    };
  },
};
