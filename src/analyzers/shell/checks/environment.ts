/**
 * Variables set in front of a command or exported: TLS verification off, programs and libraries
 * loaded through the environment, git hooks switched off, shell history off.
 */
import { check } from './registry.ts';
import { PLAIN_PAGER_OR_EDITOR } from '../tables.ts';
import { alt } from '../tables.ts';

/** Variables that make a program load or run other code (preloads, pagers, editors, hooks). */
const LOADER_VARIABLE = new RegExp(
  String.raw`^${alt([
    'LD_PRELOAD',
    'LD_LIBRARY_PATH',
    'DYLD_INSERT_LIBRARIES',
    'BASH_ENV',
    'ENV',
    'PROMPT_COMMAND',
    'GIT_SSH_COMMAND',
    'GIT_EXEC_PATH',
    'GIT_EXTERNAL_DIFF',
    'GIT_PAGER',
    'GIT_ASKPASS',
    'SSH_ASKPASS',
    'SUDO_ASKPASS',
    'LESSOPEN',
    'LESSCLOSE',
    'PAGER',
    'EDITOR',
    'VISUAL',
    'GIT_EDITOR',
    'MANPAGER',
    'PYTHONSTARTUP',
    'NODE_OPTIONS',
    'PERL5OPT',
    'RUBYOPT',
  ])}$`,
);

check({
  id: 'environment.tls-off',
  phase: 'start',
  run(x) {
    // TLS verification switched off for what this command (or, exported, the session) downloads.
    const tlsOff = x.assigned.find(
      ([k, v]) =>
        (k === 'NODE_TLS_REJECT_UNAUTHORIZED' && v === '0') ||
        (/^(?:GIT_SSL_NO_VERIFY|PYTHONHTTPSVERIFY)$/.test(k) &&
          (k === 'PYTHONHTTPSVERIFY' ? v === '0' : v !== '' && v !== '0')) ||
        (k === 'CURL_CA_BUNDLE' && v === '') ||
        (k === 'npm_config_strict_ssl' && v === 'false'),
    );
    if (tlsOff)
      x.report('environment.tls-off', {
        capability: 'risky-package-source',
        detail: `${tlsOff[0]}=${tlsOff[1]} switches off TLS verification (anyone on the path can serve code)`,
      });
  },
});

check({
  id: 'environment.runs-code',
  phase: 'start',
  run(x) {
    const { c, name } = x;
    const { inline } = x.line;
    // Environment in front of the command.
    for (const [k, v] of Object.entries(c.env)) {
      if (
        /^(?:HUSKY|HUSKY_SKIP_HOOKS|SKIP|PRE_COMMIT_ALLOW_NO_CONFIG|GIT_HOOKS|LEFTHOOK|OVERCOMMIT_DISABLE)$/.test(k) &&
        (k !== 'HUSKY' || v === '0')
      )
        x.report('environment.hooks-off', { capability: 'hook-bypass', detail: `${k}=${v} switches git hooks off` });
      if (/(?:_COMMAND|_CMD|_EXEC|LIB|_HOOK|_BIN_PATH)$|^PATH$/.test(k) && /[/.]/.test(v))
        x.report('environment.program-var', {
          capability: 'inline-exec',
          detail: `${k}=${v} makes ${name} run or load other code`,
        });
      else if (LOADER_VARIABLE.test(k) || /^npm_config_(?:script_shell|shell|node_options)$/i.test(k)) {
        // (pagers and editors set to a plain program, as agents do to keep git from paging, run nothing else)
        if (/PAGER|EDITOR|VISUAL/.test(k) && PLAIN_PAGER_OR_EDITOR.test(v)) continue;
        x.report('environment.loader-var', {
          capability: 'inline-exec',
          detail: `${k}=… makes ${name} load or run other code`,
        });
      }
    }
  },
});

check({
  id: 'environment.history-off',
  phase: 'before',
  run(x) {
    // Shell history switched off: HISTFILE=/dev/null, HISTSIZE=0, HISTCONTROL=ignorespace… (in front
    // of a command, or exported).
    const histOff = (k: string, v: string) =>
      (k === 'HISTFILE' && (v === '' || v === '/dev/null')) ||
      (/^HIST(?:FILE)?SIZE$/.test(k) && v === '0') ||
      (k === 'HISTCONTROL' && /ignore(?:space|both)/.test(v)) ||
      (k === 'HISTIGNORE' && v.trim() === '*');
    if (x.assigned.some(([k, v]) => histOff(k, v)))
      x.report('environment.history-off', { capability: 'defense-evasion', detail: 'switches the shell history off' });
  },
});
