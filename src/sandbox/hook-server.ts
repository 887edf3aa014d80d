/**
 * The session's hook server: the agent's hooks (the compiled client, bound into the sandbox) ask it
 * over a Unix socket, in the resident daemon's protocol, and it judges with the same engine and
 * policy. Before judging, it looks for what only this session knows: a call that names a decoy
 * file (denied, and the session ends), a tool result that holds a decoy value (the read happened:
 * the session ends), and values a tool read from secret files (kept, so the egress proxy refuses
 * to let them out).
 */
import { createServer, type Server } from 'node:net';
import { chmodSync } from 'node:fs';
import type { AuditLog } from '../audit/log.ts';
import { noteRecord, toStored } from '../audit/record.ts';
import type { Policy } from '../engine/policy.ts';
import { judgePayload } from '../hooks/run.ts';
import { answer, AGENTS, phaseOf, type Agent, type HookAnswer, type HookPayload } from '../hooks/adapters.ts';
import { MAX_HOOK_INPUT } from '../hooks/install.ts';
import { secretSpans } from '../analyzers/secrets/index.ts';
import { findDecoy, namesDecoyPath, type Decoy } from './decoys.ts';

export interface HookServerOptions {
  socket: string;
  policy: Policy;
  audit: AuditLog;
  home: string;
  decoys: Decoy[];
  needles: string[];
  sessionSecrets: Set<string>;
  /** Proof of intent seen: end the session with this reason. */
  onDecoy: (reason: string) => void;
  /** Each answer given (for the session's summary). */
  onAnswer?: (denied: boolean) => void;
}

/** File names whose contents are secrets by nature (their values must not leave the session). */
const SECRET_FILE =
  /(^|\/)(\.env(\.[\w-]+)?|\.netrc|\.npmrc|\.pypirc|credentials(\.json)?|id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|[^/]*\.(pem|key|p12))$/i;

/** A secret file named in a shell command (`cat .env`, `source ~/.aws/credentials`). */
const SECRET_FILE_IN_COMMAND =
  /(^|[\s'"/=<])(\.env(\.[\w-]+)?|\.netrc|\.npmrc|\.pypirc|credentials(\.json)?|id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|[\w.-]+\.(pem|key|p12))($|[\s'";|&)>])/i;

/** A tool result's text: a string, or every string inside a JSON value, one per line. */
function textOf(v: unknown, out: string[] = [], depth = 0): string {
  if (typeof v === 'string') out.push(v);
  else if (v && typeof v === 'object' && depth < 20) for (const x of Object.values(v)) textOf(x, out, depth + 1);
  return out.join('\n');
}

/** `NAME=value` and `name: value` values of a secret file, long enough not to be words. */
function secretFileValues(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^[\t ]*[\w.-]+[\t ]*[=:][\t ]*["']?([^\s"'#]{8,})/gm)) out.push(m[1]);
  for (const s of secretSpans(text, 'read')) out.push(text.slice(s.start, s.end));
  return out;
}

/** Looks at a payload for the session's own signals; a reason when it proves intent. */
function sessionSignals(agent: Agent, p: HookPayload, o: HookServerOptions): string | undefined {
  const phase = phaseOf(agent, p);
  const input = JSON.stringify(p.tool_input ?? {});
  if (phase === 'pre-tool') {
    const named = namesDecoyPath(input, o.home, o.decoys);
    if (named) return `the agent reached for the decoy credential ~/${named} (${p.tool_name})`;
  }
  if (phase === 'post-tool') {
    const resp = textOf(p.tool_response);
    if (findDecoy(resp, o.needles)) return `a decoy credential was read (${p.tool_name} returned it)`;
    const i = (p.tool_input ?? {}) as { file_path?: unknown; path?: unknown; command?: unknown };
    const path = String(i.file_path ?? i.path ?? '');
    const command = typeof i.command === 'string' ? i.command : '';
    if (SECRET_FILE.test(path) || SECRET_FILE_IN_COMMAND.test(command))
      for (const v of secretFileValues(resp)) o.sessionSecrets.add(v);
  }
  return undefined;
}

export async function startHookServer(o: HookServerOptions): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, (conn) => {
    const chunks: Buffer[] = [];
    let size = 0;
    conn.on('data', (c) => {
      size += c.length;
      if (size <= MAX_HOOK_INPUT + 8192) chunks.push(c);
    });
    conn.on('error', () => conn.destroy());
    conn.on('end', async () => {
      const buf = Buffer.concat(chunks);
      const a = buf.indexOf(10),
        b = buf.indexOf(10, a + 1);
      const agent = buf.subarray(0, a).toString() as Agent;
      let r: HookAnswer;
      try {
        if (a < 0 || b < 0 || !AGENTS.includes(agent)) throw new Error('malformed request');
        if (size > MAX_HOOK_INPUT + 8192) throw new Error(`the hook input is larger than ${MAX_HOOK_INPUT} bytes`);
        const project = buf.subarray(a + 1, b).toString();
        const payload = JSON.parse(buf.subarray(b + 1).toString('utf8')) as HookPayload;
        if (project && !payload.cwd) payload.cwd = project;
        const proof = sessionSignals(agent, payload, o);
        if (proof) {
          const tool = typeof payload.tool_name === 'string' ? payload.tool_name : undefined;
          const session = typeof payload.session_id === 'string' ? payload.session_id : undefined;
          const caller = { source: 'hook' as const, agent, session, kind: 'decoy' as const, tool };
          o.audit.append(toStored(noteRecord(caller, 'deny', [proof], ['sandbox.decoy'])));
          o.onDecoy(proof);
          r = answer(agent, phaseOf(agent, payload), 'deny', `Warden ended this session: ${proof}`);
        } else r = await judgePayload(agent, payload, o.policy, o.audit, `hook:${agent}`, project || undefined);
      } catch (e) {
        r = answer(
          AGENTS.includes(agent) ? agent : 'qwen-code',
          'pre-tool',
          'deny',
          `Warden could not judge this call (${(e as Error).message}) and fails closed`,
        );
      }
      o.onAnswer?.(r.code === 2);
      const out = Buffer.from(r.stdout ? r.stdout + '\n' : ''),
        err = Buffer.from(r.stderr);
      conn.end(Buffer.concat([Buffer.from(`${r.code} ${out.length} ${err.length}\n`), out, err]));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.socket, resolve);
  });
  chmodSync(o.socket, 0o600);
  return server;
}
