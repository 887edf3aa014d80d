/**
 * Every git check: pushes and remotes, hooks skipped or redirected, settings that make git run a
 * program or change where code comes from, work thrown away, credentials, secrets committed, the
 * paths git reads and writes, and its proxies (read by network.proxy). Cases: git.cases.sh.
 *
 * (parse.ts also unwraps the commands git runs later, `git config alias.x '!cmd'`, `git -c
 * core.sshCommand=…`, `git bisect run`, `git submodule foreach`: those are judged as commands.)
 */
import { dirname } from 'node:path';
import { check, DONE } from './registry.ts';
import type { ShellCommand } from '../command.ts';
import { isCredentialPath } from '../../paths.ts';
import { hostOf } from '../../network.ts';
import { ownRepo } from '../owners.ts';
import { optionValues, looksLikePath, PROTECTED_BRANCH } from '../tables.ts';

/** Hosts git is told to send its traffic through (`-c http.proxy=…`, `git config http.proxy …`). */
export function gitProxies(x: ShellCommand): string[] {
  const via: string[] = [];
  for (const a of optionValues(x.args, /^-c$/)) {
    const m = /^(?:https?\.(?:[^=]+\.)?proxy|core\.gitproxy)=(.+)$/i.exec(a);
    if (m) via.push(m[1]);
  }
  if (x.sub === 'config') {
    const k = x.args.findIndex((a) => /^https?\.(?:[^ ]+\.)?proxy$/i.test(a));
    if (k >= 0 && x.args[k + 1]) via.push(x.args[k + 1]);
  }
  return via;
}

// (These two read `x.sub`, the first word that is not an option, as the rest of the shell judge
// did before the split: after `git -C dir` that word is the folder. Kept so that no verdict moves.)
check({
  id: 'git.add-secret',
  phase: 'before',
  names: ['git'],
  run(x) {
    // A secret file added to version control goes wherever the repository is pushed.
    if (x.sub !== 'add') return;
    const secret = x.args.find(
      (a, i) => !x.isDynamic(i) && !a.startsWith('-') && a !== 'add' && isCredentialPath(x.pt.abs(a), x.home),
    );
    if (secret)
      x.report('git.add-secret', {
        capability: 'credential-access',
        detail: `git add ${secret}: a secret file would be committed and pushed with the repository`,
        paths: [x.pt.abs(secret)],
      });
  },
});

check({
  id: 'git.paths',
  phase: 'before',
  names: ['git'],
  run(x) {
    const { pt } = x;
    if (x.sub === 'apply')
      for (const d of optionValues(x.args, /^--directory$/, /^--directory=(.+)/)) if (pt.outside(d)) pt.write(d);
    // Folders git makes and fills with a checkout: `worktree add PATH`, `clone URL DIR`, `init DIR`,
    // `submodule add URL PATH`. Where they land is a write like any other (persistence, agent
    // control…), except a sibling of the workspace, the usual home of a second worktree or clone.
    const { sub, rest } = subcommand(x);
    const ops = rest.filter((a) => !a.startsWith('-'));
    const made =
      sub === 'worktree' && ops[0] === 'add'
        ? ops[1]
        : sub === 'clone' || (sub === 'submodule' && ops[0] === 'add')
          ? ops[sub === 'clone' ? 1 : 2]
          : sub === 'init'
            ? ops[0]
            : undefined;
    const sibling = (p: string) => dirname(pt.abs(p)) === dirname(x.line.ctx.workspace);
    if (made && !x.isDynamic(x.args.indexOf(made)) && !sibling(made)) pt.write(made);
    if (x.sub === 'diff')
      for (const f of x.args.filter(
        (a, i) => !x.isDynamic(i) && looksLikePath(a) && a !== '/dev/null' && pt.outside(a),
      ))
        pt.read(f);
  },
});

check({
  id: 'git.help',
  phase: 'before',
  names: ['git'],
  run(x) {
    // (`git help x` opens a pager or a browser page when a person is there)
    if (x.args[0] === 'help' && x.waitsForPerson())
      x.report('git.help', {
        capability: 'interactive-shell',
        detail: `git is interactive (a pager, editor, REPL or console): it waits for a person and can run shell commands`,
      });
  },
});

/** The subcommand after git's own options (`git -C dir -c k=v push`: push), and what follows it. */
function subcommand(x: ShellCommand): { at: number; sub: string; rest: string[] } {
  let at = 0;
  while (at < x.args.length && x.args[at].startsWith('-'))
    at += /^(?:-c|-C|--git-dir|--work-tree|--namespace)$/.test(x.args[at]) ? 2 : 1;
  return { at, sub: x.args[at] ?? '', rest: x.args.slice(at + 1) };
}

