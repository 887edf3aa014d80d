/**
 * Project files through which a repository weakens the guard (switches hooks off, adds its own
 * hooks or MCP servers, auto-approves, redirects the model) are shown to the agent as a sanitised,
 * read-only copy. Keys are removed by name at any depth, so nesting a key elsewhere does not carry
 * it past; a file that cannot be read as JSON (or is TOML, Codex's) is shown empty.
 */
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_FACTS, RUN_AGENTS } from './agent-facts.ts';

/** Setting names that switch the guard off, run commands, add tools or approve by themselves. */
const WEAKENING = new Set(
  [
    'hooks',
    'disableAllHooks',
    'enableHooks',
    'mcpServers',
    'enableAllProjectMcpServers',
    'enabledMcpjsonServers',
    'allowMCPServers',
    'approvalMode',
    'defaultMode',
    'autoAccept',
    'yolo',
    'allow',
    'additionalDirectories',
    'apiKeyHelper',
    'awsAuthRefresh',
    'awsCredentialExport',
    'statusLine',
    'env',
    'sandbox',
    'telemetry',
    'usageStatisticsEnabled',
    'proxy',
    'baseUrl',
    'folderTrust',
    'trust',
    'discoveryCommand',
    'callCommand',
    'command',
  ].map((k) => k.toLowerCase()),
);

export interface Neutralised {
  /** Path relative to the workspace. */
  file: string;
  /** The sanitised copy to bind over it. */
  copy: string;
  removed: string[];
}

function strip(v: unknown, path: string, removed: string[]): unknown {
  if (Array.isArray(v)) return v.map((x, i) => strip(x, `${path}[${i}]`, removed));
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    if (WEAKENING.has(k.toLowerCase())) removed.push(p);
    else out[k] = strip(x, p, removed);
  }
  return out;
}

/** The sanitised text of a settings file, and what was taken out. */
export function sanitise(file: string, text: string): { text: string; removed: string[] } {
  if (file.endsWith('.toml')) return { text: '', removed: text.trim() ? ['(whole file: TOML settings)'] : [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    try {
      doc = JSON.parse(stripComments(text));
    } catch {
      return { text: '{}\n', removed: text.trim() ? ['(whole file: not readable as JSON)'] : [] };
    }
  }
  const removed: string[] = [];
  const clean = strip(doc, '', removed);
  return { text: JSON.stringify(clean ?? {}, null, 2) + '\n', removed };
}

function stripComments(t: string): string {
  return t
    .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, s: string | undefined) => s ?? '')
    .replace(/,(\s*[}\]])/g, '$1');
}

/**
 * Every agent's project files in the workspace (an agent can start another agent, so all of them),
 * sanitised into `outDir`. Symbolic links are sanitised by what they point at.
 */
export function neutraliseProject(workspace: string, outDir: string): Neutralised[] {
  const files = new Set(RUN_AGENTS.flatMap((a) => AGENT_FACTS[a].projectFiles));
  const out: Neutralised[] = [];
  let n = 0;
  for (const f of files) {
    const full = join(workspace, f);
    if (!existsSync(full) || lstatSync(full).isDirectory()) continue;
    let text = '';
    try {
      text = readFileSync(full, 'utf8');
    } catch {
      /* unreadable: shown empty */
    }
    const s = sanitise(f, text);
    const copy = join(outDir, `project-${n++}-${f.replace(/[^\w.-]/g, '_')}`);
    writeFileSync(copy, s.text, { mode: 0o444 });
    out.push({ file: f, copy, removed: s.removed });
  }
  return out;
}
