/**
 * Hosts: extracted from URLs, scp/ssh/git targets and socket addresses, and normalised so that
 * encodings of one address compare equal (2130706433, 0x7f000001, 0177.0.0.1 and 127.1 are all
 * 127.0.0.1; names are lower-cased without a trailing dot).
 */

/** One IPv4 address written as decimal, octal or hex numbers with 1 to 4 parts, as inet_aton reads it. */
export function parseIPv4(s: string): string | undefined {
  const parts = s.split('.');
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => p === '')) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0x[0-9a-f]+$/i.test(p)) n = parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) n = parseInt(p, 8);
    else if (/^[1-9]\d*$/.test(p)) n = parseInt(p, 10);
    else return undefined;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return undefined;
  let v = last;
  nums.forEach((n, i) => {
    v += n * 256 ** (3 - i);
  });
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

export function normaliseHost(h: string): string {
  let x = h.trim().toLowerCase().replace(/\.$/, '');
  if (x.startsWith('[') && x.endsWith(']')) x = x.slice(1, -1);
  return parseIPv4(x) ?? x;
}

/** The host an argument points at, if it is a URL or a user@host: target; undefined otherwise. */
export function hostOf(arg: string, tool: string): string | undefined {
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(arg);
  if (url) return normaliseHost(url[1]);
  // rsync and scp: an operand is remote when a colon comes before any slash (`host:dir`, `u@h:dir`,
  // `host::module`); `src/`, `./a:b` and `build/` are local paths, whatever their names look like.
  if (tool === 'rsync' || tool === 'scp' || tool === 'rcp') {
    const remote = /^(?!-)(?:[^@/:\s]+@)?(\[[^\]/]+\]|[^@/:\s[\]]+):/.exec(arg);
    return remote ? normaliseHost(remote[1]) : undefined;
  }
  const scp = /^(?:[\w.-]+@)?([\w.-]+\.[\w.-]+|\d+\.\d+\.\d+\.\d+|localhost):(?!\/\/)/.exec(arg);
  if (scp && ['git', 'sftp', 'ssh'].includes(tool)) return normaliseHost(scp[1]);
  const at = /^[\w.-]+@([\w.-]+)$/.exec(arg);
  if (at && (tool === 'ssh' || tool === 'sftp' || tool === 'sshpass')) return normaliseHost(at[1]);
  // Bare host names for tools whose positional argument is a host.
  if (
    ['ssh', 'nc', 'ncat', 'netcat', 'telnet', 'ftp', 'tftp', 'ping', 'nmap', 'sftp', 'whois'].includes(tool) &&
    /^(?:[a-z0-9-]+\.)+[a-z]{2,}$|^\d+\.\d+\.\d+\.\d+$|^0x[0-9a-f]+$|^\d{8,10}$/i.test(arg)
  )
    return normaliseHost(arg);
  const downloader = ['curl', 'wget', 'http', 'https', 'xh', 'aria2c'].includes(tool);
  // The loopback name with a port or a path (`curl localhost:4000`), and httpie's `:8000/x`, which
  // is short for localhost. (`localhost.evil.example` and `localhost@evil.example` do not match.)
  if (downloader && /^localhost(?::\d*)?(?:[/?#]|$)/i.test(arg)) return 'localhost';
  if (downloader && tool !== 'curl' && tool !== 'wget' && tool !== 'aria2c' && /^:(?:\d*)(?:[/?#]|$)/.test(arg))
    return 'localhost';
  // Bare domain names for downloaders (curl example.com/x).
  if (downloader && /^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:\/|$)|^\d+\.\d+\.\d+\.\d+(?::\d+)?(?:\/|$)/i.test(arg))
    return normaliseHost(arg.split(/[:/]/)[0]);
  return undefined;
}

/** The host of a `host:port` option value (`openssl s_client -connect localhost:8443`, `[::1]:443`). */
export function hostOfAddress(value: string): string | undefined {
  const m = /^(\[[^\]]+\]|[^:/\s@]+)(?::\d*)?$/.exec(value);
  return m ? normaliseHost(m[1]) : undefined;
}

/** Does a host match a pattern: exact, `*.example.com` (subdomains), or `.example.com` (it and subdomains)? */
export function hostMatches(host: string, pattern: string): boolean {
  const h = normaliseHost(host),
    p = pattern.toLowerCase();
  if (p.startsWith('*.')) return h.endsWith(p.slice(1));
  if (p.startsWith('.')) return h === p.slice(1) || h.endsWith(p);
  return h === normaliseHost(p);
}
