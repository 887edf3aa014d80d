/**
 * Hook adapters: each agent's hook payload becomes a Warden Event, and a Verdict becomes that
 * agent's answer (exit code, stdout JSON, stderr). The adapters are thin on purpose: every
 * decision is the engine's.
 *
 * Qwen Code 0.24 facts the Qwen adapter respects (measured; see docs/HOOKS.md):
 *  - exit 2 with empty stderr, exit 1, invalid JSON and a hook timeout all let the tool run, so a
 *    denial is always exit 2 + a non-empty reason on stderr + a JSON deny on stdout;
 *  - `updatedInput` is ignored, so Warden never tries to rewrite a call, only to deny it;
 *  - "ask" falls back to "deny" in headless runs;
 *  - answering "allow" would skip the agent's own approval prompt, so an allow is silence.
 */
import type { Decision, Event } from '../engine/types.ts';

export type Agent = 'qwen-code' | 'claude-code' | 'gemini-cli';
export const AGENTS: Agent[] = ['qwen-code', 'claude-code', 'gemini-cli'];

export interface HookPayload {
  session_id?: string;
  cwd?: string;
  hook_event_name?: string;
  tool_name?: string;
  tool_input?: Record<string, unknown>;
  tool_response?: unknown;
  prompt?: string;
  submitted_prompt?: string;
  [k: string]: unknown;
}

export type Phase = 'pre-tool' | 'post-tool' | 'prompt' | 'other';

/** The event name families of each agent. */
export function phaseOf(agent: Agent, p: HookPayload): Phase {
  const e = p.hook_event_name ?? '';
  if (agent === 'gemini-cli')
    return e === 'BeforeTool' ? 'pre-tool' : e === 'AfterTool' ? 'post-tool' : e === 'BeforeAgent' ? 'prompt' : 'other';
  return e === 'PreToolUse'
    ? 'pre-tool'
    : e === 'PostToolUse' || e === 'PostToolUseFailure'
      ? 'post-tool'
      : e === 'UserPromptSubmit'
        ? 'prompt'
        : 'other';
}

