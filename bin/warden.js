#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader (no build step is needed after npm ci).
import { register } from 'tsx/esm/api';
register();
// A closed pipe (warden … | head) ends output quietly instead of crashing.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
