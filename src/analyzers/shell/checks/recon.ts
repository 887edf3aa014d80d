/**
 * Reconnaissance and offensive tools: scanners, share and password-policy listings, screen and
 * clipboard capture, password-locked archives (staging), known attack tools.
 */
import type { WholeLine } from '../command.ts';
import { check, DONE } from './registry.ts';
import { SURVEILLANCE, hostProbe, OFFENSIVE_TOOL, ENUMERATION } from '../tables.ts';

check({
  id: 'recon.offensive-tool',
  phase: 'start',
  run(x) {
    const { name, args } = x;
    // Known offensive-security tools, run by name or as a script (python3 laZagne.py, bash LinEnum.sh).
    // (An argument counts when it is a script path or file: `python3 x/laZagne.py`, not the word `empire`.)
    const tool = [name, ...args.filter((a, i) => !x.isDynamic(i) && !a.startsWith('-') && /[./]/.test(a))].find((a) =>
      OFFENSIVE_TOOL.test(a),
    );
    if (tool)
      x.report('recon.offensive-tool', {
        capability: 'exfiltration',
        detail: `${tool.split('/').pop()} is an offensive-security tool (credential dumping, privilege-escalation hunting)`,
      });
  },
});

check({
  id: 'recon.locked-archive',
  phase: 'start',
  names: ['zip', '7z', '7za', '7zr', 'openssl', 'gpg', 'gpg2'],
  run(x) {
    const { c, name, args, text, sub } = x;
    const { inline } = x.line;
    // Collection: data packed into an archive or cipher text locked with a password given inline, the
    // usual staging before exfiltration (and opaque to inspection).
    const lockedArchive =
      (name === 'zip' && args.some((a) => /^-[a-zA-Z]*P$|^--password(?:=|$)/.test(a))) ||
      (/^(?:7z|7za|7zr)$/.test(name) && sub === 'a' && args.some((a) => /^-p./.test(a))) ||
      (name === 'openssl' &&
        /^(?:enc|aes-\d+-\w+|des3?|bf|camellia-\d+-\w+)$/.test(sub) &&
        args.some((a) => /^-(?:pass|k)$/.test(a)) &&
        !args.includes('-d')) ||
      (/^gpg2?$/.test(name) &&
        args.some((a) => /^(?:-c|--symmetric)$/.test(a)) &&
        args.some((a) => /^--passphrase(?:=|$)/.test(a)));
    if (lockedArchive)
      x.report('recon.locked-archive', {
        capability: 'surveillance',
        detail: `${name} packs or encrypts data under a password given on the command line (staging for exfiltration)`,
      });
  },
});

check({
  id: 'recon.shares',
  phase: 'start',
  names: ['smbstatus', 'smbclient', 'showmount', 'nbtscan', 'nmblookup', 'enum4linux', 'enum4linux-ng', 'net'],
  run(x) {
    const { name, args, sub } = x;
    // Reconnaissance with no everyday use in a coding session: file shares and the password policy.
    if (
      (name === 'smbstatus' && args.some((a) => /^(?:-S|--shares)$/.test(a))) ||
      (name === 'smbclient' && args.some((a) => /^(?:-L|--list)(?:=|$)/.test(a))) ||
      (name === 'showmount' && args.some((a) => /^(?:-e|--exports)$/.test(a))) ||
      /^(?:nbtscan|nmblookup|enum4linux(?:-ng)?)$/.test(name) ||
      (name === 'net' && /^(?:view|share)$/.test(sub))
    ) {
      x.report('recon.shares', {
        capability: 'surveillance',
        detail: `${name} lists network shares or hosts (reconnaissance)`,
      });
    }
  },
});

