/**
 * Hiding from or switching off defences: security-product and sandbox checks, timestomping,
 * logging and history off, the clock, hidden or locked files, firewalls.
 */
import { check } from './registry.ts';
import { somePeer, type SimpleCommand } from '../parse.ts';
import { EVASION, isProcessLister, isHardwareReport, SECURITY_PRODUCT, VM_VENDOR } from '../tables.ts';

check({
  id: 'evasion.sandbox-and-av',
  phase: 'start',
  run(x) {
    const { c, name, args } = x;
    // Looking for security products among running processes, to avoid or stop them.
    const grepped = /^(?:grep|egrep|fgrep|rg|pgrep|pkill|pidof)$/.test(name)
      ? args.filter((a, i) => !x.isDynamic(i) && !a.startsWith('-')).join(' ')
      : '';
    const products = new Set([...grepped.matchAll(SECURITY_PRODUCT)].map((m) => m[0].toLowerCase()));
    if (products.size >= 2 && (/^(?:pgrep|pkill|pidof)$/.test(name) || somePeer(c, isProcessLister))) {
      x.report('evasion.security-product-hunt', {
        capability: 'defense-evasion',
        detail: `looks for security software among the running processes (${[...products].slice(0, 4).join(', ')})`,
      });
    }
    // Checking whether it runs in a virtual machine or sandbox, to behave differently there: hardware
    // reports searched for hypervisor vendors, or the hypervisor asked directly (macOS keys).
    const vendors = new Set([...grepped.matchAll(VM_VENDOR)].map((m) => m[0].toLowerCase()));
    // (or, inverted, for hardware that is not the genuine vendor's: `sysctl -n hw.model | grep -v Mac`)
    const notGenuine =
      !!grepped &&
      args.some((a) => /^-[a-zA-Z]*v[a-zA-Z]*$|^--invert-match$/.test(a)) &&
      /\b(?:Mac|Apple)/i.test(grepped);
    if ((vendors.size || notGenuine) && somePeer(c, isHardwareReport)) {
      x.report('evasion.vm-check', {
        capability: 'defense-evasion',
        detail: `checks whether it runs in a virtual machine or sandbox (${vendors.size ? `${[...vendors].slice(0, 3).join(', ')} in hardware reports` : 'hardware reports searched for anything but a genuine Mac'})`,
      });
    }
    if (name === 'sysctl' && args.some((a) => /^(?:hw\.hv_vendor|kern\.hv_vmm_present|kern\.hv_support)$/.test(a)))
      x.report('evasion.hypervisor-query', {
        capability: 'defense-evasion',
        detail: `asks whether it runs under a hypervisor (${args.find((a) => /^(?:hw|kern)\.hv/.test(a))}): a sandbox check`,
      });
  },
});

check({
  id: 'evasion.timestomp',
  phase: 'start',
  names: ['touch'],
  run(x) {
    const { name, args, pt } = x;
    // Timestomping: a file outside the workspace (temp folders too) given a fixed or borrowed date, to hide when it changed.
    if (
      name === 'touch' &&
      args.some(
        (a, i) =>
          !x.isDynamic(i) &&
          (/^-[acm]*[tdr]$/.test(a) || /^--(?:date|reference)(?:=|$)/.test(a)) &&
          (a.includes('=') || (args[i + 1] !== undefined && !x.isDynamic(i + 1))),
      )
    ) {
      const files = args.filter(
        (a, i) =>
          !a.startsWith('-') &&
          !x.isDynamic(i) &&
          !(i > 0 && /^-[acm]*[tdr]$|^--(?:date|reference)$/.test(args[i - 1])),
      );
      const there = files.filter((f) => !pt.inWorkspace(f));
      if (there.length)
        x.report('evasion.timestomp', {
          capability: 'defense-evasion',
          detail: `sets the timestamps of ${there.slice(0, 2).join(', ')} to a chosen date (timestomping hides when a file was changed)`,
          paths: there.map((f) => pt.abs(f)),
        });
    }
  },
});

check({
  id: 'evasion.logging-off',
  phase: 'before',
  run(x) {
    const { c, name, args, text } = x;
    if (
      EVASION.test(text) ||
      (name === 'set' && args.join(' ') === '+o history') ||
      (name === 'unset' && args.some((a) => /^HIST/.test(a))) ||
      (name === 'history' && args.includes('-c'))
    ) {
      x.report('evasion.logging-off', {
        capability: 'defense-evasion',
        detail: `${text.slice(0, 80)} switches off logging, history, security controls or hides from them`,
      });
    }
  },
});

check({
  id: 'evasion.clock',
  phase: 'before',
  names: ['date', 'timedatectl', 'systemsetup'],
  run(x) {
    const { name, args } = x;
    // (touch -t/-d inside the workspace is left alone: there it looks the same as an ordinary build
    // or test step. Outside it, see timestomping above.)
    if (
      (name === 'date' &&
        args.some(
          (a, i) =>
            !x.isDynamic(i) &&
            (/^-s$|^--set(?:=|$)/.test(a) ||
              (/^\d{8,12}(?:\.\d{2})?$/.test(a) &&
                !/^-[a-zA-Z]*[dfr]$|^--(?:date|file|reference)$/.test(args[i - 1] ?? ''))),
        )) ||
      (/^(?:timedatectl|systemsetup)$/.test(name) && /\bset-?time\b|-setdate|-settime/i.test(args.join(' ')))
    )
      x.report('evasion.clock', { capability: 'defense-evasion', detail: 'sets the system clock' });
  },
});

