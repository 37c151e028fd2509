import { ImproperlyConfigured } from '@django-bridge/core';

/** TLS settings for rediss:// (node:tls options; PEM text or bytes, not file names). */
export interface RedisTlsOptions {
  /** CA certificate(s) to trust instead of Node's bundle (redis-py's ssl_ca_certs, read from its file). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate, for servers with tls-auth-clients (ssl_certfile). */
  cert?: string | Buffer;
  /** Its private key (ssl_keyfile). */
  key?: string | Buffer;
  /** The name the server certificate must carry; default the host of the URL. */
  servername?: string;
  /** false skips certificate checks (ssl_cert_reqs=none); default true. */
  rejectUnauthorized?: boolean;
}

/**
 * OPTIONS of a Redis cache entry in camelCase. Credentials and db in the URL win over these, as
 * redis-py's from_url lets the URL override its keyword arguments.
 */
export interface RedisCacheOptionsInput {
  /** ACL user (Redis 6+). */
  username?: string;
  /** AUTH password (requirepass, or the ACL user's). */
  password?: string;
  /** Database number when the URL names none; default 0. */
  db?: number;
  tls?: RedisTlsOptions;
  /** The location is a Redis Cluster's seed nodes. */
  cluster?: boolean;
  /** Sentinel's own ACL user and password (Sentinel's requirepass), when it has them. */
  sentinelUsername?: string;
  sentinelPassword?: string;
  /** django-redis only: SERIALIZER, 'pickle' (default), 'json', 'msgpack' or the class path. */
  serializer?: string;
  /** django-redis only: COMPRESSOR, 'none' (default), 'zlib' or the class path. */
  compressor?: string;
  /** django-redis only: PICKLE_VERSION (default 4, Python's DEFAULT_PROTOCOL up to 3.13). */
  pickleVersion?: number | string;
}

const COMMON = ['username', 'password', 'db', 'tls', 'cluster', 'sentinelUsername', 'sentinelPassword'] as const;
const DJANGO_REDIS_ONLY = ['serializer', 'compressor', 'pickleVersion'] as const;
const TLS_KEYS = ['ca', 'cert', 'key', 'servername', 'rejectUnauthorized'];

const isPem = (v: unknown) => typeof v === 'string' || Buffer.isBuffer(v);

/**
 * Checks OPTIONS for one backend; ImproperlyConfigured names the first wrong option. Django's
 * RedisCache has its fixed RedisSerializer: `serializer` there may only name that class.
 */
export function checkRedisCacheOptions(raw: Record<string, unknown> | undefined, djangoRedis: boolean, prefix: string): RedisCacheOptionsInput {
  const options = raw ?? {};
  const fail = (name: string, message: string): never => {
    throw new ImproperlyConfigured(`${prefix}.${name} ${message}`);
  };
  const known: readonly string[] = [...COMMON, ...DJANGO_REDIS_ONLY];
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) fail(name, `is not a Redis cache option (known: ${known.join(', ')})`);
    if (!djangoRedis && (name === 'compressor' || name === 'pickleVersion')) fail(name, "is django-redis's; Django's RedisCache has no such option");
  }
  for (const name of ['username', 'password', 'sentinelUsername', 'sentinelPassword', 'serializer', 'compressor'] as const) {
    if (options[name] !== undefined && (typeof options[name] !== 'string' || options[name] === '')) fail(name, 'must be a non-empty string');
  }
  if (options.db !== undefined && !(Number.isSafeInteger(options.db) && (options.db as number) >= 0)) fail('db', 'must be a whole number, 0 or more');
  if (options.cluster !== undefined && typeof options.cluster !== 'boolean') fail('cluster', 'must be true or false');
  if (!djangoRedis && options.serializer !== undefined && !['pickle', 'django.core.cache.backends.redis.RedisSerializer'].includes(options.serializer as string)) {
    fail('serializer', `"${String(options.serializer)}": Django's RedisCache writes with its RedisSerializer (pickle) only`);
  }
  const tls = options.tls as Record<string, unknown> | undefined;
  if (tls !== undefined) {
    if (!tls || typeof tls !== 'object' || Array.isArray(tls)) fail('tls', 'must be an object { ca, cert, key, servername, rejectUnauthorized }');
    for (const key of Object.keys(tls)) if (!TLS_KEYS.includes(key)) fail(`tls.${key}`, `is not a TLS option (known: ${TLS_KEYS.join(', ')})`);
    if (tls.ca !== undefined && !(isPem(tls.ca) || (Array.isArray(tls.ca) && tls.ca.every(isPem)))) fail('tls.ca', 'must be PEM text or bytes (or a list of them), not a file name');
    for (const key of ['cert', 'key'] as const) if (tls[key] !== undefined && !isPem(tls[key])) fail(`tls.${key}`, 'must be PEM text or bytes');
    if ((tls.cert === undefined) !== (tls.key === undefined)) fail(tls.cert === undefined ? 'tls.cert' : 'tls.key', 'is needed with the other: a client certificate and its key go together');
    if (tls.servername !== undefined && (typeof tls.servername !== 'string' || tls.servername === '')) fail('tls.servername', 'must be a host name');
    if (tls.rejectUnauthorized !== undefined && typeof tls.rejectUnauthorized !== 'boolean') fail('tls.rejectUnauthorized', 'must be true or false');
  }
  return options as RedisCacheOptionsInput;
}
