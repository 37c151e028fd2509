/**
 * Password hashers held against Django 3.2 itself: byte-identical hashes with the same salt,
 * each side accepting the other's hashes, and hashlib ground truth for 4.0+ formats.
 * Passwords and salts are random on every run.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { checkPassword, desCrypt, makePassword, PasswordHashers, ScryptPasswordHasher } from '@django-bridge/core';
import { DJANGO_VERSIONS, djangoDefaults } from '@django-bridge/core';
import { djangoAll, djangoBatch } from '../django/oracle.js';
import { randomText } from '../support/random.js';

const ALL_32 = ['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256', 'bcrypt', 'sha1', 'md5', 'unsalted_sha1', 'unsalted_md5', 'crypt'];
// The same list, order and defaults as test/django/oracle.py's settings.
const django32 = new PasswordHashers({ djangoVersion: '3.2', hashers: ALL_32 });
const SLOW = new Set(['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256', 'bcrypt']);
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BCRYPT_CHARS = './' + ALNUM;
const pick = (chars: string, n: number) => Array.from({ length: n }, () => chars[randomInt(chars.length)]).join('');

function randomPasswords(count: number): string[] {
  const fixed = ['', 'correct horse', 'ünïcødé пароль 密码 😀𝄞', 'x'.repeat(100) + randomText(30)];
  return [...fixed, ...Array.from({ length: Math.max(0, count - fixed.length) }, () => randomText(randomInt(2) ? 12 : 80))].slice(0, count);
}

/** NUL bytes make Django's bcrypt and crypt raise; those cases are tested separately. */
function forHasher(name: string, password: string): string {
  return name === 'bcrypt' || name === 'crypt' ? password.replaceAll('\0', '') : password;
}

/** A wrong password that differs in the first byte (crypt reads 8 bytes, bcrypt 72). */
const wrongOf = (password: string) => (password.startsWith('Q') ? 'R' : 'Q') + password;

function randomSalt(name: string): string {
  if (name === 'bcrypt' || name === 'bcrypt_sha256') return `$${randomInt(3) === 0 ? '2a' : '2b'}$${randomInt(2) ? '04' : '05'}$${pick(BCRYPT_CHARS, 22)}`;
  if (name === 'crypt') return pick(BCRYPT_CHARS, 2);
  if (name.startsWith('unsalted')) return '';
  // Odd lengths too: must_update's salt rule and the salt field of the format (argon2 needs 8+ bytes).
  return pick(ALNUM, randomInt(2) ? 22 : randomInt(name === 'argon2' ? 8 : 1, 30));
}

const cases = ALL_32.flatMap((hasher) => randomPasswords(SLOW.has(hasher) ? (hasher === 'argon2' ? 3 : 4) : 12)
  .map((pw) => ({ hasher, password: forHasher(hasher, pw), salt: randomSalt(hasher) })));

describe('Django 3.2 hashers, byte for byte', () => {
  const theirs = djangoAll<string>(cases.map((c) => ({ op: 'pw_make_password', ...c })));

  it('makePassword with the same salt gives the identical string for every hasher', async () => {
    const ours = await Promise.all(cases.map((c) => makePassword(c.password, { hasher: c.hasher, salt: c.salt, hashers: django32 })));
    expect(ours).toEqual(theirs);
  });

  it("checkPassword accepts Django's hashes and rejects a wrong password", async () => {
    const right = await Promise.all(cases.map((c, i) => checkPassword(c.password, theirs[i], { hashers: django32 })));
    expect(right.every(Boolean)).toBe(true);
    const wrong = await Promise.all(cases.map((c, i) => checkPassword(wrongOf(c.password), theirs[i], { hashers: django32 })));
    expect(wrong.some(Boolean)).toBe(false);
  });

  it('identify, safe_summary and must_update agree with Django', () => {
    const sample = theirs.filter((_, i) => i % 2 === 0);
    const results = djangoAll<unknown>(sample.flatMap((encoded) => [
      { op: 'pw_identify_hasher', encoded },
      { op: 'pw_safe_summary', encoded },
      { op: 'pw_must_update', hasher: django32.identify(encoded).algorithm, encoded },
    ]));
    sample.forEach((encoded, i) => {
      const hasher = django32.identify(encoded);
      expect([hasher.algorithm, hasher.safeSummary(encoded), hasher.mustUpdate(encoded)]).toEqual(results.slice(3 * i, 3 * i + 3));
    });
  });
});

