/**
 * Password hashers held against the running Django: byte-identical hashes with the same salt for
 * every hasher the line ships, each side accepting the other's hashes, must_update and rehash parity
 * at the line's own work factors, and scrypt/PBKDF2 formats of every line. Passwords and salts are
 * random (seeded) on every run.
 */
import { describe, expect, it } from '@jest/globals';
import { checkPassword, desCrypt, DJANGO_VERSIONS, djangoDefaults, makePassword, PasswordHashers, ScryptPasswordHasher } from '@django-bridge/core';
import { bridgeVersion, djangoInfo } from '../django/django-info.js';
import { djangoAll, djangoBatch } from '../django/oracle.js';
import { randomBytes, randomInt, randomString, randomText } from '../support/random.js';

const info = djangoInfo();
const version = bridgeVersion(info);
/** Every built-in hasher this line ships, preferred first (sha1 and unsalted went in 5.0, crypt in 5.1, scrypt came in 4.0). */
const HASHERS = info.hashers;
// The bridge set up like the oracle's site: the same list, this line's work factors, and the argon2
// hash length of the argon2-cffi that Django runs with (16 bytes up to argon2-cffi 21.1, 32 after).
const site = new PasswordHashers({ djangoVersion: version, hashers: HASHERS, argon2: { hashLength: info.argon2.hash_length } });
const PREFERRED = HASHERS[0];
const SLOW = new Set(['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256', 'bcrypt', 'scrypt']);
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BCRYPT_CHARS = './' + ALNUM;
const has = (name: string) => HASHERS.includes(name);

function randomPasswords(count: number): string[] {
  const fixed = ['', 'correct horse', 'ünïcødé пароль 密码 😀𝄞', 'x'.repeat(100) + randomText(30)];
  return [...fixed, ...Array.from({ length: Math.max(0, count - fixed.length) }, () => randomText(randomInt(2) ? 12 : 80))].slice(0, count);
}

/** NUL bytes make bcrypt (before pyca/bcrypt 4) and crypt raise; they are tested separately. */
function forHasher(name: string, password: string): string {
  return name === 'bcrypt' || name === 'crypt' ? password.replaceAll('\0', '') : password;
}

/** A wrong password that differs in the first byte (crypt reads 8 bytes, bcrypt 72). */
const wrongOf = (password: string) => (password.startsWith('Q') ? 'R' : 'Q') + password;

/** A bcrypt salt in canonical form: pyca/bcrypt 4+ refuses a 22nd character with stray low bits. */
const bcryptSalt = (cost: string) => `$${randomInt(3) === 0 ? '2a' : '2b'}$${cost}$${randomString(BCRYPT_CHARS, 21)}${randomString('.Oeu', 1)}`;

function randomSalt(name: string): string {
  if (name === 'bcrypt' || name === 'bcrypt_sha256') return bcryptSalt(randomInt(2) ? '04' : '05');
  if (name === 'crypt') return randomString(BCRYPT_CHARS, 2);
  if (name.startsWith('unsalted')) return '';
  // Odd lengths too: must_update's salt rule and the salt field of the format (argon2 needs 8+ bytes).
  return randomString(ALNUM, randomInt(2) ? 22 : randomInt(name === 'argon2' ? 8 : 1, 30));
}

const cases = HASHERS.flatMap((hasher) => randomPasswords(SLOW.has(hasher) ? (hasher === 'argon2' || hasher === 'scrypt' ? 3 : 4) : 12)
  .map((pw) => ({ hasher, password: forHasher(hasher, pw), salt: randomSalt(hasher) })));

describe(`Django ${info.version} hashers (${HASHERS.join(', ')}), byte for byte`, () => {
  const theirs = djangoAll<string>(cases.map((c) => ({ op: 'pw_make_password', ...c })));

  it('makePassword with the same salt gives the identical string for every hasher', async () => {
    const ours = await Promise.all(cases.map((c) => makePassword(c.password, { hasher: c.hasher, salt: c.salt, hashers: site })));
    expect(cases.map((c, i) => [c.hasher, ours[i]])).toEqual(cases.map((c, i) => [c.hasher, theirs[i]]));
  });

  it("checkPassword accepts Django's hashes and rejects a wrong password", async () => {
    const right = await Promise.all(cases.map((c, i) => checkPassword(c.password, theirs[i], { hashers: site })));
    expect(right.every(Boolean)).toBe(true);
    const wrong = await Promise.all(cases.map((c, i) => checkPassword(wrongOf(c.password), theirs[i], { hashers: site })));
    expect(wrong.some(Boolean)).toBe(false);
  });

  it('identify, safe_summary and must_update agree with Django', () => {
    const sample = theirs.filter((_, i) => i % 2 === 0);
    const results = djangoAll<unknown>(sample.flatMap((encoded) => [
      { op: 'pw_identify_hasher', encoded },
      { op: 'pw_safe_summary', encoded },
      { op: 'pw_must_update', hasher: site.identify(encoded).algorithm, encoded },
    ]));
    sample.forEach((encoded, i) => {
      const hasher = site.identify(encoded);
      expect([encoded, hasher.algorithm, hasher.safeSummary(encoded), hasher.mustUpdate(encoded)]).toEqual([encoded, ...results.slice(3 * i, 3 * i + 3)]);
    });
  });
});

