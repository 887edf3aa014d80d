/**
 * OpenAI Codex CLI (npm @openai/codex, command `codex`; facts measured with 0.169.0 and read from
 * its hook engine's published source). Its hooks take Claude Code's payload and answer shapes,
 * with these differences:
 *  - hooks live in `hooks.json` beside `config.toml` in each config folder ($CODEX_HOME, default
 *    ~/.codex; <project>/.codex; /etc/codex), and a hook from the user or project folder runs only
 *    once trusted: `[hooks.state."<hooks.json path>:<event>:<group>:<handler>"] trusted_hash` in the
 *    user's config.toml must equal the sha256 of the hook's normalized definition. An untrusted or
 *    changed hook is skipped silently, so install writes the hash and doctor recomputes it. Hooks
 *    in /etc/codex are managed: trusted without a hash, and a repository cannot remove them.
 *  - a PreToolUse answer of "ask" (or "allow") is unsupported and counts as a failed hook, which
 *    lets the call run: Warden's "ask" is answered as a denial that says approval is wanted.
 *  - a failed hook (exit other than 0 and 2, a timeout) lets the call run, so the installed
 *    command keeps its own deadline and denies (src/hooks/install.ts).
 *  - shell calls arrive as tool_name "Bash" with `{command}`; file changes as "apply_patch" with the
 *    patch text; MCP tools as "mcp__server__tool".
 *  - usage data: OTLP metrics to ab.chatgpt.com and analytics events, off with `[analytics] enabled = false`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { answerText, claudeStyleAnswer, claudeStylePostToolWarning } from './answers.ts';
import { claudeCode } from './claude-code.ts';
import { asksAnything, deniesAnything } from './managed.ts';
import type { AgentModule, DoctorFindings, HookInstaller, InstallResult, Policy, Scope } from './types.ts';

/** The hook timeout Warden installs, in seconds (the installed command denies at 7.5 s by itself). */
const TIMEOUT_S = 10;
/** Codex's own names for the events in trust keys, by hooks.json event name. */
const LABELS: Record<string, string> = {
  PreToolUse: 'pre_tool_use',
  PostToolUse: 'post_tool_use',
  UserPromptSubmit: 'user_prompt_submit',
};
/** The events Warden installs, with the matcher each takes (Codex ignores it for prompts). */
const INSTALLED: [event: string, matcher: string | undefined][] = [
  ['PreToolUse', '*'],
  ['PostToolUse', '*'],
  ['UserPromptSubmit', undefined],
];
const BLOCK_START = '# >>> warden: hook trust (written by `warden install codex`; do not edit)';
const BLOCK_END = '# <<< warden';

export const codexHome = () => process.env.CODEX_HOME || join(homedir(), '.codex');
const folders = (cwd: string): Record<Scope, string> => ({
  user: codexHome(),
  project: join(cwd, '.codex'),
  // Codex always reads /etc/codex; the variable is Warden's own, for tests that cannot write /etc.
  system: process.env.CODEX_SYSTEM_CONFIG_DIR ?? '/etc/codex',
});

type Json = Record<string, unknown>;
type Group = { matcher?: string; hooks?: Json[] };

const isWarden = (h: unknown) =>
  !!h &&
  typeof h === 'object' &&
  /warden(?:\.js)?'? hook |warden-hook-client'? /.test(String((h as { command?: unknown }).command ?? ''));

/** Keys sorted at every level, compact: the canonical JSON Codex hashes. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Json)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Json)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * The trust hash Codex computes for one command hook: its event's label, the group's matcher and
 * the handler alone, with the timeout written out (600 when unset) and `async` false when unset.
 */
export function trustHash(event: string, matcher: string | undefined, handler: Json): string {
  const h: Json = {
    type: 'command',
    command: handler.command,
    timeout: Math.max(1, Number(handler.timeout ?? handler.timeoutSec ?? 600)),
    async: handler.async === true,
    statusMessage: handler.statusMessage,
  };
  const identity = {
    event_name: LABELS[event] ?? event,
    matcher: event === 'UserPromptSubmit' ? undefined : matcher,
    hooks: [h],
  };
  return 'sha256:' + createHash('sha256').update(canonical(identity)).digest('hex');
}