check({
  id: 'git.command',
  phase: 'command',
  names: ['git'],
  ends: true,
  run(x) {
    globalOptions(x);
    const { sub, rest } = subcommand(x);
    hooks(x, sub, rest);
    if (sub === 'config') config(x, rest);
    configFiles(x);
    if (sub === 'daemon' || sub === 'instaweb')
      x.report('git.serves', {
        capability: 'upload',
        detail: `git ${sub} serves repositories${rest.some((a) => /receive-pack/.test(a)) ? ' and takes pushes' : ''} over the network`,
      });
    if (sub === 'push') push(x, rest);
    if (sub === 'remote' && (rest[0] === 'add' || rest[0] === 'set-url')) {
      const url = rest.filter((a) => !a.startsWith('-'))[2];
      if (url && !ownRepo(url, x.line.ctx.workspace))
        x.report('git.remote-url', {
          capability: 'upload',
          detail: `git remote ${rest[0]} points the repository at ${url.replace(/\/\/[^@/]*@/, '//')}: pushes go there`,
          hosts: [hostOf(url, 'git') ?? url],
        });
    }
    if (/^(?:clone|fetch|pull|ls-remote|submodule)$/.test(sub) && rest.some((a) => /[:/]/.test(a) && hostOf(a, 'git')))
      x.net('git.fetch', rest.map((a) => hostOf(a, 'git') ?? '').filter(Boolean), `git ${sub} from`);
    if (
      (sub === 'reset' && rest.includes('--hard')) ||
      (sub === 'clean' && rest.some((a) => /^-[a-zA-Z]*f/.test(a))) ||
      (sub === 'checkout' && rest.includes('--') && rest.includes('.')) ||
      (sub === 'branch' && rest.some((a) => a === '-D')) ||
      (sub === 'stash' && (rest[0] === 'clear' || rest[0] === 'drop'))
    )
      x.report('git.discard-work', {
        capability: 'destructive',
        detail: `git ${sub} ${rest.join(' ')} throws away work`,
      });
    if (
      sub === 'credential' ||
      (sub === 'config' &&
        rest.some((a) => /credential|password|token/.test(a)) &&
        !rest.includes('--unset') &&
        !builtinHelper(rest))
    )
      x.report('git.credentials', { capability: 'credential-access', detail: 'reads git credentials' });
    return DONE;
  },
});

/** `git -c key=value` settings, before the subcommand, that make git run something else. */
function globalOptions(x: ShellCommand): void {
  const { at } = subcommand(x);
  for (let i = 0; i < at; i++) {
    const v = x.args[i + 1] ?? '';
    if (
      x.args[i] === '-c' &&
      /^core\.hooksPath=|^core\.fsmonitor=|^core\.sshCommand=|^alias\.|^include(?:If\..+)?\.path=/i.test(v)
    )
      x.report(/hooksPath/.test(v) ? 'git.hooks-path' : 'git.runs-program', {
        capability: /hooksPath/.test(v) ? 'hook-bypass' : 'inline-exec',
        detail: `git -c ${v} changes what git runs`,
      });
    if (/^(?:-c|-C|--git-dir|--work-tree|--namespace)$/.test(x.args[i])) i++;
  }
}

function hooks(x: ShellCommand, sub: string, rest: string[]): void {
  if (
    /^(?:commit|push|merge|rebase|am|cherry-pick)$/.test(sub) &&
    rest.some(
      (a) => a === '--no-verify' || (sub === 'commit' && /^-[a-zA-Z]*n[a-zA-Z]*$/.test(a) && !a.startsWith('--')),
    )
  )
    x.report('git.no-verify', {
      capability: 'hook-bypass',
      detail: `git ${sub} --no-verify skips the repository's hooks`,
    });
}

