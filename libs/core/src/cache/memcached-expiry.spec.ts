/** BaseMemcachedCache.get_backend_timeout. */
import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured } from '../errors.js';
import { memcachedExpiry } from './memcached-expiry.js';

const now = 1_700_000_000_500;

describe('memcachedExpiry', () => {
  it.each([
    [null, 0], [0, -1], [0.5, -1], [-0.5, -1], [-5, -5], [1.7, 1], [300, 300], [2_592_000, 2_592_000],
    [2_592_001, 2_592_001 + 1_700_000_000], [2_592_000.5, 2_592_000 + 1_700_000_000],
  ] as [number | null, number][])('sends %p as %p', (timeout, exptime) => {
    expect(memcachedExpiry(timeout, now)).toBe(exptime);
  });

  it('refuses what int() cannot read', () => {
    expect(() => memcachedExpiry(NaN, now)).toThrow(ImproperlyConfigured);
    expect(() => memcachedExpiry(Infinity, now)).toThrow(ImproperlyConfigured);
  });
});