function readHooksFile(file: string): Json {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  if (!text.trim()) return {};
  try {
    const j = JSON.parse(text) as Json;
    if (!j || typeof j !== 'object' || Array.isArray(j)) throw new Error('not a JSON object');
    return j;
  } catch (e) {
    throw new UserError(
      `${file} is not valid JSON (${(e as Error).message}); fix it first, Warden will not overwrite it`,
    );
  }
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.warden-tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

/** hooks.json without Warden's handlers (and groups and events left empty). */
function withoutWarden(file: Json): Json {
  const hooks = file.hooks as Record<string, Group[]> | undefined;
  if (!hooks || typeof hooks !== 'object') return file;
  for (const ev of Object.keys(hooks)) {
    if (!Array.isArray(hooks[ev])) continue;
    hooks[ev] = hooks[ev]
      .map((g) => (g && Array.isArray(g.hooks) ? { ...g, hooks: g.hooks.filter((h) => !isWarden(h)) } : g))
      .filter((g) => !(g && Array.isArray(g.hooks) && g.hooks.length === 0));
    if (!hooks[ev].length) delete hooks[ev];
  }
  if (!Object.keys(hooks).length) delete file.hooks;
  return file;
}

/** The trust entries (key → hash) of Warden's handlers in a hooks.json. */
function trustEntries(path: string, file: Json): Map<string, string> {
  const out = new Map<string, string>();
  const hooks = (file.hooks ?? {}) as Record<string, Group[]>;
  for (const [ev, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups) || !LABELS[ev]) continue;
    groups.forEach((g, gi) =>
      (g?.hooks ?? []).forEach((h, hi) => {
        if (isWarden(h)) out.set(`${path}:${LABELS[ev]}:${gi}:${hi}`, trustHash(ev, g.matcher, h));
      }),
    );
  }
  return out;
}

/** config.toml with Warden's block replaced by `block` (or removed), and any table of the same keys dropped. */
export function withTrustBlock(toml: string, trust: Map<string, string>, analyticsOff: boolean): string {
  const lines = toml.split('\n');
  const out: string[] = [];
  let inBlock = false,
    skipping = false;
  const ours = new Set([...trust.keys()].map((k) => `[hooks.state.${JSON.stringify(k)}]`));
  for (const line of lines) {
    if (line.trim() === BLOCK_START) inBlock = true;
    else if (inBlock && line.trim() === BLOCK_END) inBlock = false;
    else if (inBlock) continue;
    else if (/^\s*\[/.test(line)) {
      // A table for one of our keys outside the block (an earlier trust from Codex's own review) goes.
      skipping = ours.has(line.trim());
      if (!skipping) out.push(line);
    } else if (!skipping) out.push(line);
  }
  while (out.length && out[out.length - 1].trim() === '') out.pop();
  const block: string[] = [];
  for (const [k, h] of trust)
    block.push(`[hooks.state.${JSON.stringify(k)}]`, 'enabled = true', `trusted_hash = "${h}"`);
  if (analyticsOff && !/^\s*\[analytics\]|^\s*analytics\s*[.=]/m.test(out.join('\n')))
    block.push('[analytics]', 'enabled = false');
  if (!block.length) return out.length ? out.join('\n') + '\n' : '';
  return [...out, ...(out.length ? [''] : []), BLOCK_START, ...block, BLOCK_END, ''].join('\n');
}

/** The value of `key` in `[table]` of a TOML text (plain `key = value` lines only), or undefined. */
export function tomlValue(toml: string, table: string, key: string): string | undefined {
  let cur = '';
  for (const raw of toml.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) cur = header[1].trim();
    const kv = /^([\w.-]+)\s*=\s*(.+)$/.exec(line);
    if (!kv) continue;
    const full = (cur ? cur + '.' : '') + kv[1];
    if (full === `${table}.${key}`) return kv[2].trim();
  }
  return undefined;
}

const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');

