/**
 * Which files a scan reads: folders walked without following symlinks (no loops), .gitignore
 * files and --exclude patterns honoured, and every skipped file reported with its reason.
 */
import { readdirSync, readFileSync, lstatSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Note } from '../engine/types.ts';
import { MODEL_EXT } from '../analyzers/models/index.ts';
import { PACKAGE_ARCHIVE } from '../analyzers/package-archive.ts';

export interface WalkOptions {
  /** Patterns relative to the working folder (--exclude). */
  exclude: string[];
  maxFileSize: number;
  /** A config's patterns, relative to the config's folder (wherever the scan runs from). */
  configExclude?: { base: string; patterns: string[] };
}
export interface Target {
  path: string;
  display: string;
  size: number;
  /**
   * Model files go to the model analyzer; package archives are read member by member; files over
   * max-file-size are read by the line checks only (no syntax tree), or reported when too large to read.
   */
  kind?: 'model' | 'archive' | 'oversize';
}

/** The note reason for skipped dependency folders (reports fold these into one line). */
export const VENDORED_REASON = 'vendored or dependency folder';

const VENDORED_DIRS = new Set([
  'node_modules',
  'vendor',
  'third_party',
  'third-party',
  'bower_components',
  'site-packages',
  '__pycache__',
  'Pods',
  'target',
  '.tox',
]);
const SKIP_DIRS = new Set(['.git', '.hg', '.svn']);
const BINARY_EXT =
  /\.(png|jpe?g|gif|bmp|ico|webp|pdf|zip|gz|tgz|bz2|xz|7z|rar|jar|war|class|o|a|so|dylib|dll|exe|bin|wasm|pyc|pyo|woff2?|ttf|otf|eot|mp[34]|mov|avi|sqlite|db|pt|pth|pkl|pickle|npy|npz|safetensors|onnx|h5)$/i;

export { BINARY_SAMPLE, looksBinary } from './binary.ts';

/** The lines longer than this are the ones people do not write by hand. */
const LONG_LINE = 500;
/** Below this much text in long lines the code rules cost little: a short bundle is scanned in full. */
const MINIFIED_BYTES = 50_000;

/**
 * A minified bundle: named so (`.min.js`), or a JavaScript/TypeScript/CSS file with over 50 KB of
 * very long lines holding nearly all its text (over 500 characters a line on average), with almost
 * no spaces. One long line in a hand-written file (a data table, a payload) does not make it one.
 */
export function looksMinified(path: string, text: string): boolean {
  if (/\.min\.(js|css)$/.test(path)) return true;
  if (!/\.(js|mjs|cjs|css|ts)$/.test(path)) return false;
  if (text.length <= MINIFIED_BYTES) return false;
  let long = 0,
    spaces = 0,
    lines = 0;
  for (let at = 0; at < text.length;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    lines++;
    if (end - at > LONG_LINE) {
      long += end - at;
      for (let i = at; i < end; i++) if (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) spaces++;
    }
    at = end + 1;
  }
  // (and, as before, an average line over 500 characters: the rule only ever narrows)
  return (
    text.length / lines > LONG_LINE && long >= MINIFIED_BYTES && long >= 0.8 * text.length && spaces <= 0.05 * long
  );
}

/** `onTarget` hears of each target as the walk finds it (a folder scan starts its workers early). */
export function collectTargets(
  roots: string[],
  opts: WalkOptions,
  notes: Note[],
  cwd = process.cwd(),
  onTarget?: (t: Target) => void,
): Target[] {
  const out: Target[] = [];
  const exclude = ignore().add(opts.exclude);
  const fromConfig = opts.configExclude?.patterns.length
    ? { base: opts.configExclude.base, ig: ignore().add(opts.configExclude.patterns) }
    : undefined;
  const visit = (abs: string, display: string, ignores: { base: string; ig: Ignore }[]) => {
    let st;
    try {
      st = lstatSync(abs);
    } catch (e) {
      notes.push({
        file: display,
        kind: 'error',
        reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      });
      return;
    }
    const rel = relative(cwd, abs).split(sep).join('/') || '.';
    if (rel !== '.' && !rel.startsWith('..') && exclude.ignores(st.isDirectory() ? rel + '/' : rel)) return;
    for (const { base, ig } of fromConfig ? [fromConfig, ...ignores] : ignores) {
      const r = relative(base, abs).split(sep).join('/');
      if (r && !r.startsWith('..') && ig.ignores(st.isDirectory() ? r + '/' : r)) return;
    }
    if (st.isSymbolicLink()) {
      notes.push({ file: display, kind: 'skipped', reason: 'symbolic link (not followed)' });
      return;
    }
    if (st.isDirectory()) {
      const name = abs.split(sep).pop()!;
      if (SKIP_DIRS.has(name)) return;
      if (VENDORED_DIRS.has(name)) {
        notes.push({ file: display, kind: 'skipped', reason: VENDORED_REASON });
        return;
      }
      let entries: string[];
      try {
        entries = readdirSync(abs).sort();
      } catch (e) {
        notes.push({
          file: display,
          kind: 'error',
          reason: `cannot list folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        });
        return;
      }
      // A Python virtualenv or conda env (whatever its name): installed packages, not the project's code.
      if (entries.includes('pyvenv.cfg') || entries.includes('conda-meta')) {
        notes.push({ file: display, kind: 'skipped', reason: VENDORED_REASON });
        return;
      }
      let next = ignores;
      if (entries.includes('.gitignore')) {
        try {
          next = [...ignores, { base: abs, ig: ignore().add(readFileSync(join(abs, '.gitignore'), 'utf8')) }];
        } catch {
          /* unreadable .gitignore: keep walking with the others */
        }
      }
      for (const e of entries) visit(join(abs, e), display === '.' ? e : join(display, e), next);
      return;
    }
    if (!st.isFile()) {
      notes.push({ file: display, kind: 'skipped', reason: 'not a regular file' });
      return;
    }
    // Model files (pickles, checkpoints, arrays, safetensors, archives) are read statically, in bounded parts, whatever their size.
    if (PACKAGE_ARCHIVE.test(abs)) {
      out.push({ path: abs, display, size: Math.min(st.size, 4_000_000), kind: 'archive' });
      return;
    }
    if (MODEL_EXT.test(abs)) {
      out.push({ path: abs, display, size: Math.min(st.size, 1_000_000), kind: 'model' });
      return;
    }
    if (BINARY_EXT.test(abs)) {
      notes.push({ file: display, kind: 'skipped', reason: 'binary file type' });
      return;
    }
    // Past max-file-size a file is still read, by the checks that go line by line: a payload padded
    // past the limit passed unread (`warden scan` said nothing and exited 0). See scan/file.ts.
    if (st.size > opts.maxFileSize) {
      out.push({ path: abs, display, size: st.size, kind: 'oversize' });
      onTarget?.(out[out.length - 1]);
      return;
    }
    // (binary content, NUL bytes, and unreadable files are found when the file is read: scan/file.ts)
    out.push({ path: abs, display, size: st.size });
    onTarget?.(out[out.length - 1]);
  };
  for (const root of roots) {
    const abs = resolve(cwd, root);
    try {
      statSync(abs);
    } catch {
      notes.push({ file: root, kind: 'error', reason: 'path does not exist' });
      continue;
    }
    visit(abs, root.replace(/\/+$/, '') || root, []);
  }
  return out;
}
