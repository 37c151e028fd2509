import { describe, expect, it } from '@jest/globals';
import { InvalidPasswordHash } from '../errors.js';
import { CryptPasswordHasher } from './crypt-hasher.js';
import { MD5PasswordHasher, SHA1PasswordHasher } from './salted-digest-hashers.js';
import { UnsaltedMD5PasswordHasher, UnsaltedSHA1PasswordHasher } from './unsalted-hashers.js';

const SALT = 'seasaltseasaltseasalt1';

describe('legacy hashers', () => {
  it('salted sha1 and md5 match Django and follow the salt rule', async () => {
    const sha1 = new SHA1PasswordHasher();
    const md5 = new MD5PasswordHasher();
    expect(await sha1.encode('correct horse', SALT)).toBe('sha1$seasaltseasaltseasalt1$df6ece886fb8a4f96dd9797b43fcca2cb8e4602b');
    expect(await md5.encode('correct horse', SALT)).toBe('md5$seasaltseasaltseasalt1$752d85e823803bb4c3922677b9cdf52f');
    expect(await md5.verify('correct horse', 'md5$seasaltseasaltseasalt1$752d85e823803bb4c3922677b9cdf52f')).toBe(true);
    expect(await md5.verify('correct horse', 'md5$seasaltseasaltseasalt1$752D85E823803BB4C3922677B9CDF52F')).toBe(false);
    expect(md5.mustUpdate('md5$seasaltseasaltseasalt1$752d85e823803bb4c3922677b9cdf52f')).toBe(false);
    expect(md5.mustUpdate(await md5.encode('x', 'short'))).toBe(true);
    expect(sha1.safeSummary('sha1$seasaltseasaltseasalt1$df6ece886fb8a4f96dd9797b43fcca2cb8e4602b')).toEqual({ algorithm: 'sha1', salt: 'se' + '*'.repeat(20), hash: 'df6ece' + '*'.repeat(34) });
    for (const bad of ['md5', 'md5$$752d85e823803bb4c3922677b9cdf52f', 'md5$salt', 'sha1$salt$x']) await expect(md5.verify('x', bad)).resolves.toBe(false);
    await expect(md5.encode('x', '')).rejects.toThrow(InvalidPasswordHash);
  });

  it('unsalted sha1 and md5 (bare and md5$$ forms)', async () => {
    const sha1 = new UnsaltedSHA1PasswordHasher();
    const md5 = new UnsaltedMD5PasswordHasher();
    expect(await sha1.encode('correct horse', '')).toBe('sha1$$2f9e53523b62abc141a2b4d6019d23cba835dbd0');
    expect(await md5.encode('correct horse', '')).toBe('3cb4e732631f47e6eb961f34554b7cde');
    expect(await md5.verify('correct horse', '3cb4e732631f47e6eb961f34554b7cde')).toBe(true);
    expect(await md5.verify('correct horse', 'md5$$3cb4e732631f47e6eb961f34554b7cde')).toBe(true);
    expect(await sha1.verify('correct horse', 'sha1$$2f9e53523b62abc141a2b4d6019d23cba835dbd0')).toBe(true);
    expect(await sha1.verify('wrong', 'sha1$$2f9e53523b62abc141a2b4d6019d23cba835dbd0')).toBe(false);
    expect(md5.safeSummary('3cb4e732631f47e6eb961f34554b7cde')).toEqual({ algorithm: 'unsalted_md5', hash: '3cb' + '*'.repeat(29) });
    await expect(md5.encode('x', 'salt')).rejects.toThrow(InvalidPasswordHash);
  });

  it('crypt: DES crypt behind crypt$$, first 8 bytes only', async () => {
    const crypt = new CryptPasswordHasher();
    expect(await crypt.encode('hello', 'ab')).toBe('crypt$$abl0JrMf6tlhw');
    expect(await crypt.verify('hello', 'crypt$$abl0JrMf6tlhw')).toBe(true);
    expect(await crypt.verify('hello world', 'crypt$$abl0JrMf6tlhw')).toBe(false);
    expect(await crypt.verify('hellohel', await crypt.encode('hellohello', 'ab'))).toBe(true);
    expect(crypt.salt()).toMatch(/^[A-Za-z0-9]{2}$/);
    expect(crypt.safeSummary('crypt$$abl0JrMf6tlhw')).toEqual({ algorithm: 'crypt', salt: '', hash: 'abl' + '*'.repeat(10) });
    for (const bad of ['crypt', 'crypt$$', 'crypt$$abl0JrMf6tlh', 'crypt$$$6$salt$hash', 'crypt$$*0']) await expect(crypt.verify('hello', bad)).resolves.toBe(false);
    await expect(crypt.verify('a\0b', await crypt.encode('a', 'ab'))).resolves.toBe(false);
    await expect(crypt.encode('x', 'abc')).rejects.toThrow(InvalidPasswordHash);
    await expect(crypt.encode('x', 'a!')).rejects.toThrow(InvalidPasswordHash);
  });
});
