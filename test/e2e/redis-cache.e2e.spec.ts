/**
 * createRedisCache against real redis-server processes started here: a plain server, ACL users
 * and passwords, TLS with client certificates, Sentinel (with a failover to the replica), Cluster
 * (keys over every master), and the failures a user meets: a server down, one that accepts and
 * never answers, one that stops answering mid-way, a garbage entry, and recovery afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deflateSync } from 'node:zlib';
import { CacheUnavailable, ImproperlyConfigured, SerializationError, type DjangoCache } from '@django-bridge/core';
import { createRedisCache } from '../../libs/nest/src/cache/redis/create-redis-cache.js';
import type { DjangoCacheSettings } from '../../libs/nest/src/cache/django-cache-settings.js';
import { randomSession, randomToken } from '../support/random.js';
import { aclConfig, makeTestCertificates, startCluster, startRedis, startSentinelGroup, startSilentListener, type RedisProcess, type TestCertificates } from '../support/redis-servers.js';

const BUILTIN = 'django.core.cache.backends.redis.RedisCache';
const DJANGO_REDIS = 'django_redis.cache.RedisCache';
const BACKENDS = [BUILTIN, DJANGO_REDIS] as const;

const opened: DjangoCache[] = [];
function cache(settings: Partial<DjangoCacheSettings> & Pick<DjangoCacheSettings, 'location'>, backend: DjangoCacheSettings['backend'] = BUILTIN): DjangoCache {
  const c = createRedisCache('default', { backend, ...settings });
  opened.push(c);
  return c;
}

/** Runs `work`, expecting it to throw `type`; returns how long it took. */
async function timedFailure(work: () => Promise<unknown>, type: new (...args: never[]) => Error): Promise<{ ms: number; error: Error }> {
  const start = Date.now();
  let error: unknown;
  try {
    await work();
  } catch (err) {
    error = err;
  }
  const ms = Date.now() - start;
  expect(error).toBeInstanceOf(type);
  return { ms, error: error as Error };
}

/** Retries `work` until it succeeds or `limitMs` passes (failover, restarts). */
async function eventually<T>(work: () => Promise<T>, limitMs: number): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function roundTrip(c: DjangoCache): Promise<void> {
  const key = `django.contrib.sessions.cache${randomToken(32)}`;
  const session = { ...randomSession(), nested: { list: [1, 2.5, null, true, 'é€😀'] } };
  expect(await c.get(key)).toBeUndefined();
  expect(await c.add(key, session, 60)).toBe(true);
  expect(await c.add(key, { other: 1 }, 60)).toBe(false);
  expect(await c.get(key)).toEqual(session);
  expect(await c.has(key)).toBe(true);
  await c.set(key, 42, 60);
  expect(await c.get(key)).toBe(42);
  expect(await c.delete(key)).toBe(true);
  expect(await c.delete(key)).toBe(false);
  expect(await c.has(key)).toBe(false);
}

afterAll(async () => {
  await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
});

describe('standalone', () => {
  let server: RedisProcess;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(() => server?.destroy());

  it.each(BACKENDS)('%s: add, get, set, has, delete, on db 3 of a redis:// URL', async (backend) => {
    const c = cache({ location: server.url(3), keyPrefix: 'p', version: 2 }, backend);
    await roundTrip(c);
    await c.set('where', 'here', null);
    expect(server.must(['-n', '3', 'EXISTS', 'p:2:where'])).toBe('1');
    expect(server.must(['-n', '3', 'TTL', 'p:2:where'])).toBe('-1');
  });

  it('opens no connection before the first command, and closes cleanly', async () => {
    const before = Number(/connected_clients:(\d+)/.exec(server.must(['INFO', 'clients']))![1]);
    const c = cache({ location: server.url() });
    expect(Number(/connected_clients:(\d+)/.exec(server.must(['INFO', 'clients']))![1])).toBe(before);
    await c.set('k', 1, 10);
    expect(Number(/connected_clients:(\d+)/.exec(server.must(['INFO', 'clients']))![1])).toBe(before + 1);
    await c.close();
    await eventually(async () => expect(Number(/connected_clients:(\d+)/.exec(server.must(['INFO', 'clients']))![1])).toBe(before), 2000);
    await expect(c.get('k')).rejects.toBeInstanceOf(CacheUnavailable);
  });
});

