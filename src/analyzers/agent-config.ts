/**
 * Agent-configuration tampering: repository files that weaken an AI agent's guard, CI workflows
 * that send secrets out, and files that make tools run commands or fetch packages on their own.
 *   agent-config.hooks-disabled      a settings file that switches hooks off
 *   agent-config.auto-approve        auto-approval / permission bypass turned on
 *   agent-config.network-hook        a hook that runs a network or decode command
 *   agent-config.telemetry-on        vendor usage statistics explicitly on
 *   agent-config.ci-secret-exfil     a CI step that sends secrets or the environment to a host
 *   agent-config.ci-pr-target-checkout  pull_request_target that checks out untrusted PR code
 *   agent-config.ci-script-injection    attacker-written event text (an issue title, a branch name) pasted into a run script
 *   agent-config.autorun-on-open     an editor task that runs when the folder is opened
 *   agent-config.autorun-network     a dev-container lifecycle command that reaches the network or decodes
 *   agent-config.registry-override   a package-manager config that fetches packages from another index
 *   agent-config.pth-autorun         a Python .pth file with an import line (runs at every interpreter start)
 *   agent-config.tool-runs-program   a package-manager or build config that makes the tool run another
 *                                    program: npm script-shell, cargo rustc-wrapper/runner, yarnPath, git fsmonitor/pager
 *   agent-config.mcp-fetches-code    a project MCP server whose command downloads or decodes code and runs it
 *   agent-config.mcp-unpinned        a project MCP server run from a registry package at whatever version it serves
 *   agent-config.model-redirect      the agent's model endpoint or proxy pointed at another host by a repository file
 * The agents' project files read here: .qwen/.claude/.gemini/.cursor settings, .mcp.json and the other
 * MCP configs, .vscode/settings.json (Copilot's auto-approval), .codex/config.toml, .qwen/.env and .gemini/.env.
 */
import type { Finding } from '../engine/types.ts';
import { SourceFile, finding } from './source.ts';

const AGENT_SETTINGS =
  /(^|\/)\.(qwen|claude|gemini|codex|cursor)\/settings(\.local)?\.json$|(^|\/)\.(qwen|claude|gemini)\/[\w.-]*\.json$/;
const WORKFLOW =
  /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$|(^|\/)\.gitlab-ci\.ya?ml$|(^|\/)\.circleci\/config\.ya?ml$|(^|\/)azure-pipelines\.ya?ml$|(^|\/)Jenkinsfile$/;

const EDITOR_TASKS = /(^|\/)\.vscode\/tasks\.json$/;
const DEV_CONTAINER = /(^|\/)\.devcontainer(\/[^/]+)?\/devcontainer\.json$|(^|\/)\.devcontainer\.json$/;
const REGISTRY_CONFIG =
  /(^|\/)(\.npmrc|\.yarnrc|\.yarnrc\.yml|\.bunfig\.toml|bunfig\.toml|pip\.conf|pip\.ini|uv\.toml)$/;
const PTH = /\.pth$/;
/** Project MCP configs (Claude Code, VS Code, Cursor) and extension manifests (Gemini CLI, Qwen Code). */
const MCP_CONFIG =
  /(^|\/)(?:\.mcp\.json|\.vscode\/mcp\.json|\.cursor\/mcp\.json|\.(?:gemini|qwen)\/extensions\/[^/]+\/(?:gemini|qwen)-extension\.json)$/;
const VSCODE_SETTINGS = /(^|\/)\.vscode\/settings\.json$/;
const CODEX_CONFIG = /(^|\/)\.codex\/config\.toml$/;
/** Environment files Qwen Code and Gemini CLI load from the project before they reach their model. */
const AGENT_ENV = /(^|\/)\.(?:qwen|gemini)\/\.env$/;
const TOOL_CONFIG = /(^|\/)(\.npmrc|\.yarnrc\.yml|\.cargo\/config(\.toml)?|\.git\/config|\.gitconfig)$/;

export function isAgentConfigPath(path: string): boolean {
  return (
    AGENT_SETTINGS.test(path) ||
    WORKFLOW.test(path) ||
    EDITOR_TASKS.test(path) ||
    DEV_CONTAINER.test(path) ||
    REGISTRY_CONFIG.test(path) ||
    PTH.test(path) ||
    TOOL_CONFIG.test(path) ||
    MCP_CONFIG.test(path) ||
    VSCODE_SETTINGS.test(path) ||
    CODEX_CONFIG.test(path) ||
    AGENT_ENV.test(path)
  );
}

