/**
 * Variables set in front of a command or exported: TLS verification off, programs and libraries
 * loaded through the environment, git hooks switched off, shell history off.
 */
import type { ShellCommand } from '../command.ts';
import { check } from './registry.ts';
import { PLAIN_PAGER_OR_EDITOR } from '../tables.ts';
import { alt } from '../tables.ts';

/** Variables that make a program load or run other code (preloads, pagers, editors, hooks). */
/** NODE_OPTIONS made only of flags that tune the runtime (memory, warnings, source maps, traces). */
const NODE_TUNING =
  /^\s*(?:--(?:max[-_]old[-_]space[-_]size|max[-_]semi[-_]space[-_]size|stack[-_]size|enable[-_]source[-_]maps|no[-_]warnings|no[-_]deprecation|trace[-_]warnings|trace[-_]deprecation|unhandled[-_]rejections|dns[-_]result[-_]order|openssl[-_]legacy[-_]provider|max[-_]http[-_]header[-_]size|disable[-_]warning)(?:=[\w.-]+)?\s*)+$/;

const LOADER_VARIABLE = new RegExp(
  String.raw`^${alt([
    'LD_PRELOAD',
    'LD_LIBRARY_PATH',
    'DYLD_INSERT_LIBRARIES',
    'BASH_ENV',
    'ENV',
    'PROMPT_COMMAND',
    'GIT_SSH_COMMAND',
    'GIT_SSH',
    'GIT_PROXY_COMMAND',
    'GIT_SEQUENCE_EDITOR',
    'GIT_TEMPLATE_DIR',
    'GIT_EXEC_PATH',
    'GIT_EXTERNAL_DIFF',
    'GIT_PAGER',
    'GIT_ASKPASS',
    'SSH_ASKPASS',
    'SUDO_ASKPASS',
    'LESSOPEN',
    'LESSCLOSE',
    'PAGER',
    'EDITOR',
    'VISUAL',
    'GIT_EDITOR',
    'MANPAGER',
    'PYTHONSTARTUP',
    'NODE_OPTIONS',
    'PERL5OPT',
    'RUBYOPT',
    'GOFLAGS',
  ])}$`,
);

check({
  id: 'environment.tls-off',
  phase: 'start',
  run(x) {
    // TLS verification switched off for what this command (or, exported, the session) downloads.
    const tlsOff = x.assigned.find(
      ([k, v]) =>
        (k === 'NODE_TLS_REJECT_UNAUTHORIZED' && v === '0') ||
        (/^(?:GIT_SSL_NO_VERIFY|PYTHONHTTPSVERIFY)$/.test(k) &&
          (k === 'PYTHONHTTPSVERIFY' ? v === '0' : v !== '' && v !== '0')) ||
        (k === 'CURL_CA_BUNDLE' && v === '') ||
        (k === 'npm_config_strict_ssl' && v === 'false'),
    );
    if (tlsOff)
      x.report('environment.tls-off', {
        capability: 'risky-package-source',
        detail: `${tlsOff[0]}=${tlsOff[1]} switches off TLS verification (anyone on the path can serve code)`,
      });
  },
});

check({
  id: 'environment.runs-code',
  phase: 'start',
  run(x) {
    const { c, name } = x;
    const { inline } = x.line;
    // Environment in front of the command.
    for (const [k, v] of Object.entries(c.env)) {
      if (
        /^(?:HUSKY|HUSKY_SKIP_HOOKS|SKIP|PRE_COMMIT_ALLOW_NO_CONFIG|GIT_HOOKS|LEFTHOOK|OVERCOMMIT_DISABLE)$/.test(k) &&
        (k !== 'HUSKY' || v === '0')
      )
        x.report('environment.hooks-off', { capability: 'hook-bypass', detail: `${k}=${v} switches git hooks off` });
      if (/(?:_COMMAND|_CMD|_EXEC|LIB|_HOOK|_BIN_PATH)$|^PATH$/.test(k) && /[/.]/.test(v))
        x.report('environment.program-var', {
          capability: 'inline-exec',
          detail: `${k}=${v} makes ${name} run or load other code`,
        });
    }
    // Loader variables in front of the command or exported by it (`export LD_PRELOAD=./x.so; ls`):
    // every later command of the line, and the session, loads that code.
    for (const [k, v] of x.assigned) {
      if (LOADER_VARIABLE.test(k) || /^npm_config_(?:script_shell|shell|node_options)$/i.test(k)) {
        // (pagers and editors set to a plain program, as agents do to keep git from paging, run nothing else)
        if (/PAGER|EDITOR|VISUAL/.test(k) && PLAIN_PAGER_OR_EDITOR.test(v)) continue;
        // (NODE_OPTIONS that only tune the runtime, `--max-old-space-size=4096`, load nothing)
        if (k === 'NODE_OPTIONS' && NODE_TUNING.test(v)) continue;
        // (GOFLAGS=-mod=vendor tunes the build; only -toolexec and -exec hand its steps to a program)
        if (k === 'GOFLAGS' && !/(?:^|\s)--?(?:toolexec|exec)\b/.test(v)) continue;
        x.report('environment.loader-var', {
          capability: 'inline-exec',
          detail: `${k}=… makes ${/^(?:export|declare|typeset|local|readonly)$/.test(name) ? 'later commands' : name} load or run other code`,
        });
      }
    }
  },
});

