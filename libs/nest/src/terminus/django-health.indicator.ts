import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { DjangoCaches } from '../cache/django-caches.js';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { within } from '../errors/deadline.js';
import { probeTimeout } from './probe-timeout.js';
import { boundedQuery } from '../database/bounded-query.js';
import { DjangoDatabaseUnavailable } from '../database/database-unavailable.js';

export interface DjangoDatabaseCheckOptions {
  /** Per alias, in milliseconds; default 1000. */
  timeout?: number;
  /** The aliases to probe: default the "default" alias (where users and sessions live); 'all' for every one. */
  aliases?: string[] | 'all';
}

export interface DjangoCacheCheckOptions {
  /** Per alias, in milliseconds; default 1000. */
  timeout?: number;
  /** The cache aliases to probe; default every alias of the `caches` option. */
  aliases?: string[];
}

/** What one alias answered. */
export interface AliasHealth {
  status: 'up' | 'down';
  /** How long the probe took, in milliseconds. */
  responseTime: number;
  /** Why it is down. */
  message?: string;
}

/** The key `has` is asked about: read only, so probing writes nothing into Django's cache. */
export const DJANGO_CACHE_PROBE_KEY = 'django-bridge:health-probe';
const DEFAULT_TIMEOUT = 1000;

/**
 * Health indicators for @nestjs/terminus over the bridge's own connections: the DataSources the
 * session and user stores query, and the caches of the cache engines. Add it to a module's
 * providers beside `TerminusModule`; the bridge module must be registered (it is global by default).
 * Uses only HealthIndicatorService's `check().up()/down()`, which terminus 11 and 12 both have.
 */
@Injectable()
export class DjangoHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(DJANGO_BRIDGE_OPTIONS) private readonly options: ResolvedBridgeOptions,
    private readonly caches: DjangoCaches,
  ) {}

  /**
   * `SELECT 1` on Django's database, bounded by `timeout`. Up with `used: false` when the bridge
   * has no database (a userStore of the application's own over a cache or cookie engine).
   */
  async database<const Key extends string = 'django-database'>(key: Key = 'django-database' as Key, options: DjangoDatabaseCheckOptions = {}): Promise<HealthIndicatorResult<Key>> {
    const check = this.health.check(key);
    const timeout = probeTimeout(options.timeout, DEFAULT_TIMEOUT);
    if (typeof timeout === 'string') return check.down({ message: timeout });
    const databases = this.options.databases;
    if (!databases) return check.up({ used: false, message: 'No database configured' });
    const aliases = options.aliases === 'all' ? databases.aliases : (options.aliases ?? [databases.defaultAlias]);
    const results = await probeAll(aliases, timeout, (alias) => {
      if (!databases.aliases.includes(alias)) throw new Error(`no database alias "${alias}" (known: ${databases.aliases.join(', ')})`);
      return selectOne(databases.get(alias), alias, timeout);
    });
    return summarise(check, 'databases', results);
  }

  /**
   * `has` on a probe key through each cache (Django's `cache.has_key`), bounded by `timeout`. Up with
   * `used: false` when the `caches` option is empty: nothing of the bridge depends on a cache then.
   */
  async cache<const Key extends string = 'django-cache'>(key: Key = 'django-cache' as Key, options: DjangoCacheCheckOptions = {}): Promise<HealthIndicatorResult<Key>> {
    const check = this.health.check(key);
    const timeout = probeTimeout(options.timeout, DEFAULT_TIMEOUT);
    if (typeof timeout === 'string') return check.down({ message: timeout });
    const known = this.caches.aliases;
    const aliases = options.aliases ?? known;
    if (aliases.length === 0) return check.up({ used: false, message: 'No cache configured' });
    const results = await probeAll(aliases, timeout, (alias) => {
      if (!known.includes(alias)) throw new Error(`no cache alias "${alias}" (known: ${known.join(', ') || 'none'})`);
      const cache = this.caches.get(alias);
      return within(timeout, `Cache "${alias}"`, () => cache.has(DJANGO_CACHE_PROBE_KEY));
    });
    return summarise(check, 'caches', results);
  }
}

async function selectOne(dataSource: DataSource, alias: string, timeout: number): Promise<unknown> {
  // Querying a DataSource that was never initialized fails deep inside the driver; say what is wrong.
  if (!dataSource.isInitialized) throw new Error(`the DataSource of "${alias}" is not initialized`);
  // boundedQuery destroys a connection that does not answer in time, so probes of a stalled server
  // cannot use up the pool the stores need once it is back; while the server is stalled, a probe
  // already in flight makes this one answer "down" at once.
  try {
    return await boundedQuery(dataSource, 'SELECT 1', [], timeout);
  } catch (err) {
    const cause = err instanceof DjangoDatabaseUnavailable ? err.cause : err;
    throw new Error(`Database "${alias}": ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** Probes every alias side by side, so the whole check takes one timeout at most. */
async function probeAll(aliases: string[], timeout: number, probe: (alias: string) => Promise<unknown>): Promise<Record<string, AliasHealth>> {
  const entries = await Promise.all(
    aliases.map(async (alias): Promise<[string, AliasHealth]> => {
      const start = Date.now();
      try {
        await probe(alias);
        return [alias, { status: 'up', responseTime: Date.now() - start }];
      } catch (err) {
        return [alias, { status: 'down', responseTime: Date.now() - start, message: oneLine(err) }];
      }
    }),
  );
  return Object.fromEntries(entries);
}

function summarise<Key extends string>(check: ReturnType<HealthIndicatorService['check']>, field: string, results: Record<string, AliasHealth>): HealthIndicatorResult<Key> {
  const down = Object.entries(results).filter(([, r]) => r.status === 'down');
  if (down.length === 0) return check.up({ [field]: results }) as HealthIndicatorResult<Key>;
  return check.down({ message: down.map(([alias, r]) => `${alias}: ${r.message}`).join('; '), [field]: results }) as HealthIndicatorResult<Key>;
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.split('\n')[0];
}
