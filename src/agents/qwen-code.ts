/**
 * Qwen Code (npm @qwen-code/qwen-code, command `qwen`). Its hooks follow Claude Code's contract,
 * with these differences, measured with 0.24 (docs/HOOKS.md):
 *  - exit 2 with empty stderr, exit 1, invalid JSON and a hook timeout all let the tool run, so a
 *    denial is always exit 2 + a non-empty reason on stderr + a JSON deny on stdout;
 *  - `updatedInput` is ignored, so Warden never rewrites a call, only denies it;
 *  - "ask" falls back to "deny" in headless runs; an "allow" answer would skip its own approval
 *    prompt, so an allow is silence;
 *  - UserPromptSubmit also fires when tool output goes back to the model, without `submitted_prompt`;
 *  - a repository's disableAllHooks switches user-level hooks off, and only the system settings
 *    file's explicit `disableAllHooks: false` overrides it;
 *  - its own tool sandbox (tools.sandbox, QWEN_SANDBOX) switches every hook off;
 *  - it reports usage statistics to Alibaba unless `privacy.usageStatisticsEnabled` is false.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { claudeStyleAnswer, claudeStylePostToolWarning } from './answers.ts';
import { getPath, usageStatistics } from './checks.ts';
import { kindOf } from './tools.ts';
import { baseKeys, exactNames, systemKeys } from './managed.ts';
import type { AgentModule, HookPayload } from './types.ts';

export const qwenCode: AgentModule = {
  id: 'qwen-code',
  name: 'Qwen Code',
  binaries: ['qwen'],
  packages: ['@qwen-code/qwen-code'],
  events: {
    pre: 'PreToolUse',
    post: ['PostToolUse', 'PostToolUseFailure'],
    prompt: 'UserPromptSubmit',
    // Documented events with no call or prompt to judge (recorded only). PermissionRequest fires
    // after PreToolUse has judged the same call.
    other: [
      'SessionStart',
      'SessionEnd',
      'Stop',
      'StopFailure',
      'SubagentStart',
      'SubagentStop',
      'Notification',
      'PreCompact',
      'PostCompact',
      'QueryEnd',
      'ConfigChange',
      'TeammateIdle',
      'TaskCompleted',
      'InstructionsLoaded',
      'CwdChanged',
      'FileChanged',
      'WorktreeCreate',
      'WorktreeRemove',
      'PermissionRequest',
    ],
  },
  tools: {
    run_shell_command: 'shell',
    // monitor runs a shell command too (and watches its output).
    monitor: 'shell',
    exec: 'javascript',
    write_file: 'write',
    edit: 'edit',
    notebook_edit: 'notebook',
    read_file: 'read',
    grep_search: 'search',
    glob: 'list',
    list_directory: 'list',
    read_many_files: 'read-many',
    web_fetch: 'fetch',
    save_memory: 'memory',
    cron_create: 'scheduled-prompt',
    todo_write: 'inert',
    exit_plan_mode: 'inert',
    ask_user_question: 'inert',
    web_search: 'inert',
    agent: 'inert',
    task: 'inert',
    skill: 'inert',
    lsp: 'inert',
    cron_list: 'inert',
    cron_delete: 'inert',
    omni_recall_media_memory: 'inert',
  },
  promptText(p: HookPayload) {
    // Without submitted_prompt the event is a model turn (tool output going back), not a prompt.
    const field = p.submitted_prompt !== undefined ? 'submitted_prompt' : 'prompt';
    const text = p[field];
    if (typeof text !== 'string') throw new Error(`the prompt event has no string "${field}" (${kindOf(text)})`);
    return field === 'prompt' ? undefined : text;
  },
  answer: claudeStyleAnswer,
  postToolWarning: claudeStylePostToolWarning,
  settings: {
    files: (cwd) => ({
      user: join(homedir(), '.qwen', 'settings.json'),
      project: join(cwd, '.qwen', 'settings.json'),
      system: process.env.QWEN_CODE_SYSTEM_SETTINGS_PATH ?? '/etc/qwen-code/settings.json',
    }),
    disableAllHooks: true,
  },
  telemetry: {
    off: [
      [['privacy', 'usageStatisticsEnabled'], false],
      [['telemetry', 'enabled'], false],
    ],
    // packages/core/src/telemetry/qwen-logger (USAGE_STATS_HOSTNAME, an Alibaba Cloud RUM endpoint;
    // read from the pinned 0.x bundle).
    hosts: ['gb4w8c3ygj-default-sea.rum.aliyuncs.com', '*.rum.aliyuncs.com', '*.arms.aliyuncs.com'],
    env: { QWEN_USAGE_STATISTICS_ENABLED: 'false', QWEN_TELEMETRY_ENABLED: 'false' },
  },
  run: {
    api: 'openai',
    defaultBaseUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
    projectFiles: ['.qwen/settings.json', '.mcp.json'],
    systemSettingsEnv: 'QWEN_CODE_SYSTEM_SETTINGS_PATH',
    modelHosts: [],
  },
  // Its system settings override user and project ones; tools.exclude removes a tool from the model.
  managedSettings: (policy) => {
    const keys = baseKeys(qwenCode);
    const excluded = exactNames(policy.tools.deny);
    if (excluded.length) keys.push([['tools', 'exclude'], excluded]);
    return [systemKeys(keys)];
  },
  projectDirEnv: 'QWEN_PROJECT_DIR',
  modelEnv: { baseUrl: ['OPENAI_BASE_URL'], apiKey: ['OPENAI_API_KEY', 'DASHSCOPE_API_KEY'] },
  probeTools: { shell: 'run_shell_command', write: 'write_file', read: 'read_file' },
  probePrompt: (text) => ({ submitted_prompt: text }),
  doctor(s, env) {
    const found = usageStatistics('qwen-code', 'Alibaba', 'QWEN_USAGE_STATISTICS_ENABLED', s, env);
    const sandbox = [s.system, s.project, s.user]
      .map((x) => getPath(x, ['tools', 'sandbox']) ?? x.sandbox)
      .find((v) => v !== undefined);
    if (
      (sandbox !== undefined && sandbox !== false) ||
      (env.QWEN_SANDBOX && env.QWEN_SANDBOX !== 'false' && env.QWEN_SANDBOX !== '0')
    )
      found.problems.push({
        problem:
          "Qwen Code's tool sandbox is on, and with it Qwen Code runs no hooks at all (measured with 0.24): Warden is not consulted",
        fix: "turn tools.sandbox off (and QWEN_SANDBOX) and keep Warden's hooks, or run the whole agent under bubblewrap outside Qwen Code",
      });
    else found.checks.push("Qwen Code's own sandbox is off, so hooks run");
    return found;
  },
};
