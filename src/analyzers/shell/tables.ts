/**
 * The shell judge's word tables and small predicates: which programs download, run code, read no
 * files, take a program argument, and so on. Shared by the line-wide analysis (index.ts) and the
 * family checks (checks/). Word tables keep one entry per line.
 */
import type { SimpleCommand } from './parse.ts';

/** Regex alternatives as a non-capturing group, so long word lists stay one entry per line. */
export const alt = (words: readonly string[]): string => `(?:${words.join('|')})`;
import { PARSED_SHELLS, firstLater, stageIndex, interpreterOf } from './parse.ts';
export const DOWNLOADERS = new Set([
  'curl',
  'wget',
  'aria2c',
  'lwp-download',
  'lwp-request',
  'fetch',
  'GET',
  'http',
  'https',
  'xh',
  'curlie',
  'axel',
]);
export const NET_TOOLS = new Set([
  ...DOWNLOADERS,
  'nscurl',
  'finger',
  'rlogin',
  'rsh',
  'rcp',
  'rexec',
  'nc',
  'ncat',
  'netcat',
  'socat',
  'ssh',
  'scp',
  'sftp',
  'rsync',
  'ftp',
  'tftp',
  'telnet',
  'dig',
  'nslookup',
  'host',
  'drill',
  'whois',
  'nmap',
  'openssl',
  'ab',
  'sshpass',
  'smbclient',
  'mosquitto_pub',
  'websocat',
  'torsocks',
]);
/** Every shell: the ones this parser reads (PARSED_SHELLS) and the ones whose language it does not. */
export const SHELLS = new Set([...PARSED_SHELLS, 'elvish', 'rc', 'sash', 'nu', 'xonsh', 'ysh', 'es', 'ion']);
export const DECODERS = new Set(['base64', 'base32', 'xxd', 'rev', 'openssl', 'uudecode', 'basenc', 'od']);
/** Programs that only ever decompress (their output is text the guard cannot read in the file it came from). */
const UNPACKERS =
  /^(?:[gx]?zcat|gzcat|bzcat|lzcat|zstdcat|lz4cat|brcat|gunzip|bunzip2|unxz|unlzma|unzstd|uncompress|unlz4)$/;
/** Compressors that decompress with -d (alone or among short flags: -dc, -dcq) or --decompress. */
const COMPRESSORS = /^(?:gzip|pigz|bzip2|pbzip2|lbzip2|xz|pixz|lzma|zstd|pzstd|lz4|lzip|lzop|brotli|compress)$/;
/**
 * Whether a command turns text the guard cannot read as it lies on disk into what it prints:
 * a decoder (base64 -d …) or a decompressor (zcat, gzip -dc, tar -xO, unzip -p). A shell fed by
 * one runs a script no check ever saw, exactly as it would run a decoded one.
 */
