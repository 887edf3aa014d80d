/**
 * Whose code and whose repository (issue 19, class 3): an allowed host says where data may go, not
 * whose code may run. The project's own owners are read from its git remotes; code or data headed
 * to any other owner's repository is judged, even on github.com.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

const CONFIG_MAX = 64 << 10;

/**
 * Owners whose code toolchains fetch by design (the Go team's own modules): `go install
 * golang.org/x/tools/gopls@latest` is how Go's own tools are installed. One entry per line.
 */
// prettier-ignore
export const TOOLCHAIN_OWNERS = [
  'golang.org/x',
  'github.com/golang',
  'google.golang.org',
  'github.com/denoland',
  'jsr.io/@std',
  'deno.land/std',
];

function readConfig(workspace: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(join(workspace, '.git', 'config'), 'r');
    const buf = Buffer.alloc(CONFIG_MAX);
    return buf.subarray(0, readSync(fd, buf, 0, CONFIG_MAX, 0)).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The owner and repository a source names: `https://host/owner/repo(.git)`, `git@host:owner/repo`,
 * `github:owner/repo`, `host/owner/repo/...` (Go), `owner/repo` (gh -R). Lower case; undefined for
 * a name that is not a repository (a registry package, a local path); `owner/repo` only with shorthand.
 */
export function repoOf(spec: string, shorthand = false): { owner: string; repo: string } | undefined {
  const s = spec
    .trim()
    .replace(/^git\+/, '')
    .replace(/#.*$/, '');
  const m =
    /^(?:https?|git|ssh):\/\/(?:[^@/]+@)?[^/]+\/([\w.-]+)\/([\w.-]+)/i.exec(s) ??
    /^[\w.-]+@[\w.-]+:([\w.-]+)\/([\w.-]+)/.exec(s) ??
    /^(?:github|gitlab|bitbucket):([\w.-]+)\/([\w.-]+)/i.exec(s) ??
    /^(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)\/([\w.-]+)\/([\w.-]+)/i.exec(s) ??
    (shorthand ? /^([\w.-]+)\/([\w.-]+)$/.exec(s) : null);
  if (!m) return undefined;
  return {
    owner: m[1].toLowerCase(),
    repo: m[2]
      .replace(/\.git$/, '')
      .replace(/@.*$/, '')
      .toLowerCase(),
  };
}

/** The owners of the project's git remotes (read from .git/config, bounded). */
export function projectOwners(workspace: string): Set<string> {
  const owners = new Set<string>();
  for (const m of readConfig(workspace).matchAll(/^\s*url\s*=\s*(\S+)/gm)) {
    const r = repoOf(m[1]);
    if (r) owners.add(r.owner);
  }
  return owners;
}

/** Whether a source names a repository of someone other than the project's owners. */
export function foreignRepo(spec: string, workspace: string, shorthand = false): string | undefined {
  if (TOOLCHAIN_OWNERS.some((o) => spec.replace(/^https?:\/\//, '').startsWith(o + '/'))) return undefined;
  const r = repoOf(spec, shorthand);
  if (!r) return undefined;
  return projectOwners(workspace).has(r.owner) ? undefined : `${r.owner}/${r.repo}`;
}

/** Whether a source names a repository of one of the project's own owners. */
export function ownRepo(spec: string, workspace: string): boolean {
  const r = repoOf(spec);
  return !!r && projectOwners(workspace).has(r.owner);
}
