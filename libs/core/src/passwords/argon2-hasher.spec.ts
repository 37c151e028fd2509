import { describe, expect, it } from '@jest/globals';
import argon2 from 'argon2';
import { ImproperlyConfigured, InvalidPasswordHash } from '../errors.js';
import { Argon2PasswordHasher } from './argon2-hasher.js';

const SALT = 'seasaltseasaltseasalt1';
const DJANGO_32 = 'argon2$argon2id$v=19$m=102400,t=2,p=8$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$T7i9B659g4EMl2CUGA9FCA';
const cheap = { memoryCost: 64, timeCost: 1, parallelism: 2, hashLength: 16 };

async function phc(type: number, version: number, password = 'pw'): Promise<string> {
  const raw = await argon2.hash(password, { raw: true, salt: Buffer.from(SALT), type: type as 0 | 1 | 2, version, memoryCost: 64, timeCost: 1, parallelism: 2, hashLength: 16 });
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  const name = ['argon2d', 'argon2i', 'argon2id'][type];
  return `argon2$${name}$v=${version}$m=64,t=1,p=2$${b64(Buffer.from(SALT))}$${b64(raw)}`;
}

describe('Argon2PasswordHasher', () => {
  const h = new Argon2PasswordHasher(cheap);

  it('encodes like Django 3.2 with argon2-cffi 21.1 (hash length 16)', async () => {
    const django = new Argon2PasswordHasher({ hashLength: 16 });
    expect(await django.encode('correct horse', SALT)).toBe(DJANGO_32);
    expect(await django.verify('correct horse', DJANGO_32)).toBe(true);
    expect(await django.verify('correct horsE', DJANGO_32)).toBe(false);
    expect(django.mustUpdate(DJANGO_32)).toBe(false);
    // Newer argon2-cffi writes 32-byte hashes, so a 16-byte one asks for an update there.
    expect(new Argon2PasswordHasher().mustUpdate(DJANGO_32)).toBe(true);
  });

  it('verifies argon2id, argon2i and argon2d, v=19 and v=16, using the parameters in the hash', async () => {
    for (const type of [0, 1, 2]) {
      for (const version of [0x10, 0x13]) {
        const encoded = await phc(type, version);
        expect(await h.verify('pw', encoded)).toBe(true);
        expect(await h.verify('px', encoded)).toBe(false);
      }
    }
  });

  it('must_update when the variety, version, hash length, any cost or the salt differs', async () => {
    expect(h.mustUpdate(await h.encode('pw', SALT))).toBe(false);
    expect(h.mustUpdate(await phc(1, 0x13))).toBe(true);
    expect(h.mustUpdate(await phc(2, 0x10))).toBe(true);
    expect(new Argon2PasswordHasher({ ...cheap, timeCost: 2 }).mustUpdate(await h.encode('pw', SALT))).toBe(true);
    expect(new Argon2PasswordHasher({ ...cheap, memoryCost: 128 }).mustUpdate(await h.encode('pw', SALT))).toBe(true);
    expect(new Argon2PasswordHasher({ ...cheap, parallelism: 1 }).mustUpdate(await h.encode('pw', SALT))).toBe(true);
    expect(new Argon2PasswordHasher({ ...cheap, hashLength: 32 }).mustUpdate(await h.encode('pw', SALT))).toBe(true);
    expect(h.mustUpdate(await h.encode('pw', SALT.slice(0, 21)))).toBe(true);
  });

  it('decodes and summarises like Django', () => {
    expect(h.decode(DJANGO_32)).toEqual({ algorithm: 'argon2', hash: 'T7i9B659g4EMl2CUGA9FCA', salt: SALT, variety: 'argon2id', version: 19, memoryCost: 102400, timeCost: 2, parallelism: 8 });
    expect(h.safeSummary(DJANGO_32)).toEqual({ algorithm: 'argon2', variety: 'argon2id', version: 19, 'memory cost': 102400, 'time cost': 2, parallelism: 8, salt: 'seasal' + '*'.repeat(16), hash: 'T7i9B6' + '*'.repeat(16) });
  });

  it('fails closed on malformed hashes', async () => {
    const good = await h.encode('pw', SALT);
    const bad = [
      'argon2', 'argon2$argon2id', 'argon2$argon2x$v=19$m=64,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$T7i9B659g4EMl2CUGA9FCA',
      good.replace('v=19', 'v=20'), good.replace('m=64,t=1,p=2', 't=1,m=64,p=2'), good.replace('m=64', 'm=x'), good.replace('m=64', 'm=4'),
      good.replace('$c2Vh', '$!2Vh'), good + '=', good + '$extra', good.replace('t=1', 't=0'), 'argon2$toString$v=19$m=64,t=1,p=2$c2Vhc2FsdHNlYXNhbHRzZWFzYWx0MQ$T7i9B659g4EMl2CUGA9FCA',
    ];
    for (const encoded of bad) {
      await expect(h.verify('pw', encoded)).resolves.toBe(false);
      expect(h.mustUpdate(encoded)).toBe(false);
    }
    expect(() => h.decode('argon2$argon2id$v=19')).toThrow(InvalidPasswordHash);
  });

  it('refuses absurd costs before hashing', async () => {
    const good = await h.encode('pw', SALT);
    await expect(h.verify('pw', good.replace('m=64', 'm=4194304'))).rejects.toThrow(/memory cost 4194304 exceeds the configured cap of 1048576/);
    await expect(h.verify('pw', good.replace('t=1', 't=1000'))).rejects.toThrow(/time cost 1000 exceeds/);
    await expect(h.verify('pw', good.replace('p=2', 'p=255').replace('m=64', 'm=4096'))).rejects.toThrow(/parallelism 255 exceeds/);
    expect(() => new Argon2PasswordHasher({ memoryCost: 2048, limits: { argon2MemoryCost: 1024 } })).toThrow(ImproperlyConfigured);
  });

  it('encode needs an 8-byte salt but, like Django, allows $ in it', async () => {
    await expect(h.encode('pw', 'short')).rejects.toThrow(InvalidPasswordHash);
    expect(await h.verify('pw', await h.encode('pw', 'with$dollar'))).toBe(true);
  });
});
