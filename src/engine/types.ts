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
