/**
 * Deleting and wiping: rm and its kin on system, home, agent or outside paths, disks, devices.
 */
import { check, DONE } from './registry.ts';
import { isAgentControlPath, isGitHookPath } from '../../paths.ts';

check({
  id: 'destruction.delete',
  phase: 'command',
  names: ['rm', 'rmdir', 'shred', 'unlink', 'srm', 'wipe'],
  ends: true,
  run(x) {
    const { name, args, home, pt } = x;
    const recursive = args.some((a) => /^-[a-zA-Z]*[rR]|^--recursive$/.test(a));
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a.startsWith('-') && !x.isDynamic(i)) continue;
      if (x.isDynamic(i)) {
        if (recursive)
          x.report('destruction.delete-dynamic', {
            capability: 'destructive',
            detail: `${name} -r on a path only known at run time (${a || '…'})`,
          });
        continue;
      }
      if (a === '') continue; // (`rm -f ""` deletes nothing)
      if (!pt.cwdKnown() && !/^[/~]/.test(a)) {
        if (recursive)
          x.report('destruction.delete-unknown-folder', {
            capability: 'unknown',
            detail: `${name} -r on ${a} in a folder only known at run time`,
          });
        continue;
      }
      if (pt.rootOrHome(a))
        x.report('destruction.delete-root-or-home', {
          capability: 'destructive',
          detail: `deletes ${a}: the root, home, a system folder or the whole workspace`,
          paths: [a],
          catastrophic: true,
        });
      else if (isAgentControlPath(pt.abs(a), home))
        x.report('destruction.delete-agent-control', {
          capability: 'agent-tamper',
          detail: `deletes ${a}, which controls the agent's or Warden's guard`,
          paths: [a],
        });
      else if (isGitHookPath(pt.abs(a)))
        x.report('destruction.delete-git-hooks', {
          capability: 'hook-bypass',
          detail: `deletes ${a}: the repository's git hooks would no longer run`,
          paths: [a],
        });
      else if (pt.outside(a))
        x.report('destruction.delete-outside', {
          capability: 'destructive',
          detail: `deletes ${a}, outside the workspace`,
          paths: [a],
        });
    }
    return DONE;
  },
});

check({
  id: 'destruction.disks',
  phase: 'command',
  names: [
    'mkfs',
    'wipefs',
    'fdisk',
    'sfdisk',
    'parted',
    'mkswap',
    'shutdown',
    'reboot',
    'halt',
    'poweroff',
    'init',
    'telinit',
  ],
  ends: true,
  run(x) {
    const { name } = x;
    x.report('destruction.disks', {
      capability: 'destructive',
      detail: `${name} changes disks or stops the machine`,
      catastrophic: true,
    });
    return DONE;
  },
});

check({
  id: 'destruction.dd',
  phase: 'command',
  names: ['dd'],
  ends: true,
  run(x) {
    const { args } = x;
    if (args.some((a) => /^of=\/dev\/(?!null)/.test(a)))
      x.report('destruction.dd', { capability: 'destructive', detail: 'dd writes to a device', catastrophic: true });
    return DONE;
  },
});