/**
 * Config keys that make a package manager, build tool or git run a program of the file's choosing
 * on every install, build or git command. Well-known wrappers (sccache, the project's Yarn release)
 * are ordinary; a script path, a temp folder, a shell string or a download is not.
 */
const TOOL_PROGRAM =
  /^\s*(?:script-shell|shell|node-options|onload-script)\s*=\s*(.+)$|^\s*(?:rustc-wrapper|rustc-workspace-wrapper|rustc|runner)\s*=\s*(.+)$|^\s*yarnPath\s*:\s*(.+)$|^\s*(?:fsmonitor|pager|sshCommand|editor|askPass|hooksPath)\s*=\s*(.+)$/i;
const ORDINARY_PROGRAM =
  /^["']?(?:sccache|ccache|cachepot|\.yarn\/releases\/yarn-[\w.-]+\.c?js|(?:ba|z|da)?sh|\/bin\/(?:ba|z|da)?sh|less(?: -\w+)*|cat|more|vim?|nano|code --wait|true|false|delta|diff-so-fancy(?: \| less.*)?|--max[-_]old[-_]space[-_]size=\d+|--enable-source-maps)["']?\s*$/;

/** The public registries a package-manager config may name without a finding. */
const DEFAULT_REGISTRY =
  /^https:\/\/(?:registry\.npmjs\.org|registry\.yarnpkg\.com|registry\.npmmirror\.com|pypi\.org|pypi\.python\.org|files\.pythonhosted\.org|npm\.pkg\.github\.com)(?:[/:]|$)/i;

const META = {
  'agent-config.hooks-disabled': {
    title: 'Agent hooks switched off by a repository file',
    severity: 'critical',
    cwe: 'CWE-693',
    message:
      "This settings file disables the agent's hooks, which switches off Warden's guard for everyone who opens the repository.",
    fix: 'Remove the setting; enforce hooks from the system settings file (/etc/qwen-code/settings.json, managed Claude settings).',
  },
  'agent-config.auto-approve': {
    title: 'Agent auto-approval turned on by a repository file',
    severity: 'high',
    cwe: 'CWE-732',
    message: 'This settings file lets the agent run tools without asking (YOLO / bypassPermissions / wildcard allow).',
    fix: 'Remove it; grant narrow permissions per tool instead.',
  },
  'agent-config.network-hook': {
    title: 'Agent hook runs a network or decode command',
    severity: 'critical',
    cwe: 'CWE-506',
    message:
      'A hook in this settings file runs a command that reaches the network or decodes a payload; it runs on every tool call of every user.',
    fix: 'Remove the hook and review who added it.',
  },
  'agent-config.telemetry-on': {
    title: 'Vendor usage statistics switched on',
    severity: 'low',
    cwe: 'CWE-359',
    message: "This file turns the agent vendor's usage statistics on, so usage data leaves the company.",
    fix: 'Set privacy.usageStatisticsEnabled to false.',
  },
  'agent-config.ci-secret-exfil': {
    title: 'CI step sends secrets to a host',
    severity: 'critical',
    cwe: 'CWE-200',
    message: 'A CI step puts secrets or the whole environment into a network command.',
    fix: 'Remove the step; rotate the secrets it could reach.',
  },
  'agent-config.ci-script-injection': {
    title: 'Untrusted event text pasted into a CI script',
    severity: 'high',
    cwe: 'CWE-78',
    message:
      'GitHub expands ${{ }} before the shell runs, so an issue title, comment, commit message or branch name written by anyone becomes shell code in this step, with its secrets.',
    fix: 'Pass the value through env: (TITLE: ${{ github.event.issue.title }}) and use "$TITLE" in the script.',
  },
  'agent-config.autorun-on-open': {
    title: 'Editor task runs when the folder is opened',
    severity: 'high',
    cwe: 'CWE-506',
    message:
      'This task runs a command as soon as someone opens the repository in the editor, before anyone reviews it.',
    fix: 'Remove runOn: folderOpen; let people run the task themselves.',
  },
  'agent-config.autorun-network': {
    title: 'Dev-container command reaches the network or decodes a payload',
    severity: 'high',
    cwe: 'CWE-506',
    message:
      'A dev-container lifecycle command (initializeCommand runs on the host) fetches or decodes something and runs when the container is built or started.',
    fix: 'Pin what it installs (a versioned package or image) or move the step into a reviewed script.',
  },
  'agent-config.registry-override': {
    title: 'Packages fetched from another index',
    severity: 'medium',
    cwe: 'CWE-1357',
    message:
      'This package-manager config makes installs fetch packages from an index other than the public registry; an attacker-controlled index serves its own versions of every package.',
    fix: "Confirm the URL is the company's mirror (over https); otherwise remove it.",
  },
  'agent-config.pth-autorun': {
    title: 'Python .pth file runs code at every start',
    severity: 'high',
    cwe: 'CWE-506',
    message:
      'Python executes the import lines of .pth files in site-packages every time the interpreter starts, a known way to plant code that survives reinstalls.',
    fix: 'Keep .pth files to plain paths; remove the import line and review who added it.',
  },
  'agent-config.tool-runs-program': {
    title: 'Config makes a tool run another program',
    severity: 'high',
    cwe: 'CWE-506',
    message:
      "This setting makes the package manager, build tool or git run a program of this file's choosing on every install, build or git command: code that runs without anyone invoking it.",
    fix: "Remove the setting, or point it at a reviewed, versioned tool (sccache, the project's own Yarn release).",
  },
  'agent-config.ci-pr-target-checkout': {
    title: 'pull_request_target runs untrusted PR code',
    severity: 'high',
    cwe: 'CWE-829',
    message:
      "The workflow runs with repository secrets on pull_request_target and checks out the pull request's head, so a fork's code runs with those secrets.",
    fix: 'Use pull_request, or never check out and run the PR head under pull_request_target.',
  },
  'agent-config.mcp-fetches-code': {
    title: 'Project MCP server runs downloaded or decoded code',
    severity: 'critical',
    cwe: 'CWE-494',
    message:
      "An MCP server of this repository starts with a command that downloads or decodes code and runs it: it runs with the agent's rights when the agent starts in this folder, and serves whatever its host sends that day.",
    fix: 'Remove the server and review who added it; run MCP servers from pinned, reviewed packages.',
  },
  'agent-config.mcp-unpinned': {
    title: 'Project MCP server runs an unpinned package',
    severity: 'low',
    cwe: 'CWE-1357',
    message:
      "An MCP server of this repository is run from a registry package at whatever version the registry serves when the agent starts (npx -y, uvx): a takeover or a look-alike of that name runs with the agent's rights.",
    fix: 'Pin an exact version (name@1.2.3, name==1.2.3) the team has reviewed.',
  },
  'agent-config.model-redirect': {
    title: "Agent's model traffic sent to another host",
    severity: 'medium',
    cwe: 'CWE-200',
    message:
      "This repository file points the agent's model endpoint, proxy or telemetry collector at another host: every prompt (or, with prompt logging on, every logged prompt), with the code and secrets in it, goes there.",
    fix: "Remove it unless the host is the company's own model gateway; set endpoints in user or system settings, not in the repository.",
  },
} as const;
type Id = keyof typeof META;

/** Event fields anyone can write: issue and PR titles and bodies, comments, commit messages, branch names, emails. */
const UNTRUSTED_EVENT_TEXT =
  /\$\{\{\s*(?:github\.event\.(?:issue|pull_request|comment|review|review_comment|discussion|head_commit|commits\[\d+\]|workflow_run|pages\[\d+\])\S*\.(?:title|body|message|name|email|head_ref|ref|label)\b|github\.event\.pull_request\.head\.(?:ref|label)|github\.head_ref)/;

const NETWORK_CMD =
  /\b(curl|wget|nc|ncat|netcat|ssh|scp|rsync|ftp|telnet|socat|Invoke-WebRequest|iwr|fetch\(|https?:\/\/|base64\s+(-d|--decode)|\|\s*(ba)?sh\b|python[0-9.]*\s+-c|node\s+-e|\/dev\/tcp)/i;

/**
 * A command that downloads or decodes code and runs it: what no MCP server's start needs (a server
 * that calls an API at work is ordinary; one whose start is `curl … | sh` serves whatever its host sends).
 */
const FETCHES_CODE =
  /\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|[$<]\(\s*(?:curl|wget)\b|`\s*(?:curl|wget)\b|\bbase64\s+(?:-d|--decode|-D)\b|\/dev\/(?:tcp|udp)\/|\b(?:iex|Invoke-Expression)\b|\b(?:python[\d.]*|node|perl|ruby)\s+-[ce]\s[^\n]{0,200}?(?:exec|eval|urlopen|requests\.get|https?:|base64|b64decode|fromCharCode)/i;

/** Package runners that fetch a registry package and run it (npx, uvx…), and where the package's name stands. */
function runnerPackage(tokens: string[]): string | undefined {
  const bin = (tokens[0] ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(?:cmd|exe)$/i, '');
  let rest: string[];
  if (/^(?:npx|bunx|pnpx|uvx)$/.test(bin)) rest = tokens.slice(1);
  else if (/^(?:pnpm|yarn|bun)$/.test(bin) && /^(?:dlx|x)$/.test(tokens[1] ?? '')) rest = tokens.slice(2);
  else if (bin === 'pipx' && tokens[1] === 'run') rest = tokens.slice(2);
  else return undefined;
  for (let i = 0; i < rest.length; i++) {
    const t = rest[i];
    const named = /^(?:--package|--from|-p)(?:=(.+))?$/.exec(t);
    if (named) return named[1] ?? rest[i + 1];
    if (!t.startsWith('-')) return t;
  }
  return undefined;
}

/** Whether a package spec names one exact version (`name@1.2.3`, `@scope/name@1.2.3`, `name==1.2.3`). */
const pinned = (spec: string) => /^(?:@[^/@]+\/)?[^@=<>~^]+(?:@|==)\d+\.\d+\.\d+[\w.+-]*$/.test(spec);
/** A local program or path, not a registry package. */
const localPath = (spec: string) => /^(?:\.{0,2}\/|~|[A-Za-z]:\\|file:)/.test(spec);

/** JSON with comments and trailing commas (VS Code's and the agents' settings files), parsed; undefined if not. */
function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = /"(?:[^"\\\n]|\\.)*"/y;
      end.lastIndex = i;
      const m = end.exec(text);
      if (!m) return undefined;
      out += m[0];
      i += m[0].length - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      i = close + 1;
    } else out += c;
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

/** The MCP servers a parsed config declares (`mcpServers`, or VS Code's `servers`), as name and command words. */
function mcpServers(config: unknown): { name: string; words: string[] }[] {
  if (!config || typeof config !== 'object') return [];
  const c = config as Record<string, unknown>;
  const out: { name: string; words: string[] }[] = [];
  for (const key of ['mcpServers', 'servers']) {
    const servers = c[key];
    if (!servers || typeof servers !== 'object' || Array.isArray(servers)) continue;
    for (const [name, v] of Object.entries(servers as Record<string, unknown>)) {
      if (!v || typeof v !== 'object') continue;
      const srv = v as { command?: unknown; args?: unknown };
      const command = typeof srv.command === 'string' ? srv.command.trim().split(/\s+/) : [];
      const args = Array.isArray(srv.args) ? srv.args.filter((a): a is string => typeof a === 'string') : [];
      if (command.length) out.push({ name, words: [...command, ...args] });
    }
  }
  return out;
}

/** One MCP server's command line (JSON or Codex's TOML alike): code fetched or decoded and run, or an unpinned package. */
function judgeServer(words: string[], line: number, add: (id: Id, line: number) => void): void {
  const spec = runnerPackage(words);
  if (FETCHES_CODE.test(words.join(' '))) add('agent-config.mcp-fetches-code', line);
  else if (spec && !localPath(spec) && !pinned(spec)) add('agent-config.mcp-unpinned', line);
}

/**
 * The checks on MCP servers: each server's command and arguments as one command line. A file that
 * is not JSON (even with comments) is read line by line for the same commands.
 */
/** The first line (0-based) of each `"key":` written in the lines, read left to right. */
function firstKeyLines(lines: readonly string[]): Map<string, number> {
  const at = new Map<string, number>();
  lines.forEach((l, i) => {
    if (l.includes('"')) for (const m of l.matchAll(/"([^"\n]*)"\s*:/g)) if (!at.has(m[1])) at.set(m[1], i);
  });
  return at;
}

function checkMcpServers(file: SourceFile, add: (id: Id, line: number) => void): void {
  const config = parseJsonc(file.text);
  if (config === undefined) {
    file.lines.forEach((l, i) => {
      if (/"(?:command|args)"\s*:|^\s*"/.test(l) && FETCHES_CODE.test(l)) add('agent-config.mcp-fetches-code', i + 1);
    });
    return;
  }
  // (each server's line from one index of the file's `"key":`s: a regex per server over every line
  // took 13 s for 10,000 servers in 974 KB)
  const keys = firstKeyLines(file.lines);
  for (const { name, words } of mcpServers(config)) {
    const line = (keys.get(name) ?? 0) + 1;
    judgeServer(words, line, add);
  }
}

/** The agent's model endpoint or proxy, set in a settings or environment file of the repository. */
const MODEL_ENDPOINT =
  /["']?\b(?:ANTHROPIC_(?:BEDROCK_|VERTEX_)?BASE_URL|OPENAI_(?:BASE_URL|API_BASE)|GOOGLE_(?:GEMINI|VERTEX)_BASE_URL|DASHSCOPE_BASE_URL|HTTPS?_PROXY|ALL_PROXY|baseUrl|base_url|proxy|otlpEndpoint|OTEL_EXPORTER_OTLP(?:_TRACES|_LOGS|_METRICS)?_ENDPOINT|\w+_TELEMETRY_OTLP_ENDPOINT)\b["']?\s*[:=]\s*["']?([a-z][a-z0-9+.-]*:\/\/[^"'\s,}]+)/i;
const LOOPBACK = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)(?:[:/]|$)/i;

function checkModelRedirect(file: SourceFile, add: (id: Id, line: number) => void): void {
  file.lines.forEach((l, i) => {
    if (/^\s*(?:#|\/\/)/.test(l)) return;
    const m = MODEL_ENDPOINT.exec(l);
    if (m && !LOOPBACK.test(m[1])) add('agent-config.model-redirect', i + 1);
  });
}

/**
 * Telemetry switched on in a block spread over lines (`"telemetry": {` then `"enabled": true`), which
 * the line check does not see: with `logPrompts` on, every prompt goes to the collector it names.
 */
function checkTelemetryBlock(file: SourceFile, out: Finding[], add: (id: Id, line: number) => void): void {
  if (out.some((f) => f.ruleId === 'agent-config.telemetry-on') || !/"telemetry"/.test(file.text)) return;
  const config = parseJsonc(file.text) as { telemetry?: { enabled?: unknown } } | undefined;
  if (config?.telemetry?.enabled !== true) return;
  add('agent-config.telemetry-on', file.lines.findIndex((l) => /"telemetry"\s*:/.test(l)) + 1);
}

/** Codex's project config: approvals or the sandbox switched off, its MCP servers, its model providers. */
function checkCodexConfig(file: SourceFile, add: (id: Id, line: number) => void): void {
  let server: { line: number; words: string[] } | undefined;
  const done = () => {
    if (!server) return;
    judgeServer(server.words, server.line, add);
    server = undefined;
  };
  const strings = (v: string) => [...v.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]);
  file.lines.forEach((l, i) => {
    if (/^\s*#/.test(l)) return;
    if (/^\s*\[/.test(l)) {
      done();
      if (/^\s*\[mcp_servers\.[^\]]+\]/.test(l)) server = { line: i + 1, words: [] };
    }
    if (/^\s*approval_policy\s*=\s*["']never["']|^\s*sandbox_mode\s*=\s*["']danger-full-access["']/.test(l))
      add('agent-config.auto-approve', i + 1);
    const kv = /^\s*(command|args)\s*=\s*(.*)$/.exec(l);
    if (server && kv)
      server.words.push(...(kv[1] === 'command' ? strings(kv[2]).flatMap((s) => s.split(/\s+/)) : strings(kv[2])));
  });
  done();
  checkModelRedirect(file, add);
}

/** VS Code's settings: Copilot's agent told to run every tool, or every terminal command, without asking. */
function checkVscodeSettings(file: SourceFile, add: (id: Id, line: number) => void): void {
  let terminal = false;
  file.lines.forEach((l, i) => {
    if (/"chat\.tools\.(?:global\.)?autoApprove"\s*:\s*true/.test(l)) add('agent-config.auto-approve', i + 1);
    if (/"chat\.tools\.terminal\.autoApprove"\s*:/.test(l)) terminal = true;
    else if (terminal && /^\s*\}/.test(l)) terminal = false;
    if (terminal && /"(?:\/\^?\.[*+]\$?\/[a-z]*|\*)"\s*:\s*(?:true|\{\s*"approve"\s*:\s*true)/.test(l))
      add('agent-config.auto-approve', i + 1);
  });
}

export function analyzeAgentConfig(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  const add = (id: Id, line: number) =>
    out.push(finding(file, { ruleId: id, category: 'agent-config', confidence: 'high', line, column: 1, ...META[id] }));
  const lines = file.lines;
  if (AGENT_SETTINGS.test(file.path)) {
    let inHooks = false;
    lines.forEach((l, i) => {
      if (/"disableAllHooks"\s*:\s*true|"hooks"\s*:\s*\{\s*"enabled"\s*:\s*false|"enableHooks"\s*:\s*false/.test(l))
        add('agent-config.hooks-disabled', i + 1);
      if (
        /"(defaultMode|approvalMode|approval_mode)"\s*:\s*"(bypassPermissions|yolo|auto[_-]?edit|full[_-]?auto)"|"(autoAccept|yolo|dangerouslySkipPermissions|skipPermissions|allowAll|enableAllProjectMcpServers)"\s*:\s*true|"Bash\(\*\)"|"run_shell_command\(\*\)"|"Bash"\s*[,\]]/.test(
          l,
        )
      )
        add('agent-config.auto-approve', i + 1);
      if (
        /"usageStatisticsEnabled"\s*:\s*true|"telemetry"\s*:\s*\{\s*"enabled"\s*:\s*true|"logPrompts"\s*:\s*true/.test(
          l,
        )
      )
        add('agent-config.telemetry-on', i + 1);
      // (hooks, the status line and credential helpers are commands the agent runs by itself)
      if (/"(?:hooks|statusLine)"\s*:/.test(l)) inHooks = true;
      if (/"mcpServers"\s*:/.test(l)) inHooks = false; // (servers have checks of their own: checkMcpServers)
      const helper = /"(?:apiKeyHelper|awsAuthRefresh|awsCredentialExport|otelHeadersHelper)"\s*:/.exec(l);
      if (helper && NETWORK_CMD.test(l.slice(helper.index + helper[0].length))) add('agent-config.network-hook', i + 1);
      else if (inHooks && /"command"\s*:/.test(l) && NETWORK_CMD.test(l.slice(l.indexOf('"command"'))))
        add('agent-config.network-hook', i + 1);
    });
  }
  if (MCP_CONFIG.test(file.path) || AGENT_SETTINGS.test(file.path)) checkMcpServers(file, add);
  if (AGENT_SETTINGS.test(file.path)) checkTelemetryBlock(file, out, add);
  if (AGENT_SETTINGS.test(file.path) || AGENT_ENV.test(file.path)) checkModelRedirect(file, add);
  if (AGENT_ENV.test(file.path))
    file.lines.forEach((l, i) => {
      if (
        /^\s*(?:export\s+)?\w*(?:USAGE_STATISTICS|TELEMETRY)_(?:ENABLED|LOG_PROMPTS)\s*=\s*["']?(?:true|1|on)\b/i.test(
          l,
        )
      )
        add('agent-config.telemetry-on', i + 1);
    });
  if (CODEX_CONFIG.test(file.path)) checkCodexConfig(file, add);
  if (VSCODE_SETTINGS.test(file.path)) checkVscodeSettings(file, add);
  if (WORKFLOW.test(file.path)) {
    const prTarget = lines.some((l) => /\bpull_request_target\b/.test(l));
    // Lines of run scripts: `run: cmd`, or the block under `run: |` (deeper indented than the key).
    let runIndent = -1;
    lines.forEach((l, i) => {
      const indent = l.length - l.trimStart().length;
      if (runIndent >= 0 && l.trim() !== '' && indent <= runIndent) runIndent = -1;
      const run = /^(\s*)(?:-\s+)?run:\s*(.*)$/.exec(l);
      const script = run ? run[2] : runIndent >= 0 ? l : undefined;
      if (run && /^[|>][-+]?\s*$/.test(run[2])) runIndent = run[1].length;
      if (script !== undefined && UNTRUSTED_EVENT_TEXT.test(script)) add('agent-config.ci-script-injection', i + 1);
      const secretRef =
        /\$\{\{\s*(secrets\.|toJSON\(secrets\)|env\.)|\bprintenv\b|\benv\s*\||\$\(\s*(?:env|set|export\s+-p)\s*\)|`\s*env\s*`|\/proc\/self\/environ|toJSON\(\s*env\s*\)/.test(
          l,
        );
      if (secretRef && NETWORK_CMD.test(l) && !/actions\/|uses:/.test(l)) add('agent-config.ci-secret-exfil', i + 1);
      else if (/toJSON\(\s*secrets\s*\)/.test(l)) add('agent-config.ci-secret-exfil', i + 1);
      if (prTarget && /ref:\s*\$\{\{\s*github\.event\.pull_request\.head\.(sha|ref)/.test(l))
        add('agent-config.ci-pr-target-checkout', i + 1);
    });
  }
  if (EDITOR_TASKS.test(file.path) && /"runOn"\s*:\s*"folderOpen"/.test(file.text)) {
    lines.forEach((l, i) => {
      if (/"runOn"\s*:\s*"folderOpen"/.test(l)) add('agent-config.autorun-on-open', i + 1);
    });
  }
  if (DEV_CONTAINER.test(file.path)) {
    let inLifecycle = false;
    lines.forEach((l, i) => {
      const key =
        /"(initializeCommand|onCreateCommand|updateContentCommand|postCreateCommand|postStartCommand|postAttachCommand)"\s*:/.exec(
          l,
        );
      if (key) inLifecycle = true;
      else if (/^\s*"[\w-]+"\s*:/.test(l)) inLifecycle = false;
      if (inLifecycle && NETWORK_CMD.test(key ? l.slice(key.index + key[0].length) : l) && !/^\s*\/\//.test(l))
        add('agent-config.autorun-network', i + 1);
    });
  }
  if (REGISTRY_CONFIG.test(file.path)) {
    lines.forEach((l, i) => {
      if (/^\s*[#;]/.test(l)) return;
      const m =
        /^\s*(?:(?:@[\w.-]+:)?registry\s*=\s*|registry\s+|npmRegistryServer\s*:\s*|(?:extra-)?index(?:-url)?\s*=\s*|url\s*=\s*)["']?([a-z][a-z0-9+.-]*:\/\/[^\s"']+)/i.exec(
          l,
        );
      if (!m || DEFAULT_REGISTRY.test(m[1])) return;
      const insecure =
        /^http:\/\/(?!(?:localhost|127\.0\.0\.1)[:/])/i.test(m[1]) || /^\w+:\/\/\d{1,3}(?:\.\d{1,3}){3}[:/]/.test(m[1]);
      out.push(
        finding(file, {
          ruleId: 'agent-config.registry-override',
          category: 'supply-chain',
          confidence: 'medium',
          line: i + 1,
          column: 1,
          ...META['agent-config.registry-override'],
          ...(insecure
            ? {
                severity: 'high',
                message: `${META['agent-config.registry-override'].message} This one is plain http or a bare IP address, so anyone on the path can swap packages.`,
              }
            : {}),
        }),
      );
    });
  }
  if (TOOL_CONFIG.test(file.path)) {
    lines.forEach((l, i) => {
      if (/^\s*[#;]/.test(l)) return;
      const m = TOOL_PROGRAM.exec(l);
      const v = m && (m[1] ?? m[2] ?? m[3] ?? m[4])!.trim();
      if (v && !ORDINARY_PROGRAM.test(v)) add('agent-config.tool-runs-program', i + 1);
    });
  }
  if (PTH.test(file.path)) {
    // site.py runs a .pth line that starts with `import` (followed by a space or tab).
    lines.forEach((l, i) => {
      if (/^import[ \t]/.test(l)) add('agent-config.pth-autorun', i + 1);
    });
  }
  return out;
}
