/**
 * Package managers: installs (names for the supply-chain checks), risky sources, registry
 * settings, publishing, local unsigned system packages.
 */
import type { ShellCommand } from '../command.ts';
import { hostOf } from '../../network.ts';
import { check, DONE } from './registry.ts';
import { optionValues } from '../tables.ts';
import { alt } from '../tables.ts';
import { ownRepo } from '../owners.ts';

/** Install options that take a value (the value is not a package name). */
const INSTALL_VALUED_OPTION = new RegExp(
  String.raw`^${alt([
    '-r',
    '--requirement',
    '-c',
    '--constraint',
    '-e',
    '--editable',
    '--prefix',
    '--target',
    '-t',
    '--root',
    '--proxy',
    '--cert',
    '--client-cert',
    '--cache-dir',
    '--src',
    '--log',
    '--timeout',
    '--retries',
    '--python',
    '--platform',
    '--abi',
    '--implementation',
    '--python-version',
    '--progress-bar',
    '--upgrade-strategy',
    '--report',
    '--global-option',
    '--config-settings',
    '-C',
  ])}$`,
);
/** Package specs that name a URL, git repository or archive instead of a registry name. */
const SOURCE_SPEC = new RegExp(
  String.raw`^${alt([
    'git\\+',
    'https?:',
    'ftp:',
    'file:',
    'git:',
    'ssh:',
    'github:',
    'gitlab:',
    'bitbucket:',
  ])}|\.(?:tgz|tar\.gz|whl|zip)$|^[\w.-]+\/[\w.-]+(?:#.*)?$`,
);

check({
  id: 'packages.local-system-package',
  phase: 'before',
  names: ['dpkg', 'rpm', 'yum', 'dnf', 'snap', 'pkg', 'opkg', 'apk', 'zypper', 'pacman'],
  run(x) {
    const { name, args, sub } = x;
    // Local, unsigned system packages run their install scripts as root.
    if (
      (name === 'dpkg' && args.some((a) => /^-[a-zA-Z]*i$|^--install$/.test(a))) ||
      (name === 'rpm' && /^-[iU]|^--(?:install|upgrade)$/.test(args[0] ?? '')) ||
      (/^(?:yum|dnf)$/.test(name) &&
        (sub === 'localinstall' ||
          (/^(?:install|reinstall|upgrade)$/.test(sub) && args.some((a) => /\.rpm$/.test(a))) ||
          args.includes('--nogpgcheck'))) ||
      (name === 'snap' && args.some((a) => /^--(?:dangerous|devmode|classic)$/.test(a))) ||
      (/^(?:pkg|opkg|apk|zypper|pacman)$/.test(name) &&
        args.some((a) => /\.(?:txz|pkg|deb|ipk|apk|rpm|tar\.(?:zst|xz|gz))$|^--allow-untrusted$|^-U$/.test(a)))
    ) {
      x.report('packages.local-system-package', {
        capability: 'risky-package-source',
        detail: `${name} installs a local or unsigned system package (its scripts run as root)`,
      });
    }
  },
});

check({
  id: 'packages.npm',
  phase: 'command',
  names: ['npm', 'pnpm', 'yarn', 'bun'],
  ends: true,
  run(x) {
    const { c, name, args, text, sub } = x;
    if (/^(?:publish|unpublish|deprecate|owner|dist-tag|token|adduser|login)$/.test(sub))
      x.report('packages.publish', {
        capability: 'deploy',
        detail: `${name} ${sub} publishes to or changes the registry`,
      });
    if (/^(?:install|i|add|ci|isntall|update|up|upgrade)$/.test(sub))
      packages(x, 'npm', args.slice(args.indexOf(sub) + 1));
    // `npm exec PKG` (and `npm x`) fetches and runs a package as npx does.
    if (name === 'npm' && /^(?:exec|x)$/.test(sub)) {
      // (npm's own options end at `--` or at the command; what follows is the command's)
      const rest = args.slice(args.indexOf(sub) + 1);
      let at = 0;
      while (at < rest.length && rest[at].startsWith('-') && rest[at] !== '--')
        at += /^(?:-p|--package|-c|--call)$/.test(rest[at]) ? 2 : 1;
      const own = rest.slice(0, at);
      const pkgs = optionValues(own, /^(?:-p|--package)$/, /^--package=(.+)/);
      const first = rest[at] === '--' ? rest[at + 1] : rest[at];
      if (!own.some((a) => /^(?:-c|--call)$/.test(a)) && first) pkgs.push(first);
      packages(x, 'npm', pkgs, true);
    }
    if (
      /^(?:uninstall|un|remove|rm|r|unlink)$/.test(sub) &&
      args.slice(args.indexOf(sub) + 1).some((a) => /^(?:@[\w.-]+\/)?warden(?:@.*)?$/.test(a))
    )
      x.report('packages.remove-warden', {
        capability: 'agent-tamper',
        detail: `${name} ${sub} removes Warden, whose hooks guard the agent`,
      });
    // (`npm set k v` is `npm config set k v`; yarn's key is npmRegistryServer)
    if ((sub === 'set' || (sub === 'config' && /\bset\b/.test(args.join(' ')))) && /registry/i.test(args.join(' ')))
      x.report('packages.registry-changed', {
        capability: 'risky-package-source',
        detail: `${name} config changes the package registry`,
      });
    if (
      sub === 'config' &&
      /\b(?:get|list|ls)\b/.test(args.join(' ')) &&
      (/_auth(?:Token)?\b|_password\b|:_auth/i.test(args.join(' ')) ||
        (args.some((a) => /^(?:-l|--long|--json)$/.test(a)) && /\b(?:list|ls)\b/.test(args.join(' '))))
    )
      x.report('packages.registry-credentials', {
        capability: 'credential-access',
        detail: `${name} config prints registry credentials`,
      });
    if (
      sub === 'config' &&
      /\bset\b/.test(args.join(' ')) &&
      /strict-ssl(?:[= ]+)false|enableStrictSsl(?:[= ]+)false/i.test(args.join(' '))
    )
      x.report('packages.tls-off', {
        capability: 'risky-package-source',
        detail: `${name} config switches off TLS verification for package downloads`,
      });
    if (sub === 'config' && /\bset\b/.test(args.join(' ')) && /script-shell|shell-emulator/.test(args.join(' ')))
      x.report('packages.script-shell', {
        capability: 'persistence',
        detail: `${name} config changes the shell every package script runs in`,
      });
    return DONE;
  },
});

