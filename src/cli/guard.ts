/**
 * The agent guard's commands: `warden hook`, `warden judge`, `warden install | uninstall | doctor`.
 */
import { createInterface } from 'node:readline';
import { parseArgs, UsageError } from './args.ts';
import { AGENTS, type Agent } from '../hooks/adapters.ts';
import { runHook, stdinState, writeLateRecord } from '../hooks/run.ts';
import { existsSync, writeSync } from 'node:fs';
import { ENROL_FILE } from '../server/managed.ts';
import { install, uninstall, doctor, RESIDENT_IDLE_EXIT_S, type ResidentMode, type Scope } from '../hooks/install.ts';
import { loadPolicy } from '../engine/policy.ts';
import { judgeEvent } from '../engine/judge.ts';
import { eventWorkspace, parseEvent } from '../engine/events.ts';
import { AuditLog } from '../audit/log.ts';
import { join, resolve } from 'node:path';
import { buildClient, defaultSocket, startDaemon } from '../hooks/daemon.ts';
import { judgedRecord, noteRecord, toStored } from '../audit/record.ts';
// The fleet modules (src/server/) load only where used: a hook's start must not pay for them.
const fleet = () => import('../server/client.ts');
import { defaultAuditDir, PACKAGE_ROOT } from '../paths.ts';
import { UserError } from '../errors.ts';
const BIN = join(PACKAGE_ROOT, 'bin', 'warden.js');

/**
 * Writes the whole answer synchronously (and without loading process.stdout's stream machinery,
 * a few ms of a hook's start); a non-blocking pipe that is full goes through the stream.
 */
function writeOut(fd: 1 | 2, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  try {
    while (off < buf.length) off += writeSync(fd, buf, off);
  } catch {
    (fd === 1 ? process.stdout : process.stderr).write(buf.subarray(off));
  }
}

function agentArg(a: string | undefined, cmd: string): Agent {
  if (!a || !AGENTS.includes(a as Agent)) throw new UsageError(`usage: warden ${cmd} ${AGENTS.join('|')}`);
  return a as Agent;
}

export async function hookCommand(rest: string[]): Promise<number> {
  const { flags, rest: pos } = parseArgs(rest, {
    policy: 'string',
    'budget-ms': 'string',
    late: 'string',
    'late-input': 'string',
  });
  const agent = agentArg(pos[0], 'hook');
  // The record of a call already denied for lateness (by the installed command or the hook itself).
  if (flags.late !== undefined) {
    await writeLateRecord(agent, flags.late as string, flags['late-input'] as string | undefined);
    process.exit(0);
  }
  const budget = flags['budget-ms'] !== undefined ? Number(flags['budget-ms']) : undefined;
  const r = await runHook(agent, { policyFile: flags.policy as string | undefined, budgetMs: budget });
  if (r.stdout) writeOut(1, r.stdout + '\n');
  if (r.stderr) writeOut(2, r.stderr);
  // The answer is out: an enrolled machine forwards its records (and guard report) in the background,
  // at most once per FORWARD_EVERY_MS, from a detached process (the agent waits only for the spawn).
  if (existsSync(join(defaultAuditDir(), ENROL_FILE))) (await fleet()).forwardSoon(defaultAuditDir(), BIN);
  // Input that never ended leaves a read of stdin waiting, and an answer at the deadline leaves the
  // work running: the answer is out, so end here.
  if (stdinState.pending || stdinState.timedOut) process.exit(r.code);
  return r.code;
}

/** `--session ID`: the records' session id (one line of printable text, as the console shows it). */
function sessionArg(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (!s || s.length > 200 || /[\x00-\x1f\x7f]/.test(s))
    throw new UsageError('--session must be 1–200 printable characters');
  return s;
}

