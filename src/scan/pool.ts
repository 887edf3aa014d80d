/**
 * Parallel folder scans: the targets are handed out in small batches to worker threads (one
 * per core by default), each of which runs the same `scanTarget` as the main thread. Results
 * come back in target order, so a parallel scan's report is identical to a sequential one.
 * A worker that dies fails the scan loudly (its files are not silently dropped).
 */
import { Worker } from 'node:worker_threads';
import { languageOf, registerOnly, type Language } from '../analyzers/code/languages.ts';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../paths.ts';
import type { Config } from '../engine/config.ts';
import type { Target } from './walk.ts';
import { scanTarget, type TargetResult } from './file.ts';

export interface PoolOptions {
  config: Config;
  jobs?: number;
  changed?: Map<string, Set<number>>;
  onProgress?: (done: number, total: number) => void;
}

// From the sources, workers need tsx registered first; the bundle has a plain JavaScript worker.
const WORKER = import.meta.url.endsWith('.ts') ? new URL('./worker-bootstrap.mjs', import.meta.url) : pathToFileURL(join(PACKAGE_ROOT, 'dist', 'worker.mjs'));

/** Files that are data, never code with a #! line. */
const DATA_FILE = /\.(?:md|markdown|txt|rst|json|jsonc|ya?ml|toml|lock|cfg|ini|conf|xml|html?|css|scss|svg|csv|tsv|env|properties|gitignore|dockerignore|editorconfig|mod|sum)$/i;

/** Below this much work a worker's start-up (loading parsers and rules) costs more than it saves. */
export const MIN_PARALLEL_BYTES = 2_000_000;

export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

interface PoolWorker { w: Worker; online: Promise<void> }

function spawn(config: Config): PoolWorker {
  const w = new Worker(WORKER, { workerData: { config } });
  const online = new Promise<void>((resolve, reject) => { w.once('online', resolve); w.once('error', reject); });
  online.catch(() => {}); // (a failure is reported by the scan that uses the worker)
  return { w, online };
}

/** Workers started before the walk ends (see `prestart`), with the configuration they were given. */
let warm: { config: Config; workers: PoolWorker[] } | undefined;

/**
 * Starts the workers of a coming folder scan now, so that they load their parsers, rules and
 * prefilter while the walk goes on (the walk hears of enough work to need them: see cli/scan.ts).
 */
export function prestart(config: Config, jobs = defaultJobs()): void {
  if (warm || jobs <= 1) return;
  warm = { config, workers: Array.from({ length: jobs }, () => spawn(config)) };
}

function takeWarm(config: Config, jobs: number): PoolWorker[] {
  const got = warm && warm.config === config ? warm.workers : [];
  for (const extra of (warm?.workers ?? []).filter((w, i) => !got.includes(w) || i >= jobs)) void extra.w.terminate();
  warm = undefined;
  return got.slice(0, jobs);
}

export async function scanTargets(targets: Target[], opts: PoolOptions): Promise<TargetResult[]> {
  const jobs = Math.min(opts.jobs ?? defaultJobs(), targets.length);
  const total = targets.reduce((s, t) => s + t.size, 0);
  const results: TargetResult[] = new Array(targets.length);
  if (jobs <= 1 || total < MIN_PARALLEL_BYTES) {
    takeWarm(opts.config, 0);
    // One pass in this process: load only the parsers these files need (when every file's
    // language shows in its name; archives can hold anything).
    if (targets.every((t) => !t.kind)) {
      const langs = targets.map((t) => languageOf(t.display) ?? (DATA_FILE.test(t.display) ? null : undefined));
      if (langs.every((l) => l !== undefined)) registerOnly([...new Set(langs.filter((l): l is Language => !!l))]);
    }
    targets.forEach((t, i) => {
      results[i] = scanTarget(t.path, t.display, opts.config, opts.changed?.get(t.display), t.kind);
      opts.onProgress?.(i + 1, targets.length);
    });
    return results;
  }
  // Batches of roughly 256 KB keep every worker busy to the end without much messaging.
  const batches: number[][] = [];
  let cur: number[] = [], size = 0;
  targets.forEach((t, i) => {
    cur.push(i); size += t.size;
    if (size > 256_000 || cur.length >= 64) { batches.push(cur); cur = []; size = 0; }
  });
  if (cur.length) batches.push(cur);
  let next = 0, done = 0;
  const pool = takeWarm(opts.config, jobs);
  while (pool.length < jobs) pool.push(spawn(opts.config));
  try {
    await Promise.all(pool.map(({ w, online }) => new Promise<void>((resolve, reject) => {
      let batch: number[] | undefined;
      const give = () => {
        batch = batches[next++];
        if (!batch) { void w.terminate(); resolve(); return; }
        w.postMessage(batch.map((i) => ({ path: targets[i].path, display: targets[i].display, changed: opts.changed?.get(targets[i].display), kind: targets[i].kind })));
      };
      w.on('message', (rs: TargetResult[]) => {
        batch!.forEach((i, k) => { results[i] = rs[k]; });
        done += batch!.length;
        opts.onProgress?.(done, targets.length);
        give();
      });
      w.on('error', reject);
      w.on('exit', (code) => { if (batch && next <= batches.length && code !== 0) reject(new Error(`scan worker exited with code ${code}`)); });
      online.then(give, reject);
    })));
  } finally {
    for (const { w } of pool) void w.terminate();
  }
  return results;
}
