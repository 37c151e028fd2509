import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured, SerializationError } from '../errors.js';
import { DjangoRedisCache } from './django-redis-cache.js';
import { RedisCache } from './redis-cache.js';
import { type RedisCommands, type RedisSetOptions } from './redis-commands.js';

/** An in-memory server that records the commands it gets, as redis-py would send them. */
class FakeRedis implements RedisCommands {
  readonly log: string[] = [];
  readonly data = new Map<string, Buffer>();

  constructor(readonly name = 'server') {}

  async get(key: string) {
    this.log.push(`GET ${key}`);
    return this.data.get(key) ?? null;
  }
  async set(key: string, value: Buffer, o: RedisSetOptions = {}) {
    this.log.push(['SET', key, ...(o.ex !== undefined ? ['EX', o.ex] : []), ...(o.px !== undefined ? ['PX', o.px] : []), ...(o.nx ? ['NX'] : [])].join(' '));
    if (o.nx && this.data.has(key)) return false;
    this.data.set(key, value);
    return true;
  }
  async del(key: string) {
    this.log.push(`DEL ${key}`);
    return this.data.delete(key) ? 1 : 0;
  }
  async exists(key: string) {
    this.log.push(`EXISTS ${key}`);
    return this.data.has(key) ? 1 : 0;
  }
  async close() {}
}

describe("RedisCache: Django's get_backend_timeout and RedisCacheClient", () => {
  it.each([
    [null, 'SET :1:k'],
    [300, 'SET :1:k EX 300'],
    [1.9, 'SET :1:k EX 1'],
    [1e21, 'SET :1:k EX 1000000000000000000000'],
    [0.5, 'DEL :1:k'],
    [0, 'DEL :1:k'],
    [-5, 'DEL :1:k'],
  ])('set with timeout %p: %s', async (timeout, command) => {
    const server = new FakeRedis();
    await new RedisCache({ servers: [server] }).set('k', 'v', timeout);
    expect(server.log).toEqual([command]);
  });

  it('add with a timeout under one second stores and deletes again, answering whether the key was free', async () => {
    const server = new FakeRedis();
    const cache = new RedisCache({ servers: [server] });
    expect(await cache.add('k', 'v', 0.9)).toBe(true);
    expect(server.log).toEqual(['SET :1:k NX', 'DEL :1:k']);
    await cache.set('k', 'v', 10);
    server.log.length = 0;
    expect(await cache.add('k', 'w', -1)).toBe(false);
    expect(server.log).toEqual(['SET :1:k NX']);
    expect(await cache.add('k2', 'w', 10)).toBe(true);
    expect(await cache.add('k3', 'w', null)).toBe(true);
    expect(server.log.slice(1)).toEqual(['SET :1:k2 EX 10 NX', 'SET :1:k3 NX']);
  });

  it('writes to the first server, reads from one of the others', async () => {
    const servers = [new FakeRedis('primary'), new FakeRedis('r1'), new FakeRedis('r2')];
    const picks = [0, 0.49, 0.5, 0.999999];
    const cache = new RedisCache({ servers, random: () => picks.shift()! });
    await cache.set('k', 1, null);
    await cache.delete('k');
    for (let i = 0; i < 4; i++) await cache.get('k');
    expect(servers.map((s) => s.log.length)).toEqual([2, 2, 2]);
    const single = new FakeRedis();
    await new RedisCache({ servers: [single] }).has('k');
    expect(single.log).toEqual(['EXISTS :1:k']);
  });
});

describe("DjangoRedisCache: django-redis DefaultClient's timeouts", () => {
  it.each([
    [null, ['SET :1:k']],
    [300, ['SET :1:k PX 300000']],
    [1.5, ['SET :1:k PX 1500']],
    [0.0015, ['SET :1:k PX 1']],
    [0.0004, ['DEL :1:k']],
    [-1, ['DEL :1:k']],
  ])('set with timeout %p', async (timeout, commands) => {
    const server = new FakeRedis();
    await new DjangoRedisCache({ servers: [server] }).set('k', 'v', timeout);
    expect(server.log).toEqual(commands);
  });

  it('add with a non-positive timeout stores nothing and answers whether the key is free', async () => {
    const server = new FakeRedis();
    const cache = new DjangoRedisCache({ servers: [server] });
    expect(await cache.add('k', 'v', 0)).toBe(true);
    expect(server.log).toEqual(['EXISTS :1:k']);
    await cache.set('k', 'v', 5);
    expect(await cache.add('k', 'v', -3)).toBe(false);
    expect(await cache.get('k')).toBe('v');
    expect(await cache.add('k', 'v', 5)).toBe(false);
    expect(server.log.slice(-1)).toEqual(['SET :1:k PX 5000 NX']);
  });
});

describe('keys', () => {
  it('KEY_PREFIX, VERSION and KEY_FUNCTION make the stored key', async () => {
    const server = new FakeRedis();
    await new DjangoRedisCache({ servers: [server], keyPrefix: 'site', version: 3 }).set('k', 1, null);
    await new RedisCache({ servers: [server], keyPrefix: 'p', version: 2, keyFunction: (k, p, v) => `custom|${v}|${p}|${k}` }).set('k', 1, null);
    expect(server.log).toEqual(['SET site:3:k', 'SET custom|2|p|k']);
  });

  it('refuses keys UTF-8 cannot encode, key functions that return no string, and non-finite timeouts', async () => {
    const server = new FakeRedis();
    await expect(new RedisCache({ servers: [server] }).get('\udc00')).rejects.toThrow(SerializationError);
    await expect(new RedisCache({ servers: [server], keyFunction: () => 1 as unknown as string }).get('k')).rejects.toThrow(ImproperlyConfigured);
    await expect(new RedisCache({ servers: [server] }).set('k', 1, NaN)).rejects.toThrow(ImproperlyConfigured);
    await expect(new DjangoRedisCache({ servers: [server] }).set('k', 1, Infinity)).rejects.toThrow(ImproperlyConfigured);
    expect(server.log).toEqual([]);
    expect(() => new RedisCache({ servers: [] })).toThrow(ImproperlyConfigured);
  });

  it('a value that does not decode is a SerializationError', async () => {
    const server = new FakeRedis();
    server.data.set(':1:k', Buffer.from('garbage'));
    await expect(new RedisCache({ servers: [server] }).get('k')).rejects.toThrow(SerializationError);
    await expect(new DjangoRedisCache({ servers: [server] }).get('k')).rejects.toThrow(SerializationError);
  });
});
