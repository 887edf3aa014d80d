/**
 * The gateway's HTTP client for upstreams: node:http / node:https with keep-alive agents (fewer
 * layers than fetch, and connections are reused across requests). Responses are streamed.
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

export function upstreamRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal,
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
        resolve({
          status: res.statusCode ?? 502,
          contentType: String(res.headers['content-type'] ?? 'application/json'),
          body: res,
          text: async () => {
            const chunks: Buffer[] = [];
            for await (const c of res) chunks.push(c as Buffer);
            return Buffer.concat(chunks).toString('utf8');
          },
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