/** `warden judge < events.jsonl`: one verdict line per event line, in order; bad lines get a fail-closed verdict. */
export async function judgeCommand(rest: string[]): Promise<number> {
  const { flags } = parseArgs(rest, {
    policy: 'string',
    cwd: 'string',
    workspace: 'string',
    'no-audit': 'bool',
    session: 'string',
  });
  const policy = loadPolicy(flags.policy as string | undefined);
  const cwd = resolve((flags.cwd as string | undefined) ?? process.cwd());
  const fixed = flags.workspace !== undefined ? resolve(flags.workspace as string) : undefined;
  // Each event's workspace: --workspace, else the event's own workspace or cwd, else --cwd.
  const contextOf = (raw: unknown, ev: { cwd?: string }) => {
    if (ev.cwd !== undefined) ev.cwd = resolve(cwd, ev.cwd);
    const own = eventWorkspace(raw);
    const workspace = fixed ?? (own !== undefined ? resolve(ev.cwd ?? cwd, own) : (ev.cwd ?? cwd));
    return { policy, cwd: ev.cwd ?? cwd, workspace };
  };
  const audit = flags['no-audit'] ? undefined : new AuditLog();
  const session = sessionArg(flags.session) ?? `judge-${process.pid}-${Date.now()}`;
  let bad = 0;
  try {
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      let out: Record<string, unknown>;
      try {
        const raw: unknown = JSON.parse(line);
        const ev = parseEvent(raw);
        const v = await judgeEvent(ev, contextOf(raw, ev as { cwd?: string }));
        // A batch has nobody to answer an ask: with approvals on, the server's approval decides.
        const gate =
          v.decision === 'ask'
            ? await (await import('../server/approve.ts')).approvalGate(defaultAuditDir(), session, ev, v.reasons)
            : undefined;
        if (gate) Object.assign(v, { decision: gate.decision, reasons: [...gate.reasons, ...v.reasons] });
        const data = gate ? { approval: gate.approval } : undefined;
        audit?.append(toStored(judgedRecord({ source: 'judge', session, data }, [ev], [v])));
        out = {
          decision: v.decision,
          reasons: v.reasons,
          findings: v.findings,
          capabilities: v.actions.map((a) => ({
            capability: a.capability,
            decision: a.decision,
            detail: a.detail,
            hosts: a.hosts,
          })),
        };
      } catch (e) {
        bad++;
        out = { decision: policy.onError, reasons: [`invalid event: ${(e as Error).message}`], findings: [] };
        try {
          const reasons = out.reasons as string[];
          audit?.append(toStored(noteRecord({ source: 'judge', session, kind: 'error' }, policy.onError, reasons)));
        } catch {
          /* (the log itself may be what failed: the verdict printed stands) */
        }
      }
      process.stdout.write(JSON.stringify(out) + '\n');
    }
  } finally {
    audit?.close();
  }
  if (audit) (await fleet()).forwardSoon(defaultAuditDir()); // an enrolled machine forwards in the background
  return bad ? 2 : 0;
}

function scopeArg(v: unknown): Scope {
  const s = (v as string | undefined) ?? 'user';
  if (!['user', 'project', 'system'].includes(s)) throw new UsageError('--scope must be user, project or system');
  return s as Scope;
}

/**
 * Resident mode for `warden install`: by default the client starts the daemon itself; `--daemon`
 * means the user runs `warden daemon` (a service). Without a C compiler the default falls back to a
 * process per call; an explicit --daemon is an error then.
 */
function residentMode(explicit: boolean, socket?: string): ResidentMode | undefined {
  let client: string;
  try {
    client = buildClient();
  } catch (e) {
    if (explicit) throw new UserError(`--daemon needs a C compiler to build the hook client: ${(e as Error).message}`);
    return undefined;
  }
  return { client, socket: resolve(socket ?? defaultSocket()), start: explicit ? undefined : RESIDENT_IDLE_EXIT_S };
}

