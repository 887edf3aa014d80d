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
import { isAbsolute, resolve } from 'node:path';
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

/** 'unknown': an event name the adapter cannot name; judged as a pre-tool call it cannot read. */
export type Phase = 'pre-tool' | 'post-tool' | 'prompt' | 'other' | 'unknown';

/**
 * Each agent's documented events that carry no tool call or prompt to judge (recorded only).
 * Anything else, a renamed or misspelt event included, is 'unknown': a new release that renames
 * PreToolUse must not switch the guard off.
 */
const CLAUDE_LIKE_OTHER = new Set([
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
  // Fires after PreToolUse has judged the same call (Warden installs no hook for it).
  'PermissionRequest',
]);
const GEMINI_OTHER = new Set([
  'SessionStart',
  'SessionEnd',
  'AfterAgent',
  'BeforeModel',
  'AfterModel',
  'BeforeToolSelection',
  'PreCompress',
  'Notification',
]);

/** The event name families of each agent. */
export function phaseOf(agent: Agent, p: HookPayload): Phase {
  const e = p && typeof p === 'object' && !Array.isArray(p) ? p.hook_event_name : undefined;
  if (typeof e !== 'string') return 'unknown';
  if (agent === 'gemini-cli')
    return e === 'BeforeTool'
      ? 'pre-tool'
      : e === 'AfterTool'
        ? 'post-tool'
        : e === 'BeforeAgent'
          ? 'prompt'
          : GEMINI_OTHER.has(e)
            ? 'other'
            : 'unknown';
  return e === 'PreToolUse'
    ? 'pre-tool'
    : e === 'PostToolUse' || e === 'PostToolUseFailure'
      ? 'post-tool'
      : e === 'UserPromptSubmit'
        ? 'prompt'
        : CLAUDE_LIKE_OTHER.has(e)
          ? 'other'
          : 'unknown';
}

/** What a value is, for an error message. */
const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/**
 * The input keys each read, search or list tool documents (any of the three agents). A string
 * under any other key may be a path under a renamed parameter: it is judged as a read too, so
 * a renamed key can add a question, never hide a path.
 */
const READ_KEYS: Record<string, string[]> = {
  read: ['file_path', 'absolute_path', 'path', 'offset', 'limit', 'pages'],
  search: [
    'pattern',
    'path',
    'dir_path',
    'include',
    'glob',
    'type',
    'output_mode',
    '-i',
    '-n',
    '-A',
    '-B',
    '-C',
    'context',
    'after',
    'before',
    'multiline',
    'head_limit',
    'offset',
    'limit',
    'case_sensitive',
    'fixed_strings',
    'no_ignore',
  ],
  list: [
    'pattern',
    'path',
    'dir_path',
    'ignore',
    'case_sensitive',
    'respect_git_ignore',
    'respect_gemini_ignore',
    'file_filtering_options',
  ],
  many: ['paths', 'include', 'exclude', 'recursive', 'useDefaultExcludes', 'file_filtering_options'],
  fetch: ['url', 'prompt'],
};

/** Strings under keys a tool does not document (and in arrays or objects under them), at most 3 levels deep. */
function unknownStrings(i: Record<string, unknown>, known: string[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown, depth: number) => {
    if (typeof v === 'string') out.push(v);
    else if (depth < 3 && v && typeof v === 'object')
      for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, depth + 1);
  };
  for (const [k, v] of Object.entries(i)) if (!known.includes(k)) walk(v, 0);
  return out;
}

/**
 * The tool call as Warden events (one call can be several: a multi-edit, many files read).
 * Returns [] for the agents' own tools that act on nothing outside the conversation (todo lists,
 * questions); a tool it does not know (an MCP server's) is an "other" event that the policy decides.
 * Throws for a call without a tool name, and for a call of a known tool whose input is not what
 * the agent documents (a missing, renamed or mistyped parameter), so the caller fails closed.
 */
