/**
 * The signed_cookies session engine against Django's own SessionStore and SessionMiddleware
 * (django.contrib.sessions.backends.signed_cookies) on the line of this run, both ways, with frozen
 * clocks, random (seeded) keys and sessions: the same cookie byte for byte, the same dicts, the
 * same second at which a cookie expires, the same refusals. DEFAULT_HASHING_ALGORITHM and sha1
 * signatures exist on 3.2 only, SECRET_KEY_FALLBACKS on 4.1+, PickleSerializer up to 4.2.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DjangoSession, ImproperlyConfigured, PickleSerializer, SIGNED_COOKIE_SESSION_SALT, SignedCookieSessionBackend, TimestampSigner, isDjangoVersion, type SignedCookieSessionBackendOptions } from '@django-bridge/core';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll, djangoBatch } from '../django/oracle.js';
import { randomDict, randomInt, randomSecret, randomSession, randomText } from '../support/random.js';

const info = djangoInfo();
const { features } = info;
if (!isDjangoVersion(info.line)) throw new Error(`The bridge does not know Django ${info.line}`);
const version = info.line;
const NOW = 1_700_000_000 + randomInt(100_000_000);
const AGE = randomInt(60, 1_000_000);

/** The Nest layer's start-up check, loaded only by the tests that need it (it pulls in all of libs/nest). */
const nestOptions = () => import('../../libs/nest/src/django-bridge.options.js');
const noUsers = { findById: async () => null, findByUsername: async () => null } as never;

/** What ops_signed_cookies.py hands back for a SessionStore. */
interface StoreState {
  key: string | null;
  modified: boolean;
  accessed: boolean;
  empty: boolean;
  data: Record<string, unknown> | null;
}
interface MiddlewareResult {
  cookie: { value: string; max_age: number | string; expires: string } | null;
  vary: string | null;
  header_length: number | null;
}

/** Dates cross as {$dt: epoch ms}; the rest is JSON. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return { $dt: value.getTime() };
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  return value;
}
/** Django's datetimes back as Dates, with the module of their tzinfo checked against the line's timezone.now(). */
function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('$dt' in v) {
      expect(v.tz).toBe(info.now_tz_module);
      return new Date(v.$dt as number);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromWire(x)]));
  }
  return value;
}
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

type Site = { key: string; cookie_age?: number; serializer?: 'json' | 'pickle'; algorithm?: 'sha1' | 'sha256'; fallbacks?: string[] };

/** Django's SessionStore: load `cookie` (if any), run actions, save if asked; at `now`. */
function store(site: Site, now: number, cookie: string | null, actions: unknown[][] = [['read']], save = false): StoreState {
  return djangoAll<StoreState>([{ op: 'signed_cookie_session', ...site, cookie_age: site.cookie_age ?? AGE, now, cookie, actions, save }])[0];
}
function stores(requests: { site: Site; now: number; cookie: string | null; actions?: unknown[][]; save?: boolean }[]): StoreState[] {
  return djangoAll<StoreState>(requests.map((r) => ({ op: 'signed_cookie_session', ...r.site, cookie_age: r.site.cookie_age ?? AGE, now: r.now, cookie: r.cookie, actions: r.actions ?? [['read']], save: r.save ?? false })));
}
function middleware(site: Site, now: number, cookie: string | null, actions: unknown[][]): MiddlewareResult {
  return djangoAll<MiddlewareResult>([{ op: 'signed_cookie_middleware', ...site, cookie_age: site.cookie_age ?? AGE, now, cookie, actions }])[0];
}
/** Django saving a new session holding `data`. */
const djangoCookie = (site: Site, now: number, data: Record<string, unknown>) => store(site, now, null, [['update', toWire(data)]], true).key!;