describe('several servers: writes to the first, reads from the others (Django and django-redis)', () => {
  let primary: RedisProcess;
  let replica: RedisProcess;
  beforeAll(async () => {
    primary = await startRedis();
    replica = await startRedis();
  });
  afterAll(async () => {
    await primary?.destroy();
    await replica?.destroy();
  });

  it.each(BACKENDS)('%s', async (backend) => {
    const c = cache({ location: backend === BUILTIN ? `${primary.url()};${replica.url()}` : [primary.url(), replica.url()] }, backend);
    replica.must(['FLUSHALL']);
    await c.set('k', 'v', 60);
    expect(primary.must(['EXISTS', ':1:k'])).toBe('1');
    // These two are not replicating: a read goes to the second server, which has nothing.
    expect(await c.get('k')).toBeUndefined();
    replica.must(['SET', ':1:k', '7']);
    expect(await c.get('k')).toBe(7);
    expect(await c.delete('k')).toBe(true);
    expect(primary.must(['EXISTS', ':1:k'])).toBe('0');
  });
});

describe('unix socket', () => {
  let server: RedisProcess;
  beforeAll(async () => {
    server = await startRedis({ config: ['unixsocket {dir}/redis.sock', 'unixsocketperm 700'] });
  });
  afterAll(() => server?.destroy());

  it.each(BACKENDS)('%s: unix:///path.sock?db=N', async (backend) => {
    const c = cache({ location: `unix://${server.dir}/redis.sock?db=5` }, backend);
    await roundTrip(c);
    await c.set('here', 1, null);
    expect(server.must(['-n', '5', 'EXISTS', ':1:here'])).toBe('1');
  });
});

describe('ACL users and passwords', () => {
  let server: RedisProcess;
  beforeAll(async () => {
    server = await startRedis({ config: [...aclConfig('default-pw', 'bridge', 'bridge:pw/€%@x'), 'user reader on >reader-pw ~* +get +exists +info +select +ping +client'], auth: ['default-pw'] });
  });
  afterAll(() => server?.destroy());

  it.each(BACKENDS)('%s: the user and password of the URL (%-encoded)', async (backend) => {
    await roundTrip(cache({ location: `redis://bridge:${encodeURIComponent('bridge:pw/€%@x')}@127.0.0.1:${server.port}/1` }, backend));
  });

  it('OPTIONS username and password; the URL wins over them', async () => {
    await roundTrip(cache({ location: server.url(), options: { username: 'bridge', password: 'bridge:pw/€%@x' } }));
    await roundTrip(cache({ location: `redis://bridge:${encodeURIComponent('bridge:pw/€%@x')}@127.0.0.1:${server.port}/0`, options: { username: 'nobody', password: 'wrong' } }));
  });

  it('a password alone (requirepass, the default user), in the URL or in OPTIONS', async () => {
    await roundTrip(cache({ location: `redis://:default-pw@127.0.0.1:${server.port}/2` }, DJANGO_REDIS));
    await roundTrip(cache({ location: server.url(2), options: { password: 'default-pw' } }));
  });

  it('wrong or missing credentials: CacheUnavailable saying why, fast', async () => {
    const wrong = await timedFailure(() => cache({ location: server.url(), options: { username: 'bridge', password: 'nope' } }).get('k'), CacheUnavailable);
    expect(wrong.error.message).toMatch(/WRONGPASS/);
    const missing = await timedFailure(() => cache({ location: server.url() }).get('k'), CacheUnavailable);
    expect(missing.error.message).toMatch(/NOAUTH|Authentication required/i);
    expect(Math.max(wrong.ms, missing.ms)).toBeLessThan(1500);
  });

  it('a user without the right to write: the refusal is CacheUnavailable, reads still work', async () => {
    const c = cache({ location: server.url(), options: { username: 'reader', password: 'reader-pw' } });
    expect(await c.get('nothing')).toBeUndefined();
    const { error } = await timedFailure(() => c.set('k', 1, 10), CacheUnavailable);
    expect(error.message).toMatch(/NOPERM/);
    expect(await c.has('nothing')).toBe(false);
  });
});

