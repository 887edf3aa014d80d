// The quarantine's reading thread as a program of its own (dist/inspect-worker.mjs, and the sources through tsx).
import { serveInspections } from './inspect-worker.ts';

serveInspections();
