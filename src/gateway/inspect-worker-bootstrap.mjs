// Quarantine worker entry from the sources: workers do not inherit the main thread's TypeScript loader.
import { register } from 'tsx/esm/api';
register();
await import('./inspect-worker-main.ts');