describe('Django 3.2 accepts our hashes', () => {
  it('check_password is true for the password and false for another, with random salts', async () => {
    const ours = await Promise.all(cases.map((c) => makePassword(c.password, { hasher: c.hasher, hashers: django32 })));
    const results = djangoAll<{ ok: boolean; updated: boolean }>(cases.flatMap((c, i) => [
      { op: 'pw_check_password', password: c.password, encoded: ours[i] },
      ...(SLOW.has(c.hasher) && i % 2 ? [] : [{ op: 'pw_check_password', password: wrongOf(c.password), encoded: ours[i] }]),
    ]));
    const expected = cases.flatMap((c, i) => [
      { ok: true, updated: c.hasher !== 'pbkdf2_sha256' },
      ...(SLOW.has(c.hasher) && i % 2 ? [] : [{ ok: false, updated: false }]),
    ]);
    expect(results).toEqual(expected);
  });

  it('setter parity: Django and we rehash the same logins', async () => {
    const pw = randomText(10);
    const hashes = [
      await makePassword(pw, { hashers: django32, salt: pick(ALNUM, 21) }),
      await makePassword(pw, { hashers: django32, iterations: 1000 }),
      await makePassword(pw, { hashers: django32 }),
      await makePassword(pw, { hashers: django32, hasher: 'md5' }),
    ];
    const theirs = djangoAll<{ ok: boolean; updated: boolean }>(hashes.map((encoded) => ({ op: 'pw_check_password', password: pw, encoded })));
    const ours = await Promise.all(hashes.map(async (encoded) => {
      let updated = false;
      const ok = await checkPassword(pw, encoded, { hashers: django32, setter: () => { updated = true; } });
      return { ok, updated };
    }));
    expect(ours).toEqual(theirs);
    expect(ours.map((r) => r.updated)).toEqual([true, true, false, true]);
  });
});

describe('edge cases against Django', () => {
  it('identifies odd strings as Django does', () => {
    const strings = ['', '!', '!abc', 'nope', 'nope$x', 'md5$$' + 'a'.repeat(32), 'md5$$' + 'a'.repeat(31), 'sha1$$' + 'b'.repeat(40), 'c'.repeat(32), 'c'.repeat(31) + '$', 'argon2', 'scrypt$1'];
    const theirs = djangoBatch(strings.map((encoded) => ({ op: 'pw_identify_hasher', encoded })));
    const ours = strings.map((s) => { try { return django32.identify(s).algorithm; } catch { return null; } });
    expect(ours).toEqual(theirs.map((r) => (r.error ? null : r.ok)));
  });

  it('where Django raises on a malformed hash or NUL password, we answer false', async () => {
    const cryptHash = await makePassword('ab', { hasher: 'crypt', hashers: django32 });
    const bcryptHash = await makePassword('ab', { hasher: 'bcrypt', hashers: django32, salt: '$2b$04$' + pick(BCRYPT_CHARS, 22) });
    const probes = [['x', 'pbkdf2_sha256$abc'], ['x', 'sha1$$abc'], ['a\0b', cryptHash], ['a\0b', bcryptHash]];
    const theirs = djangoBatch(probes.map(([password, encoded]) => ({ op: 'pw_check_password', password, encoded })));
    expect(theirs.every((r) => r.error !== undefined)).toBe(true);
    for (const [password, encoded] of probes) expect(await checkPassword(password, encoded, { hashers: django32 })).toBe(false);
  });

  it('DES crypt equals Python crypt.crypt on random UTF-8 passwords and salts', () => {
    const probes = Array.from({ length: 60 }, () => ({ password: randomText(randomInt(2) ? 6 : 14).replaceAll('\0', ''), salt: pick(BCRYPT_CHARS, 2) }));
    const theirs = djangoAll<string>(probes.map((p) => ({ op: 'pw_crypt', ...p })));
    expect(probes.map((p) => desCrypt(Buffer.from(p.password, 'utf8'), p.salt))).toEqual(theirs);
  });

  it('null password and unusable hashes are false on both sides', async () => {
    const unusable = await makePassword(null);
    const theirs = djangoAll<{ ok: boolean }>([{ op: 'pw_check_password', password: null, encoded: await makePassword('x', { hashers: django32, hasher: 'md5' }) }, { op: 'pw_check_password', password: 'x', encoded: unusable }]);
    expect(theirs.map((r) => r.ok)).toEqual([false, false]);
    expect(await checkPassword(null, unusable, { hashers: django32 })).toBe(false);
  });
});

