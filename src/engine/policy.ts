/**
 * The policy: capabilities → allow / ask / deny, host and path lists, thresholds for findings.
 * YAML, validated with clear errors; the built-in default is src/engine/default-policy.yml.
 *
 * Where it comes from (first found): --policy FILE, the managed policy of an enrolled machine
 * (src/server/managed.ts), $WARDEN_POLICY, ~/.config/warden/policy.yml,
 * /etc/warden/policy.yml, the built-in one. Never from the repository being worked on.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseYaml } from '../yaml.ts';
import { UserError } from '../errors.ts';
import { isSeverity, SEVERITIES, severityRank, type Decision, type Severity } from './types.ts';
import { CAPABILITIES, type Capability } from './types.ts';
import { PACKAGE_ROOT, defaultAuditDir } from '../paths.ts';
import { ENROL_FILE, managedPolicy, POLICY_CACHE } from '../server/managed.ts';

export class PolicyError extends UserError {}

export type PolicyCapability = Capability | 'catastrophic';

export interface Policy {
  source: string;
  onError: 'deny' | 'ask';
  notUnderstood: Decision;
  capabilities: Record<PolicyCapability, Decision>;
  hosts: { allow: string[]; deny: string[] };
  paths: { allow: string[]; ask: string[]; deny: string[] };
  /** `backdoor`: where planted-behaviour findings deny (the stricter of it and `deny` applies to them). */
  /** `agentConfig`: the severity from which a finding of category agent-config (a write that weakens the
   * agent's guard, redirects its model or its package index) is asked about at least. */
  findings: {
    deny: Severity | 'off';
    ask: Severity | 'off';
    backdoor: Severity | 'off';
    agentConfig: Severity | 'off';
  };
  prompts: { secrets: Decision };
  /** Tools Warden does not know (MCP servers, plugins), by name glob: let through or refuse. */
  tools: { allow: string[]; deny: string[] };
  /**
   * The model gateway. injection: what it does with tool results and fetched content on their way to
   * the model: off, mark (delimited as data, hidden characters removed, injections named; tool calls
   * that carry out an injection denied), block (a request carrying an injection is refused).
   */
  gateway: { injection: GatewayInjection };
}

export const GATEWAY_INJECTION = ['off', 'mark', 'block'] as const;
export type GatewayInjection = (typeof GATEWAY_INJECTION)[number];

export const DEFAULT_POLICY_FILE = join(PACKAGE_ROOT, 'src', 'engine', 'default-policy.yml');
const DECISIONS = ['allow', 'ask', 'deny'];
const TOP = [
  'version',
  'on-error',
  'not-understood',
  'capabilities',
  'hosts',
  'paths',
  'findings',
  'prompts',
  'tools',
  'gateway',
];

function decision(v: unknown, where: string): Decision {
  if (typeof v !== 'string' || !DECISIONS.includes(v))
    throw new PolicyError(`${where} must be allow, ask or deny, not ${JSON.stringify(v)}`);
  return v as Decision;
}
function strings(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new PolicyError(`${where} must be a list of strings`);
  return v as string[];
}
function mapping(v: unknown, where: string, keys: string[]): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new PolicyError(`${where} must be a mapping`);
  for (const k of Object.keys(v))
    if (!keys.includes(k)) throw new PolicyError(`${where}: unknown key '${k}' (known: ${keys.join(', ')})`);
  return v as Record<string, unknown>;
}

