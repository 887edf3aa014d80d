/**
 * What a machine tells its server about its guard (the console's "Guard in force"): per agent,
 * `warden doctor`'s verdict on the hooks, the agent's version, whether the other layers are there
 * (the `warden run` sandbox can start; the model endpoint in this environment is a local Warden
 * gateway), and the hash of the agent's managed settings (drift). Sent with a push when the managed
 * settings changed or GUARD_EVERY_MS after the last one, so hooks that push every 30 s do not run
 * the doctor's probes and report every 30 s.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { canonical } from '../audit/log.ts';
import { AGENT_MODULES } from '../agents/index.ts';
import { doctor } from '../hooks/install.ts';
import { findBwrap } from '../sandbox/bwrap.ts';
import { managedStatus } from './agent-settings.ts';
import { managedBundle } from './managed.ts';

export const GUARD_FILE = 'server-guard.json';
/** A guard report that has not changed is sent again after this long (the console shows its age). */
export const GUARD_EVERY_MS = 10 * 60_000;

export interface GuardReport {
  agent: string;
  version?: string;
  inForce: boolean;
  layers: { hooks: boolean; sandbox: boolean; gateway: boolean };
  problems: string[];
  managed?: { hash: string; differs: string[] };
}

/** The agent's installed version, from its npm package beside the command on PATH (no process started). */
export function agentVersion(
  binaries: string[],
  packages: string[],
  path = process.env.PATH ?? '',
): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean))
    for (const b of binaries) {
      const bin = join(dir, b);
      if (!existsSync(bin)) continue;
      try {
        for (let d = dirname(realpathSync(bin)); d !== dirname(d); d = dirname(d)) {
          const f = join(d, 'package.json');
          if (!existsSync(f)) continue;
          const p = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
          if (p.name && packages.includes(p.name)) return p.version;
        }
      } catch {
        /* not readable: version unknown */
      }
      return undefined;
    }
  return undefined;
}

const local = (url: string | undefined) =>
  !!url && /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/|$)/.test(url);

/** Every agent's report on this machine (doctor's checks run here: files only, no network). */
export function guardReports(home: string, cwd = process.cwd(), env = process.env): GuardReport[] {
  let managed: ReturnType<typeof managedStatus> = {};
  let bundleProblem: string | undefined;
  try {
    managed = managedStatus(managedBundle(home));
  } catch (e) {
    bundleProblem = (e as Error).message; // a refused bundle: every agent reports it
  }
  const sandbox = !!findBwrap();
  return AGENT_MODULES.map((a) => {
    const d = doctor(a.id as Parameters<typeof doctor>[0], cwd, env);
    const problems = d.problems.map((x) => x.problem);
    if (bundleProblem) problems.push(bundleProblem);
    const m = managed[a.id];
    if (m?.differs.length) problems.push(`managed settings differ from the policy: ${m.differs.join('; ')}`);
    return {
      agent: a.id,
      version: agentVersion(a.binaries, a.packages, env.PATH),
      inForce: d.inForce,
      layers: { hooks: d.inForce, sandbox, gateway: a.modelEnv.baseUrl.some((k) => local(env[k])) },
      problems,
      ...(m ? { managed: m } : {}),
    };
  });
}

const digest = (r: unknown) => createHash('sha256').update(canonical(r)).digest('hex');

/**
 * What can change between full reports and must be seen at once: the agents' managed settings
 * (cheap: a few files read). The doctor's live probes start hooks, so they run only when a report is due.
 */
export function managedKey(home: string): string {
  try {
    return digest(managedStatus(managedBundle(home)));
  } catch (e) {
    return digest((e as Error).message);
  }
}

/** Whether a report is due: the managed settings changed since the last one sent, or it is GUARD_EVERY_MS old. */
export function guardDue(home: string, key: string, now = Date.now()): boolean {
  try {
    const last = JSON.parse(readFileSync(join(home, GUARD_FILE), 'utf8')) as { at: number; key: string };
    return last.key !== key || !(now - last.at < GUARD_EVERY_MS);
  } catch {
    return true; // never sent, or the marker is damaged: send
  }
}

export function guardSent(home: string, key: string, now = Date.now()): void {
  writeFileSync(join(home, GUARD_FILE), JSON.stringify({ at: now, key }) + '\n', { mode: 0o600 });
}