describe(`Django ${info.version} accepts our hashes`, () => {
  it('check_password is true for the password and false for another, with random salts', async () => {
    const ours = await Promise.all(cases.map((c) => makePassword(c.password, { hasher: c.hasher, hashers: site })));
    const reqs = cases.flatMap((c, i) => [
      { label: `${c.hasher} right`, op: 'pw_check_password', password: c.password, encoded: ours[i], expected: { ok: true, updated: c.hasher !== PREFERRED } },
      ...(SLOW.has(c.hasher) && i % 2 ? [] : [{ label: `${c.hasher} wrong`, op: 'pw_check_password', password: wrongOf(c.password), encoded: ours[i], expected: { ok: false, updated: false } }]),
    ]);
    // Our hashes use this line's work factors: only a hasher other than the preferred one is rehashed.
    const results = djangoAll<{ ok: boolean; updated: boolean }>(reqs.map(({ label: _l, expected: _e, ...r }) => r));
    expect(reqs.map((r, i) => [r.label, r.encoded, results[i]])).toEqual(reqs.map((r) => [r.label, r.encoded, r.expected]));
  });

  it("hashes made at the bridge's defaults for this line are current for Django (must_update false)", async () => {
    const tunable = HASHERS.filter((h) => SLOW.has(h));
    const ours = await Promise.all(tunable.map((hasher) => makePassword(randomText(12), { hasher, hashers: site })));
    const theirs = djangoAll<boolean>(tunable.map((hasher, i) => ({ op: 'pw_must_update', hasher, encoded: ours[i] })));
    expect(tunable.map((h, i) => [h, ours[i], theirs[i], site.get(h).mustUpdate(ours[i])])).toEqual(tunable.map((h, i) => [h, ours[i], false, false]));
    // The work factors behind them, read off Django's hasher classes.
    const f = (name: string) => site.get(name) as unknown as Record<string, number>;
    expect([f('pbkdf2_sha256').iterations, f('argon2').timeCost, f('argon2').memoryCost, f('argon2').parallelism, f('bcrypt_sha256').rounds])
      .toEqual([info.pbkdf2_iterations, info.argon2.time_cost, info.argon2.memory_cost, info.argon2.parallelism, info.bcrypt_rounds]);
    if (info.scrypt) expect([f('scrypt').workFactor, f('scrypt').blockSize, f('scrypt').parallelism]).toEqual([info.scrypt.n, info.scrypt.r, info.scrypt.p]);
  });

  it('setter parity: Django and we rehash the same logins', async () => {
    const pw = randomText(10);
    const hashes = [
      await makePassword(pw, { hashers: site, salt: randomString(ALNUM, 21) }),
      await makePassword(pw, { hashers: site, iterations: 1000 }),
      await makePassword(pw, { hashers: site }),
      await makePassword(pw, { hashers: site, hasher: 'md5' }),
      await makePassword(pw, { hashers: site, hasher: 'argon2' }),
      await makePassword(pw, { hashers: site, hasher: 'pbkdf2_sha256', iterations: info.pbkdf2_iterations + 1 }),
    ];
    const theirs = djangoAll<{ ok: boolean; updated: boolean }>(hashes.map((encoded) => ({ op: 'pw_check_password', password: pw, encoded })));
    const ours = await Promise.all(hashes.map(async (encoded) => {
      let updated = false;
      const ok = await checkPassword(pw, encoded, { hashers: site, setter: () => { updated = true; } });
      return { ok, updated };
    }));
    expect(ours).toEqual(theirs);
    expect(ours.map((r) => r.updated)).toEqual([true, true, false, true, true, true]);
  });
});

