/**
 * The policy applied to what the analyzers found: each action's capability decided (hosts and
 * paths the policy names first), each finding by its severity, and the reasons written so that
 * the model can change course instead of retrying.
 */
import type { Action, Decision, Finding, Verdict } from './types.ts';
import { severityRank } from './types.ts';
import { denyFrom, pathMatches, RANK, stricter, type Policy, type PolicyCapability } from './policy.ts';
import { hostMatches } from '../analyzers/network.ts';

/** A judged action: the capability, what the policy decided for it, and why. */
export interface JudgedAction extends Action {
  decision: Decision;
}

export interface FullVerdict extends Verdict {
  actions: JudgedAction[];
}

/** A decision the engine makes itself (a prompt's secrets, an analyzer's failure), with its reason. */
export interface Extra {
  decision: Decision;
  reason: string;
}

/** What to tell the model for each capability, so it can change course instead of retrying. */
const ADVICE: Partial<Record<PolicyCapability, string>> = {
  'download-exec':
    'Download to a file, show it to the user and let them decide; do not pipe downloads into an interpreter.',
  'reverse-shell': 'Do not open shells or listeners to other hosts.',
  exfiltration: 'Do not send credentials, environment variables or local files to other hosts.',
  'obfuscated-exec': 'Write the command out plainly; encoded or disguised commands are refused.',
  'credential-access': 'Do not read credential files; ask the user to provide what is needed.',
  persistence: 'Do not change login scripts, scheduled jobs, services or git hooks.',
  'hook-bypass': 'Run the hooks and fix what they report instead of skipping them.',
  'agent-tamper': "Do not change the agent's or Warden's settings, hooks or audit log.",
  catastrophic: 'This would delete or wipe far more than the task needs.',
};

const capabilityOf = (a: Action): PolicyCapability =>
  a.catastrophic && a.capability === 'destructive' ? 'catastrophic' : a.capability;

/** Applies the policy to the actions and findings and writes the reasons (strictest first). */
export function finish(
  actions: Action[],
  findings: Finding[],
  extra: Extra[],
  policy: Policy,
  home: string,
): FullVerdict {
  const judged: JudgedAction[] = actions.map((a) => ({ ...a, decision: decide(a, policy, home) }));
  let decision: Decision = 'allow';
  const reasons: { d: Decision; text: string }[] = [];
  for (const a of judged) {
    decision = stricter(decision, a.decision);
    if (a.decision !== 'allow') {
      const cap = capabilityOf(a);
      reasons.push({ d: a.decision, text: `${cap}: ${a.detail}${ADVICE[cap] ? `. ${ADVICE[cap]}` : ''}` });
    }
  }
  for (const f of findings) {
    const d = findingDecision(f, policy);
    // Secrets in prompts are explained once by the prompt's own reason.
    if (d !== 'allow' && (f.category !== 'secret' || !extra.length))
      reasons.push({
        d,
        text: `${f.ruleId} (${f.severity}) at ${f.file}:${f.line}: ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`,
      });
    decision = stricter(decision, d);
  }
  for (const x of extra) {
    decision = stricter(decision, x.decision);
    reasons.push({ d: x.decision, text: x.reason });
  }
  reasons.sort((a, b) => RANK[b.d] - RANK[a.d]);
  return { decision, reasons: [...new Set(reasons.map((r) => r.text))], findings, actions: judged };
}

function findingDecision(f: Finding, policy: Policy): Decision {
  const at = (level: typeof policy.findings.deny) => level !== 'off' && severityRank(f.severity) >= severityRank(level);
  // (planted behaviour denies from its own, lower level: policy findings.backdoor, see denyFrom; a
  // change to an agent's or a tool's configuration is asked about from findings.agent-config)
  if (at(denyFrom(policy, f.category))) return 'deny';
  return at(policy.findings.ask) || (f.ruleId.startsWith('agent-config.') && at(policy.findings.agentConfig))
    ? 'ask'
    : 'allow';
}

/** The policy's decision for one action: its capability's, unless the hosts or paths it names decide. */
export function decide(a: Action, policy: Policy, home: string): Decision {
  const cap = capabilityOf(a);
  let d = policy.capabilities[cap];
  // Hosts: listed hosts decide network-like actions.
  if ((cap === 'network' || cap === 'upload' || cap === 'risky-package-source') && a.hosts?.length) {
    if (a.hosts.some((h) => policy.hosts.deny.some((p) => hostMatches(h, p)))) return 'deny';
    if (cap === 'network' && a.hosts.every((h) => h !== '?' && policy.hosts.allow.some((p) => hostMatches(h, p))))
      return 'allow';
  }
  // Paths: explicit policy paths override the capability's default.
  if (a.paths?.length) {
    const m = (list: string[]) => a.paths!.some((p) => list.some((g) => pathMatches(p, g, home)));
    if (m(policy.paths.deny)) return 'deny';
    if (m(policy.paths.ask)) return stricter('ask', cap === 'credential-access' || cap === 'agent-tamper' ? d : 'ask');
    if (m(policy.paths.allow) && (cap === 'read-outside' || cap === 'write-outside' || cap === 'destructive'))
      return 'allow';
  }
  if (cap === 'unknown') d = stricter(d, policy.notUnderstood);
  return d;
}
