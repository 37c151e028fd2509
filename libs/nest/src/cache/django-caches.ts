import { ImproperlyConfigured, type DjangoCache } from '@django-bridge/core';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { createDjangoCache, isDjangoCache } from './create-django-cache.js';
import { boundedCache } from './bounded-cache.js';

/**
 * Django's `caches`: the caches of the `caches` option by alias, built at start-up (so a bad
 * setting stops the application there) and closed at shutdown. Connections open on first use.
 * Caches handed in ready-made belong to the application and are not closed here; each of their
 * calls is bounded by `storeTimeout` (see boundedCache).
 */
@Injectable()
export class DjangoCaches implements OnApplicationShutdown {
  private readonly caches = new Map<string, DjangoCache>();
  private readonly owned: DjangoCache[] = [];
  private readonly logger = new Logger('DjangoCaches');

  constructor(@Inject(DJANGO_BRIDGE_OPTIONS) options: ResolvedBridgeOptions) {
    for (const [alias, entry] of Object.entries(options.caches)) {
      if (isDjangoCache(entry)) {
        this.caches.set(alias, boundedCache(entry, alias, options.storeTimeout));
        continue;
      }
      const cache = createDjangoCache(alias, entry, { maxExpandedBytes: options.maxExpandedBytes, intMaxStrDigits: options.intMaxStrDigits });
      this.caches.set(alias, cache);
      this.owned.push(cache);
    }
  }

  /** The cache of an alias; ImproperlyConfigured when the `caches` option has none. */
  get(alias: string): DjangoCache {
    const cache = this.caches.get(alias);
    if (!cache) throw new ImproperlyConfigured(`The caches option has no "${alias}" cache (needed by the session engine; see sessionCacheAlias)`);
    return cache;
  }

  get aliases(): string[] {
    return [...this.caches.keys()];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.owned.map((cache) => cache.close().catch((err: Error) => this.logger.warn(`Closing a cache failed: ${err.message}`))));
  }
}
