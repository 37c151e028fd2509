import { describe, expect, it, jest } from '@jest/globals';
import { ImproperlyConfigured, InvalidPasswordHash, UnknownPasswordHasher } from '../errors.js';
import { checkPassword, verifyPassword } from './check-password.js';
import { isPasswordUsable, makePassword } from './make-password.js';
import { PasswordHashers } from './password-hashers.js';

const SALT = 'seasaltseasaltseasalt1';
const registry = () => new PasswordHashers({ hashers: ['pbkdf2_sha256', 'md5', 'bcrypt_sha256', 'scrypt'], iterations: 1000, bcryptRounds: 5, scrypt: { workFactor: 1024 } });

describe('makePassword', () => {
  const hashers = registry();

  it('hashes with the preferred hasher and a fresh 22-char salt', async () => {
    const encoded = await makePassword('pw', { hashers });
    expect(encoded).toMatch(/^pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/);
    expect(await makePassword('pw', { hashers, salt: SALT })).toBe(await hashers.preferred.encode('pw', SALT));
    expect(await makePassword('pw', { hashers, salt: '' })).toMatch(/\$[A-Za-z0-9]{22}\$/);
  });

  it('null gives an unusable password: ! + 40 chars, different every time', async () => {
    const a = await makePassword(null);
    expect(a).toMatch(/^![A-Za-z0-9]{40}$/);
    expect(await makePassword(undefined)).not.toBe(a);
    expect(isPasswordUsable(a)).toBe(false);
    expect(isPasswordUsable(null)).toBe(true);
    expect(isPasswordUsable('pbkdf2_sha256$...')).toBe(true);
  });

  it('rejects bad salts, bad types, unknown hashers and misplaced iterations', async () => {
    await expect(makePassword('pw', { hashers, salt: 'a$b' })).rejects.toThrow(InvalidPasswordHash);
    await expect(makePassword(42 as never, { hashers })).rejects.toThrow(TypeError);
    await expect(makePassword('pw', { hashers, hasher: 'argon2' })).rejects.toThrow(UnknownPasswordHasher);
    await expect(makePassword('pw', { hashers, hasher: 'md5', iterations: 5 })).rejects.toThrow(ImproperlyConfigured);
    expect(await makePassword('pw', { hashers, salt: SALT, iterations: 5 })).toMatch(/^pbkdf2_sha256\$5\$/);
  });

  it('bcrypt hashers get a complete bcrypt salt', async () => {
    expect(await makePassword('pw', { hashers, hasher: 'bcrypt_sha256' })).toMatch(/^bcrypt_sha256\$\$2b\$05\$[./A-Za-z0-9]{53}$/);
  });
});