describe('formats of Django 4.0+ (hashlib ground truth)', () => {
  it('scrypt with p=1 (4.0–5.0) and p=5 (5.1+) is byte-identical and verifies both ways', async () => {
    const probes = [1, 5, 1, 5].map((p, i) => ({ password: i === 0 ? '' : randomText(20), salt: pick(ALNUM, 22), n: 2 ** 14, r: 8, p }));
    const theirs = djangoAll<string>(probes.map((c) => ({ op: 'pw_scrypt_encode', ...c })));
    const ours = await Promise.all(probes.map((c) => new ScryptPasswordHasher({ parallelism: c.p }).encode(c.password, c.salt)));
    expect(ours).toEqual(theirs);
    for (const version of ['4.2', '6.0'] as const) {
      const hashers = new PasswordHashers({ djangoVersion: version });
      const p = djangoDefaults(version).scryptParallelism;
      for (const [i, c] of probes.entries()) {
        let updated = false;
        expect(await checkPassword(c.password, theirs[i], { hashers, setter: () => { updated = true; } })).toBe(true);
        expect(updated).toBe(true); // scrypt is not the preferred hasher
        expect(hashers.get('scrypt').mustUpdate(theirs[i])).toBe(c.p !== p);
      }
      const mine = await makePassword(probes[1].password, { hasher: 'scrypt', hashers });
      expect(djangoAll<boolean>([{ op: 'pw_scrypt_verify', password: probes[1].password, encoded: mine }, { op: 'pw_scrypt_verify', password: probes[1].password + 'x', encoded: mine }])).toEqual([true, false]);
    }
  });

  it('PBKDF2 at every line default count matches Django, which also accepts ours', async () => {
    const lines = DJANGO_VERSIONS.filter((v) => v !== '3.2');
    const probes = lines.map((version) => ({ version, password: randomText(16), salt: pick(ALNUM, 22), hasher: 'pbkdf2_sha256', extra: [djangoDefaults(version).pbkdf2Iterations] }));
    const theirs = djangoAll<string>(probes.map(({ version: _v, ...c }) => ({ op: 'pw_encode', ...c })));
    const ours = await Promise.all(probes.map((c) => makePassword(c.password, { salt: c.salt, hashers: new PasswordHashers({ djangoVersion: c.version }) })));
    expect(ours).toEqual(theirs);
    for (const [i, c] of probes.entries()) {
      const hashers = new PasswordHashers({ djangoVersion: c.version });
      expect(hashers.mustUpdate(theirs[i])).toBe(false);
      expect(new PasswordHashers({ djangoVersion: '4.2' }).mustUpdate(theirs[i])).toBe(c.version !== '4.2');
    }
    // One 1.2M-iteration hash of ours, made with a random salt, checked by Django.
    const pw = randomBytes(8).toString('hex');
    const latest = await makePassword(pw);
    expect(djangoAll<{ ok: boolean }>([{ op: 'pw_check_password', password: pw, encoded: latest }])[0].ok).toBe(true);
  });
});
