import { ImproperlyConfigured, SerializationError } from '../errors.js';
import { isWellFormedUtf16 } from '../serializers/php/utf8.js';
import { defaultKeyFunction, type CacheKeyFunction } from './cache-key.js';
import { type CacheValueCodec } from './cache-value-codec.js';
import { type DjangoCache } from './django-cache.js';
import { type RedisCommands } from './redis-commands.js';

export interface RedisCacheOptions {
  /**
   * The servers of LOCATION, in order: writes go to the first; reads go to one of the others
   * picked at random when there are several (Django's RedisCacheClient and django-redis's
   * DefaultClient both choose so, for a primary and its replicas).
   */
  servers: readonly RedisCommands[];
  /** KEY_PREFIX; default "". */
  keyPrefix?: string;
  /** VERSION; default 1. */
  version?: number;
  /** KEY_FUNCTION; default Django's "<prefix>:<version>:<key>". */
  keyFunction?: CacheKeyFunction;
  /** Which replica a read goes to: a number in [0, 1) (default Math.random). */
  random?: () => number;
}

/** Python's `int(timeout)` and friends refuse these; a Django site never passes them. */
export function checkTimeout(timeout: number | null): void {
  if (timeout !== null && (typeof timeout !== 'number' || !Number.isFinite(timeout))) {
    throw new ImproperlyConfigured(`A cache timeout must be null or a finite number of seconds, not ${String(timeout)}`);
  }
}

/**
 * What Django's RedisCache and django-redis share: make_key, the choice of server, GET, DEL and
 * EXISTS. The two differ in their value format and in how they apply timeouts (set and add).
 */
export abstract class RedisBackedCache implements DjangoCache {
  protected readonly servers: readonly RedisCommands[];
  readonly keyPrefix: string;
  readonly version: number;
  private readonly keyFunction: CacheKeyFunction;
  private readonly random: () => number;

  constructor(
    options: RedisCacheOptions,
    protected readonly codec: CacheValueCodec,
  ) {
    if (!options.servers?.length) throw new ImproperlyConfigured('A Redis cache needs at least one server');
    this.servers = options.servers;
    this.keyPrefix = options.keyPrefix ?? '';
    this.version = options.version ?? 1;
    this.keyFunction = options.keyFunction ?? defaultKeyFunction;
    this.random = options.random ?? Math.random;
    if (typeof this.keyPrefix !== 'string') throw new ImproperlyConfigured('KEY_PREFIX must be a string');
    if (typeof this.keyFunction !== 'function') throw new ImproperlyConfigured('KEY_FUNCTION must be a function (key, keyPrefix, version) => string');
  }

  /** `make_key`: the key in the server. redis-py would fail to encode a lone surrogate; so does this. */
  makeKey(key: string): string {
    const made = this.keyFunction(key, this.keyPrefix, this.version);
    if (typeof made !== 'string') throw new ImproperlyConfigured(`KEY_FUNCTION returned ${typeof made}, not a string`);
    if (!isWellFormedUtf16(made)) throw new SerializationError('A cache key with a lone surrogate cannot be encoded as UTF-8');
    return made;
  }

  /** Index 0 for writes and single servers, else one of the others (`random.randint(1, n - 1)`). */
  protected server(write: boolean): RedisCommands {
    const n = this.servers.length;
    if (write || n === 1) return this.servers[0];
    return this.servers[1 + Math.min(n - 2, Math.floor(this.random() * (n - 1)))];
  }

  async get(key: string): Promise<unknown> {
    const data = await this.server(false).get(this.makeKey(key));
    return data === null ? undefined : this.codec.decode(data);
  }

  abstract set(key: string, value: unknown, timeout: number | null): Promise<void>;
  abstract add(key: string, value: unknown, timeout: number | null): Promise<boolean>;

  async delete(key: string): Promise<boolean> {
    return (await this.server(true).del(this.makeKey(key))) > 0;
  }

  async has(key: string): Promise<boolean> {
    return (await this.server(false).exists(this.makeKey(key))) > 0;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
  }
}