/** The bridge's engine for a site, its clock frozen at `now` (seconds). */
function bridge(site: Site, now: number, extra: Partial<SignedCookieSessionBackendOptions> = {}) {
  const corrupt: Error[] = [];
  const backend = new SignedCookieSessionBackend({
    secretKey: site.key,
    fallbackKeys: site.fallbacks,
    cookieAge: site.cookie_age ?? AGE,
    djangoVersion: version,
    algorithm: site.algorithm,
    serializer: site.serializer === 'pickle' ? PickleSerializer : undefined,
    clock: () => now,
    onCorrupt: (e) => corrupt.push(e),
    ...extra,
  });
  const session = (key: string | null) => new DjangoSession(key, { backend, djangoVersion: version, cookieAge: site.cookie_age ?? AGE, now: () => now * 1000 });
  /** Loads like a request does: the dict, or null when the cookie is no session. */
  const load = async (cookie: string): Promise<Record<string, unknown> | null> => {
    const s = await session(cookie).load();
    return s.key === null ? null : s.toObject();
  };
  /** Saves a new session holding `data` through DjangoSession, as a login or a first write does. */
  const save = async (data: Record<string, unknown>): Promise<string> => {
    const s = await session(null).load();
    s.update(data);
    await s.save();
    return s.key!;
  };
  return { backend, session, load, save, corrupt };
}

/** Django's verdict on a cookie: the dict it loaded, or null where load() failed and reset the session (create(): modified, {}). */
function verdict(state: StoreState): Record<string, unknown> | null {
  return state.modified && state.data !== null && Object.keys(state.data).length === 0 ? null : (fromWire(state.data) as Record<string, unknown>);
}

function sessions(n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) out.push(randomDict());
    else if (i % 4 === 1) out.push({ ...randomSession(), cart: Array.from({ length: randomInt(1, 40) }, (_, j) => ({ sku: `sku-${j}`, qty: randomInt(1, 5) })) });
    else out.push(randomSession());
  }
  out.push({ a: 'b' }, { x: randomText(60).repeat(3) });
  return out.filter((s) => Object.keys(s).length > 0);
}

