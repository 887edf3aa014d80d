/**
 * Reads a request's tool results for prompt injection on a second thread when they are large, so the
 * reading overlaps the redaction the main thread does meanwhile (server.ts): on two cores, 1 MB of
 * tool output is read in about the time its secrets are looked for, instead of after it. Small
 * results are read on the main thread: handing them over would cost more than reading them.
 *
 * Fails closed: a thread that cannot start, or stops, or cannot be handed the texts leaves the reading to
 * the main thread; a thread that overruns its own deadline by far is stopped, and every request waiting
 * on it is refused (QuarantineTimeout), never sent unread.
 */
import type { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { startOwnWorker } from '../worker-start.ts';
import { inspect, QuarantineTimeout, type Inspection } from './quarantine.ts';
import type { InspectJob } from './inspect-worker.ts';
import type { ToolResult } from './protocol.ts';

/** Tool results smaller than this (characters, all of a request's together) are read in place. */
export const OFF_THREAD_MIN = 256 * 1024;

interface Waiting {
  resolve(i: Inspection): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  fallback(): void;
}

interface Reader {
  w: Worker;
  waiting: Map<number, Waiting>;
  /** Warmed up (its analyzer loaded and compiled): until then, requests are read in place. */
  ready: boolean;
}

let reader: Reader | undefined;
let seq = 0;
/** How long the thread took to read (ms, as it measured), the last 64 readings: for the bench. */
const recent: number[] = [];

function startReader(): Reader | undefined {
  let w: Worker;
  try {
    w = startOwnWorker({
      source: new URL('./inspect-worker-bootstrap.mjs', import.meta.url),
      dist: 'inspect-worker.mjs',
      cliExport: 'inspectWorker',
    });
  } catch {
    return undefined;
  }
  const r: Reader = { w, waiting: new Map(), ready: false };
  w.on(
    'message',
    (m: { id: number; ready?: true; inspection?: Inspection; ms?: number; error?: string; timeout?: boolean }) => {
      if (m.ready) return void (r.ready = true);
      const wait = r.waiting.get(m.id);
      if (!wait) return;
      r.waiting.delete(m.id);
      clearTimeout(wait.timer);
      if (m.inspection) {
        recent.push(m.ms ?? 0);
        if (recent.length > 64) recent.shift();
        wait.resolve(m.inspection);
      } else wait.reject(m.timeout ? new QuarantineTimeout(m.error) : new Error(m.error));
    },
  );
  // (a thread that fails or stops: what it was reading is read in place, and the next request starts another)
  const lost = () => {
    if (reader === r) reader = undefined;
    for (const [id, wait] of r.waiting) {
      r.waiting.delete(id);
      clearTimeout(wait.timer);
      wait.fallback();
    }
  };
  w.on('error', lost);
  w.on('exit', lost);
  // (after the listeners: adding a 'message' listener refs the thread again, and it would keep the
  // process alive; an idle reading thread must not)
  w.unref();
  return r;
}

/** The plain data a thread can be sent: texts, and the tool and arguments that name where they came from. */
function plain(results: ToolResult[]): InspectJob['results'] {
  return results.map((r) => ({ id: r.id, tool: r.tool, args: r.args, parts: r.parts.map((p) => ({ text: p.text })) }));
}

/**
 * The inspection of `results`, read within `budgetMs` (QuarantineTimeout past it): on the second
 * thread when they are large, else in place before this returns.
 */
export function inspectResults(results: ToolResult[], budgetMs: number): Promise<Inspection> {
  let size = 0;
  for (const r of results) for (const p of r.parts) size += p.text.length;
  const inPlace = () => inspect(results, performance.now() + budgetMs);
  // (read now, before the caller goes on: a promise's executor runs at once, and what it throws rejects)
  if (size < OFF_THREAD_MIN) return new Promise((resolve) => resolve(inPlace()));
  // (the first large request starts the thread and is read in place while the thread warms up)
  reader ??= startReader();
  const r = reader;
  if (!r?.ready) return new Promise((resolve) => resolve(inPlace()));
  return new Promise<Inspection>((resolve, reject) => {
    const id = ++seq;
    const fallback = () => {
      try {
        resolve(inPlace());
      } catch (e) {
        reject(e as Error);
      }
    };
    // (the thread checks its deadline between pieces; one far past it is stuck, and is stopped)
    const timer = setTimeout(
      () => {
        if (reader === r) reader = undefined;
        for (const [, wait] of r.waiting) {
          clearTimeout(wait.timer);
          wait.reject(new QuarantineTimeout('reading tool results took too long'));
        }
        r.waiting.clear();
        void r.w.terminate();
      },
      2 * budgetMs + 1000,
    );
    r.waiting.set(id, { resolve, reject, timer, fallback });
    try {
      r.w.postMessage({ id, results: plain(results), budgetMs } satisfies InspectJob);
    } catch {
      // (texts the thread cannot be handed are read here)
      r.waiting.delete(id);
      clearTimeout(timer);
      fallback();
    }
  });
}

/** How long the thread took to read, ms (the last 64 readings). */
export function readerTimes(): number[] {
  return [...recent];
}

/** Stops the reading thread (what it was reading is then read in place); the next large request starts another. */
export function stopReader(): Promise<number> | undefined {
  return reader?.w.terminate();
}

/** Requests waiting on the reading thread now. */
export function readerBusy(): number {
  return reader?.waiting.size ?? 0;
}
