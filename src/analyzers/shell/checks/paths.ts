/**
 * The paths a command reads and writes (collected by index.ts from its operands and redirections,
 * and by the family checks through `x.pt.read`/`x.pt.write`), judged by name and, for symbolic
 * links, by where they lead: credentials, the agent's and Warden's controls, persistence,
 * privileges, and anything outside the workspace. Cases: paths.cases.sh.
 */
import type { ShellCommand } from '../command.ts';
import {
  isCredentialPath,
  isAgentControlPath,
  isPersistencePath,
  isPrivilegedPath,
  isHarmlessSystemRead,
  isLink,
  linkTarget,
} from '../../paths.ts';
import { interpreterOf } from '../parse.ts';
import { COPIERS, INFO_ONLY, NO_READ, SHELLS } from '../tables.ts';

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
    else if (isPersistencePath(a, home))
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
