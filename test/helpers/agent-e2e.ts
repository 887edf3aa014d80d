/**
 * What the end-to-end tests of a real agent CLI share: the environment of a throwaway home with
 * Warden's home inside it, the real `warden` run in the project, and a runner script (one of
 * test/helpers/*-run.mjs, which drives the agent against its fake model) started inside a network
 * namespace of its own where `unshare -n` works, so nothing the agent does leaves the machine.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'warden.js');
const canUnshare = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' }).status === 0;

export const agentEnv = (work: string) => ({
  ...process.env,
  HOME: join(work, 'home'),
  CODEX_HOME: join(work, 'home', '.codex'),
  WARDEN_HOME: join(work, 'home', '.warden'),
  WARDEN_POLICY: '',
});

export function wardenIn(work: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: join(work, 'proj'),
    env: agentEnv(work),
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs a runner script (test/helpers/NAME) for `work` and `prompt`; returns its standard output. */
export function runRunner(helper: string, work: string, prompt: string): string {
  const runner = [process.execPath, join(ROOT, 'test', 'helpers', helper), work, prompt];
  const r = canUnshare
    ? spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...runner], {
        encoding: 'utf8',
        timeout: 180_000,
      })
    : spawnSync(runner[0], runner.slice(1), { encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}