describe('edge cases against Django', () => {
  it('identifies odd strings as Django does', () => {
    const strings = ['', '!', '!abc', 'nope', 'nope$x', 'md5$$' + 'a'.repeat(32), 'md5$$' + 'a'.repeat(31), 'sha1$$' + 'b'.repeat(40), 'c'.repeat(32), 'c'.repeat(31) + '$', 'argon2', 'scrypt$1', 'crypt$$ab', 'bcrypt$x'];
    const theirs = djangoBatch(strings.map((encoded) => ({ op: 'pw_identify_hasher', encoded })));
    const ours = strings.map((s) => { try { return site.identify(s).algorithm; } catch { return null; } });
    expect(strings.map((s, i) => [s, ours[i]])).toEqual(strings.map((s, i) => [s, theirs[i].error ? null : theirs[i].ok]));
  });

  it('malformed hashes: Django raises or answers false, we answer false', async () => {
    const probes = [['x', 'pbkdf2_sha256$abc'], ['x', 'pbkdf2_sha1$1$$'], ['x', 'argon2$argon2id$v=19$m=8'], ['x', 'bcrypt_sha256$$2b$04$short']];
    // Salted sha1 with an empty salt: only where the line still ships the sha1 hasher (up to 4.2).
    if (has('sha1')) probes.push(['x', 'sha1$$abc']);
    const theirs = djangoBatch(probes.map(([password, encoded]) => ({ op: 'pw_check_password', password, encoded })));
    const outcome = theirs.map((r) => (r.error !== undefined ? 'raises' : String((r.ok as { ok: boolean }).ok)));
    expect(probes.map((p, i) => [p[1], outcome[i]])).toEqual(probes.map((p) => [p[1], expect.stringMatching(/^(raises|false)$/)]));
    expect(outcome).toContain('raises');
    for (const [password, encoded] of probes) expect([encoded, await checkPassword(password, encoded, { hashers: site })]).toEqual([encoded, false]);
  });

  it('a NUL in a bcrypt or crypt password: both hash it alike, or Django refuses it and the bridge never cuts it there', async () => {
    const salt = bcryptSalt('04');
    const nul = `a\0${randomText(6).replaceAll('\0', '')}`;
    const probes = [{ hasher: 'bcrypt', salt }, ...(has('crypt') ? [{ hasher: 'crypt', salt: randomString(BCRYPT_CHARS, 2) }] : [])];
    const theirs = djangoBatch(probes.map((p) => ({ op: 'pw_make_password', password: nul, ...p })));
    for (const [i, p] of probes.entries()) {
      const r = theirs[i];
      // pyca/bcrypt before 4.0 and crypt raise ("password may not contain NUL bytes"); pyca/bcrypt 4+ hashes every byte.
      if (r.error !== undefined) {
        expect([p.hasher, r.error]).toEqual([p.hasher, expect.stringMatching(/NUL|null/i)]);
        if (p.hasher === 'crypt') {
          await expect(makePassword(nul, { hasher: p.hasher, salt: p.salt, hashers: site })).rejects.toThrow();
        } else {
          // The bridge hashes every byte as pyca/bcrypt 4+ does: never the password cut at its NUL.
          const ours = await makePassword(nul, { hasher: p.hasher, salt: p.salt, hashers: site });
          expect(await checkPassword(nul, ours, { hashers: site })).toBe(true);
          expect(await checkPassword('a', ours, { hashers: site })).toBe(false);
        }
      } else {
        expect([p.hasher, await makePassword(nul, { hasher: p.hasher, salt: p.salt, hashers: site }).catch((e: Error) => e.message)]).toEqual([p.hasher, r.ok]);
        expect([p.hasher, await checkPassword(nul, r.ok as string, { hashers: site })]).toEqual([p.hasher, true]);
      }
    }
    // A hash of the password without its NUL never verifies a password with one, on either side.
    const plain = await makePassword('ab', { hasher: 'bcrypt', salt, hashers: site });
    const [check] = djangoBatch([{ op: 'pw_check_password', password: 'a\0b', encoded: plain }]);
    expect(check.error ?? check.ok).toEqual(theirs[0].error ?? { ok: false, updated: false });
    expect(await checkPassword('a\0b', plain, { hashers: site })).toBe(false);
  });

  it(`DES crypt equals crypt(3) as Python ${info.python} reaches it (${info.features.crypt_module ? 'the crypt module' : 'libcrypt through ctypes'})`, () => {
    const probes = Array.from({ length: 60 }, () => ({ password: randomText(randomInt(2) ? 6 : 14).replaceAll('\0', ''), salt: randomString(BCRYPT_CHARS, 2) }));
    const theirs = djangoAll<string>(probes.map((p) => ({ op: 'pw_crypt', ...p })));
    expect(probes.map((p) => desCrypt(Buffer.from(p.password, 'utf8'), p.salt))).toEqual(theirs);
  });

  it('null password and unusable hashes are false on both sides', async () => {
    const unusable = await makePassword(null);
    const theirs = djangoAll<{ ok: boolean }>([{ op: 'pw_check_password', password: null, encoded: await makePassword('x', { hashers: site, hasher: 'md5' }) }, { op: 'pw_check_password', password: 'x', encoded: unusable }]);
    expect(theirs.map((r) => r.ok)).toEqual([false, false]);
    expect(await checkPassword(null, unusable, { hashers: site })).toBe(false);
  });
});