check({
  id: 'recon.host-probe',
  phase: 'start',
  run(x) {
    const { c, name, args, sub } = x;
    // (a listing piped into a search for one thing, such as a port or a driver, is a developer's check;
    // the searches that hunt for sandboxes and security products are judged above)
    const probe = hostProbe(name, sub, args, c);
    // Data encoded in a name that other tools look up (`ping $(hostname).x.example`): DNS tunnelling too.
    if (
      /^(?:ping6?|traceroute6?|tracepath|mtr|getent|resolvectl|kdig|arping|fping|hping3?)$/.test(name) &&
      args.some(
        (a, i) =>
          !a.startsWith('-') &&
          ((x.isDynamic(i) && /^\$[^.]*(?:\.[\w-]+)+\.[a-z]{2,}$/i.test(a)) ||
            a.split('.').some((l) => l.length > 40 || /^[A-Za-z0-9+/=_-]{24,}$/.test(l))),
      )
    )
      x.report('network.lookup-tunnel', {
        capability: 'exfiltration',
        detail: `${name} looks up a name that carries data (DNS tunnelling)`,
      });
    if (probe)
      x.report('recon.host-probe', {
        capability: 'surveillance',
        detail: `${name} ${probe} (reconnaissance; a coding task seldom needs it)`,
      });
  },
});

check({
  id: 'recon.password-policy',
  phase: 'start',
  names: ['pwpolicy', 'chage', 'net'],
  run(x) {
    const { name, args, sub } = x;
    if (
      (name === 'pwpolicy' && /^-?getaccountpolicies$/.test(sub)) ||
      (name === 'chage' && args.some((a) => /^(?:-l|--list)$/.test(a))) ||
      (name === 'net' && sub === 'accounts')
    ) {
      x.report('recon.password-policy', {
        capability: 'surveillance',
        detail: `${name} reads the password policy (reconnaissance before guessing passwords)`,
      });
    }
  },
});

check({
  id: 'recon.stratus',
  phase: 'start',
  names: ['stratus'],
  run(x) {
    const { name, sub } = x;
    if (name === 'stratus' && /^(?:warmup|detonate)$/.test(sub))
      x.report('recon.stratus', {
        capability: 'exfiltration',
        detail: 'Stratus Red Team runs cloud attack techniques against the account',
      });
  },
});

check({
  id: 'recon.capture',
  phase: 'before',
  run(x) {
    const { name, args } = x;
    if (
      SURVEILLANCE.test(name) ||
      (name === 'import' && args.includes('-window')) ||
      (name === 'xwd' && args.includes('-root'))
    ) {
      x.report('recon.capture', {
        capability: 'surveillance',
        detail: `${name} captures the screen, audio, keystrokes or network traffic`,
      });
    }
  },
});

check({
  id: 'recon.scanner',
  phase: 'before',
  names: ['nmap', 'masscan', 'zmap', 'rustscan', 'naabu', 'unicornscan', 'arp-scan', 'netdiscover'],
  run(x) {
    const { name } = x;
    if (/^(?:nmap|masscan|zmap|rustscan|naabu|unicornscan|arp-scan|netdiscover)$/.test(name))
      x.report('recon.scanner', { capability: 'surveillance', detail: `${name} scans hosts and ports` });
  },
});

check({
  id: 'recon.clipboard',
  phase: 'before',
  names: ['xclip', 'xsel', 'pbpaste', 'wl-paste'],
  run(x) {
    const { name, args } = x;
    if (
      (name === 'xclip' && args.some((a) => /^-o(?:ut)?$/.test(a))) ||
      (name === 'xsel' && args.some((a) => /^-(?:o|-output)$|^-[a-z]*o/.test(a))) ||
      name === 'pbpaste' ||
      name === 'wl-paste'
    )
      x.report('recon.clipboard', { capability: 'surveillance', detail: `${name} reads the clipboard` });
  },
});

check({
  id: 'recon.offensive-tools',
  phase: 'command',
  names: ['msfvenom', 'msfconsole', 'mimikatz', 'hydra', 'john', 'hashcat', 'responder', 'crackmapexec', 'sqlmap'],
  ends: true,
  run(x) {
    const { name } = x;
    x.report('recon.offensive-tools', { capability: 'exfiltration', detail: `${name} is an offensive-security tool` });
    return DONE;
  },
});

/** Many kinds of system enumeration in one call (whoami; id; uname -a; netstat…): reconnaissance. */
export function enumeration(l: WholeLine): void {
  const { command, add } = l;
  // One or two are everyday checks and stay allowed.
  const enumerated = new Set(l.commands.map((c) => c.argv[0]).filter((n) => ENUMERATION.has(n)));
  if (enumerated.size >= 3)
    add({
      check: 'recon.enumeration',
      capability: 'surveillance',
      detail: `enumerates the system in one go (${[...enumerated].slice(0, 5).join(', ')}): reconnaissance`,
      command,
    });
}