check({
  id: 'packages.uvx',
  phase: 'command',
  names: ['uvx'],
  ends: true,
  run(x) {
    const { c, args, text } = x;
    // (--from names the package the tool comes from; --with adds more)
    const from = optionValues(args, /^--from$/, /^--from=(.+)/);
    const pkgs = [
      ...from,
      ...optionValues(args, /^--with$/, /^--with=(.+)/),
      ...(from.length
        ? []
        : args
            .filter(
              (a, i) =>
                !a.startsWith('-') && !/^--(?:from|with|python|index-url|extra-index-url)$/.test(args[i - 1] ?? ''),
            )
            .slice(0, 1)),
    ];
    packages(
      x,
      'pypi',
      [
        ...args.filter(
          (a) =>
            /^--(?:index-url|extra-index-url)(?:=|$)/.test(a) ||
            /^--(?:index-url|extra-index-url)$/.test(args[args.indexOf(a) - 1] ?? ''),
        ),
        ...pkgs,
      ],
      true,
    );
    return DONE;
  },
});

check({
  id: 'packages.npx',
  phase: 'command',
  names: ['npx', 'bunx', 'pnpx'],
  ends: true,
  run(x) {
    const { c, args, text } = x;
    // npx's own options come before the command; what follows is the command's (`npx tsc -p FILE`:
    // the package is tsc, and -p is tsc's project file). With -c the command is a shell string.
    let at = 0;
    while (at < args.length && args[at].startsWith('-')) at += /^(?:-p|--package|-c|--call)$/.test(args[at]) ? 2 : 1;
    const own = args.slice(0, at);
    const pkgs = own.flatMap((a, i) =>
      /^(?:-p|--package)$/.test(a) && own[i + 1] ? [own[i + 1]] : /^--package=/.test(a) ? [a.slice(10)] : [],
    );
    const call = own.some((a) => /^(?:-c|--call)$/.test(a));
    packages(x, 'npm', call || at >= args.length ? pkgs : [...pkgs, args[at]], true);
    return DONE;
  },
});

check({
  id: 'packages.python',
  phase: 'command',
  names: ['pip', 'pip3', 'pipx', 'uv', 'poetry', 'pdm', 'conda', 'mamba', 'easy_install'],
  ends: true,
  run(x) {
    const { c, name, args, text, sub } = x;
    const i = args.findIndex((a) => /^(?:install|add)$/.test(a));
    if (i >= 0) packages(x, 'pypi', args.slice(i + 1));
    // (PEP 668 marks the system's Python as the distribution's: overriding it changes what every
    // system tool written in Python imports)
    if (i >= 0 && (args.includes('--break-system-packages') || c.env.PIP_BREAK_SYSTEM_PACKAGES === '1'))
      x.report('packages.system-python', {
        capability: 'privilege',
        detail: `${name} installs into the system's Python, overriding its protection (--break-system-packages)`,
      });
    if (/^(?:publish|upload)$/.test(sub))
      x.report('packages.publish', { capability: 'deploy', detail: `${name} ${sub} publishes a package` });
    if (
      sub === 'config' &&
      /\bset\b/.test(args.join(' ')) &&
      /\.(?:index-url|extra-index-url|trusted-host)\b/.test(args.join(' '))
    )
      x.report('packages.index-changed', {
        capability: 'risky-package-source',
        detail: `${name} config changes the package index or trusts a host without TLS checks`,
      });
    // Packages run straight from the index (uvx tool, uv tool run, pipx run): judged as installs.
    if ((name === 'uv' && sub === 'tool' && args[1] === 'run') || (name === 'pipx' && sub === 'run'))
      packages(
        x,
        'pypi',
        args
          .slice(args.indexOf(sub) + (name === 'uv' ? 2 : 1))
          .filter((a) => !a.startsWith('-'))
          .slice(0, 1),
        true,
      );
    return DONE;
  },
});

