/**
 * Files whose meaning depends on what they hold: an `.envrc` that direnv runs on `cd`, and git
 * attribute files that switch on a filter or diff driver whose command the repository's config
 * sets. Judged from the content a write or edit leaves (the name alone would ask on every
 * ordinary `.envrc` and `.gitattributes`).
 */
import { basename } from 'node:path';
import type { Action } from '../engine/types.ts';
import { analyzeShell } from './shell/index.ts';
import { absolutePath, pathActions, repoConfig, type Where } from './paths.ts';
import { builtPaths } from './inline-code.ts';
import { mutes } from './shell/checks/environment.ts';

/** direnv's own functions and plain assignments: what an ordinary `.envrc` is made of. */
const DIRENV_WORDS = new Set([
  'export',
  'unset',
  'dotenv',
  'dotenv_if_exists',
  'layout',
  'use',
  'PATH_add',
  'path_add',
  'watch_file',
  'source_env',
  'source_env_if_exists',
  'source_up',
  'source_up_if_exists',
  'log_status',
  'log_error',
  'strict_env',
  'unstrict_env',
  'env_vars_required',
]);

/** What writing `content` to `path` does when the file's content decides it. */
export function plantedFileActions(path: string, content: string, command: string, w: Where): Action[] {
  const abs = absolutePath(path, w);
  const name = basename(abs);
  // (program source names these variables as it handles them, so only configs and env files count)
  const muted = /\.(?:[cm]?[jt]sx?|py|rb|go|rs|java|php|pl|md)$/.test(name)
    ? []
    : plantedEnvironment(abs, content, command);
  if (muted.length) return muted;
  if (name === '.envrc') return envrcActions(abs, content, command, w);
  if (/\/\.vscode\/settings\.json$/.test(abs) && EDITOR_RUNS.test(content))
    return runsLater(abs, command, 'editor settings that start programs or preload code in its terminals');
  if (/\/\.devcontainer(?:\/[^/]+)?\.json$|\/\.devcontainer\.json$/.test(abs) && CONTAINER_RUNS.test(content))
    return runsLater(abs, command, 'a dev container that runs commands, mounts host folders or runs privileged');
  if (/\.(?:py|[cm]?js|ts|rb|pl|php)$/.test(name)) return builtPathActions(content, command, w);
  if (name === '.gitattributes' || /\/\.git\/info\/attributes$/.test(abs))
    return attributeActions(abs, content, command);
  return [];
}

/**
 * An `.envrc` runs in the user's shell on every `cd` into the project once allowed: judged as the
 * shell script it is, and any line that runs a program (not an assignment or direnv function) is
 * code that runs later.
 */
function envrcActions(abs: string, content: string, command: string, w: Where): Action[] {
  let found: Action[];
  try {
    found = analyzeShell(content, w).actions;
  } catch {
    found = [{ capability: 'unknown', detail: `${abs} is not shell that can be read`, command }];
  }
  const runs = content
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .find((l) => {
      const first = l.split(/\s+/)[0];
      return !DIRENV_WORDS.has(first) && !/^\w+=/.test(first);
    });
  if (runs)
    found.push({
      capability: 'persistence',
      detail: `writes .envrc, which direnv runs on every cd into the project, with a command (${runs.slice(0, 60)})`,
      command,
      paths: [abs],
    });
  return found.map((a) => ({ ...a, command }));
}

/**
 * A git attribute naming a filter, diff or merge driver runs that driver's command on checkout,
 * add, diff or merge, when the repository's config defines one (git-lfs is the ordinary case).
 */
function attributeActions(abs: string, content: string, command: string): Action[] {
  const drivers = [...content.matchAll(/\b(filter|diff|merge)=([\w.-]+)/g)].filter((m) => m[2] !== 'lfs');
  if (!drivers.length) return [];
  const config = repoConfig(abs);
  const set = drivers.find(([, kind, name]) =>
    new RegExp(String.raw`^\s*\[${kind}\s+"${name.replace(/[.]/g, '\\.')}"\]`, 'm').test(config),
  );
  if (!set) return [];
  return [
    {
      capability: 'persistence',
      detail: `writes ${basename(abs)}, switching on the ${set[1]} driver "${set[2]}" whose command the repository's config runs`,
      command,
      paths: [abs],
    },
  ];
}

/**
 * A program written into the project that builds a credential, persistence or agent-control path
 * from pieces: judged when written, as the same path written out would be when the program runs.
 */
function builtPathActions(content: string, command: string, w: Where): Action[] {
  const mode = /write|append|open\([^)]*["'`][wa]/.test(content) ? 'write' : 'read';
  return builtPaths(content)
    .flatMap((p) => pathActions(p, mode, command, w))
    .filter((a) => a.capability !== 'read-outside' && a.capability !== 'write-outside');
}

/** Editor settings that name a program to start or preload (terminal environment, interpreter and tool paths). */
const EDITOR_RUNS =
  /"(?:terminal\.integrated\.(?:env|shell|profiles|automationProfile)[\w.]*|[\w.]*(?:[pP]ath|[eE]xecutable|[rR]untime|[iI]nterpreter\w*|[cC]ommand))"\s*:/;
/** Dev container keys that run commands (initializeCommand even on the host), mount or elevate. */
const CONTAINER_RUNS = /"(?:\w+Command|runArgs|mounts|privileged|capAdd|securityOpt)"\s*:/;

function runsLater(abs: string, command: string, what: string): Action[] {
  return [{ capability: 'persistence', detail: `writes ${basename(abs)}, ${what}`, command, paths: [abs] }];
}

/** A variable given a value in a config file (`"NO_PROXY": "*"`, `NO_PROXY: '*'`, `NO_PROXY=*`). */
const ENV_ENTRY = /["']?\b(no_proxy|NO_PROXY|WARDEN_\w+)["']?\s*[:=]\s*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s,}#]*))/g;
/** How much of a written file is searched for such entries. */
const MAX_ENV_SCAN = 256 * 1024;

/**
 * Environments planted in config files (dev containers, compose files, .env files, CI configs):
 * a NO_PROXY that exempts everything, or Warden's own variables. (Empty proxy or base-URL entries
 * are left alone here: env templates hold them.)
 */
function plantedEnvironment(abs: string, content: string, command: string): Action[] {
  for (const m of content.slice(0, MAX_ENV_SCAN).matchAll(ENV_ENTRY)) {
    const found = mutes(m[1], m[2] ?? m[3] ?? m[4] ?? '');
    if (found)
      return [
        { capability: found.capability, detail: `writes ${basename(abs)}, where ${found.why}`, command, paths: [abs] },
      ];
  }
  return [];
}
