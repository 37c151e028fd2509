import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { CacheUnavailable } from '@django-bridge/core';
import { within } from './deadline.js';

const never = () => new Promise<never>(() => undefined);

describe('within: a deadline on work that may never answer', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('settles as the work does, and clears its timer', async () => {
    jest.useFakeTimers();
    await expect(within(1_000, 'probe', async () => 42)).resolves.toBe(42);
    await expect(within(1_000, 'probe', Promise.resolve('started already'))).resolves.toBe('started already');
    const failure = new Error('refused');
    await expect(within(1_000, 'probe', Promise.reject(failure))).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('says what did not answer, and within how long, by default', async () => {
    await expect(within(20, 'Cache "default"', never)).rejects.toThrow(new Error('Cache "default" did not answer within 20 ms'));
  });

  it("rejects with the factory's error where the caller promises a typed one", async () => {
    const failure = within(20, () => new CacheUnavailable('no reply'), never());
    await expect(failure).rejects.toBeInstanceOf(CacheUnavailable);
    await expect(failure).rejects.toThrow('no reply');
  });

  it('turns a synchronous throw of the work into the rejection', async () => {
    const thrown = new Error('sync');
    await expect(
      within(1_000, 'probe', () => {
        throw thrown;
      }),
    ).rejects.toBe(thrown);
  });

  it("keeps the deadline's error when the factory cuts the work and the work fails at once", async () => {
    let cut: (err: Error) => void = () => undefined;
    const work = new Promise<never>((_, reject) => (cut = reject));
    const timedOut = new CacheUnavailable('timed out');
    const failure = within(20, () => {
      cut(new Error('socket closed'));
      return timedOut;
    }, work);
    await expect(failure).rejects.toBe(timedOut);
  });

  it('rejects with what a throwing factory threw, instead of an uncaught exception', async () => {
    const thrown = new Error('factory broke');
    await expect(
      within(20, () => {
        throw thrown;
      }, never()),
    ).rejects.toBe(thrown);
  });

  it('leaves no unhandled rejection when the work fails after the deadline', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('late')), 40));
      await expect(within(10, 'probe', late)).rejects.toThrow('probe did not answer within 10 ms');
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('never holds the event loop open while it waits', async () => {
    const timers: NodeJS.Timeout[] = [];
    const real = globalThis.setTimeout;
    jest.spyOn(globalThis, 'setTimeout').mockImplementation(((...args: Parameters<typeof setTimeout>) => {
      const timer = real(...args);
      timers.push(timer);
      return timer;
    }) as typeof setTimeout);
    const pending = within(60_000, 'probe', never());
    pending.catch(() => undefined);
    expect(timers).toHaveLength(1);
    expect(timers[0].hasRef()).toBe(false);
    clearTimeout(timers[0]);
  });
});
