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

export async function gatewayCommand(rest: string[]): Promise<number> {
  const { flags } = parseArgs(rest, {
    port: 'string',
    host: 'string',
    upstream: 'string',
    'key-env': 'string',
    config: 'string',
    policy: 'string',
  });
  const cfgFile = flags.config as string | undefined;
  const doc = ((cfgFile ? parseYaml(readFileSync(cfgFile, 'utf8')) : {}) as Record<string, unknown>) ?? {};
  const known = ['upstreams', 'on-secret', 'tool-calls', 'scan-code', 'patterns', 'sensitive'];
  for (const k of Object.keys(doc ?? {}))
    if (!known.includes(k)) throw new UsageError(`${cfgFile}: unknown key '${k}' (known: ${known.join(', ')})`);
  const upstreams: Upstream[] = [];
  if (flags.upstream)
    upstreams.push({
      name: 'default',
      url: flags.upstream as string,
      key: process.env[(flags['key-env'] as string | undefined) ?? 'WARDEN_UPSTREAM_KEY'],
    });
  for (const u of (doc.upstreams as Record<string, unknown>[] | undefined) ?? []) {
    if (typeof u?.url !== 'string') throw new UsageError(`${cfgFile}: every upstream needs a url`);
    upstreams.push({
      name: String(u.name ?? u.url),
      url: u.url,
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
  const regexes = (k: string) =>
    ((doc[k] as string[] | undefined) ?? []).map((p) => {
      try {
        return new RegExp(p);
      } catch (e) {
        throw new UsageError(`${cfgFile}: ${k}: ${(e as Error).message}`);
      }
    });
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
  });
  const host = (flags.host as string | undefined) ?? '127.0.0.1';
  const port = Number(flags.port ?? 8788);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
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
