/**
 * Agents' managed settings on both sides. The server derives each agent's parts from the policy it
 * publishes (src/agents/<id>.ts `managedSettings`) and signs them into the bundle; a machine writes
 * them into the agents' system files when it fetches a verified bundle, and reports, per agent, a
 * hash of what those files say now at the keys Warden manages. The server hashes what they should
 * say; a difference is drift (someone edited or removed the agent's managed settings).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonical } from '../audit/log.ts';
import { AGENT_MODULES, agentModule } from '../agents/index.ts';
import { getPath } from '../agents/checks.ts';
import type { ManagedPart } from '../agents/types.ts';
import { builtinPolicy, parsePolicy } from '../engine/policy.ts';
import { readSettings } from '../hooks/install.ts';
import type { Bundle } from './bundle.ts';
import { managedBundle } from './managed.ts';

export type Managed = Record<string, ManagedPart[]>;

/** Every agent's managed parts for a policy text (the server, when it signs a bundle). */
export function managedFor(policyText: string): Managed {
  const policy = parsePolicy(policyText, 'the published policy', builtinPolicy());
  return Object.fromEntries(AGENT_MODULES.map((a) => [a.id, a.managedSettings(policy)]));
}

/** The part's file on this machine. */
export function partPath(agent: string, file: string): string {
  const m = agentModule(agent);
  if (m.managedPath) return m.managedPath(file);
  if (file !== 'system') throw new Error(`${agent} has no managed file named ${file}`);
  return m.settings.files(process.cwd()).system;
}

const sha = (v: unknown) => createHash('sha256').update(canonical(v)).digest('hex');

/** What the parts say: the hash the server expects a machine to report. */
export function expectedHash(parts: ManagedPart[]): string {
  return sha(parts.map((p) => [p.file, p.text ?? (p.keys ?? []).map(([k, v]) => [k, v])]));
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** What this machine's files say at the parts' keys, hashed the same way, and which keys differ. */
export function actualState(agent: string, parts: ManagedPart[]): { hash: string; differs: string[] } {
  const differs: string[] = [];
  const seen = parts.map((p) => {
    const file = partPath(agent, p.file);
    if (p.text !== undefined) {
      const t = readText(file);
      if (t !== p.text) differs.push(`${file} ${t === null ? 'is missing' : 'was changed'}`);
      return [p.file, t];
    }
    let s: Record<string, unknown> = {};
    try {
      s = readSettings(file);
    } catch {
      differs.push(`${file} is not valid JSON`);
    }
    return [
      p.file,
      (p.keys ?? []).map(([k, want]) => {
        const v = getPath(s, k);
        if (canonical(v ?? null) !== canonical(want)) differs.push(`${file}: ${k.join('.')} is ${JSON.stringify(v)}`);
        return [k, v ?? null];
      }),
    ];
  });
  return { hash: sha(seen), differs };
}

function setPath(o: Record<string, unknown>, path: string[], v: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null || Array.isArray(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = v;
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.warden-tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file); // a crash never leaves a half-written settings file
}

/**
 * Writes every agent's parts into its files: keys merged into JSON settings (other keys kept), whole
 * files replaced. A file that cannot be parsed or written is reported, never half-written.
 */
export function applyManaged(managed: Managed): string[] {
  const notes: string[] = [];
  for (const [agent, parts] of Object.entries(managed)) {
    for (const p of parts) {
      let file = '?';
      try {
        file = partPath(agent, p.file);
        if (p.text !== undefined) {
          if (readText(file) !== p.text) writeAtomic(file, p.text);
          continue;
        }
        const s = existsSync(file) ? readSettings(file) : {};
        const before = canonical(s);
        for (const [k, v] of p.keys ?? []) setPath(s, k, v);
        if (canonical(s) !== before) writeAtomic(file, JSON.stringify(s, null, 2) + '\n');
      } catch (e) {
        notes.push(`${agent}: the managed settings could not be written to ${file} (${(e as Error).message})`);
      }
    }
  }
  return notes;
}

/** Per agent of a bundle with managed settings: the reported hash and what differs (for doctor and push). */
export function managedStatus(b: Bundle | undefined): Record<string, { hash: string; differs: string[] }> {
  if (!b?.managed) return {};
  return Object.fromEntries(Object.entries(b.managed).map(([a, parts]) => [a, actualState(a, parts)]));
}

/**
 * `warden doctor` on an enrolled machine: each agent's managed settings checked against the
 * verified bundle (a match is a check; a difference is a problem, so the guard is not in force as
 * the server set it). A refused bundle is a problem of every agent.
 */
export function managedChecks(
  home: string,
  reports: { agent: string; inForce: boolean; checks: string[]; problems: { problem: string; fix: string }[] }[],
): void {
  let b: Bundle | undefined;
  try {
    b = managedBundle(home);
  } catch (e) {
    for (const r of reports) {
      r.problems.push({ problem: (e as Error).message, fix: 'warden audit push (fetches a fresh policy bundle)' });
      r.inForce = false;
    }
    return;
  }
  const status = managedStatus(b);
  for (const r of reports) {
    const s = status[r.agent];
    if (!s) continue;
    if (!s.differs.length) r.checks.push(`its managed settings say what policy v${b!.version} of the server says`);
    else {
      r.problems.push({
        problem: `its managed settings no longer match policy v${b!.version} (drift): ${s.differs.join('; ')}`,
        fix: 'warden audit push (fetches the policy and writes the managed settings again)',
      });
      r.inForce = false;
    }
  }
}
