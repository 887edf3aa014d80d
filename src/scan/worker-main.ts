// The scan worker as a program of its own (dist/worker.mjs, and the sources through tsx).
import { serveScanJobs } from './worker.ts';

serveScanJobs();
