/**
 * Judging by effect (issue 19, class 4): what a program sends, deletes, prints or plants, read
 * from the tables of tools per effect in ../effects.ts, whatever the program is called. These run
 * in the 'before' phase, so a program's own family check that ends its judging cannot hide them.
 */
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ShellCommand } from '../command.ts';
import { EFFECT_TOOLS, INLINE_EFFECTS, INLINE_FLAGS, RESOLVERS, type Effect } from '../effects.ts';
import { check } from './registry.ts';

// One check id per effect, so reasons and case files name the effect (the table entry says the tool).
const ID: Record<Effect, string> = {
  send: 'effects.send',
  delete: 'effects.delete',
  dns: 'effects.dns',
  'print-secret': 'effects.print-secret',
  'plant-hook': 'effects.plant-hook',
};

check({
  id: 'effects.table',
  phase: 'before',
  names: [...new Set(EFFECT_TOOLS.flatMap((e) => e.tools))],
  run(x) {
    const joined = x.args.join(' ');
    for (const e of EFFECT_TOOLS) {
      if (!e.tools.includes(x.name) || (e.args && !e.args.test(joined))) continue;
      x.report(ID[e.effect], { capability: e.capability, detail: `${x.name} ${e.what}` });
      return;
    }
  },
});

/** The code a program is given inline (`node -p CODE`, `python3 -c CODE`, `awk 'PROGRAM'`). */
export function inlineCode(x: ShellCommand): string | undefined {
  const flags = INLINE_FLAGS[x.name];
  if (!flags) return undefined;
  if (flags[0] === '-') {
    // awk: the program is the first word that is not an option (or an option's value)
    for (let i = 0; i < x.args.length; i++) {
      const a = x.args[i];
      if (/^-[fv]$/.test(a)) i++;
      else if (!a.startsWith('-')) return a;
    }
    return undefined;
  }
  const i = x.args.findIndex((a) => flags.includes(a));
  return i >= 0 ? x.args.slice(i + 1).join(' ') : undefined;
}

check({
  id: 'effects.inline',
  phase: 'before',
  names: Object.keys(INLINE_FLAGS),
  run(x) {
    const code = inlineCode(x);
    if (!code) return;
    for (const e of INLINE_EFFECTS)
      if (e.code.test(code) && (!e.with || e.with.test(code)))
        x.report(ID[e.effect], { capability: e.capability, detail: `${x.name} inline code ${e.what}` });
  },
});

check({
  id: 'effects.dns-name',
  phase: 'before',
  names: RESOLVERS,
  run(x) {
    // A name only known at run time under a fixed domain (`$(whoami).x.example.net`) carries
    // data to whoever answers for that domain; a plain `$HOST` is only a host to look up.
    x.args.forEach((a, i) => {
      if (x.isDynamic(i) && /\$[^.]*\..*[a-z0-9-]+\.[a-z]{2,}\.?$/i.test(a))
        x.report('effects.dns', {
          capability: 'exfiltration',
          detail: `${x.name} resolves ${a}, a name built from local data (a DNS tunnel)`,
        });
    });
  },
});

/** find tests that pick some files out of a tree (so its -delete is a clean-up, not a sweep). */
const FIND_SELECTS =
  /^-(?:i?name|i?path|i?regex|i?wholename|size|newer\w*|user|group|empty|[acm](?:time|min)|used|perm|type)$/;

const isGitDir = (p: string) => /(?:^|\/)\.git\/?$/.test(p.replace(/\/+$/, ''));

check({
  id: 'effects.delete-history',
  phase: 'before',
  names: ['rm', 'rmdir', 'find', 'unlink', 'trash', 'trash-put', 'gio'],
  run(x) {
    const { name, args, pt } = x;
    // (find's start folders come before its first test; the words after are the tests' values)
    const first = args.findIndex((a) => /^[-!(]/.test(a));
    const targets = name === 'find' ? args.slice(0, first < 0 ? args.length : first) : x.positional();
    const deletes = name !== 'find' || args.some((a) => a === '-delete' || /^(?:rm|shred|unlink)$/.test(a));
    if (!deletes) return;
    // (find under the workspace deletes what its tests pick; from / or the home folder it sweeps everything)
    const top = (t: string) => ['/', x.home].includes(pt.abs(t).replace(/(.)\/+$/, '$1'));
    // and a find that selects (by name, age, size…) is a clean-up, one that selects nothing a sweep
    const selects = name === 'find' && args.some((a) => FIND_SELECTS.test(a));
    const hit = targets.find((t) => isGitDir(t) || (name === 'find' && !selects && top(t)));
    if (hit)
      x.report('effects.delete', {
        capability: 'destructive',
        detail: isGitDir(hit)
          ? `${name} deletes ${hit}: the repository's whole history`
          : `${name} deletes under ${hit}`,
        paths: [hit],
      });
  },
});

check({
  id: 'effects.truncate',
  phase: 'before',
  names: ['truncate'],
  run(x) {
    // Emptying files whose names are only known at run time (`$(git ls-files)`) wipes them in bulk.
    if (x.args.some((a, i) => x.isDynamic(i) && !/^-/.test(a)))
      x.report('effects.delete', {
        capability: 'destructive',
        detail: 'truncate empties files only known at run time',
      });
  },
});

/** The compose files `docker compose` reads in a folder, in its order of preference. */
const COMPOSE_FILES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yml',
  'docker-compose.yaml',
  'podman-compose.yml',
];
const COMPOSE_MAX = 256 << 10;
/** What in a compose file hands a service the host: privileges, the root folder, the Docker socket, its namespaces. */
const HOST_ROOT = [
  /^\s*privileged:\s*["']?true/m,
  /^\s*-\s*["']?\/:\//m,
  /^\s*source:\s*["']?\/["']?\s*$/m,
  /\/var\/run\/docker\.sock|\/run\/docker\.sock/,
  /^\s*(?:pid|network_mode|ipc|userns_mode):\s*["']?host/m,
  /^\s*-\s*["']?(?:SYS_ADMIN|ALL)["']?\s*$/m,
];

function readBounded(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(COMPOSE_MAX);
    return buf.subarray(0, readSync(fd, buf, 0, COMPOSE_MAX, 0)).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

check({
  id: 'effects.compose-host',
  phase: 'before',
  names: ['docker', 'podman', 'nerdctl', 'docker-compose', 'podman-compose'],
  run(x) {
    const { args, pt } = x;
    const compose = x.name.endsWith('-compose') || args.includes('compose');
    if (!compose || !args.some((a) => /^(?:up|run|create|start)$/.test(a))) return;
    const named = x.opt('-f', '--file');
    const files = named.length ? named.map((f) => pt.abs(f)) : COMPOSE_FILES.map((f) => pt.abs(f));
    const file = files.find((f) => existsSync(f));
    if (!file) return;
    const text = readBounded(file);
    if (text === undefined)
      return x.report('effects.compose-host', {
        capability: 'unknown',
        detail: `${x.name} compose reads ${basename(file)}, which Warden cannot read`,
      });
    const hit = HOST_ROOT.find((r) => r.test(text));
    if (hit)
      x.report('effects.compose-host', {
        capability: 'privilege',
        detail: `${x.name} compose starts a service of ${basename(file)} with the host's root, socket or namespaces`,
        paths: [join(file)],
      });
  },
});
