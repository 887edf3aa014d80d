/**
 * A machine's link to its server, read on the hot path (hooks): the enrolment file and the cached
 * policy bundle. Only node:fs and the bundle check: no database, no network. A machine that is
 * enrolled and has a bundle must use it; one that does not verify or has expired is an error
 * (the caller fails closed), never a quiet fall back to the local policy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { bundleProblem, type Bundle } from './bundle.ts';

export const ENROL_FILE = 'server.json';
export const POLICY_CACHE = 'server-policy.json';

export interface Enrolment {
  url: string;
  machine: string;
  token: string;
  /** The server's public key (SPKI DER, base64), pinned at enrolment. */
  serverKey: string;
  serverFingerprint: string;
  enrolled: string;
}

export function readEnrolment(home: string): Enrolment | undefined {
  let text: string;
  try {
    text = readFileSync(join(home, ENROL_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`${join(home, ENROL_FILE)} cannot be read: ${(e as Error).message}`);
  }
  try {
    const e = JSON.parse(text) as Enrolment;
    if (typeof e.url === 'string' && typeof e.token === 'string' && typeof e.serverKey === 'string') return e;
  } catch {
    /* below */
  }
  throw new UserError(`${join(home, ENROL_FILE)} is not an enrolment (edited?): enrol again with \`warden enrol\``);
}

/**
 * The managed policy bundle, when this machine is enrolled and its server published one; undefined
 * when not enrolled or nothing was published yet. Throws (fail closed) on a bundle that was
 * tampered with, signed by another key, or expired.
 */
export function managedBundle(home: string, now = Date.now()): Bundle | undefined {
  const e = readEnrolment(home);
  if (!e) return undefined;
  const file = join(home, POLICY_CACHE);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`the managed policy ${file} cannot be read: failing closed`);
  }
  let b: Bundle | undefined;
  try {
    b = JSON.parse(raw) as Bundle;
  } catch {
    /* reported as not a bundle */
  }
  const problem = bundleProblem(b, e.serverKey, now);
  if (problem) throw new UserError(`the managed policy from ${e.url} is refused: ${problem} (failing closed)`);
  return b;
}

/** The managed policy's text and where it came from (see managedBundle). */
export function managedPolicy(home: string, now = Date.now()): { text: string; source: string } | undefined {
  const b = managedBundle(home, now);
  return b && { text: b.policy, source: `managed policy v${b.version} from ${readEnrolment(home)!.url}` };
}
