/**
 * What Warden knows about one coding agent, in one place: the agent's hook protocol (event names,
 * tool names and their parameters, the answer it reads back), where its settings live, how Warden's
 * hooks go in and come out, what the doctor checks, which of its tools act on nothing, and where
 * it sends usage data. One file per agent (src/agents/<id>.ts) fills this in; src/agents/index.ts
 * lists them. Everything else (the hook runner, install, doctor, the CLI) asks the registry.
 */
import type { Decision, Event } from '../engine/types.ts';
import type { Policy } from '../engine/policy.ts';
export type { Policy };

/** 'unknown': an event name the agent module cannot name; judged as a pre-tool call it cannot read. */
export type Phase = 'pre-tool' | 'post-tool' | 'prompt' | 'other' | 'unknown';
export type Scope = 'user' | 'project' | 'system';

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

export interface HookAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * How a tool's input becomes events (src/agents/tools.ts reads each kind). An agent maps its own
 * tool names to these; 'inert' is a tool that acts on nothing outside the conversation.
 */
export type ToolKind =
  | 'shell'
  | 'shell-input'
  | 'javascript'
  | 'write'
  | 'edit'
  | 'multi-edit'
  | 'notebook'
  | 'read'
  | 'search'
  | 'list'
  | 'read-many'
  | 'fetch'
  | 'memory'
  | 'scheduled-prompt'
  | 'patch'
  | 'inert';

/** A settings value Warden sets: the key path in the settings file and its value. */
export type Setting = [path: string[], value: unknown];

/**
 * One piece of an agent's managed settings (src/agents/managed.ts): keys Warden sets in a JSON
 * file, or the whole text of a file Warden owns. `file` is a name the agent module resolves on the
 * machine (managedPath): 'system' is its system settings file.
 */
export interface ManagedPart {
  file: string;
  keys?: Setting[];
  text?: string;
}

export interface InstallResult {
  file: string;
  changed: boolean;
  notes: string[];
}

export interface DoctorProblem {
  problem: string;
  fix: string;
}

/** What an agent's own doctor checks found, beside the hook checks every agent gets. */
export interface DoctorFindings {
  checks: string[];
  problems: DoctorProblem[];
}

/** One settings file per scope, read (a file that cannot be parsed reads as empty). */
export type SettingsByScope = Record<Scope, Record<string, unknown>>;

/**
 * Installing into settings that are not one JSON file per scope (Codex: hooks.json beside a TOML
 * config that must also record the hooks' trust). Agents without it use the JSON settings
 * installer in src/hooks/install.ts.
 */
export interface HookInstaller {
  install(scope: Scope, cwd: string, command: string): InstallResult;
  uninstall(scope: Scope, cwd: string): InstallResult;
  /** The installed Warden hook commands per scope and event name (for the doctor). */
  installed(cwd: string): Record<Scope, Record<string, string[]>>;
  /** The files the doctor names per scope. */
  files(cwd: string): Record<Scope, string>;
}

export interface AgentModule {
  /** The id used on the command line and in the audit log (`hook:<id>`). */
  id: string;
  /** The agent's name for people. */
  name: string;
  /** The commands that start it, and the npm packages that ship it. */
  binaries: string[];
  packages: string[];
  /** Hook event names: the three Warden installs and judges, and the others it only records. */
  events: { pre: string; post: string[]; prompt: string; other: readonly string[] };
  /** Its tool names and how each is read; tools of other agents are read by the union (index.ts). */
  tools: Record<string, ToolKind>;
  /**
   * Whether its tool names join the union other agents' calls are read by (default true). False for
   * names that are this agent's alone: another agent's tool of that name is an unknown tool.
   */
  lendsTools?: boolean;
  /** Whether a fetch tool's `prompt` is fetched too (Gemini CLI fetches the URLs in it). */
  fetchesPromptUrls?: boolean;
  /** The prompt a user submitted (undefined: a model turn, not a prompt). Throws when unreadable. */
  promptText?(p: HookPayload): string | undefined;
  /** The agent's answer for a decision in a phase; `reason` is what the model and the user read. */
  answer(phase: Phase, decision: Decision, reason: string): HookAnswer;
  /**
   * The answer to a post-tool hook that hands the model a warning about the tool's output (prompt
   * injection found in it): the form this agent feeds back to its model.
   */
  postToolWarning(text: string): HookAnswer;
  /** Settings files per scope (JSON agents), the scope a repository cannot override, and what is set. */
  settings: {
    files(cwd: string): Record<Scope, string>;
    /** Whether the agent honours a `disableAllHooks` key that Warden must keep false. */
    disableAllHooks: boolean;
    enable?: Setting[];
  };
  /** A non-JSON installer (see HookInstaller); JSON settings otherwise. */
  installer?: HookInstaller;
  /**
   * Vendor usage data: the settings that turn it off, the environment that keeps it off, and the
   * hosts it goes to when on (`warden run` blocks and counts them; `*.domain` for subdomains).
   */
  telemetry: { off: Setting[]; hosts: string[]; env?: Record<string, string> };
  /** What `warden run` needs beyond the rest (src/sandbox/agent-facts.ts reads it). */
  run: {
    /** The protocol of its model endpoint (modelEnv.baseUrl[0] and apiKey[0] carry its URL and key). */
    api: 'openai' | 'anthropic' | 'gemini';
    /** The vendor's endpoint when the user set none. */
    defaultBaseUrl: string;
    /** Project files (relative to the workspace) that can switch hooks off, auto-approve or add MCP servers. */
    projectFiles: string[];
    /** Environment that points its system-scope settings at a file (bound read-only in the sandbox). */
    systemSettingsEnv?: string;
    /** Model hosts it reaches itself where Warden's gateway does not speak its protocol (Gemini's). */
    modelHosts: string[];
  };
  /** Environment variables the agent sets for hooks (its project folder). */
  projectDirEnv?: string;
  /** Environment variables that point the agent at a model endpoint and key (used by `warden run`, gateway). */
  modelEnv: { baseUrl: string[]; apiKey: string[] };
  /** The tool names the doctor's probe uses for a shell command, a file write and a read. */
  probeTools: { shell: string; write: string; read: string };
  /** The probe's write and read inputs where the tools do not take {file_path, content}. */
  probeInput?: {
    write(file: string, content: string): Record<string, unknown>;
    read(file: string): Record<string, unknown>;
  };
  /** Extra fields of the probe's prompt payload (Qwen Code's submitted_prompt). */
  probePrompt?(text: string): Record<string, unknown>;
  /**
   * What the agent's own managed (system) settings must say for a policy, so that its native
   * controls agree with Warden: the server signs these into the policy bundle; machines apply them.
   */
  managedSettings(policy: Policy): ManagedPart[];
  /** Where a managed part's file is on this machine (default: 'system' is settings.files().system). */
  managedPath?(file: string): string;
  /** The agent's own doctor checks (telemetry, sandboxes that switch hooks off…). */
  doctor(s: SettingsByScope, env: NodeJS.ProcessEnv, cwd: string): DoctorFindings;
}
