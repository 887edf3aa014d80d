/**
 * Starting one of Warden's own worker threads (the scan's, the gateway quarantine's) the way the running
 * code was loaded: from the sources, a bootstrap that registers tsx first (workers do not inherit the main
 * thread's loader); from the ES module bundle, its file in dist/; from the CLI bundle (dist/cli.cjs), the
 * bundle itself through bin/load-cli.cjs with its V8 code cache, which spares the thread compiling its code.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from './paths.ts';

export interface OwnWorker {
  /** The bootstrap beside the caller's source, for runs from the sources. */
  source: URL;
  /** The ES module bundle's entry in dist/ (`worker.mjs`). */
  dist: string;
  /** The CLI bundle's export that runs the thread's program (`scanWorker`). */
  cliExport: string;
  /** The CLI bundle's code cache to load (bin/load-cli.cjs): the scan's threads run under its V8 flags. */
  variant?: 'scan';
  workerData?: Record<string, unknown>;
}

// (this module is in whichever form the rest of the code is: one bundle, or the sources)
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const FROM_CLI_BUNDLE = import.meta.url.endsWith('.cjs');

export function startOwnWorker(o: OwnWorker): Worker {
  if (FROM_CLI_BUNDLE) {
    const variant = o.variant ? `, { variant: '${o.variant}' }` : '';
    const program =
      "const { workerData } = require('node:worker_threads'); " +
      `require(workerData.loader)(workerData.root${variant}).${o.cliExport}();`;
    const loader = join(PACKAGE_ROOT, 'bin', 'load-cli.cjs');
    return new Worker(program, { eval: true, workerData: { ...o.workerData, loader, root: PACKAGE_ROOT } });
  }
  const entry = FROM_SOURCES ? o.source : pathToFileURL(join(PACKAGE_ROOT, 'dist', o.dist));
  return new Worker(entry, { workerData: o.workerData });
}