const installer: HookInstaller = {
  files: (cwd) => {
    const f = folders(cwd);
    return {
      user: join(f.user, 'hooks.json'),
      project: join(f.project, 'hooks.json'),
      system: join(f.system, 'hooks.json'),
    };
  },
  install(scope, cwd, command): InstallResult {
    const file = installer.files(cwd)[scope];
    const before = readHooksFile(file);
    const next = withoutWarden(JSON.parse(JSON.stringify(before)) as Json);
    const hooks = ((next.hooks as Record<string, Group[]>) ??= {});
    for (const [ev, matcher] of INSTALLED)
      (hooks[ev] ??= []).push({
        ...(matcher ? { matcher } : {}),
        hooks: [{ type: 'command', command, timeout: TIMEOUT_S }],
      });
    const notes: string[] = [];
    let changed = JSON.stringify(before) !== JSON.stringify(next);
    if (changed) writeAtomically(file, JSON.stringify(next, null, 2) + '\n');
    // Trust lives in the user's config.toml whatever the scope; managed (system) hooks need none.
    const config = join(codexHome(), 'config.toml');
    const trust = scope === 'system' ? new Map<string, string>() : trustEntries(file, next);
    const had = read(config);
    // This file's earlier entries go (its hooks may have moved); other files' entries stay.
    const kept = [...userTrust(had)].filter(([k]) => scope === 'system' || !k.startsWith(file + ':'));
    const updated = withTrustBlock(had, new Map([...kept, ...trust]), true);
    if (updated !== had) {
      writeAtomically(config, updated);
      changed = true;
    }
    if (scope === 'project')
      notes.push(
        'project scope: Codex runs project hooks only in a trusted project, and a repository can remove them; prefer --scope user or system',
      );
    return { file, changed, notes };
  },
  uninstall(scope, cwd): InstallResult {
    const file = installer.files(cwd)[scope];
    if (!existsSync(file)) return { file, changed: false, notes: ['no settings file'] };
    const before = readHooksFile(file);
    const next = withoutWarden(JSON.parse(JSON.stringify(before)) as Json);
    const changed = JSON.stringify(before) !== JSON.stringify(next);
    if (changed) writeAtomically(file, JSON.stringify(next, null, 2) + '\n');
    const config = join(codexHome(), 'config.toml');
    const had = read(config);
    const left = new Map([...userTrust(had)].filter(([k]) => !k.startsWith(file + ':')));
    const updated = withTrustBlock(had, left, true);
    if (updated !== had) writeAtomically(config, updated);
    return { file, changed, notes: [] };
  },
  installed(cwd) {
    const out = {} as Record<Scope, Record<string, string[]>>;
    for (const [scope, file] of Object.entries(installer.files(cwd)) as [Scope, string][]) {
      out[scope] = {};
      let j: Json = {};
      try {
        j = readHooksFile(file);
      } catch {
        /* unreadable: nothing installed there */
      }
      for (const [ev, groups] of Object.entries((j.hooks ?? {}) as Record<string, Group[]>))
        if (Array.isArray(groups))
          out[scope][ev] = groups.flatMap((g) => (g?.hooks ?? []).filter(isWarden).map((h) => String(h.command)));
    }
    return out;
  },
};

