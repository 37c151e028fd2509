/**
 * `set_signed_cookie` / `get_signed_cookie` against Django's own HttpResponse and HttpRequest on the
 * line of this run, with frozen clocks and random (seeded) names, values, salts and keys: the same
 * Set-Cookie line byte for byte, the same value read back, the same refusals (BadSignature,
 * SignatureExpired, KeyError), fallback keys on 4.1+, sha1 on 3.2, and the salt derivation of
 * CVE-2026-6873 ('v2' on 5.2.15+ and 6.x, with the legacy fallback as each line defaults it).
 */
import { describe, expect, it } from '@jest/globals';
import { defaultLegacySaltFallback, defaultSignedCookieSaltFormat, isDjangoVersion, quoteCookieValue, setCookieHeader, signCookieValue, unsignCookieValue, type SetCookieOptions, type UnsignCookieValueOptions } from '@django-bridge/core';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll } from '../django/oracle.js';
import { pick, randomInt, randomSecret, randomText } from '../support/random.js';

const info = djangoInfo();
if (!isDjangoVersion(info.line)) throw new Error(`The bridge does not know Django ${info.line}`);
const version = info.line;
const saltFormat = defaultSignedCookieSaltFormat(version);
const legacySaltFallback = defaultLegacySaltFallback(version);
const hasFallbacks = !['3.2', '4.0'].includes(version);
const is32 = version === '3.2';

// Latin-1 without control characters: Python 3.13 (Django 6.1) refuses those in cookies, and so does the bridge.
const latin1 = (max: number) => Array.from(randomText(max)).filter((c) => c.codePointAt(0)! <= 0xff && !/[\x00-\x1f\x7f]/.test(c)).join('');
const NAMES = ['greeting', 'a', 'user_pref', 'x-y.z', 'csrf~like', 'Name:With:Colons'];
const keysOf = (key: string) => ({ key, legacyAlgorithm: is32 ? ('sha1' as const) : null });

interface SetResult {
  header: string;
  value: string;
  coded: string;
}
interface GetResult {
  value?: string;
  raised?: string;
}