export function decodesText(argv: string[]): boolean {
  const [name, ...args] = argv;
  if (DECODERS.has(name) || UNPACKERS.test(name)) return true;
  if (COMPRESSORS.test(name))
    return args.some((a) => /^-[a-zA-Z0-9]*d[a-zA-Z0-9]*$/.test(a) || /^--(?:decompress|uncompress)$/.test(a));
  // archives extracted to standard output: tar -xOf, bsdtar --to-stdout, unzip -p, 7z e -so
  if (/^(?:bsdtar|gtar|tar)$/.test(name))
    return args.some(
      (a, i) => /^-[a-zA-Z]*O[a-zA-Z]*$|^--to-stdout$/.test(a) || (i === 0 && /^[a-zA-Z]*O[a-zA-Z]*$/.test(a)),
    );
  if (name === 'unzip') return args.some((a) => /^-[a-zA-Z]*[pc]/.test(a));
  if (/^7z[ar]?$/.test(name)) return args.includes('-so');
  // Python's own codecs as commands: python3 -m base64 -d, python3 -m gzip -d (bz2, lzma alike)
  if (/^python[\d.]*$/.test(name)) {
    const m = args.indexOf('-m');
    return (
      m >= 0 &&
      /^(?:base64|gzip|bz2|lzma|binascii|uu)$/.test(args[m + 1] ?? '') &&
      args.some((a) => /^-d$|^--decompress$|^--decode$/.test(a))
    );
  }
  return false;
}
/** Commands whose path arguments are names, not contents read (listing and metadata). */
export const NO_READ = new Set([
  'rm',
  'rmdir',
  'shred',
  'unlink',
  'tr',
  'expr',
  'seq',
  'basename',
  'dirname',
  'history',
  'bind',
  'ls',
  'cd',
  'pushd',
  'popd',
  'find',
  'fd',
  'locate',
  'which',
  'type',
  'whereis',
  'stat',
  'du',
  'df',
  'file',
  'test',
  '[',
  '[[',
  'echo',
  'printf',
  'mkdir',
  'touch',
  'readlink',
  'realpath',
  'basename',
  'dirname',
  'ldd',
  'command',
  'hash',
  'export',
  'declare',
  'local',
  'alias',
  'man',
  'help',
  'tree',
  'exa',
  'eza',
  'wc',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'cksum',
  'chmod',
  'chown',
  'chgrp',
  'ln',
  'kill',
  'pkill',
  'ps',
  'lsof',
  'mount',
  'umount',
  ':',
  'true',
  'false',
  'sleep',
  'date',
  'git',
  'npm',
  'npx',
  'pnpm',
  'yarn',
  'pip',
  'pip3',
  'go',
  'cargo',
  'make',
  'cmake',
  'docker',
  'apt',
  'apt-get',
]);
/** Commands whose last path argument (or `-t DIR`) is written. */
export const COPIERS = new Set(['cp', 'mv', 'install', 'rsync', 'ln', 'scp']);
export const CREDENTIAL_NAME = new RegExp(
  String.raw`(?:^|[/*"'])${alt([
    'id_(?:rsa|dsa|ecdsa|ed25519)',
    '\\.netrc',
    '\\.git-credentials',
    '\\.pgpass',
    'credentials(?:\\.db|\\.json)?',
    'access_tokens\\.db',
    '\\.aws',
    '\\.ssh',
    '\\.gnupg',
    'Login Data',
    'Cookies',
    'key4\\.db',
    'logins\\.json',
    'places\\.sqlite',
    'wallet\\.dat',
    '\\.kdbx',
    '\\*?\\.pem',
    '\\*?\\.key',
    '\\.env',
  ])}(?:$|["'*])`,
);
export const SURVEILLANCE = new RegExp(
  String.raw`^${alt([
    'screencapture',
    'scrot',
    'gnome-screenshot',
    'spectacle',
    'maim',
    'grim',
    'xdotool',
    'xinput',
    'logkeys',
    'showkey',
    'tcpdump',
    'tshark',
    'dumpcap',
    'ettercap',
    'arecord',
    'parecord',
    'ffmpeg-capture',
    'imagesnap',
  ])}$`,
);
export const EVASION = new RegExp(
  String.raw`\b${alt([
    'kernel\\.randomize_va_space=0',
    'setenforce\\s+0',
    'auditctl\\s+-[De]\\b',
    '(?:systemctl|service)\\s+(?:stop|disable)\\s+(?:\\S*(?:audit|syslog|rsyslog|journald|falcon|osquery|clamav|apparmor|firewalld|ufw)\\S*)',
    '(?:service|systemctl)\\s+\\S*(?:syslog|audit)\\S*\\s+stop',
    'sysrc\\s+\\w*(?:syslog|audit)\\w*_enable=["\']?NO',
    'iptables\\s+-F',
    'ufw\\s+disable',
    'pfctl\\s+-d',
    'spctl\\s+--master-disable',
    'csrutil\\s+disable',
    'networksetup\\s+-set(?:secure)?webproxy',
    'egrep\\s+[^|]*(?:falcon|crowdstrike|cbagentd|carbonblack|sentinel|osqueryd|auditbeat|packetbeat|nessusd|defender|sophos|tanium|cylance)',
  ])}`,
  'i',
);
export const PACKAGE_TOOLS = new Set([
  'apt',
  'apt-get',
  'apt-cache',
  'yum',
  'dnf',
  'apk',
  'brew',
  'zypper',
  'pacman',
  'snap',
  'port',
  'pip',
  'pip3',
  'npm',
  'conda',
  'dpkg',
  'rpm',
  'chsh',
  'update-alternatives',
  'info',
  'whatis',
  'apropos',
]);
/** Wrappers whose inner command parse.ts extracts and judges on its own. */
export const UNWRAPPED = new Set([
  'sudo',
  'doas',
  'env',
  'nohup',
  'setsid',
  'time',
  'command',
  'builtin',
  'exec',
  'nice',
  'ionice',
  'timeout',
  'stdbuf',
  'chroot',
  'flock',
  'strace',
  'ltrace',
  'watch',
  'unbuffer',
  'xargs',
  'find',
  'fd',
  'busybox',
  'toybox',
  'taskset',
  'runuser',
  'faketime',
  'firejail',
  'pkexec',
]);
export const PROTECTED_BRANCH = /^(?:main|master|prod|production|release(?:[/-].*)?|live|stable|trunk|deploy)$/;
export const INFO_ONLY = new Set([
  'which',
  'type',
  'whereis',
  'file',
  'ls',
  'stat',
  'readlink',
  'realpath',
  'ldd',
  'echo',
  'printf',
  'md5sum',
  'sha256sum',
  'sha1sum',
  'test',
  '[',
  'command',
  'help',
  'chsh',
]);
/** Interactive programs (pagers, editors, REPLs, consoles): they wait for a person and most can run shell commands. */
export const INTERACTIVE = new Set([
  'man',
  'vi',
  'vim',
  'nvim',
  'view',
  'vimdiff',
  'rvim',
  'nano',
  'pico',
  'emacs',
  'ed',
  'ex',
  'joe',
  'jed',
  'mcedit',
  'mc',
  'atop',
  'btop',
  'nmon',
  'vigr',
  'vipw',
  'pry',
  'irb',
  'cpan',
  'ipython',
  'bpython',
  'ghci',
  'lldb',
  'wireshark',
  'crash',
  'minicom',
  'ftp',
  'journalctl',
  'bashbug',
  'aptitude',
  'apport-cli',
  'ranger',
  'nnn',
  'fzf',
  'tig',
  'lynx',
  'w3m',
  'links',
  'elinks',
  'mutt',
  'neomutt',
  'alpine',
  'byobu',
  'busctl',
  'dstat',
  'iftop',
  'nethogs',
  'cgdb',
]);