describe('TLS', () => {
  let certs: TestCertificates;
  let server: RedisProcess;
  beforeAll(async () => {
    certs = makeTestCertificates();
    server = await startRedis({ tls: certs });
  });
  afterAll(async () => {
    await server?.destroy();
    certs?.dispose();
  });

  const clientTls = () => ({ ca: certs.ca, cert: certs.clientCert, key: certs.clientKey });

  it.each(BACKENDS)('%s: rediss:// with our CA and a client certificate', async (backend) => {
    await roundTrip(cache({ location: server.url(4), options: { tls: clientTls() } }, backend));
    await roundTrip(cache({ location: `rediss://localhost:${server.port}/4`, options: { tls: { ...clientTls(), servername: 'localhost' } } }, backend));
  });

  it('refuses a server it cannot verify, or one with another name', async () => {
    const unknown = await timedFailure(() => cache({ location: server.url(), options: { tls: { cert: certs.clientCert, key: certs.clientKey } } }).get('k'), CacheUnavailable);
    expect(unknown.error.message).toMatch(/certificate/i);
    const renamed = await timedFailure(() => cache({ location: server.url(), options: { tls: { ...clientTls(), servername: 'other.example' } } }).get('k'), CacheUnavailable);
    expect(renamed.error.message).toMatch(/other\.example|altnames|certificate/i);
  });

  it('?ssl_cert_reqs=none skips the check, as in redis-py; the server still wants our certificate', async () => {
    await roundTrip(cache({ location: `${server.url()}?ssl_cert_reqs=none`, options: { tls: { cert: certs.clientCert, key: certs.clientKey } } }));
    await timedFailure(() => cache({ location: server.url(), options: { tls: { ca: certs.ca } } }).get('k'), CacheUnavailable);
  });

  it('plain redis:// to a TLS port fails within the bounds', async () => {
    const { ms } = await timedFailure(() => cache({ location: `redis://127.0.0.1:${server.port}/0`, connectTimeout: 1000, commandTimeout: 500 }).get('k'), CacheUnavailable);
    expect(ms).toBeLessThan(2500);
  });
});

describe('Sentinel', () => {
  let group: Awaited<ReturnType<typeof startSentinelGroup>>;
  const location = () => group.sentinels.map((s) => `redis+sentinel://:data-pw@127.0.0.1:${s.port}/${group.masterName}/2`);
  beforeAll(async () => {
    group = await startSentinelGroup({ count: 2, password: 'data-pw', sentinelPassword: 'sentinel-pw' });
  }, 60_000);
  afterAll(() => group?.destroy());

  it.each(BACKENDS)('%s: asks the Sentinels for the master and keeps the data there', async (backend) => {
    const c = cache({ location: location(), options: { sentinelPassword: 'sentinel-pw' } }, backend);
    await roundTrip(c);
    await c.set('on-master', 1, null);
    expect(group.master.must(['-n', '2', 'EXISTS', ':1:on-master'])).toBe('1');
  });

  it('wrong Sentinel password, or an unknown master: CacheUnavailable', async () => {
    await timedFailure(() => cache({ location: location(), options: { sentinelPassword: 'wrong' } }).get('k'), CacheUnavailable);
    await timedFailure(() => cache({ location: location().map((l) => l.replace(group.masterName, 'nosuchmaster')), options: { sentinelPassword: 'sentinel-pw' } }).get('k'), CacheUnavailable);
  });

  it('a Sentinel down: the next one answers', async () => {
    await group.sentinels[0].stop();
    try {
      await roundTrip(cache({ location: location(), options: { sentinelPassword: 'sentinel-pw' } }));
    } finally {
      await group.sentinels[0].start();
    }
  });

  it('the master dies: CacheUnavailable meanwhile, then the promoted replica serves the same data', async () => {
    const c = cache({ location: location(), options: { sentinelPassword: 'sentinel-pw' }, connectTimeout: 1000, commandTimeout: 500 });
    const session = randomSession();
    await c.set('survivor', session, null);
    group.master.must(['-n', '2', 'WAIT', '1', '2000']);
    const before = group.currentMaster();
    expect(before).toBe(group.master.address);
    await group.master.stop();
    const { ms } = await timedFailure(() => c.get('survivor'), CacheUnavailable);
    expect(ms).toBeLessThan(2000);
    expect(await eventually(() => c.get('survivor'), 45_000)).toEqual(session);
    expect(group.currentMaster()).toBe(group.replica.address);
    await c.set('after-failover', 1, 60);
    expect(group.replica.must(['-n', '2', 'EXISTS', ':1:after-failover'])).toBe('1');
  }, 90_000);
});

