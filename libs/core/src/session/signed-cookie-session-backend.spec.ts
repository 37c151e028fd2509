import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { deflateSync } from 'node:zlib';
import { BadSignature, ImproperlyConfigured, SerializationError } from '../errors.js';
import { JSONSerializer } from '../serializers/serializer.js';
import { TimestampSigner } from '../signing/timestamp-signer.js';
import { dumps, loads } from '../signing/dumps.js';
import { encodePayload } from '../signing/signer.js';
import { zlibCompress } from '../signing/compression.js';
import { b64UrlEncode } from '../crypto/base64.js';
import { DjangoSession } from './django-session.js';
import { PickleSerializer } from './session-serializers.js';
import { SIGNED_COOKIE_SESSION_SALT, SignedCookieSessionBackend, type SignedCookieSessionBackendOptions } from './signed-cookie-session-backend.js';

const secretKey = 'signed-cookie-test-secret';
const T0 = 1_790_000_000; // seconds
const AGE = 3600;

function setup(extra: Partial<SignedCookieSessionBackendOptions> = {}) {
  let now = T0;
  const corrupt: Error[] = [];
  const backend = new SignedCookieSessionBackend({ secretKey, cookieAge: AGE, clock: () => now, onCorrupt: (e) => corrupt.push(e), ...extra });
  const session = (key: string | null | undefined) => new DjangoSession(key, { backend, cookieAge: AGE, now: () => now * 1000 });
  return { backend, session, corrupt, at: (t: number) => (now = t) };
}

