/**
 * Packages a shell command installs (`npm install x`, `pip install y==1.2`): the supply-chain
 * checks (typosquats, hallucinated names, compromised versions). A package Warden cannot vouch
 * for is an action (its source is risky); a known-bad one is a finding.
 */
import type { Action, Finding } from '../../engine/types.ts';
import { fileFinding } from '../source.ts';
import { checkDependency } from './index.ts';
import type { Ecosystem } from './names.ts';

/** The install commands' ecosystems that the dependency checks know. */
const CHECKED: Record<string, Ecosystem> = {
  npm: 'npm',
  pypi: 'pypi',
  rubygems: 'rubygems',
  crates: 'crates',
  go: 'go',
  packagist: 'packagist',
};

export function installChecks(actions: Action[]): { actions: Action[]; findings: Finding[] } {
  const out: Action[] = [],
    findings: Finding[] = [];
  for (const a of actions) {
    for (const p of a.packages ?? []) {
      const eco = Object.hasOwn(CHECKED, p.ecosystem) ? CHECKED[p.ecosystem] : undefined;
      if (!eco) continue;
      const version = /@(\d[\w.+-]*)$|==\s*(\d[\w.+-]*)$/.exec(p.spec);
      for (const i of checkDependency(eco, p.name, version?.[1] ?? version?.[2] ?? '')) {
        if (i.ruleId === 'supply-chain.unverified-package')
          out.push({
            capability: 'risky-package-source',
            detail: `installs ${p.name}: ${i.message}`,
            command: a.command,
          });
        else
          findings.push(
            fileFinding('<command>', {
              ruleId: i.ruleId,
              title: i.title,
              severity: i.severity,
              confidence: 'medium',
              category: 'supply-chain',
              cwe: 'CWE-1357',
              snippet: a.command,
              message: i.message,
              fix: i.fix,
            }),
          );
      }
    }
  }
  return { actions: out, findings };
}
