/**
 * One `warden run` session, start to end: the session folder (home with decoys and settings, the
 * folder of sockets bound into the sandbox), the hook server, the gateway, the egress proxy, the
 * sandboxed agent, and the summary. Every record it writes carries the session id.
 *
 * Exit status: the agent's; EXIT_NO_SANDBOX when the agent could not be contained (it is never run
 * unsandboxed); EXIT_ENDED when Warden ended the session on proof of intent (a decoy).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request, createServer } from 'node:http';
import type { Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { UserError } from '../errors.ts';
import { randomBytes } from 'node:crypto';
import { AuditLog, defaultAuditDir, type NewRecord } from '../audit/log.ts';
import { buildRelay } from './relay-build.ts';
import { noteRecord, redactText, toStored, type Kind, type StoredRecord } from '../audit/record.ts';
import type { Decision } from '../engine/types.ts';
import { loadPolicy, type Policy } from '../engine/policy.ts';
import { loadAnalyzers } from '../engine/judge.ts';
import { createGateway } from '../gateway/server.ts';
import { buildClient, defaultClient } from '../hooks/daemon.ts';
import { PACKAGE_ROOT } from '../paths.ts';
import { forwardEvery, forwardSoon } from '../server/client.ts';
import { AGENT_FACTS, type RunAgent } from './agent-facts.ts';
import { bwrapArgs, findBwrap, INSIDE_RUN } from './bwrap.ts';
import { decide, type EgressDecision, type EgressRequest } from './decider.ts';
import { decoyNeedles, findDecoy, makeDecoys, plantDecoys } from './decoys.ts';
import { writeAgentSettings } from './home.ts';
import { startHookServer } from './hook-server.ts';
import { neutraliseProject } from './neutralise.ts';
import { arrivalVerdict, checkArrival, EXIT_ARRIVAL, type ArrivalResult } from './arrival.ts';
import { startProxy } from './proxy.ts';
import { RECORDER_CAPS, startRecorder, type Recorder, type RecorderState } from './netrec.ts';

/** Warden could not contain the agent (no bubblewrap, no namespaces): nothing was run. */
export const EXIT_NO_SANDBOX = 125;
/** Warden ended the session: the agent reached for a decoy credential or sent one out. */
export const EXIT_ENDED = 124;

/**
 * How long an audit write waits for another writer (synchronous: the proxy and hook server wait
 * with it). Past it, a hook's call is denied and a batch of egress records ends the session.
 */