describe(`signed cookies against Django ${version} (salt format ${saltFormat})`, () => {
  it('set_signed_cookie: the same Set-Cookie line, byte for byte, for random cookies', () => {
    const cases = Array.from({ length: 40 }, () => {
      const kwargs: Record<string, unknown> = {};
      const ours: SetCookieOptions = {};
      if (randomInt(2)) ours.maxAge = kwargs.max_age = pick([0, 1, 600, 86400 * 365, randomInt(1, 10_000_000)]);
      if (randomInt(3) === 0) ours.path = kwargs.path = pick(['/', '/app', '/a b']);
      if (randomInt(3) === 0) ours.domain = kwargs.domain = pick(['example.com', '.example.org']);
      if (randomInt(2)) ours.secure = kwargs.secure = true;
      if (randomInt(2)) ours.httpOnly = kwargs.httponly = true;
      if (randomInt(2)) ours.sameSite = kwargs.samesite = pick(['Lax', 'Strict', 'None', 'lax']);
      return { name: pick(NAMES), value: latin1(40), salt: pick(['', 'hello', latin1(10), 'é']), key: randomSecret(), now: 1_700_000_000 + randomInt(100_000_000), kwargs, ours };
    });
    const theirs = djangoAll<SetResult>(cases.map((c) => ({ op: 'set_signed_cookie', name: c.name, value: c.value, salt: c.salt, kwargs: c.kwargs, key: c.key, now: c.now })));
    cases.forEach((c, i) => {
      const signed = signCookieValue(c.name, c.value, { key: c.key, salt: c.salt, saltFormat, clock: () => c.now });
      expect(signed).toBe(theirs[i].value);
      expect(quoteCookieValue(signed)).toBe(theirs[i].coded);
      expect(setCookieHeader(c.name, signed, { ...c.ours, now: c.now * 1000 })).toBe(theirs[i].header);
    });
  });

  it('get_signed_cookie: what each side signs, the other reads; age, salt, name and tampering refused alike', () => {
    const key = randomSecret();
    const now = 1_700_000_000 + randomInt(100_000_000);
    const cases = Array.from({ length: 30 }, () => {
      const name = pick(NAMES);
      const salt = pick(['', 'hello', latin1(8)]);
      const value = latin1(30);
      const age = randomInt(0, 2000);
      const signed = signCookieValue(name, value, { ...keysOf(key), salt, saltFormat, clock: () => now - age });
      const variant = randomInt(5);
      const readName = variant === 1 ? `${name}2` : name;
      const readSalt = variant === 2 ? `${salt}x` : salt;
      const cookieValue = variant === 3 ? signed.slice(0, -1) + (signed.endsWith('a') ? 'b' : 'a') : signed;
      const maxAge = pick([null, 1000, age, age - 1 < 0 ? 0 : age - 1]);
      return { name, readName, readSalt, value, cookieValue, maxAge, withDefault: randomInt(2) === 0 };
    });
    const theirs = djangoAll<GetResult>(cases.map((c) => ({ op: 'get_signed_cookie', name: c.readName, cookie: `${c.name}=${quoteCookieValue(c.cookieValue)}`, salt: c.readSalt, max_age: c.maxAge, key, now, ...(c.withDefault ? { default: 'DEFAULT' } : {}) })));
    cases.forEach((c, i) => {
      let ours: GetResult;
      if (c.readName !== c.name) ours = c.withDefault ? { value: 'DEFAULT' } : { raised: 'KeyError' };
      else {
        try {
          ours = { value: unsignCookieValue(c.name, c.cookieValue, { ...keysOf(key), salt: c.readSalt, maxAge: c.maxAge, saltFormat, legacySaltFallback, clock: () => now }) };
        } catch (err) {
          ours = c.withDefault ? { value: 'DEFAULT' } : { raised: (err as Error).constructor.name };
        }
      }
      expect(ours).toEqual(theirs[i]);
    });
  });

  it('cookies signed the legacy way (name + salt): read as the line does by default, and with the fallback off', () => {
    const key = randomSecret();
    const now = 1_700_000_000 + randomInt(100_000_000);
    const legacy = signCookieValue('greeting', 'old', { ...keysOf(key), salt: 'hello', saltFormat: 'legacy', clock: () => now });
    const settings = saltFormat === 'v2' ? [undefined, true, false] : [undefined];
    const theirs = djangoAll<GetResult>(settings.map((s) => ({ op: 'get_signed_cookie', name: 'greeting', cookie: `greeting=${legacy}`, salt: 'hello', key, now, ...(s === undefined ? {} : { legacy_fallback: s }) })));
    const ours = settings.map((s): GetResult => {
      const options: UnsignCookieValueOptions = { ...keysOf(key), salt: 'hello', saltFormat, legacySaltFallback: s ?? legacySaltFallback, clock: () => now };
      try {
        return { value: unsignCookieValue('greeting', legacy, options) };
      } catch (err) {
        return { raised: (err as Error).constructor.name };
      }
    });
    expect(ours).toEqual(theirs);
  });

  (hasFallbacks ? it : it.skip)('SECRET_KEY_FALLBACKS (4.1+): a cookie signed with an old key reads on both sides', () => {
    const [oldKey, newKey] = [randomSecret(), randomSecret()];
    const now = 1_700_000_000 + randomInt(100_000_000);
    const ours = signCookieValue('greeting', 'v', { key: oldKey, salt: 's', saltFormat, clock: () => now });
    const [theirs] = djangoAll<GetResult>([{ op: 'get_signed_cookie', name: 'greeting', cookie: `greeting=${ours}`, salt: 's', key: newKey, fallbacks: [oldKey], now }]);
    expect(theirs).toEqual({ value: 'v' });
    const [made] = djangoAll<SetResult>([{ op: 'set_signed_cookie', name: 'greeting', value: 'w', salt: 's', key: oldKey, now }]);
    expect(unsignCookieValue('greeting', made.value, { key: newKey, fallbackKeys: [oldKey], salt: 's', saltFormat, clock: () => now })).toBe('w');
  });

  (is32 ? it : it.skip)('3.2: sha1 cookies (DEFAULT_HASHING_ALGORITHM) are read by a sha256 site, both ways', () => {
    const key = randomSecret();
    const now = 1_700_000_000 + randomInt(100_000_000);
    const [sha1] = djangoAll<SetResult>([{ op: 'set_signed_cookie', name: 'g', value: 'v', key, algorithm: 'sha1', now }]);
    expect(signCookieValue('g', 'v', { key, algorithm: 'sha1', saltFormat, clock: () => now })).toBe(sha1.value);
    expect(unsignCookieValue('g', sha1.value, { ...keysOf(key), saltFormat, clock: () => now })).toBe('v');
  });
});