export function expandHome(p: string, home: string): string {
  if (p === '~' || p.startsWith('~/')) return home + p.slice(1);
  if (p === '$HOME' || p.startsWith('$HOME/')) return home + p.slice(5);
  if (p.startsWith('${HOME}')) return home + p.slice(7);
  return p;
}

export const PATTERN_OPT = new RegExp(
  String.raw`^-${alt([
    'e',
    '-expression',
    '-regexp',
    'name',
    'iname',
    'path',
    'ipath',
    'regex',
    'iregex',
    'wholename',
    'not',
    'printf',
    'format',
    'I',
    '-include',
    '-exclude',
    '-exclude-dir',
  ])}$`,
);
/** Commands that list users, hosts, network, processes or system configuration. */
export const ENUMERATION = new Set([
  'whoami',
  'id',
  'groups',
  'users',
  'who',
  'w',
  'last',
  'lastlog',
  'hostname',
  'uname',
  'ifconfig',
  'ip',
  'arp',
  'netstat',
  'ss',
  'lsof',
  'ps',
  'pgrep',
  'lsmod',
  'kldstat',
  'kextstat',
  'kextfind',
  'sysctl',
  'system_profiler',
  'sw_vers',
  'csrutil',
  'smbstatus',
  'pwpolicy',
  'systemctl',
  'service',
  'locale',
  'localectl',
  'printenv',
  'getent',
  'finger',
  'dmidecode',
  'lspci',
  'lsusb',
  'mount',
  'findmnt',
  'crontab',
  'ioreg',
  'route',
  'sockstat',
]);
/**
 * Reconnaissance with no everyday use in a coding session even on its own (whoami, uname or ps only
 * count when many come together, above): the state of the machine's security controls, its loaded
 * kernel drivers (what EDR and sandbox checks look at), its hardware inventory, every account's last
 * login, the hosts next to it (ARP and neighbour tables, TCP metrics) and its whole socket table.
 * Returns what the command does, or undefined. Changing these settings is judged elsewhere.
 */
