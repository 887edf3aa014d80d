/**
 * `warden gateway --upstream URL [--port P] [--host H] [--key-env NAME] [--config FILE] [--policy FILE]`
 *
 * Config file (YAML), all keys optional:
 *   upstreams:
 *     - { name: dashscope, url: https://dashscope-intl.aliyuncs.com/compatible-mode/v1, key-env: DASHSCOPE_API_KEY }
 *     - { name: local, url: http://127.0.0.1:8000/v1, self-hosted: true }
 *   on-secret: redact            # or block
 *   tool-calls: judge            # or off
 *   scan-code: annotate          # or off: notes on high/critical findings in code blocks of responses
 *   patterns: ["ACME-[0-9]{6}"]  # extra sensitive values, redacted like secrets
 *   sensitive: ["ACME CONFIDENTIAL", "src/pricing/"]   # requests with these go to self-hosted upstreams only
 *   header-timeout: 60           # seconds to wait for an upstream's response headers (504 after)
 *   idle-timeout: 60             # seconds a streamed answer may stall before it is ended with an error
 *
 * Every mistake (a bad port, an upstream that is not an http(s) URL, a missing or broken config, a
 * port in use) is one line on stderr and exit 2, before anything listens.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs, UsageError } from './args.ts';
import { parseYaml } from '../yaml.ts';
import { createGateway, type Upstream } from '../gateway/server.ts';
import { loadPolicy } from '../engine/policy.ts';
import { loadAnalyzers } from '../engine/judge.ts';
import { AuditLog, defaultAuditDir } from '../audit/log.ts';

function token(): string {
  if (process.env.WARDEN_GATEWAY_TOKEN) return process.env.WARDEN_GATEWAY_TOKEN;
  const dir = defaultAuditDir();
  const file = join(dir, 'gateway-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const t = `wdn-${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, t + '\n', { mode: 0o600 });
  return t;
}

/** The config file's YAML, or a one-line error naming the file and what to do. */
function readConfig(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --config ${file} (${code ?? (e as Error).message}); give an existing YAML file`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new UsageError(`--config ${file} is not valid YAML: ${firstLine((e as Error).message)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new UsageError(`--config ${file} must be a YAML mapping (upstreams:, on-secret:, …)`);
  return doc as Record<string, unknown>;
}

const firstLine = (s: string) => s.split('\n')[0];

/** An upstream URL: http or https, or a one-line error. */
function upstreamUrl(raw: unknown, where: string): string {
  let u: URL | undefined;
  try {
    u = new URL(String(raw));
  } catch {
    /* reported below */
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:'))
    throw new UsageError(`${where}: '${String(raw)}' is not an http(s) URL; give one like https://host/v1`);
  return String(raw);
}

function portOf(raw: unknown): number {
  if (raw === undefined) return 8788;
  const s = String(raw);
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535 (got '${s}')`);
  return Number(s);
}

/** Seconds from the config, as milliseconds (a positive number, or a one-line error). */
function secondsOf(doc: Record<string, unknown>, key: string, file: string | undefined): number | undefined {
  const v = doc[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${file}: ${key} must be a number of seconds above 0`);
  return n * 1000;
}

/** Listens, or a one-line error for the usual reasons (port in use, not allowed, no such address). */
async function listen(server: ReturnType<typeof createGateway>, port: number, host: string): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what =
      code === 'EADDRINUSE'
        ? `port ${port} on ${host} is in use (another gateway?); choose another with --port`
        : code === 'EACCES'
          ? `not allowed to listen on port ${port}; choose a port above 1023 with --port`
          : `cannot listen on ${host}:${port} (${code ?? (e as Error).message}); check --host and --port`;
    throw new UsageError(what);
  }
}

