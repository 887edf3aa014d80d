// Running `warden server` and machines the way users do: the real CLI in real processes, real
// sockets on 127.0.0.1, a real PostgreSQL (test/helpers/postgres.ts) or the embedded store.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/log.ts';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'warden.js');
const ENV = { QWEN_USAGE_STATISTICS_ENABLED: 'false' };

export interface Srv {
  url: string;
  home: string;
  admin: string;
  proc: ChildProcess;
  out: () => string;
  stop(): Promise<void>;
}

export function home(prefix = 'warden-srv-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `warden server --port 0 …` in `h`; resolves when it prints where it listens. */
export function serve(h: string, args: string[] = [], timeoutMs = 90_000): Promise<Srv> {
  const proc = spawn(process.execPath, [BIN, 'server', '--port', '0', ...args], {
    env: { ...process.env, ...ENV, WARDEN_HOME: h },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), timeoutMs);
    proc.once('exit', (c) => reject(new Error(`server exited ${c}: ${out}`)));
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout!.off('data', check);
      const file = /admin token: (\S+)/.exec(out)![1];
      resolve({
        url: m[1],
        home: h,
        admin: readFileSync(file, 'utf8').trim(),
        proc,
        out: () => out,
        stop: () =>
          new Promise<void>((done) => {
            if (proc.exitCode !== null) return done();
            proc.once('exit', () => done());
            proc.kill('SIGTERM');
          }),
      });
    };
    proc.stdout!.on('data', check);
  });
}

export function w(h: string, args: string[], input?: string) {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, ...ENV, WARDEN_HOME: h },
    timeout: 120_000,
  });
}

export async function api(url: string, path: string, token?: string, init: RequestInit = {}) {
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: body as any };
}

/** A machine enrolled with `srv` through the real CLI; returns its home. */
export function enrolled(srv: Srv, h = home('warden-mach-')): string {
  const t = w(srv.home, ['server', 'token', 'create', '--url', srv.url]);
  const token = /token: (\S+)/.exec(t.stdout)?.[1];
  if (!token) throw new Error(`no token: ${t.stdout}${t.stderr}`);
  const e = w(h, ['enrol', srv.url, '--token', token]);
  if (e.status !== 0) throw new Error(`enrol failed: ${e.stdout}${e.stderr}`);
  return h;
}

/** Appends n records of session `s` to the machine's log (the log API, as front doors do). */
export function records(h: string, n: number, s = 'sess', decision = 'allow'): void {
  const log = new AuditLog(h);
  const batch = Array.from({ length: n }, (_, i) => ({
    session: s,
    source: 'judge',
    kind: 'shell',
    decision,
    data: { event: { tool: 'shell', command: `echo ${i}` }, verdict: { decision, reasons: [] } },
  }));
  for (let i = 0; i < batch.length; i += 5000) log.appendMany(batch.slice(i, i + 5000));
  log.close();
}

export function pushed(h: string) {
  const r = w(h, ['audit', 'push']);
  const m = /sent (\d+) records: (\d+) stored, (\d+) already/.exec(r.stdout);
  return { ...r, sent: Number(m?.[1] ?? -1), stored: Number(m?.[2] ?? -1), dup: Number(m?.[3] ?? -1) };
}
