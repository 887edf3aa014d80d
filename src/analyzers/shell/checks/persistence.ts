/**
 * Code set to run later: cron, systemd, launchd, at, traps, shells written into build
 * manifests, macOS preferences.
 */
import { check, DONE } from './registry.ts';
import { MANIFEST } from '../tables.ts';

check({
  id: 'persistence.manifest-shell',
  phase: 'before',
  names: ['echo', 'printf'],
  run(x) {
    const { c, name, args } = x;
    // A shell put into a build or package manifest, which the next build or install runs
    // (echo '{"scripts":{"preinstall":"/bin/sh"}}' > package.json).
    if (
      (name === 'echo' || name === 'printf') &&
      c.redirects.some((r) => /^>>?$/.test(r.op) && MANIFEST.test(r.target)) &&
      /\/bin\/(?:ba|da|z|k)?sh\b|\bsystem\s*\(|\bexec\s*\(|`|\$\(/.test(args.join(' '))
    ) {
      x.report('persistence.manifest-shell', {
        capability: 'persistence',
        detail: `writes a shell command into ${c.redirects.find((r) => MANIFEST.test(r.target))!.target}, which the next build or install runs`,
      });
    }
  },
});

check({
  id: 'persistence.trap',
  phase: 'before',
  names: ['trap'],
  run(x) {
    const { name, args } = x;
    if (name === 'trap' && args.length >= 2) {
      const [action, ...signals] = args;
      if (signals.includes('DEBUG') || /BASH_COMMAND/.test(action))
        x.report('recon.debug-trap', {
          capability: 'surveillance',
          detail: 'trap … DEBUG records every command the shell runs',
        });
      else if (/\b(?:nohup|sh|bash|curl|wget|nc|python3?|perl)\b/.test(action))
        x.report('persistence.trap', {
          capability: 'persistence',
          detail: `trap runs a program when the shell gets ${signals.join(' ')}`,
        });
    }
  },
});

check({
  id: 'persistence.defaults',
  phase: 'command',
  names: ['defaults'],
  ends: true,
  run(x) {
    const { sub } = x;
    if (/^(?:write|delete|import|rename)$/.test(sub))
      x.report('persistence.defaults', {
        capability: 'write-outside',
        detail: `defaults ${sub} changes macOS preferences outside the workspace`,
      });
    return DONE;
  },
});

check({
  id: 'persistence.cron',
  phase: 'command',
  names: ['crontab'],
  ends: true,
  run(x) {
    const { args } = x;
    if (!args.includes('-l'))
      x.report('persistence.cron', { capability: 'persistence', detail: 'installs a cron job' });
    return DONE;
  },
});

check({
  id: 'persistence.systemd-run',
  phase: 'command',
  names: ['systemd-run'],
  ends: true,
  run(x) {
    const { args } = x;
    if (
      args.some((a) =>
        /^--on-(?:calendar|active|boot|startup|unit-active|unit-inactive|clock-change|timezone-change)(?:=|$)/.test(a),
      )
    )
      x.report('persistence.systemd-run', {
        capability: 'persistence',
        detail: 'systemd-run schedules a program to run later (a transient timer)',
      });
    return DONE;
  },
});

check({
  id: 'persistence.scheduler',
  phase: 'command',
  names: ['at', 'batch', 'launchctl', 'update-rc.d', 'chkconfig'],
  ends: true,
  run(x) {
    const { name } = x;
    x.report('persistence.scheduler', {
      capability: 'persistence',
      detail: `${name} schedules or registers a program to run later`,
    });
    return DONE;
  },
});

check({
  id: 'persistence.systemctl',
  phase: 'command',
  names: ['systemctl'],
  ends: true,
  run(x) {
    const { args, sub } = x;
    if (/^(?:enable|link|edit|set-default|daemon-reload|preset)$/.test(sub) || args.includes('--now'))
      x.report('persistence.systemctl', { capability: 'persistence', detail: `systemctl ${sub} registers a service` });
    if (/^(?:stop|disable|mask|kill|poweroff|reboot|halt|isolate)$/.test(sub))
      x.report('destruction.systemctl-stop', { capability: 'destructive', detail: `systemctl ${sub} stops services` });
    return DONE;
  },
});