describe(`scrypt and PBKDF2 formats of every line (${info.scrypt ? `Django ${info.version}'s own hashers` : 'hashlib: 3.2 has no scrypt hasher'})`, () => {
  it('scrypt with p=1 (4.0–5.0) and p=5 (5.1+) is byte-identical and verifies both ways', async () => {
    const probes = [1, 5, 1, 5].map((p, i) => ({ password: i === 0 ? '' : randomText(20), salt: randomString(ALNUM, 22), n: 2 ** 14, r: 8, p }));
    const theirs = djangoAll<string>(probes.map((c) => ({ op: 'pw_scrypt_encode', ...c })));
    const ours = await Promise.all(probes.map((c) => new ScryptPasswordHasher({ parallelism: c.p }).encode(c.password, c.salt)));
    expect(ours).toEqual(theirs);
    if (info.scrypt) {
      // The line's own check_password and must_update, against the bridge at the line's defaults.
      const checks = djangoAll<unknown>(probes.flatMap((c, i) => [
        { op: 'pw_check_password', password: c.password, encoded: theirs[i] },
        { op: 'pw_must_update', hasher: 'scrypt', encoded: theirs[i] },
      ]));
      for (const [i, c] of probes.entries()) {
        let updated = false;
        const ok = await checkPassword(c.password, theirs[i], { hashers: site, setter: () => { updated = true; } });
        expect([c.p, { ok, updated }, site.get('scrypt').mustUpdate(theirs[i])]).toEqual([c.p, checks[2 * i], checks[2 * i + 1]]);
        expect(checks[2 * i + 1]).toBe(c.p !== info.scrypt.p);
      }
      const mine = await makePassword(probes[1].password, { hasher: 'scrypt', hashers: site });
      expect(djangoAll<unknown>([
        { op: 'pw_scrypt_verify', password: probes[1].password, encoded: mine },
        { op: 'pw_scrypt_verify', password: probes[1].password + 'x', encoded: mine },
        { op: 'pw_must_update', hasher: 'scrypt', encoded: mine },
      ])).toEqual([true, false, false]);
    } else {
      // No scrypt in this Django: the bridge's 4.2 and 6.0 settings read the hashlib-built hashes.
      for (const line of ['4.2', '6.0'] as const) {
        const hashers = new PasswordHashers({ djangoVersion: line });
        const p = djangoDefaults(line).scryptParallelism;
        for (const [i, c] of probes.entries()) {
          expect(await checkPassword(c.password, theirs[i], { hashers })).toBe(true);
          expect(hashers.get('scrypt').mustUpdate(theirs[i])).toBe(c.p !== p);
        }
        const mine = await makePassword(probes[1].password, { hasher: 'scrypt', hashers });
        expect(djangoAll<boolean>([{ op: 'pw_scrypt_verify', password: probes[1].password, encoded: mine }, { op: 'pw_scrypt_verify', password: probes[1].password + 'x', encoded: mine }])).toEqual([true, false]);
      }
    }
  });

  it("PBKDF2 at every line's default count matches Django, whose must_update agrees with ours", async () => {
    const probes = DJANGO_VERSIONS.map((line) => ({ line, password: randomText(16), salt: randomString(ALNUM, 22), hasher: 'pbkdf2_sha256', extra: [djangoDefaults(line).pbkdf2Iterations] }));
    const theirs = djangoAll<string>(probes.map(({ line: _line, ...c }) => ({ op: 'pw_encode', ...c })));
    const ours = await Promise.all(probes.map((c) => makePassword(c.password, { salt: c.salt, hashers: new PasswordHashers({ djangoVersion: c.line }) })));
    expect(ours).toEqual(theirs);
    const mustUpdate = djangoAll<boolean>(theirs.map((encoded) => ({ op: 'pw_must_update', hasher: 'pbkdf2_sha256', encoded })));
    expect(probes.map((c, i) => [c.line, site.mustUpdate(theirs[i])])).toEqual(probes.map((c, i) => [c.line, mustUpdate[i]]));
    expect(probes.map((c, i) => [c.line, mustUpdate[i]])).toEqual(probes.map((c) => [c.line, c.extra[0] !== info.pbkdf2_iterations]));
    // One hash of ours at the newest default, made with a random salt, checked by Django.
    const pw = randomBytes(8).toString('hex');
    const latest = await makePassword(pw);
    expect(djangoAll<{ ok: boolean }>([{ op: 'pw_check_password', password: pw, encoded: latest }])[0].ok).toBe(true);
  });
});