check({
  id: 'environment.history-off',
  phase: 'before',
  run(x) {
    // Shell history switched off: HISTFILE=/dev/null, HISTSIZE=0, HISTCONTROL=ignorespace… (in front
    // of a command, or exported).
    const histOff = (k: string, v: string) =>
      (k === 'HISTFILE' && (v === '' || v === '/dev/null')) ||
      (/^HIST(?:FILE)?SIZE$/.test(k) && v === '0') ||
      (k === 'HISTCONTROL' && /ignore(?:space|both)/.test(v)) ||
      (k === 'HISTIGNORE' && v.trim() === '*');
    if (x.assigned.some(([k, v]) => histOff(k, v)))
      x.report('environment.history-off', { capability: 'defense-evasion', detail: 'switches the shell history off' });
  },
});

/**
 * Variables that steer the guard: Warden's own (its policy, audit home, gateway token…) and where
 * the agents read the settings that install its hooks. Setting or clearing one mutes the guard.
 */
const GUARD_VARIABLE = /^WARDEN_\w+$|^(?:QWEN_CODE|GEMINI_CLI)_SYSTEM_SETTINGS_PATH$|^CLAUDE_CONFIG_DIR$|^CODEX_HOME$/;
/** Where the agents send model requests (src/agents modelEnv.baseUrl): emptied, they bypass the gateway. */
const MODEL_BASE_URL = /^(?:OPENAI|ANTHROPIC|GOOGLE_GEMINI)_BASE_URL$/;
const PROXY_VARIABLE = /^(?:https?|all)_proxy$/i;
const NO_PROXY_VARIABLE = /^no_proxy$/i;

/**
 * A NO_PROXY list that exempts more than named hosts: `*`, a wildcard on a top-level domain, or a
 * bare top-level domain (`.com`) sends most of the internet around the monitoring proxy.
 */
export function exemptsEverything(list: string): boolean {
  return list
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((e) => e === '*' || (/^\*?\.?[a-z]{2,}$/i.test(e.replace(/^\*\./, '.')) && e !== 'localhost'));
}

/**
 * Variables set for every later service of the user (`systemctl --user set-environment K=V`,
 * `launchctl setenv K V`): the agent and Warden, when started again, inherit them.
 */
function serviceEnvironment(x: ShellCommand): [string, string][] {
  const { name, args } = x;
  if (name === 'systemctl' && args.includes('set-environment'))
    return args.flatMap((a) => {
      const m = /^(\w+)=(.*)$/s.exec(a);
      return m ? [[m[1], m[2]] as [string, string]] : [];
    });
  if (name === 'launchctl' && args[0] === 'setenv' && args[1]) return [[args[1], args[2] ?? '']];
  return [];
}

/** A loader variable set for later processes: they load or run the code it names. */
function loads(k: string, v: string): { capability: 'agent-tamper' | 'defense-evasion'; why: string } | undefined {
  if (/PAGER|EDITOR|VISUAL/.test(k) && PLAIN_PAGER_OR_EDITOR.test(v)) return undefined;
  return LOADER_VARIABLE.test(k)
    ? { capability: 'defense-evasion', why: `${k} makes every later service load other code` }
    : undefined;
}

/** What setting (or, with `value` undefined, clearing) one variable does to the guard, if anything. */
export function mutes(
  k: string,
  v: string | undefined,
): { capability: 'agent-tamper' | 'defense-evasion'; why: string } | undefined {
  if (GUARD_VARIABLE.test(k))
    return { capability: 'agent-tamper', why: `${k} steers Warden or where the agent reads its hooks` };
  if (MODEL_BASE_URL.test(k) && !v)
    return { capability: 'defense-evasion', why: `${k} cleared sends model requests past the gateway` };
  if (PROXY_VARIABLE.test(k) && !v)
    return { capability: 'defense-evasion', why: `${k} cleared takes traffic off the monitoring proxy` };
  if (NO_PROXY_VARIABLE.test(k) && v !== undefined && exemptsEverything(v))
    return { capability: 'defense-evasion', why: `${k}=${v} exempts nearly every host from the monitoring proxy` };
  return undefined;
}

