/**
 * Whose code runs and whose repository data goes to (issue 19, class 3): judged by the repository's
 * owner, not by the host, since github.com is allowed for everyone's repositories alike. The
 * project's own owners (its git remotes) are trusted; see ../owners.ts.
 */
import type { ShellCommand } from '../command.ts';
import { foreignRepo, projectOwners } from '../owners.ts';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { check } from './registry.ts';

const ws = (x: ShellCommand) => x.line.ctx.workspace;

function foreignCode(x: ShellCommand, spec: string, how: string, shorthand = false): boolean {
  const who = foreignRepo(spec, ws(x), shorthand);
  if (who)
    x.report('sources.foreign-code', {
      capability: 'risky-package-source',
      detail: `${how} code from ${who}, a repository outside the project's owners`,
    });
  return !!who;
}

/**
 * Folders cloned from other owners' repositories earlier in the line: running anything in them runs
 * their code. (Keyed by the line's set of downloaded files, the one object its commands share.)
 */
const cloned = new WeakMap<Set<string>, Map<string, string>>();

function clonedInto(x: ShellCommand, dir: string, who: string): void {
  let m = cloned.get(x.line.downloaded);
  if (!m) cloned.set(x.line.downloaded, (m = new Map()));
  m.set(x.pt.abs(dir).replace(/\/+$/, ''), who);
}

check({
  id: 'sources.git',
  phase: 'before',
  names: ['git'],
  run(x) {
    const pos = x.positional();
    const [sub, second] = pos;
    if (sub === 'clone') {
      const url = pos[1];
      const who = url && foreignRepo(url, ws(x));
      if (who)
        clonedInto(
          x,
          pos[2] ??
            url
              .replace(/\.git$/, '')
              .replace(/\/+$/, '')
              .split(/[/:]/)
              .pop()!,
          who,
        );
    } else if (sub === 'submodule' && second === 'add' && pos[2]) foreignCode(x, pos[2], 'git submodule add brings');
    else if (sub === 'subtree' && /^(?:add|pull|merge)$/.test(second ?? ''))
      pos.slice(2).some((a) => foreignCode(x, a, `git subtree ${second} brings`));
    else if (/^(?:pull|merge)$/.test(sub ?? '') && pos[1]) foreignCode(x, pos[1], `git ${sub} merges`);
    pushRedirect(x);
  },
});

/** `remote.X.pushurl`, `remote.X.url`, `url.X.insteadOf`: keys that send later pushes elsewhere. */
const PUSH_KEY = /^(?:remote\..+\.(?:pushurl|url)|url\..+\.(?:pushinsteadof|insteadof))$/i;

function pushRedirect(x: ShellCommand): void {
  const { args } = x;
  const pairs: [string, string][] = [];
  args.forEach((a, i) => {
    if (a === '-c' && args[i + 1]?.includes('=')) {
      const [k, ...v] = args[i + 1].split('=');
      pairs.push([k, v.join('=')]);
    }
  });
  const ci = args.indexOf('config');
  if (ci >= 0) {
    const rest = args.slice(ci + 1).filter((a) => !a.startsWith('-'));
    if (rest.length >= 2) pairs.push([rest[0], rest[1]]);
  }
  if (args[0] === 'remote' || args.includes('remote')) {
    const r = args.slice(args.indexOf('remote') + 1);
    if (r[0] === 'set-url' && r.includes('--push')) {
      const p = r.filter((a) => !a.startsWith('-'));
      if (p[2]) pairs.push(['remote.x.pushurl', p[2]]);
    }
  }
  for (const [k, v] of pairs) {
    // insteadOf's key holds the new URL and its value the old one
    const url = /^url\./i.test(k) ? k.slice(4).replace(/\.(?:push)?insteadof$/i, '') : v;
    const who = PUSH_KEY.test(k) ? foreignRepo(url, ws(x)) : undefined;
    if (who)
      x.report('sources.push-redirect', {
        capability: 'upload',
        detail: `git ${k} sends later pushes to ${who}, a repository outside the project's owners`,
      });
  }
}