describe(`signed_cookies sessions (Django ${info.version})`, () => {
  const site: Site = { key: randomSecret() };

  it("writes Django's cookie byte for byte for the same session and second, compressed or not", async () => {
    const data = sessions(24);
    const theirs = djangoAll<StoreState>(data.map((d) => ({ op: 'signed_cookie_session', ...site, cookie_age: AGE, now: NOW, cookie: null, actions: [['update', d]], save: true }))).map((s) => s.key);
    const b = bridge(site, NOW);
    const ours = await Promise.all(data.map((d) => b.save(d)));
    expect(ours).toEqual(theirs);
    expect(theirs.some((t) => t!.startsWith('.'))).toBe(true);
    expect(theirs.some((t) => !t!.startsWith('.'))).toBe(true);
  });

  it('loads what Django saves, and Django loads what it saves: equal dicts', async () => {
    const data = sessions(16);
    const fromDjango = djangoAll<StoreState>(data.map((d) => ({ op: 'signed_cookie_session', ...site, cookie_age: AGE, now: NOW, cookie: null, actions: [['update', d]], save: true }))).map((s) => s.key!);
    const b = bridge(site, NOW + 7);
    for (const [i, cookie] of fromDjango.entries()) expect(await b.load(cookie)).toEqual(plain(data[i]));
    const fromBridge = await Promise.all(data.map((d) => bridge(site, NOW).save(d)));
    const loaded = stores(fromBridge.map((cookie) => ({ site, now: NOW + 7, cookie })));
    for (const [i, state] of loaded.entries()) {
      expect(state.modified).toBe(false);
      expect(state.data).toEqual(plain(data[i]));
    }
    expect(b.corrupt).toEqual([]);
  });

  it('cycle_key and flush end where Django ends', async () => {
    const cookie = djangoCookie(site, NOW, { _auth_user_id: '9', note: randomText() });
    const [cycled, flushed] = stores([
      { site, now: NOW + 30, cookie, actions: [['cycle_key']] },
      { site, now: NOW + 30, cookie, actions: [['flush']] },
    ]);
    const b = bridge(site, NOW + 30);
    const s = await b.session(cookie).load();
    await s.cycleKey();
    expect(s.key).toBe(cycled.key);
    const f = await b.session(cookie).load();
    await f.flush();
    expect([f.key, f.isEmpty()]).toEqual([flushed.key, flushed.empty]);
    expect(middleware(site, NOW + 30, cookie, [['flush']]).cookie).toMatchObject({ value: '', max_age: 0 });
  });

  it('expires at SESSION_COOKIE_AGE on the same second boundary, whoever signed (max_age, not set_expiry: #19201)', async () => {
    const data = { _auth_user_id: String(randomInt(1, 1000)) };
    const theirs = djangoCookie(site, NOW, data);
    const ours = await bridge(site, NOW).save(data);
    expect(ours).toBe(theirs);
    const times = [NOW + AGE - 1, NOW + AGE, NOW + AGE + 0.25, NOW + AGE + 1, NOW + AGE + 1000];
    const django = stores(times.map((now) => ({ site, now, cookie: theirs }))).map(verdict);
    const mine = await Promise.all(times.map((now) => bridge(site, now).load(theirs)));
    expect(django).toEqual([data, data, null, null, null]);
    expect(mine).toEqual(django);

    // A shorter per-session expiry sets the cookie's Max-Age, not the signature's life.
    const short = store(site, NOW, null, [['set', 'a', 'b'], ['set_expiry', 10]], true).key!;
    const b = bridge(site, NOW);
    const s = await b.session(null).load();
    s.set('a', 'b');
    s.setExpiry(10);
    await s.save();
    expect(s.key).toBe(short);
    expect(s.getExpiryAge()).toBe(10);
    expect(middleware(site, NOW, null, [['set', 'a', 'b'], ['set_expiry', 10]]).cookie).toMatchObject({ value: short, max_age: 10 });
    expect(verdict(store(site, NOW + AGE, short))).toEqual({ a: 'b', _session_expiry: 10 });
    expect(await bridge(site, NOW + AGE).load(short)).toEqual({ a: 'b', _session_expiry: 10 });
  });

  it('refuses tampered cookies, other keys and other salts as Django does; Django answers with an empty session, never a login', async () => {
    const cookie = djangoCookie(site, NOW, { _auth_user_id: '1', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' });
    const [payload, ts, sig] = cookie.split(':');
    const other = { key: randomSecret() };
    const bad = [
      `${payload}:${ts}:${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
      `${payload.slice(0, -3)}xyz:${ts}:${sig}`,
      `${payload}:${ts}`,
      `${payload}:${ts}:${sig}x`,
      djangoCookie(other, NOW, { _auth_user_id: '1' }),
      new TimestampSigner({ key: site.key, salt: 'django.contrib.sessions.SessionStore', clock: () => NOW }).signObject({ _auth_user_id: '1' }, { compress: true }),
      new TimestampSigner({ key: site.key, clock: () => NOW }).signObject({ _auth_user_id: '1' }),
      'garbage!',
    ];
    const theirs = stores(bad.map((c) => ({ site, now: NOW + 1, cookie: c })));
    for (const [i, state] of theirs.entries()) {
      // Django's load() failed: create() set modified, the dict is empty, and the bad key is kept.
      expect(state).toEqual({ key: bad[i], modified: true, accessed: true, empty: false, data: {} });
    }
    const b = bridge(site, NOW + 1);
    for (const c of bad) {
      const s = await b.session(c).load();
      expect(s.get('_auth_user_id')).toBeUndefined();
      // The bridge drops the key instead: the session is empty and its middleware deletes the cookie.
      expect([s.key, s.isEmpty(), s.modified]).toEqual([null, true, false]);
    }
    // Django's middleware replaces a bad cookie with a signed empty dict, which reads as no login anywhere.
    const reply = middleware(site, NOW + 1, bad[0], [['read']]);
    expect(reply.cookie?.value).toBe(await b.backend.create('', {}));
    expect(reply.cookie?.max_age).toBe(AGE);
    expect(await b.load(reply.cookie!.value)).toEqual({});
    // A request that never reads the session leaves even a bad cookie alone, in both.
    expect(middleware(site, NOW + 1, bad[0], []).cookie).toBeNull();
  });

  if (features.secret_key_fallbacks) {
    it('reads cookies signed with a key now in SECRET_KEY_FALLBACKS, and re-signs them with SECRET_KEY', async () => {
      const oldSite: Site = { key: randomSecret() };
      const rotated: Site = { key: randomSecret(), fallbacks: [randomSecret(), oldSite.key] };
      const data = randomSession();
      const oldCookie = djangoCookie(oldSite, NOW, data);
      expect(verdict(store(rotated, NOW + 1, oldCookie))).toEqual(plain(data));
      expect(await bridge(rotated, NOW + 1).load(oldCookie)).toEqual(plain(data));
      expect(verdict(store({ key: rotated.key }, NOW + 1, oldCookie))).toBeNull();
      expect(await bridge({ key: rotated.key }, NOW + 1).load(oldCookie)).toBeNull();
      const b = bridge(rotated, NOW + 2);
      const s = await b.session(oldCookie).load();
      s.set('seen', true);
      await s.save();
      const resigned = store(rotated, NOW + 2, oldCookie, [['set', 'seen', true]], true).key;
      expect(s.key).toBe(resigned);
      expect(verdict(store({ key: rotated.key }, NOW + 3, s.key))).toEqual({ ...plain(data), seen: true });
    });
  } else {
    it(`has no SECRET_KEY_FALLBACKS on Django ${version}: an old key's cookie is refused, and fallbacks are refused at start-up`, async () => {
      const oldKey = randomSecret();
      const oldCookie = djangoCookie({ key: oldKey }, NOW, { a: 1 });
      expect(verdict(store(site, NOW + 1, oldCookie))).toBeNull();
      expect(() => bridge({ ...site, fallbacks: [oldKey] }, NOW)).toThrow(ImproperlyConfigured);
    });
  }

  if (features.default_hashing_algorithm) {
    it('DEFAULT_HASHING_ALGORITHM = "sha1": the same sha1 cookie; 3.2 reads sha1 either way, a sha1 site reads sha1 only', async () => {
      const sha1Site: Site = { ...site, algorithm: 'sha1' };
      const data = randomSession();
      const theirs = djangoCookie(sha1Site, NOW, data);
      const ours = await bridge(sha1Site, NOW).save(data);
      expect(ours).toBe(theirs);
      const sha256 = djangoCookie(site, NOW, data);
      const verdicts = stores([
        { site, now: NOW + 1, cookie: ours },
        { site: sha1Site, now: NOW + 1, cookie: ours },
        { site: sha1Site, now: NOW + 1, cookie: sha256 },
      ]).map(verdict);
      expect(verdicts).toEqual([plain(data), plain(data), null]);
      expect([await bridge(site, NOW + 1).load(theirs), await bridge(sha1Site, NOW + 1).load(theirs), await bridge(sha1Site, NOW + 1).load(sha256)]).toEqual(verdicts);
    });
  } else {
    it(`refuses sha1 signatures, as Django ${version} does, and has no DEFAULT_HASHING_ALGORITHM`, async () => {
      const data = randomSession();
      const [sha1Cookie] = djangoAll<string>([{ op: 'signed_cookie_sha1', ...site, now: NOW, session: data }]);
      expect(sha1Cookie).toBe(new TimestampSigner({ key: site.key, salt: SIGNED_COOKIE_SESSION_SALT, algorithm: 'sha1', clock: () => NOW }).signObject(data, { compress: true }));
      expect(verdict(store(site, NOW + 1, sha1Cookie))).toBeNull();
      expect(await bridge(site, NOW + 1).load(sha1Cookie)).toBeNull();
      expect(() => bridge({ ...site, algorithm: 'sha1' }, NOW)).toThrow(ImproperlyConfigured);
    });
  }

  it('writes a cookie over 4096 bytes exactly as Django does (it checks nothing), and warns; it does not read one back', async () => {
    const data = { _auth_user_id: '1', blob: Array.from({ length: 1500 }, () => randomInt(36 ** 4).toString(36)).join('') };
    const reply = middleware(site, NOW, null, [['update', data]]);
    expect(reply.cookie!.value.length).toBeGreaterThan(4096);
    const seen: number[] = [];
    const b = bridge(site, NOW, { onOversize: (c) => seen.push(c.size) });
    expect(await b.save(data)).toBe(reply.cookie!.value);
    expect(seen).toEqual([reply.cookie!.value.length + 'sessionid'.length]);
    // Django would read it back if a client sent it; no browser does, and the bridge bounds what it verifies.
    expect(verdict(store(site, NOW + 1, reply.cookie!.value))).toEqual(data);
    expect(await b.load(reply.cookie!.value)).toBeNull();
    expect(await bridge(site, NOW + 1, { maxCookieLength: 65_536 }).load(reply.cookie!.value)).toEqual(data);
  });

  it('refuses a cookie that inflates past 1 MiB, which Django would inflate (a zip bomb fits in 4096 bytes)', async () => {
    const data = { a: 'x'.repeat(2_000_000) };
    const cookie = djangoCookie(site, NOW, data);
    expect(cookie.length).toBeLessThanOrEqual(4096);
    expect(await bridge(site, NOW).save(data)).toBe(cookie);
    expect(verdict(store(site, NOW + 1, cookie))).toEqual(data);
    const b = bridge(site, NOW + 1);
    expect(await b.load(cookie)).toBeNull();
    expect(b.corrupt[0].message).toMatch(/Decompressed data exceeds 1048576 bytes/);
    expect(await bridge(site, NOW + 1, { maxDecompressedSize: 4 * 1024 * 1024 }).load(cookie)).toEqual(data);
  });

  if (features.pickle_serializer) {
    describe('SESSION_SERIALIZER = PickleSerializer', () => {
      const pickleSite: Site = { ...site, serializer: 'pickle' };
      const pickled = () => {
        const expiry = new Date(Date.UTC(2020 + randomInt(10), randomInt(12), 1 + randomInt(28), randomInt(24), randomInt(60), randomInt(60), randomInt(1000)));
        return { ...randomSession(), _session_expiry: expiry, prefs: { theme: randomText(8), sizes: [randomInt(100), 1.5, null, true, randomText(5)] } };
      };

      it("pickles like Django's PickleSerializer, byte for byte, and each reads the other's", async () => {
        const data = Array.from({ length: 10 }, pickled);
        const theirs = djangoAll<StoreState>(data.map((d) => ({ op: 'signed_cookie_session', ...pickleSite, cookie_age: AGE, now: NOW, cookie: null, actions: [['update', toWire(d)]], save: true }))).map((s) => s.key!);
        const ours = await Promise.all(data.map((d) => bridge(pickleSite, NOW).save(d)));
        expect(ours).toEqual(theirs);
        const b = bridge(pickleSite, NOW + 5);
        for (const [i, cookie] of theirs.entries()) expect(await b.load(cookie)).toEqual(data[i]);
        const loaded = stores(ours.map((cookie) => ({ site: pickleSite, now: NOW + 5, cookie }))).map(verdict);
        expect(loaded).toEqual(data);
        // A JSON site and a pickle site refuse each other's cookies.
        expect(verdict(store(site, NOW + 5, ours[0]))).toBeNull();
        expect(await bridge(site, NOW + 5).load(theirs[0])).toBeNull();
      });

      it('never runs what a signed pickle names; Django does', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'signed-cookie-'));
        try {
          const marker = join(dir, 'pwned');
          const [cookie] = djangoAll<string>([{ op: 'signed_cookie_pickled_payload', ...pickleSite, now: NOW, marker }]);
          const b = bridge(pickleSite, NOW + 1);
          expect(await b.load(cookie)).toBeNull();
          expect(b.corrupt[0].name).toBe('SerializationError');
          expect(existsSync(marker)).toBe(false);
          // The risk is Django's: its SessionStore runs the payload (a harmless touch here) and logs the user in.
          expect(verdict(store(pickleSite, NOW + 1, cookie))).toEqual({ _auth_user_id: '1', x: 0 });
          expect(existsSync(marker)).toBe(true);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('is accepted at start-up, with sessionEngine signed_cookies', async () => {
        const { resolveBridgeOptions } = await nestOptions();
        const options = resolveBridgeOptions({ secretKey: site.key, djangoVersion: version, sessionEngine: 'signed_cookies', sessionSerializer: 'pickle', userStore: noUsers });
        expect(options.sessionSerializer).toBe('pickle');
      });
    });
  } else {
    it(`refuses PickleSerializer at start-up: Django ${version} has none (removed in 5.0)`, async () => {
      expect(() => bridge({ ...site, serializer: 'pickle' }, NOW)).toThrow(/has no PickleSerializer/);
      const { resolveBridgeOptions } = await nestOptions();
      expect(() => resolveBridgeOptions({ secretKey: site.key, djangoVersion: version, sessionEngine: 'signed_cookies', sessionSerializer: 'pickle', userStore: noUsers })).toThrow(/PickleSerializer went in 5.0/);
      const [result] = djangoBatch([{ op: 'signed_cookie_session', ...site, serializer: 'pickle', now: NOW, cookie: null, actions: [['set', 'a', 1]], save: true }]);
      expect(result.error).toMatch(/PickleSerializer does not exist on this line/);
    });
  }
});