describe('Sentinel over TLS (rediss+sentinel://)', () => {
  let certs: TestCertificates;
  let group: Awaited<ReturnType<typeof startSentinelGroup>>;
  beforeAll(async () => {
    certs = makeTestCertificates();
    group = await startSentinelGroup({ count: 1, password: 'data-pw', sentinelPassword: 'sentinel-pw', tls: certs });
  }, 60_000);
  afterAll(async () => {
    await group?.destroy();
    certs?.dispose();
  });

  it.each(BACKENDS)('%s: TLS to the Sentinels and to the master', async (backend) => {
    const location = group.sentinels.map((s) => `rediss+sentinel://:data-pw@127.0.0.1:${s.port}/${group.masterName}/1`);
    const c = cache({ location, options: { sentinelPassword: 'sentinel-pw', tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } } }, backend);
    await roundTrip(c);
    await c.set('tls', 1, null);
    expect(group.master.must(['-n', '1', 'EXISTS', ':1:tls'])).toBe('1');
    await timedFailure(() => cache({ location, options: { sentinelPassword: 'sentinel-pw', tls: { cert: certs.clientCert, key: certs.clientKey } } }, backend).get('k'), CacheUnavailable);
  });
});

describe('Cluster', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  beforeAll(async () => {
    cluster = await startCluster(3);
  }, 90_000);
  afterAll(() => cluster?.destroy());

  it.each(BACKENDS)('%s: keys spread over every master and read back from any seed', async (backend) => {
    const c = cache({ location: cluster.nodes.map((n) => n.url()), options: { cluster: true }, keyPrefix: `${backend}-spread` }, backend);
    const keys = Array.from({ length: 60 }, (_, i) => `django.contrib.sessions.cache${i}${randomToken(20)}`);
    for (const [i, key] of keys.entries()) expect(await c.add(key, { i }, 600)).toBe(true);
    for (const node of cluster.nodes) expect(Number(node.must(['DBSIZE']))).toBeGreaterThan(0);
    for (const [i, key] of keys.entries()) expect(await c.get(key)).toEqual({ i });
    const fromOneSeed = cache({ location: cluster.nodes[2].url(), options: { cluster: true }, keyPrefix: `${backend}-spread` }, backend);
    for (const [i, key] of keys.entries()) expect(await fromOneSeed.get(key)).toEqual({ i });
    for (const key of keys) expect(await c.delete(key)).toBe(true);
  });

  it('a hash tag in KEY_PREFIX keeps every key on one slot', async () => {
    const c = cache({ location: cluster.nodes.map((n) => n.url()), options: { cluster: true }, keyPrefix: '{sessions}' });
    for (let i = 0; i < 20; i++) await c.set(`k${i}`, i, 600);
    const counts = cluster.nodes.map((n) => Number(n.must(['DBSIZE'])));
    expect(counts.filter((n) => n > 0)).toHaveLength(1);
    for (let i = 0; i < 20; i++) expect(await c.get(`k${i}`)).toBe(i);
  });
});

