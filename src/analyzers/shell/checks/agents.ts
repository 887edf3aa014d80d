/**
 * Coding agents and the guard itself: agents started by the agent, Warden stopped, uninstalled
 * or its audit database opened.
 */
import type { ShellCommand } from '../command.ts';
import { check, DONE } from './registry.ts';

check({
  id: 'agents.run',
  phase: 'before',
  run(x) {
    agentRun(x);
  },
});

check({
  id: 'agents.warden',
  phase: 'command',
  names: ['warden'],
  ends: true,
  run(x) {
    const { args, sub } = x;
    if (/^(?:uninstall|install|daemon)$/.test(sub) || (sub === 'audit' && args.includes('--reset')))
      x.report('agents.warden', { capability: 'agent-tamper', detail: `warden ${sub} changes the guard itself` });
    return DONE;
  },
});

const GUARDED = /warden|qwen|claude|gemini/;
/** Command lines of the guard's and the agents' processes, as a process pattern would be matched against. */
const GUARDED_PROCESSES = [
  'warden daemon',
  'warden gateway',
  'node bin/warden.js daemon',
  'node qwen',
  'node claude',
  'node gemini',
];

/**
 * pkill, pgrep and killall -r take a regular expression: `w[a]rden`, `ward.n`, `^w` name the
 * guard without its name. The pattern is tried on the guard's process lines as pkill would.
 */
function patternHits(name: string, args: string[], a: string): boolean {
  if (
    a.startsWith('-') ||
    a === '' ||
    !(name === 'pkill' || (name === 'killall' && args.some((o) => /^-\w*r$|^--regexp$/.test(o))))
  )
    return false;
  // (a pattern that matches nothing it would not also match in an ordinary process list is too broad to judge)
  if (/^\.?[*+?]?$/.test(a)) return false;
  try {
    const re = new RegExp(a);
    return GUARDED_PROCESSES.some((p) => re.test(p));
  } catch {
    return false;
  }
}

check({
  id: 'agents.kill',
  phase: 'command',
  names: ['pkill', 'killall', 'kill'],
  ends: true,
  run(x) {
    const { name, args } = x;
    if (args.some((a, i) => !x.isDynamic(i) && (GUARDED.test(a) || patternHits(name, args, a))))
      x.report('agents.kill', { capability: 'agent-tamper', detail: `${name} stops the guard or the agent` });
    return DONE;
  },
});

check({
  id: 'agents.audit-db',
  phase: 'command',
  names: ['sqlite3'],
  ends: true,
  run(x) {
    const { args } = x;
    if (args.some((a) => /\.warden|audit\.db/.test(a)))
      x.report('agents.audit-db', { capability: 'agent-tamper', detail: "opens Warden's audit database" });
    return DONE;
  },
});

/** Coding-agent CLIs, and the npm packages that start them. */
const AGENT_CLIS = new Set([
  'qwen',
  'claude',
  'gemini',
  'codex',
  'aider',
  'opencode',
  'goose',
  'amp',
  'cursor-agent',
  'crush',
  'cline',
  'kilocode',
  'iflow',
]);
const AGENT_PACKAGES: Record<string, string> = {
  '@qwen-code/qwen-code': 'qwen',
  '@anthropic-ai/claude-code': 'claude',
  '@google/gemini-cli': 'gemini',
  '@openai/codex': 'codex',
  'opencode-ai': 'opencode',
  '@iflow-ai/iflow-cli': 'iflow',
};

/**
 * Another coding agent started by this one. Its tool calls pass Warden only through hooks
 * installed for it: Qwen Code and Gemini CLI with their tool sandbox on (-s, or QWEN_SANDBOX /
 * GEMINI_SANDBOX) run no hooks at all, and agents without a Warden adapter (Codex, Aider…) have
 * none, so those escape the guard; any other run is asked, as it acts with its own tools.
 */
function agentRun(x: ShellCommand) {
  const { c, name, args } = x;
  let agent = AGENT_CLIS.has(name) ? name : undefined,
    rest = args;
  // Package runners: `npx @openai/codex …`, `pnpm dlx …`, `bun x …` (installing one is not running it).
  if (
    !agent &&
    (/^(?:npx|pnpx|bunx)$/.test(name) || (/^(?:pnpm|yarn|bun)$/.test(name) && /^(?:dlx|x|exec)$/.test(args[0] ?? '')))
  ) {
    const pkg = (a: string) => a.replace(/(?!^)@[^/]*$/, ''); // without its @version
    const i = args.findIndex((a) => Object.hasOwn(AGENT_PACKAGES, pkg(a)));
    if (i >= 0) {
      agent = AGENT_PACKAGES[pkg(args[i])];
      rest = args.slice(i + 1);
    }
  }
  if (!agent) return;
  // (`claude --version`, `qwen --help`, `gemini mcp list` start no session)
  if (
    rest.some((a) => /^(?:-v|-V|--version|-h|--help)$/.test(a)) ||
    /^(?:help|mcp|config|doctor|update|auth|login|logout|completion|extensions)$/.test(rest[0] ?? '')
  )
    return;
  const sandboxEnv = Object.entries(c.env).some(
    ([k, v]) => /^(?:QWEN|GEMINI)_SANDBOX$/.test(k) && !/^(?:|0|false|no)$/i.test(v),
  );
  if (
    (agent === 'qwen' || agent === 'gemini') &&
    (sandboxEnv ||
      rest.some(
        (a) =>
          /^(?:-s|--sandbox(?:=(?!false).*)?|--sandbox-image(?:=.*)?|-[a-zA-Z]*s[a-zA-Z]*)$/.test(a) &&
          !/^--sandbox=false$/.test(a),
      ))
  ) {
    x.report('agents.sandboxed-agent', {
      capability: 'hook-bypass',
      detail: `${agent} with its tool sandbox on runs no hooks: what it does would not be judged`,
    });
  } else if (!['qwen', 'gemini', 'claude'].includes(agent)) {
    x.report('agents.unguarded-agent', {
      capability: 'hook-bypass',
      detail: `${agent} has no Warden hooks: its commands and edits would not be judged`,
    });
  } else {
    x.report('agents.another-agent', {
      capability: 'inline-exec',
      detail: `starts another coding agent (${agent}) that acts with its own tools`,
    });
  }
}
