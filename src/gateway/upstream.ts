/**
 * The gateway's HTTP client for upstreams: node:http / node:https with keep-alive agents (fewer
 * layers than fetch, and connections are reused across requests). Responses are streamed.
 * An upstream that does not answer is given up on: no response headers within `headersMs`, or no
 * byte of the body for `idleMs`, ends the request with an UpstreamTimeout and frees the socket.
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: AsyncIterable<Buffer>;
  text(): Promise<string>;
}

export interface UpstreamTimeouts {
  /** From sending the request to the response headers. */
  headersMs: number;
  /** Between two pieces of the response body (a stream that stalls). */
  idleMs: number;
}

export class UpstreamTimeout extends Error {}

export function upstreamRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal,
  timeouts: UpstreamTimeouts = { headersMs: 60_000, idleMs: 60_000 },
): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const https = u.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)(
      u,
      {
        method,
        agent: https ? httpsAgent : httpAgent,
        signal,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body).toString() },
      },
      (res: IncomingMessage) => {
        clearTimeout(headerTimer);
        const body = untilIdle(res, timeouts.idleMs);
        resolve({
          status: res.statusCode ?? 502,
          contentType: String(res.headers['content-type'] ?? 'application/json'),
          body,
          text: async () => {
            const chunks: Buffer[] = [];
            for await (const c of body) chunks.push(c);
            return Buffer.concat(chunks).toString('utf8');
          },
        });
      },
    );
    // (destroying the request closes its socket: a silent upstream does not keep one busy)
    const headerTimer = setTimeout(
      () => req.destroy(new UpstreamTimeout(`no response headers within ${seconds(timeouts.headersMs)}`)),
      timeouts.headersMs,
    );
    req.on('error', (e) => {
      clearTimeout(headerTimer);
      reject(e);
    });
    req.end(body);
  });
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * The response body, piece by piece; waiting more than `ms` for the next piece destroys the
 * response (and its socket) and throws an UpstreamTimeout. Time the reader spends elsewhere (a
 * slow client) does not count.
 */
async function* untilIdle(res: IncomingMessage, ms: number): AsyncGenerator<Buffer> {
  const it = res[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new UpstreamTimeout(`the response stalled: no data for ${seconds(ms)}`)), ms);
      });
      const r = await Promise.race([it.next(), idle]).finally(() => clearTimeout(timer));
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value as Buffer;
    }
  } finally {
    // (a timeout, an error or a reader that stopped early: the rest of the body is not wanted)
    if (!finished) res.destroy();
  }
}