export function hostProbe(name: string, sub: string, args: string[], c: SimpleCommand): string | undefined {
  const flags = args
    .filter((a) => /^-[a-zA-Z]+$/.test(a))
    .map((a) => a.slice(1))
    .join('');
  // (asked only of the few programs below: a later stage searching the output for a port or LISTEN)
  const narrowed = () => firstLater(c, narrowingSearch) !== undefined;
  switch (name) {
    case 'csrutil':
      return /^(?:status|authenticated-root)$/.test(sub)
        ? 'reports whether System Integrity Protection is on'
        : undefined;
    case 'spctl':
      return args.includes('--status') ? 'reports whether Gatekeeper is on' : undefined;
    case 'getenforce':
    case 'sestatus':
      return 'reports the SELinux mode';
    case 'aa-status':
    case 'apparmor_status':
      return 'lists the AppArmor profiles in force';
    case 'lsmod':
    case 'kextstat':
    case 'kextfind':
    case 'kldstat':
    case 'kmutil':
      if (name === 'kmutil' && sub !== 'showloaded') return undefined;
      return firstLater(c, isSearch)
        ? undefined
        : 'lists the loaded kernel drivers (what EDR and sandbox checks look for)';
    case 'system_profiler':
      return 'inventories the hardware and software';
    case 'lastlog':
    case 'lastlogin':
    case 'faillog':
    case 'lastb':
      return 'lists the logins of every account';
    // (the whole table: -a, or no host named; `arp HOST` looks up one address)
    case 'arp':
      return !/[sdf]/.test(flags) &&
        !args.some((a) => /^--(?:set|delete|file)$/.test(a)) &&
        (/a/.test(flags) || args.every((a) => a.startsWith('-')))
        ? 'lists the hosts on the local network (ARP table)'
        : undefined;
    case 'ip': {
      const [obj, verb] = args.filter((a) => !a.startsWith('-'));
      if (verb !== undefined && !/^(?:show|list|lst|sh|ls|l|s)$/.test(verb)) return undefined;
      if (/^(?:n|ne|nei|neig|neigh|neighbor|neighbour)$/.test(obj ?? ''))
        return 'lists the hosts on the local network (neighbour table)';
      if (/^(?:tcp_metrics|tcpmetrics|tcpm)$/.test(obj ?? ''))
        return 'lists the hosts this machine has talked to (TCP metrics)';
      return undefined;
    }
    // The whole socket table, not a developer's look at the listening ports or at one port.
    case 'sockstat':
      return narrowed() || /l/.test(flags) ? undefined : 'lists every socket and the program behind it';
    case 'ss':
    case 'netstat':
      if (
        narrowed() ||
        /[lrisg]/.test(flags) ||
        args.some((a) => /^--(?:listening|route|interfaces|statistics|summary|groups)$/.test(a) || /:\d+|^\d+$/.test(a))
      )
        return undefined;
      return /a/.test(flags) || args.includes('--all') || (name === 'netstat' && args.length === 0)
        ? 'lists every connection of this machine and the programs behind them'
        : undefined;
    case 'findmnt':
      return args.some(
        (a, i) =>
          (/^(?:-t|--types)$/.test(args[i - 1] ?? '') || /^--types=/.test(a)) &&
          /\b(?:nfs\d?|cifs|smb\w*|afp|sshfs)\b/.test(a),
      )
        ? 'lists the mounted network shares'
        : undefined;
    default:
      return undefined;
  }
}
/**
 * Options of network tools that take a value (in their own word, or at the end of a cluster of
 * short options such as curl's `-so FILE`): `address` values are host:port, the others are files,
 * headers, data or names that are no host, even when they look like one (`-o out.json`).
 */
export interface NetOptions {
  long: Set<string>;
  short: string;
  address?: Set<string>;
}
/** A set of option names, written as words without their dashes. */
export const optionNames = (dashes: string, ...lines: string[]) =>
  new Set(lines.flatMap((l) => l.split(' ')).map((w) => dashes + w));
export const NET_OPTIONS: Record<string, NetOptions> = {
  curl: {
    long: optionNames(
      '--',
      'output data data-binary data-raw data-ascii data-urlencode json form form-string',
      'upload-file user user-agent referer cookie cookie-jar config write-out request max-time',
      'connect-timeout range continue-at cert key cacert capath dump-header trace trace-ascii',
      'stderr header proxy-user retry retry-delay retry-max-time limit-rate max-filesize',
      'time-cond output-dir netrc-file oauth2-bearer pass ciphers interface local-port',
      'speed-limit speed-time expect100-timeout keepalive-time max-redirs create-file-mode hsts',
      'alt-svc etag-save etag-compare variable unix-socket abstract-unix-socket',
    ),
    short: 'odFTuAebcKwXmrCEDHYyzUQt',
  },
  wget: {
    long: optionNames(
      '--',
      'output-document output-file append-output directory-prefix user-agent header post-data',
      'post-file body-data body-file input-file tries timeout execute user password http-user',
      'http-password referer wait load-cookies save-cookies certificate private-key',
      'ca-certificate method limit-rate quota level accept reject exclude-directories',
      'include-directories domains exclude-domains bind-address',
    ),
    short: 'OoaPUitTewQlADXIR',
  },
  http: {
    long: optionNames(
      '--',
      'output session session-read-only auth auth-type cert cert-key cert-key-pass verify timeout',
      'max-redirects pretty style print format-options response-charset response-mime boundary',
      'ssl ciphers default-scheme history-print',
    ),
    short: 'oaAps',
  },
  openssl: {
    long: optionNames(
      '-',
      'servername cert key CAfile CApath cipher ciphersuites sess_out sess_in keylogfile out in',
      'msgfile starttls name xmpphost alpn nextprotoneg verify cert_chain dane_tlsa_domain psk',
      'psk_identity CRL pass chainCAfile verifyCAfile requestCAfile sigalgs groups curves',
      'keymatexport keymatexportlen unix bind',
    ),
    short: '',
    address: optionNames('-', 'connect proxy'),
  },
};
NET_OPTIONS.https = NET_OPTIONS.http;
NET_OPTIONS.xh = NET_OPTIONS.http;

