/**
 * `warden server`: opens the store, makes sure the admin token and the server key exist, and
 * serves the API and the console. Returns a handle a test or the CLI can stop.
 */
import type { Server } from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiRoutes } from './api.ts';
import { consoleRoutes, consoleAuth, consoleDenied } from './console.ts';
import { startHttp } from './http.ts';
import { otlpExporter } from './otlp.ts';
import { openStore, type Store } from './store.ts';
import { ensureAdminToken, serverKey } from './tokens.ts';
import { sweepSilence } from './ingest.ts';

export interface ServerOptions {
  db?: string;
  home: string;
  host: string;
  port: number;
  silenceMinutes?: number;
  bundleHours?: number;
  /** OTLP/HTTP logs endpoint (…/v1/logs) to export records to. */
  otlp?: string;
}

export interface RunningServer {
  url: string;
  adminTokenFile: string;
  store: Store;
  http: Server;
  close(): Promise<void>;
}

/** Where a running server says it listens, so `warden server token create` on the same home finds it. */
export const LISTEN_FILE = 'server-listening.json';

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  mkdirSync(o.home, { recursive: true, mode: 0o700 });
  const store = await openStore(o.db, o.home);
  let http: Server | undefined;
  try {
    const admin = await ensureAdminToken(store, o.home);
    const key = await serverKey(store);
    const silenceMinutes = o.silenceMinutes ?? 60;
    const exporter = o.otlp ? otlpExporter(o.otlp) : undefined;
    const routes = [
      ...apiRoutes({ key, silenceMinutes, bundleHours: o.bundleHours ?? 72, onRecords: exporter?.send }),
      ...consoleRoutes({ key, silenceMinutes }),
    ];
    http = await startHttp(store, routes, {
      host: o.host,
      port: o.port,
      consoleAuth: (c) => consoleAuth(c, key),
      onDenied: consoleDenied,
    });
    const addr = http.address() as { port: number };
    const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${addr.port}`;
    writeFileSync(join(o.home, LISTEN_FILE), JSON.stringify({ url, pid: process.pid }) + '\n');
    const sweep = setInterval(() => void sweepSilence(store, silenceMinutes).catch(() => undefined), 60_000);
    sweep.unref();
    const h = http;
    return {
      url,
      adminTokenFile: admin.file,
      store,
      http: h,
      async close() {
        clearInterval(sweep);
        const closed = new Promise<void>((r) => h.close(() => r()));
        h.closeAllConnections();
        await closed;
        await exporter?.flush();
        await store.close();
        rmSync(join(o.home, LISTEN_FILE), { force: true });
      },
    };
  } catch (e) {
    http?.close();
    await store.close();
    throw e;
  }
}
