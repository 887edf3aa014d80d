/**
 * Which language a file is in, and the ast-grep parser for it.
 * Parsers come from @ast-grep/napi (JavaScript, TypeScript, TSX) and the prebuilt
 * @ast-grep/lang-* packages, registered once per process (and per worker thread).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Napi from '@ast-grep/napi';
import { loadAddon, nativeRecord } from '../../native.ts';

export const LANGUAGES = [
  'python',
  'javascript',
  'typescript',
  'tsx',
  'go',
  'java',
  'c',
  'cpp',
  'csharp',
  'php',
  'ruby',
  'rust',
  'bash',
] as const;
export type Language = (typeof LANGUAGES)[number];

const BY_EXTENSION: Record<string, Language> = {
  py: 'python',
  pyw: 'python',
  pyi: 'python',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  go: 'go',
  java: 'java',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  'c++': 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  hxx: 'cpp',
  ino: 'cpp',
  cs: 'csharp',
  php: 'php',
  phtml: 'php',
  rb: 'ruby',
  rake: 'ruby',
  gemspec: 'ruby',
  rs: 'rust',
  sh: 'bash',
  bash: 'bash',
  zsh: 'bash',
  ksh: 'bash',
};

/** Names people and corpora use for languages, mapped to ours. */
const ALIASES: Record<string, Language> = {
  py: 'python',
  python3: 'python',
  js: 'javascript',
  node: 'javascript',
  ts: 'typescript',
  golang: 'go',
  'c++': 'cpp',
  cxx: 'cpp',
  'c#': 'csharp',
  cs: 'csharp',
  rb: 'ruby',
  rs: 'rust',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
};

export function normaliseLanguage(name: string): Language | undefined {
  const n = name.toLowerCase();
  if ((LANGUAGES as readonly string[]).includes(n)) return n as Language;
  return ALIASES[n];
}

const SHELL_FILE =
  /^\.(?:envrc|bashrc|bash_profile|bash_login|bash_logout|bash_aliases|profile|zshrc|zprofile|zshenv|zlogin|kshrc)$/;

export function languageOf(path: string, firstLine?: string): Language | undefined {
  const base = path.split('/').pop() ?? path;
  const dot = base.lastIndexOf('.');
  if (dot > 0) {
    const lang = BY_EXTENSION[base.slice(dot + 1).toLowerCase()];
    if (lang) return lang;
  }
  if (base === 'Rakefile' || base === 'Gemfile') return 'ruby';
  // Shell start-up files and hooks run by sh without a #! line (direnv's .envrc, husky's hooks).
  if (SHELL_FILE.test(base) || /(?:^|\/)\.(?:husky|githooks)\/(?!_\/)[^/.]+$|(?:^|\/)\.git\/hooks\/[^/.]+$/.test(path))
    return 'bash';
  if (firstLine?.startsWith('#!')) {
    if (/\bpython[0-9.]*\b/.test(firstLine)) return 'python';
    if (/\b(node|deno|bun)\b/.test(firstLine)) return 'javascript';
    if (/\b(ba|z|k|da)?sh\b/.test(firstLine)) return 'bash';
    if (/\bruby\b/.test(firstLine)) return 'ruby';
    if (/\bphp\b/.test(firstLine)) return 'php';
  }
  return undefined;
}

/** ast-grep's name for each language. */
export function astGrepLang(lang: Language): string {
  switch (lang) {
    case 'javascript':
      return 'JavaScript';
    case 'typescript':
      return 'TypeScript';
    case 'tsx':
      return 'Tsx';
    default:
      return lang;
  }
}

let napi: typeof Napi | undefined;
/**
 * @ast-grep/napi, loaded on first use rather than imported: language detection and the rules must
 * not load the native module (the hook's start-up snapshot holds them and cannot hold native state).
 */
export function astGrep(): typeof Napi {
  // With the build's record of where the addon is (src/native.ts), one dlopen; else napi's loader.
  return (napi ??= (loadAddon(nativeRecord()?.napi) ??
    createRequire(import.meta.url)('@ast-grep/napi')) as typeof Napi);
}

/**
 * Runs `fn` with `standIn` in place of @ast-grep/napi, then restores the real loader. Only for
 * the hook's snapshot build, which cannot load native code (src/hooks/warmup.ts).
 */
export async function withStandInAstGrep(standIn: object, fn: () => Promise<void>): Promise<void> {
  const saved = { napi, registered, only };
  napi = standIn as typeof Napi;
  registered = 'all';
  standing = true;
  try {
    await fn();
  } finally {
    ({ napi, registered, only } = saved);
    standing = false;
  }
}

/** Whether a stand-in (withStandInAstGrep) is in place of @ast-grep/napi right now. */
export const usingStandInAstGrep = (): boolean => standing;
let standing = false;

/** The packages of the parsers registered at run time, for the build's record (src/native.ts). */
export const dynamicParserPackages = (): string[] => Object.values(DYNAMIC) as string[];

/** Parsers that come as separate packages (JavaScript, TypeScript and TSX are built into napi). */
const DYNAMIC: Partial<Record<Language, string>> = {
  python: '@ast-grep/lang-python',
  go: '@ast-grep/lang-go',
  java: '@ast-grep/lang-java',
  c: '@ast-grep/lang-c',
  cpp: '@ast-grep/lang-cpp',
  csharp: '@ast-grep/lang-csharp',
  php: '@ast-grep/lang-php',
  ruby: '@ast-grep/lang-ruby',
  rust: '@ast-grep/lang-rust',
  bash: '@ast-grep/lang-bash',
};
let registered: Set<Language> | 'all' | undefined;
let only: Language[] | undefined;

/**
 * For a process that judges one file and exits (a hook call writing one file): load only that
 * file's parser (each parser is a native library to load; all of them cost about 10 ms). napi
 * takes one registration per process, so a later request for another language fails loudly,
 * and the caller fails closed.
 */
export function registerOnly(langs: Language[]): void {
  if (!registered) only = langs;
}

export function registerParsers(need?: Language): void {
  if (registered === 'all') return;
  if (registered) {
    if (need && DYNAMIC[need] && !registered.has(need))
      throw new Error(`the ${need} parser is not loaded in this process`);
    return;
  }
  const require = createRequire(import.meta.url);
  const langs = only ?? (Object.keys(DYNAMIC) as Language[]);
  // A recorded registration whose parser file is still there spares loading the package's resolver.
  const recorded = nativeRecord()?.langs ?? {};
  const registration = (pkg: string) =>
    recorded[pkg] && existsSync(recorded[pkg].libraryPath) ? recorded[pkg] : require(pkg);
  astGrep().registerDynamicLanguage(
    Object.fromEntries(langs.filter((l) => DYNAMIC[l]).map((l) => [l, registration(DYNAMIC[l]!)])),
  );
  registered = only ? new Set(langs) : 'all';
}