check({
  id: 'evasion.hide-files',
  phase: 'before',
  match: /^(?:chflags|[sS]et[fF]ile|xattr|chattr)$/,
  run(x) {
    const { name, args } = x;
    if (
      (name === 'chflags' && args.some((a) => /^(?:hidden|s?uchg|s?immutable|simmutable|sappnd|uappnd)$/.test(a))) ||
      (/^[sS]et[fF]ile$/.test(name) && args.some((a) => /^-[ma]$/.test(a))) ||
      (name === 'xattr' &&
        args.some((a) => /com\.apple\.quarantine/.test(a)) &&
        args.some((a) => /^-[a-z]*[dc]/.test(a))) ||
      (name === 'chattr' && args.some((a) => /^[+-][a-z]*[ia]/.test(a)))
    ) {
      x.report('evasion.hide-files', {
        capability: 'defense-evasion',
        detail: `${name} hides files, locks them or strips the quarantine mark`,
      });
    }
  },
});

check({
  id: 'evasion.firewall-off',
  phase: 'before',
  names: ['pfctl', 'service'],
  run(x) {
    const { name, args } = x;
    if (name === 'pfctl' && args.some((a) => /^-[a-zA-Z]*[dfF]$/.test(a)))
      x.report('evasion.pfctl', {
        capability: 'defense-evasion',
        detail: 'pfctl switches off or replaces firewall rules',
      });
    if (name === 'service' && args[0] === 'pf' && /^(?:stop|disable|onestop)$/.test(args[1] ?? ''))
      x.report('evasion.pf-stop', { capability: 'defense-evasion', detail: 'stops the pf firewall' });
  },
});

/**
 * Words that name Warden's processes or files (a grep pattern's `[w]arden` trick read as `warden`),
 * and a lookup of every Node.js process (`pidof node`, `pgrep node`), which holds Warden's daemon.
 */
const GUARD_WORD = /warden|audit\.db|daemon\.sock/i;
const NODE_LOOKUP = /^(?:pidof|pgrep)$/;
const unbracket = (a: string) => a.replace(/\[([^\]])\]/g, '$1');

/** Whether a command names Warden's processes or files among its arguments (pgrep -f warden, lsof ~/.warden/…). */
function namesGuard(c: SimpleCommand): boolean {
  if (NODE_LOOKUP.test(c.argv[0]) && c.argv.slice(1).some((a) => /^(?:node|nodejs)$/.test(a))) return true;
  return c.argv.slice(1).some((a, i) => !c.dynamic[i + 1] && GUARD_WORD.test(unbracket(a)));
}

/** Process ids reach a kill through its arguments' $(…) or through the pipeline (`pgrep … | xargs kill`). */
function pidsFromGuard(c: SimpleCommand): boolean {
  return !!c.fedBy?.some((cs) => cs?.some(namesGuard)) || somePeer(c, namesGuard);
}

/**
 * `kill -- -1` (or `kill -9 -1`): every process the user may signal, Warden's daemon and gateway
 * among them. (`kill -1 PID` is a hang-up signal to PID: -1 counts only after `--` or a signal.)
 */
function killsEverything(args: string[], name = 'kill'): boolean {
  // killall -u USER and pkill -u USER with no name or pattern: every process of that user.
  if (name === 'killall' || name === 'pkill') {
    const valued = /^-(?:[uUgGPstF]|-user|-uid|-group|-parent|-session|-terminal)$/;
    const named = args.some((a, i) => !a.startsWith('-') && !valued.test(args[i - 1] ?? ''));
    return !named && args.some((a) => /^-(?:u|U|-user|-uid)$/.test(a));
  }
  return args.some(
    (a, i) => a === '-1' && i > 0 && (args[i - 1] === '--' || /^-(?:\d+|[A-Z]+|s\s*\w+)$/.test(args[i - 1])),
  );
}

check({
  id: 'evasion.guard-killed',
  phase: 'before',
  names: ['kill', 'pkill', 'killall', 'skill', 'fuser'],
  run(x) {
    const { c, name, args } = x;
    if (name === 'fuser' && !args.some((a) => /^-[a-zA-Z]*k/.test(a))) return;
    const why =
      pidsFromGuard(c) || (name === 'fuser' && namesGuard(c))
        ? "stops Warden's processes, found by name or by the files they hold"
        : (name === 'killall' || name === 'pkill') && args.some((a) => /^(?:node|nodejs)$/.test(a))
          ? "stops every Node.js process, Warden's daemon and gateway among them"
          : (name === 'kill' || name === 'killall' || name === 'pkill') && killsEverything(args, name)
            ? "signals every process of the user, Warden's among them"
            : undefined;
    if (why) x.report('evasion.guard-killed', { capability: 'agent-tamper', detail: `${name} ${why}` });
  },
});
