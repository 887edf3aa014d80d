/**
 * Where a scan is anchored, whatever way its path was typed (`scan repo`, `scan /abs/repo`,
 * `cd repo && scan .`, `scan repo/a.py`): the repository root, the `.warden.yml` that applies, and
 * finding fingerprints relative to that root, so that a baseline written by one suppresses in all.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../engine/types.ts';

const CONFIG_NAMES = ['.warden.yml', '.warden.yaml'];

/** The folder a scan path stands for: itself, or the folder of a file (or of a path not there). */
export function folderOf(abs: string): string {
  try {
    return statSync(abs).isDirectory() ? abs : dirname(abs);
  } catch {
    return dirname(abs);
  }
}

/** The nearest folder at or above `dir` holding `.git` (a folder, or a file in a worktree). */
export function repoRoot(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

const within = (dir: string, base: string) => dir === base || dir.startsWith(base.endsWith(sep) ? base : base + sep);

/**
 * The `.warden.yml` for a scan of `start`: looked for from the scanned folder up to the repository
 * root; outside a repository, up to the working folder when the scan is inside it, else in the
 * scanned folder only (a config elsewhere on the machine is not this project's).
 */
export function findConfig(start: string, cwd: string): string | undefined {
  const from = folderOf(resolve(cwd, start));
  const stop = repoRoot(from) ?? (within(from, cwd) ? cwd : from);
  for (let d = from; ; d = dirname(d)) {
    for (const name of CONFIG_NAMES) if (existsSync(join(d, name))) return join(d, name);
    if (d === stop || dirname(d) === d) return undefined;
  }
}

/** A finding's fingerprint with its file relative to `root` (rule, path, snippet with folded spaces). */
export function rootedFingerprint(f: Finding, root: string, cwd: string): string {
  const rel = relative(root, resolve(cwd, f.file)).split(sep).join('/');
  return createHash('sha256')
    .update(`${f.ruleId}\0${rel}\0${f.snippet.replace(/\s+/g, ' ')}`)
    .digest('hex')
    .slice(0, 32);
}
