/** Server-sent events plumbing shared by the protocols: reading an upstream's events, writing the client's. */
import type { ServerResponse } from 'node:http';
import type { UpstreamResponse } from './upstream.ts';

/** SSE events from an upstream body, as they arrive. */
export async function* sseEvents(up: UpstreamResponse): AsyncGenerator<string> {
  const dec = new TextDecoder();
  let buf = '';
  for await (const value of up.body) {
    buf += dec.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      yield buf.slice(0, i);
      buf = buf.slice(i + 2);
    }
  }
  if (buf.trim()) yield buf;
}

/** The data lines of one event, joined. */
export const eventData = (ev: string) =>
  ev
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trimStart())
    .join('\n');

export function startEventStream(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}
