/**
 * Scan worker: receives the targets of a scan and its batches, takes the next batch from the
 * shared counter until none is left (the main thread and the other workers take them too), and
 * answers with each batch's results. `serveScanJobs` is the worker's whole program: run from the
 * CLI bundle (dist/cli.cjs, with its code cache: see pool.ts), from the ES module bundle
 * (dist/worker.mjs) or from the sources (worker-main.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../engine/config.ts';
import { scanBatch, type WorkerJob, type WorkerReply } from './pool.ts';
import { loadRules } from '../rules/loader.ts';
import { registerParsers } from '../analyzers/code/languages.ts';
import { buildPrefilter } from '../analyzers/literals.ts';

/** What a worker makes before its first file: the rule packs, every parser, the word automaton. */
export function warmUp(): void {
  loadRules();
  registerParsers();
  buildPrefilter();
}

export function serveScanJobs(): void {
  const config = (workerData as { config: Config }).config;
  // Warm up while the main thread still walks the folders.
  warmUp();
  parentPort!.on('message', (job: WorkerJob) => {
    const next = new Int32Array(job.next);
    for (let b = Atomics.add(next, 0, 1); b < job.batches.length; b = Atomics.add(next, 0, 1)) {
      parentPort!.postMessage({ batch: b, results: scanBatch(job, b, config) } satisfies WorkerReply);
    }
    parentPort!.postMessage({ done: true } satisfies WorkerReply);
  });
}