check({
  id: 'packages.other',
  phase: 'command',
  names: ['twine', 'gem', 'cargo', 'go', 'composer', 'mvn', 'gradle', 'dotnet'],
  ends: true,
  run(x) {
    const { c, name, args, text, sub } = x;
    if (/^(?:upload|push|publish|deploy)$/.test(sub)) {
      x.report('packages.publish', { capability: 'deploy', detail: `${name} ${sub} publishes` });
      return DONE;
    }
    if (name === 'gem' && sub === 'install') packages(x, 'rubygems', args.slice(1));
    if (name === 'cargo' && (sub === 'add' || sub === 'install')) packages(x, 'crates', args.slice(1));
    if (name === 'go' && (sub === 'get' || sub === 'install')) packages(x, 'go', args.slice(1));
    // `go run module@version` fetches the module and runs it, as npx does.
    if (name === 'go' && sub === 'run') {
      const remote = args.slice(1).filter((a) => /^[\w-]+(?:\.[\w-]+)+\/[\w.\/-]+@[\w.+-]+$/.test(a));
      if (remote.length) packages(x, 'go', remote, true);
    }
    if (name === 'composer' && sub === 'require') packages(x, 'packagist', args.slice(1));
    return DONE;
  },
});

check({
  id: 'packages.system',
  phase: 'command',
  names: ['apt', 'apt-get', 'yum', 'dnf', 'apk', 'brew', 'zypper', 'pacman', 'snap'],
  ends: true,
  run(x) {
    const { c, name, args, text, sub } = x;
    if (/^(?:install|add|-S)$/.test(sub) || args.includes('-S'))
      packages(
        x,
        'system',
        args.filter((a) => !a.startsWith('-') && a !== sub),
      );
    if (/^(?:remove|purge|autoremove|erase|del|uninstall)$/.test(sub))
      x.report('packages.system', { capability: 'destructive', detail: `${name} ${sub} removes system packages` });
    return DONE;
  },
});

/** Package installs: names for the supply-chain checks, risky sources flagged here. */
function packages(x: ShellCommand, ecosystem: string, args: string[], run = false) {
  const { c } = x;
  const specs: { ecosystem: string; name: string; spec: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (
      /^(?:--index-url|-i|--extra-index-url|--registry|--trusted-host|-f|--find-links|--source)$/.test(a) ||
      /^(?:--index-url|--extra-index-url|--registry|--trusted-host|--find-links)=/.test(a)
    ) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (args[++i] ?? '');
      x.report('packages.other-index', {
        capability: 'risky-package-source',
        detail: `installs from another package index (${v})`,
        hosts: [hostOf(v, 'curl') ?? v],
      });
      continue;
    }
    if (a.startsWith('-')) {
      if (INSTALL_VALUED_OPTION.test(a)) i++;
      continue;
    }
    // (a git dependency on the project's own owner's repository is the project's own code)
    if (SOURCE_SPEC.test(a) && !a.startsWith('@')) {
      if (!ownRepo(a, x.line.ctx.workspace))
        x.report('packages.url-source', {
          capability: 'risky-package-source',
          detail: `installs ${a} from a URL, git repository or archive instead of the registry`,
        });
      continue;
    }
    // (`pip install .`, `npm install ./packages/ui`: local code, not a registry name; what its build
    // runs, setup.py or an in-tree backend, is followed as a script)
    if (/^\.{1,2}(?:\/|$)/.test(a)) continue;
    if (c.dynamic[c.argv.indexOf(a)]) {
      x.report('packages.dynamic-name', {
        capability: 'unknown',
        detail: 'installs a package whose name is only known at run time',
      });
      continue;
    }
    const name =
      ecosystem === 'npm'
        ? a.replace(/^(@?[^@]+)@.*$/, '$1')
        : ecosystem === 'pypi'
          ? a.replace(/\s*(?:\[.*\])?\s*(?:[=<>!~;].*)?$/, '')
          : a.replace(/@.*$/, '');
    if (name) specs.push({ ecosystem, name, spec: a });
  }
  if (specs.length || !run)
    x.report('packages.install', {
      capability: 'package-install',
      detail: specs.length
        ? `${run ? 'runs' : 'installs'} ${specs.map((s) => s.spec).join(', ')} (${ecosystem})`
        : `installs the project's ${ecosystem} dependencies`,
      packages: specs,
    });
}
