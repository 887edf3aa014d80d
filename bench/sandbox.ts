/**
 * `npm run bench -- --only sandbox`: what `warden run` adds, against the same command run bare in
 * the same run.
 *
 *   start-up   time from the command line to the agent's first instruction (a script that prints
 *              the clock), `warden run -- SCRIPT` vs `SCRIPT`; and the whole run, end included.
 *   proxy      sequential keep-alive HTTP requests to a server on the host's loopback: from inside
 *              the sandbox through the relay, the egress proxy and its decider (with an audit record
 *              per request), vs the same client run bare straight to the server.
 *   session    a benign Qwen Code session of about 30 s (the real \`qwen\`, the fake model on the
 *              host's loopback with think time per turn): 15 tool calls that read, write and edit
 *              files and run the project's tests and a real workload; bare and under \`warden run\`,
 *              alternating, in pairs; the median of the pairs' added percentage (target ≤ 5%).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const QWEN = join(ROOT, 'node_modules', '.bin', 'qwen');
const FAKE_MODEL = join(ROOT, 'test', 'helpers', 'fake-model.mjs');

/** A small project whose tests do real work (about half a second of hashing). */
function benchProject(proj: string): void {
  rmSync(proj, { recursive: true, force: true });
  mkdirSync(join(proj, 'src'), { recursive: true });
  mkdirSync(join(proj, 'test'));
  writeFileSync(join(proj, 'README.md'), '# calc\n\nA small calculator.\n');
  writeFileSync(join(proj, 'package.json'), '{ "name": "calc", "version": "1.0.0", "type": "module" }\n');
  writeFileSync(join(proj, 'src', 'calc.js'), 'export const add = (a, b) => a - b;\n');
  const work =
    "import { createHash } from 'node:crypto';\nlet h = 'x';\n" +
    "for (let i = 0; i < 300000; i++) h = createHash('sha256').update(h).digest('hex');\n";
  writeFileSync(
    join(proj, 'test', 'calc.test.js'),
    "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { add } from '../src/calc.js';\n" +
      work +
      "test('add', () => assert.equal(add(2, 3), 5));\n",
  );
}

/** Fifteen tool calls an ordinary coding session makes, each after a model think time. */
function sessionTurns(proj: string, thinkMs: number): unknown[] {
  const t = (tool: string, args: Record<string, unknown>) => ({ tool, args, delayMs: thinkMs });
  const sh = (command: string) => t('run_shell_command', { command, description: command });
  return [
    t('read_file', { file_path: `${proj}/README.md` }),
    t('read_file', { file_path: `${proj}/src/calc.js` }),
    t('read_file', { file_path: `${proj}/test/calc.test.js` }),
    sh('node --test test/ || true'),
    t('edit', { file_path: `${proj}/src/calc.js`, old_string: 'a - b', new_string: 'a + b' }),
    sh('node --test test/'),
    t('write_file', { file_path: `${proj}/src/util.js`, content: 'export const twice = (x) => 2 * x;\n' }),
    t('read_file', { file_path: `${proj}/src/util.js` }),
    // (a build-like step: Qwen Code itself refuses `sleep N; …`, so the workload is real work)
    sh('node -e "let h = 0; for (let i = 0; i < 3e8; i++) h = (h * 31 + i) | 0; console.log(h)" && wc -l src/*.js'),
    t('edit', { file_path: `${proj}/src/util.js`, old_string: '2 * x', new_string: 'x + x' }),
    t('write_file', {
      file_path: `${proj}/test/util.test.js`,
      content:
        "import { test } from 'node:test';\nimport assert from 'node:assert';\n" +
        "import { twice } from '../src/util.js';\ntest('twice', () => assert.equal(twice(4), 8));\n",
    }),
    sh('node --test test/'),
    t('read_file', { file_path: `${proj}/package.json` }),
    t('edit', {
      file_path: `${proj}/README.md`,
      old_string: 'A small calculator.',
      new_string: 'A small, tested calculator.',
    }),
    sh('node --test test/ && echo all-green > done.txt'),
    { text: 'Fixed add, added twice with a test; all tests pass.', delayMs: thinkMs },
  ];
}