check({
  id: 'sources.run-remote',
  phase: 'before',
  names: ['deno', 'go', 'npm', 'pnpm', 'yarn', 'bun', 'npx', 'bunx', 'pnpx', 'gem', 'composer', 'cargo', 'pipx', 'uvx'],
  run(x) {
    const { name, args } = x;
    const runs =
      (name === 'deno' && /^(?:run|x|install|eval|compile|test|serve)$/.test(x.sub)) ||
      (name === 'go' && /^(?:run|install|generate)$/.test(x.sub)) ||
      (/^(?:npm|pnpm|yarn|bun)$/.test(name) && /^(?:exec|dlx|x|create|init)$/.test(x.sub)) ||
      /^(?:npx|bunx|pnpx|uvx)$/.test(name) ||
      name === 'gem' ||
      name === 'composer' ||
      name === 'pipx' ||
      (name === 'cargo' && /^(?:install|run)$/.test(x.sub));
    if (!runs) return;
    for (const a of args) {
      const spec = a.replace(/^--(?:package|repository|git|spec)=/, '').replace(/^.*"url"\s*:\s*"([^"]+)".*$/, '$1');
      const goPath = name === 'go' && /@/.test(spec) && /^[\w-]+\.[\w.-]+\//.test(spec);
      if (goPath || /^(?:https?|git|ssh):|^git\+|^(?:github|gitlab|bitbucket):|^git@/.test(spec)) {
        if (foreignCode(x, spec.replace(/@[^/]*$/, ''), `${name} ${x.sub} runs`)) return;
        if (name === 'deno' && /^https?:/.test(spec) && !/^https?:\/\/(?:jsr\.io|deno\.land)\//.test(spec)) {
          x.report('sources.foreign-code', {
            capability: 'risky-package-source',
            detail: `deno ${x.sub} runs code from ${spec}, a URL`,
          });
          return;
        }
      }
    }
  },
});

// (programs that only look at files: running them in a cloned folder runs none of its code)
const LOOKS = new Set(['ls', 'cat', 'head', 'tail', 'less', 'more', 'tree', 'grep', 'rg', 'find', 'wc', 'diff', 'du']);
const LOOKS_TOO = new Set(['git', 'stat', 'file', 'cd', 'echo', 'rm', 'cp', 'mv', 'code', 'bat', 'sed', 'awk']);

// (how many folders up from a file a nested checkout is looked for, and how many paths per command)
const CHECKOUT_DEPTH = 6;
const CHECKOUT_PATHS = 8;

/**
 * A folder inside the workspace that is a git checkout of another owner (cloned by an earlier
 * call): running a file in it runs that owner's code, whichever call cloned it.
 */
function foreignCheckout(x: ShellCommand, path: string): string | undefined {
  const root = ws(x).replace(/\/+$/, '');
  if (!path.startsWith(root + '/')) return undefined;
  let dir = path;
  for (let i = 0; i < CHECKOUT_DEPTH && dir.startsWith(root + '/'); i++) {
    if (existsSync(join(dir, '.git', 'config'))) {
      const owners = projectOwners(dir);
      const own = projectOwners(root);
      const theirs = [...owners].find((o) => !own.has(o));
      return theirs && ![...owners].some((o) => own.has(o))
        ? `${theirs} (the checkout ${dir.slice(root.length + 1)})`
        : undefined;
    }
    dir = dirname(dir);
  }
  return undefined;
}