const AUDIT_BUSY_MS = 2_000;

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The largest model request passed to the gateway (the gateway's own limit is lower). */
const MAX_MODEL_REQUEST = 64 * 1024 * 1024;

/** Inside the sandbox: the egress proxy and the gateway, on loopback (relayed to their sockets). */
export const PROXY_PORT = 3128;
export const GATEWAY_PORT = 8788;

export interface RunOptions {
  agent: RunAgent;
  argv: string[];
  cwd: string;
  policyFile?: string;
  allowHosts: string[];
  env: NodeJS.ProcessEnv;
  /** Start the agent even when the arrival check would refuse (src/sandbox/arrival.ts). */
  allowArrival?: boolean;
}

export class SandboxUnavailable extends Error {}

/** Environment names that carry credentials or a way around the sandbox: not passed in. */
const HELD_BACK =
  /(KEY|TOKEN|SECRET|PASSW|CREDENTIAL|COOKIE|AUTH)|^(AWS_|AZURE_|GOOGLE_APPLICATION|SSH_AUTH_SOCK|GPG_AGENT|DOCKER_|KUBECONFIG|WARDEN_|NODE_OPTIONS$|LD_PRELOAD$)|_PROXY$/i;

/**
 * The whole session's audit writes, tied to its id (an agent's own session id is kept in data).
 * The log itself is opened while the sandbox starts (it takes tens of milliseconds): records
 * written before are held and written first, in order.
 */
export class SessionAudit {
  private log?: AuditLog;
  private held: NewRecord[] = [];
  constructor(readonly id: string) {}
  private tag(r: NewRecord): NewRecord {
    const data = r.data && typeof r.data === 'object' && r.session ? { ...r.data, agentSession: r.session } : r.data;
    return { ...r, session: this.id, data };
  }
  append(r: NewRecord): void {
    this.flush(); // in order: batched records first
    if (this.log) this.log.append(this.tag(r));
    else this.held.push(this.tag(r));
  }
  appendMany(rs: NewRecord[]): void {
    this.flush();
    if (this.log) this.log.appendMany(rs.map((r) => this.tag(r)));
    else this.held.push(...rs.map((r) => this.tag(r)));
  }
  private batch: NewRecord[] = [];
  private timer?: NodeJS.Timeout;
  /**
   * Egress records: written in one transaction every 25 ms (as the gateway's exchanges are), off
   * the request's path; a crash loses at most that batch, never a decision already answered wrongly.
   */
  appendSoon(r: NewRecord): void {
    this.batch.push(this.tag(r));
    this.timer ??= setTimeout(() => this.flush(), 25);
  }
  /** Called when the log refuses a batched write (locked past its wait, disk full): the session ends. */
  onError?: (e: Error) => void;
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.batch.length) return;
    const b = this.batch;
    this.batch = [];
    if (!this.log) return void this.held.push(...b);
    try {
      this.log.appendMany(b);
    } catch (e) {
      if (this.onError) this.onError(e as Error);
      else throw e;
    }
  }
  attach(log: AuditLog): void {
    this.log = log;
    if (this.held.length) log.appendMany(this.held);
    this.held = [];
  }
  close(): void {
    this.flush();
    this.log?.close();
  }
  /**
   * The session's records, for the write check that weighs a change with what the session did
   * (src/hooks/session-check.ts): every record of this run is its one agent's session, whatever
   * id the agent gives it; before the log is open, the records held for it.
   */
  records(_f: { session?: string } = {}): Iterable<NewRecord> {
    this.flush();
    return this.log ? this.log.records({ session: this.id }) : [...this.held];
  }
  /** For the gateway and the hooks, which take an AuditLog and use append/appendMany (and records) only. */
  asLog(): AuditLog {
    return this as unknown as AuditLog;
  }
}

const listen = (server: Server, socket: string) =>
  new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(socket, () => res());
  });

/**
 * The model's door inside the sandbox: every request body is searched for decoy values (a decoy
 * in a model request ends the session too), then handed to Warden's gateway on its own socket.
 */
function modelDoor(inner: string, needles: string[], onDecoy: (why: string) => void): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_MODEL_REQUEST) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_MODEL_REQUEST) {
        res.writeHead(413, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'request too large', type: 'warden' } }));
      }
      const body = Buffer.concat(chunks);
      if (findDecoy(body.toString('latin1'), needles)) {
        onDecoy('a decoy credential was in a model request');
        res.writeHead(403, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'Warden ended this session', type: 'warden' } }));
      }
      const up = request({ socketPath: inner, method: req.method, path: req.url, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      });
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
}

interface Counters {
  hookDenied: number;
  egressAllowed: number;
  egressBlocked: number;
  telemetry: number;
  /** Direct TCP/UDP/DNS attempts the network recorder saw (all refused). */
  direct: number;
  ended?: string;
}

