/**
 * What `warden run` must know about each agent, in one place until src/agents/ holds one module per
 * agent (then this file folds into those modules): how to recognise it from the command, the
 * environment that points it at a model endpoint, the project files through which a repository
 * can weaken the guard, and the vendor telemetry hosts it reports to.
 */
import { basename } from 'node:path';

export type RunAgent = 'qwen-code' | 'claude-code' | 'gemini-cli' | 'codex';
export const RUN_AGENTS: RunAgent[] = ['qwen-code', 'claude-code', 'gemini-cli', 'codex'];

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
  /**
   * Vendor telemetry and usage-report hosts, blocked and counted by the egress decider.
   * Qwen Code: packages/core/src/telemetry/qwen-logger (USAGE_STATS_HOSTNAME, an Alibaba Cloud RUM
   * endpoint; read from the pinned 0.x bundle). The others from their documented telemetry.
   */
  telemetryHosts: string[];
  /**
   * Model hosts the agent reaches itself (over TLS, through the egress proxy) where Warden's gateway
   * does not speak its protocol (Gemini's); empty where the gateway stands in for the model.
   */
  modelHosts: string[];
}

export const AGENT_FACTS: Record<RunAgent, AgentFacts> = {
  'qwen-code': {
    commands: ['qwen', 'qwen-code'],
    api: 'openai',
    baseUrlEnv: 'OPENAI_BASE_URL',
    keyEnv: 'OPENAI_API_KEY',
    defaultBaseUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
    projectFiles: ['.qwen/settings.json', '.mcp.json'],
    systemSettingsEnv: 'QWEN_CODE_SYSTEM_SETTINGS_PATH',
    telemetryEnv: { QWEN_USAGE_STATISTICS_ENABLED: 'false', QWEN_TELEMETRY_ENABLED: 'false' },
    telemetryHosts: ['gb4w8c3ygj-default-sea.rum.aliyuncs.com', '*.rum.aliyuncs.com', '*.arms.aliyuncs.com'],
    modelHosts: [],
  },
  'claude-code': {
    commands: ['claude', 'claude-code'],
    api: 'anthropic',
    baseUrlEnv: 'ANTHROPIC_BASE_URL',
    keyEnv: 'ANTHROPIC_API_KEY',
    defaultBaseUrl: 'https://api.anthropic.com',
    projectFiles: ['.claude/settings.json', '.claude/settings.local.json', '.mcp.json'],
    telemetryEnv: {
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
    telemetryHosts: ['statsig.anthropic.com', '*.statsig.com', '*.sentry.io', 'sentry.io'],
    modelHosts: [],
  },
  'gemini-cli': {
    commands: ['gemini', 'gemini-cli'],
    api: 'gemini',
    baseUrlEnv: 'GOOGLE_GEMINI_BASE_URL',
    keyEnv: 'GEMINI_API_KEY',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    projectFiles: ['.gemini/settings.json'],
    systemSettingsEnv: 'GEMINI_CLI_SYSTEM_SETTINGS_PATH',
    telemetryEnv: { GEMINI_TELEMETRY_ENABLED: 'false' },
    // Clearcut usage logging; cloudcode-pa is Code Assist's API (the model for logged-in users).
    telemetryHosts: ['play.googleapis.com'],
    modelHosts: ['generativelanguage.googleapis.com', 'cloudcode-pa.googleapis.com', 'oauth2.googleapis.com'],
  },
  codex: {
    commands: ['codex'],
    api: 'openai',
    baseUrlEnv: 'OPENAI_BASE_URL',
    keyEnv: 'OPENAI_API_KEY',
    defaultBaseUrl: 'https://api.openai.com/v1',
    projectFiles: ['.codex/config.toml'],
    telemetryEnv: {},
    telemetryHosts: ['ab.chatgpt.com', '*.sentry.io', 'sentry.io'],
    modelHosts: [],
  },
};

/**
 * The agent a command runs (`qwen -p …`, `npx qwen`, `node …/claude`, `sh -c 'exec qwen …'`), by the
 * first word of the command line that names one, or undefined.
 */
export function guessAgent(argv: string[]): RunAgent | undefined {
  const words = argv.flatMap((a) => a.split(/[\s;&|()'"]+/)).map((w) => basename(w).replace(/\.(c?js|mjs)$/, ''));
  for (const w of words) for (const a of RUN_AGENTS) if (AGENT_FACTS[a].commands.includes(w) || w === a) return a;
  return undefined;
}