check({
  id: 'sources.clone-run',
  // ('start': shells end their judging there, and `bash fs/install.sh` is the commonest form)
  phase: 'start',
  run(x) {
    const m = cloned.get(x.line.downloaded) ?? new Map<string, string>();
    if (LOOKS.has(x.name) || LOOKS_TOO.has(x.name)) return;
    const program = x.c.text.split(/\s/)[0];
    const places = [
      x.pt.abs('.'),
      ...(program.includes('/') ? [x.pt.abs(program)] : []),
      ...x.args.filter((a) => !/^-/.test(a) || a.includes('/')).map((a) => x.pt.abs(a)),
    ];
    for (const [dir, who] of m)
      if (places.some((p) => p === dir || p.startsWith(dir + '/')))
        return x.report('sources.clone-run', {
          capability: 'risky-package-source',
          detail: `${x.name} runs code cloned from ${who}, a repository outside the project's owners`,
        });
    for (const p of places.slice(0, CHECKOUT_PATHS)) {
      const who = foreignCheckout(x, p);
      if (who)
        return x.report('sources.clone-run', {
          capability: 'risky-package-source',
          detail: `${x.name} runs code of ${who}, a repository outside the project's owners`,
        });
    }
  },
});

/** gh subcommands that write into a repository's issues, pull requests or releases. */
const GH_WRITES = /^(?:issue|pr|release|discussion)$/;

check({
  id: 'sources.gh',
  phase: 'before',
  names: ['gh'],
  run(x) {
    const { args } = x;
    const pos = x.positional();
    const [sub, verb] = pos;
    if (sub === 'repo' && verb === 'clone' && pos[2]) {
      const who = foreignRepo(pos[2], ws(x), true);
      if (who) clonedInto(x, pos[3] ?? pos[2].split('/').pop()!, who);
    }
    const repo = x.opt('-R', '--repo')[0];
    const other = repo ? foreignRepo(repo, ws(x), true) : undefined;
    const files = [...x.opt('-F', '--body-file', '--input', '--notes-file'), ...args.filter((a) => /=@/.test(a))];
    if (GH_WRITES.test(sub ?? '') && other)
      x.report('sources.gh-send', {
        capability: 'upload',
        detail: `gh ${sub} ${verb ?? ''} writes into ${other}, a repository outside the project's owners`,
      });
    if (sub === 'api') {
      const path = pos[1] ?? '';
      const target = /^\/?repos\/([\w.-]+\/[\w.-]+)/.exec(path);
      const away = target ? foreignRepo(target[1], ws(x), true) : undefined;
      if (files.length && (away || !target))
        x.report('sources.gh-send', {
          capability: 'upload',
          detail: `gh api ${path} sends ${files.join(', ')} to ${away ?? 'GitHub'}`,
        });
      if (/^\/?(?:user\/(?:keys|gpg_keys|ssh_signing_keys)|repos\/[^/]+\/[^/]+\/(?:keys|collaborators))/.test(path))
        if (args.some((a) => /^-[fF]$|^--(?:raw-)?field|^--input$|^(?:-X|--method)$/.test(a)))
          x.report('sources.account-key', {
            capability: 'persistence',
            detail: `gh api ${path} adds a key or a collaborator: lasting access to the account`,
          });
    }
    const grants =
      (/^(?:ssh-key|gpg-key)$/.test(sub ?? '') && verb === 'add') ||
      (sub === 'repo' && verb === 'deploy-key' && pos[2] === 'add') ||
      (sub === 'auth' && verb === 'refresh' && x.opt('-s', '--scopes').length > 0);
    if (grants)
      x.report('sources.account-key', {
        capability: 'persistence',
        detail: `gh ${pos.slice(0, 3).join(' ')} grants lasting access to the GitHub account`,
      });
  },
});

/**
 * Manifests an install or build reads, and how each names code by repository rather than by
 * registry name. One entry per manifest kind; `specs` captures the repository each dependency names.
 */
interface ManifestKind {
  /** The program and its subcommand (matched against `name sub`). */
  runs: RegExp;
  files: string[];
  specs: RegExp;
}

