/**
 * Dependency checks for `warden scan` (manifests and lockfiles) and for the agent guard
 * (`npm install X`, `pip install X`): typosquats and combosquats of popular packages, names
 * that do not exist in the registry snapshot (possible hallucinations), git/URL/path sources,
 * plain-HTTP and extra package indexes, known-compromised versions, lockfile entries without
 * integrity, and npm install scripts judged by the shell analyzer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, Severity } from '../../engine/types.ts';
import { SourceFile, finding } from '../source.ts';
import { RULES_DIR } from '../../paths.ts';
import { judgeName, normaliseName, type Ecosystem } from './names.ts';
import { parseManifest, manifestKind, type Dep } from './manifests.ts';
import { analyzeShell } from '../shell/index.ts';
import { setupProcesses } from './setup-py.ts';
import type { Capability } from '../../engine/types.ts';

export { manifestKind };

interface Compromised {
  ecosystem: string;
  name: string;
  versions: string[];
  source: string;
}
let compromised: Compromised[] | undefined;
function compromisedList(): Compromised[] {
  return (compromised ??= (
    JSON.parse(readFileSync(join(RULES_DIR, 'supply-chain', 'compromised.json'), 'utf8')) as { entries: Compromised[] }
  ).entries);
}

/** Is this exact version (or any, for "*") of the package known to be malicious? */
export function compromisedVersion(eco: string, name: string, version: string): Compromised | undefined {
  const n = normaliseName(eco, name);
  return compromisedList().find(
    (c) =>
      c.ecosystem === eco &&
      normaliseName(eco, c.name) === n &&
      (c.versions.includes('*') || c.versions.includes(version.replace(/^[=v^~]+/, ''))),
  );
}

const REGISTRIES =
  /^https:\/\/(?:registry\.npmjs\.org|registry\.yarnpkg\.com|pypi\.org|files\.pythonhosted\.org|rubygems\.org|repo\.packagist\.org|proxy\.golang\.org|index\.crates\.io|crates\.io)(?:\/|$)/;

export interface DepIssue {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  fix: string;
}

/** The issues of one dependency name (and exact version, if known). Used by the scanner and the guard. */
export function checkDependency(eco: Ecosystem, name: string, version = ''): DepIssue[] {
  const out: DepIssue[] = [];
  const bad = version ? compromisedVersion(eco, name, version) : compromisedVersion(eco, name, '*-never');
  if (bad)
    out.push({
      ruleId: 'supply-chain.compromised-version',
      severity: 'critical',
      title: 'Known-compromised package version',
      message: `${name}${version ? `@${version}` : ''} is a version published by attackers (${bad.source}).`,
      fix: 'Pin a version published before or after the compromise and rotate any secret the install could reach.',
    });
  const v = judgeName(eco, name);
  if (v.kind === 'typosquat')
    out.push({
      ruleId: 'supply-chain.typosquat',
      severity: 'high',
      title: 'Possible typosquat of a popular package',
      message: `"${name}" looks like the popular "${v.target}" (${v.how})${v.exists === false ? " and is not in Warden's snapshot of the registry" : ''}${v.ratio ? `; "${v.target}" is downloaded at least ${v.ratio.toLocaleString('en')} times more` : ''}. Typosquats copy popular names to get installed by mistake.`,
      fix: `Did you mean "${v.target}"? Install the real package; if "${name}" is intended, review it first.`,
    });
  else if (v.kind === 'combosquat')
    out.push({
      ruleId: 'supply-chain.combosquat',
      severity: 'high',
      title: 'Unknown package named after a popular one',
      message: `"${name}" adds a prefix or suffix to the popular "${v.target}" and is not in Warden's snapshot of the registry: a classic combosquat, or a name a model made up.`,
      fix: `Use "${v.target}" itself unless you have checked "${name}" on the registry.`,
    });
  else if (v.kind === 'unverified')
    out.push({
      ruleId: 'supply-chain.unverified-package',
      severity: eco === 'pypi' ? 'medium' : 'low',
      title: 'Package not found in the registry snapshot',
      message: `"${name}" is not among the ${eco === 'pypi' ? 'PyPI projects' : 'npm packages with regular downloads'} in Warden's snapshot. Code models invent package names, and attackers register them ("slopsquatting").`,
      fix: 'Confirm the package exists, who publishes it and how old it is before installing it.',
    });
  return out;
}

