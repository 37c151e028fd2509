/**
 * PasswordHashingLimiter: never more than `concurrency` hashes at once, waiting in arrival order,
 * a full queue or a wait past `queueTimeout` refused with PasswordHashingBusy (nothing hashed), and
 * a failed hash frees its slot. Also the option checks and the 503 the bridge answers with.
 */
import { describe, expect, it } from '@jest/globals';
import { availableParallelism } from 'node:os';
import { resolveBridgeOptions } from '../django-bridge.options.js';
import { bridgeFailure } from '../errors/bridge-failure.js';
import { makePassword, PasswordHashers } from '@django-bridge/core';
import { startMemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { randomEnvSecret, randomInt } from '../../../../test/support/random.js';
import { DjangoUser } from '../users/django-user.js';
import { MemoryUserStore } from '../users/memory-user.store.js';
import { DjangoAuthService } from './django-auth.service.js';
import { PasswordHashingBusy } from './password-hashing-busy.js';
import { defaultHashingConcurrency, libuvThreadPoolSize, PasswordHashingLimiter, resolvePasswordHashingOptions } from './password-hashing-limiter.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A hash the test finishes by hand. */
function gate<T = string>() {
  let open!: (value: T) => void;
  let fail!: (err: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets queued microtasks (slot hand-overs) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PasswordHashingLimiter', () => {
  it('never runs more than `concurrency` hashes, and runs them all (random durations, outcomes)', async () => {
    const concurrency = randomInt(1, 5);
    const limiter = new PasswordHashingLimiter({ concurrency, queueLimit: 200, queueTimeout: 60_000 });
    let running = 0;
    let peak = 0;
    const jobs = Array.from({ length: 60 }, (_, i) => {
      const ms = randomInt(0, 4);
      const fails = randomInt(0, 5) === 0;
      return limiter
        .run(async () => {
          running++;
          peak = Math.max(peak, running);
          expect(running).toBeLessThanOrEqual(concurrency);
          await sleep(ms);
          running--;
          if (fails) throw new Error(`hash ${i} failed`);
          return i;
        })
        .then(
          (value) => ({ value }),
          (err: Error) => ({ error: err.message }),
        );
    });
    const results = await Promise.all(jobs);
    expect(peak).toBe(concurrency);
    results.forEach((r, i) => expect('value' in r ? r.value : r.error).toBe('value' in r ? i : `hash ${i} failed`));
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });

  it('starts waiting hashes in arrival order', async () => {
    const limiter = new PasswordHashingLimiter({ concurrency: 2, queueLimit: 10, queueTimeout: 60_000 });
    const started: number[] = [];
    const gates = Array.from({ length: 8 }, () => gate());
    const runs = gates.map((g, i) =>
      limiter.run(() => {
        started.push(i);
        return g.promise;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect([limiter.active, limiter.queued]).toEqual([2, 6]);
    // Finish them out of order: the next to start is always the oldest waiter.
    for (const i of [1, 0, 3, 2, 5, 4, 7, 6]) {
      gates[i].open(`h${i}`);
      await settle();
    }
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await Promise.all(runs)).toEqual(gates.map((_, i) => `h${i}`));
  });

  it('refuses at once when the queue is full, without running the hash', async () => {
    const limiter = new PasswordHashingLimiter({ concurrency: 1, queueLimit: 2, queueTimeout: 60_000 });
    const g = gate();
    const first = limiter.run(() => g.promise);
    const queued = [limiter.run(async () => 'q1'), limiter.run(async () => 'q2')];
    let ran = false;
    const err = await limiter
      .run(async () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PasswordHashingBusy);
    expect(err).toMatchObject({ reason: 'queue-full', name: 'PasswordHashingBusy' });
    expect((err as PasswordHashingBusy).retryAfter).toBeGreaterThanOrEqual(1);
    expect(ran).toBe(false);
    g.open('first');
    expect(await Promise.all([first, ...queued])).toEqual(['first', 'q1', 'q2']);
  });

  it('queueLimit 0: no waiting, a busy limiter refuses at once', async () => {
    const limiter = new PasswordHashingLimiter({ concurrency: 1, queueLimit: 0 });
    const g = gate();
    const first = limiter.run(() => g.promise);
    await expect(limiter.run(async () => 'x')).rejects.toMatchObject({ reason: 'queue-full' });
    g.open('ok');
    expect(await first).toBe('ok');
    expect(await limiter.run(async () => 'after')).toBe('after');
  });

  it('a hash that waits past queueTimeout is refused and never runs; the queue behind it moves on', async () => {
    const limiter = new PasswordHashingLimiter({ concurrency: 1, queueLimit: 5, queueTimeout: 40 });
    const g = gate();
    const first = limiter.run(() => g.promise);
    let lateRan = false;
    const started = performance.now();
    const late = limiter
      .run(async () => {
        lateRan = true;
      })
      .catch((e: unknown) => e);
    const err = await late;
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(err).toBeInstanceOf(PasswordHashingBusy);
    expect(err).toMatchObject({ reason: 'queue-timeout' });
    expect(limiter.queued).toBe(0);
    // A waiter queued after the timeout still gets the slot when the first hash ends.
    const next = limiter.run(async () => 'next');
    g.open('first');
    expect([await first, await next]).toEqual(['first', 'next']);
    expect(lateRan).toBe(false);
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });

  it('a hash that throws (synchronously or not) frees its slot for the next', async () => {
    const limiter = new PasswordHashingLimiter({ concurrency: 1, queueLimit: 5, queueTimeout: 1_000 });
    const a = limiter.run(() => {
      throw new Error('sync');
    });
    const b = limiter.run(async () => {
      throw new Error('async');
    });
    const c = limiter.run(async () => 'c');
    await expect(a).rejects.toThrow('sync');
    await expect(b).rejects.toThrow('async');
    expect(await c).toBe('c');
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });

  it('Retry-After follows the queue ahead at the measured pace', async () => {
    const limiter = new PasswordHashingLimiter({ concurrency: 1, queueLimit: 50, queueTimeout: 60_000 });
    await limiter.run(() => sleep(60));
    const g = gate();
    const running = limiter.run(() => g.promise);
    const waiting = Array.from({ length: 40 }, () => limiter.run(async () => 'w'));
    // 41 hashes ahead at >= 60 ms each: at least 2 seconds.
    expect(limiter.retryAfter()).toBeGreaterThanOrEqual(2);
    g.open('done');
    await Promise.all([running, ...waiting]);
    expect(limiter.retryAfter()).toBe(1);
  });
});

describe('passwordHashing options', () => {
  it('defaults to min(UV_THREADPOOL_SIZE, cores), 16 waiting per slot, 10 s', () => {
    const cores = availableParallelism();
    expect(libuvThreadPoolSize({})).toBe(4);
    expect(libuvThreadPoolSize({ UV_THREADPOOL_SIZE: '16' })).toBe(16);
    expect(libuvThreadPoolSize({ UV_THREADPOOL_SIZE: '0' })).toBe(4);
    expect(libuvThreadPoolSize({ UV_THREADPOOL_SIZE: 'many' })).toBe(4);
    expect(libuvThreadPoolSize({ UV_THREADPOOL_SIZE: '5000' })).toBe(1024);
    expect(defaultHashingConcurrency({})).toBe(Math.min(4, cores));
    expect(defaultHashingConcurrency({ UV_THREADPOOL_SIZE: '1' })).toBe(1);
    expect(defaultHashingConcurrency({ UV_THREADPOOL_SIZE: '64' })).toBe(cores);
    const concurrency = Math.min(4, cores);
    expect(resolvePasswordHashingOptions(undefined, {})).toEqual({ concurrency, queueLimit: 16 * concurrency, queueTimeout: 10_000 });
    expect(resolvePasswordHashingOptions({ concurrency: 3 }, {})).toEqual({ concurrency: 3, queueLimit: 48, queueTimeout: 10_000 });
    expect(resolvePasswordHashingOptions({ concurrency: 1, queueLimit: 0, queueTimeout: 1 }, {})).toEqual({ concurrency: 1, queueLimit: 0, queueTimeout: 1 });
  });

  it.each([
    [{ concurrency: 0 }, 'passwordHashing.concurrency" must be a whole number >= 1, not 0'],
    [{ concurrency: 1.5 }, 'passwordHashing.concurrency" must be a whole number >= 1, not 1.5'],
    [{ concurrency: Infinity }, 'passwordHashing.concurrency" must be a whole number >= 1'],
    [{ queueLimit: -1 }, 'passwordHashing.queueLimit" must be a whole number >= 0, not -1'],
    [{ queueTimeout: '5000' }, 'passwordHashing.queueTimeout" must be a whole number >= 1, not "5000"'],
    [{ queueTimeout: 0 }, 'passwordHashing.queueTimeout" must be a whole number >= 1, not 0'],
    [{ concurency: 2 }, 'passwordHashing.concurency" is not an option (use concurrency, queueLimit, queueTimeout)'],
    [4, 'passwordHashing" must be an object'],
    [null, 'passwordHashing" must be an object'],
  ])('start-up fails on passwordHashing %p', (passwordHashing, message) => {
    expect(() => resolveBridgeOptions({ secretKey: 'k', userStore: new MemoryUserStore(), sessionEngine: 'signed_cookies', passwordHashing: passwordHashing as never })).toThrow(`DjangoBridgeModule option "${message}`);
  });

  it('resolved options carry the bounds, and the standalone limiter checks them too', () => {
    const o = resolveBridgeOptions({ secretKey: 'k', userStore: new MemoryUserStore(), sessionEngine: 'signed_cookies', passwordHashing: { concurrency: 2, queueTimeout: 500 } });
    expect(o.passwordHashing).toEqual({ concurrency: 2, queueLimit: 32, queueTimeout: 500 });
    expect(() => new PasswordHashingLimiter({ queueLimit: NaN })).toThrow('passwordHashing.queueLimit must be a whole number >= 0');
  });
});

describe('PasswordHashingBusy as an answer', () => {
  it('is a 503 with Retry-After, never a 401', () => {
    expect(bridgeFailure(new PasswordHashingBusy('queue-full', 3))).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE', error: 'Service Unavailable', message: 'Too many logins at once; try again shortly', retryAfter: 3 });
    expect(bridgeFailure(new PasswordHashingBusy('queue-timeout', 1))).toMatchObject({ status: 503, retryAfter: 1 });
  });
});

describe('the bridge hashes through its limiter', () => {
  it('an outdated hash is upgraded within the one slot (concurrency 1 never deadlocks), the write after it', async () => {
    const hashers = new PasswordHashers({ iterations: 1000 });
    const users = new MemoryUserStore({ hashers });
    const encodedPassword = await makePassword('pw', { hashers: new PasswordHashers({ iterations: 500 }) });
    await users.addUser({ username: 'old', encodedPassword });
    const t = await startMemoryBridgeApp({ secretKey: randomEnvSecret(), users, options: { passwordUpgrade: 'always', passwordHashing: { concurrency: 1, queueLimit: 0 } } });
    try {
      const auth = t.app.get(DjangoAuthService);
      expect([auth.passwordHashing.concurrency, auth.passwordHashing.queueLimit]).toEqual([1, 0]);
      const user = await auth.authenticate('old', 'pw');
      expect(user?.username).toBe('old');
      expect(DjangoUser.passwordOf((await users.findByUsername('old'))!)).toMatch(/^pbkdf2_sha256\$1000\$/);
      expect([auth.passwordHashing.active, auth.passwordHashing.queued]).toEqual([0, 0]);
      // Unknown users and wrong passwords cost their hash in the same place, so a busy limiter refuses them alike.
      expect(await auth.authenticate('nobody', 'pw')).toBeNull();
      expect(await auth.checkUserPassword('old', 'wrong')).toBe(false);
      expect(await auth.checkUserPassword('nobody', 'pw')).toBeNull();
    } finally {
      await t.close();
    }
  });
});
