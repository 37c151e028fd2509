/**
 * contrib/php held against the running Django and the TypeScript core, run by real PHP 8.2: Django's
 * password hashes verified in PHP, the session auth hash, the session_data check that stands
 * between a row and PHP's unserialize(), and the session ids PHP generates. Random inputs are seeded.
 */
import { describe, expect, it } from '@jest/globals';
import {
  decodeSessionData,
  isValidSessionKey,
  makePassword,
  PasswordHashers,
  phpSerialize,
  phpUnserialize,
  PHP_SESSION_KEY_PATTERN,
  sessionAuthHash,
} from '@django-bridge/core';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll } from '../django/oracle.js';
import { phpOps } from '../php/php.js';
import { randomBytes, randomEnvSecret, randomInt, randomSession, randomText } from '../support/random.js';

const info = djangoInfo();
/** The line's built-in hashers but scrypt, which PHP lacks (its hashes must fail closed, tested below). */
const PHP_HASHERS = info.hashers.filter((h) => h !== 'scrypt');
/** A wrong password that differs in the first byte (crypt reads 8 bytes, bcrypt 72). */
const wrongOf = (password: string) => (password.startsWith('Q') ? 'R' : 'Q') + password;
/** Django's bcrypt and crypt raise on NUL; PHP refuses those passwords (tested below). */
const noNul = (password: string) => password.replaceAll('\0', '');

describe('Django password hashes verified in PHP', () => {
  it(`every Django ${info.version} hasher (${PHP_HASHERS.join(', ')}): the right password verifies, a wrong one does not`, () => {
    const cases = PHP_HASHERS.flatMap((hasher) => ['', 'correct horse', 'ünïcødé пароль 😀', randomText(40)].map((pw) => ({ hasher, password: noNul(pw) })));
    const hashes = djangoAll<string>(cases.map((c) => ({ op: 'pw_make_password', password: c.password, hasher: c.hasher })));
    const results = phpOps<boolean>(cases.flatMap((c, i) => [
      { op: 'verify' as const, password: c.password, encoded: hashes[i] },
      { op: 'verify' as const, password: wrongOf(c.password), encoded: hashes[i] },
    ]));
    const byCase = cases.map((c, i) => ({ hasher: c.hasher, right: results[2 * i], wrong: results[2 * i + 1] }));
    expect(byCase).toEqual(cases.map((c) => ({ hasher: c.hasher, right: true, wrong: false })));
    expect(phpOps([{ op: 'has_argon2' }])).toEqual([true]);
  });

  it("hashes the Nest bridge makes, at every Django version's work factors, verify in PHP (scrypt excepted)", async () => {
    const password = `pw-${randomText(16)}`;
    const encoded: { label: string; hash: string }[] = [];
    for (const version of ['3.2', '4.2', '6.0'] as const) {
      const hashers = new PasswordHashers({ djangoVersion: version, hashers: ['pbkdf2_sha256', 'pbkdf2_sha1', 'bcrypt_sha256', 'argon2'] });
      for (const hasher of ['pbkdf2_sha256', 'pbkdf2_sha1', 'bcrypt_sha256', 'argon2']) encoded.push({ label: `${version} ${hasher}`, hash: await makePassword(password, { hashers, hasher }) });
    }
    const results = phpOps<boolean>(encoded.map((e) => ({ op: 'verify' as const, password, encoded: e.hash })));
    expect(Object.fromEntries(encoded.map((e, i) => [e.label, results[i]]))).toEqual(Object.fromEntries(encoded.map((e) => [e.label, true])));
    // PHP has no scrypt here: such a hash never verifies (fail closed), whatever the password.
    const scrypt = await makePassword(password, { hashers: new PasswordHashers({ djangoVersion: '6.0', hashers: ['scrypt'] }), hasher: 'scrypt' });
    expect(phpOps([{ op: 'verify', password, encoded: scrypt }, { op: 'algorithm', encoded: scrypt }])).toEqual([false, 'scrypt']);
    // The same for a scrypt hash the running Django made, where it has the hasher (4.0+).
    if (info.hashers.includes('scrypt')) {
      const [theirs] = djangoAll<string>([{ op: 'pw_make_password', password, hasher: 'scrypt' }]);
      expect(phpOps([{ op: 'verify', password, encoded: theirs }])).toEqual([false]);
    }
  });

  it('unusable, unknown and malformed hashes never verify; absurd work factors are refused', () => {
    const pw = 'secret';
    const md5 = djangoAll<string>([{ op: 'pw_make_password', password: pw, hasher: 'md5' }])[0];
    const cases: [string, unknown][] = [
      ['!' + randomBytes(20).toString('hex'), false],
      ['', false],
      ['sha3$salt$abc', false],
      ['$salt$abc', false],
      ['pbkdf2_sha256$0$salt$abc', false],
      ['pbkdf2_sha256$abc$salt$abc', false],
      ['pbkdf2_sha256$1000$salt', false],
      ['bcrypt$$2b$12$short', false],
      ['argon2$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ', false],
      ['crypt$$abc', false],
      ['md5$$' + 'x'.repeat(32), false],
      [md5.slice(0, -1), false],
      [md5 + 'a', false],
      [md5, true],
    ];
    const results = phpOps(cases.map(([encoded]) => ({ op: 'verify' as const, password: pw, encoded })));
    expect(results).toEqual(cases.map(([, expected]) => expected));
    const [tooMany, tooCostly] = phpOps<{ error: string }>([
      { op: 'verify', password: pw, encoded: 'pbkdf2_sha256$999999999$salt$abc' },
      { op: 'verify', password: pw, encoded: `bcrypt$$2b$31$${'a'.repeat(53)}` },
    ]);
    expect(tooMany.error).toMatch(/pbkdf2_iterations/);
    expect(tooCostly.error).toMatch(/bcrypt_cost/);
  });

  it('NUL in a password never verifies against bcrypt or crypt', () => {
    // crypt only where the line still ships it (up to 5.0).
    const hashers = ['bcrypt', ...(info.hashers.includes('crypt') ? ['crypt'] : [])];
    const hashes = djangoAll<string>(hashers.map((hasher) => ({ op: 'pw_make_password', password: 'abc', hasher })));
    expect(phpOps(hashes.map((encoded) => ({ op: 'verify' as const, password: 'abc\0def', encoded })))).toEqual(hashers.map(() => false));
  });
});

