/**
 * The guard's write check, weighed with its session (issue 21, item 6): a file write or edit is
 * judged again with what the same agent session did before it, as the audit log recorded it. The
 * session's findings join the write's verdict under the policy's finding thresholds.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Event, Finding } from '../engine/types.ts';
import { severityRank } from '../engine/types.ts';
import { stricter, type Policy } from '../engine/policy.ts';
import type { FullVerdict } from '../engine/judge.ts';
import { changedLines } from '../scan/diff.ts';
import {
  judgeChangeInSession,
  sessionFromLog,
  whatChangeTouches,
  type ChangedFile,
  type LogLike,
  type SessionSummary,
} from '../analyzers/session-context.ts';

/** A file bigger than this is not read for "what was there before" (its hosts then all count as new). */
const MAX_BEFORE = 2_000_000;

function before(path: string): string {
  try {
    return statSync(path).size <= MAX_BEFORE ? readFileSync(path, 'utf8') : '';
  } catch {
    return ''; // a new file
  }
}

/** The change a write or edit makes, as the session analyzer reads changes. */
export function changeOfEvent(ev: Event, cwd: string): ChangedFile | undefined {
  if (ev.tool !== 'write' && ev.tool !== 'edit') return undefined;
  const abs = resolve(ev.cwd ?? cwd, ev.path);
  const old = before(abs);
  const next = ev.tool === 'write' ? ev.content : ev.new;
  const lines = next.split('\n');
  const fresh = ev.tool === 'write' ? changedLines(old, next) : changedLines(ev.old, next);
  const added = new Map<number, string>();
  for (const n of fresh) added.set(n, lines[n - 1]);
  return { path: ev.path, added, rest: old };
}

/** Summaries are read once per hook call, however many writes it carries. */
export function sessionReader(log: LogLike, session: string) {
  let summary: SessionSummary | undefined;
  return () => (summary ??= sessionFromLog(log, session));
}

/**
 * Adds the session's findings to a write's verdict (in place). A session history that cannot be
 * read asks rather than passes silently: the check it would have made is missing.
 */
export function weighWriteInSession(
  v: FullVerdict,
  ev: Event,
  cwd: string,
  summary: () => SessionSummary,
  policy: Policy,
): void {
  const change = changeOfEvent(ev, cwd);
  if (!change || !change.added.size) return;
  // A change that touches nothing the session is weighed against (hosts, auth, crypto, CI, agent
  // or install configuration, dependencies) gets no finding whatever the session did, so nothing
  // is missing without its history: the read (up to a thousand records parsed) is skipped.
  if (!whatChangeTouches(change).length) return;
  const s = summary();
  if (s.error) {
    v.decision = stricter(v.decision, 'ask');
    v.reasons.push(`the session's history could not be weighed (${s.error})`);
    return;
  }
  for (const f of judgeChangeInSession([change], s)) {
    const d = decisionOf(f, policy);
    v.findings.push(f);
    if (d === 'allow') continue;
    v.decision = stricter(v.decision, d);
    v.reasons.push(`${f.ruleId} (${f.severity}) at ${f.file}:${f.line}: ${f.message}`);
  }
}

function decisionOf(f: Finding, policy: Policy): 'allow' | 'ask' | 'deny' {
  const at = (t: string) => t !== 'off' && severityRank(f.severity) >= severityRank(t as Finding['severity']);
  return at(policy.findings.deny) ? 'deny' : at(policy.findings.ask) ? 'ask' : 'allow';
}