/** The sandbox's way out and the model's way in, started outside the sandbox. */
async function startServices(
  o: RunOptions,
  s: {
    id: string;
    run: string;
    home: string;
    policy: Policy;
    audit: SessionAudit;
    counters: Counters;
    token: string;
  },
  needles: string[],
  sessionSecrets: Set<string>,
  end: (why: string) => void,
): Promise<{ servers: Server[]; upstream?: string }> {
  const facts = AGENT_FACTS[o.agent];
  const servers: Server[] = [];
  // The gateway holds the vendor key; the agent gets the session token.
  const token = s.token;
  const upstream = o.env[facts.baseUrlEnv] || facts.defaultBaseUrl;
  if (facts.api !== 'gemini') {
    const gw = createGateway({
      upstreams: [{ name: 'agent', url: upstream, key: o.env[facts.keyEnv] }],
      token,
      policy: s.policy,
      audit: s.audit.asLog(),
    });
    await listen(gw, join(s.run, 'gateway-inner.sock'));
    servers.push(gw);
    const door = modelDoor(join(s.run, 'gateway-inner.sock'), needles, end);
    await listen(door, join(s.run, 'gateway.sock'));
    servers.push(door);
  }
  const ctx = {
    policy: s.policy,
    allowHosts: o.allowHosts,
    telemetryHosts: facts.telemetryHosts,
    modelHosts: facts.modelHosts,
    decoyNeedles: needles,
    sessionSecrets,
  };
  const onDecision = (r: EgressRequest, d: EgressDecision) => {
    if (d.allow) s.counters.egressAllowed++;
    else s.counters.egressBlocked++;
    if (d.rule === 'telemetry') s.counters.telemetry++;
    // A decision that ends the session is written at once; the others in the next batch.
    const data = {
      host: r.host,
      port: r.port,
      method: r.method,
      path: r.path === undefined ? undefined : redactText(r.path.slice(0, 300)).text,
      bytes: r.body?.length,
      rule: d.rule,
    };
    const kind = r.kind === 'connect' ? 'connect' : 'http';
    const record = toStored(
      noteRecord(
        { source: 'egress', kind, data },
        d.allow ? 'allow' : 'deny',
        [d.reason],
        d.allow ? [] : [`egress.${d.rule}`],
      ),
    );
    (d.end ? s.audit.append : s.audit.appendSoon).call(s.audit, record);
    if (d.end) end(d.reason);
  };
  servers.push(
    await startProxy({
      socket: join(s.run, 'egress.sock'),
      decide: (r) => decide(r, ctx),
      onDecision,
      gateway:
        facts.api !== 'gemini'
          ? { inside: `127.0.0.1:${GATEWAY_PORT}`, socket: join(s.run, 'gateway.sock') }
          : undefined,
    }),
  );
  return { servers, upstream: facts.api !== 'gemini' ? upstream : undefined };
}

/** The environment inside: the user's, less credentials; the proxy; the gateway; the agent's settings. */
function agentEnv(o: RunOptions, home: string, token: string, extra: Record<string, string>): Record<string, string> {
  const facts = AGENT_FACTS[o.agent];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.env)) if (v !== undefined && !HELD_BACK.test(k)) env[k] = v;
  const proxy = `http://127.0.0.1:${PROXY_PORT}`;
  Object.assign(env, {
    HOME: home,
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    ALL_PROXY: proxy,
    NO_PROXY: `127.0.0.1:${GATEWAY_PORT},localhost:${GATEWAY_PORT}`,
    no_proxy: `127.0.0.1:${GATEWAY_PORT},localhost:${GATEWAY_PORT}`,
    // A hook that cannot reach the session's hook server runs the ordinary hook, which finds no
    // Warden folder it may write here and denies.
    WARDEN_HOME: `${INSIDE_RUN}/no-warden-home`,
    ...extra,
  });
  if (facts.api !== 'gemini') {
    env[facts.baseUrlEnv] = `http://127.0.0.1:${GATEWAY_PORT}${facts.api === 'openai' ? '/v1' : ''}`;
    env[facts.keyEnv] = token;
  } else if (o.env[facts.keyEnv]) env[facts.keyEnv] = o.env[facts.keyEnv]!; // no gateway in between: its own key
  return env;
}

/** The hook client, compiled once per Warden folder, copied into the session's run folder. */
function hookClient(run: string): void {
  const client = defaultClient();
  if (!existsSync(client)) buildClient(client);
  copyFileSync(client, join(run, 'hook-client'));
}

/**
 * The relay the sandbox starts first: the compiled one (cached beside the hook client), copied
 * into the run folder, and its path outside (it is the network recorder too); the Node one where
 * no C compiler is found (no recorder then).
 */
function relayCommand(run: string): { argv: string[]; compiled?: string } {
  const compiled = buildRelay();
  if (!compiled) return { argv: [process.execPath, join(PACKAGE_ROOT, 'src', 'sandbox', 'relay.mjs')] };
  copyFileSync(compiled, join(run, 'relay'));
  return { argv: [`${INSIDE_RUN}/relay`], compiled };
}

/** The sandbox started: bwrap, whether it made the namespaces, and its exit status. */
interface Launched {
  child: ReturnType<typeof spawn>;
  /** True once bwrap reported the sandboxed child; false if it exited first (no sandbox made). */
  started: Promise<boolean>;
  exited: Promise<number>;
}

