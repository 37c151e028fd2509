import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured, InvalidPasswordHash } from '../errors.js';
import { ScryptPasswordHasher } from './scrypt-hasher.js';

const SALT = 'seasaltseasaltseasalt1';
const P1 = 'scrypt$16384$seasaltseasaltseasalt1$8$1$C+4FNyKJysw7aUJ6by0lfnVdyWp7DM5xXE2GzHYX5wVti209FScWEZVAFw3wtLhJHtQDiCEhhjPJEkFNOksiQA==';

describe('ScryptPasswordHasher', () => {
  const h = new ScryptPasswordHasher({ workFactor: 1024, parallelism: 1 });

  it('encodes the 4.0 layout exactly (128 chars) and verifies', async () => {
    const django40 = new ScryptPasswordHasher({ parallelism: 1 });
    const encoded = await django40.encode('correct horse', SALT);
    expect(encoded).toBe(P1);
    expect(encoded).toHaveLength(128);
    expect(await h.verify('correct horse', P1)).toBe(true);
    expect(await h.verify('correct horsf', P1)).toBe(false);
  });

  it('defaults to N=2^14, r=8, p=5 (Django 5.1+)', () => {
    const latest = new ScryptPasswordHasher();
    expect([latest.workFactor, latest.blockSize, latest.parallelism]).toEqual([16384, 8, 5]);
  });

  it('must_update when N, r or p differ; no salt rule', async () => {
    expect(h.mustUpdate(await h.encode('pw', SALT))).toBe(false);
    expect(h.mustUpdate(await h.encode('pw', 'short'))).toBe(false);
    expect(h.mustUpdate(await h.encode('pw', SALT, 2048))).toBe(true);
    expect(h.mustUpdate(await h.encode('pw', SALT, 1024, 4))).toBe(true);
    expect(h.mustUpdate(await h.encode('pw', SALT, 1024, 8, 2))).toBe(true);
  });

  it('summarises like Django', () => {
    expect(h.safeSummary(P1)).toEqual({ algorithm: 'scrypt', 'work factor': 16384, 'block size': 8, parallelism: 1, salt: 'seasal' + '*'.repeat(16), hash: 'C+4FNy' + '*'.repeat(82) });
  });

  it('fails closed on malformed hashes', async () => {
    for (const bad of ['scrypt', 'scrypt$16384$salt$8$1', P1.replace('$16384$', '$16385$'), P1.replace('$16384$', '$1$'), P1.replace('$8$1$', '$0$1$'),
      P1.replace('$8$1$', '$8$x$'), P1.replace(SALT, ''), P1 + '$x', 'scrypt$16384$salt$8$1$!!!']) {
      await expect(h.verify('correct horse', bad)).resolves.toBe(false);
    }
    expect(() => h.decode('scrypt$x')).toThrow(InvalidPasswordHash);
  });

  it('refuses absurd memory or parallelism, naming the cap', async () => {
    await expect(h.verify('pw', P1.replace('$16384$', '$1073741824$'))).rejects.toThrow(/memory .* exceeds the configured cap of 268435456/);
    await expect(h.verify('pw', P1.replace('$8$1$', '$8$100000$'))).rejects.toThrow(/parallelism 100000 exceeds/);
    expect(() => new ScryptPasswordHasher({ workFactor: 2 ** 20, limits: { scryptMemory: 64 * 1024 * 1024 } })).toThrow(ImproperlyConfigured);
    expect(() => new ScryptPasswordHasher({ workFactor: 1000 })).toThrow(ImproperlyConfigured);
  });

  it('needs more than OpenSSL default 32 MiB when asked, within the cap', async () => {
    // 128 * 2^15 * 9 = 36 MiB: Django's maxmem=0 would refuse it; our bounded maxmem does not.
    const big = new ScryptPasswordHasher({ workFactor: 2 ** 15, blockSize: 9, parallelism: 1 });
    expect(await big.verify('pw', await big.encode('pw', SALT))).toBe(true);
  });
});