const SCRIPT_RISK: Partial<Record<Capability, Severity>> = {
  'download-exec': 'critical',
  'reverse-shell': 'critical',
  exfiltration: 'critical',
  'obfuscated-exec': 'critical',
  'credential-access': 'high',
  'env-dump': 'high',
  persistence: 'high',
  network: 'high',
  upload: 'high',
  privilege: 'high',
  'agent-tamper': 'high',
  destructive: 'high',
  'write-outside': 'medium',
  'read-outside': 'medium',
  'inline-exec': 'medium',
  unknown: 'medium',
};
const INSTALL_HOSTS =
  /^(?:registry\.npmjs\.org|github\.com|objects\.githubusercontent\.com|codeload\.github\.com|nodejs\.org|localhost|127\.0\.0\.1)$/;

export function analyzeDependencies(file: SourceFile): Finding[] {
  const m = parseManifest(file.path, file.text);
  if (!m) return [];
  const out: Finding[] = [];
  const add = (line: number, ruleId: string, severity: Severity, title: string, message: string, fix: string) => {
    out.push(
      finding(file, {
        ruleId,
        title,
        severity,
        confidence: 'medium',
        category: 'supply-chain',
        cwe:
          ruleId.includes('typosquat') || ruleId.includes('combosquat') || ruleId.includes('unverified')
            ? 'CWE-1357'
            : 'CWE-829',
        message,
        fix,
        line,
        column: 1,
        endColumn: (file.line(line).length || 1) + 1,
      }),
    );
  };
  for (const d of m.deps) depFindings(d, add);
  for (const ix of m.indexes) {
    if (/^http:\/\//.test(ix.value))
      add(
        ix.line,
        'supply-chain.insecure-index',
        'high',
        'Packages from a plain-HTTP index',
        `${ix.value} is plain HTTP: anyone on the network path can swap the packages.`,
        'Use HTTPS for every package index.',
      );
    else if (ix.kind === 'extra-index')
      add(
        ix.line,
        'supply-chain.extra-index',
        'medium',
        'Extra package index (dependency confusion)',
        `--extra-index-url ${ix.value}: pip takes the highest version from any index, so a public package with an internal name wins.`,
        'Use a single index (a proxy that serves both), or pin with hashes.',
      );
    else if (ix.kind === 'trusted-host')
      add(
        ix.line,
        'supply-chain.insecure-index',
        'medium',
        'TLS verification turned off for a package host',
        `--trusted-host ${ix.value} accepts any certificate for that host.`,
        'Remove --trusted-host and fix the certificate chain.',
      );
    else if (!REGISTRIES.test(ix.value))
      add(
        ix.line,
        'supply-chain.custom-index',
        'low',
        'Packages from a non-default index',
        `Packages come from ${ix.value}; make sure it is the company's own mirror.`,
        'Document the index, or use the default registry.',
      );
  }
  for (const s of m.scripts) {
    let actions: ReturnType<typeof analyzeShell>['actions'] = [];
    try {
      actions = analyzeShell(s.command, { cwd: '/package', workspace: '/package', home: '/home/user' }).actions;
    } catch {
      add(
        s.line,
        'supply-chain.install-script',
        'medium',
        'Install script Warden cannot parse',
        `The ${s.name} script runs at install time and is not valid shell: ${s.command.slice(0, 120)}`,
        'Keep install scripts simple and reviewable.',
      );
      continue;
    }
    for (const a of actions) {
      let sev = SCRIPT_RISK[a.capability];
      if (!sev) continue;
      if (a.capability === 'network' && a.hosts?.every((h) => INSTALL_HOSTS.test(h))) continue;
      if (a.capability === 'unknown' || a.capability === 'inline-exec') sev = 'medium';
      add(
        s.line,
        'supply-chain.install-script',
        sev,
        'Install script with risky behaviour',
        `The ${s.name} script runs on every install: ${a.capability}: ${a.detail}.`,
        'Install scripts should only build the package; move anything else out, or install with --ignore-scripts.',
      );
    }
  }
  // setup.py runs at install time: network calls, process starts and environment harvesting there are install-time code.
  if (m.kind === 'setup.py') {
    const network = new Set<number>();
    file.lines.forEach((l, i) => {
      if (/^\s*#/.test(l)) return;
      if (
        /\b(?:requests\.(?:get|post|put)|urlopen|urlretrieve|urllib\.request|http\.client|httpx\.|socket\.(?:socket|create_connection)|smtplib)\b/.test(
          l,
        )
      ) {
        network.add(i + 1);
        add(
          i + 1,
          'supply-chain.install-time-network',
          'high',
          'Network call in setup.py',
          'setup.py runs on every install; a network call there sends or fetches data on the installing machine.',
          'Build metadata must not touch the network; ship what the package needs.',
        );
      }
    });
    // (each process judged by what it runs: src/analyzers/deps/setup-py.ts)
    for (const p of setupProcesses(file.text, SCRIPT_RISK)) {
      const line = file.position(p.at).line;
      if (network.has(line)) continue;
      add(
        line,
        'supply-chain.install-time-exec',
        p.severity,
        'setup.py starts a process',
        `setup.py runs on every install, and starts ${p.detail}.`,
        'Keep install-time code to compiling the package.',
      );
    }
  }
  for (const l of m.locked) {
    const bad = compromisedVersion('npm', l.name, l.version);
    if (bad)
      add(
        l.line,
        'supply-chain.compromised-version',
        'critical',
        'Known-compromised package version',
        `${l.name}@${l.version} is a version published by attackers (${bad.source}).`,
        'Update the lockfile to a clean version and rotate secrets the install could reach.',
      );
    if (l.resolved && /^http:\/\//.test(l.resolved))
      add(
        l.line,
        'supply-chain.insecure-index',
        'high',
        'Package resolved over plain HTTP',
        `${l.name} is fetched from ${l.resolved}.`,
        'Use HTTPS.',
      );
    else if (l.resolved && !/^https:\/\/registry\.(?:npmjs\.org|yarnpkg\.com)\//.test(l.resolved))
      add(
        l.line,
        'supply-chain.risky-source',
        'medium',
        'Locked package from outside the registry',
        `${l.name} resolves to ${l.resolved}.`,
        'Prefer registry packages with integrity hashes.',
      );
    if (l.resolved && /^https?:/.test(l.resolved) && !l.integrity)
      add(
        l.line,
        'supply-chain.missing-integrity',
        'medium',
        'Lockfile entry without an integrity hash',
        `${l.name}@${l.version} has no integrity field, so a changed tarball would install silently.`,
        'Regenerate the lockfile with a current npm.',
      );
  }
  return out;
}

function depFindings(
  d: Dep,
  add: (line: number, ruleId: string, severity: Severity, title: string, message: string, fix: string) => void,
) {
  if (d.source === 'git' || d.source === 'url') {
    const insecure = /^(?:http|git|ftp):\/\//.test(d.spec) || /^git\+http:/.test(d.spec);
    add(
      d.line,
      insecure ? 'supply-chain.insecure-index' : 'supply-chain.risky-source',
      insecure ? 'high' : 'medium',
      insecure ? 'Dependency fetched without TLS' : 'Dependency from git or a URL',
      `${d.name} comes from ${d.spec}, not the registry: no registry review, no immutable version, and the content can change under the same reference.`,
      'Depend on a published registry version (pinned, with a lockfile).',
    );
    return;
  }
  if (d.source === 'path' || d.ecosystem === 'go' || d.ecosystem === 'system') return;
  const exact = /^(?:==|=)?\s*v?(\d[\w.+-]*)$/.exec(d.spec.trim())?.[1] ?? '';
  for (const i of checkDependency(d.ecosystem, d.name, exact))
    add(d.line, i.ruleId, i.severity, i.title, i.message, i.fix);
}
