/**
 * Gemini CLI (npm @google/gemini-cli, command `gemini`). Its own event names (BeforeTool,
 * AfterTool, BeforeAgent) and answer (`{decision, reason}`; a denial is also exit 2 + stderr);
 * hooks run only with `tools.enableHooks`. Its web_fetch fetches every URL in its prompt. Usage
 * statistics go to Google (Clearcut) unless `privacy.usageStatisticsEnabled` is false.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { geminiStyleAnswer, geminiStylePostToolWarning } from './answers.ts';
import { usageStatistics } from './checks.ts';
import { claudeCode } from './claude-code.ts';
import { asksAnything, baseKeys, exactNames, systemKeys } from './managed.ts';
import type { AgentModule } from './types.ts';

export const geminiCli: AgentModule = {
  id: 'gemini-cli',
  name: 'Gemini CLI',
  binaries: ['gemini'],
  packages: ['@google/gemini-cli'],
  events: {
    pre: 'BeforeTool',
    post: ['AfterTool'],
    prompt: 'BeforeAgent',
    other: [
      'SessionStart',
      'SessionEnd',
      'AfterAgent',
      'BeforeModel',
      'AfterModel',
      'BeforeToolSelection',
      'PreCompress',
      'Notification',
    ],
  },
  tools: {
    run_shell_command: 'shell',
    write_file: 'write',
    replace: 'edit',
    read_file: 'read',
    search_file_content: 'search',
    grep_search: 'search',
    glob: 'list',
    list_directory: 'list',
    read_many_files: 'read-many',
    web_fetch: 'fetch',
    save_memory: 'memory',
    write_todos: 'inert',
    google_web_search: 'inert',
    activate_skill: 'inert',
  },
  fetchesPromptUrls: true,
  promptText: claudeCode.promptText,
  answer: geminiStyleAnswer,
  postToolWarning: geminiStylePostToolWarning,
  settings: {
    files: (cwd) => ({
      user: join(homedir(), '.gemini', 'settings.json'),
      project: join(cwd, '.gemini', 'settings.json'),
      system: process.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH ?? '/etc/gemini-cli/settings.json',
    }),
    disableAllHooks: true,
    enable: [[['tools', 'enableHooks'], true]],
  },
  telemetry: {
    off: [
      [['privacy', 'usageStatisticsEnabled'], false],
      [['telemetry', 'enabled'], false],
    ],
    hosts: ['play.googleapis.com'], // Clearcut usage logging
    env: { GEMINI_TELEMETRY_ENABLED: 'false' },
  },
  run: {
    api: 'gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    projectFiles: ['.gemini/settings.json'],
    systemSettingsEnv: 'GEMINI_CLI_SYSTEM_SETTINGS_PATH',
    // cloudcode-pa is Code Assist's API (the model for logged-in users).
    modelHosts: ['generativelanguage.googleapis.com', 'cloudcode-pa.googleapis.com', 'oauth2.googleapis.com'],
  },
  // System settings override the user's and the project's. YOLO mode approves every call without
  // asking, which contradicts a policy that asks: it is switched off when the policy asks anything.
  managedSettings: (policy) => {
    const keys = baseKeys(geminiCli);
    const excluded = exactNames(policy.tools.deny);
    if (excluded.length) keys.push([['tools', 'exclude'], excluded]);
    if (asksAnything(policy)) keys.push([['security', 'disableYoloMode'], true]);
    return [systemKeys(keys)];
  },
  projectDirEnv: 'GEMINI_PROJECT_DIR',
  modelEnv: { baseUrl: ['GOOGLE_GEMINI_BASE_URL'], apiKey: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] },
  probeTools: { shell: 'run_shell_command', write: 'write_file', read: 'read_file' },
  doctor: (s, env) => usageStatistics('gemini-cli', 'Google', 'GEMINI_USAGE_STATISTICS_ENABLED', s, env),
};
