// Shared by test/sandbox.test.ts and test/reliability/sandbox.test.ts: bubblewrap installed by the
// project's own setup (or the reason it cannot be, for a loud skip), a test folder with a "real"
// home (its own SSH key, to tell from the decoy), the real CLI's `warden run`, a listener on the
// host's loopback that records whatever reaches it, and the fake model.
import { spawn, spawnSync } from 'node:child_process';
import { createServer as netServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'warden.js');
export const QWEN = join(ROOT, 'node_modules', '.bin', 'qwen');
export const REAL_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nREAL-KEY-OF-THE-USER-NEVER-SHOWN\n';

/** Why `warden run` cannot be tested here (printed by the skip), or false. */
export function sandboxSkip(): string | false {
  const setup = join(ROOT, 'scripts', 'setup-system.mjs');
  const r = spawnSync(process.execPath, [setup, 'bubblewrap'], { encoding: 'utf8' });
  if (!r.stdout.includes('bubblewrap: ok')) return `SKIPPED LOUDLY: bubblewrap unavailable: ${r.stderr.trim()}`;
  const p = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-all', '--', 'true'], { encoding: 'utf8' });
  if (p.status !== 0) return `SKIPPED LOUDLY: bubblewrap cannot make namespaces here: ${p.stderr.trim()}`;
  return false;
}

export interface Work {
  dir: string;
  home: string;
  proj: string;
  wardenHome: string;
}

export function makeWork(): Work {
  const dir = mkdtempSync(join(tmpdir(), 'warden-run-test-'));
  const w = { dir, home: join(dir, 'home'), proj: join(dir, 'proj'), wardenHome: join(dir, 'home', '.warden') };
  mkdirSync(join(w.home, '.ssh'), { recursive: true });
  mkdirSync(w.proj);
  writeFileSync(join(w.home, '.ssh', 'id_ed25519'), REAL_KEY, { mode: 0o600 });
  return w;
}

export const baseEnv = (w: Work): NodeJS.ProcessEnv => ({
  ...process.env,
  HOME: w.home,
  WARDEN_HOME: w.wardenHome,
  QWEN_USAGE_STATISTICS_ENABLED: 'false',
  NO_COLOR: '1',
});

export interface Ran {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

/** `warden run ARGS` from the project folder, asynchronously (listeners in this process keep serving). */
export function wardenRun(w: Work, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 150_000): Promise<Ran> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const c = spawn(process.execPath, [BIN, 'run', ...args], { cwd: w.proj, env: { ...baseEnv(w), ...env } });
    let out = '',
      err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    const kill = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, out, err, ms: Date.now() - t0 });
    });
  });
}

export function warden(w: Work, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: w.proj, env: baseEnv(w), encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function auditRecords(w: Work, filters: string[] = []): Record<string, any>[] {
  const r = warden(w, ['audit', 'export', '--format', 'jsonl', ...filters]);
  return r.out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** The session id from the summary line. */
export const sessionOf = (r: Ran) => /session: (run-\S+)/.exec(r.err)?.[1];

/** A TCP listener on the host's loopback that keeps every byte any connection sends. */
/** A fresh workspace and a host listener for one test, the listener closed whatever happens. */
export async function withListener(fn: (w: Work, l: Awaited<ReturnType<typeof listener>>) => Promise<void>) {
  const w = makeWork();
  const l = await listener();
  try {
    await fn(w, l);
  } finally {
    l.close();
  }
}

export async function listener(): Promise<{ port: number; received: () => string; close: () => void }> {
  let got = '';
  const s = netServer((c) => {
    got += '<conn>';
    c.on('data', (d) => (got += d.toString('latin1')));
    c.on('error', () => {});
    c.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { port: (s.address() as { port: number }).port, received: () => got, close: () => s.close() };
}

/** The fake OpenAI model (test/helpers/fake-model.mjs) on the host's loopback, with a script of turns. */
export async function fakeModel(
  w: Work,
  turns: unknown[],
): Promise<{ url: string; log: () => string; stop: () => void }> {
  const script = join(w.dir, 'script.json'),
    log = join(w.dir, 'model-log.jsonl'),
    portFile = join(w.dir, 'port');
  writeFileSync(script, JSON.stringify(turns).replaceAll('__PROJ__', w.proj));
  const c = spawn(process.execPath, [join(ROOT, 'test', 'helpers', 'fake-model.mjs'), script, log, portFile], {
    stdio: 'ignore',
  });
  // (the file exists a moment before its port is written: an empty read made the URL port 80 under load)
  const portOf = () => (existsSync(portFile) ? readFileSync(portFile, 'utf8').trim() : '');
  for (let i = 0; i < 200 && !portOf(); i++) await new Promise((r) => setTimeout(r, 50));
  const port = portOf();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    log: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
    stop: () => c.kill('SIGTERM'),
  };
}

/** Qwen Code's headless arguments and environment against a model URL (as the agent would be run bare). */
export const qwenArgs = (prompt: string) => [QWEN, '-p', prompt, '--approval-mode', 'yolo', '--auth-type', 'openai'];
export const qwenEnv = (url: string): NodeJS.ProcessEnv => ({
  OPENAI_BASE_URL: url,
  OPENAI_API_KEY: 'sk-vendor-key-held-by-warden',
  OPENAI_MODEL: 'fake-coder',
  QWEN_CODE_SUPPRESS_YOLO_WARNING: '1',
});