// prettier-ignore
const MANIFESTS: ManifestKind[] = [
  { runs: /^(?:npm|pnpm|yarn|bun) (?:install|i|ci|add|update|up)?$/, files: ['package.json'], specs: /"((?:github|gitlab|bitbucket):[^"\s]+|git\+[^"\s]+|git:\/\/[^"\s]+|git@[^"\s]+|https?:\/\/(?:github\.com|gitlab\.com|bitbucket\.org)\/[^"\s]+)"/g },
  { runs: /^(?:pip|pip3|uv|poetry|pdm) (?:install|sync|add)$/, files: ['requirements.txt', 'pyproject.toml', 'setup.cfg', 'setup.py'], specs: /git\+((?:https?|ssh|git):\/\/[^\s"'@#]+(?:@[^\s"'#]*)?)/g },
  { runs: /^cargo (?:build|run|test|check|install|fetch|update|b|r|t|c)$/, files: ['Cargo.toml'], specs: /git\s*=\s*"([^"]+)"/g },
  { runs: /^go (?:build|run|test|get|install|generate|vet|mod)$/, files: ['go.mod'], specs: /^\s*(?:replace\s+)?\S+(?:\s+\S+)?\s+=>\s+([\w.-]+\.[\w]+\/[\w.-]+\/[\w.-]+)/gm },
  { runs: /^bundle (?:install|update|exec|)$/, files: ['Gemfile'], specs: /(?:git|github):\s*["']([^"']+)["']/g },
  { runs: /^composer (?:install|update|require)$/, files: ['composer.json'], specs: /"url"\s*:\s*"([^"]+)"/g },
  { runs: /^git submodule$/, files: ['.gitmodules'], specs: /^\s*url\s*=\s*(\S+)/gm },
];
const MANIFEST_MAX = 256 << 10;

function readHead(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(MANIFEST_MAX);
    return buf.subarray(0, readSync(fd, buf, 0, MANIFEST_MAX, 0)).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

check({
  id: 'sources.manifest',
  phase: 'before',
  names: [
    'npm',
    'pnpm',
    'yarn',
    'bun',
    'pip',
    'pip3',
    'uv',
    'poetry',
    'pdm',
    'cargo',
    'go',
    'bundle',
    'composer',
    'git',
  ],
  run(x) {
    // (the verb is the first word that names one: `npm --prefix DIR install` has DIR first)
    const verbs = x.positional().length ? x.positional() : [''];
    const runs = verbs.map((v) => `${x.name} ${v}`).find((r) => MANIFESTS.some((k) => k.runs.test(r)));
    const kind = runs && MANIFESTS.find((k) => k.runs.test(runs));
    if (!runs || !kind) return;
    // `pip install -r FILE` names its manifest; otherwise the project's in the current folder
    const named = x.opt('-r', '--requirement');
    const files = named.length ? named : kind.files;
    // (`npm --prefix DIR`, `pnpm -C DIR`, `yarn --cwd DIR`, `go -C DIR`: the manifest of that folder)
    const dir = x.opt('--prefix', '--dir', '--cwd', '-C')[0] ?? '.';
    if (
      /^(?:pip|pip3|uv) install$/.test(runs) &&
      !named.length &&
      !x.positional().some((p) => /^\.{1,2}(?:\/|$)/.test(p))
    )
      return;
    for (const f of files) {
      const text = readHead(x.pt.abs(named.length ? f : join(dir, f)));
      if (!text) continue;
      for (const m of text.matchAll(kind.specs)) {
        const spec = m[1].replace(/^https?:\/\/(?=github\.com|gitlab\.com)/, 'https://');
        const who = foreignRepo(/^[\w-]+\.[\w]+\//.test(spec) ? 'https://' + spec : spec, ws(x));
        if (who)
          return x.report('sources.manifest', {
            capability: 'risky-package-source',
            detail: `${runs} fetches and runs code from ${who}, named in ${f}, a repository outside the project's owners`,
          });
      }
    }
  },
});
