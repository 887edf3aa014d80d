/**
 * Where Warden's own files are, from the sources (src/…) and from the bundle (dist/…) alike:
 * the package root is the nearest folder above this module with Warden's package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'warden') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the warden package root');
    dir = up;
  }
}

export const PACKAGE_ROOT = findRoot();
export const RULES_DIR = join(PACKAGE_ROOT, 'src', 'rules');
export const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** Warden's own folder: the audit database and its signing key, the daemon's socket, caches. */
export function defaultAuditDir(): string {
  return process.env.WARDEN_HOME ?? join(homedir(), '.warden');
}