/** Parses a policy; keys it leaves out come from `base` (the built-in policy). */
export function parsePolicy(text: string, source: string, base?: Policy): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new PolicyError(`${source}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const d = mapping(doc, source, TOP);
  if (d.version !== undefined && d.version !== 1) throw new PolicyError(`${source}: version must be 1`);
  const caps = mapping(d.capabilities, `${source}: capabilities`, [...CAPABILITIES, 'catastrophic']);
  const hosts = mapping(d.hosts, `${source}: hosts`, ['allow', 'deny']);
  const paths = mapping(d.paths, `${source}: paths`, ['allow', 'ask', 'deny']);
  const findings = mapping(d.findings, `${source}: findings`, ['deny', 'ask', 'backdoor', 'agent-config']);
  const prompts = mapping(d.prompts, `${source}: prompts`, ['secrets']);
  const tools = mapping(d.tools, `${source}: tools`, ['allow', 'deny']);
  const gateway = mapping(d.gateway, `${source}: gateway`, ['injection']);
  if (gateway.injection !== undefined && !GATEWAY_INJECTION.includes(gateway.injection as GatewayInjection))
    throw new PolicyError(
      `${source}: gateway.injection must be off, mark or block, not ${JSON.stringify(gateway.injection)}`,
    );
  const sev = (v: unknown, where: string, dflt: Severity | 'off'): Severity | 'off' => {
    if (v === undefined) return dflt;
    if (v === 'off' || isSeverity(v)) return v as Severity | 'off';
    throw new PolicyError(`${where} must be one of ${SEVERITIES.join(', ')} or off`);
  };
  const capabilities = { ...(base?.capabilities ?? {}) } as Record<PolicyCapability, Decision>;
  for (const [k, v] of Object.entries(caps))
    capabilities[k as PolicyCapability] = decision(v, `${source}: capabilities.${k}`);
  for (const c of [...CAPABILITIES, 'catastrophic'] as PolicyCapability[])
    if (!capabilities[c]) throw new PolicyError(`${source}: capabilities.${c} is missing`);
  const onError =
    d['on-error'] === undefined ? (base?.onError ?? 'deny') : decision(d['on-error'], `${source}: on-error`);
  if (onError === 'allow')
    throw new PolicyError(`${source}: on-error must be deny or ask (failing open is not offered)`);
  return {
    source,
    onError,
    notUnderstood:
      d['not-understood'] === undefined
        ? (base?.notUnderstood ?? 'ask')
        : decision(d['not-understood'], `${source}: not-understood`),
    capabilities,
    hosts: {
      allow: hosts.allow !== undefined ? strings(hosts.allow, `${source}: hosts.allow`) : (base?.hosts.allow ?? []),
      deny: hosts.deny !== undefined ? strings(hosts.deny, `${source}: hosts.deny`) : (base?.hosts.deny ?? []),
    },
    paths: {
      allow: paths.allow !== undefined ? strings(paths.allow, `${source}: paths.allow`) : (base?.paths.allow ?? []),
      ask: paths.ask !== undefined ? strings(paths.ask, `${source}: paths.ask`) : (base?.paths.ask ?? []),
      deny: paths.deny !== undefined ? strings(paths.deny, `${source}: paths.deny`) : (base?.paths.deny ?? []),
    },
    findings: {
      deny: sev(findings.deny, `${source}: findings.deny`, base?.findings.deny ?? 'high'),
      ask: sev(findings.ask, `${source}: findings.ask`, base?.findings.ask ?? 'off'),
      backdoor: sev(findings.backdoor, `${source}: findings.backdoor`, base?.findings.backdoor ?? 'medium'),
      agentConfig: sev(
        findings['agent-config'],
        `${source}: findings.agent-config`,
        base?.findings.agentConfig ?? 'medium',
      ),
    },
    prompts: {
      secrets:
        prompts.secrets !== undefined
          ? decision(prompts.secrets, `${source}: prompts.secrets`)
          : (base?.prompts.secrets ?? 'deny'),
    },
    tools: {
      allow: tools.allow !== undefined ? strings(tools.allow, `${source}: tools.allow`) : (base?.tools.allow ?? []),
      deny: tools.deny !== undefined ? strings(tools.deny, `${source}: tools.deny`) : (base?.tools.deny ?? []),
    },
    gateway: { injection: (gateway.injection as GatewayInjection | undefined) ?? base?.gateway?.injection ?? 'mark' },
  };
}

let builtin: Policy | undefined;
/** The build's JSON copy of the built-in policy (YAML parsing costs a hook call ~25 ms); used while current. */
export const PREBUILT_POLICY = join(PACKAGE_ROOT, 'dist', 'default-policy.json');
export function builtinPolicy(): Policy {
  if (builtin) return builtin;
  try {
    const pre = JSON.parse(readFileSync(PREBUILT_POLICY, 'utf8')) as { mtimeMs: number; policy: Policy };
    if (pre.mtimeMs === statSync(DEFAULT_POLICY_FILE).mtimeMs) return (builtin = pre.policy);
  } catch {
    /* no build: parse the YAML */
  }
  return (builtin = parsePolicy(readFileSync(DEFAULT_POLICY_FILE, 'utf8'), 'built-in policy'));
}
export function builtinPolicyAsJson(): string {
  return JSON.stringify({
    mtimeMs: statSync(DEFAULT_POLICY_FILE).mtimeMs,
    policy: parsePolicy(readFileSync(DEFAULT_POLICY_FILE, 'utf8'), 'built-in policy'),
  });
}

export function policyCandidates(): string[] {
  return [
    process.env.WARDEN_POLICY ?? '',
    join(homedir(), '.config', 'warden', 'policy.yml'),
    '/etc/warden/policy.yml',
  ].filter(Boolean);
}

/** A policy file's text; a file that is missing, a folder or unreadable is a one-line PolicyError. */
function readPolicyFile(file: string, named: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder' : `unreadable (${code ?? e})`;
    throw new PolicyError(`policy file ${why}: ${file}${named}`);
  }
}

/**
 * The policy in force: an explicit file, or the first of policyCandidates(), else the built-in one.
 * A file named by --policy or $WARDEN_POLICY must be there: a typo must not quietly put the
 * built-in policy in force. A default location that exists but cannot be read is an error too.
 */
/**
 * Every file loadPolicy reads to decide a call's policy (a resident judge loads the policy again when
 * one of them changes, as a per-process hook would find it at its next call).
 */
export function policyInputs(file?: string): string[] {
  if (file) return [file];
  const home = defaultAuditDir();
  return [join(home, ENROL_FILE), join(home, POLICY_CACHE), ...policyCandidates()];
}

export function loadPolicy(file?: string): Policy {
  if (file) return parsePolicy(readPolicyFile(file, ''), file, builtinPolicy());
  // An enrolled machine's verified server policy comes before the local ones (throws: fail closed).
  const managed = managedPolicy(defaultAuditDir());
  if (managed) return parsePolicy(managed.text, managed.source, builtinPolicy());
  const env = process.env.WARDEN_POLICY;
  if (env) return parsePolicy(readPolicyFile(env, ' (named by $WARDEN_POLICY)'), env, builtinPolicy());
  for (const f of policyCandidates()) if (existsSync(f)) return parsePolicy(readPolicyFile(f, ''), f, builtinPolicy());
  return builtinPolicy();
}

/** Glob match for policy paths: `**` any folders, `*` within one name, `~` the home folder. */
/** A glob as regex source: `**` any run of characters, `*` any run without `/`, `?` one character. */
function globSource(p: string): string {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*' && p[i + 1] === '*') {
      re += '.*';
      i++;
      if (p[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return re;
}

export function pathMatches(abs: string, pattern: string, home = homedir()): boolean {
  const p = pattern.startsWith('~') ? home + pattern.slice(1) : pattern;
  const re = globSource(p);
  return new RegExp(`^${re}$`).test(abs) || (!p.includes('/') && new RegExp(`(?:^|/)${re}$`).test(abs));
}

/** A name (a tool's) against a glob of policy.tools. */
export function nameMatches(name: string, pattern: string): boolean {
  return new RegExp(`^${globSource(pattern)}$`).test(name);
}

export const RANK: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 };
export function stricter(a: Decision, b: Decision): Decision {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The severity from which a finding denies: planted behaviour (category `backdoor`) from the stricter
 * of `findings.backdoor` and `findings.deny`, everything else from `findings.deny`.
 */
export function denyFrom(policy: Policy, category: string): Severity | 'off' {
  const { deny, backdoor } = policy.findings;
  if (category !== 'backdoor' || backdoor === 'off') return deny;
  return deny === 'off' || severityRank(backdoor) < severityRank(deny) ? backdoor : deny;
}
