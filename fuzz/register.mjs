/**
 * `node --import ./fuzz/register.mjs file.ts`: runs the fuzz suite's TypeScript (and libs/core/src)
 * without a build step, the way Jest does (SWC strips the types), so `npm run fuzz` and the worker
 * threads it starts need nothing beyond the repository's devDependencies.
 */
import { register } from 'node:module';

register('./swc-loader.mjs', import.meta.url);
