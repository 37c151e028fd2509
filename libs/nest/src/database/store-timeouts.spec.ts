/**
 * Bounds on stores of the application's own, through a real Nest app: a userStore, a
 * SessionBackend given as sessionEngine and a ready DjangoCache that never answer are a 503 within
 * `storeTimeout`, never a hang, and the app answers again as soon as they do. Also the option
 * checks of `databaseTimeout` / `storeTimeout`, and the stall breaker's states. The bounds on
 * real databases (MariaDB, PostgreSQL stopped with SIGSTOP) are in test/e2e/database-stall.e2e.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemorySessionBackend, type DjangoCache, type SessionBackend, type SessionDict, type SessionExpiry } from '@django-bridge/core';
import { ImproperlyConfigured } from '@django-bridge/core';
import { cheapHashers, loginCookie, startMemoryBridgeApp, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { randomEnvSecret } from '../../../../test/support/random.js';
import { MemoryUserStore } from '../users/memory-user.store.js';
import type { DjangoUser } from '../users/django-user.js';
import { resolveBridgeOptions } from '../django-bridge.options.js';
import { StallBreaker } from './stall-breaker.js';
import { DEFAULT_DATABASE_TIMEOUT } from './bounded-query.js';
import { DEFAULT_STORE_TIMEOUT } from './store-deadline.js';

const BOUND = 300;
const SLACK = 700;
const never = <T>() => new Promise<T>(() => undefined);

/** A session engine that stops answering while `hung` is set. */
class HangingSessions implements SessionBackend {
  hung = false;
  readonly inner = new MemorySessionBackend();
  private gate<T>(work: () => Promise<T>): Promise<T> {
    return this.hung ? never<T>() : work();
  }
  load(key: string) {
    return this.gate(() => this.inner.load(key));
  }
  exists(key: string) {
    return this.gate(() => this.inner.exists(key));
  }
  create(key: string, s: SessionDict, e: SessionExpiry) {
    return this.gate(() => this.inner.create(key, s, e));
  }
  update(key: string, s: SessionDict, e: SessionExpiry) {
    return this.gate(() => this.inner.update(key, s, e));
  }
  delete(key: string) {
    return this.gate(() => this.inner.delete(key));
  }
  clearExpired() {
    return this.gate(() => this.inner.clearExpired());
  }
}

/** A user store that stops answering while `hung` is set. */
class HangingUsers extends MemoryUserStore {
  hung = false;
  override findById(id: number | string): Promise<DjangoUser | null> {
    return this.hung ? never() : super.findById(id);
  }
  override findByUsername(username: string): Promise<DjangoUser | null> {
    return this.hung ? never() : super.findByUsername(username);
  }
}

/** A cache of the application's own that stops answering while `hung` is set. */
class HangingCache implements DjangoCache {
  hung = false;
  private readonly entries = new Map<string, unknown>();
  private gate<T>(work: () => T): Promise<T> {
    return this.hung ? never<T>() : Promise.resolve(work());
  }
  get(key: string) {
    return this.gate(() => this.entries.get(key));
  }
  set(key: string, value: unknown) {
    return this.gate(() => void this.entries.set(key, value));
  }
  add(key: string, value: unknown) {
    return this.gate(() => (this.entries.has(key) ? false : (this.entries.set(key, value), true)));
  }
  delete(key: string) {
    return this.gate(() => this.entries.delete(key));
  }
  has(key: string) {
    return this.gate(() => this.entries.has(key));
  }
  async close() {}
}

async function timed(run: () => Promise<{ status: number }>): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  const res = await run();
  return { status: res.status, ms: performance.now() - start };
}

