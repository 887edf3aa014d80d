/**
 * What goes into the audit log for a judged event: the event and the verdict with secrets
 * redacted and long contents cut (their SHA-256 kept, so a file can still be matched later).
 */
import { createHash } from 'node:crypto';
import type { Event } from '../engine/types.ts';
import type { FullVerdict } from '../engine/judge.ts';
import { redactSecrets } from '../analyzers/secrets/index.ts';

const MAX_TEXT = 16_000;

export function redactText(s: string): { text: string; sha256?: string; chars?: number } {
  const red = redactSecrets(s);
  if (red.length <= MAX_TEXT) return { text: red };
  return {
    text: red.slice(0, MAX_TEXT) + `\n… (${red.length - MAX_TEXT} more characters)`,
    sha256: createHash('sha256').update(s).digest('hex'),
    chars: s.length,
  };
}

export function auditData(
  event: Event,
  verdict: FullVerdict,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const ev: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (k === 'url' && typeof v === 'string')
      ev[k] = redactSecrets(v); // kept whole, but a token in it is not
    else if (typeof v === 'string' && k !== 'tool' && k !== 'path' && k !== 'cwd' && k !== 'language') {
      const r = redactText(v);
      ev[k] = r.text;
      if (r.sha256) ev[`${k}Sha256`] = r.sha256;
    } else if (v instanceof Set) ev[k] = [...v];
    else ev[k] = v;
  }
  return {
    event: ev,
    verdict: {
      decision: verdict.decision,
      reasons: verdict.reasons.map((r) => redactSecrets(r)),
      findings: verdict.findings.map((f) => ({
        ruleId: f.ruleId,
        severity: f.severity,
        file: f.file,
        line: f.line,
        message: f.message,
        snippet: f.snippet,
      })),
      capabilities: verdict.actions.map((a) => ({
        capability: a.capability,
        decision: a.decision,
        detail: redactSecrets(a.detail),
        hosts: a.hosts,
      })),
    },
    ...extra,
  };
}
