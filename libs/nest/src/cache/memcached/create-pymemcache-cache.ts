import { ImproperlyConfigured, type DjangoCache } from '@django-bridge/core';
import type { DjangoCacheSettings } from '../django-cache-settings.js';

/** Django's PyMemcacheCache for one CACHES entry. */
export function createPyMemcacheCache(alias: string, settings: DjangoCacheSettings): DjangoCache {
  throw new ImproperlyConfigured(`caches.${alias}: ${settings.backend} is not available yet`);
}
