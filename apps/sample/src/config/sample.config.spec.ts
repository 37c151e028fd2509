import { describe, expect, it } from '@jest/globals';
import { DEMO_SECRET_KEY, EMBEDDED_APP_DATABASE_URL, EMBEDDED_DJANGO_DATABASE_URL, loadSampleConfig, SampleConfigError } from './sample.config.js';
import { ImproperlyConfigured, MemoryDjangoCache } from '@django-bridge/core';
import { describeSessionStorage, loadSessionSettings, sessionCache } from './session-engine-settings.js';

const REDIS = 'django.core.cache.backends.redis.RedisCache';
const DJANGO_REDIS = 'django_redis.cache.RedisCache';
const MEMCACHED = 'django.core.cache.backends.memcached.PyMemcacheCache';

/** The SampleConfigError loading `env` throws (fails the test when it loads). */
function refusal(env: NodeJS.ProcessEnv): SampleConfigError {
  try {
    loadSampleConfig(env);
  } catch (err) {
    if (err instanceof SampleConfigError) return err;
    throw err;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe('loadSampleConfig', () => {
  it('defaults to the embedded SQLite databases on port 3000', () => {
    expect(loadSampleConfig({})).toEqual({
      djangoDatabaseUrl: EMBEDDED_DJANGO_DATABASE_URL,
      djangoReplicaUrls: [],
      appDatabaseUrl: EMBEDDED_APP_DATABASE_URL,
      embedded: true,
      secretKey: DEMO_SECRET_KEY,
      secretKeyFallbacks: [],
      sessionCookieName: 'sessionid',
      sessionSerializer: 'json',
      sessionEngine: 'db',
      cache: null,
      djangoVersion: '6.1',
      useTz: true,
      timeZone: 'UTC',
      port: 3000,
      host: '127.0.0.1',
      httpAdapter: 'express',
      passwords: { hashers: undefined, workFactors: {}, upgrade: 'django' },
      databasePoolSize: null,
      workerHeader: false,
      authentication: ['session', 'token', 'jwt'],
      verifiedSessionCache: false,
    });
  });

  it('reads the credentials and the verified-session cache, refusing what it does not know', () => {
    const config = loadSampleConfig({ DJANGO_AUTHENTICATION: ' JWT, session ', VERIFIED_SESSION_CACHE_TTL_MS: '5000', VERIFIED_SESSION_CACHE_MAX_ENTRIES: '20' });
    expect([config.authentication, config.verifiedSessionCache]).toEqual([['jwt', 'session'], { ttl: 5000, maxEntries: 20 }]);
    expect(() => loadSampleConfig({ DJANGO_AUTHENTICATION: 'session,kerberos' })).toThrow(/DJANGO_AUTHENTICATION/);
    expect(() => loadSampleConfig({ DJANGO_AUTHENTICATION: 'token,token' })).toThrow(/twice/);
    expect(() => loadSampleConfig({ VERIFIED_SESSION_CACHE_TTL_MS: '-1' })).toThrow(/VERIFIED_SESSION_CACHE_TTL_MS/);
    expect(() => loadSampleConfig({ VERIFIED_SESSION_CACHE_MAX_ENTRIES: '0' })).toThrow(/VERIFIED_SESSION_CACHE_MAX_ENTRIES/);
  });

  it('reads DATABASE_POOL_SIZE and SAMPLE_WORKER_HEADER, refusing anything but their forms', () => {
    expect(loadSampleConfig({ DATABASE_POOL_SIZE: '4', SAMPLE_WORKER_HEADER: 'true' })).toMatchObject({ databasePoolSize: 4, workerHeader: true });
    for (const bad of ['0', '-1', '2.5', 'ten', '10000']) expect(refusal({ DATABASE_POOL_SIZE: bad }).variable).toBe('DATABASE_POOL_SIZE');
    expect(refusal({ SAMPLE_WORKER_HEADER: 'yes' }).variable).toBe('SAMPLE_WORKER_HEADER');
  });

  it('reads the password settings: PASSWORD_HASHERS (names or Django paths), work factors, the upgrade policy', () => {
    const config = loadSampleConfig({
      DJANGO_PASSWORD_HASHERS: 'django.contrib.auth.hashers.Argon2PasswordHasher, pbkdf2_sha256',
      DJANGO_PBKDF2_ITERATIONS: '870000',
      DJANGO_ARGON2_HASH_LENGTH: '16',
      DJANGO_SCRYPT_PARALLELISM: '1',
      DJANGO_BCRYPT_ROUNDS: '13',
      DJANGO_PASSWORD_UPGRADE: 'Stronger',
    });
    expect(config.passwords).toEqual({ hashers: ['argon2', 'pbkdf2_sha256'], workFactors: { iterations: 870000, bcryptRounds: 13, argon2: { hashLength: 16 }, scrypt: { parallelism: 1 } }, upgrade: 'stronger' });
  });

  it.each([
    ['DJANGO_PASSWORD_HASHERS', 'sha3'],
    ['DJANGO_PASSWORD_HASHERS', 'django.contrib.auth.hashers.FooHasher'],
    ['DJANGO_PASSWORD_HASHERS', ' , '],
    ['DJANGO_PBKDF2_ITERATIONS', 'many'],
    ['DJANGO_ARGON2_MEMORY_COST', '0'],
    ['DJANGO_PASSWORD_UPGRADE', 'sometimes'],
  ])('%s=%p stops start-up naming it', (variable, value) => {
    expect(() => loadSampleConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}`));
  });

  it('reads every variable', () => {
    const config = loadSampleConfig({
      DJANGO_DATABASE_URL: 'mysql://root@127.0.0.1:3306/django',
      DJANGO_DATABASE_REPLICA_URLS: 'mysql://ro@replica1/django, mysql://ro@replica2/django',
      APP_DATABASE_URL: 'postgres://app@127.0.0.1/app',
      DJANGO_SECRET_KEY: 'new-secret-key',
      DJANGO_SECRET_KEY_FALLBACKS: 'old-key-1, old-key-2',
      DJANGO_SESSION_COOKIE_NAME: 'PHPSESSID',
      DJANGO_SESSION_SERIALIZER: 'php',
      DJANGO_VERSION: '4.2',
      DJANGO_USE_TZ: 'false',
      DJANGO_TIME_ZONE: 'Europe/Berlin',
      PORT: '8080',
      HTTP_ADAPTER: 'Fastify',
    });
    expect(config).toMatchObject({
      embedded: false,
      djangoReplicaUrls: ['mysql://ro@replica1/django', 'mysql://ro@replica2/django'],
      secretKeyFallbacks: ['old-key-1', 'old-key-2'],
      sessionCookieName: 'PHPSESSID',
      sessionSerializer: 'php',
      djangoVersion: '4.2',
      useTz: false,
      timeZone: 'Europe/Berlin',
      port: 8080,
      httpAdapter: 'fastify',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ DJANGO_DATABASE_URL: 'mysql://root@127.0.0.1/x' }, 'DJANGO_SECRET_KEY'],
    [{ DJANGO_DATABASE_URL: 'oracle://x/y', DJANGO_SECRET_KEY: 'long-enough-key' }, 'DJANGO_DATABASE_URL'],
    [{ DJANGO_DATABASE_URL: 'mysql://host', DJANGO_SECRET_KEY: 'long-enough-key' }, 'DJANGO_DATABASE_URL'],
    [{ APP_DATABASE_URL: 'not a url' }, 'APP_DATABASE_URL'],
    [{ DJANGO_DATABASE_REPLICA_URLS: 'redis://x' }, 'DJANGO_DATABASE_REPLICA_URLS'],
    [{ DJANGO_SECRET_KEY: 'short' }, 'DJANGO_SECRET_KEY'],
    [{ DJANGO_SECRET_KEY_FALLBACKS: 'a-key,,b-key' }, 'DJANGO_SECRET_KEY_FALLBACKS'],
    [{ DJANGO_SECRET_KEY_FALLBACKS: 'old-key', DJANGO_VERSION: '3.2' }, 'DJANGO_SECRET_KEY_FALLBACKS'],
    [{ DJANGO_SESSION_COOKIE_NAME: 'bad name;' }, 'DJANGO_SESSION_COOKIE_NAME'],
    [{ DJANGO_SESSION_SERIALIZER: 'pickle' }, 'DJANGO_SESSION_SERIALIZER'],
    [{ DJANGO_VERSION: '2.2' }, 'DJANGO_VERSION'],
    [{ DJANGO_USE_TZ: 'maybe' }, 'DJANGO_USE_TZ'],
    [{ DJANGO_TIME_ZONE: 'Mars/Olympus' }, 'DJANGO_TIME_ZONE'],
    [{ HTTP_ADAPTER: 'koa' }, 'HTTP_ADAPTER'],
    [{ HTTP_ADAPTER: 'express,fastify' }, 'HTTP_ADAPTER'],
  ])('%j stops start-up naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadSampleConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SampleConfigError);
    expect((error as SampleConfigError).variable).toBe(variable);
    expect((error as Error).message.startsWith(`${variable} `)).toBe(true);
  });

  describe('DJANGO_SESSION_ENGINE and CACHES["default"]', () => {
    it.each([
      ['db', 'db'],
      ['cache', 'cache'],
      ['cached_db', 'cached_db'],
      ['signed_cookies', 'signed_cookies'],
      ['django.contrib.sessions.backends.cached_db', 'cached_db'],
      ['django.contrib.sessions.backends.signed_cookies', 'signed_cookies'],
      ['django.contrib.sessions.backends.db', 'db'],
      ['  Signed_Cookies ', 'signed_cookies'],
    ])('DJANGO_SESSION_ENGINE=%p is SESSION_ENGINE %s', (value, engine) => {
      const env = ['cache', 'cached_db'].includes(engine) ? { DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://127.0.0.1:6380/1' } : {};
      expect(loadSampleConfig({ DJANGO_SESSION_ENGINE: value, ...env }).sessionEngine).toBe(engine);
    });

    it('reads a full django-redis cache: LOCATION, KEY_PREFIX, VERSION, OPTIONS, the timeouts', () => {
      const config = loadSampleConfig({
        DJANGO_SESSION_ENGINE: 'cache',
        DJANGO_CACHE_BACKEND: DJANGO_REDIS,
        DJANGO_CACHE_URL: ' rediss://:pw@cache.example.com:6380/2 ',
        DJANGO_CACHE_KEY_PREFIX: 'site1',
        DJANGO_CACHE_VERSION: '3',
        DJANGO_REDIS_SERIALIZER: 'json',
        DJANGO_REDIS_COMPRESSOR: 'ZLIB',
        DJANGO_CACHE_CONNECT_TIMEOUT_MS: '500',
        DJANGO_CACHE_COMMAND_TIMEOUT_MS: '250',
      });
      expect(config.cache).toEqual({
        backend: DJANGO_REDIS,
        location: 'rediss://:pw@cache.example.com:6380/2',
        keyPrefix: 'site1',
        version: 3,
        options: { serializer: 'json', compressor: 'zlib' },
        connectTimeout: 500,
        commandTimeout: 250,
      });
      expect(sessionCache(config)).toBe(config.cache);
    });

    it("takes django-redis's class paths as settings.py names them", () => {
      const config = loadSampleConfig({
        DJANGO_SESSION_ENGINE: 'cached_db',
        DJANGO_CACHE_BACKEND: DJANGO_REDIS,
        DJANGO_CACHE_URL: 'redis://127.0.0.1:6380/0',
        DJANGO_REDIS_SERIALIZER: 'django_redis.serializers.msgpack.MSGPackSerializer',
        DJANGO_REDIS_COMPRESSOR: 'django_redis.compressors.identity.IdentityCompressor',
      });
      expect(config.cache!.options).toEqual({ serializer: 'msgpack', compressor: 'none' });
    });

    it('leaves out what is not set: KEY_PREFIX "", VERSION 1, no OPTIONS, the bridge\'s timeouts', () => {
      expect(loadSampleConfig({ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://127.0.0.1:6380' }).cache).toEqual({ backend: REDIS, location: 'redis://127.0.0.1:6380' });
    });

    it.each([
      [REDIS, 'redis://primary:6379/0, redis://replica:6379/0'],
      [REDIS, 'unix:///run/redis/redis.sock?db=1'],
      [DJANGO_REDIS, 'redis+sentinel://sentinel-1:26379/mymaster/0,redis+sentinel://sentinel-2:26379/mymaster/0'],
      [DJANGO_REDIS, 'rediss://:pw@cache.example.com:6380/0?ssl_cert_reqs=none'],
      [MEMCACHED, '127.0.0.1:11211'],
      [MEMCACHED, 'cache-1:11211;cache-2:11211,cache-3'],
      [MEMCACHED, '[::1]:11211,unix:/run/memcached.sock'],
    ])('%s takes LOCATION %p, handed to the bridge as given', (backend, url) => {
      const cache = loadSampleConfig({ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_BACKEND: backend, DJANGO_CACHE_URL: ` ${url} ` }).cache!;
      expect(cache).toEqual({ backend, location: url });
    });

    it('DJANGO_CACHE_CLUSTER=true reads the Redis URLs as Cluster seeds (options.cluster)', () => {
      for (const backend of [REDIS, DJANGO_REDIS]) {
        const cache = loadSampleConfig({ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_BACKEND: backend, DJANGO_CACHE_URL: 'redis://node-1:7000,redis://node-2:7000', DJANGO_CACHE_CLUSTER: 'True' }).cache!;
        expect(cache).toEqual({ backend, location: 'redis://node-1:7000,redis://node-2:7000', options: { cluster: true } });
      }
      expect(loadSampleConfig({ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_CACHE_CLUSTER: 'false' }).cache).toEqual({ backend: REDIS, location: 'redis://h' });
    });

    it('takes KEY_PREFIX as given (spaces too) for Redis, and any whole VERSION', () => {
      const cache = loadSampleConfig({ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_KEY_PREFIX: 'my site', DJANGO_CACHE_VERSION: '-2' }).cache!;
      expect(cache).toMatchObject({ keyPrefix: 'my site', version: -2 });
    });

    it('accepts a cache with the db and signed_cookies engines, as Django does, but does not hand it to the bridge', () => {
      for (const engine of ['db', 'signed_cookies']) {
        const config = loadSampleConfig({ DJANGO_SESSION_ENGINE: engine, DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: '127.0.0.1:11211' });
        expect(config.cache).toEqual({ backend: MEMCACHED, location: '127.0.0.1:11211' });
        expect(sessionCache(config)).toBeNull();
        expect(describeSessionStorage(config).join('\n')).toMatch(/configured but SESSION_ENGINE \w+ does not use it: not connected/);
      }
    });

    it('never prints the cache URL (it may hold a password) at start-up', () => {
      const config = loadSampleConfig({ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://:hunter2@h:6379' });
      expect(describeSessionStorage(config)).toEqual(['Sessions (SESSION_ENGINE cache): CACHES["default"] only', `Cache "default": ${REDIS} at DJANGO_CACHE_URL`]);
    });

    it.each([
      [{ DJANGO_SESSION_ENGINE: 'file' }, 'DJANGO_SESSION_ENGINE', /must be one of db, cache, cached_db, signed_cookies .*not "file"/],
      [{ DJANGO_SESSION_ENGINE: 'django.contrib.sessions.backends.file' }, 'DJANGO_SESSION_ENGINE', /not "django.contrib.sessions.backends.file"/],
      [{ DJANGO_SESSION_ENGINE: 'myapp.sessions.backends.cache' }, 'DJANGO_SESSION_ENGINE', /must be one of/],
      [{ DJANGO_SESSION_ENGINE: 'cache' }, 'DJANGO_CACHE_BACKEND', /is required with DJANGO_SESSION_ENGINE=cache .*PyMemcacheCache/],
      [{ DJANGO_SESSION_ENGINE: 'cached_db' }, 'DJANGO_CACHE_BACKEND', /is required with DJANGO_SESSION_ENGINE=cached_db/],
      [{ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_URL: 'redis://h' }, 'DJANGO_CACHE_BACKEND', /is required/],
      [{ DJANGO_SESSION_ENGINE: 'signed_cookies', DJANGO_SESSION_SERIALIZER: 'php' }, 'DJANGO_SESSION_SERIALIZER', /must be "json" with DJANGO_SESSION_ENGINE=signed_cookies/],
      [{ DJANGO_CACHE_BACKEND: 'django.core.cache.backends.locmem.LocMemCache', DJANGO_CACHE_URL: 'x' }, 'DJANGO_CACHE_BACKEND', /must be one of .*RedisCache/],
      [{ DJANGO_CACHE_BACKEND: 'django.core.cache.backends.memcached.PyLibMCCache', DJANGO_CACHE_URL: 'h:11211' }, 'DJANGO_CACHE_BACKEND', /must be one of/],
      [{ DJANGO_CACHE_BACKEND: 'redis', DJANGO_CACHE_URL: 'redis://h' }, 'DJANGO_CACHE_BACKEND', /not "redis"/],
      [{ DJANGO_CACHE_BACKEND: REDIS }, 'DJANGO_CACHE_URL', /is required with DJANGO_CACHE_BACKEND=/],
      [{ DJANGO_CACHE_URL: 'redis://h' }, 'DJANGO_CACHE_URL', /is set but DJANGO_CACHE_BACKEND is not/],
      [{ DJANGO_CACHE_KEY_PREFIX: 'site' }, 'DJANGO_CACHE_KEY_PREFIX', /is set but DJANGO_CACHE_BACKEND is not/],
      [{ DJANGO_CACHE_VERSION: '2' }, 'DJANGO_CACHE_VERSION', /is set but DJANGO_CACHE_BACKEND is not/],
      [{ DJANGO_REDIS_SERIALIZER: 'json' }, 'DJANGO_REDIS_SERIALIZER', /is set but DJANGO_CACHE_BACKEND is not/],
      [{ DJANGO_REDIS_COMPRESSOR: 'zlib' }, 'DJANGO_REDIS_COMPRESSOR', /is set but DJANGO_CACHE_BACKEND is not/],
      [{ DJANGO_CACHE_CONNECT_TIMEOUT_MS: '100' }, 'DJANGO_CACHE_CONNECT_TIMEOUT_MS', /is set but DJANGO_CACHE_BACKEND is not/],
      [{ DJANGO_CACHE_COMMAND_TIMEOUT_MS: '100' }, 'DJANGO_CACHE_COMMAND_TIMEOUT_MS', /is set but DJANGO_CACHE_BACKEND is not/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: '127.0.0.1:6379' }, 'DJANGO_CACHE_URL', /"127.0.0.1:6379" is not a URL.*host:port is Memcached's form/],
      [{ DJANGO_CACHE_BACKEND: DJANGO_REDIS, DJANGO_CACHE_URL: 'localhost:6379' }, 'DJANGO_CACHE_URL', /is not a URL/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'memcached://h:11211' }, 'DJANGO_CACHE_URL', /has the scheme memcached:\/\//],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'http://h:6379' }, 'DJANGO_CACHE_URL', /has the scheme http:\/\//],
      [{ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'h:11211;' }, 'DJANGO_CACHE_URL', /has an empty entry/],
      // Django splits on "," and ";" and keeps the space, which pymemcache then fails on.
      [{ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'a:11211, b:11211' }, 'DJANGO_CACHE_URL', /is not usable: Memcached server " b:11211" has no valid host/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h:6379/zero' }, 'DJANGO_CACHE_URL', /is not usable: .*names database "zero"/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_CACHE_CLUSTER: 'yes' }, 'DJANGO_CACHE_CLUSTER', /must be "true" or "false"/],
      [{ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'h', DJANGO_CACHE_CLUSTER: 'true' }, 'DJANGO_CACHE_CLUSTER', /is for Redis Cluster/],
      [{ DJANGO_CACHE_CLUSTER: 'true' }, 'DJANGO_CACHE_CLUSTER', /is set but DJANGO_CACHE_BACKEND is not/],
      [{ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'redis://127.0.0.1:6379/0' }, 'DJANGO_CACHE_URL', /is a URL, but .*PyMemcacheCache takes Memcached servers as host:port/],
      [{ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'h:11211,redis://h' }, 'DJANGO_CACHE_URL', /"redis:\/\/h" is a URL/],
      [{ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'h', DJANGO_CACHE_KEY_PREFIX: 'my site' }, 'DJANGO_CACHE_KEY_PREFIX', /spaces or control characters/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_CACHE_VERSION: 'one' }, 'DJANGO_CACHE_VERSION', /must be a whole number/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_CACHE_VERSION: '1.5' }, 'DJANGO_CACHE_VERSION', /must be a whole number/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_REDIS_SERIALIZER: 'json' }, 'DJANGO_REDIS_SERIALIZER', /only applies to DJANGO_CACHE_BACKEND=django_redis.cache.RedisCache/],
      [{ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'h', DJANGO_REDIS_SERIALIZER: 'pickle' }, 'DJANGO_REDIS_SERIALIZER', /only applies to/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_REDIS_COMPRESSOR: 'none' }, 'DJANGO_REDIS_COMPRESSOR', /only applies to/],
      [{ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'h', DJANGO_REDIS_COMPRESSOR: 'zlib' }, 'DJANGO_REDIS_COMPRESSOR', /only applies to/],
      [{ DJANGO_CACHE_BACKEND: DJANGO_REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_REDIS_SERIALIZER: 'yaml' }, 'DJANGO_REDIS_SERIALIZER', /must be one of pickle, json, msgpack .*not "yaml"/],
      [{ DJANGO_CACHE_BACKEND: DJANGO_REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_REDIS_SERIALIZER: 'django_redis.serializers.yaml.YAMLSerializer' }, 'DJANGO_REDIS_SERIALIZER', /must be one of/],
      [{ DJANGO_CACHE_BACKEND: DJANGO_REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_REDIS_COMPRESSOR: 'lzma' }, 'DJANGO_REDIS_COMPRESSOR', /must be one of none, zlib .*not "lzma"/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_CACHE_CONNECT_TIMEOUT_MS: '0' }, 'DJANGO_CACHE_CONNECT_TIMEOUT_MS', /positive whole number of milliseconds/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_CACHE_CONNECT_TIMEOUT_MS: '1.5' }, 'DJANGO_CACHE_CONNECT_TIMEOUT_MS', /positive whole number/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_CACHE_COMMAND_TIMEOUT_MS: 'fast' }, 'DJANGO_CACHE_COMMAND_TIMEOUT_MS', /positive whole number/],
      [{ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_CACHE_COMMAND_TIMEOUT_MS: '-5' }, 'DJANGO_CACHE_COMMAND_TIMEOUT_MS', /positive whole number/],
    ])('%j stops start-up naming %s', (env, variable, message) => {
      const err = refusal(env);
      expect(err.variable).toBe(variable);
      expect(err.message.startsWith(`${variable} `)).toBe(true);
      expect(err.message).toMatch(message);
    });

    it('masks the password of a refused URL', () => {
      const err = refusal({ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'memcached://user:s3cret@h:11211' });
      expect(err.message).toContain('memcached://user:***@h:11211');
      expect(err.message).not.toContain('s3cret');
      expect(refusal({ DJANGO_CACHE_BACKEND: MEMCACHED, DJANGO_CACHE_URL: 'redis://:s3cret@h:6379' }).message).not.toContain('s3cret');
    });

    it("hands the settings to the bridge's builder and closes what it built (nothing connects)", () => {
      const built: unknown[] = [];
      let closed = 0;
      const builder = (alias: string, settings: unknown) => {
        built.push([alias, settings]);
        const cache = new MemoryDjangoCache();
        cache.close = async () => void (closed += 1);
        return cache;
      };
      loadSessionSettings({ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h', DJANGO_CACHE_VERSION: '2' }, 'json', builder);
      expect(built).toEqual([['default', { backend: REDIS, location: 'redis://h', version: 2 }]]);
      expect(closed).toBe(1);
    });

    it.each([
      ['caches.default.location: "redis://h:x" is not a URL (redis://host:port/db, ...)', 'DJANGO_CACHE_URL', 'DJANGO_CACHE_URL is not usable: "redis://h:x" is not a URL (redis://host:port/db, ...)'],
      ['caches.default.location must be a URL or a non-empty list of URLs, with no empty entry', 'DJANGO_CACHE_URL', 'DJANGO_CACHE_URL is not usable: must be a URL or a non-empty list of URLs, with no empty entry'],
      ['caches.default.options.serializer "yaml" is not one of pickle, json, msgpack', 'DJANGO_REDIS_SERIALIZER', 'DJANGO_REDIS_SERIALIZER is not usable: "yaml" is not one of pickle, json, msgpack'],
      ['caches.default.options.compressor "lz4" is not one of none, zlib', 'DJANGO_REDIS_COMPRESSOR', 'DJANGO_REDIS_COMPRESSOR is not usable: "lz4" is not one of none, zlib'],
      ['caches.default.options.cluster must be true or false', 'DJANGO_CACHE_CLUSTER', 'DJANGO_CACHE_CLUSTER is not usable: must be true or false'],
      ['caches.default.keyPrefix must be a string', 'DJANGO_CACHE_KEY_PREFIX', 'DJANGO_CACHE_KEY_PREFIX is not usable: must be a string'],
      ['caches.default.version must be a whole number', 'DJANGO_CACHE_VERSION', 'DJANGO_CACHE_VERSION is not usable: must be a whole number'],
      ['caches.default.connectTimeout must be a positive number of milliseconds', 'DJANGO_CACHE_CONNECT_TIMEOUT_MS', 'DJANGO_CACHE_CONNECT_TIMEOUT_MS is not usable: must be a positive number of milliseconds'],
      ['caches.default.commandTimeout must be a positive number of milliseconds', 'DJANGO_CACHE_COMMAND_TIMEOUT_MS', 'DJANGO_CACHE_COMMAND_TIMEOUT_MS is not usable: must be a positive number of milliseconds'],
      ['caches.default: A memcached cache needs at least one server in LOCATION', 'DJANGO_CACHE_URL', 'DJANGO_CACHE_URL is not usable: A memcached cache needs at least one server in LOCATION'],
      ['caches.default: django_redis.cache.RedisCache is not available yet', 'DJANGO_CACHE_BACKEND', 'DJANGO_CACHE_BACKEND is not usable: django_redis.cache.RedisCache is not available yet'],
      ['caches.default.location: "redis://user:pw@h:1/x" names database "x"', 'DJANGO_CACHE_URL', 'DJANGO_CACHE_URL is not usable: "redis://user:***@h:1/x" names database "x"'],
    ])("the bridge's refusal %p names %s", (bridgeMessage, variable, message) => {
      const builder = () => {
        throw new ImproperlyConfigured(bridgeMessage);
      };
      let error: unknown;
      try {
        loadSessionSettings({ DJANGO_SESSION_ENGINE: 'cache', DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h' }, 'json', builder);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(SampleConfigError);
      expect((error as SampleConfigError).variable).toBe(variable);
      expect((error as Error).message).toBe(message);
    });

    it("lets the builder's other errors through as they are", () => {
      const builder = () => {
        throw new TypeError('a bug');
      };
      expect(() => loadSessionSettings({ DJANGO_CACHE_BACKEND: REDIS, DJANGO_CACHE_URL: 'redis://h' }, 'json', builder)).toThrow(TypeError);
    });
  });
});