/** The trust entries inside Warden's block of a config.toml. */
function userTrust(toml: string): Map<string, string> {
  const out = new Map<string, string>();
  const block = toml.split(BLOCK_START)[1]?.split(BLOCK_END)[0] ?? '';
  for (const m of block.matchAll(
    /^\[hooks\.state\.("(?:[^"\\]|\\.)*")\]\s*\nenabled = true\s*\ntrusted_hash = "([^"]+)"/gm,
  ))
    out.set(JSON.parse(m[1]) as string, m[2]);
  return out;
}

/** Is every Warden hook of `scope` trusted by the hash Codex will compute now? */
function untrusted(cwd: string): string[] {
  const home = read(join(codexHome(), 'config.toml'));
  const out: string[] = [];
  for (const scope of ['user', 'project'] as Scope[]) {
    const file = installer.files(cwd)[scope];
    let j: Json = {};
    try {
      j = readHooksFile(file);
    } catch {
      continue;
    }
    for (const [key, hash] of trustEntries(file, j))
      if (tomlValue(home, `hooks.state.${JSON.stringify(key)}`, 'trusted_hash') !== JSON.stringify(hash)) out.push(key);
  }
  return out;
}

function doctor(_s: unknown, env: NodeJS.ProcessEnv, cwd: string): DoctorFindings {
  const found: DoctorFindings = { checks: [], problems: [] };
  const f = folders(cwd);
  const configs = [join(f.system, 'config.toml'), join(codexHome(), 'config.toml'), join(f.project, 'config.toml')];
  for (const c of configs) {
    const t = read(c);
    if (['hooks', 'codex_hooks'].some((k) => tomlValue(t, 'features', k) === 'false'))
      found.problems.push({
        problem: `${c} sets [features] hooks = false, so Codex runs no hook`,
        fix: `remove the setting from ${c}`,
      });
  }
  const stale = untrusted(cwd);
  if (stale.length)
    found.problems.push({
      problem: `Codex skips Warden's hooks it does not trust (no matching trusted_hash for ${stale.join(', ')})`,
      fix: "warden install codex (it records the hooks' trust in config.toml)",
    });
  else found.checks.push("Codex trusts Warden's hooks (their trusted_hash matches)");
  const analytics = configs.map((c) => tomlValue(read(c), 'analytics', 'enabled')).filter((v) => v !== undefined);
  if (analytics.includes('false') && !analytics.includes('true')) found.checks.push('vendor analytics are off');
  else
    found.problems.push({
      problem: 'Codex analytics are on ([analytics] enabled is not false)',
      fix: 'warden install codex (sets [analytics] enabled = false in config.toml)',
    });
  if (env.CODEX_HOME !== undefined && !existsSync(env.CODEX_HOME))
    found.problems.push({
      problem: `CODEX_HOME (${env.CODEX_HOME}) does not exist`,
      fix: 'create it, or unset CODEX_HOME',
    });
  return found;
}

/**
 * /etc/codex/requirements.toml: the approval and sandbox modes a user may pick. A policy that asks
 * rules out "never" (no call ever asked about); one that denies rules out running with no sandbox.
 * Warden owns this file whole (its text is what the server compares).
 */
function requirements(policy: Policy): string {
  const approvals = ['untrusted', 'on-request', ...(asksAnything(policy) ? [] : ['never'])];
  const sandboxes = ['read-only', 'workspace-write', ...(deniesAnything(policy) ? [] : ['danger-full-access'])];
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  return (
    '# Written by Warden from the managed policy of its server: do not edit (the server reports drift).\n' +
    `allowed_approval_policies = ${list(approvals)}\n` +
    `allowed_sandbox_modes = ${list(sandboxes)}\n`
  );
}

export const codex: AgentModule = {
  id: 'codex',
  name: 'OpenAI Codex CLI',
  binaries: ['codex'],
  packages: ['@openai/codex'],
  events: {
    pre: 'PreToolUse',
    post: ['PostToolUse'],
    prompt: 'UserPromptSubmit',
    other: [
      'SessionStart',
      'SessionEnd',
      'Stop',
      'StopFailure',
      'PermissionRequest',
      'PreCompact',
      'PostCompact',
      'SubagentStart',
      'SubagentStop',
      'Interrupt',
      'PreModelRequest',
      'PostModelRequest',
    ],
  },
  tools: {
    Bash: 'shell',
    apply_patch: 'patch',
    view_image: 'read',
    // Text typed into a running command's session (an interactive shell reads it as a command).
    write_stdin: 'shell-input',
    update_plan: 'inert',
    request_user_input: 'inert',
    get_goal: 'inert',
    create_goal: 'inert',
    update_goal: 'inert',
    web_search: 'inert',
    spawn_agent: 'inert',
    send_input: 'inert',
    resume_agent: 'inert',
    wait_agent: 'inert',
    close_agent: 'inert',
    list_mcp_resources: 'inert',
    list_mcp_resource_templates: 'inert',
  },
  // apply_patch, view_image, write_stdin are Codex's: another agent's tool of that name is someone else's.
  lendsTools: false,
  promptText: claudeCode.promptText,
  answer(phase, decision, reason) {
    // Codex cannot ask from a hook (an "ask" answer is a failed hook, and the call runs): deny, saying so.
    if ((phase === 'pre-tool' || phase === 'unknown') && decision === 'ask') {
      const text = `${answerText('ask', reason)} (Codex hooks cannot ask, so Warden denies it; the user can run it)`;
      const out = JSON.stringify({
        hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: text },
      });
      return { code: 2, stdout: out, stderr: text + '\n' };
    }
    return claudeStyleAnswer(phase, decision, reason);
  },
  postToolWarning: claudeStylePostToolWarning,
  settings: {
    files: (cwd) => installer.files(cwd),
    disableAllHooks: false,
  },
  installer,
  // chatgpt.com itself is also the API of a ChatGPT sign-in: only its analytics host is telemetry.
  telemetry: {
    off: [[['analytics', 'enabled'], false]],
    hosts: ['ab.chatgpt.com', '*.sentry.io', 'sentry.io'],
    env: {},
  },
  run: {
    api: 'openai',
    defaultBaseUrl: 'https://api.openai.com/v1',
    projectFiles: ['.codex/config.toml'],
    modelHosts: [],
  },
  modelEnv: { baseUrl: ['OPENAI_BASE_URL'], apiKey: ['OPENAI_API_KEY', 'CODEX_API_KEY'] },
  managedSettings: (policy) => [{ file: 'requirements.toml', text: requirements(policy) }],
  managedPath: (file) => join(folders(process.cwd()).system, file),
  probeTools: { shell: 'Bash', write: 'apply_patch', read: 'view_image' },
  probeInput: {
    write: (file, content) => ({
      command: `*** Begin Patch\n*** Add File: ${file}\n${content.replace(/\n$/, '').replace(/^/gm, '+')}\n*** End Patch`,
    }),
    read: (file) => ({ path: file }),
  },
  doctor,
};