/** Whether a network tool's argument is an option that takes the next word as its value, and what kind. */
export function optionTakesValue(a: string, o: NetOptions): 'address' | 'other' | undefined {
  if (o.address?.has(a)) return 'address';
  if (o.long.has(a)) return 'other';
  // (a cluster of short options: only its last letter may take a value)
  if (o.short && /^-[a-zA-Z0-9]+$/.test(a) && !a.startsWith('--') && o.short.includes(a[a.length - 1])) return 'other';
  return undefined;
}

/** Stages a pipeline is checked for, as functions of their own so each pipeline is searched once (parse.ts). */
export const isProcessLister = (p: SimpleCommand) =>
  /^(?:ps|lsof|systemctl|launchctl|kextstat|lsmod|top|htop|service)$/.test(p.argv[0]);
export const isHardwareReport = (p: SimpleCommand) =>
  HARDWARE_QUERY.test(p.argv[0]) ||
  (p.argv[0] === 'cat' && p.argv.some((a) => /^\/sys\/class\/dmi\/|^\/proc\/scsi\//.test(a)));
export const isSecretSearch = (x: SimpleCommand) =>
  /^(?:[ef]?grep|rg|ag|ack)$/.test(x.argv[0]) && x.argv.slice(1).some((a) => SECRET_WORD.test(a));
export const isFilter = (x: SimpleCommand) => /^(?:grep|egrep|fgrep|rg|wc|cut|awk|sed)$/.test(x.argv[0]);
/** A filter that keeps the secret variables (`env | grep -i token`), not one that only counts or tests. */
export const isSecretFilter = (x: SimpleCommand) =>
  /^(?:[ef]?grep|rg)$/.test(x.argv[0]) &&
  !x.argv.some((a) => /^-[a-zA-Z]*[clq]/.test(a) || /^--(?:count|files-with-matches|quiet|silent)$/.test(a)) &&
  x.argv.slice(1).some(
    // (a bare `key` filters an environment listing down to every *_KEY variable)
    (a) => !a.startsWith('-') && (SECRET_WORD.test(a) || SECRET_PREFIX.test(a) || /^_?keys?_?$/i.test(a)),
  );
/** A search of a listing (not an inverted one): `… | grep 8080`. */
export const isSearch = (x: SimpleCommand) =>
  /^(?:grep|egrep|fgrep|rg|awk)$/.test(x.argv[0]) &&
  !x.argv.some((a) => /^-[a-zA-Z]*v[a-zA-Z]*$|^--invert-match$/.test(a) && x.argv[0] !== 'awk');
/** A search for one port or for the listening sockets. */
export const narrowingSearch = (x: SimpleCommand) =>
  isSearch(x) &&
  /\d{2,5}|LISTEN/i.test(
    x.argv
      .slice(1)
      .filter((a) => !a.startsWith('-'))
      .join(' '),
  );

/**
 * The commands whose output a command runs as code: $(…) or <(…) given as its script or inline
 * code, a here-string or here-document fed to it, or any argument of eval.
 */
export function codeFeeders(c: SimpleCommand): SimpleCommand[] {
  if (!c.fedBy && !c.redirects.some((r) => r.fedBy)) return [];
  const name = c.argv[0];
  const out: SimpleCommand[] = [];
  const at = (i: number) => {
    const f = c.fedBy?.[i];
    if (f) out.push(...f);
  };
  const stdin = () => {
    for (const r of c.redirects)
      if ((r.op === '<<<' || r.heredoc !== undefined || r.op === '<') && r.fedBy) out.push(...r.fedBy);
  };
  if (name === 'eval') {
    for (let i = 1; i < c.argv.length; i++) at(i);
    return out;
  }
  if (name === 'source' || name === '.') {
    at(1);
    if (/^(?:\/dev\/stdin|-|\/dev\/fd\/0)$/.test(c.argv[1] ?? '')) stdin();
    return out;
  }
  const shell = SHELLS.has(name),
    interp = interpreterOf(name);
  if (!shell && !interp) return out;
  const ci = c.argv.findIndex(
    (a, i) => i > 0 && (shell ? /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a) : interp!.flags.includes(a)),
  );
  if (ci > 0) {
    at(ci + 1);
    return out;
  }
  const script = c.argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
  if (script > 0) at(script);
  if (script < 0 || /^(?:-|\/dev\/stdin)$/.test(c.argv[script])) stdin();
  return out;
}

/** PAGER/EDITOR values that run a plain program (no shell string, no path to a script). */
export const PLAIN_PAGER_OR_EDITOR =
  /^(?:cat|less|more|most|head|tail|bat|true|false|:|vi|vim|nvim|nano|emacs|code(?: --wait| -w)?)?(?:\s+-[A-Za-z]+)*$/;
/** Interpreters whose first argument is a script file. */
export const SCRIPT_INTERPRETER =
  /^(?:python[\d.]*|pypy3?|node|nodejs|bun|deno|ruby|perl|php[\d.]*|lua[\d.]*|Rscript|tclsh|osascript)$/;
/** EDR, antivirus and monitoring agents, as their processes are named. */
export const SECURITY_PRODUCT =
  /falcon(?:d|-sensor)?|crowdstrike|CbOsxSensorService|cbagentd|carbonblack|CbDefense|sentinel(?:one|agent|d)|osqueryd|auditbeat|packetbeat|filebeat|td-agent|nessusd|santad|Little\\? ?Snitch|\bLuLu\b|BlockBlock|wazuh-agent|ossec|MsMpEng|sophos|tanium|cylance|clamd|elastic-agent|velociraptor|icinga2|bareos-fd/gi;
/** Offensive tools by name (as the program, or the script an interpreter runs). */
export const OFFENSIVE_TOOL = new RegExp(
  String.raw`(?:^|\/)${alt([
    'lazagne',
    'linenum',
    'linpeas',
    'winpeas',
    'peass',
    'mimipenguin',
    'mimikatz',
    'autosuid',
    'suid3num',
    'pspy(?:32|64)?s?',
    'les\\.sh',
    'linux-exploit-suggester(?:-2)?',
    'lse\\.sh',
    'linuxprivchecker',
    'sudo_killer',
    'gtfonow',
    'traitor',
    'beroot',
    'unix-privesc-check',
    'chisel',
    'ligolo(?:-ng)?',
    'sliver(?:-server|-client)?',
    'pupy',
    'empire',
    'impacket-\\w+',
    'secretsdump',
    'bloodhound(?:-python)?',
    'kerbrute',
    'rubeus',
    'sharphound',
    'evil-winrm',
    'nishang',
    'powersploit',
    'ldapdomaindump',
    'gosecretsdump',
    'pacu',
    'cloudfox',
  ])}(?:\.(?:py|sh|pl|rb|exe|ps1))?$`,
  'i',
);
/** Hypervisor and sandbox vendors, as hardware queries report them. */
export const VM_VENDOR =
  /virtualbox|\bvbox|vmware|\bvmm\b|parallels|qemu|\bkvm\b|xen(?:server)?\b|hyper-?v|bochs|innotek|oracle/gi;
/** Commands that report hardware, firmware or loaded drivers (what sandbox checks grep for vendors). */
export const HARDWARE_QUERY = new RegExp(
  String.raw`^${alt([
    'ioreg',
    'system_profiler',
    'sysctl',
    'kldstat',
    'kextstat',
    'lsmod',
    'dmidecode',
    'lspci',
    'lsusb',
    'lshw',
    'dmesg',
    'hostnamectl',
    'systemd-detect-virt',
    'virt-what',
  ])}$`,
);
/** Executables named as documents or images (double extensions too). */
export const MASQUERADE = new RegExp(
  String.raw`\.${alt([
    'pdf',
    'docx?',
    'xlsx?',
    'pptx?',
    'png',
    'jpe?g',
    'gif',
    'bmp',
    'txt',
    'mp[34]',
    'mov',
    'avi',
    'zip',
  ])}(?:\.(?:sh|bash|py|pl|rb|exe|bin|command|app))?$`,
  'i',
);
/** Tunnel programs, and the subcommand that opens a tunnel (any, for those that do nothing else). */
export const TUNNEL: Record<string, RegExp> = {
  cloudflared: /^tunnel/,
  ngrok: /^\w/,
  devtunnel: /^host/,
  lt: /(?:)/,
  bore: /^local/,
  frpc: /(?:)/,
  chisel: /^(?:client|server)/,
  'ssh-j': /(?:)/,
  localtunnel: /(?:)/,
  pinggy: /(?:)/,
  tunnelto: /(?:)/,
  zrok: /^(?:share|reserve)/,
};
/** File names that hold credentials (find -name patterns). */
export const CRED_FILE = new RegExp(
  String.raw`(?:^|[*/])${alt([
    'id_(?:rsa|dsa|ecdsa|ed25519)',
    '\\.?netrc',
    '\\.pgpass',
    '\\.git-credentials',
    'credentials(?:\\.json)?',
    'accessTokens\\.json',
    'msal_token_cache\\.(?:json|bin)',
    '\\.?env',
    '\\.vault-token',
    'Login Data',
    'Cookies(?:\\.binarycookies)?',
    'key[34]\\.db',
    'logins\\.json',
    'cookies\\.sqlite',
    'wallet\\.dat',
    '\\*?\\.kdbx',
    '\\*?\\.keychain(?:-db)?',
    'shadow',
    'token',
    'Bookmarks(?:\\.plist)?',
  ])}(?:\*)?$`,
  'i',
);
/** Build and package manifests whose contents run on the next build or install. */
export const MANIFEST = new RegExp(
  String.raw`(?:^|\/)${alt([
    'package\\.json',
    'composer\\.json',
    'Gemfile',
    'Rakefile',
    'setup\\.py',
    'setup\\.cfg',
    'pyproject\\.toml',
    'Makefile',
    'GNUmakefile',
    'Vagrantfile',
    'Cargo\\.toml',
    'build\\.rs',
    'build\\.gradle(?:\\.kts)?',
    'pom\\.xml',
    '\\.npmrc',
    '\\.yarnrc(?:\\.yml)?',
    'Dockerfile',
    'Justfile',
    'Taskfile\\.ya?ml',
  ])}$`,
);
/** Options that make a program evaluate code: [program, option]. */
export const EVAL_OPTS: [RegExp, RegExp][] = [
  [/^rpm(?:db|query|verify|build|spec)?$/, /^--eval(?:=|$)|^-E$/],
  [/^make$/, /^--eval(?:=|$)/],
  [/^latexmk$/, /^-e$/],
  [/^knife$/, /^exec$/],
  [/^rake$/, /^-[pe]$|^--(?:execute|execute-print)(?:=|$)/],
  [/^gimp(?:-console)?(?:-[\d.]+)?$/, /^-b$|^--batch(?:=|$)/],
  [/^puppet$/, /^-e$|^--execute(?:=|$)/],
  [/^(?:pdf|lua|xe)?(?:la)?tex$|^(?:pdf|lua|xe)latex$|^latex$|^luatex$/, /^-?-shell-escape$/],
  [/^julia$/, /^-[eE]$|^--(?:eval|print)(?:=|$)/],
  [/^pic$|^groff$|^troff$|^nroff$/, /^-U$/],
  [/^dvips$/, /^-R0$/],
  [/^bee$/, /^eval$/],
  [/^opencode$/, /^db$/],
  [/^ansible-test$/, /^shell$/],
  [/^gdb$/, /^-ex$|^--eval-command(?:=|$)|^-x$/],
  [/^openssl$/, /^-engine$/],
  [/^check_by_ssh$|^ssh$|^scp$|^sftp$|^rsync$/, /ProxyCommand|LocalCommand|PermitLocalCommand/],
  [
    /^(?:tar|gtar|bsdtar)$/,
    new RegExp(
      String.raw`^--${alt([
        'rsh-command',
        'rmt-command',
        'to-command',
        'checkpoint-action',
        'info-script',
        'new-volume-script',
      ])}(?:=|$)|^--use-compress-program=(?:\S*\/)?(?:ba|da|z|k)?sh\b`,
    ),
  ],
  [/^sysctl$/, /^kernel\.(?:core_pattern|modprobe)=|^-w$/],
];
export const EVAL_PROGRAM = new RegExp(EVAL_OPTS.map(([prog]) => `(?:${prog.source})`).join('|'));
/** Consoles that take commands on standard input (beside the interactive programs and file readers). */
export const STDIN_CONSOLES =
  /^(?:cpan|gdb|ftp|sftp|mysql|psql|sqlite3|bc|dc|tclsh|wish|expect|m4|groff|troff|nroff|pic)$/;
/** Shell escapes in a console's input: `!cmd`, a shell path, system()/exec, sqlite's .shell, m4's syscmd. */
export const SHELL_ESCAPE =
  /(?:^|\n)\s*!|\/bin\/(?:ba|da|z|k)?sh\b|\bsystem\s*\(|\bexec\b|\.(?:shell|system)\b|\bos\.execute\b|\be?syscmd\s*\(|^\s*sh\s/m;

/** Literal standard input: a here-document or here-string, or static echo/printf output piped in. */
export function stdinText(c: SimpleCommand): string | undefined {
  const hd = c.redirects.find((r) => r.heredoc !== undefined || r.op === '<<<');
  if (hd) return hd.heredoc ?? hd.target;
  const src = c.pipeline[stageIndex(c) - 1];
  if (!src || !/^(?:echo|printf)$/.test(src.argv[0]) || src.dynamic.slice(1).some(Boolean)) return undefined;
  return src.argv
    .slice(1)
    .filter((a) => !/^-[neE]+$/.test(a))
    .join(' ')
    .replace(/\\n/g, '\n');
}

/** Programs that read file names (or file commands, as ed does) on their standard input. */
export const FED_FILE_READERS = new Set([
  'xargs',
  'cpio',
  'ed',
  'red',
  'ex',
  'vi',
  'vim',
  'tar',
  'rsync',
  'zip',
  '7z',
  'afio',
  'pax',
]);
/** Manual and documentation readers: `man bash` shows a manual, it runs nothing. */
export const DOCS = new Set(['man', 'info', 'whatis', 'apropos', 'tldr']);
export const PROGRAM_FIRST = new Set([
  'rename',
  'prename',
  'perl-rename',
  'file-rename',
  'sed',
  'awk',
  'gawk',
  'mawk',
  'nawk',
  'grep',
  'egrep',
  'fgrep',
  'rg',
  'ag',
  'ack',
  'jq',
  'yq',
  'perl',
  'xmllint',
  'xpath',
  'expr',
  'printf',
  'echo',
  'tr',
]);

export const VALUED_OPTS: Record<string, RegExp> = {
  awk: /^-[vFf]$/,
  gawk: /^-[vFf]$/,
  mawk: /^-[vFf]$/,
  nawk: /^-[vFf]$/,
  grep: /^-[mABCef]$/,
  egrep: /^-[mABCef]$/,
  fgrep: /^-[mABCef]$/,
  rg: /^-[mABCefgtT]$/,
  sort: /^-[tkSo]$/,
  cut: /^-[dfcb]$/,
  jq: /^--(?:arg|argjson)$/,
  column: /^-[st]$/,
};
/** The index (in args) of the program or pattern argument that sed, awk, grep … take first. */
export function programArgIndex(name: string, args: string[]): number {
  if (!PROGRAM_FIRST.has(name)) return -1;
  if (args.some((a) => /^-(?:e|f)$|^--(?:expression|regexp|file)\b/.test(a))) return -1;
  const valued = VALUED_OPTS[name] ?? /^$/;
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('-')) {
      if (valued.test(args[i])) i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** Values of an option, as `-o FILE` (flag) or `-oFILE` / `--output=FILE` (joined). */
export function optionValues(args: string[], flag: RegExp, joined?: RegExp): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (flag.test(args[i]) && args[i + 1] !== undefined) out.push(args[++i]);
    else {
      const v = joined
        ?.exec(args[i])
        ?.slice(1)
        .find((x) => x !== undefined);
      if (v) out.push(v);
    }
  }
  return out;
}

export function looksLikePath(a: string): boolean {
  // Absolute and home paths may contain spaces (~/Library/Application Support/…).
  if (/^~?\/[^\n{}$*|;&<>()'"\\]*[^\s]$/.test(a) && /\s/.test(a)) return !/\s-/.test(a);
  if (/[{}$*\s|;&<>()'"\\]/.test(a) && !/^~?\/[^\s{}$|;&<>()'"]*\*/.test(a)) return false;
  return (
    /^(?:\/|~\/|~$|\$HOME\b|\.\.?\/)/.test(a) ||
    (/\//.test(a) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(a) && !/[\s=]/.test(a))
  );
}

export const SECRET_WORD = /pass|pwd|token|secret|api.?key|credential|auth/i;
/** Variable-name prefixes of cloud and AI-vendor credentials (AWS_SECRET_ACCESS_KEY, OPENAI_API_KEY…). */
export const SECRET_PREFIX = new RegExp(
  String.raw`^\^?${alt([
    'AWS',
    'AZURE',
    'GCP',
    'GOOGLE_APPLICATION',
    'OPENAI',
    'ANTHROPIC',
    'DASHSCOPE',
    'ALIBABA',
    'ALIYUN',
    'GH_',
    'GITHUB',
    'GITLAB',
    'NPM',
    'PYPI',
    'HF_',
    'HUGGING',
    'STRIPE',
    'SLACK',
    'TWILIO',
    'DATABASE_URL',
  ])}`,
  'i',
);
/** Environment variables that hold secrets by their name, and `$NAME` words that print them. */
export const SECRET_ENV = String.raw`[A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?)`;
export const SECRET_NAME = new RegExp(`^${SECRET_ENV}$`);
export const SECRET_VAR = new RegExp(String.raw`\$\{?(${SECRET_ENV})(?![A-Z0-9_])`);

export const HIDDEN_CHARS =
  /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF\u180E\u3164\uFFA0\u{E0000}-\u{E007F}]/u;

/** `:(){ :|:& };:` and its renamings: a function piping itself into itself in the background. */
export const FORK_BOMB = /(?:^|[\s;&|(])([^\s;&|(){}]+)\s*\(\)\s*\{\s*\1\s*\|\s*\1\s*&/;
