// Runs the real Qwen Code CLI once, headless, against the fake model (started here, on
// loopback), with HOME and WARDEN_HOME in a test folder. Prints a JSON summary on stdout.
//   node test/helpers/qwen-run.mjs WORKDIR PROMPT
// WORKDIR holds script.json (the model's turns), home/ and proj/ (the agent's project).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [work, prompt] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const qwen = join(here, '..', '..', 'node_modules', '.bin', 'qwen');
const model = spawn(
  process.execPath,
  [join(here, 'fake-model.mjs'), join(work, 'script.json'), join(work, 'model-log.jsonl'), join(work, 'port')],
  { stdio: 'inherit' },
);
for (let i = 0; i < 100 && !existsSync(join(work, 'port')); i++) await new Promise((r) => setTimeout(r, 50));
const port = readFileSync(join(work, 'port'), 'utf8');
let baseUrl = `http://127.0.0.1:${port}/v1`,
  apiKey = 'test-key',
  gateway;
if (process.env.E2E_GATEWAY === '1') {
  // The agent talks to warden gateway, which holds the (fake) vendor key and talks to the fake model.
  gateway = spawn(
    process.execPath,
    [join(here, '..', '..', 'bin', 'warden.js'), 'gateway', '--upstream', baseUrl, '--port', '0'],
    {
      env: {
        ...process.env,
        HOME: join(work, 'home'),
        WARDEN_HOME: join(work, 'home', '.warden'),
        WARDEN_GATEWAY_TOKEN: 'gw-e2e-token',
        WARDEN_UPSTREAM_KEY: 'sk-vendor-held-by-gateway',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const url = await new Promise((resolve, reject) => {
    let err = '';
    gateway.stderr.on('data', (d) => {
      err += d;
      const m = /warden gateway: (http:\/\/[^ ]+\/v1)/.exec(err);
      if (m) resolve(m[1]);
    });
    gateway.on('exit', (c) => reject(new Error(`gateway exited ${c}: ${err}`)));
  });
  baseUrl = url;
  apiKey = 'gw-e2e-token';
}
const env = {
  ...process.env,
  HOME: join(work, 'home'),
  WARDEN_HOME: join(work, 'home', '.warden'),
  OPENAI_BASE_URL: baseUrl,
  OPENAI_API_KEY: apiKey,
  OPENAI_MODEL: 'fake-coder',
  QWEN_CODE_SUPPRESS_YOLO_WARNING: '1',
  QWEN_USAGE_STATISTICS_ENABLED: 'false',
  NO_COLOR: '1',
};
const r = spawnSync(qwen, ['-p', prompt, '--approval-mode', 'yolo', '--auth-type', 'openai'], {
  cwd: join(work, 'proj'),
  env,
  encoding: 'utf8',
  timeout: 120_000,
});
model.kill('SIGTERM');
gateway?.kill('SIGTERM');
process.stdout.write(JSON.stringify({ status: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error?.message }));
