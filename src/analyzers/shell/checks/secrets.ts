/**
 * Reading secrets: credential searches, process memory, password stores, secret environment
 * variables printed into the agent's context.
 */
import { check, DONE } from './registry.ts';
import { somePeer, firstLater } from '../parse.ts';
import { isCredentialPath } from '../../paths.ts';
import {
  CREDENTIAL_NAME,
  isSecretSearch,
  isFilter,
  isSecretFilter,
  CRED_FILE,
  looksLikePath,
  SECRET_NAME,
  SECRET_VAR,
} from '../tables.ts';

check({
  id: 'secrets.find-by-name',
  phase: 'before',
  names: ['find', 'locate', 'fd', 'mdfind'],
  run(x) {
    const { name, args } = x;
    // Searching the disk for keys and credential stores.
    if (
      (name === 'find' || name === 'locate' || name === 'fd' || name === 'mdfind') &&
      args.some((a) => CREDENTIAL_NAME.test(a))
    ) {
      x.report('secrets.find-by-name', {
        capability: 'credential-access',
        detail: `${name} searches for credential files (${args.find((a) => CREDENTIAL_NAME.test(a))})`,
      });
    }
  },
});

check({
  id: 'secrets.history-search',
  phase: 'before',
  names: ['history'],
  run(x) {
    const { c, name } = x;
    // Searching the shell history for passwords and tokens typed on command lines.
    if (name === 'history' && somePeer(c, isSecretSearch))
      x.report('secrets.history-search', {
        capability: 'credential-access',
        detail: 'searches the shell history for passwords or tokens',
      });
  },
});

check({
  id: 'secrets.process-memory',
  phase: 'before',
  names: ['gcore', 'gdb'],
  run(x) {
    const { name, args } = x;
    if (name === 'gcore' || (name === 'gdb' && args.some((a) => /^-p$|^--pid(?:=|$)/.test(a))))
      x.report('secrets.process-memory', {
        capability: 'credential-access',
        detail: `${name} dumps or attaches to a running process's memory (where secrets live)`,
      });
  },
});

check({
  id: 'secrets.proc-memory',
  phase: 'before',
  run(x) {
    const { args } = x;
    // Another process's memory or environment (/proc/PID/mem, maps, environ), even with the PID a variable.
    if (args.some((a) => /^\/proc\/(?!self\/|thread-self\/)[^/]+\/(?:mem|maps|environ)$/.test(a)))
      x.report('secrets.proc-memory', {
        capability: 'credential-access',
        detail: "reads another process's memory or environment under /proc (where its secrets are)",
      });
  },
});

check({
  id: 'secrets.getent-shadow',
  phase: 'before',
  names: ['getent'],
  run(x) {
    const { name, sub } = x;
    if (name === 'getent' && /^(?:shadow|gshadow)$/.test(sub))
      x.report('secrets.getent-shadow', {
        capability: 'credential-access',
        detail: `getent ${sub} reads password hashes`,
      });
  },
});

check({
  id: 'secrets.find-credential-files',
  phase: 'before',
  names: ['find'],
  run(x) {
    const { name, args, home, pt } = x;
    if (name === 'find') {
      // Hunting for credential files or browser profiles. (Listing setuid programs, find -perm -4000,
      // is left alone: admins run it as often as attackers.)
      const patterns = args.flatMap((a, i) =>
        i > 0 && /^-(?:i?name|i?path|i?wholename|regex)$/.test(args[i - 1]) ? [a] : [],
      );
      const roots = args.filter(
        (a, i) => !a.startsWith('-') && (i === 0 || !args[i - 1].startsWith('-')) && looksLikePath(a),
      );
      if (patterns.some((x) => CRED_FILE.test(x)) || roots.some((x) => isCredentialPath(pt.abs(x), home)))
        x.report('secrets.find-credential-files', {
          capability: 'credential-access',
          detail: 'searches for credential files, tokens or browser profiles',
        });
    }
  },
});

check({
  id: 'secrets.ps-environment',
  phase: 'command',
  names: ['ps'],
  ends: true,
  run(x) {
    const { args } = x;
    // BSD-style options with `e` (ps eww, ps auxe) print every process's environment: their secrets.
    if (/^[aAcCghjlLmMnrsStTuvwxXZ]*e[aAcCeghjlLmMnrsStTuvwxXZ]*$/.test(args[0] ?? ''))
      x.report('secrets.ps-environment', {
        capability: 'env-dump',
        detail: `ps ${args.join(' ')} prints the environment of every process (their API keys included) into the agent's context`,
      });
    return DONE;
  },
});

check({
  id: 'secrets.echo-secret',
  phase: 'command',
  names: ['echo', 'printf'],
  ends: true,
  run(x) {
    const { c, name } = x;
    // A secret's value printed goes into the agent's context, and from there to the model vendor.
    for (let i = 1; i < c.argv.length; i++) {
      const m = c.dynamic[i] ? SECRET_VAR.exec(c.argv[i]) : null;
      if (m) {
        x.report('secrets.echo-secret', {
          capability: 'env-dump',
          detail: `${name} prints $${m[1]}, a secret, into the agent's context`,
        });
        break;
      }
    }
    return DONE;
  },
});

check({
  id: 'secrets.env-dump',
  phase: 'command',
  names: ['env', 'printenv', 'set', 'export', 'declare'],
  ends: true,
  run(x) {
    const { c, name, args } = x;
    // `declare -p KEY` prints one variable as `printenv KEY` does
    const printsOne = name === 'printenv' || (name === 'declare' && args.some((a) => /^-[a-zA-Z]*p/.test(a)));
    if (printsOne && args.some((a) => SECRET_NAME.test(a)))
      x.report('secrets.printenv-secret', {
        capability: 'env-dump',
        detail: `${name} prints ${args.find((a) => SECRET_NAME.test(a))}, a secret, into the agent's context`,
      });
    if (
      args.length === 0 ||
      (name === 'export' && args.join(' ') === '-p') ||
      (name === 'declare' && /^-[px]+$/.test(args.join(' ')))
    ) {
      // Filtered (`env | grep PATH`) it is an everyday look at one setting; filtered for secrets
      // (`env | grep -i token`, `env | grep AWS`) it prints exactly those, unless it only counts or tests.
      const filtered = firstLater(c, isFilter) !== undefined;
      const forSecrets = firstLater(c, isSecretFilter);
      if (!filtered || forSecrets)
        x.report('secrets.env-dump', {
          capability: 'env-dump',
          detail: forSecrets
            ? `${name} | ${forSecrets.argv.join(' ')} prints secret environment variables into the agent's context`
            : `${name} prints every environment variable (API keys included) into the agent's context`,
        });
    }
    return DONE;
  },
});

check({
  id: 'secrets.password-store',
  phase: 'command',
  names: ['security', 'secret-tool', 'keyctl', 'pass', 'gopass', 'op', 'bw', 'lpass', 'vault', 'gpg'],
  ends: true,
  run(x) {
    const { name, args, sub } = x;
    if (name !== 'gpg' || args.some((a) => /^--?(?:export-secret(?:-sub)?(?:-keys?)?|decrypt|d)$/.test(a)))
      x.report('secrets.password-store', {
        capability: 'credential-access',
        detail: `${name} reads a password store or keychain`,
      });
    return DONE;
  },
});
