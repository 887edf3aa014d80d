/**
 * Parallel folder scans: the targets are cut into small batches, and the main thread and worker
 * threads (one thread per core by default: the main thread and one worker on two cores) take the
 * next batch from a shared counter until none is left, each running the same `scanTarget`. Results
 * come back in target order, so a parallel scan's report is identical to a sequential one.
 * A worker that dies fails the scan loudly (its files are not silently dropped).
 */
import { Worker } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { languageOf, registerOnly, type Language } from '../analyzers/code/languages.ts';
import { availableParallelism } from 'node:os';
import { startOwnWorker } from '../worker-start.ts';
import type { Config } from '../engine/config.ts';
import type { Target } from './walk.ts';
import { scanTarget, type TargetResult } from './file.ts';

export interface PoolOptions {
  config: Config;
  jobs?: number;
  changed?: Map<string, Set<number>>;
  onProgress?: (done: number, total: number) => void;
}

/** Files that are data, never code with a #! line. */
const DATA_FILE =
  /\.(?:md|markdown|txt|rst|json|jsonc|ya?ml|toml|lock|cfg|ini|conf|xml|html?|css|scss|svg|csv|tsv|env|properties|gitignore|dockerignore|editorconfig|mod|sum)$/i;

/** Languages whose rules often need a syntax tree: their files cost more per byte (parsing is a scan's slowest step). */
const PARSE_HEAVY = new Set<Language>(['python', 'javascript', 'typescript', 'php', 'ruby', 'java', 'go']);

/** Below this much work a worker's start-up (loading parsers and rules) costs more than it saves. */
const MIN_PARALLEL_BYTES = 2_000_000;

/**
 * How much bytecode a function runs before V8 optimizes it: 2.4 M instead of V8's 66 K. A scan runs
 * a few large functions (the analyzers) over thousands of files of several languages: optimized
 * early, each is compiled again and again as later files take branches the first ones did not
 * (some 1.2 s of compiling per thread on 34 MB of npm packages, on the cores the scan itself needs).
 * Measured with and without, runs interleaved: 10 to 20% less wall time at 2.4 M on mixed, npm and
 * node_modules trees of 18, 34 and 78 MB (0.6 M and 1.2 M gained less). Process-wide: set once,
 * before the scan's work starts; the worker threads share it. (An --interrupt-budget given to
 * node wins.)
 */
const SCAN_INTERRUPT_BUDGET = 2_400_000;
/**
 * The V8 flags a scan sets (the budget above, and regexes compiled at once): a regex is first run by V8's
 * bytecode interpreter and compiled to machine code only once it is hot; a scan runs hundreds of large
 * regexes over thousands of files, and with session 21's larger tables the interpreter's turns came back
 * again and again (npm tree, --jobs 1, runs interleaved: 11.2 s of CPU against 9.7 s compiled at once;
 * session 20's code gained nothing either way). Compiled at once, each costs its compile a single time.
 * (The scan's code cache is made under these flags: test/code-cache.test.ts loads it under them.)
 */
export const SCAN_V8_FLAGS = [`--interrupt-budget=${SCAN_INTERRUPT_BUDGET}`, '--no-regexp-tier-up'];
let tuned = false;
export function tuneCompilerForScan(): void {
  if (tuned || process.execArgv.some((f) => f.startsWith('--interrupt-budget'))) return;
  // (the build's warm-up scan that writes the plain code cache must leave V8's flags as every other
  // command starts with them: a cache made under the raised budget is rejected by them, bin/load-cli.cjs)
  if (process.env.WARDEN_WRITE_CLI_CACHE === 'plain') return;
  tuned = true;
  for (const flag of SCAN_V8_FLAGS) setFlagsFromString(flag);
}

export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

interface PoolWorker {
  w: Worker;
  online: Promise<void>;
}

function spawn(config: Config): PoolWorker {
  const w = startOwnWorker({
    source: new URL('./worker-bootstrap.mjs', import.meta.url),
    dist: 'worker.mjs',
    cliExport: 'scanWorker',
    variant: 'scan',
    workerData: { config },
  });
  const online = new Promise<void>((resolve, reject) => {
    w.once('online', resolve);
    w.once('error', reject);
  });
  online.catch(() => {}); // (a failure is reported by the scan that uses the worker)
  return { w, online };
}

/** Workers started before the walk ends (see `prestart`), with the configuration they were given. */
let warm: { config: Config; workers: PoolWorker[] } | undefined;

/**
 * Starts the workers of a coming folder scan now, so that they load their parsers, rules and
 * prefilter while the walk goes on (the walk hears of enough work to need them: see cli/scan.ts).
 * `jobs` counts the main thread, which scans too. (Once started, later calls do nothing.)
 */
export function prestart(config: Config, jobs = defaultJobs()): void {
  if (warm || jobs <= 1) return;
  warm = { config, workers: Array.from({ length: jobs - 1 }, () => spawn(config)) };
}

