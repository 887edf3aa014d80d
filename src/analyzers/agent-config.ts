/**
 * Agent-configuration tampering: repository files that weaken an AI agent's guard, and CI
 * workflows that send secrets out.
 *   agent-config.hooks-disabled      a settings file that switches hooks off
 *   agent-config.auto-approve        auto-approval / permission bypass turned on
 *   agent-config.network-hook        a hook that runs a network or decode command
 *   agent-config.telemetry-on        vendor usage statistics explicitly on
 *   agent-config.ci-secret-exfil     a CI step that sends secrets or the environment to a host
 *   agent-config.ci-pr-target-checkout  pull_request_target that checks out untrusted PR code
 */
import type { Finding } from '../engine/types.ts';
import { SourceFile, finding } from './source.ts';

const AGENT_SETTINGS = /(^|\/)\.(qwen|claude|gemini|codex|cursor)\/settings(\.local)?\.json$|(^|\/)\.(qwen|claude|gemini)\/[\w.-]*\.json$/;
const WORKFLOW = /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$|(^|\/)\.gitlab-ci\.ya?ml$|(^|\/)\.circleci\/config\.ya?ml$|(^|\/)azure-pipelines\.ya?ml$|(^|\/)Jenkinsfile$/;

export function isAgentConfigPath(path: string): boolean {
  return AGENT_SETTINGS.test(path) || WORKFLOW.test(path);
}

const META = {
  'agent-config.hooks-disabled': { title: 'Agent hooks switched off by a repository file', severity: 'critical', cwe: 'CWE-693', message: 'This settings file disables the agent\'s hooks, which switches off Warden\'s guard for everyone who opens the repository.', fix: 'Remove the setting; enforce hooks from the system settings file (/etc/qwen-code/settings.json, managed Claude settings).' },
  'agent-config.auto-approve': { title: 'Agent auto-approval turned on by a repository file', severity: 'high', cwe: 'CWE-732', message: 'This settings file lets the agent run tools without asking (YOLO / bypassPermissions / wildcard allow).', fix: 'Remove it; grant narrow permissions per tool instead.' },
  'agent-config.network-hook': { title: 'Agent hook runs a network or decode command', severity: 'critical', cwe: 'CWE-506', message: 'A hook in this settings file runs a command that reaches the network or decodes a payload; it runs on every tool call of every user.', fix: 'Remove the hook and review who added it.' },
  'agent-config.telemetry-on': { title: 'Vendor usage statistics switched on', severity: 'low', cwe: 'CWE-359', message: 'This file turns the agent vendor\'s usage statistics on, so usage data leaves the company.', fix: 'Set privacy.usageStatisticsEnabled to false.' },
  'agent-config.ci-secret-exfil': { title: 'CI step sends secrets to a host', severity: 'critical', cwe: 'CWE-200', message: 'A CI step puts secrets or the whole environment into a network command.', fix: 'Remove the step; rotate the secrets it could reach.' },
  'agent-config.ci-pr-target-checkout': { title: 'pull_request_target runs untrusted PR code', severity: 'high', cwe: 'CWE-829', message: 'The workflow runs with repository secrets on pull_request_target and checks out the pull request\'s head, so a fork\'s code runs with those secrets.', fix: 'Use pull_request, or never check out and run the PR head under pull_request_target.' },
} as const;
type Id = keyof typeof META;

const NETWORK_CMD = /\b(curl|wget|nc|ncat|netcat|ssh|scp|rsync|ftp|telnet|socat|Invoke-WebRequest|iwr|fetch\(|https?:\/\/|base64\s+(-d|--decode)|\|\s*(ba)?sh\b|python[0-9.]*\s+-c|node\s+-e|\/dev\/tcp)/i;

export function analyzeAgentConfig(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  const add = (id: Id, line: number) => out.push(finding(file, { ruleId: id, category: 'agent-config', confidence: 'high', line, column: 1, ...META[id] }));
  const lines = file.lines;
  if (AGENT_SETTINGS.test(file.path)) {
    let inHooks = false;
    lines.forEach((l, i) => {
      if (/"disableAllHooks"\s*:\s*true|"hooks"\s*:\s*\{\s*"enabled"\s*:\s*false|"enableHooks"\s*:\s*false/.test(l)) add('agent-config.hooks-disabled', i + 1);
      if (/"(defaultMode|approvalMode|approval_mode)"\s*:\s*"(bypassPermissions|yolo|auto[_-]?edit|full[_-]?auto)"|"(autoAccept|yolo|dangerouslySkipPermissions|skipPermissions|allowAll)"\s*:\s*true|"Bash\(\*\)"|"run_shell_command\(\*\)"|"Bash"\s*[,\]]/.test(l)) add('agent-config.auto-approve', i + 1);
      if (/"usageStatisticsEnabled"\s*:\s*true|"telemetry"\s*:\s*\{\s*"enabled"\s*:\s*true/.test(l)) add('agent-config.telemetry-on', i + 1);
      if (/"hooks"\s*:/.test(l)) inHooks = true;
      if (inHooks && /"command"\s*:/.test(l) && NETWORK_CMD.test(l.slice(l.indexOf('"command"')))) add('agent-config.network-hook', i + 1);
    });
  }
  if (WORKFLOW.test(file.path)) {
    const prTarget = lines.some((l) => /\bpull_request_target\b/.test(l));
    lines.forEach((l, i) => {
      const secretRef = /\$\{\{\s*(secrets\.|toJSON\(secrets\)|env\.)|\bprintenv\b|\benv\s*\|/.test(l);
      if (secretRef && NETWORK_CMD.test(l) && !/actions\/|uses:/.test(l)) add('agent-config.ci-secret-exfil', i + 1);
      else if (/toJSON\(\s*secrets\s*\)/.test(l)) add('agent-config.ci-secret-exfil', i + 1);
      if (prTarget && /ref:\s*\$\{\{\s*github\.event\.pull_request\.head\.(sha|ref)/.test(l)) add('agent-config.ci-pr-target-checkout', i + 1);
    });
  }
  return out;
}