/** A value signed like the engine's cookie, over any payload text. */
function signRaw(payload: string, key = secretKey, t = T0): string {
  return new TimestampSigner({ key, salt: SIGNED_COOKIE_SESSION_SALT, clock: () => t }).sign(payload);
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('SignedCookieSessionBackend under DjangoSession', () => {
  it('create: the key is the signed, compressed session, read back as the same dict', async () => {
    const { session } = setup();
    const s = await session(undefined).load();
    s.set('_auth_user_id', '42');
    s.set('cart', Array.from({ length: 30 }, (_, i) => ({ sku: `item-${i}`, qty: 1 })));
    await s.save();
    const key = s.key!;
    expect(key).toBe(dumps(s.toObject(), { key: secretKey, salt: SIGNED_COOKIE_SESSION_SALT, compress: true, clock: () => T0 }));
    expect(key.startsWith('.')).toBe(true); // compressed: it saves space here
    expect(loads(key, { key: secretKey, salt: SIGNED_COOKIE_SESSION_SALT })).toEqual(s.toObject());
    const again = await session(key).load();
    expect(again.toObject()).toEqual(s.toObject());
    expect(again.modified).toBe(false);
  });

  it('save re-signs the whole session; the key changes with the data and the timestamp', async () => {
    const { session, at } = setup();
    const s = await session(undefined).load();
    s.set('a', 1);
    await s.save();
    const first = s.key!;
    await s.save();
    expect(s.key).toBe(first); // same data, same second: the same cookie, as in Django
    at(T0 + 1);
    await s.save();
    expect(s.key).not.toBe(first);
    s.set('b', 2);
    await s.save();
    expect((await session(s.key).load()).toObject()).toEqual({ a: 1, b: 2 });
  });

  it('flush empties the session and drops the key (the middleware then deletes the cookie)', async () => {
    const { session } = setup();
    const s = await session(undefined).load();
    s.set('_auth_user_id', '1');
    await s.save();
    const loaded = await session(s.key).load();
    await loaded.flush();
    expect(loaded.key).toBeNull();
    expect(loaded.isEmpty()).toBe(true);
  });

  it('cycleKey keeps the data under a new signature (Django: save())', async () => {
    const { session, at } = setup();
    const s = await session(undefined).load();
    s.set('x', 'y');
    await s.save();
    const before = s.key!;
    at(T0 + 5);
    const loaded = await session(before).load();
    await loaded.cycleKey();
    expect(loaded.key).not.toBe(before);
    expect(loaded.modified).toBe(true);
    expect((await session(loaded.key).load()).toObject()).toEqual({ x: 'y' });
  });

  it('set_expiry sets the cookie age only: the signature lives SESSION_COOKIE_AGE (#19201)', async () => {
    const { session, at } = setup();
    const s = await session(undefined).load();
    s.setExpiry(10);
    await s.save();
    expect(s.getExpiryAge()).toBe(10);
    expect(s.getExpireAtBrowserClose()).toBe(false);
    at(T0 + 100); // past the session's own expiry, still within the cookie age
    expect((await session(s.key).load()).get('_session_expiry')).toBe(10);
    s.setExpiry(0);
    expect(s.getExpireAtBrowserClose()).toBe(true);
  });

  it('an expired signature is no session, at the same second boundary as Django (age > max_age), unreported', async () => {
    const { session, corrupt, at } = setup();
    const s = await session(undefined).load();
    s.set('a', 1);
    await s.save();
    at(T0 + AGE);
    expect((await session(s.key).load()).get('a')).toBe(1);
    at(T0 + AGE + 0.001);
    const late = await session(s.key).load();
    expect(late.key).toBeNull();
    expect(late.isEmpty()).toBe(true);
    expect(corrupt).toEqual([]);
  });

  it('a tampered cookie, a wrong key or another salt is no session, reported as BadSignature', async () => {
    const { backend, session, corrupt } = setup();
    const s = await session(undefined).load();
    s.set('_auth_user_id', '1');
    await s.save();
    const key = s.key!;
    const [payload, ts, sig] = key.split(':');
    const forged = b64UrlEncode(Buffer.from(JSON.stringify({ _auth_user_id: '2' })));
    const bad = [
      `${forged}:${ts}:${sig}`,
      `${payload}:${ts}:${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
      `${payload}:${ts}`,
      dumps({ _auth_user_id: '1' }, { key: 'another-key', salt: SIGNED_COOKIE_SESSION_SALT, compress: true }),
      dumps({ _auth_user_id: '1' }, { key: secretKey, salt: 'django.contrib.sessions.SessionStore', compress: true }),
      dumps({ _auth_user_id: '1' }, { key: secretKey, compress: true }),
    ];
    for (const cookie of bad) {
      expect(await backend.load(cookie)).toBeNull();
      const t = await session(cookie).load();
      expect(t.key).toBeNull();
      expect(t.get('_auth_user_id')).toBeUndefined();
    }
    expect(corrupt.length).toBe(bad.length * 2);
    expect(corrupt.every((e) => e instanceof BadSignature)).toBe(true);
  });

  it('reads cookies signed with a SECRET_KEY_FALLBACKS key and re-signs them with SECRET_KEY', async () => {
    const old = setup({ secretKey: 'old-key' });
    const s = await old.session(undefined).load();
    s.set('_auth_user_id', '7');
    await s.save();
    const rotated = setup({ secretKey: 'new-key', fallbackKeys: ['unrelated', 'old-key'], djangoVersion: '4.2' });
    const loaded = await rotated.session(s.key).load();
    expect(loaded.get('_auth_user_id')).toBe('7');
    await loaded.save();
    expect(loads(loaded.key!, { key: 'new-key', salt: SIGNED_COOKIE_SESSION_SALT })).toEqual({ _auth_user_id: '7' });
    expect(await setup({ secretKey: 'new-key' }).backend.load(s.key!)).toBeNull();
    expect(() => setup({ fallbackKeys: ['old-key'], djangoVersion: '3.2' })).toThrow(ImproperlyConfigured);
    expect(() => setup({ fallbackKeys: ['old-key'], djangoVersion: '4.0' })).toThrow(ImproperlyConfigured);
  });

  it('3.2: accepts sha1 signatures; DEFAULT_HASHING_ALGORITHM sha1 signs sha1 and accepts sha1 only', async () => {
    const data = { _auth_user_id: '3' };
    const sha1 = await setup({ djangoVersion: '3.2', algorithm: 'sha1' }).backend.create('', data);
    const sha256 = await setup({ djangoVersion: '3.2' }).backend.create('', data);
    expect(sha1).toBe(dumps(data, { key: secretKey, salt: SIGNED_COOKIE_SESSION_SALT, compress: true, algorithm: 'sha1', clock: () => T0 }));
    expect(sha1.split(':')[2]).toHaveLength(27);
    expect(sha256.split(':')[2]).toHaveLength(43);
    expect(await setup({ djangoVersion: '3.2' }).backend.load(sha1)).toEqual(data);
    expect(await setup({ djangoVersion: '3.2', algorithm: 'sha1' }).backend.load(sha1)).toEqual(data);
    expect(await setup({ djangoVersion: '3.2', algorithm: 'sha1' }).backend.load(sha256)).toBeNull();
    expect(await setup({ djangoVersion: '4.0' }).backend.load(sha1)).toBeNull();
    expect(await setup().backend.load(sha1)).toBeNull();
    expect(() => setup({ djangoVersion: '4.2', algorithm: 'sha1' })).toThrow(ImproperlyConfigured);
  });

  it('writes a cookie over 4096 bytes as Django does, and says so; such a cookie is not read back', async () => {
    const { backend, session, corrupt } = setup({ onOversize: undefined });
    const seen: unknown[] = [];
    const warn = setup({ onOversize: (c) => seen.push(c) });
    const big = { blob: Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 9973).toString(36)).join('') };
    const cookie = await warn.backend.create('', big);
    expect(cookie.length).toBeGreaterThan(4096);
    expect(seen).toEqual([{ length: cookie.length, size: cookie.length + 'sessionid'.length, limit: 4096 }]);
    // Without a callback: one process warning per backend, not one per request.
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    await backend.create('', big);
    await backend.create('', big);
    expect(emit).toHaveBeenCalledTimes(1);
    expect(String(emit.mock.calls[0][0])).toMatch(/over the 4096 browsers keep/);
    // A small cookie is not reported.
    const small = await warn.backend.create('', { a: 1 });
    expect(seen).toHaveLength(1);
    expect(small.length).toBeLessThan(100);
    // Incoming: no browser sends one back; anything longer is not even verified.
    expect((await session(cookie).load()).key).toBeNull();
    expect(await backend.load(cookie)).toBeNull();
    expect(corrupt.at(-1)).toBeInstanceOf(BadSignature);
    const roomy = setup({ maxCookieLength: 16_384 });
    expect(await roomy.backend.load(cookie)).toEqual(big);
  });

  it('refuses a zip bomb: a signed cookie that inflates past maxDecompressedSize is never inflated further', async () => {
    const { backend, corrupt } = setup();
    const bombPayload = (n: number) => '.' + b64UrlEncode(zlibCompress(Buffer.from(`{"a":"${'x'.repeat(n)}"}`)));
    const cookie = signRaw(bombPayload(2_000_000));
    expect(cookie.length).toBeLessThanOrEqual(4096); // fits a cookie, inflates to 2 MB
    expect(await backend.load(cookie)).toBeNull();
    expect(corrupt.at(-1)).toBeInstanceOf(SerializationError);
    expect(corrupt.at(-1)!.message).toMatch(/Decompressed data exceeds 1048576 bytes/);
    // The same bomb is read when the operator allows that much.
    expect(await setup({ maxDecompressedSize: 4_000_000 }).backend.load(cookie)).toEqual({ a: 'x'.repeat(2_000_000) });
    // A bigger bomb (100 MB of zeros in 100 KB) with the length bound lifted: refused at the cap, quickly.
    const huge = signRaw('.' + b64UrlEncode(deflateSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 })));
    const lifted = setup({ maxCookieLength: 1_000_000 });
    const started = Date.now();
    expect(await lifted.backend.load(huge)).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(lifted.corrupt[0].message).toMatch(/Decompressed data exceeds/);
  });

  it('a signed value that is not a dict is no session', async () => {
    const { backend, corrupt } = setup();
    for (const value of [[], [1], 'text', 42, null, true]) {
      expect(await backend.load(signRaw(encodePayload(value, { compress: true })))).toBeNull();
    }
    expect(await backend.load(signRaw('!!not-base64!!'))).toBeNull();
    expect(await backend.load(signRaw('.' + b64UrlEncode(Buffer.from('not zlib'))))).toBeNull();
    expect(await backend.load(signRaw(b64UrlEncode(Buffer.from('{"a":')))))
      .toBeNull();
    expect(corrupt).toHaveLength(9);
    expect(corrupt.every((e) => e instanceof SerializationError)).toBe(true);
  });

  it('whatever a custom serializer throws becomes "no session", reported as a SerializationError', async () => {
    const serializer = { dumps: JSONSerializer.dumps, loads: () => { throw new TypeError('boom'); } };
    const { backend, corrupt } = setup({ serializer });
    expect(await backend.load(await backend.create('', { a: 1 }))).toBeNull();
    expect(corrupt[0]).toBeInstanceOf(SerializationError);
  });

  it('PickleSerializer (3.2-4.2): pickled cookies read with the safe reader and written as Django pickles them', async () => {
    const { backend } = setup({ serializer: PickleSerializer, djangoVersion: '4.2' });
    const when = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const data = { _auth_user_id: '5', _session_expiry: when, nested: { list: [1, 2.5, 'three', null, true] } };
    const cookie = await backend.create('', data);
    expect(await backend.load(cookie)).toEqual(data);
    // A JSON cookie is not a pickle, and a pickle is not JSON: each engine refuses the other's.
    expect(await backend.load(await setup().backend.create('', { a: 1 }))).toBeNull();
    expect(await setup().backend.load(cookie)).toBeNull();
    expect(() => setup({ serializer: PickleSerializer, djangoVersion: '5.0' })).toThrow(/no PickleSerializer/);
    expect(() => setup({ serializer: PickleSerializer })).toThrow(ImproperlyConfigured);
    expect(() => setup({ serializer: PickleSerializer, djangoVersion: '3.2', pickleProtocol: 9 })).toThrow(ImproperlyConfigured);
  });

  it('a signed pickle naming os.system is refused and nothing runs', async () => {
    const { backend, corrupt } = setup({ serializer: PickleSerializer, djangoVersion: '3.2' });
    const evil = Buffer.from("cos\nsystem\n(S'touch /tmp/signed-cookie-pwned'\ntR.", 'latin1');
    expect(await backend.load(signRaw(b64UrlEncode(evil)))).toBeNull();
    expect(corrupt[0]).toBeInstanceOf(SerializationError);
  });

  it('has nothing stored: exists is false, delete and clearExpired do nothing', async () => {
    const { backend } = setup();
    expect(await backend.exists()).toBe(false);
    await expect(backend.delete()).resolves.toBeUndefined();
    expect(await backend.clearExpired()).toBe(0);
    expect(backend.maxKeyLength).toBe(4096);
    expect(() => setup({ cookieAge: Number.NaN })).toThrow(ImproperlyConfigured);
    expect(() => setup({ maxCookieLength: 0 })).toThrow(ImproperlyConfigured);
  });
});
