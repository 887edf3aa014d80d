/**
 * Where the native addons are (ast-grep, its language parsers, SQLite), recorded once by the
 * build in dist/native-<node version>.json, so that a hook process loads each with one dlopen.
 *
 * Found the ordinary way, the addons cost a hook call about 8 ms before any work: @ast-grep/napi's
 * loader probes for musl and tries platform packages, each language package runs its own
 * resolver, and require() resolves and compiles all of that JavaScript. The build loads them the
 * ordinary way once and writes down the result; the hook's start-up snapshot
 * (src/hooks/snapshot.ts) carries it, and other processes (the CLI, scan workers, the daemon)
 * read it on first use. Anything unexpected (no record, a moved or missing file, a failed
 * dlopen) falls back to the ordinary loaders, so the record only ever saves time.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';

export interface LangRegistration {
  libraryPath: string;
  extensions: string[];
  languageSymbol?: string;
  metaVarChar?: string;
  expandoChar?: string;
}
export interface NativeRecord {
  /** The @ast-grep/napi addon file. */
  napi?: string;
  /** better-sqlite3's compiled addon. */
  sqlite?: string;
  /** Registration of each @ast-grep/lang-* parser, by package name. */
  langs: Record<string, LangRegistration>;
}

export const NATIVE_RECORD = join(PACKAGE_ROOT, 'dist', `native-${process.version}.json`);

let record: NativeRecord | undefined;
let looked = false;

/** Use the build's record in this process (the start-up snapshot calls this at build time). */
export function useNativeRecord(file = NATIVE_RECORD): void {
  looked = true;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as NativeRecord;
  } catch {
    record = undefined; // no record (not built, or from elsewhere): the ordinary loaders
  }
}

/** The recorded facts, if any (read from the build's file on first use, unless a snapshot brought them). */
export function nativeRecord(): NativeRecord | undefined {
  if (!looked) useNativeRecord();
  return record;
}

/** Loads an addon by absolute path with one dlopen; undefined when that fails (the caller falls back). */
export function loadAddon(path: string | undefined): object | undefined {
  if (!path) return undefined;
  try {
    const m = { exports: {} as object };
    process.dlopen(m, path);
    return m.exports;
  } catch {
    return undefined;
  }
}

/** The build: load the addons the ordinary way and write down where they were (NATIVE_RECORD). */
export function writeNativeRecord(langPackages: string[], file = NATIVE_RECORD): void {
  const req = createRequire(join(PACKAGE_ROOT, 'package.json'));
  const before = new Set(Object.keys(req.cache));
  req('@ast-grep/napi');
  const out: NativeRecord = {
    napi: Object.keys(req.cache).find((k) => !before.has(k) && k.endsWith('.node')),
    langs: {},
  };
  for (const pkg of langPackages) {
    const m = req(pkg) as LangRegistration;
    out.langs[pkg] = { libraryPath: m.libraryPath, extensions: [...m.extensions] };
    for (const k of ['languageSymbol', 'metaVarChar', 'expandoChar'] as const)
      if (typeof m[k] === 'string') out.langs[pkg][k] = m[k];
  }
  const sqlite = join(req.resolve('better-sqlite3/package.json'), '..', 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(sqlite)) out.sqlite = sqlite;
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
}
