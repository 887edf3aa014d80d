/**
 * The server's HTTP front door: JSON API routes and the console's pages on one port. Each route
 * says who may call it (nobody, a machine token, the admin token or the console's cookie); a
 * missing or wrong credential is 401 before any work. Bodies are bounded; a body that is not
 * JSON, or not the shape a route takes, is 400 with a one-line reason.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Store } from './store.ts';
import { isAdmin, machineByToken, type Machine } from './tokens.ts';
import { BadPush } from './ingest.ts';
import { UserError } from '../errors.ts';

export const MAX_BODY = 32 * 1024 * 1024;

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  store: Store;
  params: string[];
  /** Set for machine routes. */
  machine?: Machine;
  /** Set for console routes: the name the person signed in with. */
  person?: string;
  body(): Promise<unknown>;
  form(): Promise<URLSearchParams>;
}

export type Who = 'anyone' | 'machine' | 'admin' | 'console';
export type Handler = (c: Ctx) => Promise<void>;
export interface Route {
  method: string;
  path: RegExp;
  who: Who;
  handle: Handler;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function json(res: ServerResponse, status: number, v: unknown): void {
  const body = JSON.stringify(v);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

export function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY) throw new HttpError(413, `body over ${MAX_BODY} bytes`);
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > MAX_BODY) throw new HttpError(413, `body over ${MAX_BODY} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

function context(req: IncomingMessage, res: ServerResponse, store: Store, url: URL, params: string[]): Ctx {
  let raw: Promise<Buffer> | undefined;
  const buf = () => (raw ??= readBody(req));
  return {
    req,
    res,
    url,
    store,
    params,
    async body() {
      const b = await buf();
      try {
        return JSON.parse(b.toString('utf8'));
      } catch {
        throw new HttpError(400, 'the body is not JSON');
      }
    },
    async form() {
      return new URLSearchParams((await buf()).toString('utf8'));
    },
  };
}

/** Checks the caller is who the route wants; the console's own check (cookie) is its business. */
async function admit(c: Ctx, who: Who, consoleAuth: (c: Ctx) => Promise<boolean>): Promise<boolean> {
  if (who === 'anyone') return true;
  if (who === 'admin') return isAdmin(c.store, bearer(c.req));
  if (who === 'console') return consoleAuth(c);
  c.machine = await machineByToken(c.store, bearer(c.req));
  return !!c.machine;
}

export function startHttp(
  store: Store,
  routes: Route[],
  opts: { host: string; port: number; consoleAuth: (c: Ctx) => Promise<boolean>; onDenied: (c: Ctx) => void },
): Promise<Server> {
  const server = createServer((req, res) => {
    void handle(req, res).catch((e) => fail(res, e));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://server');
    for (const r of routes) {
      const m = r.method === req.method ? r.path.exec(url.pathname) : null;
      if (!m) continue;
      const c = context(req, res, store, url, m.slice(1).map(decodeURIComponent));
      if (!(await admit(c, r.who, opts.consoleAuth))) {
        req.resume();
        if (r.who === 'console') return opts.onDenied(c);
        return json(res, 401, { error: `${r.who} token required (Authorization: Bearer …)` });
      }
      return r.handle(c);
    }
    json(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve(server));
  });
}

function fail(res: ServerResponse, e: unknown): void {
  const status = e instanceof HttpError ? e.status : e instanceof BadPush || e instanceof UserError ? 400 : 503;
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  // Anything else is the database or the server failing: the machine keeps its records and retries.
  if (status === 503) process.stderr.write(`warden server: ${msg}\n`);
  if (res.headersSent) return void res.destroy();
  json(res, status, { error: status === 503 ? `unavailable: ${msg}` : msg });
}