/** `git config`: settings that redirect hooks, run programs, change where code comes from, drop TLS. */
function config(x: ShellCommand, rest: string[]): void {
  const reading = rest.some((a) => /^--(?:get|get-all|get-regexp|list|unset|unset-all|show-origin)$|^-l$/.test(a));
  if (rest.some((a) => /^core\.hooksPath$/.test(a)) && !reading)
    x.report('git.hooks-path', { capability: 'hook-bypass', detail: 'git config core.hooksPath redirects the hooks' });
  // Settings that make later git calls run a program: the same as `git -c` above, but lasting.
  // (an included file may hold any of them: `include.path`, `includeIf.<cond>.path`)
  const runs = rest.findIndex(
    (a, k) =>
      /^core\.(?:fsmonitor|sshCommand)$|^include(?:If\..+)?\.path$/i.test(a) ||
      (/^alias\./i.test(a) && (rest[k + 1] ?? '').startsWith('!')),
  );
  if (runs >= 0 && !reading)
    x.report('git.runs-program', {
      capability: 'inline-exec',
      detail: /^include/i.test(rest[runs])
        ? `git config ${rest[runs]} makes git read settings (aliases, hooks, programs) from another file`
        : `git config ${rest[runs]} makes later git commands run a shell command`,
    });
  // Settings that change where code comes from or drop the check of who serves it.
  const [key = '', val = ''] = rest.filter((a) => !a.startsWith('-'));
  if (/^url\..+\.(?:insteadOf|pushInsteadOf)$/i.test(key) && !rest.includes('--unset'))
    x.report('git.url-rewrite', {
      capability: 'risky-package-source',
      detail: `git config ${key} rewrites where git fetches from or pushes to`,
    });
  if (/^http\.(?:[^ ]+\.)?sslVerify$/i.test(key) && /^(?:false|0|no|off)$/i.test(val))
    x.report('git.tls-off', {
      capability: 'risky-package-source',
      detail: 'git config http.sslVerify false switches off TLS verification for every fetch',
    });
}

/** Credential helpers git ships or that platforms install: setting one stores no secret and runs no shell. */
const BUILTIN_HELPERS =
  /^(?:cache|store|osxkeychain|manager|manager-core|libsecret|wincred|gnome-keyring)(?:\s+--[\w-]+(?:=\S+)?)*$/;
/** `git config [--global] credential.helper cache`: choosing a built-in helper, not reading credentials. */
function builtinHelper(rest: string[]): boolean {
  const [key = '', val] = rest.filter((a) => !a.startsWith('-'));
  return /^credential\.(?:.+\.)?helper$/i.test(key) && val !== undefined && BUILTIN_HELPERS.test(val);
}

/**
 * Settings read from a file the environment names (GIT_CONFIG_GLOBAL=f, GIT_CONFIG_SYSTEM=f) or given
 * one by one (GIT_CONFIG_KEY_0=core.pager): like `-c include.path=f`, they decide what git runs.
 */
function configFiles(x: ShellCommand): void {
  for (const [k, v] of x.assigned) {
    const file = /^GIT_CONFIG(?:_GLOBAL|_SYSTEM)?$/.test(k) && !/^(?:\/dev\/null|)$/.test(v);
    // (a plain program name, GIT_CONFIG_VALUE_0=less, is ordinary; a command line or a path is not)
    const value = x.assigned.find(([n]) => n === k.replace('KEY', 'VALUE'))?.[1];
    const key =
      /^GIT_CONFIG_KEY_\d+$/.test(k) && GIT_RUNS_KEY.test(v) && (value === undefined || /[\s;|&$`!/]/.test(value));
    if (file || key)
      x.report('git.config-env', {
        capability: 'inline-exec',
        detail: file
          ? `${k}=${v} makes git read its settings (aliases, hooks, pagers, programs) from that file`
          : `${k}=${v} sets a git setting that runs a program`,
      });
  }
}
/** Settings whose value git runs as a program. */
const GIT_RUNS_KEY =
  /^(?:core\.(?:pager|editor|sshCommand|fsmonitor|hooksPath|askPass|gitProxy)|alias\..+|credential\..*helper|diff\..*(?:external|textconv|command)|sequence\.editor|gpg\.program|include(?:If\..+)?\.path|pager\..+)$/i;

function push(x: ShellCommand, rest: string[]): void {
  const pos = rest.filter((a) => !a.startsWith('-'));
  const remote = pos[0];
  const refs = pos.slice(1).map((r) =>
    r
      .replace(/^\+/, '')
      .split(':')
      .pop()!
      .replace(/^refs\/heads\//, ''),
  );
  if (
    rest.some((a) => /^(?:-f|--force|--force-with-lease.*|--mirror|--delete|-d)$/.test(a)) ||
    pos.slice(1).some((r) => r.startsWith('+') || r.startsWith(':'))
  )
    x.report('git.push-rewrite', { capability: 'deploy', detail: 'git push rewrites or deletes remote history' });
  else if (refs.some((r) => PROTECTED_BRANCH.test(r)))
    x.report('git.push-protected', {
      capability: 'deploy',
      detail: `git push to ${refs.find((r) => PROTECTED_BRANCH.test(r))}, a protected branch`,
    });
  // Pushing to a URL sends the code somewhere new, allowed host or not (any GitHub account will take it).
  if (remote && /[:/]/.test(remote))
    x.report('git.push-url', {
      capability: 'upload',
      detail: `git push sends the repository to ${remote.replace(/\/\/[^@/]*@/, '//')}, a remote given by URL`,
      hosts: [hostOf(remote, 'git') ?? remote],
    });
}
