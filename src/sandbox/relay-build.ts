/**
 * The compiled sandbox relay (relay.c), built once per source version with the system C compiler
 * into Warden's folder, as the hook client is; undefined where it cannot be built (the Node relay,
 * relay.mjs, then runs instead).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { defaultAuditDir, PACKAGE_ROOT } from '../paths.ts';

export const RELAY_SOURCE = join(PACKAGE_ROOT, 'src', 'sandbox', 'relay.c');
/** Included by relay.c: the network recorder's two halves (one binary, one build). */
const INCLUDED = [join(PACKAGE_ROOT, 'src', 'sandbox', 'netrec.c')];

export function buildRelay(dir = defaultAuditDir()): string | undefined {
  let src: Buffer;
  try {
    src = Buffer.concat([RELAY_SOURCE, ...INCLUDED].map((f) => readFileSync(f)));
  } catch {
    return undefined;
  }
  const out = join(dir, `warden-relay-${createHash('sha256').update(src).digest('hex').slice(0, 12)}`);
  if (existsSync(out)) return out;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${out}.${process.pid}`;
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', tmp, RELAY_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(tmp, out);
    return out;
  } catch {
    return undefined;
  }
}