describe('storeTimeout bounds stores of the application\'s own', () => {
  const secretKey = randomEnvSecret();
  const sessions = new HangingSessions();
  const users = new HangingUsers({ hashers: cheapHashers() });
  let t: MemoryBridgeApp;
  let cookie: string;

  beforeAll(async () => {
    t = await startMemoryBridgeApp({ secretKey, sessions, users, options: { storeTimeout: BOUND } });
    await users.addUser({ username: 'alice', password: 'alice-pw' });
    cookie = await loginCookie(t, 'alice', 'alice-pw');
  });
  afterAll(async () => {
    await t.close();
  });

  it('a session engine that hangs is a 503 within the bound, and 200 again once it answers', async () => {
    sessions.hung = true;
    try {
      const answers = await Promise.all([timed(() => t.http().get('/me').set('Cookie', cookie)), timed(() => t.http().get('/session-keys').set('Cookie', cookie)), timed(() => t.http().post('/logout').set('Cookie', cookie))]);
      for (const a of answers) {
        expect(a.status).toBe(503);
        expect(a.ms).toBeGreaterThanOrEqual(BOUND - 20);
        expect(a.ms).toBeLessThan(BOUND + SLACK);
      }
      // A request that never reads the session needs no store, with a cookie or without.
      expect((await t.http().get('/open').set('Cookie', cookie)).status).toBe(200);
      expect((await t.http().get('/public')).status).toBe(200);
    } finally {
      sessions.hung = false;
    }
    expect((await t.http().get('/me').set('Cookie', cookie)).status).toBe(200);
  });

  it('a user store that hangs is a 503 within the bound, for guarded requests and logins alike', async () => {
    users.hung = true;
    try {
      const answers = await Promise.all([timed(() => t.http().get('/me').set('Cookie', cookie)), timed(() => t.http().post('/login').send({ username: 'alice', password: 'alice-pw' }))]);
      for (const a of answers) {
        expect(a.status).toBe(503);
        expect(a.ms).toBeLessThan(BOUND + SLACK);
      }
    } finally {
      users.hung = false;
    }
    expect((await t.http().get('/me').set('Cookie', cookie)).status).toBe(200);
  });
});

describe('storeTimeout bounds a ready DjangoCache behind the cache engine', () => {
  const secretKey = randomEnvSecret();
  const cache = new HangingCache();
  let t: MemoryBridgeApp;

  beforeAll(async () => {
    t = await startMemoryBridgeApp({ secretKey, options: { sessionEngine: 'cache', caches: { default: cache }, storeTimeout: BOUND } });
    await t.users.addUser({ username: 'bob', password: 'bob-pw' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is a 503 within the bound while the cache hangs', async () => {
    const cookie = await loginCookie(t, 'bob', 'bob-pw');
    cache.hung = true;
    try {
      const a = await timed(() => t.http().get('/me').set('Cookie', cookie));
      expect(a.status).toBe(503);
      expect(a.ms).toBeLessThan(BOUND + SLACK);
    } finally {
      cache.hung = false;
    }
    expect((await t.http().get('/me').set('Cookie', cookie)).status).toBe(200);
  });
});

describe('databaseTimeout and storeTimeout options', () => {
  const base = { secretKey: 'k'.repeat(50), sessionEngine: new MemorySessionBackend(), userStore: new MemoryUserStore() };

  it('default to 3000 and 5000 ms', () => {
    const o = resolveBridgeOptions(base);
    expect([o.databaseTimeout, o.storeTimeout]).toEqual([DEFAULT_DATABASE_TIMEOUT, DEFAULT_STORE_TIMEOUT]);
    expect([DEFAULT_DATABASE_TIMEOUT, DEFAULT_STORE_TIMEOUT]).toEqual([3000, 5000]);
    expect(resolveBridgeOptions({ ...base, databaseTimeout: 1500, storeTimeout: 800 })).toMatchObject({ databaseTimeout: 1500, storeTimeout: 800 });
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3000', null])('refuses %p, naming the option (a typo must never mean "wait forever")', (value) => {
    for (const option of ['databaseTimeout', 'storeTimeout']) {
      expect(() => resolveBridgeOptions({ ...base, [option]: value } as never)).toThrow(ImproperlyConfigured);
      expect(() => resolveBridgeOptions({ ...base, [option]: value } as never)).toThrow(new RegExp(`"${option}" must be a positive whole number of milliseconds`));
    }
  });
});

describe('StallBreaker', () => {
  it('lets statements through until one times out, then one probe at a time, until any answer', () => {
    let now = 1000;
    const b = new StallBreaker(() => now);
    const first = b.enter();
    expect(first).toBe('normal');
    b.timedOut(first);
    expect(b.stalled).toBe(true);
    now += 250;
    expect(b.stalledForMs()).toBe(250);
    const probe = b.enter();
    expect(probe).toBe('probe');
    expect(b.enter()).toBe('refused');
    expect(b.enter()).toBe('refused');
    // The probe timing out too frees the slot for the next probe; the stall keeps its start.
    b.timedOut(probe);
    const next = b.enter();
    expect(next).toBe('probe');
    expect(b.stalledForMs()).toBe(250);
    b.answered(next);
    expect(b.stalled).toBe(false);
    expect(b.enter()).toBe('normal');
  });

  it('ends the stall on a fast failure too: a server that refuses connections is not stalled', () => {
    const b = new StallBreaker();
    b.timedOut(b.enter());
    const probe = b.enter();
    b.failed(probe);
    expect([b.stalled, b.enter()]).toEqual([false, 'normal']);
  });
});
