// Scan worker entry: workers do not inherit the main thread's TypeScript loader, so register it here.
import { register } from 'tsx/esm/api';
register();
await import('./worker-main.ts');
