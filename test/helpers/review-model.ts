// A fake OpenAI-compatible review model on 127.0.0.1 for `warden review` tests: each request is
// kept (raw body) and answered by a function of the test's choosing (a content string, a raw
// HTTP body, a hang, a status).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'warden.js');

export type Answer = { content: string } | { raw: string; status?: number } | { hang: true } | { huge: number };

export interface FakeModel {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function fakeModel(answer: (body: string) => Answer): Promise<FakeModel> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push(body);
      const a = answer(body);
      if ('hang' in a) return; // never answers
      if ('huge' in a) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const more = () => {
          while (sent < a.huge) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        res.on('error', () => {});
        return more();
      }
      if ('raw' in a) {
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
        return res.end(a.raw);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: a.content } }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The real CLI, asynchronously (the fake model answers from this process meanwhile). */
export function warden(
  args: string[],
  opts: { cwd: string; input?: string; env?: Record<string, string> },
): Promise<{ code: number; out: string; err: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: opts.cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...opts.env } },
      (e, out, err) =>
        resolve({
          code: e ? ((e as { code?: number }).code ?? -1) : 0,
          out,
          err,
          ms: performance.now() - t0,
        }),
    );
    child.stdin?.end(opts.input ?? '');
  });
}

/** A model answer in the fixed shape. */
export const answerWith = (findings: Record<string, unknown>[]) => ({ content: JSON.stringify({ findings }) });

export const PATCH = (path: string, lines: string[]) =>
  `--- a/${path}\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
