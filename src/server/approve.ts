/**
 * Approvals on the machine's side. With approvals on in the managed policy, an "ask" in a headless
 * session (nobody at the terminal to answer it) goes to the server: approved there, the identical
 * call is allowed until the approval runs out; otherwise it is denied with the approval's id and
 * an instruction to retry the same call later. The server never sees the call's content, only its
 * SHA-256 and a redacted one-line summary for the person approving. Any failure denies.
 */
import { createHash } from 'node:crypto';
import { canonical } from '../audit/log.ts';
import { redactSecrets } from '../analyzers/secrets/index.ts';
import type { Event } from '../engine/types.ts';
import { requestApproval } from './client.ts';
import { managedBundle } from './managed.ts';

export interface Gated {
  decision: 'allow' | 'deny';
  reasons: string[];
  approval: { id?: string; state: string; approvedBy?: string; validUntil?: string; error?: string };
}

function summaryOf(ev: Event): string {
  const e = ev as unknown as Record<string, unknown>;
  const what = String(e.command ?? e.url ?? e.path ?? e.text ?? '');
  return redactSecrets(`${e.tool}: ${what}`).slice(0, 300);
}

/** undefined when this machine has no approvals (not enrolled, or off in its policy): the ask stands. */
export async function approvalGate(
  home: string,
  session: string,
  ev: Event,
  reasons: string[],
  timeoutMs?: number,
): Promise<Gated | undefined> {
  let minutes = 0;
  try {
    minutes = managedBundle(home)?.approvalMinutes ?? 0;
  } catch {
    return undefined; // the policy itself was refused: loading it already failed closed
  }
  if (!minutes) return undefined;
  const call = createHash('sha256').update(canonical(ev)).digest('hex');
  const why = redactSecrets(reasons.join('; ')).slice(0, 1000) || 'the policy asks';
  try {
    const a = await requestApproval(home, { session, call, summary: summaryOf(ev), reason: why }, timeoutMs);
    if (a.state === 'approved')
      return {
        decision: 'allow',
        reasons: [`approved by ${a.approvedBy} in the Warden console (approval ${a.id}, valid until ${a.validUntil})`],
        approval: a,
      };
    return {
      decision: 'deny',
      reasons: [
        `approval ${a.id} is ${a.state === 'refused' ? 'refused' : 'pending'}: this call needs a person's approval ` +
          `(${why}); ask an admin to approve ${a.id} in the Warden console, then retry the same call later`,
      ],
      approval: a,
    };
  } catch (e) {
    const msg = (e as Error).message;
    return {
      decision: 'deny',
      reasons: [`this call needs approval and the approval server could not be asked (${msg}); Warden fails closed`],
      approval: { state: 'error', error: msg },
    };
  }
}
