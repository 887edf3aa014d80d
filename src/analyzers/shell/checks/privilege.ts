/**
 * Privilege: other users (sudo, su), users and groups, setuid, ownership, kernel modules,
 * chroot, firewalls.
 */
import { check, DONE } from './registry.ts';
import { looksLikePath } from '../tables.ts';

check({
  id: 'privilege.kernel',
  phase: 'command',
  names: ['insmod', 'rmmod', 'modprobe', 'kldload', 'kldunload', 'kextload', 'kextunload', 'swapon', 'swapoff'],
  ends: true,
  run(x) {
    const { c, name, args } = x;
    // (modprobe's listing and dry-run options load nothing.)
    if (
      name === 'modprobe' &&
      args.some((a) => /^(?:--show-depends|-D|-c|--showconfig|-n|--dry-run|-V|--version|--show)$/.test(a))
    )
      return;
    x.report('privilege.kernel', {
      capability: 'privilege',
      detail: `${name} changes the running kernel or system memory (kernel modules are code with full control of the machine)`,
    });
    return DONE;
  },
});

check({
  id: 'privilege.chroot',
  phase: 'command',
  names: ['chroot'],
  run(x) {
    x.report('privilege.chroot', {
      capability: 'privilege',
      detail: 'changes the root folder (needs root; chroot / gives a root shell where it is allowed)',
    });
    return;
  },
});

check({
  id: 'privilege.other-user',
  phase: 'command',
  names: ['sudo', 'su', 'doas', 'pkexec', 'runuser', 'sudoedit'],
  ends: true,
  run(x) {
    const { c, name, args } = x;
    x.report('privilege.other-user', { capability: 'privilege', detail: `runs as another user with ${name}` });
    if (name === 'su' && !args.includes('-c'))
      x.report('privilege.root-shell', { capability: 'interactive-shell', detail: 'opens a root shell with su' });
    return DONE;
  },
});

check({
  id: 'privilege.users',
  phase: 'command',
  names: [
    'setcap',
    'visudo',
    'usermod',
    'useradd',
    'adduser',
    'passwd',
    'chpasswd',
    'gpasswd',
    'newgrp',
    'groupadd',
    'sysadminctl',
    'dseditgroup',
    'dscl',
    'userdel',
    'deluser',
    'chage',
    'dsenableroot',
  ],
  ends: true,
  run(x) {
    const { name } = x;
    x.report('privilege.users', { capability: 'privilege', detail: `${name} changes users, groups or capabilities` });
    return DONE;
  },
});

check({
  id: 'privilege.chmod',
  phase: 'command',
  names: ['chmod'],
  ends: true,
  run(x) {
    const { args, home, pt } = x;
    // setuid (u+s, 4xxx, 6xxx, +s); a setgid bit alone (g+s, 2xxx) is the usual shared-folder setting.
    if (
      args.some(
        (a) => /^(?:[ugoa]*,)*(?:u[ugoa]*|a|)[+=][rwxXt]*s|^[4-7][0-7]{3}$/.test(a) && !/^[2][0-7]{3}$|^g[+=]/.test(a),
      )
    )
      x.report('privilege.setuid', { capability: 'privilege', detail: 'sets the setuid bit' });
    if (
      args.some((a) => /^-\w*R/.test(a)) &&
      args.some((a) => !a.startsWith('-') && looksLikePath(a) && pt.rootOrHome(a))
    )
      x.report('privilege.chmod-recursive-system', {
        capability: 'destructive',
        detail: 'changes permissions recursively on a system or home folder',
      });
    // Writable by every user (a+w, o+w, 777, 666) outside the workspace: anyone can plant code there.
    if (
      args.some(
        (a, i) => !x.isDynamic(i) && /^(?:[ugoa]*,)*[ugo]*[ao][ugo]*[+=][rwxX]*w|^0?[0-7]?[0-7][0-7][2367]$/.test(a),
      ) &&
      args.some(
        (a, i) =>
          !x.isDynamic(i) &&
          !a.startsWith('-') &&
          looksLikePath(a) &&
          !pt.inWorkspace(a) &&
          !/^\/dev\//.test(pt.abs(a)),
      )
    ) {
      x.report('privilege.world-writable', {
        capability: 'privilege',
        detail: 'makes files outside the workspace writable by every user',
      });
    }
    return DONE;
  },
});

check({
  id: 'privilege.chown',
  phase: 'command',
  names: ['chown', 'chgrp'],
  ends: true,
  run(x) {
    const { args, home, pt } = x;
    if (args.some((a) => /^root(?::|$)/.test(a)))
      x.report('privilege.chown-root', { capability: 'privilege', detail: 'gives files to root' });
    if (
      args.some((a) => /^-\w*R/.test(a)) &&
      args.some((a) => !a.startsWith('-') && looksLikePath(a) && pt.rootOrHome(a))
    )
      x.report('privilege.chown-recursive-system', {
        capability: 'destructive',
        detail: 'changes ownership recursively on a system or home folder',
      });
    return DONE;
  },
});

check({
  id: 'privilege.firewall',
  phase: 'command',
  names: ['iptables', 'ip6tables', 'nft', 'ufw', 'setenforce', 'aa-disable', 'auditctl'],
  ends: true,
  run(x) {
    const { name } = x;
    x.report('privilege.firewall', {
      capability: 'privilege',
      detail: `${name} changes firewall or security settings`,
    });
    return DONE;
  },
});

/**
 * A bind mount shows one folder at another path: `mount --bind ~/.ssh ./mnt` puts the keys inside
 * the workspace, so its source is judged as a read and its target as a write, as a copy would be.
 * (Attaching devices, remounts and listing the mounts are left to the privilege of running as root.)
 */
check({
  id: 'privilege.mount',
  phase: 'before',
  names: ['mount'],
  run(x) {
    const { args, pt } = x;
    const bind = args.some(
      (a, i) => /^--r?bind$|^-[a-zA-Z]*[BR]$/.test(a) || (/^-o/.test(args[i - 1] ?? a) && /(?:^|,|-o)r?bind\b/.test(a)),
    );
    if (!bind) return;
    const taking = new Set(['-t', '-o', '-O', '-L', '-U', '--types', '--options']);
    const ops = args.filter((a, i) => !a.startsWith('-') && !taking.has(args[i - 1] ?? '') && !x.isDynamic(i));
    if (ops.length !== 2) return;
    pt.read(ops[0]);
    pt.write(ops[1]);
  },
});
