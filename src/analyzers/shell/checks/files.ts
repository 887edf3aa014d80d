/**
 * Files that programs read or write through their own options (xargs -a, find -fprint, sed w,
 * awk print >, --files0-from): recorded for the path checks of the line.
 */
import { join } from 'node:path';
import { check } from './registry.ts';
import { isAgentControlPath, isCredentialPath, isPersistencePath } from '../../paths.ts';
import { normaliseHost } from '../../network.ts';
import { programArgIndex, optionValues, looksLikePath } from '../tables.ts';

check({
  id: 'files.wrapper-options',
  phase: 'before',
  names: ['xargs', 'strace', 'ltrace', 'sort'],
  run(x) {
    const { name, args, pt } = x;
    // Wrappers' own file options (their command is judged on its own).
    if (name === 'xargs')
      for (const f of optionValues(args, /^-a$|^--arg-file$/, /^-a(.+)|^--arg-file=(.+)/)) pt.read(f);
    if (name === 'strace' || name === 'ltrace' || name === 'sort')
      for (const f of optionValues(args, /^-o$|^--output$/, /^-o(.+)|^--output=(.+)/)) pt.write(f);
    if (name === 'ltrace') for (const f of optionValues(args, /^-F$/, /^-F(.+)/)) pt.read(f);
  },
});

check({
  id: 'files.find-output',
  phase: 'before',
  names: ['find'],
  run(x) {
    const { name, args, pt } = x;
    // Programs that write or run through their own options: find -fprint, sed's w and e commands,
    // awk's print > "file" and /inet/ sockets, git apply outside the workspace, wc --files0-from.
    if (name === 'find') for (const f of optionValues(args, /^-f(?:print0?|printf|ls)$/)) pt.write(f);
    // find that deletes what it finds (-delete, -exec rm {}) changes the folders it starts from: the
    // agent's settings, Warden's files or the keys, when it starts in a folder that holds them.
    if (name === 'find' && findDeletes(args))
      for (const [i, p] of args.entries()) {
        if (/^[-(!]/.test(p)) break;
        if (!x.isDynamic(i) && holdsGuarded(pt.abs(p), x.home)) pt.write(p);
      }
  },
});

function findDeletes(args: string[]): boolean {
  return args.some(
    (a, i) =>
      a === '-delete' ||
      (/^-(?:exec|execdir|ok|okdir)$/.test(a) && /^(?:rm|shred|unlink|truncate)$/.test(args[i + 1] ?? '')),
  );
}

/** A folder that is, or directly holds, the agent's or Warden's controls, credentials or start-up files. */
function holdsGuarded(abs: string, home: string): boolean {
  return [abs, join(abs, 'settings.json')].some(
    (p) => isAgentControlPath(p, home) || isCredentialPath(p, home) || isPersistencePath(p, home),
  );
}

const SED_ADDR = String.raw`(?:\d+(?:~\d+)?|\$|\/(?:[^/\\]|\\.)*\/[IM]*)`;
const SED_WRITE = new RegExp(
  String.raw`(?:^|[;\n{}]|\/[gpIiMme\d]*)\s*(?:${SED_ADDR}(?:\s*,\s*${SED_ADDR})?\s*!?\s*)?w\s+(\S+)`,
  'g',
);

check({
  id: 'files.sed-exec',
  phase: 'before',
  names: ['sed'],
  run(x) {
    const { name, args, pt } = x;
    if (name === 'sed') {
      const script =
        args[programArgIndex(name, args)] ??
        args.filter((a, i) => i > 0 && /^-e$|^--expression$/.test(args[i - 1])).join('\n');
      // (a command may carry an address: `1w f`, `$w f`, `/re/w f`, `1,5w f`, `/re/!w f`)
      for (const m of script.matchAll(SED_WRITE)) pt.write(m[1]);
      if (/(?:^|[;\n\d$/])\s*e(?:\s|$)|\/e\b/.test(script) || script === 'e')
        x.report('files.sed-exec', { capability: 'interactive-shell', detail: "sed's e command runs shell commands" });
    }
  },
});

check({
  id: 'files.awk-socket',
  phase: 'before',
  match: /^(?:g|m|n)?awk$/,
  run(x) {
    const { name, args, pt } = x;
    if (/^(?:g|m|n)?awk$/.test(name)) {
      const prog = args[programArgIndex(name, args)] ?? '';
      for (const m of prog.matchAll(/(?:print|printf)[^;}]*?>>?\s*"([^"]+)"/g))
        if (!m[1].startsWith('/inet')) pt.write(m[1]);
      // (a target built from ENVIRON["HOME"] and literals side by side: ENVIRON["HOME"] "/.bashrc")
      for (const m of prog.matchAll(/(?:print|printf)[^;}]*?>>?\s*((?:ENVIRON\[\s*"HOME"\s*\]|"[^"]*"|\s)+)/g)) {
        const target = m[1]
          .replace(/ENVIRON\[\s*"HOME"\s*\]/g, '"~"')
          .replace(/"\s*"|"/g, '')
          .trim();
        if (target.startsWith('~')) pt.write(target);
      }
      const inet = /"\/inet6?\/(?:tcp|udp)\/(\d+)\/([^/"]+)\/(\d+)"/.exec(prog);
      if (inet)
        x.report('files.awk-socket', {
          capability: 'reverse-shell',
          detail:
            inet[2] === '0'
              ? `awk listens on port ${inet[1]} (a bind shell when it runs what it reads)`
              : `awk opens a socket to ${inet[2]}:${inet[3]}`,
          hosts: inet[2] === '0' ? [] : [normaliseHost(inet[2])],
        });
    }
  },
});

check({
  id: 'files.option-files',
  phase: 'before',
  names: ['wc', 'du', 'sort', 'date', 'file', 'cmake'],
  run(x) {
    const { name, args, pt } = x;
    if (name === 'wc' || name === 'du' || name === 'sort')
      for (const f of optionValues(args, /^--files0-from$/, /^--files0-from=(.+)/)) pt.read(f);
    if (name === 'date' || name === 'file')
      for (const f of optionValues(
        args,
        name === 'date' ? /^-f$|^--file$/ : /^-[fm]$/,
        name === 'date' ? /^--file=(.+)/ : undefined,
      ))
        pt.read(f);
    if (
      name === 'cmake' &&
      args[0] === '-E' &&
      /^(?:cat|copy|copy_if_different|create_symlink|tar)$/.test(args[1] ?? '')
    )
      for (const f of args.slice(2).filter((a) => looksLikePath(a))) pt.read(f);
  },
});
