// Runs the real Codex CLI once, headless (`codex exec`), against the fake Responses model (started
// here, on loopback), with HOME, CODEX_HOME and WARDEN_HOME in a test folder. Prints a JSON
// summary on stdout.
//   node test/helpers/codex-run.mjs WORKDIR PROMPT
// WORKDIR holds script.json (the model's turns), home/ (with home/.codex, where `warden install
// codex` already wrote hooks.json and config.toml) and proj/ (the agent's project).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [work, prompt] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const codex = join(here, '..', '..', 'node_modules', '.bin', 'codex');
const model = spawn(
  process.execPath,
  [join(here, 'fake-responses.mjs'), join(work, 'script.json'), join(work, 'model-log.jsonl'), join(work, 'port')],
  { stdio: 'inherit' },
);
for (let i = 0; i < 100 && !existsSync(join(work, 'port')); i++) await new Promise((r) => setTimeout(r, 50));
const port = readFileSync(join(work, 'port'), 'utf8');
const codexHome = join(work, 'home', '.codex');
// The model provider goes first: top-level keys must come before the tables `warden install` wrote.
const config = readFileSync(join(codexHome, 'config.toml'), 'utf8');
const provider = [
  'model = "fake-coder"',
  'model_provider = "fake"',
  'check_for_update_on_startup = false',
  '',
  '[model_providers.fake]',
  'name = "fake"',
  `base_url = "http://127.0.0.1:${port}/v1"`,
  'wire_api = "responses"',
  'env_key = "FAKE_MODEL_KEY"',
  '',
].join('\n');
writeFileSync(join(codexHome, 'config.toml'), provider + '\n' + config);
const env = {
  ...process.env,
  HOME: join(work, 'home'),
  CODEX_HOME: codexHome,
  WARDEN_HOME: join(work, 'home', '.warden'),
  FAKE_MODEL_KEY: 'test-key',
  NO_COLOR: '1',
};
delete env.OPENAI_API_KEY;
delete env.OPENAI_BASE_URL;
const r = spawnSync(codex, ['exec', '--skip-git-repo-check', '--sandbox', 'danger-full-access', prompt], {
  cwd: join(work, 'proj'),
  env,
  input: '',
  encoding: 'utf8',
  timeout: 120_000,
});
model.kill('SIGTERM');
process.stdout.write(JSON.stringify({ status: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error?.message }));
