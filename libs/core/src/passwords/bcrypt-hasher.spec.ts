import { describe, expect, it, jest } from '@jest/globals';
import { ImproperlyConfigured, InvalidPasswordHash } from '../errors.js';
import { BCryptPasswordHasher, BCryptSHA256PasswordHasher } from './bcrypt-hasher.js';

const SALT12 = '$2b$12$abcdefghijklmnopqrstuu';
const SHA256_12 = 'bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO';
const PLAIN_12 = 'bcrypt$$2b$12$abcdefghijklmnopqrstuuFDJRuYeKkCzo3Wy7h8SxhBSHBAHiPK2';

describe('bcrypt hashers', () => {
  const sha = new BCryptSHA256PasswordHasher({ rounds: 4 });
  const plain = new BCryptPasswordHasher({ rounds: 4 });

  it('encode like Django (cost 12 vectors) and verify', async () => {
    const django = new BCryptSHA256PasswordHasher();
    expect(await django.encode('correct horse', SALT12)).toBe(SHA256_12);
    expect(await new BCryptPasswordHasher().encode('correct horse', SALT12)).toBe(PLAIN_12);
    expect(await sha.verify('correct horse', SHA256_12)).toBe(true);
    expect(await plain.verify('correct horse', PLAIN_12)).toBe(true);
    expect(await plain.verify('correct horse', SHA256_12)).toBe(false);
  });

  it('accepts $2a$ and $2y$ hashes and keeps their prefix', async () => {
    for (const prefix of ['2a', '2y']) {
      const encoded = await sha.encode('pw', `$${prefix}$04$abcdefghijklmnopqrstuu`);
      expect(encoded.startsWith(`bcrypt_sha256$$${prefix}$04$`)).toBe(true);
      expect(encoded.slice(-31)).toBe((await sha.encode('pw', '$2b$04$abcdefghijklmnopqrstuu')).slice(-31));
      expect(await sha.verify('pw', encoded)).toBe(true);
    }
  });

  it('bcrypt_sha256 is not cut at 72 bytes; plain bcrypt is', async () => {
    const salt = '$2b$04$abcdefghijklmnopqrstuu';
    expect(await sha.verify('a'.repeat(73), await sha.encode('a'.repeat(72), salt))).toBe(false);
    expect(await plain.verify('a'.repeat(73), await plain.encode('a'.repeat(72), salt))).toBe(true);
  });

  it('plain bcrypt hashes every byte, NUL included (pyca/bcrypt 4+, Django 6.1): no truncation at the NUL', async () => {
    const salt = '$2b$04$abcdefghijklmnopqrstuu';
    // Made by Django 6.1.1 with python3-bcrypt 4.2: make_password('a\x00b', b'$2b$04$abcdefghijklmnopqrstuu', 'bcrypt').
    const django61 = 'bcrypt$$2b$04$abcdefghijklmnopqrstuusjHI0zQHpOe3SFDK1IriYv6N79Gzr32';
    expect(await plain.encode('a\0b', '$2b$04$abcdefghijklmnopqrstuu')).toBe(django61);
    expect(await plain.verify('a\0b', django61)).toBe(true);
    expect(await plain.verify('a', django61)).toBe(false);
    expect(await plain.verify('a\0b', await plain.encode('a', salt))).toBe(false);
    expect(await sha.verify('a\0b', await sha.encode('a\0b', salt))).toBe(true);
  });

  it('salt() is a complete bcrypt salt at the configured cost', () => {
    expect(sha.salt()).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{22}$/);
    expect(new BCryptSHA256PasswordHasher({ rounds: 12 }).salt()).toMatch(/^\$2b\$12\$/);
  });

  it('salt() writes 16 random bytes in bcrypt base64, as the bcrypt package does (no addon needed)', async () => {
    const bcrypt = (await import('bcrypt')).default;
    const salts = Array.from({ length: 200 }, () => sha.salt());
    expect(new Set(salts).size).toBe(salts.length);
    for (const salt of salts) {
      // 22 characters carry 132 bits: the last one only 2, so it is one of ".Oeu" (what libbcrypt decodes back).
      expect(salt).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{21}[.Oeu]$/);
      expect(bcrypt.getRounds(salt + 'x'.repeat(31))).toBe(4);
    }
    expect(bcrypt.genSaltSync(4, 'b')).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{21}[.Oeu]$/);
    expect(await sha.verify('pw', await sha.encode('pw', salts[0]))).toBe(true);
  });

  it('decodes and summarises like Django', () => {
    expect(sha.decode(SHA256_12)).toMatchObject({ algorithm: 'bcrypt_sha256', algostr: '2b', workFactor: 12, salt: 'abcdefghijklmnopqrstuu', checksum: 'rByPinJWI/V/0c5apkEb2KJQv7f.gZO' });
    expect(sha.safeSummary(SHA256_12)).toEqual({ algorithm: 'bcrypt_sha256', 'work factor': 12, salt: 'abcdef' + '*'.repeat(16), checksum: 'rByPin' + '*'.repeat(25) });
  });

  it('fails closed on malformed hashes', async () => {
    for (const bad of ['bcrypt_sha256', 'bcrypt_sha256$', 'bcrypt_sha256$$2b$12$short', 'bcrypt_sha256$$2x$12$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO',
      'bcrypt_sha256$$2b$03$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO', 'bcrypt_sha256$$2b$1x$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO',
      'bcrypt_sha256$$2b$12$abcdefghijklmnopqrst!urByPinJWI/V/0c5apkEb2KJQv7f.gZO', SHA256_12 + 'x', 'bcrypt_sha256$x$2b$12$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO']) {
      await expect(sha.verify('correct horse', bad)).resolves.toBe(false);
    }
    await expect(sha.encode('pw', 'not a salt')).rejects.toThrow(InvalidPasswordHash);
  });

  it('refuses absurd costs', async () => {
    await expect(sha.verify('pw', SHA256_12.replace('$12$', '$31$'))).rejects.toThrow(/cost 31 exceeds the configured cap of 16/);
    expect(() => new BCryptSHA256PasswordHasher({ rounds: 14, limits: { bcryptCost: 13 } })).toThrow(ImproperlyConfigured);
    expect(() => new BCryptSHA256PasswordHasher({ rounds: 3 })).toThrow(ImproperlyConfigured);
  });

  it('must_update iff the cost differs', async () => {
    expect(sha.mustUpdate(await sha.encode('pw', '$2b$04$abcdefghijklmnopqrstuu'))).toBe(false);
    expect(sha.mustUpdate(await sha.encode('pw', '$2b$05$abcdefghijklmnopqrstuu'))).toBe(true);
    expect(sha.mustUpdate(SHA256_12)).toBe(true);
  });

  it('harden_runtime runs 2^(rounds - stored) - 1 extra hashes at the stored cost', async () => {
    const h6 = new BCryptSHA256PasswordHasher({ rounds: 6 });
    const stored = await h6.encode('pw', '$2b$04$abcdefghijklmnopqrstuu');
    const spy = jest.spyOn(h6, 'encode');
    await h6.hardenRuntime('pw', stored);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(spy).toHaveBeenCalledWith('pw', '$2b$04$abcdefghijklmnopqrstuu');
    spy.mockClear();
    await h6.hardenRuntime('pw', await h6.encode('pw', '$2b$07$abcdefghijklmnopqrstuu'));
    expect(spy).toHaveBeenCalledTimes(1); // only the encode that made the hash
    spy.mockRestore();
  });
});