describe('session auth hash in PHP', () => {
  const withSha1 = info.features.default_hashing_algorithm;
  it(`equals Django ${info.version}'s get_session_auth_hash (sha256${withSha1 ? ", and sha1 with DEFAULT_HASHING_ALGORITHM = 'sha1'" : ''}) for random keys and hashes`, () => {
    // sha1 hashes exist on 3.1/3.2 only (DEFAULT_HASHING_ALGORITHM); 4.0+ always use sha256.
    const cases = Array.from({ length: 12 }, (_, i) => ({ passwordHash: `pbkdf2_sha256$${info.pbkdf2_iterations}$${randomText(10)}$${randomBytes(32).toString('base64')}`, secretKey: randomEnvSecret(), algorithm: (withSha1 && i % 3 === 0 ? 'sha1' : 'sha256') as 'sha1' | 'sha256' }));
    const theirs = djangoAll<string>(cases.map((c) => ({ op: 'session_auth_hash', key: c.secretKey, password_hash: c.passwordHash, ...(c.algorithm === 'sha1' ? { algorithm: 'sha1' } : {}) })));
    expect(phpOps(cases.map((c) => ({ op: 'auth_hash' as const, ...c })))).toEqual(theirs);
    expect(cases.map((c) => sessionAuthHash(c.passwordHash, c.secretKey, c.algorithm))).toEqual(theirs);
  });
});