const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The tool call as Warden events (one call can be several: a multi-edit, many files read).
 * Returns [] for the agents' own tools that act on nothing outside the conversation (todo lists,
 * questions); a tool it does not know (an MCP server's) is an "other" event that the policy decides.
 * Throws for a call of a known risky tool whose input is not what the agent documents, so the
 * caller fails closed.
 */
export function toolEvents(agent: Agent, p: HookPayload): Event[] {
  const name = p.tool_name ?? '';
  const i = (p.tool_input ?? {}) as Record<string, unknown>;
  const cwd = s(i.directory) ?? s(i.dir_path) ?? p.cwd;
  const need = (v: unknown, what: string): string => {
    if (typeof v !== 'string') throw new Error(`${agent} ${name} call without a string ${what}`);
    return v;
  };
  const path = s(i.file_path) ?? s(i.absolute_path) ?? s(i.path) ?? s(i.notebook_path);
  switch (name) {
    // Shell: Qwen Code / Gemini run_shell_command, Qwen monitor (also runs a shell command), Claude Bash.
    case 'run_shell_command':
    case 'monitor':
    case 'Bash':
    case 'BashOutput':
      if (name === 'BashOutput') return [];
      return [{ tool: 'shell', command: need(i.command, 'command'), cwd }];
    case 'exec':
      return [{ tool: 'code', language: 'javascript', code: need(i.source, 'source'), cwd }];
    case 'write_file':
    case 'Write':
      return [{ tool: 'write', path: need(path, 'file_path'), content: need(i.content, 'content'), cwd }];
    case 'edit':
    case 'replace':
    case 'Edit':
      return [
        {
          tool: 'edit',
          path: need(path, 'file_path'),
          old: need(i.old_string, 'old_string'),
          new: need(i.new_string, 'new_string'),
          replaceAll: i.replace_all === true,
          cwd,
        },
      ];
    case 'MultiEdit': {
      const edits = Array.isArray(i.edits) ? (i.edits as Record<string, unknown>[]) : [];
      const file = need(path, 'file_path');
      return edits.map((e) => ({
        tool: 'edit' as const,
        path: file,
        old: need(e.old_string, 'old_string'),
        new: need(e.new_string, 'new_string'),
        replaceAll: e.replace_all === true,
        cwd,
      }));
    }
    case 'notebook_edit':
    case 'NotebookEdit':
      return [
        {
          tool: 'code',
          language: 'python',
          code: need(i.new_source, 'new_source'),
          path: need(path, 'notebook_path'),
          cwd,
        },
      ];
    case 'read_file':
    case 'Read':
    case 'grep_search':
    case 'Grep':
    case 'search_file_content':
      return path ? [{ tool: 'read', path, cwd }] : [];
    case 'glob':
    case 'Glob':
    case 'list_directory':
    case 'LS': {
      // Listing is judged as reading where it looks: the folder, and a pattern's own path.
      const pattern = s(i.pattern),
        dir = path ?? s(i.dir_path);
      const where = [
        dir,
        pattern && /^[/~]/.test(pattern)
          ? pattern
          : pattern && dir
            ? `${dir.replace(/\/+$/, '')}/${pattern}`
            : undefined,
      ];
      return where.filter((x): x is string => !!x).map((x) => ({ tool: 'read' as const, path: x, cwd }));
    }
    case 'read_many_files': {
      const paths = Array.isArray(i.paths)
        ? (i.paths as unknown[]).filter((x): x is string => typeof x === 'string')
        : [];
      return paths.map((x) => ({ tool: 'read' as const, path: x, cwd }));
    }
    case 'web_fetch':
    case 'WebFetch': {
      if (typeof i.url === 'string') return [{ tool: 'fetch', url: i.url, cwd }];
      // Gemini's web_fetch takes a prompt with the URLs in it.
      const urls = (s(i.prompt) ?? '').match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
      return urls.map((url) => ({ tool: 'fetch' as const, url, cwd }));
    }
    // Memories and scheduled prompts go into every later prompt to the model vendor: judged as prompts.
    case 'save_memory':
      return typeof i.fact === 'string' ? [{ tool: 'prompt', text: i.fact }] : [];
    case 'cron_create':
      return typeof i.prompt === 'string' ? [{ tool: 'prompt', text: i.prompt }] : [];
    default:
      // Tools that neither run, write, read nor fetch anything themselves; a sub-agent's own tool
      // calls come through these hooks one by one.
      if (INERT_TOOLS.has(name)) return [];
      // Anything else (an MCP server's tool, a plugin's) could do anything: the policy decides.
      return name ? [{ tool: 'other', name, cwd }] : [];
  }
}

/** The agents' own tools that act on nothing outside the conversation (by each agent's names). */
const INERT_TOOLS = new Set([
  'todo_write',
  'TodoWrite',
  'write_todos',
  'exit_plan_mode',
  'ExitPlanMode',
  'ask_user_question',
  'AskUserQuestion',
  'web_search',
  'WebSearch',
  'google_web_search',
  'agent',
  'task',
  'Task',
  'skill',
  'Skill',
  'activate_skill',
  'lsp',
  'cron_list',
  'cron_delete',
  'KillShell',
  'KillBash',
  'SlashCommand',
  'NotebookRead',
  'ListMcpResourcesTool',
  'ReadMcpResourceTool',
  'omni_recall_media_memory',
]);

/** The prompt a user submitted, when the payload says it is the user's (not tool output being sent on). */
export function userPrompt(agent: Agent, p: HookPayload): string | undefined {
  if (agent === 'qwen-code') return s(p.submitted_prompt);
  return s(p.prompt);
}

export interface HookAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

/** The agent's answer for a decision. `reason` is what the model (and the user) read. */
export function answer(agent: Agent, phase: Phase, decision: Decision, reason: string): HookAnswer {
  const text = `Warden ${decision === 'deny' ? 'denied' : 'wants approval for'} this: ${reason}`;
  if (phase === 'pre-tool') {
    if (decision === 'allow') return { code: 0, stdout: '', stderr: '' };
    if (agent === 'gemini-cli') {
      return decision === 'deny'
        ? { code: 2, stdout: JSON.stringify({ decision: 'deny', reason: text }), stderr: text + '\n' }
        : { code: 0, stdout: JSON.stringify({ decision: 'ask', reason: text }), stderr: '' };
    }
    const out = JSON.stringify({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision, permissionDecisionReason: text },
    });
    return decision === 'deny' ? { code: 2, stdout: out, stderr: text + '\n' } : { code: 0, stdout: out, stderr: '' };
  }
  if (phase === 'prompt') {
    if (decision === 'allow') return { code: 0, stdout: '', stderr: '' };
    // A prompt cannot be "asked" about: holding it back is the only safe answer.
    const out =
      agent === 'gemini-cli'
        ? JSON.stringify({ decision: 'deny', reason: text })
        : JSON.stringify({ decision: 'block', reason: text });
    return { code: 2, stdout: out, stderr: text + '\n' };
  }
  return { code: 0, stdout: '', stderr: '' };
}
