import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured, UnknownPasswordHasher } from '../errors.js';
import { Argon2PasswordHasher } from './argon2-hasher.js';
import { MD5PasswordHasher } from './salted-digest-hashers.js';
import { algorithmOf, getDefaultPasswordHashers, getHasher, identifyHasher, PasswordHashers } from './password-hashers.js';
import { PBKDF2PasswordHasher } from './pbkdf2-hasher.js';
import { ScryptPasswordHasher } from './scrypt-hasher.js';

describe('PasswordHashers', () => {
  it('defaults follow the newest Django', () => {
    const r = new PasswordHashers();
    expect(r.hashers.map((h) => h.algorithm)).toEqual(['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256', 'scrypt']);
    expect((r.preferred as PBKDF2PasswordHasher).iterations).toBe(1_500_000);
    expect((r.get('scrypt') as ScryptPasswordHasher).parallelism).toBe(5);
    expect((r.get('argon2') as Argon2PasswordHasher).hashLength).toBe(32);
    expect(getDefaultPasswordHashers().preferred.algorithm).toBe('pbkdf2_sha256');
  });

  it('follows djangoVersion so an older site does not rehash every login', () => {
    const r42 = new PasswordHashers({ djangoVersion: '4.2' });
    expect((r42.preferred as PBKDF2PasswordHasher).iterations).toBe(600_000);
    expect((r42.get('scrypt') as ScryptPasswordHasher).parallelism).toBe(1);
    const r32 = new PasswordHashers({ djangoVersion: '3.2' });
    expect(r32.hashers.map((h) => h.algorithm)).toEqual(['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256']);
    expect((r32.get('pbkdf2_sha1') as PBKDF2PasswordHasher).iterations).toBe(260_000);
    expect((r32.get('argon2') as Argon2PasswordHasher).hashLength).toBe(16);
  });

  it('takes explicit work factors', () => {
    const r = new PasswordHashers({ hashers: ['scrypt', 'argon2', 'bcrypt', 'pbkdf2_sha1'], iterations: 5, argon2: { timeCost: 3, hashLength: 16 }, bcryptRounds: 10, scrypt: { parallelism: 2 } });
    expect(r.preferred.algorithm).toBe('scrypt');
    expect((r.get('scrypt') as ScryptPasswordHasher).parallelism).toBe(2);
    expect(r.get('argon2')).toMatchObject({ timeCost: 3, hashLength: 16, memoryCost: 102400 });
    expect(r.get('bcrypt')).toMatchObject({ rounds: 10 });
    expect(r.get('pbkdf2_sha1')).toMatchObject({ iterations: 5 });
  });

  it('allows hashers the chosen version dropped, and custom objects', () => {
    const custom = new MD5PasswordHasher();
    const r = new PasswordHashers({ djangoVersion: '6.0', hashers: ['pbkdf2_sha256', 'crypt', custom] });
    expect(r.get('crypt').algorithm).toBe('crypt');
    expect(r.get('md5')).toBe(custom);
    expect(r.get(custom)).toBe(custom);
  });

  it('rejects unknown names, empty lists, bad versions and bad factors', () => {
    expect(() => new PasswordHashers({ hashers: ['pbkdf2_sha256', 'sha3'] })).toThrow(/"sha3"/);
    expect(() => new PasswordHashers({ hashers: ['sha3'] })).toThrow(ImproperlyConfigured);
    expect(() => new PasswordHashers({ hashers: [] })).toThrow(ImproperlyConfigured);
    expect(() => new PasswordHashers({ djangoVersion: '2.2' as never })).toThrow(ImproperlyConfigured);
    expect(() => new PasswordHashers({ iterations: 30_000_000 })).toThrow(ImproperlyConfigured);
    expect(() => new PasswordHashers({ limits: { bcryptCost: 0 } })).toThrow(ImproperlyConfigured);
    expect(() => new PasswordHashers({ hashers: [{} as never] })).toThrow(ImproperlyConfigured);
  });

  it('identifies hashers with Django special cases for unsalted forms', () => {
    const r = new PasswordHashers({ djangoVersion: '3.2', hashers: ['pbkdf2_sha256', 'md5', 'sha1', 'unsalted_md5', 'unsalted_sha1', 'bcrypt_sha256'] });
    expect(r.identify('3cb4e732631f47e6eb961f34554b7cde').algorithm).toBe('unsalted_md5');
    expect(r.identify('md5$$3cb4e732631f47e6eb961f34554b7cde').algorithm).toBe('unsalted_md5');
    expect(r.identify('md5$$3cb4e732631f47e6eb961f34554b7cd').algorithm).toBe('md5');
    expect(r.identify('sha1$$2f9e53523b62abc141a2b4d6019d23cba835dbd0').algorithm).toBe('unsalted_sha1');
    expect(r.identify('sha1$salt$2f9e53523b62abc141a2b4d6019d23cba835dbd0').algorithm).toBe('sha1');
    expect(r.identify('bcrypt_sha256$$2b$12$x').algorithm).toBe('bcrypt_sha256');
    expect(() => r.identify('argon2$argon2id$...')).toThrow(UnknownPasswordHasher);
    expect(() => r.identify('')).toThrow(UnknownPasswordHasher);
    expect(() => r.identify('x'.repeat(100))).toThrow(/100 chars/);
    expect(() => r.get('nope')).toThrow(UnknownPasswordHasher);
    // Without the unsalted hashers (Django 5.1+ default), the bare forms are unknown.
    expect(() => identifyHasher('3cb4e732631f47e6eb961f34554b7cde')).toThrow(UnknownPasswordHasher);
    expect(getHasher().algorithm).toBe('pbkdf2_sha256');
    expect(algorithmOf('pbkdf2_sha256$1$a$b')).toBe('pbkdf2_sha256');
  });

  it('mustUpdate: other hasher, preferred rules, unknown; never for unusable', async () => {
    const r = new PasswordHashers({ hashers: ['pbkdf2_sha256', 'md5'], iterations: 1000 });
    const pbkdf2 = await r.get('pbkdf2_sha256').encode('pw', 'seasaltseasaltseasalt1');
    expect(r.mustUpdate(pbkdf2)).toBe(false);
    expect(r.mustUpdate(await r.get('pbkdf2_sha256').encode('pw', 'seasaltseasaltseasalt1', 999))).toBe(true);
    expect(r.mustUpdate(await r.get('md5').encode('pw', 'seasaltseasaltseasalt1'))).toBe(true);
    expect(r.mustUpdate(await r.get('md5').encode('pw', 'seasaltseasaltseasalt1'), 'md5')).toBe(false);
    expect(r.mustUpdate('unknown$x')).toBe(true);
    expect(r.mustUpdate('!unusable')).toBe(false);
  });
});
