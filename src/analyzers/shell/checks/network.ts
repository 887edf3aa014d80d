/**
 * Talking to other hosts: network tools and their uploads, proxies and pinned addresses, URLs
 * given to any program, listeners, tunnels, certificate checks switched off.
 */
import type { ShellCommand } from '../command.ts';
import { gitProxies } from './git.ts';
import { check, DONE } from './registry.ts';
import { interpreterOf } from '../parse.ts';
import { isCredentialPath } from '../../paths.ts';
import { hostOf, hostOfAddress, normaliseHost } from '../../network.ts';
import {
  alt,
  DOWNLOADERS,
  NET_TOOLS,
  UNWRAPPED,
  INFO_ONLY,
  NET_OPTIONS,
  optionTakesValue,
  TUNNEL,
  PROGRAM_FIRST,
  optionValues,
} from '../tables.ts';

/** Programs a URL argument is judged for elsewhere (their own checks) or only printed by. */
const NO_URL_CHECK = new RegExp(
  String.raw`^${alt([
    'git',
    'npm',
    'npx',
    'pnpm',
    'yarn',
    'pip',
    'pip3',
    'uv',
    'go',
    'cargo',
    'gem',
    'docker',
    'podman',
    'kubectl',
    'helm',
    'gh',
    'echo',
    'printf',
    'yes',
    'basename',
    'dirname',
    'expr',
    'tr',
    'cut',
    'rev',
    'wc',
    'seq',
  ])}$`,
);
/** Options of curl, wget and httpie whose value is a body or file sent to the server. */
const UPLOAD_OPTION = new RegExp(
  String.raw`^${alt([
    '-d',
    '--data',
    '--data-binary',
    '--data-raw',
    '--data-urlencode',
    '-F',
    '--form',
    '-T',
    '--upload-file',
    '--post-file',
    '--body-file',
  ])}$`,
);

/**
 * Whether a command is not judged by its own network check already (a network tool, a command that
 * only prints, one that runs the program after it, a wrapper): the address and URL checks read the rest.
 */
const notJudgedElsewhere = (name: string) =>
  !NET_TOOLS.has(name) && !INFO_ONLY.has(name) && !PROGRAM_FIRST.has(name) && !UNWRAPPED.has(name);

check({
  id: 'network.address-argument',
  phase: 'start',
  run(x) {
    const { c, name, args } = x;
    const { hostsOf } = x.line;
    // Any program given an IP address or host:port talks to it (network tools are judged on their own).
    if (notJudgedElsewhere(name) && !/^(?:ping6?|traceroute6?|tracepath|mtr|arping|fping)$/.test(name)) {
      const ips = args
        .flatMap((a, i) =>
          x.isDynamic(i)
            ? []
            : [
                ...a.matchAll(
                  /(?:^|[^\d.])((?:\d{1,3}\.){3}\d{1,3})(?::\d+)?(?![\d.])|(?:^|[\s@=])((?:[a-z0-9-]+\.)+[a-z]{2,}):\d{2,5}\b/gi,
                ),
              ].map((m) => m[1] ?? m[2]),
        )
        .filter((ip) => !/^(?:127\.|0\.0\.0\.0|255\.)/.test(ip));
      if (ips.length) {
        hostsOf.set(c, ips);
        x.report('network.address-argument', {
          capability: 'network',
          detail: `${name} is given the address ${[...new Set(ips)].join(', ')}`,
          hosts: [...new Set(ips)],
        });
      }
    }
  },
});

