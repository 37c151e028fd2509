// A fuzz worker thread: TypeScript through the SWC hooks, then lib/worker-main.ts does the work.
import { register } from 'node:module';

register('./swc-loader.mjs', import.meta.url);
await import('./lib/worker-main.ts');