export function installCommand(rest: string[], remove: boolean): number {
  const { flags, rest: pos } = parseArgs(rest, {
    scope: 'string',
    policy: 'string',
    daemon: 'bool',
    'no-daemon': 'bool',
    socket: 'string',
    agent: 'string',
  });
  const agent = agentArg((flags.agent as string | undefined) ?? pos[0], remove ? 'uninstall' : 'install');
  const scope = scopeArg(flags.scope);
  if (flags.policy && !remove) loadPolicy(flags.policy as string); // a bad policy is an error now, not at the first tool call
  if (flags.daemon && flags['no-daemon']) throw new UsageError('--daemon and --no-daemon contradict each other');
  const daemon = remove || flags['no-daemon'] ? undefined : residentMode(!!flags.daemon, flags.socket as string);
  const r = remove
    ? uninstall(agent, scope, process.cwd())
    : install(agent, scope, process.cwd(), flags.policy as string | undefined, daemon);
  process.stdout.write(
    `${r.changed ? (remove ? 'removed Warden from' : 'installed Warden in') : 'unchanged:'} ${r.file}\n`,
  );
  for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
  if (daemon && !daemon.start)
    process.stdout.write(
      `  resident mode: start the daemon with \`warden daemon${flags.socket ? ` --socket ${flags.socket}` : ''}\` (without it, each call runs the ordinary hook)\n`,
    );
  else if (daemon)
    process.stdout.write(
      `  resident mode: the first call starts \`warden daemon\`, which leaves after ${RESIDENT_IDLE_EXIT_S / 60} min without a call (--no-daemon: a process per call)\n`,
    );
  else if (!remove && !flags['no-daemon'])
    process.stdout.write('  a process per call: no C compiler (cc) to build the resident client\n');
  if (!remove) process.stdout.write(`  check with: warden doctor ${agent}\n`);
  return 0;
}

export async function doctorCommand(rest: string[]): Promise<number> {
  const { flags, rest: pos } = parseArgs(rest, { json: 'bool', agent: 'string' });
  const named = flags.agent !== undefined ? [flags.agent as string, ...pos] : pos;
  const agents = named.length ? named.map((a) => agentArg(a, 'doctor')) : AGENTS;
  const reports = agents.map((a) => doctor(a, process.cwd()));
  // An enrolled machine whose server manages the agents' own settings: do they still say so?
  if (existsSync(join(defaultAuditDir(), ENROL_FILE))) {
    const { managedChecks } = await import('../server/agent-settings.ts');
    managedChecks(defaultAuditDir(), reports);
  }
  if (flags.json) process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
  else {
    for (const r of reports) {
      process.stdout.write(`${r.agent}: ${r.inForce ? 'the guard is in force' : 'the guard is NOT in force'}\n`);
      for (const c of r.checks) process.stdout.write(`  ok   ${c}\n`);
      for (const p of r.problems) process.stdout.write(`  FAIL ${p.problem}\n       fix: ${p.fix}\n`);
    }
  }
  return reports.every((r) => r.inForce) ? 0 : 1;
}

/**
 * `warden daemon [--socket PATH] [--policy FILE] [--idle-exit SECONDS]`: resident mode, in the
 * foreground until stopped (or, with --idle-exit, as the hook client starts it: see daemon.ts).
 */
export async function daemonCommand(rest: string[]): Promise<number> {
  const { flags } = parseArgs(rest, {
    socket: 'string',
    policy: 'string',
    'build-client': 'string',
    'idle-exit': 'string',
  });
  const idle = flags['idle-exit'] as string | undefined;
  if (idle !== undefined && !/^[1-9]\d{0,6}$/.test(idle))
    throw new UsageError('--idle-exit must be a whole number of seconds (1 or more)');
  if (flags['build-client'] !== undefined) {
    process.stdout.write(`${buildClient(resolve(flags['build-client'] as string))}\n`);
    return 0;
  }
  const socket = resolve((flags.socket as string | undefined) ?? defaultSocket());
  const { refreshPolicy, forwardEvery } = await fleet();
  const note = await refreshPolicy(defaultAuditDir()); // an enrolled machine starts on the newest policy
  if (note) process.stderr.write(`warden daemon: ${note}\n`);
  forwardEvery(defaultAuditDir()); // and forwards its records while running
  const server = await startDaemon({
    socket,
    policyFile: flags.policy as string | undefined,
    idleExitMs: idle === undefined ? undefined : Number(idle) * 1000,
    createFolder: idle === undefined, // (--idle-exit: started by the hook client, see daemon.ts)
  });
  process.stderr.write(`${new Date().toISOString()} warden daemon: pid ${process.pid} listening on ${socket}\n`);
  await new Promise<void>((done) => {
    server.once('close', () => done()); // it left on its own (idle, replaced socket, new code)
    const stop = () => server.close();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}
