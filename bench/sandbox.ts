/**
 * `npm run bench -- --only sandbox`: what `warden run` adds, against the same command run bare in
 * the same run.
 *
 *   start-up   time from the command line to the agent's first instruction (a script that prints
 *              the clock), `warden run -- SCRIPT` vs `SCRIPT`; and the whole run, end included.
 *   proxy      sequential keep-alive HTTP requests to a server on the host's loopback: from inside
 *              the sandbox through the relay, the egress proxy and its decider (with an audit record
 *              per request), vs the same client run bare straight to the server.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Section } from './run.ts';

const ROOT = join(import.meta.dirname, '..');
const WARDEN = join(ROOT, 'bin', 'warden.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ out: string; code: number }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('close', (code) => resolve({ out, code: code ?? -1 }));
  });
}

/** Nanoseconds since the epoch, as the shell script prints them. */
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

async function startup(dir: string, env: NodeJS.ProcessEnv, runs: number): Promise<string[]> {
  const script = join(dir, 'proj', 'agent.sh');
  writeFileSync(script, '#!/bin/sh\ndate +%s%N\n', { mode: 0o755 });
  const bare: number[] = [],
    boxed: number[] = [],
    bareWall: number[] = [],
    boxedWall: number[] = [];
  // One run first: the relay is compiled and cached on first use.
  await run(process.execPath, [WARDEN, 'run', '--agent', 'qwen-code', '--', script], join(dir, 'proj'), env);
  for (let i = 0; i < runs; i++) {
    let t = nowNs(),
      w = performance.now();
    let r = await run(script, [], join(dir, 'proj'), env);
    bare.push(Number(BigInt(r.out.trim()) - t) / 1e6);
    bareWall.push(performance.now() - w);
    t = nowNs();
    w = performance.now();
    r = await run(process.execPath, [WARDEN, 'run', '--agent', 'qwen-code', '--', script], join(dir, 'proj'), env);
    if (r.code !== 0) throw new Error(`warden run failed (${r.code})`);
    boxed.push(Number(BigInt(r.out.trim()) - t) / 1e6);
    boxedWall.push(performance.now() - w);
  }
  // Node's own start, for scale: most of what warden run adds is its own process starting.
  const node: number[] = [];
  for (let i = 0; i < runs; i++) {
    const w = performance.now();
    spawnSync(process.execPath, [WARDEN, '--version']);
    node.push(performance.now() - w);
  }
  return [
    `| start-up: to the agent's first instruction | ${ms(median(bare))} | ${ms(median(boxed))} | **+${ms(median(boxed) - median(bare))}** |`,
    `| whole run, end included (session summary, audit closed) | ${ms(median(bareWall))} | ${ms(median(boxedWall))} | +${ms(median(boxedWall) - median(bareWall))} |`,
    `| for scale: \`warden --version\` (Node and the CLI bundle starting) | | ${ms(median(node))} | |`,
  ];
}

const CLIENT = `
import http from 'node:http';
const [port, n, viaProxy] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = () => new Promise((resolve, reject) => {
  const t = performance.now();
  const opts = viaProxy
    ? { host: '127.0.0.1', port: 3128, path: 'http://127.0.0.1:' + port + '/x', agent, headers: { host: '127.0.0.1:' + port } }
    : { host: '127.0.0.1', port, path: '/x', agent };
  http.get(opts, (res) => { res.resume(); res.on('end', () => resolve(performance.now() - t)); }).on('error', reject);
});
const xs = [];
for (let i = 0; i < n; i++) xs.push(await get());
xs.sort((a, b) => a - b);
console.log(JSON.stringify({ p50: xs[Math.floor(n / 2)], p95: xs[Math.floor(n * 0.95)] }));
`;

async function proxy(dir: string, env: NodeJS.ProcessEnv, n: number): Promise<string[]> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const client = join(dir, 'proj', 'client.mjs');
  writeFileSync(client, CLIENT);
  try {
    const bare = await run(process.execPath, [client, String(port), String(n), '0'], join(dir, 'proj'), env);
    const boxed = await run(
      process.execPath,
      [
        WARDEN,
        'run',
        '--agent',
        'qwen-code',
        '--allow-host',
        `127.0.0.1:${port}`,
        '--',
        process.execPath,
        client,
        String(port),
        String(n),
        '1',
      ],
      join(dir, 'proj'),
      env,
    );
    const b = JSON.parse(bare.out),
      x = JSON.parse(boxed.out);
    return [
      `| proxy: ${n} sequential requests, p50 | ${ms(b.p50)} | ${ms(x.p50)} | **+${ms(x.p50 - b.p50)}** |`,
      `| proxy: p95 | ${ms(b.p95)} | ${ms(x.p95)} | +${ms(x.p95 - b.p95)} |`,
    ];
  } finally {
    server.close();
  }
}

export async function sandboxSection(runs = 5): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-run-'));
  mkdirSync(join(dir, 'proj'));
  mkdirSync(join(dir, 'home'));
  const env = { ...process.env, HOME: join(dir, 'home'), WARDEN_HOME: join(dir, 'home', '.warden') };
  const title = '`warden run`: what the sandbox adds';
  if (spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-all', '--', 'true']).status !== 0)
    return { title, lines: ['bubblewrap is not usable here (node scripts/setup-system.mjs); not measured.'] };
  try {
    const lines = [
      'Against the same command run bare, in the same run; medians. Targets: start-up ≤ 150 ms, proxy ≤ 1 ms p50.',
      '',
      '| measure | bare | under warden run | added |',
      '|---|---|---|---|',
      ...(await startup(dir, env, Math.max(runs, 5))),
      ...(await proxy(dir, env, 400)),
    ];
    return { title, lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
