/**
 * Reading a tool call into Warden events, by what the tool does (its ToolKind), for every agent:
 * the agent modules only say which of their tool names is which kind. The readers are strict: a
 * known tool whose input is not what the agents document (a missing, renamed or mistyped
 * parameter) throws, so the caller fails closed; a string under a key a reading tool does not
 * document is judged as a path too, so a renamed key can add a question, never hide a path.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Event } from '../engine/types.ts';
import type { AgentModule, HookPayload, ToolKind } from './types.ts';

/** What a value is, for an error message. */
export const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/** The input keys each read, search or list tool documents (any agent's). */
const READ_KEYS: Partial<Record<ToolKind, string[]>> = {
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
  'read-many': ['paths', 'include', 'exclude', 'recursive', 'useDefaultExcludes', 'file_filtering_options'],
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

/** Argument names under which tools take a shell command (matched without case, `_` or `-`). */
const COMMAND_KEYS = new Set([
  'command',
  'cmd',
  'commandline',
  'shellcommand',
  'script',
  'bash',
  'sh',
  'shell',
  'exec',
]);

/** The string values of an unknown tool's command-like arguments (top level and one object down). */
function commandArguments(i: Record<string, unknown>): string[] {
  const out: string[] = [];
  const look = (o: Record<string, unknown>, depth: number) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string' && v.trim() && COMMAND_KEYS.has(k.toLowerCase().replace(/[-_]/g, ''))) out.push(v);
      else if (depth < 1 && v && typeof v === 'object' && !Array.isArray(v))
        look(v as Record<string, unknown>, depth + 1);
    }
  };
  look(i, 0);
  return out;
}

/** The typed accessors of one call's input; each throws with the agent, tool and parameter named. */
function inputReader(agent: string, name: string, i: Record<string, unknown>) {
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
  const target = () => optional('file_path', 'absolute_path', 'path', 'notebook_path');
  return { need, optional, target };
}

/**
 * The tool call as Warden events (one call can be several: a multi-edit, many files read).
 * `kind` is how the agent (or the registry, for another agent's tool name) reads this tool;
 * undefined is a tool nobody knows (an MCP server's, a plugin's): an "other" event the policy decides.
 */
export function readToolCall(agent: AgentModule, kind: ToolKind | undefined, p: HookPayload): Event[] {
  const name = p.tool_name;
  if (typeof name !== 'string' || !name.trim())
    throw new Error(
      `"tool_name" is ${name === undefined ? 'missing' : typeof name === 'string' ? 'empty' : kindOf(name)}`,
    );
  const raw = p.tool_input;
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw)))
    throw new Error(`${agent.id} ${name} call whose "tool_input" is ${kindOf(raw)}, not an object`);
  const i = (raw ?? {}) as Record<string, unknown>;
  const { need, optional, target } = inputReader(agent.id, name, i);
  // A shell tool's own folder (Gemini: dir_path, formerly directory) is relative to the session's.
  const dir = kind === 'shell' ? optional('directory', 'dir_path') : undefined;
  const cwd = dir === undefined ? p.cwd : p.cwd && !isAbsolute(dir) ? resolve(p.cwd, dir) : dir;
  const reads = (paths: (string | undefined)[]): Event[] =>
    paths.filter((x): x is string => !!x).map((x) => ({ tool: 'read' as const, path: x, cwd }));
  switch (kind) {
    case 'shell':
      return [{ tool: 'shell', command: need(i.command, 'command'), cwd }];
    case 'shell-input':
      // Text typed into a running shell session is a command like any other.
      return [{ tool: 'shell', command: need(i.chars, 'chars'), cwd }];
    case 'javascript':
      return [{ tool: 'code', language: 'javascript', code: need(i.source, 'source'), cwd }];
    case 'write':
      return [{ tool: 'write', path: need(target(), 'file_path'), content: need(i.content, 'content'), cwd }];
    case 'edit':
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
    case 'multi-edit':
      return multiEdit(agent.id, name, i, () => need(target(), 'file_path'), cwd);
    case 'notebook':
      return [
        {
          tool: 'code',
          language: 'python',
          code: need(i.new_source, 'new_source'),
          path: need(target(), 'notebook_path'),
          cwd,
        },
      ];
    case 'read':
      return reads([
        need(optional('file_path', 'absolute_path', 'path'), 'file_path'),
        ...unknownStrings(i, READ_KEYS.read!),
      ]);
    case 'search':
      // Without a path the search runs in the working folder.
      return reads([optional('path', 'dir_path'), ...unknownStrings(i, READ_KEYS.search!)]);
    case 'list':
      return reads(listTargets(i, optional));
    case 'read-many': {
      // Qwen Code names them `paths`, Gemini CLI `include`; either must be a list of strings.
      const lists = [i.paths, i.include].filter((v) => v !== undefined);
      if (!lists.length || lists.some((l) => !Array.isArray(l) || l.some((x) => typeof x !== 'string')))
        throw new Error(`${agent.id} ${name} call without a list of paths`);
      return reads([...(lists.flat() as string[]), ...unknownStrings(i, READ_KEYS['read-many']!)]);
    }
    case 'fetch':
      return fetches(agent, i, need, optional, cwd);
    // Memories and scheduled prompts go into every later prompt to the model vendor: judged as prompts.
    case 'memory':
      return [{ tool: 'prompt', text: need(i.fact, 'fact') }];
    case 'scheduled-prompt':
      return [{ tool: 'prompt', text: need(i.prompt, 'prompt') }];
    case 'patch':
      return patchEvents(agent.id, name, need(i.command ?? i.input ?? i.patch, 'patch'), cwd);
    case 'inert':
      // Tools that neither run, write, read nor fetch anything themselves; a sub-agent's own tool
      // calls come through the hooks one by one.
      return [];
    default:
      // Anything else (an MCP server's tool, a plugin's) could do anything: the policy decides. What
      // it is handed as a command is judged too, as the shell command it most likely is: a shell tool
      // under another name (mcp__term__exec { cmd: "curl … | sh" }) must not carry a download piped
      // into sh past the guard, nor past the gateway, which judges only the calls it can read.
      return [
        { tool: 'other', name, cwd },
        ...commandArguments(i).map((command) => ({ tool: 'shell' as const, command, cwd })),
      ];
  }
}

