/** Scan worker: receives batches of targets, answers with their results in the same order. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../engine/config.ts';
import { scanTarget } from './file.ts';
import { loadRules } from '../rules/loader.ts';
import { registerParsers } from '../analyzers/code/languages.ts';
import { buildPrefilter } from '../analyzers/literals.ts';

const config = (workerData as { config: Config }).config;
// Warm up while the main thread still walks the folders: the rule packs, every parser, the prefilter.
loadRules();
registerParsers();
buildPrefilter();
parentPort!.on('message', (batch: { path: string; display: string; changed?: Set<number>; kind?: 'model' | 'archive' }[]) => {
  parentPort!.postMessage(batch.map((t) => scanTarget(t.path, t.display, config, t.changed, t.kind)));
});