function takeWarm(config: Config, count: number): PoolWorker[] {
  const got = warm && warm.config === config ? warm.workers.slice(0, count) : [];
  for (const extra of warm?.workers ?? []) if (!got.includes(extra)) void extra.w.terminate();
  warm = undefined;
  return got;
}

/** What a worker is given: every target, the batches, and the counter that hands them out. */
export interface WorkerJob {
  items: { path: string; display: string; changed?: Set<number>; kind?: Target['kind'] }[];
  batches: number[][];
  next: SharedArrayBuffer;
}
/** What a worker answers: one batch's results, or that it has taken its last batch. */
export type WorkerReply = { batch: number; results: TargetResult[] } | { done: true };

/** The results of one batch of a job, in its order (the main thread and the workers alike). */
export function scanBatch(job: WorkerJob, batch: number, config: Config): TargetResult[] {
  return job.batches[batch].map((i) => {
    const t = job.items[i];
    return scanTarget(t.path, t.display, config, t.changed, t.kind);
  });
}

export async function scanTargets(targets: Target[], opts: PoolOptions): Promise<TargetResult[]> {
  const jobs = Math.min(opts.jobs ?? defaultJobs(), targets.length);
  const total = targets.reduce((s, t) => s + t.size, 0);
  const results: TargetResult[] = new Array(targets.length);
  if (jobs <= 1 || total < MIN_PARALLEL_BYTES) {
    takeWarm(opts.config, 0);
    // One pass in this process: load only the parsers these files need (when every file's
    // language shows in its name; archives can hold anything).
    if (targets.every((t) => !t.kind || t.kind === 'oversize')) {
      const langs = targets.map((t) => languageOf(t.display) ?? (DATA_FILE.test(t.display) ? null : undefined));
      if (langs.every((l) => l !== undefined)) registerOnly([...new Set(langs.filter((l): l is Language => !!l))]);
    }
    targets.forEach((t, i) => {
      results[i] = scanTarget(t.path, t.display, opts.config, opts.changed?.get(t.display), t.kind);
      opts.onProgress?.(i + 1, targets.length);
    });
    return results;
  }
  // Batches of roughly 256 KB keep every thread busy to the end without much messaging. The
  // costliest go first, so that the last ones, which decide when the slowest thread is done, are
  // short. (Cost by size, files that usually need a syntax tree counting more; the results go back
  // in target order whatever the order of the batches.)
  const costed: { batch: number[]; cost: number }[] = [];
  let cur: number[] = [],
    size = 0,
    cost = 0;
  targets.forEach((t, i) => {
    const lang = languageOf(t.display);
    cur.push(i);
    size += t.size;
    cost += lang && PARSE_HEAVY.has(lang) ? 3 * t.size : t.size;
    if (size > 256_000 || cur.length >= 64) {
      costed.push({ batch: cur, cost });
      cur = [];
      size = 0;
      cost = 0;
    }
  });
  if (cur.length) costed.push({ batch: cur, cost });
  const batches = costed.sort((a, b) => b.cost - a.cost).map((c) => c.batch);
  const next = new SharedArrayBuffer(4);
  const counter = new Int32Array(next);
  const job: WorkerJob = {
    items: targets.map((t) => ({
      path: t.path,
      display: t.display,
      changed: opts.changed?.get(t.display),
      kind: t.kind,
    })),
    batches,
    next,
  };
  let done = 0;
  const take = (batch: number, rs: TargetResult[]) => {
    batches[batch].forEach((i, k) => {
      results[i] = rs[k];
    });
    done += batches[batch].length;
    opts.onProgress?.(done, targets.length);
  };
  const pool = takeWarm(opts.config, jobs - 1);
  while (pool.length < jobs - 1) pool.push(spawn(opts.config));
  try {
    const workers = pool.map(
      ({ w, online }) =>
        new Promise<void>((resolve, reject) => {
          w.on('message', (m: WorkerReply) => {
            if ('done' in m) resolve();
            else take(m.batch, m.results);
          });
          w.on('error', reject);
          w.on('exit', (code) =>
            reject(new Error(`scan worker exited with code ${code} before its batches were done`)),
          );
          // (posted now: a worker still warming up reads it once it listens, instead of after the
          // main thread's first batch, the main thread's first chance to see that the worker is online)
          w.postMessage(job);
          online.catch(reject);
        }),
    );
    // The main thread takes batches too, letting the workers' results in between.
    for (let b = Atomics.add(counter, 0, 1); b < batches.length; b = Atomics.add(counter, 0, 1)) {
      take(b, scanBatch(job, b, opts.config));
      await yieldToEvents();
    }
    await Promise.all(workers);
  } finally {
    for (const { w } of pool) void w.terminate();
  }
  return results;
}
