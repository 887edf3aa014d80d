/**
 * The network recorder of a `warden run` session, Warden's side (the C halves are in netrec.c):
 * the compiled relay started with `--record SOCKET` outside the sandbox, where the agent cannot see,
 * signal or trace it. The relay inside hands it a packet socket on the sandbox's loopback before
 * the agent starts; it reports every direct attempt (TCP, UDP, DNS) that bypassed the egress proxy
 * as one JSON line per destination per second, with a count. Each line becomes an `egress` `direct`
 * record; a recorder that stops while the session runs ends the session (fail closed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { noteRecord, toStored, type StoredRecord } from '../audit/record.ts';

/** What bubblewrap must give the sandbox's first process (and what it drops before the agent). */
export const RECORDER_CAPS = ['CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_SETPCAP', 'CAP_SETFCAP'];
// (CAP_SETFCAP: for a user without root, the relay nests a user namespace mapping uid 0 back to the
// user's ids, which the kernel allows only to a parent that held it; see become() in netrec.c.)

/** How long Warden waits for the relay's hand-out (the relay waits 5 s for the recorder's socket). */
const HANDOUT_MS = 8_000;
/** How long the recorder gets to read what is left and say its last lines at the session's end. */
const LAST_WORDS_MS = 1_500;

/** One line of the recorder: a destination and how often it was tried in one second. */
export interface Attempt {
  proto: 'tcp' | 'udp';
  addr: string;
  port: number;
  count: number;
  /** The name a DNS query asked for. */
  name?: string;
}

export type RecorderState = { recording: true; note?: string } | { recording: false; why: string };

export interface Recorder {
  /** Settles when the relay has handed the packet socket over, or said why it could not. */
  state: Promise<RecorderState>;
  /** Reads what is left, writes the last lines, and stops the recorder. */
  stop(): Promise<void>;
  /** Attempts seen and packets the kernel dropped because the reader fell behind. */
  totals: { attempts: number; dropped: number };
}

const isLoopback = (a: string) => /^127\./.test(a) || a === '::1' || /^::ffff:127\./.test(a);

const where = (a: Attempt) => (a.addr.includes(':') ? `[${a.addr}]:${a.port}` : `${a.addr}:${a.port}`);

/** The record of one line: what was tried, that it bypassed the proxy, that it was refused. */
export function attemptRecord(a: Attempt | { others: number }): StoredRecord {
  if ('others' in a) {
    const why = `${a.others} more direct attempt(s) in one second to other destinations (only 32 are listed a second)`;
    return toStored(
      noteRecord({ source: 'egress', kind: 'direct', data: { protocol: 'any', count: a.others } }, 'deny', [
        `${why}; they bypassed Warden's proxy and were refused inside the sandbox`,
      ]),
    );
  }
  const times = a.count > 1 ? ` (${a.count} attempts in one second)` : '';
  const what =
    a.proto === 'udp' && a.port === 53
      ? `a DNS query${a.name ? ` for ${a.name}` : ''} to ${where(a)}`
      : `a direct ${a.proto.toUpperCase()} ${a.proto === 'tcp' ? 'connection' : 'datagram'} to ${where(a)}`;
  const refused = isLoopback(a.addr)
    ? "the sandbox's loopback is its own: the host's port is not reachable"
    : "every address is the sandbox's own loopback: nothing left the sandbox";
  const data = { protocol: a.proto, address: a.addr, port: a.port, count: a.count, ...(a.name && { name: a.name }) };
  return toStored(
    noteRecord(
      { source: 'egress', kind: 'direct', data },
      'deny',
      [`${what}${times} bypassed Warden's proxy and was refused (${refused})`],
      [a.proto === 'udp' && a.port === 53 ? 'egress.direct-dns' : 'egress.direct'],
    ),
  );
}

/**
 * Starts the recorder (`relay --record SOCKET`). `onRecord` gets each record; `onDied` is called
 * once if the recorder stops while recording, before `stop()` (the session must then end).
 */
export function startRecorder(
  relay: string,
  socket: string,
  onRecord: (r: StoredRecord, a: Attempt | { others: number }) => void,
  onDied: (why: string) => void,
): Recorder {
  const child: ChildProcess = spawn(relay, ['--record', socket], { stdio: ['pipe', 'pipe', 'ignore'] });
  const totals = { attempts: 0, dropped: 0 };
  let stopping = false,
    recording = false;
  let settle!: (s: RecorderState) => void;
  const state = new Promise<RecorderState>((res) => (settle = res));
  // Its last line is enough: the process itself takes another ~10 ms to exit (closing a packet
  // socket waits for an RCU grace period), which the session need not wait for.
  let lastLine!: () => void;
  const ended = new Promise<void>((res) => {
    lastLine = res;
    child.once('close', () => res());
  });
  const timer = setTimeout(
    () => settle({ recording: false, why: 'the relay did not hand the packet socket over' }),
    HANDOUT_MS,
  );
  state.then(() => clearTimeout(timer));
  child.on('error', (e) => settle({ recording: false, why: `the recorder could not start (${e.message})` }));
  child.stdin!.on('error', () => {}); // a recorder gone is seen at its exit
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line);
    } catch {
      return; // (the recorder writes JSON only; a line it did not write cannot come from inside)
    }
    if (m.ready) {
      recording = true;
      settle({ recording: true, ...(typeof m.note === 'string' && m.note.trim() && { note: m.note.trim() }) });
    } else if (typeof m.unavailable === 'string' || typeof m.error === 'string')
      settle({ recording: false, why: String(m.unavailable ?? m.error) });
    else if (typeof m.others === 'number') {
      totals.attempts += m.others;
      onRecord(attemptRecord({ others: m.others }), { others: m.others });
    } else if (m.proto === 'tcp' || m.proto === 'udp') {
      const a = m as unknown as Attempt;
      totals.attempts += a.count;
      onRecord(attemptRecord(a), a);
    } else if (m.end) {
      totals.dropped = Number(m.dropped) || 0;
      lastLine();
    }
  });
  child.once('exit', (code, sig) => {
    const why = `the network recorder stopped (${sig ?? `exit ${code}`})`;
    settle({ recording: false, why });
    if (recording && !stopping) onDied(`${why}; direct attempts could no longer be recorded, Warden fails closed`);
  });
  return {
    state,
    totals,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      child.stdin!.end();
      const late = setTimeout(() => child.kill('SIGKILL'), LAST_WORDS_MS);
      await ended;
      clearTimeout(late);
    },
  };
}
