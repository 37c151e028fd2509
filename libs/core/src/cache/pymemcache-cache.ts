import { CacheUnavailable, ImproperlyConfigured } from '../errors.js';
import { defaultKeyFunction, type CacheKeyFunction } from './cache-key.js';
import { type DjangoCache } from './django-cache.js';
import { type MemcachedConnection } from './memcached-connection.js';
import { memcachedExpiry } from './memcached-expiry.js';
import { memcachedKey } from './memcached-key.js';
import { pymemcacheDeserialize, pymemcacheSerialize, type PymemcacheSerdeOptions } from './pymemcache-serde.js';
import { RendezvousHash } from './rendezvous-hash.js';

export interface PyMemcacheDjangoCacheOptions extends PymemcacheSerdeOptions {
  /** The servers of LOCATION, each by pymemcache's name for it (memcached-server.ts) and its connection. */
  servers: readonly { node: string; connection: MemcachedConnection }[];
  /** KEY_PREFIX; default "". */
  keyPrefix?: string;
  /** VERSION; default 1. */
  version?: number;
  /** KEY_FUNCTION; default Django's. */
  keyFunction?: CacheKeyFunction;
  /** OPTIONS allow_unicode_keys; Django's PyMemcacheCache sets true. */
  allowUnicodeKeys?: boolean;
  /** OPTIONS key_prefix: pymemcache's bytes before every key sent (not hashed); default none. */
  clientKeyPrefix?: Uint8Array;
  /** Clock for timeouts beyond 30 days (absolute times); default Date.now. */
  now?: () => number;
}

/**
 * Django's `PyMemcacheCache` over pymemcache's HashClient, framework-free: Django's make_key and
 * key checks, pymemcache's serde (pickle_serde) and server choice (RendezvousHash), Django's
 * memcached timeouts. An entry either side writes is read by the other, on the same server.
 *
 * Unlike HashClient, a server that fails is never taken out of the ring (HashClient does so per
 * process after retry_attempts failures and moves its keys elsewhere): its keys throw
 * CacheUnavailable until it is back, so no key is ever read from a server Django does not use.
 */
export class PyMemcacheDjangoCache implements DjangoCache {
  private readonly ring: RendezvousHash;
  private readonly connections = new Map<string, MemcachedConnection>();
  private readonly keyPrefix: string;
  private readonly version: number;
  private readonly keyFunction: CacheKeyFunction;
  private readonly keyOptions: { allowUnicodeKeys: boolean; clientKeyPrefix: Uint8Array };
  private readonly serde: PymemcacheSerdeOptions;
  private readonly now: () => number;
  private closed = false;

  constructor(options: PyMemcacheDjangoCacheOptions) {
    if (!options.servers.length) throw new ImproperlyConfigured('A memcached cache needs at least one server in LOCATION');
    for (const { node, connection } of options.servers) {
      // HashClient keeps one client per name: the last of duplicates wins, on the same ring slot.
      this.connections.set(node, connection);
    }
    this.ring = new RendezvousHash(this.connections.keys());
    this.keyPrefix = options.keyPrefix ?? '';
    this.version = options.version ?? 1;
    this.keyFunction = options.keyFunction ?? defaultKeyFunction;
    this.keyOptions = { allowUnicodeKeys: options.allowUnicodeKeys ?? true, clientKeyPrefix: options.clientKeyPrefix ?? new Uint8Array(0) };
    this.serde = { pickleProtocol: options.pickleProtocol, unpickle: options.unpickle, intMaxStrDigits: options.intMaxStrDigits };
    pymemcacheSerialize(0, this.serde); // a bad pickleProtocol fails here, not at the first set
    this.now = options.now ?? Date.now;
  }

  /** Django's make_key, then the checks: the key as sent, and the connection of its server. */
  private route(key: string): { wire: Buffer; connection: MemcachedConnection; made: string } {
    if (this.closed) throw new CacheUnavailable('This memcached cache is closed');
    const made = this.keyFunction(key, this.keyPrefix, this.version);
    const wire = memcachedKey(made, this.keyOptions);
    const node = this.ring.getNode(made)!;
    return { wire, connection: this.connections.get(node)!, made };
  }

  /** The name of the server a key is stored on, as pymemcache's HashClient chooses it. */
  serverFor(key: string): string {
    return this.ring.getNode(this.keyFunction(key, this.keyPrefix, this.version))!;
  }

  async get(key: string): Promise<unknown> {
    const { wire, connection } = this.route(key);
    const entry = await connection.get(wire);
    return entry === null ? undefined : pymemcacheDeserialize(entry, this.serde);
  }

  async set(key: string, value: unknown, timeout: number | null): Promise<void> {
    const { wire, connection } = this.route(key);
    const entry = pymemcacheSerialize(value, this.serde);
    // Django deletes the key when set did not store, so no old value outlives a failed set.
    if (!(await connection.store('set', wire, entry, memcachedExpiry(timeout, this.now())))) await connection.delete(wire);
  }

  async add(key: string, value: unknown, timeout: number | null): Promise<boolean> {
    const { wire, connection } = this.route(key);
    const entry = pymemcacheSerialize(value, this.serde);
    return connection.store('add', wire, entry, memcachedExpiry(timeout, this.now()));
  }

  async delete(key: string): Promise<boolean> {
    const { wire, connection } = this.route(key);
    return connection.delete(wire);
  }

  /**
   * Django's has_key is a get that found something. An entry that is there but does not decode
   * counts as there (Django gets None for a bad pickle, which is not its "missing" marker).
   */
  async has(key: string): Promise<boolean> {
    const { wire, connection } = this.route(key);
    return (await connection.get(wire)) !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.connections.values()].map((connection) => connection.close()));
  }
}