/** The guard's own command: redefining it in the shell makes every later call of it a no-op. */
const GUARD_COMMAND = /^warden$/;

/** How a command replaces the guard's command in this shell, if it does. */
function shadowsGuard(x: ShellCommand): string | undefined {
  const { name, args } = x;
  const named = (a: string) => GUARD_COMMAND.test(a.replace(/=.*$/s, ''));
  if (name === 'alias' && args.some((a) => a.includes('=') && named(a)))
    return 'an alias named warden replaces the guard command in this shell';
  if (name === 'function' && named(args[0] ?? '')) return 'a function named warden replaces the guard command';
  if (name === 'hash' && args.includes('-p') && args.some((a, i) => i > 0 && args[i - 1] !== '-p' && named(a)))
    return "hash -p points the guard command's name at another program";
  if ((name === 'export' || name === 'declare' || name === 'readonly') && args.some((a) => /^-\w*f/.test(a)))
    if (args.some((a) => !a.startsWith('-') && named(a)))
      return 'a function named warden is exported to every child shell';
  const path = x.assigned.find(([k]) => k === 'PATH')?.[1];
  const first = path?.split(':')[0];
  if (first && /^\/(?:tmp|var\/tmp|dev\/shm)(?:\/|$)/.test(first))
    return `PATH starts with ${first}, a folder anyone can write to: any command, the guard's included, can be replaced there`;
  return undefined;
}

check({
  id: 'environment.guard-muted',
  phase: 'start',
  run(x) {
    const { name, args } = x;
    const cleared =
      name === 'unset'
        ? args.filter((a, i) => !a.startsWith('-') && !x.isDynamic(i))
        : name === 'env'
          ? args.flatMap((a, i) =>
              a === '-u' || a === '--unset' ? [args[i + 1] ?? ''] : a.startsWith('--unset=') ? [a.slice(8)] : [],
            )
          : [];
    const found = [
      ...x.assigned.map(([k, v]) => mutes(k, v)),
      ...serviceEnvironment(x).map(([k, v]) => mutes(k, v) ?? loads(k, v)),
      ...cleared.map((k) => mutes(k, undefined)),
    ].find(Boolean);
    if (found) x.report('environment.guard-muted', { capability: found.capability, detail: found.why });
    // A shell alias, function or hashed path named after the guard's command replaces it for the
    // rest of the session; so does a folder anyone can write to put first on PATH.
    const shadow = shadowsGuard(x);
    if (shadow) x.report('environment.guard-shadowed', { capability: 'agent-tamper', detail: shadow });
  },
});

/** Proxy settings of package managers and git removed or emptied: their traffic leaves the monitoring proxy. */
check({
  id: 'environment.proxy-config-removed',
  phase: 'before',
  names: ['npm', 'pnpm', 'yarn', 'git', 'pip', 'pip3'],
  run(x) {
    const { name, args } = x;
    const at = args.indexOf('config');
    if (at < 0) return;
    const rest = args.slice(at + 1);
    const key = rest.find((a) => /^(?:https?[-_.])?proxy$|^https?\..*proxy$|^global\.proxy$/i.test(a));
    if (!key) return;
    const i = rest.indexOf(key);
    const removed =
      rest.some((a) => /^(?:delete|rm|unset|--unset(?:-all)?)$/.test(a)) ||
      (i >= 0 && (rest[i + 1] === '' || /^(?:""|'')$/.test(rest[i + 1] ?? '')));
    if (removed)
      x.report('environment.proxy-config-removed', {
        capability: 'defense-evasion',
        detail: `${name} ${key} removed or emptied: its traffic leaves the monitoring proxy`,
      });
  },
});

/** The agents' own config commands pointed at hooks: Warden is installed as a hook. */
check({
  id: 'environment.agent-hooks-config',
  phase: 'before',
  names: ['qwen', 'claude', 'gemini', 'codex'],
  run(x) {
    const { name, args } = x;
    if (args[0] === 'config' && args.some((a) => /hook/i.test(a)))
      x.report('environment.agent-hooks-config', {
        capability: 'agent-tamper',
        detail: `${name} config changes the agent's hooks, through which Warden guards it`,
      });
    // A server, extension or plugin added through the agent's CLI starts a program with the agent
    // every session and gives it tools the guard knows by name only.
    const verb = /^(?:mcp|extensions?|plugins?)$/.test(args[0] ?? '') ? (args[1] ?? '') : '';
    if (/^(?:add|add-json|add-from-claude-desktop|install|link|enable)$/.test(verb))
      x.report('environment.agent-tools-config', {
        capability: 'agent-tamper',
        detail: `${name} ${args[0]} ${verb} adds a program the agent starts and whose tools it calls`,
      });
  },
});
