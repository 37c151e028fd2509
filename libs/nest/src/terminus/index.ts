/**
 * @django-bridge/nest/terminus: health indicators for @nestjs/terminus (an optional peer; only
 * this entry point imports it).
 */
export { DjangoHealthIndicator, DJANGO_CACHE_PROBE_KEY, type AliasHealth, type DjangoCacheCheckOptions, type DjangoDatabaseCheckOptions } from './django-health.indicator.js';