function multiEdit(
  agent: string,
  name: string,
  i: Record<string, unknown>,
  target: () => string,
  cwd?: string,
): Event[] {
  // The list is checked before the file, as the error a caller sees names the first thing missing.
  if (!Array.isArray(i.edits) || !i.edits.length) throw new Error(`${agent} ${name} call without a list of edits`);
  const file = target();
  return (i.edits as unknown[]).map((e) => {
    const o = (e && typeof e === 'object' ? e : {}) as Record<string, unknown>;
    const { need } = inputReader(agent, name, o);
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

/** Listing is judged as reading where it looks: the folder, and a pattern's own path. */
function listTargets(i: Record<string, unknown>, optional: (...k: string[]) => string | undefined) {
  const pattern = optional('pattern'),
    dir = optional('path', 'dir_path');
  return [
    dir,
    // An absolute pattern, or one that climbs out of the folder, is where the listing looks.
    pattern && (/^[/~]/.test(pattern) || (!dir && /(^|\/)\.\.(\/|$)/.test(pattern)))
      ? pattern
      : pattern && dir
        ? `${dir.replace(/\/+$/, '')}/${pattern}`
        : undefined,
    ...unknownStrings(i, READ_KEYS.list!),
  ];
}

function fetches(
  agent: AgentModule,
  i: Record<string, unknown>,
  need: (v: unknown, what: string) => string,
  optional: (...k: string[]) => string | undefined,
  cwd?: string,
): Event[] {
  // Gemini's web_fetch takes a prompt with the URLs in it; URLs under an unknown key count too.
  // (Gemini CLI fetches the URLs in its prompt whatever else the call holds.)
  const url = optional('url');
  const prompt =
    url === undefined ? need(i.prompt, 'url or prompt') : agent.fetchesPromptUrls ? (optional('prompt') ?? '') : '';
  const text = [prompt, ...unknownStrings(i, READ_KEYS.fetch!)];
  const urls = text.join(' ').match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
  return [...(url === undefined ? [] : [url]), ...urls].map((u) => ({ tool: 'fetch' as const, url: u, cwd }));
}

/**
 * An apply_patch envelope (`*** Begin Patch` … `*** End Patch`) as the writes, edits and deletions
 * it makes: an added file is a write of its `+` lines, an updated one an edit from its `-` lines to
 * its `+` lines (at its new name when it moves), a deleted one an `rm` of that path. A patch with
 * no file in it is not one Warden can read, and throws.
 */
export function patchEvents(agent: string, name: string, patch: string, cwd?: string): Event[] {
  const out: Event[] = [];
  let cur: { op: string; path: string; moveTo?: string; plus: string[]; minus: string[] } | undefined;
  const flush = () => {
    if (!cur) return;
    const path = cur.moveTo ?? cur.path;
    if (cur.op === 'Add') out.push({ tool: 'write', path, content: cur.plus.join('\n') + '\n', cwd });
    else if (cur.op === 'Delete') out.push({ tool: 'shell', command: `rm -- ${shellQuote(cur.path)}`, cwd });
    else out.push({ tool: 'edit', path, old: cur.minus.join('\n'), new: cur.plus.join('\n'), replaceAll: false, cwd });
    cur = undefined;
  };
  for (const line of patch.split(/\r?\n/)) {
    const file = /^\*\*\* (Add|Update|Delete) File: (.+)$/.exec(line);
    const move = /^\*\*\* Move to: (.+)$/.exec(line);
    if (file) {
      flush();
      cur = { op: file[1], path: file[2].trim(), plus: [], minus: [] };
    } else if (move && cur) cur.moveTo = move[1].trim();
    else if (cur && line.startsWith('+')) cur.plus.push(line.slice(1));
    else if (cur && line.startsWith('-')) cur.minus.push(line.slice(1));
  }
  flush();
  if (!out.length) throw new Error(`${agent} ${name} call whose patch names no file`);
  return out;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
