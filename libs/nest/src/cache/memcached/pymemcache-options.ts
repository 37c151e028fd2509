import { ImproperlyConfigured } from '@django-bridge/core';

/** The OPTIONS of a PyMemcacheCache entry as the bridge uses them. */
export interface PymemcacheOptions {
  allowUnicodeKeys: boolean;
  /** key_prefix, as bytes. */
  clientKeyPrefix: Buffer;
  /** serde's pickle_version. */
  pickleProtocol: number;
  /** connect_timeout and timeout, in milliseconds, when OPTIONS give them. */
  connectTimeout?: number;
  commandTimeout?: number;
  noDelay: boolean;
  /** socket_keepalive's idle time in milliseconds, or null. */
  keepAliveDelay: number | null;
}

/**
 * Django passes OPTIONS to pymemcache's HashClient as keyword arguments (over its own defaults
 * allow_unicode_keys=True, default_noreply=False, serde=pickle_serde), so these are HashClient's
 * argument names. Each is honoured, accepted without effect (and why), or refused.
 */
const WITHOUT_EFFECT: Record<string, string> = {
  retry_attempts: 'number',
  retry_timeout: 'number',
  dead_timeout: 'number',
  ignore_exc: 'boolean',
  use_pooling: 'boolean',
  max_pool_size: 'number',
  pool_idle_timeout: 'number',
};

const REFUSED: Record<string, string> = {
  serializer: 'a Python function; only pymemcache.serde.pickle_serde (or PickleSerde(pickle_version=N), given as { pickle_version: N }) is spoken',
  deserializer: 'a Python function; only pymemcache.serde.pickle_serde is spoken',
  socket_module: 'a Python module',
  lock_generator: 'a Python function',
  tls_context: 'TLS to memcached is not supported by the bridge (memjs has no TLS)',
};

const HONOURED = ['allow_unicode_keys', 'key_prefix', 'serde', 'connect_timeout', 'timeout', 'default_noreply', 'encoding', 'no_delay', 'socket_keepalive', 'hasher'];
const KNOWN = [...HONOURED, ...Object.keys(WITHOUT_EFFECT), ...Object.keys(REFUSED)];

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function seconds(value: unknown, where: string): number | undefined {
  if (value === null || value === undefined) return undefined; // None blocks forever in pymemcache; the bridge keeps its bound
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ImproperlyConfigured(`${where} must be a positive number of seconds or null`);
  return value * 1000;
}

export function parsePymemcacheOptions(options: Record<string, unknown> | undefined, where: string): PymemcacheOptions {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) throw new ImproperlyConfigured(`${where}.options must be an object (Django's OPTIONS)`);
  const given = options ?? {};
  const result: PymemcacheOptions = { allowUnicodeKeys: true, clientKeyPrefix: Buffer.alloc(0), pickleProtocol: 5, noDelay: false, keepAliveDelay: null };
  for (const [name, value] of Object.entries(given)) {
    const at = `${where}.options.${name}`;
    if (!KNOWN.includes(name)) {
      const hint = KNOWN.includes(snakeCase(name)) ? ` (OPTIONS keep pymemcache's names: did you mean ${snakeCase(name)}?)` : '';
      throw new ImproperlyConfigured(`${at} is not an option of pymemcache's HashClient that the bridge knows${hint}`);
    }
    if (name in REFUSED) throw new ImproperlyConfigured(`${at} cannot be used: ${REFUSED[name]}`);
    if (name in WITHOUT_EFFECT) {
      if (value !== null && typeof value !== WITHOUT_EFFECT[name]) throw new ImproperlyConfigured(`${at} must be a ${WITHOUT_EFFECT[name]}`);
      continue;
    }
    switch (name) {
      case 'allow_unicode_keys':
      case 'no_delay':
        if (typeof value !== 'boolean') throw new ImproperlyConfigured(`${at} must be true or false`);
        if (name === 'allow_unicode_keys') result.allowUnicodeKeys = value;
        else result.noDelay = value;
        break;
      case 'key_prefix':
        if (typeof value === 'string') result.clientKeyPrefix = Buffer.from(value, 'utf8');
        else if (value instanceof Uint8Array) result.clientKeyPrefix = Buffer.from(value);
        else throw new ImproperlyConfigured(`${at} must be bytes (a Uint8Array) or a string`);
        break;
      case 'serde': {
        if (value === 'pymemcache.serde.pickle_serde') break;
        const version = (value as { pickle_version?: unknown } | null)?.pickle_version;
        const keys = value && typeof value === 'object' ? Object.keys(value) : [];
        if (keys.length !== 1 || typeof version !== 'number' || !Number.isInteger(version) || version < 2 || version > 5) {
          throw new ImproperlyConfigured(`${at} must be "pymemcache.serde.pickle_serde" or { pickle_version: 2..5 } (PickleSerde(pickle_version=N)); other serdes are not spoken`);
        }
        result.pickleProtocol = version;
        break;
      }
      case 'connect_timeout':
        result.connectTimeout = seconds(value, at);
        break;
      case 'timeout':
        result.commandTimeout = seconds(value, at);
        break;
      case 'default_noreply':
        // With noreply, pymemcache's add always answers True: two sessions could claim one key.
        if (value !== false) throw new ImproperlyConfigured(`${at} must be false: the bridge reads every reply (add's answer is how a session key is claimed)`);
        break;
      case 'encoding':
        // Only numbers are encoded with it; their digits are the same bytes in these.
        if (typeof value !== 'string' || !['ascii', 'utf8', 'utf-8', 'latin1', 'latin-1'].includes(value.toLowerCase())) throw new ImproperlyConfigured(`${at} must be "ascii", "utf8" or "latin1"`);
        break;
      case 'socket_keepalive': {
        if (value === null || value === false) break;
        const idle = (value as { idle?: unknown } | null)?.idle ?? 1; // KeepaliveOpts() defaults: idle=1, intvl=1, cnt=5
        if (typeof value !== 'object' || typeof idle !== 'number' || !Number.isInteger(idle) || idle < 1) throw new ImproperlyConfigured(`${at} must be null or { idle, intvl, cnt } (KeepaliveOpts) with idle >= 1`);
        result.keepAliveDelay = idle * 1000;
        break;
      }
      case 'hasher':
        if (value !== 'pymemcache.client.rendezvous.RendezvousHash') throw new ImproperlyConfigured(`${at}: only pymemcache.client.rendezvous.RendezvousHash (the default) is spoken`);
        break;
    }
  }
  return result;
}
