/**
 * The egress proxy of a `warden run` session: an HTTP proxy (plain requests and CONNECT) on a Unix
 * socket that is the sandbox's only way out. Every connection and request is put to the decider
 * before anything is resolved or connected (a refused host is never looked up, so no DNS leaves
 * either), and every decision goes to the audit log. Requests for the gateway's address inside the
 * sandbox go to the gateway's socket.
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import { lookup } from 'node:dns/promises';
import { isInternal, type EgressDecision, type EgressRequest } from './decider.ts';

/** The largest plain-HTTP body judged; a bigger upload is refused (it would have to be judged whole). */
export const MAX_UPLOAD = 16 * 1024 * 1024;

export interface ProxyOptions {
  socket: string;
  decide: (r: EgressRequest) => EgressDecision;
  /** Called with every decision (audit, counters, ending the session). */
  onDecision: (r: EgressRequest, d: EgressDecision) => void;
  /** host:port inside the sandbox that is the gateway, and the gateway's socket. */
  gateway?: { inside: string; socket: string };
}

const HOP = new Set(['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive', 'upgrade', 'te']);

function splitHostPort(s: string, dflt: number): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?(?::(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const port = m[2] ? Number(m[2]) : dflt;
  return port > 0 && port < 65536 ? { host: m[1], port } : undefined;
}

/**
 * The address to connect to: a name allowed by policy must not resolve to an internal address
 * (DNS rebinding onto the host's own services); only a host the user allowed by name may. The
 * connection goes to the address checked, not to a second lookup.
 */
async function resolveFor(host: string, d: EgressDecision): Promise<string> {
  const address = isIP(host) ? host : (await lookup(host)).address;
  if (d.rule !== 'user-allow' && isInternal(address))
    throw new Error(`${host} resolves to the internal address ${address}`);
  return address;
}

/** Connections to upstreams are kept for the next request, as the agent's own client would. */
const upstreamAgent = new Agent({ keepAlive: true, maxSockets: 64 });

function refuse(res: ServerResponse, status: number, reason: string) {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close', 'x-warden': 'refused' });
  res.end(`Warden refused this request: ${reason}\n`);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n <= MAX_UPLOAD) chunks.push(c);
    });
    req.on('end', () => resolve(n > MAX_UPLOAD ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function onRequest(req: IncomingMessage, res: ServerResponse, o: ProxyOptions) {
  let url: URL;
  try {
    url = new URL(req.url ?? '');
  } catch {
    return refuse(res, 400, 'not a proxy request (absolute http:// URL expected)');
  }
  if (url.protocol !== 'http:') return refuse(res, 400, `${url.protocol} is not proxied (use CONNECT for https)`);
  const port = Number(url.port || 80);
  const body = await readBody(req).catch(() => undefined);
  const r: EgressRequest = {
    kind: 'http',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    method: req.method,
    path: url.pathname + url.search,
    headers: Object.entries(req.headers)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join('\n'),
    body,
  };
  const toGateway = o.gateway && `${r.host}:${port}` === o.gateway.inside;
  let d: EgressDecision;
  if (body === undefined) d = { allow: false, rule: 'too-large', reason: `request body over ${MAX_UPLOAD} bytes` };
  else if (toGateway) d = { allow: true, rule: 'gateway', reason: 'the model, through Warden’s gateway' };
  else d = o.decide(r);
  o.onDecision(r, d);
  if (!d.allow) return refuse(res, 403, d.reason);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
  let address = r.host;
  if (!toGateway)
    try {
      address = await resolveFor(r.host, d);
    } catch (e) {
      return refuse(res, 502, (e as Error).message);
    }
  const up = request(
    toGateway
      ? { socketPath: o.gateway!.socket, method: req.method, path: r.path, headers }
      : { host: address, port, method: req.method, path: r.path, headers, setHost: false, agent: upstreamAgent },
    (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    },
  );
  up.on('error', (e) =>
    refuse(res, 502, `upstream ${r.host}:${port}: ${(e as NodeJS.ErrnoException).code ?? e.message}`),
  );
  up.end(body);
}

function onConnect(req: IncomingMessage, client: Socket, head: Buffer, o: ProxyOptions) {
  client.on('error', () => client.destroy());
  const hp = splitHostPort(req.url ?? '', 443);
  if (!hp) return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  const r: EgressRequest = { kind: 'connect', host: hp.host, port: hp.port };
  const d = o.decide(r);
  o.onDecision(r, d);
  if (!d.allow)
    return void client.end(`HTTP/1.1 403 Forbidden\r\nx-warden: refused\r\n\r\nWarden refused: ${d.reason}\n`);
  resolveFor(hp.host, d).then(
    (address) => {
      const up = connect(hp.port, address, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) up.write(head);
        up.pipe(client);
        client.pipe(up);
      });
      up.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
      client.on('close', () => up.destroy());
    },
    (e: Error) => client.end(`HTTP/1.1 502 Bad Gateway\r\nx-warden: refused\r\n\r\nWarden refused: ${e.message}\n`),
  );
}

export function startProxy(o: ProxyOptions): Promise<Server> {
  const server = createServer((req, res) => void onRequest(req, res, o).catch((e) => refuse(res, 500, String(e))));
  server.on('connect', (req, sock, head) => onConnect(req, sock as Socket, head, o));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.socket, () => resolve(server));
  });
}
