import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `apps/sample/public`, found from this module whether it runs from `src/` (tests) or from the
 * compiled `dist/apps/sample/` (npm start); tsc does not copy the pages and files.
 */
export function samplePublicDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidates = [basename(dir) === 'sample' ? join(dir, 'public') : null, join(dir, 'apps', 'sample', 'public')];
    const found = candidates.find((c): c is string => c !== null && existsSync(join(c, 'pages')));
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('apps/sample/public not found next to the sample app');
    dir = parent;
  }
}