export function toolEvents(agent: Agent, p: HookPayload): Event[] {
  const name = p.tool_name;
  if (typeof name !== 'string' || !name.trim())
    throw new Error(
      `"tool_name" is ${name === undefined ? 'missing' : typeof name === 'string' ? 'empty' : kindOf(name)}`,
    );
  const raw = p.tool_input;
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw)))
    throw new Error(`${agent} ${name} call whose "tool_input" is ${kindOf(raw)}, not an object`);
  const i = (raw ?? {}) as Record<string, unknown>;
  const need = (v: unknown, what: string): string => {
    if (typeof v !== 'string') throw new Error(`${agent} ${name} call without a string ${what}`);
    return v;
  };
  /**
   * The value of whichever of `keys` (one parameter's names across agents and releases) is present.
   * Present but not a string is a mistyped input, not "no path"; two different values are a call
   * whose target depends on which name the tool reads: neither is assumed.
   */
  const optional = (...keys: string[]): string | undefined => {
    const present = keys.filter((k) => i[k] !== undefined);
    for (const k of present)
      if (typeof i[k] !== 'string') throw new Error(`${agent} ${name} call whose "${k}" is ${kindOf(i[k])}`);
    const values = [...new Set(present.map((k) => i[k] as string))];
    if (values.length > 1) throw new Error(`${agent} ${name} call with different ${present.join(' and ')}`);
    return values[0];
  };
  // A shell tool's own folder (Gemini: dir_path, formerly directory) is relative to the session's.
  const dir = /^(run_shell_command|monitor|Bash)$/.test(name) ? optional('directory', 'dir_path') : undefined;
  const cwd = dir === undefined ? p.cwd : p.cwd && !isAbsolute(dir) ? resolve(p.cwd, dir) : dir;
  const reads = (paths: (string | undefined)[]): Event[] =>
    paths.filter((x): x is string => !!x).map((x) => ({ tool: 'read' as const, path: x, cwd }));
  const target = () => optional('file_path', 'absolute_path', 'path', 'notebook_path');
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
      return [{ tool: 'write', path: need(target(), 'file_path'), content: need(i.content, 'content'), cwd }];
    case 'edit':
    case 'replace':
    case 'Edit':
      return [
        {
          tool: 'edit',
          path: need(target(), 'file_path'),
          old: need(i.old_string, 'old_string'),
          new: need(i.new_string, 'new_string'),
          replaceAll: i.replace_all === true,
          cwd,
        },
      ];
    case 'MultiEdit': {
      if (!Array.isArray(i.edits) || !i.edits.length) throw new Error(`${agent} ${name} call without a list of edits`);
      const file = need(target(), 'file_path');
      return (i.edits as unknown[]).map((e) => {
        const o = (e && typeof e === 'object' ? e : {}) as Record<string, unknown>;
        return {
          tool: 'edit' as const,
          path: file,
          old: need(o.old_string, 'old_string'),
          new: need(o.new_string, 'new_string'),
          replaceAll: o.replace_all === true,
          cwd,
        };
      });
    }
    case 'notebook_edit':
    case 'NotebookEdit':
      return [
        {
          tool: 'code',
          language: 'python',
          code: need(i.new_source, 'new_source'),
          path: need(target(), 'notebook_path'),
          cwd,
        },
      ];
    case 'read_file':
    case 'Read':
      return reads([
        need(optional('file_path', 'absolute_path', 'path'), 'file_path'),
        ...unknownStrings(i, READ_KEYS.read),
      ]);
    case 'grep_search':
    case 'Grep':
    case 'search_file_content':
      // Without a path the search runs in the working folder.
      return reads([optional('path', 'dir_path'), ...unknownStrings(i, READ_KEYS.search)]);
    case 'glob':
    case 'Glob':
    case 'list_directory':
    case 'LS': {
      // Listing is judged as reading where it looks: the folder, and a pattern's own path.
      const pattern = optional('pattern'),
        dir = optional('path', 'dir_path');
      return reads([
        dir,
        // An absolute pattern, or one that climbs out of the folder, is where the listing looks.
        pattern && (/^[/~]/.test(pattern) || (!dir && /(^|\/)\.\.(\/|$)/.test(pattern)))
          ? pattern
          : pattern && dir
            ? `${dir.replace(/\/+$/, '')}/${pattern}`
            : undefined,
        ...unknownStrings(i, READ_KEYS.list),
      ]);
    }
    case 'read_many_files': {
      // Qwen Code names them `paths`, Gemini CLI `include`; either must be a list of strings.
      const lists = [i.paths, i.include].filter((v) => v !== undefined);
      if (!lists.length || lists.some((l) => !Array.isArray(l) || l.some((x) => typeof x !== 'string')))
        throw new Error(`${agent} ${name} call without a list of paths`);
      return reads([...(lists.flat() as string[]), ...unknownStrings(i, READ_KEYS.many)]);
    }
    case 'web_fetch':
    case 'WebFetch': {
      // Gemini's web_fetch takes a prompt with the URLs in it; URLs under an unknown key count too.
      // (Gemini CLI fetches the URLs in its prompt whatever else the call holds.)
      const url = optional('url');
      const prompt =
        url === undefined ? need(i.prompt, 'url or prompt') : agent === 'gemini-cli' ? (optional('prompt') ?? '') : '';
      const text = [prompt, ...unknownStrings(i, READ_KEYS.fetch)];
      const urls = text.join(' ').match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
      return [...(url === undefined ? [] : [url]), ...urls].map((u) => ({ tool: 'fetch' as const, url: u, cwd }));
    }
    // Memories and scheduled prompts go into every later prompt to the model vendor: judged as prompts.
    case 'save_memory':
      return [{ tool: 'prompt', text: need(i.fact, 'fact') }];
    case 'cron_create':
      return [{ tool: 'prompt', text: need(i.prompt, 'prompt') }];
    default:
      // Tools that neither run, write, read nor fetch anything themselves; a sub-agent's own tool
      // calls come through these hooks one by one.
      if (INERT_TOOLS.has(name)) return [];
      // Anything else (an MCP server's tool, a plugin's) could do anything: the policy decides.
      return [{ tool: 'other', name, cwd }];
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

/**
 * The prompt a user submitted, as events: [] when the payload is a model turn (Qwen Code also
 * fires UserPromptSubmit when tool output goes back to the model, without `submitted_prompt`).
 * Throws when neither field is readable, so a renamed field fails closed.
 */
export function promptEvents(agent: Agent, p: HookPayload): Event[] {
  const field = agent === 'qwen-code' && p.submitted_prompt !== undefined ? 'submitted_prompt' : 'prompt';
  const text = p[field];
  if (typeof text !== 'string') throw new Error(`the prompt event has no string "${field}" (${kindOf(text)})`);
  if (agent === 'qwen-code' && field === 'prompt') return [];
  return [{ tool: 'prompt', text }];
}

export interface HookAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

/** The agent's answer for a decision. `reason` is what the model (and the user) read. */
export function answer(agent: Agent, phase: Phase, decision: Decision, reason: string): HookAnswer {
  const text = `Warden ${decision === 'deny' ? 'denied' : 'wants approval for'} this: ${reason}`;
  if (phase === 'pre-tool' || phase === 'unknown') {
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
