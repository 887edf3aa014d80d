/**
 * Signed policy bundles: the policy text and the server's settings for machines (approvals), with
 * when it was issued and until when a machine may use its cached copy, signed by the server's
 * Ed25519 key. A machine verifies it against the key pinned at enrolment; anything that does not
 * verify, or has expired, is refused (the machine fails closed).
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonical } from '../audit/log.ts';
import type { ManagedPart } from '../agents/types.ts';

export interface BundleBody {
  v: 1;
  version: number;
  /** The policy file's text (YAML), as published. */
  policy: string;
  /** Approvals: off (0) or how many minutes an approved call stays allowed. */
  approvalMinutes: number;
  published: string;
  /** Signed at serving time: a cached copy is good until then. */
  expires: string;
  key: string;
  /**
   * Each agent's managed settings (src/server/agent-settings.ts), when the policy was published with
   * them: signed with the rest, so a machine writes only what its server said.
   */
  managed?: Record<string, ManagedPart[]>;
}
export interface Bundle extends BundleBody {
  sig: string;
}

/** What the signature covers: every field, in a fixed order (no dependency on key order). */
function message(b: BundleBody): Buffer {
  const fields: unknown[] = [b.v, b.version, b.policy, b.approvalMinutes, b.published, b.expires, b.key];
  // Added after v1 shipped: covered when present (canonical: no dependency on key order), so a
  // bundle without it verifies as before and one cannot gain or lose it without breaking the signature.
  if (b.managed !== undefined)
    return Buffer.from(`warden-policy-bundle v1+managed ${canonical([...fields, b.managed])}`);
  return Buffer.from(`warden-policy-bundle v1 ${JSON.stringify(fields)}`);
}

export function signBundle(b: BundleBody, key: KeyObject): Bundle {
  return { ...b, sig: sign(null, message(b), key).toString('base64') };
}

/** Why a bundle must not be used (bad shape, wrong key, bad signature, expired), or undefined if it may. */
export function bundleProblem(b: unknown, pinnedPub: string, now = Date.now()): string | undefined {
  const x = b as Bundle;
  if (!x || x.v !== 1 || typeof x.policy !== 'string' || typeof x.sig !== 'string' || typeof x.expires !== 'string')
    return 'not a policy bundle';
  const { sig, ...body } = x;
  let ok = false;
  try {
    const pub = createPublicKey({ key: Buffer.from(pinnedPub, 'base64'), format: 'der', type: 'spki' });
    ok = verify(null, message(body as BundleBody), pub, Buffer.from(sig, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok) return 'its signature does not verify against the server key pinned at enrolment (tampered or forged)';
  const exp = Date.parse(x.expires);
  if (!(exp > now)) return `it expired at ${x.expires} (the server could not be reached since)`;
  return undefined;
}