describe('failures', () => {
  it('a server that is down: CacheUnavailable within connectTimeout, and the client recovers when it is back', async () => {
    const server = await startRedis();
    try {
      const c = cache({ location: server.url(), connectTimeout: 800, commandTimeout: 400 });
      await c.set('k', 'v', 600);
      await server.stop();
      for (let i = 0; i < 3; i++) {
        const { ms } = await timedFailure(() => c.get('k'), CacheUnavailable);
        expect(ms).toBeLessThan(800 + 700);
      }
      await server.start();
      expect(await eventually(() => c.set('k', 'again', 600), 5000)).toBeUndefined();
      expect(await c.get('k')).toBe('again');
    } finally {
      await server.destroy();
    }
  });

  it('nothing listening at all (first use): CacheUnavailable at once', async () => {
    const server = await startRedis();
    const url = server.url();
    await server.destroy();
    const { ms, error } = await timedFailure(() => cache({ location: url }).get('k'), CacheUnavailable);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(ms).toBeLessThan(1500);
  });

  it('a listener that accepts and never answers: CacheUnavailable within commandTimeout, nothing piles up', async () => {
    const silent = await startSilentListener();
    try {
      const c = cache({ location: silent.url, connectTimeout: 3000, commandTimeout: 400 });
      const started = Date.now();
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => c.get(`k${i}`)));
      const ms = Date.now() - started;
      expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof CacheUnavailable)).toBe(true);
      expect(ms).toBeLessThan(400 + 1000);
      // One connection for the twenty commands that waited on it.
      expect(silent.accepted()).toBe(1);
      const again = await timedFailure(() => c.set('k', 1, 10), CacheUnavailable);
      expect(again.ms).toBeLessThan(400 + 1000);
      const slowConnect = await timedFailure(() => cache({ location: silent.url, connectTimeout: 300, commandTimeout: 5000 }).get('k'), CacheUnavailable);
      expect(slowConnect.ms).toBeLessThan(300 + 1000);
    } finally {
      await silent.close();
    }
  });

  it('a server that stops answering mid-way (SIGSTOP): CacheUnavailable within commandTimeout, fine again after SIGCONT', async () => {
    const server = await startRedis();
    try {
      const c = cache({ location: server.url(), connectTimeout: 1000, commandTimeout: 300 });
      await c.set('k', 'v', 600);
      server.pause();
      const { ms } = await timedFailure(() => c.get('k'), CacheUnavailable);
      expect(ms).toBeLessThan(300 + 700);
      const reconnect = await timedFailure(() => c.get('k'), CacheUnavailable);
      expect(reconnect.ms).toBeLessThan(1000 + 700);
      server.resume();
      expect(await eventually(() => c.get('k'), 5000)).toBe('v');
    } finally {
      server.resume();
      await server.destroy();
    }
  });

  it('garbage under a session key, or a key of another type: SerializationError', async () => {
    const server = await startRedis();
    try {
      for (const backend of BACKENDS) {
        const c = cache({ location: server.url() }, backend);
        server.must(['SET', ':1:django.contrib.sessions.cachegarbage', '\x80\x05not a pickle']);
        await expect(c.get('django.contrib.sessions.cachegarbage')).rejects.toBeInstanceOf(SerializationError);
        server.must(['RPUSH', ':1:a-list', 'x']);
        await expect(c.get('a-list')).rejects.toBeInstanceOf(SerializationError);
        // The connection is fine afterwards.
        await roundTrip(c);
      }
      const zlib = cache({ location: server.url(), options: { compressor: 'zlib' } }, DJANGO_REDIS);
      server.must(['-x', 'SET', ':1:bomb'], deflateSync(Buffer.alloc(64 * 1024 * 1024)));
      await expect(zlib.get('bomb')).rejects.toThrow(/exceeds/);
    } finally {
      await server.destroy();
    }
  });
});

