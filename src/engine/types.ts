/**
 * The vocabulary every front door shares: an Event goes into the engine, a Verdict comes out,
 * and a Verdict carries Findings. Scanner, agent guard and gateway all speak these types.
 */

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONFIDENCES = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** What a finding is about; front doors and reports group by it. */
export const CATEGORIES = [
  'vulnerability',
  'backdoor',
  'unicode',
  'secret',
  'agent-config',
  'supply-chain',
  'prompt-injection',
  'analyzer-error',
] as const;
export type Category = (typeof CATEGORIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s);
}

export interface Finding {
  ruleId: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  category: Category;
  /** e.g. "CWE-89"; absent where no CWE applies. */
  cwe?: string;
  file: string;
  /** 1-based line and column of the start, and of the end (inclusive line, exclusive column). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The source line(s) the finding points at, trimmed to a bounded length; secrets redacted. */
  snippet: string;
  message: string;
  fix?: string;
  /** Stable across unrelated edits: rule id + file + normalised snippet hash. */
  fingerprint: string;
  /** Set when an inline `warden-ignore` or the baseline covers this finding. */
  suppressed?: { by: 'inline' | 'baseline' | 'config'; reason: string };
  /** 'model': a model's opinion (`warden review`), never the only gate; absent: Warden's own analysis. */
  source?: 'model';
}

/** Something the scan could not look at, or looked at only in part. Reported, never silent. */
export interface Note {
  file: string;
  kind: 'skipped' | 'error' | 'partial';
  reason: string;
}

export type Decision = 'allow' | 'ask' | 'deny';

export interface Verdict {
  decision: Decision;
  reasons: string[];
  findings: Finding[];
}

/** Events are what a front door saw. The engine judges each kind. */
export type Event =
  | { tool: 'scan'; path: string; content: string; language?: string; changedLines?: Set<number> }
  | { tool: 'shell'; command: string; cwd?: string }
  | { tool: 'write'; path: string; content: string; cwd?: string }
  | { tool: 'edit'; path: string; old: string; new: string; replaceAll?: boolean; cwd?: string }
  | { tool: 'read'; path: string; cwd?: string }
  | { tool: 'fetch'; url: string; cwd?: string }
  /** Code an agent runs directly (Qwen Code's exec tool, a notebook cell), with an optional file it lands in. */
  | { tool: 'code'; language: string; code: string; path?: string; cwd?: string }
  | { tool: 'prompt'; text: string }
  /** A tool Warden does not know (an MCP server's, a plugin's), by name. */
  | { tool: 'other'; name: string; cwd?: string };

/**
 * What an agent's action does, by effect: the capabilities the analyzers name (a shell command,
 * an inline program, a file path, a tool) and the policy decides on, one by one.
 */
export const CAPABILITIES = [
  'network',
  'upload',
  'download-exec',
  'reverse-shell',
  'exfiltration',
  'obfuscated-exec',
  'destructive',
  'credential-access',
  'env-dump',
  'persistence',
  'privilege',
  'deploy',
  'package-install',
  'risky-package-source',
  'hook-bypass',
  'agent-tamper',
  'interactive-shell',
  'inline-exec',
  'temp-exec',
  'read-outside',
  'write-outside',
  'surveillance',
  'defense-evasion',
  'unknown',
  'unknown-tool',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** One thing an action does: its capability, why it matters, and what it touches. */
export interface Action {
  capability: Capability;
  /** Human (and model) readable: what the command does and why that matters. */
  detail: string;
  /** The simple command it was seen in. */
  command: string;
  hosts?: string[];
  paths?: string[];
  packages?: { ecosystem: string; name: string; spec: string }[];
  /** For destructive actions: the target is the root, home or the whole workspace. */
  catastrophic?: boolean;
  /** The stable id of the check that found it (`git.push-protected`); never part of the reason text. */
  check?: string;
}
