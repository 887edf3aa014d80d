/**
 * The shell checks and the dispatcher that runs them. Each family module (git.ts, network.ts, …)
 * registers its checks with `check()`: the command names it handles (or a name pattern; none for
 * the few generic checks that look at every command) and its run function. For one command the
 * dispatcher runs the checks registered for its name, in phase order ('start', 'before',
 * 'command', 'after'), and within a phase in the order of checks/order.ts (then load order).
 *
 * A run function that returns DONE ends the judging of that command: the checks after it, the
 * 'after' phase included, do not run. Which checks do that is part of their registration
 * (`ends: true`), so the plan for a command reads from the registrations, not from control flow,
 * and an ending check runs after every other check of its phase for that command.
 */
import type { ShellCommand } from '../command.ts';
import { ORDER } from './order.ts';

export const DONE = Symbol('done');
export type CheckResult = void | typeof DONE;

/**
 * 'start': checks every command gets (a shell is judged completely by the last of them,
 * shells.shell, which ends); 'before': checks that look at any program; 'command': the checks of
 * one program (git, rm, npm…); 'after': network tools and what they downloaded.
 */
export type Phase = 'start' | 'before' | 'command' | 'after';

export interface Check {
  /** `<family>.<what>`: names the check in plans and traces (each report names its own id). */
  id: string;
  phase: Phase;
  /** The command names it handles; with neither this nor `match` it looks at every command. */
  names?: Iterable<string>;
  /** A pattern of command names it handles (`/^(?:g|m|n)?awk$/`). */
  match?: RegExp;
  /** It may return DONE: the command is then fully judged. */
  ends?: boolean;
  run(x: ShellCommand): CheckResult;
}

const rank = new Map(ORDER.map((id, i) => [id, i]));
// Within a phase a check that can end the judging runs last, so a check added for the same
// command always runs; then the order of checks/order.ts, then load order.
const byOrder = (a: Check, b: Check) =>
  Number(!!a.ends) - Number(!!b.ends) ||
  (rank.get(a.id) ?? ORDER.length) - (rank.get(b.id) ?? ORDER.length) ||
  checks.indexOf(a) - checks.indexOf(b);

const PHASES: Phase[] = ['start', 'before', 'command', 'after'];
const checks: Check[] = [];
const byName = new Map<string, Check[]>();
const ids = new Set<string>();

/** Registers a check (from a family module, at load time). */
export function check(c: Check): void {
  if (ids.has(c.id)) throw new Error(`shell check ${c.id} is registered twice`);
  ids.add(c.id);
  checks.push(c);
  if (c.names) nameSets.set(c, new Set(c.names));
  byName.clear();
}

const nameSets = new Map<Check, ReadonlySet<string>>();
const applies = (c: Check, name: string) =>
  (c.names === undefined && c.match === undefined) || !!nameSets.get(c)?.has(name) || !!c.match?.test(name);

// (a command line can hold many made-up names; past this many the plan is built each time)
const MAX_PLANS = 4096;

/** The checks that run for a command name, in order. */
export function plan(name: string): Check[] {
  let p = byName.get(name);
  if (p) return p;
  p = PHASES.flatMap((ph) => checks.filter((c) => c.phase === ph && applies(c, name)).sort(byOrder));
  if (byName.size < MAX_PLANS) byName.set(name, p);
  return p;
}

/** Runs the checks for one command until one says it is fully judged. */
export function runChecks(x: ShellCommand): void {
  for (const c of plan(x.name)) {
    const r = c.run(x);
    if (r === DONE) {
      if (!c.ends) throw new Error(`shell check ${c.id} returned DONE without being registered with ends: true`);
      return;
    }
  }
}

/** How many command names have a cached plan (bounded by MAX_PLANS). */
export function cachedPlans(): number {
  return byName.size;
}

/** Every registered check (for the case-file test and the docs). */
export function registeredChecks(): readonly Check[] {
  return checks;
}