check({
  id: 'network.proxy',
  phase: 'start',
  run(x) {
    const { c, name, args, sub } = x;
    // Traffic sent through another host: a proxy (in the environment, in git/npm/pip/wget settings) or
    // a name pinned to another address (curl --resolve, --connect-to). That host sees (and can change)
    // what goes through it, so it is egress to that host; a company proxy can be listed in hosts.allow.
    const via: string[] = [];
    for (const [k, v] of x.assigned)
      if (/^(?:https?_proxy|all_proxy|ftp_proxy|rsync_proxy)$/i.test(k) && v) via.push(v);
    if (name === 'git') via.push(...gitProxies(x));
    if (/^(?:npm|pnpm|yarn)$/.test(name) && sub === 'config' && /\bset\b/.test(args.join(' '))) {
      const k = args.findIndex((a) => /^(?:https-)?proxy$/.test(a));
      if (k >= 0 && args[k + 1]) via.push(args[k + 1]);
      else {
        const m = args.map((a) => /^(?:https-)?proxy=(.+)$/.exec(a)).find(Boolean);
        if (m) via.push(m[1]);
      }
    }
    if (/^(?:pip|pip3|uv)$/.test(name)) via.push(...optionValues(args, /^--proxy$/, /^--proxy=(.+)/));
    if (name === 'wget')
      for (const e of optionValues(args, /^-e$|^--execute$/, /^--execute=(.+)/)) {
        const m = /^(?:https?|ftp)_proxy\s*=\s*(.+)$/i.exec(e);
        if (m) via.push(m[1]);
      }
    if (name === 'curl') {
      for (const r of optionValues(args, /^--resolve$/, /^--resolve=(.+)/)) {
        const addr = r
          .split(':')
          .slice(2)
          .join(':')
          .replace(/^\[|\]$/g, '');
        if (addr) via.push(addr);
      }
      for (const r of optionValues(args, /^--connect-to$/, /^--connect-to=(.+)/)) {
        const h = r.split(':')[2];
        if (h) via.push(h);
      }
    }
    const viaHosts = [
      ...new Set(
        via.map((v) => hostOf(/^[a-z][\w+.-]*:\/\//i.test(v) ? v : `http://${v}`, 'curl') ?? v).filter(Boolean),
      ),
    ];
    if (viaHosts.length)
      x.report('network.proxy', {
        capability: 'network',
        detail: `${name} sends its traffic through ${viaHosts.join(', ')} (a proxy or a pinned address)`,
        hosts: viaHosts.map(normaliseHost),
      });
  },
});

check({
  id: 'network.local-login',
  phase: 'before',
  names: ['ssh', 'sshpass', 'slogin'],
  run(x) {
    // Logging in to this very machine as a named account (`ssh admin@localhost`, with sshpass's
    // password) runs commands as that user: the same as su, whatever the loopback address suggests.
    // (with a port, `ssh -p 2222 vagrant@localhost`, it is a forwarded VM or container, not this machine)
    // (sshpass's own -p is the password: only the words from `ssh` on are ssh's)
    const from = x.name === 'sshpass' ? x.args.indexOf('ssh') + 1 : 0;
    const port = (a: string, i: number) =>
      /^-p|^-oPort|^Port=/.test(a) || (a === '-o' && /^Port\b/.test(x.args[i + 1] ?? ''));
    if (x.args.some((a, i) => i >= from && (x.isDynamic(i) || port(a, i)))) return;
    const dest = x.args.find(
      (a, i) => /^[\w.-]+@(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/.test(a) && !x.isDynamic(i),
    );
    if (dest)
      x.report('network.local-login', {
        capability: 'privilege',
        detail: `${x.name} logs in to this machine as ${dest.split('@')[0]}, running commands as that account`,
      });
  },
});

/** A loopback address, with or without a port: what listens there is reachable from this machine only. */
const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|localhost|::1|\[::1\])(?::\d+)?$/i;

check({
  id: 'network.listener',
  phase: 'before',
  run(x) {
    const { name, args } = x;
    // Listeners: serving files or a console to the network.
    if (
      args.some((a) =>
        /^--listen(?:=|$)|^-m\s*(?:http\.server|SimpleHTTPServer)$|^httpd$|^(?:http\.server|SimpleHTTPServer)$/.test(a),
      ) ||
      (name === 'code' && args[0] === 'tunnel')
    ) {
      // (bound to the loopback only, `http.server --bind 127.0.0.1`, nothing is served beyond this machine)
      const bound = x.opt('--bind', '-b', '--listen', '--host');
      if (name !== 'code' && bound.length && bound.every((b) => LOOPBACK.test(b))) return;
      x.report('network.listener', {
        capability: 'upload',
        detail: `${name} serves files or a console to the network`,
      });
    }
  },
});

check({
  id: 'network.url-argument',
  phase: 'before',
  run(x) {
    const { c, name, args } = x;
    const { hostsOf } = x.line;
    // Any other program given a URL talks to that host.
    // (Text tools only print or transform the URL: `basename "http://…/pic.jpg"`, `yes 'http://…'`.)
    if (notJudgedElsewhere(name) && !NO_URL_CHECK.test(name)) {
      const urlHosts = args.flatMap((a, i) =>
        x.isDynamic(i)
          ? []
          : [
              ...a.matchAll(
                /\b(?:https?|ftp|ldaps?|smb|ssh|telnet|tcp|udp|wss?):\/\/(?:[^@/\s"']*@)?(\[[^\]]+\]|[^:/\s"'?#]+)/gi,
              ),
            ].map((m) => m[1]),
      );
      if (urlHosts.length) {
        hostsOf.set(c, [...(hostsOf.get(c) ?? []), ...urlHosts]);
        x.report('network.url-argument', {
          capability: 'network',
          detail: `${name} is given a URL on ${[...new Set(urlHosts)].join(', ')}`,
          hosts: [...new Set(urlHosts)],
        });
      }
    }
  },
});

check({
  id: 'network.serve-files',
  phase: 'before',
  run(x) {
    const { name, args } = x;
    // Serving local files to the network.
    if (
      (/^php\d*$/.test(name) && args.includes('-S')) ||
      (interpreterOf(name) && /http\.server|SimpleHTTPServer|-run -e httpd/.test(args.join(' '))) ||
      (name === 'busybox' && args[0] === 'httpd')
    ) {
      if (
        args.some((a) => /^(?:0\.0\.0\.0|\[?::\]?)(?::\d+)?$|--bind=?0\.0\.0\.0/.test(a)) ||
        !args.some((a) => /^(?:127\.|localhost|\[?::1)/.test(a))
      )
        x.report('network.serve-files', {
          capability: 'upload',
          detail: `${name} serves local files to the network`,
          hosts: ['0.0.0.0'],
        });
    }
  },
});

check({
  id: 'network.tunnel',
  phase: 'before',
  names: Object.keys(TUNNEL),
  run(x) {
    const { name, sub } = x;
    // Tunnels that expose this machine to the internet.
    if (Object.hasOwn(TUNNEL, name) && TUNNEL[name].test(sub))
      x.report('network.tunnel', {
        capability: 'reverse-shell',
        detail: `${name} opens a tunnel from the internet to this machine`,
      });
  },
});

check({
  id: 'network.cert-off',
  phase: 'after',
  names: ['curl', 'nscurl', 'curlie', 'wget', 'http', 'https', 'xh'],
  run(x) {
    const { name, args } = x;
    // Certificate checks switched off: whoever is on the path can answer in the host's name, so even
    // an allowed host is no longer known to be the one answering.
    if (
      (/^(?:curl|nscurl|curlie)$/.test(name) &&
        args.some((a) => /^-[a-zA-Z]*k[a-zA-Z]*$/.test(a) || a === '--insecure')) ||
      (name === 'wget' && args.includes('--no-check-certificate')) ||
      (/^(?:http|https|xh)$/.test(name) && args.some((a) => /^--verify=(?:no|false)$/.test(a)))
    ) {
      x.report('network.cert-off', {
        capability: 'network',
        detail: `${name} downloads with certificate checks off (anyone on the path can answer for the host)`,
      });
    }
  },
});

check({
  id: 'network.tool',
  phase: 'after',
  names: [...NET_TOOLS],
  ends: true,
  run(x) {
    const { name, args, sub } = x;
    // (finger without a user@host asks this machine)
    if (name === 'finger' && !args.some((a) => a.includes('@'))) return;
    const hosts = toolHosts(x);
    // rsync and scp between local paths (`rsync -a src/ build/`) do not touch the network.
    if ((name === 'rsync' || name === 'scp') && !hosts.length) return DONE;
    rawConnections(x, hosts);
    // (openssl other than s_client/s_server: digests, keys, `enc -d` decoding judged in pipelines)
    if (name === 'openssl' && !/^(?:s_client|s_server)$/.test(sub)) return DONE;
    if (name === 'ssh' && args.some((a) => /^-[a-zA-Z]*[RD]$/.test(a) || /^-[a-zA-Z]*[LRD]\S/.test(a)))
      x.report('network.ssh-tunnel', {
        capability: 'reverse-shell',
        detail: 'ssh opens a tunnel (port forwarding)',
        hosts,
      });
    if (name === 'dig' || name === 'nslookup' || name === 'host' || name === 'drill') {
      dnsTunnel(x);
      return DONE; // a plain lookup: no data of ours leaves
    }
    // (ssh's -T only turns the terminal off: it names no file to send)
    if (!/^(?:ssh|slogin|autossh)$/.test(name)) uploads(x, hosts);
    if (DOWNLOADERS.has(name)) downloadedFiles(x);
    x.net(
      'network.connects',
      hosts,
      name === 'nc' || name === 'ncat' || name === 'netcat' || name === 'socat'
        ? 'opens a raw network connection to'
        : `${name} connects to`,
    );
    return DONE;
  },
});

/** The hosts a network tool is given: by its arguments' looks, and by the options that take an address. */
function toolHosts(x: ShellCommand): string[] {
  const { name, args } = x;
  const hosts: string[] = [];
  const opts = NET_OPTIONS[name];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (x.isDynamic(i)) {
      if (!a.startsWith('-')) hosts.push('');
      continue;
    }
    // An option's value is what the option says: a file, a header, a host:port, not a host by its looks.
    const valued = opts && optionTakesValue(a, opts);
    if (valued === 'address' && args[i + 1] !== undefined && !x.isDynamic(i + 1))
      hosts.push(hostOfAddress(args[i + 1]) ?? '');
    if (valued) {
      i++;
      continue;
    }
    const h = hostOf(a, name);
    if (h) hosts.push(h);
  }
  return hosts;
}

/** netcat, telnet and socat: raw connections, programs handed to a peer, listeners (adds to `hosts`). */
function rawConnections(x: ShellCommand, hosts: string[]): void {
  const { name, args } = x;
  if (name === 'nc' || name === 'ncat' || name === 'netcat' || name === 'telnet') {
    const pos = args.filter((a, i) => !a.startsWith('-') && !(i > 0 && /^-[a-zA-Z]*[epcswiIOqxX]$/.test(args[i - 1])));
    if (pos[0] && !hosts.length) hosts.push(pos[0]);
    if (args.some((a) => /^-[a-zA-Z]*[ec]$/.test(a) || /^--(?:exec|sh-exec|lua-exec)/.test(a)))
      x.report('network.nc-exec', {
        capability: 'reverse-shell',
        detail: `${name} -e/-c hands a program to a network peer (reverse or bind shell)`,
        hosts,
      });
    if (args.some((a) => /^-[a-zA-Z]*l/.test(a)))
      x.report('network.nc-listen', {
        capability: 'reverse-shell',
        detail: `${name} -l listens for incoming connections (bind shell or file drop)`,
      });
  }
  if (name === 'socat') {
    for (const a of args) {
      const m = /^(?:tcp|tcp4|tcp6|udp|openssl|ssl)(?:-connect)?:([^:,]+)/i.exec(a);
      if (m) hosts.push(m[1]);
    }
    if (args.some((a) => /^(?:exec|system):/i.test(a)))
      x.report('network.socat-exec', {
        capability: 'reverse-shell',
        detail: 'socat connects a program to a network peer',
        hosts,
      });
    if (args.some((a) => /listen:/i.test(a)))
      x.report('network.socat-listen', {
        capability: 'reverse-shell',
        detail: 'socat listens for incoming connections',
      });
  }
}

/** DNS lookups of names that carry data (long or base64-like labels, or a run-time prefix). */
function dnsTunnel(x: ShellCommand): void {
  const { args } = x;
  const q = args.filter((a) => !a.startsWith('-') && !a.startsWith('@'));
  if (
    q.some(
      (a) =>
        a.split('.').some((l) => l.length > 40 || /^[A-Za-z0-9+/=_-]{24,}$/.test(l)) ||
        (x.isDynamic(args.indexOf(a)) && /^\$[^.]*(?:\.[\w-]+)+\.[a-z]{2,}$/i.test(a)),
    )
  )
    x.report('network.dns-tunnel', {
      capability: 'exfiltration',
      detail: 'encodes data in DNS names (DNS tunnelling)',
    });
}

/** Uploads (curl -d @file, -F x=@file, -T file, --data-binary @-; wget --post-file) and secret headers. */
function uploads(x: ShellCommand, hosts: string[]): void {
  const { args, home, pt } = x;
  const up = args.flatMap((a, i) => {
    const v = UPLOAD_OPTION.test(a)
      ? (args[i + 1] ?? '')
      : /^(?:--post-file|--body-file|--data-binary|--upload-file)=/.test(a)
        ? a.slice(a.indexOf('=') + 1)
        : '';
    const m = /^@(.+)$|^[^=]*=@([^;]+)|^(?!-)(.+)$/.exec(v);
    if (!v) return [];
    if (/^-(?:T|-upload-file)$/.test(a) || a.startsWith('--post-file') || a.startsWith('--body-file')) return [v];
    return (m?.[1] ?? m?.[2]) ? [m[1] ?? m[2]] : [];
  });
  // (a project file sent to a server on this machine, `curl -T dist/app.tgz localhost:8080`, stays here;
  // credentials sent anywhere are still exfiltration)
  const local = hosts.length > 0 && hosts.every((h) => LOOPBACK.test(h));
  const secret = up.filter((f) => f !== '-' && isCredentialPath(pt.abs(f), home));
  if (up.length && !(local && !secret.length)) {
    x.report('network.upload', {
      capability: secret.length ? 'exfiltration' : 'upload',
      detail: secret.length ? `uploads ${secret.join(', ')} (credentials)` : `uploads ${up.join(', ')}`,
      hosts,
      paths: up,
    });
  }
  if (
    args.some((a) => /^(?:-H|--header)$/.test(a)) &&
    args.some((a) => /\$[A-Z_]*(?:KEY|TOKEN|SECRET|PASSWORD)/.test(a))
  )
    x.report('network.secret-header', {
      capability: 'exfiltration',
      detail: 'sends a secret from the environment in a request',
      hosts,
    });
}

/** The files a downloader writes, so that running one later in the line is download-and-execute. */
function downloadedFiles(x: ShellCommand): void {
  const { c, name, args, pt } = x;
  const { downloaded } = x.line;
  const oi = args.findIndex((a) => /^(?:-o|--output|-O|--output-document)$/.test(a));
  if (oi >= 0 && args[oi + 1] && !(name === 'curl' && args[oi] === '-O')) downloaded.add(pt.abs(args[oi + 1]));
  const url = args.find((a) => /^[a-z]+:\/\//i.test(a));
  if (url && (name === 'wget' || args.some((a) => /^-[a-zA-Z]*O[a-zA-Z]*$|^--remote-name(?:-all)?$/.test(a)))) {
    const base = url.split(/[?#]/)[0].split('/').pop();
    if (base) downloaded.add(pt.abs(base));
  }
  for (const r of c.redirects) if (r.op === '>' || r.op === '>>') downloaded.add(pt.abs(r.target));
}