/** The fake model on the host's loopback with a fresh script; its URL and a stop. */
async function startModel(dir: string, turns: unknown[]): Promise<{ url: string; stop: () => void }> {
  const script = join(dir, 'script.json'),
    log = join(dir, 'model-log.jsonl'),
    portFile = join(dir, 'port');
  rmSync(portFile, { force: true });
  writeFileSync(script, JSON.stringify(turns));
  const c = spawn(process.execPath, [FAKE_MODEL, script, log, portFile], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 25));
  return { url: `http://127.0.0.1:${readFileSync(portFile, 'utf8')}/v1`, stop: () => c.kill('SIGTERM') };
}

/** One session, bare or under warden run: its wall time, checked to have done the whole job. */
async function oneSession(dir: string, env: NodeJS.ProcessEnv, boxed: boolean, thinkMs: number): Promise<number> {
  const proj = join(dir, 'proj');
  benchProject(proj);
  const model = await startModel(dir, sessionTurns(proj, thinkMs));
  const qenv = {
    ...env,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_MODEL: 'fake-coder',
    QWEN_USAGE_STATISTICS_ENABLED: 'false',
    QWEN_CODE_SUPPRESS_YOLO_WARNING: '1',
  };
  const qwen = [QWEN, '-p', 'Fix add and add a tested helper.', '--approval-mode', 'yolo', '--auth-type', 'openai'];
  try {
    const t = performance.now();
    const r = boxed
      ? await run(process.execPath, [WARDEN, 'run', '--agent', 'qwen-code', '--', ...qwen], proj, qenv)
      : await run(qwen[0], qwen.slice(1), proj, qenv);
    const wall = performance.now() - t;
    if (r.code !== 0 || !existsSync(join(proj, 'done.txt')))
      throw new Error(`the ${boxed ? 'contained' : 'bare'} session did not finish its work (exit ${r.code})`);
    return wall;
  } finally {
    model.stop();
  }
}

async function session(dir: string, env: NodeJS.ProcessEnv, pairs: number): Promise<string[]> {
  if (!existsSync(QWEN)) return ['| a 30-second Qwen Code session | qwen is not installed: not measured | | |'];
  const THINK_MS = 1_000;
  await oneSession(dir, env, true, 0); // warms the caches both runs use (qwen's, the relay, the bundle)
  const bare: number[] = [],
    boxed: number[] = [],
    added: number[] = [];
  for (let i = 0; i < pairs; i++) {
    // Alternating which goes first, so that a drift in the machine's load weighs on both.
    const first = i % 2 === 0;
    const a = await oneSession(dir, env, !first, THINK_MS);
    const b = await oneSession(dir, env, first, THINK_MS);
    const [x, y] = first ? [a, b] : [b, a];
    bare.push(x);
    boxed.push(y);
    added.push(((y - x) / x) * 100);
  }
  const pct = (p: number) => `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
  return [
    `| a benign Qwen Code session (15 tool calls, ${THINK_MS} ms think time each), ${pairs} alternating pairs | ` +
      `${(median(bare) / 1000).toFixed(1)} s | ${(median(boxed) / 1000).toFixed(1)} s | **${pct(median(added))}** ` +
      `(pairs: ${added.map(pct).join(', ')}) |`,
  ];
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
      'Against the same command run bare, in the same run; medians. Targets: start-up ≤ 150 ms, proxy ≤ 1 ms p50,',
      'a 30-second benign Qwen Code session ≤ 5% longer.',
      '',
      '| measure | bare | under warden run | added |',
      '|---|---|---|---|',
      ...(await startup(dir, env, Math.max(runs, 5))),
      ...(await proxy(dir, env, 400)),
      ...(await session(dir, env, Number(process.env.WARDEN_BENCH_SESSION_PAIRS ?? 3))),
    ];
    return { title, lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
