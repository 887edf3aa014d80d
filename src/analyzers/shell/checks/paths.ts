/**
 * The paths a command reads and writes (collected by index.ts from its operands and redirections,
 * and by the family checks through `x.pt.read`/`x.pt.write`), judged by name and, for symbolic
 * links, by where they lead: credentials, the agent's and Warden's controls, persistence,
 * privileges, and anything outside the workspace. Cases: paths.cases.sh.
 */
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ShellCommand } from '../command.ts';
import {
  isCredentialPath,
  isAgentControlPath,
  isPersistencePath,
  isPrivilegedPath,
  isHarmlessSystemRead,
  isLink,
  linkTarget,
  isGitHookPath,
  insideWorkspace,
  isConfiguredHooksPath,
  isScratchPath,
} from '../../paths.ts';
import { interpreterOf } from '../parse.ts';
import {
  COPIERS,
  INFO_ONLY,
  NO_READ,
  SHELLS,
  PATTERN_OPT,
  PROGRAM_FIRST,
  UNWRAPPED,
  VALUED_OPTS,
  looksLikePath,
  programArgIndex,
} from '../tables.ts';

/**
 * Judges the files one command reads (`r`) and writes (`w`). `skip` is the index of its program
 * argument (a sed or awk script is not a path); `moved` says the line has cd'd out of the
 * workspace, so bare names are files there.
 */
export function judgePaths(x: ShellCommand, r: string[], w: string[], o: { skip: number; moved: boolean }): void {
  const { name, args, dyn, text, home } = x;
  const { abs, outside } = x.pt;
  const { add, downloaded } = x.line;
  const { skip, moved } = o;
  // Named as written, or in full after a cd (`cd ~/.ssh && cat id_rsa` reads ~/.ssh/id_rsa).
  const shown = (p: string) => (moved && !/^[~/]/.test(p) ? abs(p).replace(home, '~') : p);
  // Symbolic links are also judged by where they lead, for what must not be reached through one:
  // `cat key.txt` after `ln -s ~/.ssh/id_rsa key.txt`. (Bare names count only when they are links.)
  const viaLink = (p: string) => {
    const t = linkTarget(abs(p));
    return t ? { t, how: `${shown(p)} (a link to ${t.replace(home, '~')})` } : undefined;
  };
  const linkedReads = [
    ...r,
    ...(!NO_READ.has(name) || COPIERS.has(name)
      ? args.filter((a, i) => !dyn[i + 1] && /^[\w@+-][\w.@+-]*$/.test(a) && i !== skip && isLink(abs(a)))
      : []),
  ];
  for (const p of linkedReads) {
    const l = viaLink(p);
    if (l && isCredentialPath(l.t, home))
      add({
        check: 'paths.link-read-credential',
        capability: 'credential-access',
        detail: `reads ${l.how}, a credential or secret file`,
        command: text,
        paths: [l.t],
      });
  }
  for (const p of w) {
    const l = viaLink(p);
    if (!l) continue;
    const { t, how } = l;
    if (isAgentControlPath(t, home))
      add({
        check: 'paths.link-write-agent-control',
        capability: 'agent-tamper',
        detail: `writes ${how}, which controls the agent's or Warden's guard`,
        command: text,
        paths: [t],
      });
    else if (isCredentialPath(t, home))
      add({
        check: 'paths.link-write-credential',
        capability: 'credential-access',
        detail: `writes ${how}, a credential file`,
        command: text,
        paths: [t],
      });
    else if (isPersistencePath(t, home))
      add({
        check: 'paths.link-write-persistence',
        capability: 'persistence',
        detail: `writes ${how}, which runs code at login, on a schedule or on git events`,
        command: text,
        paths: [t],
      });
    else if (!outside(p) && !insideWorkspace(t, x.line.ctx.workspace) && !isScratchPath(t))
      add({
        check: 'paths.link-write-outside',
        capability: 'write-outside',
        detail: `writes ${how}, outside the workspace`,
        command: text,
        paths: [t],
      });
  }
  for (const p of r) {
    if (isCredentialPath(abs(p), home))
      add({
        check: 'paths.read-credential',
        capability: 'credential-access',
        detail: `reads ${shown(p)}, a credential or secret file`,
        command: text,
        paths: [abs(p)],
      });
    else if (outside(p) && !isHarmlessSystemRead(abs(p)) && !INFO_ONLY.has(name))
      add({
        check: 'paths.read-outside',
        capability: 'read-outside',
        detail: `reads ${shown(p)}, outside the workspace`,
        command: text,
        paths: [abs(p)],
      });
    if (x.line.decoded.has(abs(p)) && (SHELLS.has(name) || interpreterOf(name) || name === 'source' || name === '.'))
      add({
        check: 'pipelines.runs-decoded-file',
        capability: 'obfuscated-exec',
        detail: `runs ${shown(p)}, which this command line decoded or decompressed (text no check has read)`,
        command: text,
        paths: [abs(p)],
      });
    if (downloaded.has(abs(p)) && (SHELLS.has(name) || interpreterOf(name) || name === 'source' || name === '.'))
      add({
        check: 'pipelines.runs-downloaded-file',
        capability: 'download-exec',
        detail: `runs ${shown(p)}, which this command line downloaded`,
        command: text,
        paths: [abs(p)],
      });
  }
  for (const p of w) {
    const a = abs(p);
    if (isAgentControlPath(a, home))
      add({
        check: 'paths.write-agent-control',
        capability: 'agent-tamper',
        detail: `writes ${shown(p)}, which controls the agent's or Warden's guard`,
        command: text,
        paths: [abs(p)],
      });
    else if (isPersistencePath(a, home) || isConfiguredHooksPath(a))
      add({
        check: 'paths.write-persistence',
        capability: 'persistence',
        detail: `writes ${shown(p)}, which runs code at login, on a schedule or on git events`,
        command: text,
        paths: [abs(p)],
      });
    else if (isPrivilegedPath(a))
      add({
        check: 'paths.write-privileged',
        capability: 'privilege',
        detail: `writes ${shown(p)}, which controls users or privileges`,
        command: text,
        paths: [abs(p)],
      });
    else if (isCredentialPath(a, home))
      add({
        check: 'paths.write-credential',
        capability: 'credential-access',
        detail: `writes ${shown(p)}, a credential file`,
        command: text,
        paths: [abs(p)],
      });
    else if (outside(p) && !/^\/dev\/(?:null|stdout|stderr|fd\/\d+)$/.test(a))
      add({
        check: 'paths.write-outside',
        capability: 'write-outside',
        detail: `writes ${shown(p)}, outside the workspace`,
        command: text,
        paths: [abs(p)],
      });
  }
}