export async function gatewayCommand(rest: string[]): Promise<number> {
  const { flags } = parseArgs(rest, {
    port: 'string',
    host: 'string',
    upstream: 'string',
    'key-env': 'string',
    config: 'string',
    policy: 'string',
  });
  // An enrolled machine starts on the newest policy and forwards its records while running.
  const fleet = await import('../server/client.ts');
  const note = await fleet.refreshPolicy(defaultAuditDir());
  if (note) process.stderr.write(`warden gateway: ${note}\n`);
  fleet.forwardEvery(defaultAuditDir());
  const cfgFile = flags.config as string | undefined;
  const doc = readConfig(cfgFile);
  const port = portOf(flags.port);
  const known = [
    'upstreams',
    'on-secret',
    'tool-calls',
    'scan-code',
    'patterns',
    'sensitive',
    'header-timeout',
    'idle-timeout',
  ];
  for (const k of Object.keys(doc ?? {}))
    if (!known.includes(k)) throw new UsageError(`${cfgFile}: unknown key '${k}' (known: ${known.join(', ')})`);
  const upstreams: Upstream[] = [];
  if (flags.upstream)
    upstreams.push({
      name: 'default',
      url: upstreamUrl(flags.upstream, '--upstream'),
      key: process.env[(flags['key-env'] as string | undefined) ?? 'WARDEN_UPSTREAM_KEY'],
    });
  if (doc.upstreams !== undefined && !Array.isArray(doc.upstreams))
    throw new UsageError(`${cfgFile}: upstreams must be a list of { name, url }`);
  for (const u of (doc.upstreams as Record<string, unknown>[] | undefined) ?? []) {
    if (typeof u?.url !== 'string') throw new UsageError(`${cfgFile}: every upstream needs a url`);
    upstreams.push({
      name: String(u.name ?? u.url),
      url: upstreamUrl(u.url, `${cfgFile}: upstreams`),
      key: typeof u['key-env'] === 'string' ? process.env[u['key-env']] : undefined,
      selfHosted: u['self-hosted'] === true,
    });
  }
  if (!upstreams.length)
    throw new UsageError('give an upstream: warden gateway --upstream https://host/v1 (or upstreams: in --config)');
  const onSecret = (doc['on-secret'] as string | undefined) ?? 'redact';
  if (!['redact', 'block'].includes(onSecret)) throw new UsageError(`${cfgFile}: on-secret must be redact or block`);
  const toolCalls = (doc['tool-calls'] as string | undefined) ?? 'judge';
  if (!['judge', 'off'].includes(toolCalls)) throw new UsageError(`${cfgFile}: tool-calls must be judge or off`);
  const scanCode = (doc['scan-code'] as string | undefined) ?? 'annotate';
  if (!['annotate', 'off'].includes(scanCode)) throw new UsageError(`${cfgFile}: scan-code must be annotate or off`);
  const regexes = (k: string) => {
    if (doc[k] !== undefined && !Array.isArray(doc[k])) throw new UsageError(`${cfgFile}: ${k} must be a list`);
    return ((doc[k] as string[] | undefined) ?? []).map((p) => {
      try {
        return new RegExp(p);
      } catch (e) {
        throw new UsageError(`${cfgFile}: ${k}: ${(e as Error).message}`);
      }
    });
  };
  const headersTimeoutMs = secondsOf(doc, 'header-timeout', cfgFile);
  const idleTimeoutMs = secondsOf(doc, 'idle-timeout', cfgFile);
  await loadAnalyzers();
  // Exchange records are batched; a killed gateway loses nothing committed (WAL), a power cut may lose the last batch.
  const audit = new AuditLog(undefined, 'process');
  const server = createGateway({
    upstreams,
    token: token(),
    policy: loadPolicy(flags.policy as string | undefined),
    audit,
    onSecret: onSecret as 'redact',
    toolCalls: toolCalls as 'judge',
    scanCode: scanCode as 'annotate',
    patterns: regexes('patterns'),
    sensitive: regexes('sensitive'),
    headersTimeoutMs,
    idleTimeoutMs,
  });
  const host = (flags.host as string | undefined) ?? '127.0.0.1';
  try {
    await listen(server, port, host);
  } catch (e) {
    audit.close();
    throw e;
  }
  const addr = server.address() as { port: number };
  process.stderr.write(
    `warden gateway: http://${host}:${addr.port}/v1 → ${upstreams.map((u) => `${u.name} (${new URL(u.url).host}${u.selfHosted ? ', self-hosted' : ''})`).join(', ')}\n` +
      `  agents: OPENAI_BASE_URL=http://${host}:${addr.port}/v1 OPENAI_API_KEY=<the token in ${join(defaultAuditDir(), 'gateway-token')}>\n` +
      `          ANTHROPIC_BASE_URL=http://${host}:${addr.port} ANTHROPIC_API_KEY=<same token>\n`,
  );
  await new Promise<void>((done) => {
    const stop = () =>
      server.close(() => {
        audit.close();
        done();
      });
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}