function launch(bwrap: string, args: string[]): Launched {
  // fd 3: bwrap reports the sandboxed child's pid there once the namespaces exist. An exit
  // without that report is a sandbox that could not be made: nothing ran.
  const child = spawn(bwrap, ['--json-status-fd', '3', ...args], { stdio: ['inherit', 'inherit', 'inherit', 'pipe'] });
  let seen = false;
  const exited = new Promise<number>((res) => {
    child.on('close', (code, sig) => res(code ?? 128 + (sig === 'SIGKILL' ? 9 : 15)));
    child.on('error', () => res(EXIT_NO_SANDBOX));
  });
  const started = new Promise<boolean>((res) => {
    child.stdio[3]!.on('data', (d: Buffer) => {
      if (!seen && d.toString().includes('child-pid')) res((seen = true));
    });
    void exited.then(() => res(seen));
  });
  return { child, started, exited };
}

/**
 * The arrival check's record and verdict. A check that fails in itself refuses (fails closed): the
 * agent would start on instructions no one read.
 */
async function arrivalCheck(
  workspace: string,
  allowArrival: boolean,
  note: (k: Kind, d: Decision, r: string[], c: string[], data: Record<string, unknown>) => StoredRecord,
) {
  let r: ArrivalResult;
  try {
    r = await checkArrival(workspace);
  } catch (e) {
    const problem = `the check itself failed (${(e as Error).message})`;
    r = { checked: [], findings: [], problems: [problem], notes: [], ms: 0 };
  }
  const v = arrivalVerdict(r, allowArrival);
  const findings = r.findings.map((f) => ({ ...f, snippet: redactText(f.snippet).text }));
  const data = { checked: r.checked, findings, problems: r.problems, notes: r.notes, ms: Math.round(r.ms) };
  const decision = v.refuse ? 'deny' : 'allow';
  return { ...v, record: note('arrival', decision, v.reasons, v.checks, { ...data, allowArrival }) };
}

/** The recorder's hand-out, or why there was none (the sandbox ended before it, say). */
function recorderState(recorder: Recorder, sandbox: Launched): Promise<RecorderState> {
  const gone = sandbox.exited.then(() => new Promise((r) => setTimeout(r, 300).unref()));
  return Promise.race([
    recorder.state,
    gone.then(
      () => ({ recording: false, why: 'the sandbox ended before the relay handed the packet socket over' }) as const,
    ),
  ]);
}

