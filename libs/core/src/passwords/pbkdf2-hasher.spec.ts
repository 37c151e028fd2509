import { describe, expect, it, jest } from '@jest/globals';
import { ImproperlyConfigured, InvalidPasswordHash } from '../errors.js';
import { PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher } from './pbkdf2-hasher.js';

const SALT = 'seasaltseasaltseasalt1';
const SHA256 = 'pbkdf2_sha256$1000$seasaltseasaltseasalt1$fK1wWGQoUbQaFrvmzab0h0I82ylQ+fbxaq7nmUgjB1I=';
const SHA1 = 'pbkdf2_sha1$1000$seasaltseasaltseasalt1$BDbAvSe360WKSWKREe/Rd8yv17M=';

describe('PBKDF2 hashers', () => {
  const h = new PBKDF2PasswordHasher({ iterations: 1000 });
  const h1 = new PBKDF2SHA1PasswordHasher({ iterations: 1000 });

  it('encodes exactly like Django and verifies', async () => {
    expect(await h.encode('correct horse', SALT)).toBe(SHA256);
    expect(await h1.encode('correct horse', SALT)).toBe(SHA1);
    expect(await h.verify('correct horse', SHA256)).toBe(true);
    expect(await h.verify('correct horsf', SHA256)).toBe(false);
    expect(await h1.verify('correct horse', SHA1)).toBe(true);
    expect(await h.verify('correct horse', SHA1)).toBe(false);
  });

  it('defaults to the newest Django iteration count', () => {
    expect(new PBKDF2PasswordHasher().iterations).toBe(1_500_000);
  });

  it('decodes and summarises', () => {
    expect(h.decode(SHA256)).toEqual({ algorithm: 'pbkdf2_sha256', iterations: 1000, salt: SALT, hash: 'fK1wWGQoUbQaFrvmzab0h0I82ylQ+fbxaq7nmUgjB1I=' });
    expect(h.safeSummary(SHA256)).toEqual({ algorithm: 'pbkdf2_sha256', iterations: 1000, salt: 'seasal****************', hash: 'fK1wWG' + '*'.repeat(38) });
  });

  it('fails closed on malformed hashes', async () => {
    for (const bad of ['pbkdf2_sha256', 'pbkdf2_sha256$abc', 'pbkdf2_sha256$x$salt$hash', 'pbkdf2_sha256$0$salt$hash', 'pbkdf2_sha256$-5$salt$hash',
      'pbkdf2_sha256$01000$seasaltseasaltseasalt1$fK1wWGQoUbQaFrvmzab0h0I82ylQ+fbxaq7nmUgjB1I=', 'pbkdf2_sha256$1000$$hash', 'pbkdf2_sha1$1000$salt$hash', '', '$$$']) {
      await expect(h.verify('correct horse', bad)).resolves.toBe(false);
      expect(h.mustUpdate(bad)).toBe(false);
    }
    expect(() => h.decode('pbkdf2_sha256$abc')).toThrow(InvalidPasswordHash);
    await expect(h.verify('\uD800', SHA256)).resolves.toBe(false);
  });

  it('refuses absurd iteration counts with the cap in the message', async () => {
    await expect(h.verify('x', `pbkdf2_sha256$1000000000000$${SALT}$AAAA`)).rejects.toThrow(/iterations 1000000000000 exceeds the configured cap of 20000000/);
    const small = new PBKDF2PasswordHasher({ iterations: 1000, limits: { pbkdf2Iterations: 5000 } });
    await expect(small.verify('x', `pbkdf2_sha256$5001$${SALT}$AAAA`)).rejects.toThrow(InvalidPasswordHash);
    expect(() => new PBKDF2PasswordHasher({ iterations: 6000, limits: { pbkdf2Iterations: 5000 } })).toThrow(ImproperlyConfigured);
  });

  it('encode checks its arguments', async () => {
    await expect(h.encode('x', '')).rejects.toThrow(InvalidPasswordHash);
    await expect(h.encode('x', 'a$b')).rejects.toThrow(/cannot contain \$/);
    expect(await h.encode('x', SALT, 0)).toMatch(/^pbkdf2_sha256\$1000\$/);
  });

  it('must_update: iterations != configured (either way) or a salt of 21 chars or fewer', async () => {
    const at = async (iterations: number, salt = SALT) => h.encode('pw', salt, iterations);
    expect(h.mustUpdate(await at(1000))).toBe(false);
    expect(h.mustUpdate(await at(999))).toBe(true);
    expect(h.mustUpdate(await at(1001))).toBe(true);
    expect(h.mustUpdate(await at(1000, SALT.slice(0, 21)))).toBe(true);
  });

  it('harden_runtime runs the missing iterations only', async () => {
    const spy = jest.spyOn(h, 'encode');
    await h.hardenRuntime('pw', await new PBKDF2PasswordHasher({ iterations: 600 }).encode('pw', SALT));
    expect(spy).toHaveBeenCalledWith('pw', SALT, 400);
    spy.mockClear();
    await h.hardenRuntime('pw', await new PBKDF2PasswordHasher({ iterations: 1600 }).encode('pw', SALT));
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