describe('checkPassword', () => {
  it('accepts the right password, rejects a wrong one', async () => {
    const hashers = registry();
    for (const name of ['pbkdf2_sha256', 'md5', 'bcrypt_sha256', 'scrypt']) {
      const encoded = await makePassword('s3cret é', { hashers, hasher: name });
      expect(await checkPassword('s3cret é', encoded, { hashers })).toBe(true);
      expect(await checkPassword('s3cret e', encoded, { hashers })).toBe(false);
    }
  });

  it('calls the setter only when correct and the hash must be updated, and awaits it', async () => {
    const hashers = registry();
    const calls: string[] = [];
    const setter = async (pw: string) => { await new Promise((r) => setTimeout(r, 5)); calls.push(pw); };
    const current = await makePassword('pw', { hashers, salt: SALT });
    const otherHasher = await makePassword('pw', { hashers, hasher: 'md5', salt: SALT });
    const fewerIterations = await makePassword('pw', { hashers, salt: SALT, iterations: 500 });
    expect(await checkPassword('pw', current, { hashers, setter })).toBe(true);
    expect(calls).toEqual([]);
    expect(await checkPassword('nope', otherHasher, { hashers, setter })).toBe(false);
    expect(await checkPassword('nope', fewerIterations, { hashers, setter })).toBe(false);
    expect(calls).toEqual([]);
    expect(await checkPassword('pw', otherHasher, { hashers, setter })).toBe(true);
    expect(await checkPassword('pw', fewerIterations, { hashers, setter })).toBe(true);
    expect(calls).toEqual(['pw', 'pw']);
    // With md5 preferred, the md5 hash is current.
    expect(await checkPassword('pw', otherHasher, { hashers, setter, preferred: 'md5' })).toBe(true);
    expect(calls).toHaveLength(2);
    expect(await verifyPassword('pw', otherHasher, { hashers })).toEqual({ isCorrect: true, mustUpdate: true });
  });

  it('hardens only when wrong, same hasher, and outdated', async () => {
    const hashers = registry();
    const preferred = hashers.preferred;
    const harden = jest.spyOn(preferred, 'hardenRuntime');
    const md5Harden = jest.spyOn(hashers.get('md5'), 'hardenRuntime');
    const fewer = await makePassword('pw', { hashers, salt: SALT, iterations: 500 });
    await checkPassword('wrong', fewer, { hashers });
    expect(harden).toHaveBeenCalledTimes(1);
    await checkPassword('pw', fewer, { hashers });
    await checkPassword('wrong', await makePassword('pw', { hashers, salt: SALT }), { hashers });
    expect(harden).toHaveBeenCalledTimes(1);
    await checkPassword('wrong', await makePassword('pw', { hashers, hasher: 'md5' }), { hashers });
    expect(md5Harden).not.toHaveBeenCalled();
  });

  it('burns one preferred hash for null passwords, unusable and unknown hashes (no such user)', async () => {
    const hashers = registry();
    const encode = jest.spyOn(hashers.preferred, 'encode');
    const usable = await makePassword('pw', { hashers, salt: SALT });
    encode.mockClear();
    const setter = jest.fn();
    for (const [password, encoded] of [[null, usable], ['pw', await makePassword(null)], ['pw', 'argon2$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA'], ['pw', null], ['pw', ''], [undefined, undefined]] as const) {
      encode.mockClear();
      expect(await checkPassword(password, encoded, { hashers, setter })).toBe(false);
      expect(encode).toHaveBeenCalledTimes(1);
      expect(encode.mock.calls[0][0]).toMatch(/^[A-Za-z0-9]{40}$/);
    }
    expect(setter).not.toHaveBeenCalled();
    // The fake hash uses the default hasher even when another one is preferred, as Django does.
    encode.mockClear();
    await checkPassword('pw', 'nope$x', { hashers, preferred: 'md5' });
    expect(encode).toHaveBeenCalledTimes(1);
  });

  it('answers false for malformed hashes, never throws', async () => {
    const hashers = registry();
    for (const bad of ['pbkdf2_sha256$abc', 'pbkdf2_sha256$$$', 'pbkdf2_sha256$1000$salt$not base64!', 'md5$', 'scrypt$1$2$3$4$5', 'bcrypt_sha256$$2b$', '$', '!', 'garbage']) {
      await expect(checkPassword('pw', bad, { hashers })).resolves.toBe(false);
    }
  });

  it('rejects with InvalidPasswordHash instead of hashing absurd work factors', async () => {
    const hashers = registry();
    await expect(checkPassword('pw', `pbkdf2_sha256$1000000000000$${SALT}$AAAA`, { hashers })).rejects.toThrow(/iterations 1000000000000 exceeds the configured cap/);
    await expect(checkPassword('pw', 'bcrypt_sha256$$2b$31$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO', { hashers })).rejects.toThrow(InvalidPasswordHash);
    await expect(checkPassword('pw', `scrypt$1073741824$${SALT}$8$1$AAAA`, { hashers })).rejects.toThrow(/scrypt hash refused/);
    const tight = new PasswordHashers({ hashers: ['pbkdf2_sha256'], iterations: 1000, limits: { pbkdf2Iterations: 2000 } });
    await expect(checkPassword('pw', `pbkdf2_sha256$2001$${SALT}$AAAA`, { hashers: tight })).rejects.toThrow(/cap of 2000 \(limits.pbkdf2Iterations\)/);
  });

  it('throws for an unknown preferred hasher (a configuration error)', async () => {
    await expect(checkPassword('pw', 'md5$salt$x', { hashers: registry(), preferred: 'argon2' })).rejects.toThrow(UnknownPasswordHasher);
  });
});
