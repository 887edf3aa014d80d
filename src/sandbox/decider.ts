/**
 * The egress decider: judges each connection (CONNECT) and each plain HTTP request leaving a
 * `warden run` session, with what the session knows: the policy's host rules and --allow-host, the
 * agent's vendor telemetry hosts (blocked and counted), package registries (reads only), and for a
 * request body (an upload) the engine's secret detector, the session's decoy values, and values the
 * session read from secret files. A decoy leaving is proof of intent: the session ends.
 */
import { hostMatches } from '../analyzers/network.ts';
import { secretSpans } from '../analyzers/secrets/index.ts';
import type { Policy } from '../engine/policy.ts';
import { findDecoy } from './decoys.ts';

export interface EgressRequest {
  kind: 'connect' | 'http';
  host: string;
  port: number;
  method?: string;
  path?: string;
  /** Request headers and body (plain HTTP only; a tunnel's content is not seen). */
  headers?: string;
  body?: Buffer;
}

export interface EgressDecision {
  allow: boolean;
  /** telemetry, host-deny, user-allow, internal, model, host-allow, registry-read, registry-write, not-allowed, decoy, secret, session-secret */
  rule: string;
  reason: string;
  /** Proof of intent: end the session. */
  end?: boolean;
}

export interface DeciderContext {
  policy: Policy;
  allowHosts: string[];
  telemetryHosts: string[];
  /** The agent's own model hosts where the gateway does not stand in (Gemini's). */
  modelHosts?: string[];
  decoyNeedles: string[];
  /** Values the session read from secret files (filled as the hooks see reads). */
  sessionSecrets: Set<string>;
}

/** Loopback, private (RFC 1918, ULA), link-local (cloud metadata) and unspecified addresses, and localhost. */
export function isInternal(host: string): boolean {
  const h = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::' || h === '::1') return true;
  if (/^(fc|fd|fe[89ab])[0-9a-f]{0,2}:/.test(h)) return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!v4) return /^\d+$/.test(h) || /^0x[0-9a-f]+$/.test(h); // 2130706433, 0x7f000001: refused, not parsed
  const [a, b] = [Number(v4[1]), Number(v4[2])];
  return (
    a === 127 ||
    a === 10 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** The registries a package manager reads from (the default policy's hosts.allow lists the same). */
const REGISTRIES = [
  'registry.npmjs.org',
  'registry.yarnpkg.com',
  'pypi.org',
  'files.pythonhosted.org',
  'proxy.golang.org',
  'sum.golang.org',
  'crates.io',
  'static.crates.io',
  'index.crates.io',
  'rubygems.org',
  'repo.maven.apache.org',
];
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

const matchesAny = (host: string, list: string[]) => list.some((p) => hostMatches(host, p));
/** `host` or `host:port` entries of --allow-host. */
const allowedByUser = (r: EgressRequest, list: string[]) =>
  list.some((p) => (p.includes(':') && !p.startsWith('[') ? p === `${r.host}:${r.port}` : hostMatches(r.host, p)));

export function decide(r: EgressRequest, ctx: DeciderContext): EgressDecision {
  const host = r.host.toLowerCase();
  if (matchesAny(host, ctx.telemetryHosts))
    return { allow: false, rule: 'telemetry', reason: `vendor telemetry to ${host} is blocked in warden run` };
  if (matchesAny(host, ctx.policy.hosts.deny))
    return { allow: false, rule: 'host-deny', reason: `${host} is in the policy's hosts.deny` };
  const upload = judgeUpload(r, ctx);
  if (upload) return upload;
  if (allowedByUser(r, ctx.allowHosts))
    return { allow: true, rule: 'user-allow', reason: `${host} allowed by --allow-host` };
  // The host's own loopback, private networks and cloud metadata are outside the sandbox too: only
  // an explicit --allow-host opens them (the policy's `localhost` means the agent's own machine).
  if (isInternal(host))
    return { allow: false, rule: 'internal', reason: `${host} is a loopback, private or metadata address` };
  if (matchesAny(host, ctx.modelHosts ?? []))
    return { allow: true, rule: 'model', reason: `${host} is the agent's model endpoint` };
  const registry = matchesAny(host, REGISTRIES);
  if (registry && (r.kind === 'connect' || READS.has(r.method ?? '')))
    return { allow: true, rule: 'registry-read', reason: `reading from the package registry ${host}` };
  if (registry)
    return {
      allow: false,
      rule: 'registry-write',
      reason: `${r.method} to the registry ${host}: only reads are allowed`,
    };
  if (matchesAny(host, ctx.policy.hosts.allow))
    return { allow: true, rule: 'host-allow', reason: `${host} is in the policy's hosts.allow` };
  return {
    allow: false,
    rule: 'not-allowed',
    reason: `${host} is not in the policy's hosts.allow (add it with --allow-host ${host})`,
  };
}

/** What an outgoing request carries that must not leave (its URL, headers and body). */
function judgeUpload(r: EgressRequest, ctx: DeciderContext): EgressDecision | undefined {
  if (r.kind !== 'http') return undefined;
  const text = `${r.path ?? ''}\n${r.headers ?? ''}\n${r.body?.toString('latin1') ?? ''}`;
  if (findDecoy(text, ctx.decoyNeedles))
    return {
      allow: false,
      rule: 'decoy',
      reason: `a decoy credential of this session was sent to ${r.host}: proof of intent, session ended`,
      end: true,
    };
  for (const v of ctx.sessionSecrets)
    if (text.includes(v))
      return { allow: false, rule: 'session-secret', reason: `a value read from a secret file was sent to ${r.host}` };
  const spans = secretSpans(text, 'request');
  if (spans.length)
    return {
      allow: false,
      rule: 'secret',
      reason: `the request to ${r.host} carries a secret (${[...new Set(spans.map((s) => s.rule))].join(', ')})`,
    };
  return undefined;
}