describe('session_data check before PHP unserializes a row', () => {
  const session = { _auth_user_id: '7', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: 'ab'.repeat(32) };
  const good = phpSerialize(session).toString('latin1');
  const php = (data: string | Buffer) => phpOps<string | null>([{ op: 'session_data', data: Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1') }])[0];

  it('passes plain php_serialize data unchanged, and unwraps rows Python 3 Django stored as b\'...\'', () => {
    const sessions = Array.from({ length: 30 }, () => randomSession());
    const encoded = sessions.map((s) => phpSerialize(s));
    const out = phpOps<string | null>(encoded.map((data) => ({ op: 'session_data' as const, data })));
    expect(out).toEqual(encoded.map((b) => b.toString('base64')));
    const reprs = djangoAll<string>(encoded.slice(0, 10).map((data) => ({ op: 'php_bridge_bytes_repr', data })));
    const unwrapped = phpOps<string | null>(reprs.map((r) => ({ op: 'session_data' as const, data: Buffer.from(r, 'utf8') })));
    expect(unwrapped).toEqual(encoded.slice(0, 10).map((b) => b.toString('base64')));
  });

  it.each([
    ['an object', good.replace(/}$/, 's:1:"o";O:8:"stdClass":0:{}}').replace(/^a:3:/, 'a:4:')],
    ['a Serializable object', good.replace(/}$/, 's:1:"o";C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}}').replace(/^a:3:/, 'a:4:')],
    ['a reference', good.replace(/}$/, 's:1:"r";R:2;}').replace(/^a:3:/, 'a:4:')],
    ['a value reference', good.replace(/}$/, 's:1:"r";r:2;}').replace(/^a:3:/, 'a:4:')],
    ['an enum', good.replace(/}$/, 's:1:"e";E:7:"Foo:Bar";}').replace(/^a:3:/, 'a:4:')],
    ['a truncated string', good.slice(0, good.length - 10)],
    ['a string longer than its length', good.replace('s:1:"7"', 's:1:"77"')],
    ['a string shorter than its length', good.replace('s:1:"7"', 's:2:"7"')],
    ['an element count too high', good.replace(/^a:3:/, 'a:4:')],
    ['an element count too low', good.replace(/^a:3:/, 'a:2:')],
    ['trailing data', `${good}i:1;`],
    ['a scalar at the top', 's:3:"abc";'],
    ['an integer beyond int64', good.replace(/}$/, 's:1:"n";i:9223372036854775808;}').replace(/^a:3:/, 'a:4:')],
    ['a bad float', good.replace(/}$/, 's:1:"f";d:1.2.3;}').replace(/^a:3:/, 'a:4:')],
    ['an array key that is an array', 'a:1:{a:0:{}i:1;}'],
    ['a bytes literal with a bad escape', `b'${good.replace('"', '\\q')}'`],
    ['nothing', ''],
  ])('refuses %s, as the TypeScript reader does', (_what, data) => {
    expect(php(data)).toBeNull();
    expect(() => decodeSessionData(data, { secretKey: 'unused', serializer: 'php' })).toThrow('Session data corrupted');
  });

  it('agrees with the TypeScript reader on thousands of damaged rows', () => {
    const base = [phpSerialize(randomSession()), phpSerialize({ list: [1, 2, 3], map: { 5: 'a', x: [null, true, 1.5] }, text: 'é😀' })];
    const damaged: Buffer[] = [];
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(base[i % base.length]);
      const pos = randomInt(b.length);
      const kind = randomInt(3);
      damaged.push(kind === 0 ? b.subarray(0, pos) : kind === 1 ? Buffer.concat([b.subarray(0, pos), b.subarray(pos + 1)]) : Buffer.concat([b.subarray(0, pos), Buffer.from([b[pos] ^ (1 << randomInt(7))]), b.subarray(pos + 1)]));
    }
    const theirs = phpOps<string | null>(damaged.map((data) => ({ op: 'session_data' as const, data })));
    const disagreements = damaged.filter((data, i) => {
      let ours: boolean;
      try {
        const value = phpUnserialize(data);
        ours = value !== null && typeof value === 'object';
      } catch (err) {
        // PHP checks structure only; a non-UTF-8 key is legal PHP that JS cannot key an object by.
        if (/not UTF-8/.test((err as Error).message)) return false;
        ours = false;
      }
      // A list-shaped top-level array is still an array in PHP.
      return ours !== (theirs[i] !== null);
    });
    expect(disagreements.map((d) => d.toString('latin1'))).toEqual([]);
  });
});

describe('session ids PHP generates', () => {
  it('are accepted by the Nest bridge for every sid_bits_per_character and lengths up to the column', () => {
    const settings = [4, 5, 6].flatMap((bits) => [22, 26, 32, 40].map((length) => ({ bits: bits as 4 | 5 | 6, length })));
    const ids = phpOps<string[]>(settings.map((s) => ({ op: 'session_ids' as const, ...s, count: 20 })));
    settings.forEach((s, i) => {
      for (const id of ids[i]) {
        expect(id).toHaveLength(s.length);
        expect(isValidSessionKey(id, PHP_SESSION_KEY_PATTERN)).toBe(true);
      }
    });
    // Too long for django_session.session_key, too short for Django, or not PHP's alphabet.
    for (const bad of ['a'.repeat(41), 'abcdefg', 'abcd.efgh', 'abcd efgh', 'abcd_efgh']) expect(isValidSessionKey(bad, PHP_SESSION_KEY_PATTERN)).toBe(false);
  });
});