/**
 * Sorts a command's operands into the files it reads (`r`) and writes (`w`): path-like arguments,
 * bare names of secret files, `--opt=path` values, and what tar, cp, mv, tee, dd, sed -i… do with
 * them. Returns the index of the program argument (a sed or awk script is not a path), or -1.
 */
export function operands(x: ShellCommand, r: string[], w: string[], moved: boolean): number {
  const { name, args, dyn, home } = x;
  const { abs } = x.pt;
  // Arguments that are paths (the program or pattern argument of sed/awk/grep/jq… is not).
  const skip = programArgIndex(name, args);
  const valued = VALUED_OPTS[name];
  const pathArgs = args.filter(
    (a, i) =>
      i !== skip &&
      !dyn[i + 1] &&
      !a.startsWith('-') &&
      (looksLikePath(a) ||
        (moved && /^[\w.@+-][\w.@+-]*$/.test(a)) ||
        // (a bare name of Warden's own files: `cp x .warden-baseline.json`, `sed -i … .warden.yml`)
        (/^[\w.@+-][\w.@+-]*$/.test(a) && isAgentControlPath(abs(a), home))) &&
      !(i > 0 && (PATTERN_OPT.test(args[i - 1]) || valued?.test(args[i - 1]))),
  );
  // Bare names of secret files (`cat .env`, `cp id_rsa …`): no other bare name counts as a path.
  const bareSecrets = () =>
    args.filter(
      (a, i) =>
        i !== skip &&
        !dyn[i + 1] &&
        /^[\w.@+~-][\w.@+~-]*$/.test(a) &&
        !a.startsWith('-') &&
        !pathArgs.includes(a) &&
        !(i > 0 && (PATTERN_OPT.test(args[i - 1]) || valued?.test(args[i - 1]))) &&
        isCredentialPath(abs(a), home),
    );
  const optPaths = args.flatMap((a, i) => {
    if (dyn[i + 1]) return [];
    const v = /^--?[\w-]+=/.test(a)
      ? a.slice(a.indexOf('=') + 1).replace(/^@/, '')
      : /^(?:man|file|info):\//.test(a)
        ? a.slice(a.indexOf(':') + 1)
        : undefined;
    return v !== undefined && looksLikePath(v) ? [v] : [];
  });
  if (TARS.test(name) && tarMode(args, 'c')) {
    const fi = args.findIndex((a) => /^-?[a-zA-Z]*f$/.test(a) && !a.startsWith('--'));
    if (fi >= 0 && args[fi + 1]) w.push(args[fi + 1]);
    r.push(...pathArgs.filter((a) => a !== args[fi + 1]));
  } else if (TARS.test(name) && tarMode(args, 'x')) {
    tarExtract(x, r, w);
  } else if (/^7z[ar]?$/.test(name) && /^[xe]$/.test(x.sub)) {
    sevenZipExtract(x, r, w);
  } else if (name === 'unzip' && !args.some((a) => /^-[a-zA-Z]*[lptvZ]/.test(a))) {
    unzipExtract(x, r, w);
  } else if (name === 'cpio' && args.some((a) => /^-[a-zA-Z]*[po]/.test(a))) w.push(...pathArgs);
  else if (name === 'tee' || name === 'truncate' || name === 'dd' || name === 'sponge') {
    w.push(
      ...pathArgs.filter(() => name !== 'dd'),
      ...(name === 'dd' ? args.filter((a) => a.startsWith('of=')).map((a) => a.slice(3)) : []),
    );
    if (name === 'dd') r.push(...args.filter((a) => a.startsWith('if=')).map((a) => a.slice(3)));
  } else if (name === 'ln' && pathArgs.length === 1 && pathArgs[0] !== linkName(x) && !args.includes('-t')) {
    // ln -s TARGET [NAME]: the link goes in the current folder; a link to a credential exposes it.
    // (When the one path is the last operand, it is the link's name after a source only known at
    // run time, `ln -sf "$PWD/x" ~/.local/bin/ls`: a write, judged with the copiers below.)
    if (isCredentialPath(abs(pathArgs[0]), home) || isAgentControlPath(abs(pathArgs[0]), home)) r.push(pathArgs[0]);
  } else if (COPIERS.has(name)) {
    const td = args.find((a) => a.startsWith('--target-directory='));
    if (td) w.push(td.slice(19));
    const t = args.findIndex((a) => a === '-t' || a === '--target-directory');
    // A bare last operand (`cp ~/.ssh/id_rsa key.txt`) is the destination in the current folder,
    // so every path-like operand is a source.
    const pos = args.filter(
      (a, i) => !a.startsWith('-') && !dyn[i + 1] && !(i > 0 && /^-[tS]$|^--suffix$/.test(args[i - 1])),
    );
    const bareDest = /^(?:cp|mv|install)$/.test(name) && pos.length > 0 && !pathArgs.includes(pos[pos.length - 1]);
    let sources: string[];
    // (`cp .env /tmp/x`: a bare secret file's name among the sources)
    r.push(...bareSecrets().filter((a) => (t >= 0 ? a !== args[t + 1] : a !== pos[pos.length - 1])));
    if (t >= 0 && args[t + 1]) {
      w.push(args[t + 1]);
      sources = pathArgs.filter((a) => a !== args[t + 1]);
    } else if (bareDest || pathArgs.length === 0 || td) sources = pathArgs;
    else {
      w.push(pathArgs[pathArgs.length - 1]);
      sources = pathArgs.slice(0, -1);
    }
    // A relative target of a symbolic link is relative to the link's folder, not the working one
    // (`ln -s ../src/shared web/shared` reaches src/shared).
    const dest = w[w.length - 1];
    const symbolic = name === 'ln' && args.some((a) => /^-[a-zA-Z]*s/.test(a) || a === '--symbolic');
    // Into a folder (`cp -r hooks/. .git/hooks/`, `install x ~/.config/autostart`), each source lands
    // as a file inside it: judge that file too, since the folder's name alone says nothing.
    if (dest && name !== 'ln' && intoFolder(x, dest))
      w.push(...sources.map((s) => join(dest, /^\.*$/.test(basename(s)) ? 'copied-file' : basename(s))));
    r.push(...(symbolic && dest ? sources.map((p) => (/^[~/]/.test(p) ? p : join(dirname(dest), p))) : sources));
    // A workspace link to an installed program (`ln -s /usr/bin/python3 .venv/bin/python`) runs that
    // program, which is already on the machine: not a planted file, whatever folder the link is in.
    if (symbolic && dest && sources.length && sources.every((p) => sameProgram(p, dest)) && ordinaryLinkPlace(x, dest))
      w.splice(w.lastIndexOf(dest), 1);
    // mv takes its sources away: moving the agent's settings aside is changing them, moving the
    // git hooks aside is switching them off.
    if (name === 'mv') {
      w.push(...sources);
      const hook = (t >= 0 || td ? pos.filter((a) => a !== args[t + 1]) : pos.slice(0, -1)).find((s) =>
        isGitHookPath(abs(s)),
      );
      if (hook)
        x.report('paths.hooks-moved', {
          capability: 'hook-bypass',
          detail: `moves ${hook} away: the repository's git hooks would no longer run`,
          paths: [abs(hook)],
        });
    }
  } else if (name === 'sed' && args.some((a) => /^-i|^--in-place/.test(a))) w.push(...pathArgs);
  else if (['touch', 'mkdir', 'chmod', 'chown', 'chgrp', 'setfacl', 'chattr'].includes(name)) w.push(...pathArgs);
  else if (name === 'dd') r.push(...args.filter((a) => a.startsWith('if=')).map((a) => a.slice(3)));
  // A wrapper's (xargs, sudo, timeout…) own arguments are the command it runs, judged on its own.
  else if (!NO_READ.has(name) && !UNWRAPPED.has(name)) {
    r.push(...pathArgs, ...optPaths, ...bareSecrets());
    // SQLite-style URIs: file:/path/to/db?mode=ro
    args.forEach((a, i) => {
      if (!dyn[i + 1] && /^file:(?:~|\/)/.test(a)) r.push(a.slice(5).replace(/\?.*$/, ''));
    });
    // `as @/etc/shadow`, `-c 'Include /etc/shadow'`: paths inside arguments.
    args.forEach((a, i) => {
      if (dyn[i + 1] || i === skip) return;
      if (/^@[~/]/.test(a)) r.push(a.slice(1));
      else if (/\s/.test(a) && !PROGRAM_FIRST.has(name) && !SHELLS.has(name))
        for (const m of a.matchAll(/(?:^|[\s'"=])((?:~|\/)(?:[\w.-]+\/)*[\w.-]+)(?=$|[\s'";,)])/g))
          if (!/^\/(?:bin|usr\/bin|dev)\/\w+$/.test(m[1])) r.push(m[1]);
    });
  }
  return skip;
}

/** Folders of installed programs (a link to one of their files runs what the system already runs). */
const SYSTEM_PROGRAM = /^\/(?:usr\/(?:local\/)?)?s?bin\/[\w.+-]+$|^\/opt\/homebrew\/bin\/[\w.+-]+$/;
/**
 * A link to an installed program under the name of the same program (python3.12 as python, node as
 * node): a shell or another interpreter under an interpreter's name (`ln -s /bin/sh .venv/bin/python`)
 * would run files as a language other than the one they are judged in.
 */
function sameProgram(target: string, link: string): boolean {
  if (!SYSTEM_PROGRAM.test(target)) return false;
  const kind = (p: string) => {
    const n = basename(p);
    return SHELLS.has(n) ? 'shell' : (interpreterOf(n)?.language ?? '');
  };
  return kind(target) === kind(link);
}
/** A link name inside the workspace that is neither a git hook nor the agent's or Warden's settings. */
function ordinaryLinkPlace(x: ShellCommand, dest: string): boolean {
  const a = x.pt.abs(dest);
  return x.pt.inWorkspace(dest) && !isGitHookPath(a) && !isAgentControlPath(a, x.home) && !isConfiguredHooksPath(a);
}

/** ln's link name: the last of two or more operands, ones only known at run time included. */
function linkName(x: ShellCommand): string | undefined {
  const ops = x.args.filter((a, i) => !a.startsWith('-') || x.isDynamic(i));
  return ops.length > 1 ? ops.at(-1) : undefined;
}

/** A destination that is a folder: written with a trailing slash, or one that exists. */
function intoFolder(x: ShellCommand, dest: string): boolean {
  if (dest.endsWith('/') || /\/\.$/.test(dest)) return true;
  try {
    return statSync(x.pt.abs(dest), { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/**
 * `tar -x`: the archive is read and its members land in the -C folder (the folder itself when no
 * member is named), so a link named as that folder is judged where it leads.
 */
function tarExtract(x: ShellCommand, r: string[], w: string[]): void {
  const { args, dyn } = x;
  const fi = args.findIndex((a) => /^-?[a-zA-Z]*f$/.test(a) && !a.startsWith('--'));
  const ci = args.findIndex((a) => a === '-C' || a === '--directory');
  const dir = ci >= 0 ? args[ci + 1] : args.find((a) => a.startsWith('--directory='))?.slice(12);
  if (fi >= 0 && args[fi + 1] && !dyn[fi + 2]) r.push(args[fi + 1]);
  if (dir === undefined || (ci >= 0 && dyn[ci + 2])) return;
  const taken = new Set([fi + 1, ci + 1]);
  const members = args.filter(
    (a, i) => i > 0 && !a.startsWith('-') && !taken.has(i) && !dyn[i + 1] && !/^-[a-zA-Z]*[fC]$/.test(args[i - 1]),
  );
  // (with no member named, whatever the archive holds lands as files inside the folder)
  w.push(...(members.length ? members.map((m) => join(dir, m)) : [dir, ...filesIn(x, dir)]));
}

/**
 * A file landing in a folder, when the folder's name alone is judged differently from a file in it
 * (`.git/hooks` is a folder; `.git/hooks/x` runs on git events): that file, else nothing.
 */
function filesIn(x: ShellCommand, dir: string): string[] {
  const { home } = x;
  const file = join(dir, 'extracted-file');
  const a = x.pt.abs(dir),
    f = x.pt.abs(file);
  const kind = (p: string) =>
    isAgentControlPath(p, home) ? 1 : isPersistencePath(p, home) ? 2 : isCredentialPath(p, home) ? 3 : 0;
  return kind(f) && kind(f) !== kind(a) ? [file] : [];
}

/** tar under its other names (GNU's gtar, libarchive's bsdtar): the same options, the same effects. */
const TARS = /^(?:tar|gtar|bsdtar)$/;

/** `7z x ARCHIVE -oDIR`: the archive is read, its files land inside DIR (or here). */
function sevenZipExtract(x: ShellCommand, r: string[], w: string[]): void {
  const ops = x.args.filter((a, i) => !a.startsWith('-') && !x.isDynamic(i));
  if (ops[1]) r.push(ops[1]);
  const o = x.args.findIndex((a) => /^-o./.test(a));
  if (o >= 0 && !x.isDynamic(o)) w.push(x.args[o].slice(2), ...filesIn(x, x.args[o].slice(2)));
}

/** `unzip ZIP [MEMBER…] -d DIR`: the archive is read, its files land inside DIR (or here). */
function unzipExtract(x: ShellCommand, r: string[], w: string[]): void {
  const { args } = x;
  const valued = (o: string) => /^-[dxP]$/.test(o);
  const ops = args.filter((a, i) => !a.startsWith('-') && !valued(args[i - 1] ?? '') && !x.isDynamic(i));
  if (ops[0]) r.push(ops[0]);
  const di = args.indexOf('-d');
  if (di >= 0 && args[di + 1] && !x.isDynamic(di + 1)) w.push(args[di + 1], ...filesIn(x, args[di + 1]));
}

/** Whether tar runs in a mode (c, x…): a letter of a short option, or of the old dashless first word. */
function tarMode(args: string[], mode: string): boolean {
  return args.some(
    (a, i) =>
      ((/^-[a-zA-Z]+$/.test(a) && !/^-[CfTXbHVLNgK]$/.test(a)) || (i === 0 && /^[a-zA-Z]+$/.test(a))) &&
      a.includes(mode),
  );
}