describe('settings checked at creation', () => {
  const make = (settings: Partial<DjangoCacheSettings>, backend: DjangoCacheSettings['backend'] = BUILTIN) => () => createRedisCache('sessions', { backend, location: 'redis://127.0.0.1:1/0', ...settings } as DjangoCacheSettings);

  it.each([
    [{ location: 'http://x' }, /caches\.sessions\.location: "http:\/\/x" has the scheme http/],
    [{ location: 'localhost:6379' }, /caches\.sessions\.location/],
    [{ location: [] }, /caches\.sessions\.location must be a URL/],
    [{ location: 'redis://h/abc' }, /names database "abc"/],
    [{ location: 'redis://h/0?timeout=1' }, /query parameter "timeout"/],
    [{ location: 'redis://:secret@h/0?x=1' }, /redis:\/\/:\*\*\*@h\/0/],
    [{ location: 'redis+sentinel://h:26379' }, /must name the master/],
    [{ location: ['redis+sentinel://h:1/m/0', 'redis+sentinel://h:2/other/0'] }, /master name/],
    [{ location: ['redis+sentinel://h:1/m/0', 'redis://h:2/0'] }, /every entry must be redis\+sentinel/],
    [{ location: 'redis://h/1', options: { cluster: true } }, /Cluster has database 0 only/],
    [{ options: { serializer: 'json' } }, /options\.serializer .*RedisSerializer/],
    [{ options: { compressor: 'zlib' } }, /options\.compressor is django-redis's/],
    [{ options: { PASSWORD: 'x' } }, /options\.PASSWORD is not a Redis cache option/],
    [{ options: { tls: { ca: '/etc/ssl/ca.pem', cert: 1 } } }, /options\.tls\.cert must be PEM/],
    [{ options: { tls: { cert: 'x' } } }, /options\.tls\.key is needed/],
    [{ options: { db: -1 } }, /options\.db must be a whole number/],
    [{ options: { tls: { ca: 'x' } } }, /options\.tls needs a TLS location/],
    [{ connectTimeout: 0 }, /connectTimeout must be a positive number/],
    [{ keyFunction: 'mod.fn' as never }, /keyFunction must be a function/],
  ] as [Partial<DjangoCacheSettings>, RegExp][])('%j', (settings, message) => {
    expect(make(settings)).toThrow(ImproperlyConfigured);
    expect(make(settings)).toThrow(message);
  });

  it.each([
    [{ serializer: 'yaml' }, /options\.serializer "yaml" is not one of/],
    [{ compressor: 'django_redis.compressors.lz4.Lz4Compressor' }, /options\.compressor .* lz4/],
    [{ pickleVersion: 6 }, /options\.pickleVersion can't be higher/],
  ] as [Record<string, unknown>, RegExp][])('django-redis %j', (options, message) => {
    expect(make({ options }, DJANGO_REDIS)).toThrow(message);
  });

  it('accepts every documented form without connecting', () => {
    for (const location of ['redis://u:p@h:1/2', 'rediss://h', 'unix:///tmp/r.sock?db=3&password=x', ['redis://a/0', 'redis://b/0'], 'redis://a/0;redis://b/0', ['redis+sentinel://:p@h:1/m/1', 'redis+sentinel://:p@h:2/m/1'], 'rediss+sentinel://h/m']) {
      expect(make({ location })).not.toThrow();
    }
    expect(make({ location: ['redis://a:1', 'redis://b:2'], options: { cluster: true } }, DJANGO_REDIS)).not.toThrow();
    expect(make({ options: { serializer: 'django_redis.serializers.json.JSONSerializer', compressor: 'zlib', pickleVersion: '5' } }, DJANGO_REDIS)).not.toThrow();
  });
});