export async function runSession(o: RunOptions, say: (line: string) => void): Promise<number> {
  const T0 = performance.now();
  const mark = (what: string) =>
    process.env.WARDEN_RUN_TIMING && say(`  ${what}: ${performance.now().toFixed(1)} ms since the process started`);
  const bwrap = findBwrap();
  if (!bwrap)
    throw new SandboxUnavailable(
      'bubblewrap (bwrap) is not installed: install it (apt-get install bubblewrap, or node scripts/setup-system.mjs)',
    );
  const realHome = resolve(o.env.HOME ?? userInfo().homedir);
  const workspace = resolve(o.cwd);
  // The workspace is shown read-write: holding the home (or Warden's folder), it would show them too.
  for (const [what, dir] of [
    ['your home folder', realHome],
    ["Warden's folder", resolve(defaultAuditDir())],
  ])
    if (dir === workspace || dir.startsWith(workspace.endsWith(sep) ? workspace : workspace + sep))
      throw new UserError(`the workspace ${workspace} holds ${what}; run warden run from a project folder`);
  const id = `run-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
  const base = mkdtempSync(join(tmpdir(), 'warden-run-'));
  const sessionHome = join(base, 'home'),
    run = join(base, 'run');
  mkdirSync(sessionHome, { mode: 0o700 });
  mkdirSync(run, { mode: 0o700 });
  const session = new SessionAudit(id);
  const audit = session.asLog();
  // The session's own records: typed (src/audit/record.ts), from the door `run` with the agent.
  const note = (kind: Kind, decision: Decision, reasons: string[], checks: string[], data: Record<string, unknown>) =>
    toStored(noteRecord({ source: 'run', agent: o.agent, kind, data }, decision, reasons, checks));
  const counters: Counters = { hookDenied: 0, egressAllowed: 0, egressBlocked: 0, telemetry: 0, direct: 0 };
  let child: ReturnType<typeof spawn> | undefined;
  // The session's own records: a log that refuses them is said on stderr, not thrown mid-ending.
  const recordOrSay = (r: NewRecord) => {
    try {
      audit.append(r);
    } catch (e) {
      say(`warden run: the audit log refused the ${r.kind} record (${(e as Error).message})`);
    }
  };
  const end = (why: string) => {
    if (counters.ended) return;
    counters.ended = why;
    recordOrSay(note('session-ended', 'deny', [why], ['sandbox.session-ended'], {}));
    say(`warden run: ending the session: ${why}`);
    child?.kill('SIGKILL'); // bwrap: its PID namespace, the whole agent tree, goes with it
  };
  let servers: Server[] = [];
  let forwarding: NodeJS.Timeout | undefined;
  let recorder: Recorder | undefined;
  const stopChild = () => void child?.kill('SIGTERM');
  try {
    // Loaded while the rest starts; the first judgement that needs them waits for them.
    mark('session');
    const analyzers = loadAnalyzers().catch(() => undefined);
    const policy = loadPolicy(o.policyFile);
    mark('policy');
    // What the workspace gives the agent as instructions is checked before the agent exists.
    const arrival = await arrivalCheck(workspace, !!o.allowArrival, note);
    audit.append(arrival.record);
    if (arrival.line) say(arrival.line);
    mark('arrival');
    if (arrival.refuse) {
      try {
        session.attach(new AuditLog(undefined, 'process', { busyTimeoutMs: AUDIT_BUSY_MS }));
        audit.append(note('session-refused', 'deny', arrival.record.data.reasons as string[], ['arrival'], {}));
      } catch (e) {
        say(`warden run: the audit log refused the arrival records (${(e as Error).message})`);
      }
      say(
        `warden run: session: ${id} · exit ${EXIT_ARRIVAL} · refused by the arrival check; the agent was not started`,
      );
      return EXIT_ARRIVAL;
    }
    const decoys = makeDecoys(userInfo().username || 'dev');
    plantDecoys(sessionHome, decoys);
    const needles = decoyNeedles(decoys);
    const sessionSecrets = new Set<string>();
    mark('decoys');
    hookClient(run);
    const relay = relayCommand(run);
    const settings = writeAgentSettings(o.agent, { realHome, sessionHome, runDir: run, cwd: workspace });
    const neutralised = neutraliseProject(workspace, run);
    for (const n of neutralised)
      audit.append(
        note(
          'neutralised',
          n.removed.length ? 'deny' : 'allow',
          n.removed.length ? [`${n.file}: ${n.removed.join(', ')} removed from what the agent sees`] : [],
          n.removed.length ? ['sandbox.neutralised'] : [],
          { file: n.file, removed: n.removed },
        ),
      );
    mark('prepared');
    // The agent starts first: what it reads at once (settings, decoys, sanitised files) is in
    // place; the services' sockets appear in the bound folder a few milliseconds later (the relay
    // waits for them; a hook that came first would find no server and deny).
    const token = `wdn-run-${randomBytes(18).toString('base64url')}`;
    // A user without root: the relay restores their ids below the namespace that holds the network.
    const rootless = process.getuid!() !== 0,
      ids = `${process.getuid!()}:${process.getgid!()}`;
    const ports = [`${PROXY_PORT}=${INSIDE_RUN}/egress.sock`, `${GATEWAY_PORT}=${INSIDE_RUN}/gateway.sock`];
    const inner = (netrec: boolean) => [
      ...relay.argv,
      ...(netrec ? ['--netrec', `${INSIDE_RUN}/netrec.sock`, ...(rootless ? ['--as', ids] : [])] : []),
      ...ports,
    ];
    const profile = (netrec: boolean) =>
      bwrapArgs(
        {
          workspace,
          home: realHome,
          sessionHome,
          runDir: run,
          hide: [defaultAuditDir()],
          roFiles: [
            ...settings.roFiles,
            ...neutralised.map((n) => [n.copy, join(workspace, n.file)] as [string, string]),
          ],
          env: agentEnv(o, realHome, token, settings.env),
          chdir: workspace,
          caps: netrec ? RECORDER_CAPS : undefined,
          uid0: netrec && rootless,
        },
        [...inner(netrec), '--', ...o.argv],
      );
    mark('spawn');
    let sandbox = launch(bwrap, profile(!!relay.compiled));
    child = sandbox.child;
    // Direct attempts (TCP, UDP, DNS) are recorded by the compiled relay's other half, outside;
    // started while bubblewrap makes the namespaces (the relay waits for its socket).
    if (relay.compiled)
      recorder = startRecorder(
        relay.compiled,
        join(run, 'netrec.sock'),
        (r, a) => {
          counters.direct += 'others' in a ? a.others : a.count;
          session.appendSoon(r);
        },
        end,
      );
    // Ctrl-C or a stop signal to Warden stops the sandbox, and the session still ends on the record.
    for (const sig of STOP_SIGNALS) process.on(sig, stopChild);
    servers.push(
      await startHookServer({
        socket: join(run, 'hook.sock'),
        policy,
        audit,
        home: realHome,
        decoys,
        needles,
        sessionSecrets,
        onDecoy: end,
        onAnswer: (denied) => void (denied && counters.hookDenied++),
      }),
    );
    const svc = await startServices(
      o,
      { id, run, home: realHome, policy, audit: session, counters, token },
      needles,
      sessionSecrets,
      end,
    );
    servers = servers.concat(svc.servers);
    mark('services');
    let recording: RecorderState = { recording: false, why: 'no compiled relay (no C compiler found)' };
    if (recorder && !(await sandbox.started)) {
      // A bubblewrap that will not give the capabilities (an older or setuid one): the session
      // runs as before, direct attempts refused but not recorded, and says so.
      await recorder.stop();
      recorder = undefined;
      recording = { recording: false, why: 'bubblewrap would not give the sandbox CAP_NET_ADMIN/CAP_NET_RAW' };
      sandbox = launch(bwrap, profile(false));
      child = sandbox.child;
    }
    if (recorder) recording = await recorderState(recorder, sandbox);
    mark('recorder');
    if (!recording.recording)
      say(`warden run: direct TCP, UDP and DNS from inside are refused but NOT recorded: ${recording.why}`);
    audit.append(
      note('session-start', 'allow', [], [], {
        argv: o.argv.slice(0, 1),
        workspace,
        upstream: svc.upstream,
        allowHosts: o.allowHosts,
        netRecorder: recording,
      }),
    );
    // The audit log opens while the sandbox starts; a log that cannot be written ends the session.
    session.onError = (e) => end(`the audit log refused a write (${e.message}); Warden fails closed`);
    try {
      session.attach(new AuditLog(undefined, 'process', { busyTimeoutMs: AUDIT_BUSY_MS }));
    } catch (e) {
      end(`the audit log cannot be written (${(e as Error).message}); Warden fails closed`);
    }
    // An enrolled machine forwards the session's records while it runs (in the background, bounded).
    forwarding = forwardEvery(defaultAuditDir());
    await analyzers;
    const status = await sandbox.exited;
    mark('exited');
    // What the recorder still holds (the last second's attempts) is recorded before the end.
    await recorder?.stop();
    mark('recorder stopped');
    if (!(await sandbox.started) && !counters.ended) {
      const why = `bubblewrap cannot create the sandbox here (exit ${status}); user namespaces may be off`;
      audit.append(note('session-refused', 'deny', [why], ['sandbox.unavailable'], { status }));
      throw new SandboxUnavailable(why);
    }
    const code = counters.ended ? EXIT_ENDED : status;
    recordOrSay(
      note(
        'session-end',
        counters.ended ? 'deny' : 'allow',
        counters.ended ? [counters.ended] : [],
        counters.ended ? ['sandbox.session-ended'] : [],
        { status, exit: code, ...counters, directDropped: recorder?.totals.dropped },
      ),
    );
    say(
      `warden run: session: ${id} · exit ${code}${counters.ended ? ' (ended by Warden)' : ''} · ` +
        `${counters.hookDenied} tool call(s) denied · egress ` +
        `${counters.egressBlocked} blocked (${counters.telemetry} telemetry), ${counters.egressAllowed} allowed · ` +
        `${neutralised.filter((n) => n.removed.length).length} project file(s) neutralised · ` +
        (recording.recording ? `${counters.direct} direct attempt(s) refused` : 'direct attempts not recorded'),
    );
    return code;
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, stopChild);
    // Whatever failed on Warden's side, the agent does not run on without it.
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await recorder?.stop();
    for (const s of servers) s.close();
    await new Promise((r) => setTimeout(r, 60)); // the gateway's last audit batch (25 ms)
    clearInterval(forwarding);
    session.close();
    forwardSoon(defaultAuditDir(), join(PACKAGE_ROOT, 'bin', 'warden.js'), true); // and its last records now
    rmSync(base, { recursive: true, force: true });
  }
}
