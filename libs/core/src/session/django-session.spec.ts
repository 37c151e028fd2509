import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured } from '../errors.js';
import { DjangoSession, SessionInterrupted } from './django-session.js';
import { MemorySessionBackend } from './memory-session-backend.js';
import { SessionCodec } from './session-codec.js';

const secretKey = 'test-secret';
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

function setup(now = () => T0) {
  const backend = new MemorySessionBackend(now);
  const make = (key: string | null | undefined, extra = {}) => new DjangoSession(key, { backend, now, ...extra });
  return { backend, make };
}

describe('DjangoSession', () => {
  it('creates a 32-char [a-z0-9] key on first save and reads it back', async () => {
    const { backend, make } = setup();
    const s = await make(undefined).load();
    expect(s.isEmpty()).toBe(true);
    s.set('cart', [1, 2]);
    await s.save();
    expect(s.key).toMatch(/^[a-z0-9]{32}$/);
    expect(backend.rows.get(s.key!)!.expireDate.getTime()).toBe(T0 + 1_209_600_000);
    const again = await make(s.key).load();
    expect(again.get('cart')).toEqual([1, 2]);
    expect(again.modified).toBe(false);
    expect(again.accessed).toBe(true);
  });

  it('treats short, missing, expired and odd keys as no session', async () => {
    const { backend, make } = setup();
    for (const key of ['short', '', 'x'.repeat(41), 'has space inside', "' OR 1=1 --"]) expect(make(key).key).toBeNull();
    const unknown = await make('abcdefghijklmnopqrstuvwxyz012345').load();
    expect(unknown.key).toBeNull();
    backend.rows.set('expiredkey', { session: { a: 1 }, expireDate: new Date(T0 - 1) });
    expect((await make('expiredkey').load()).key).toBeNull();
  });

  it('decodes corrupt stored data as Django does: an empty dict, reported', () => {
    const reports: unknown[] = [];
    const codec = new SessionCodec({ secretKey }, (e) => reports.push(e));
    expect(codec.decode('garbage')).toEqual({});
    expect(codec.decode(codec.encode({ a: 1 }))).toEqual({ a: 1 });
    expect(reports).toHaveLength(1);
  });

  it('flush deletes the row and the key; cycleKey moves the data', async () => {
    const { backend, make } = setup();
    const s = await make(undefined).load();
    s.set('a', 1);
    await s.save();
    const first = s.key!;
    await s.cycleKey();
    expect(s.key).not.toBe(first);
    expect(backend.rows.has(first)).toBe(false);
    expect((await make(s.key).load()).get('a')).toBe(1);
    const second = s.key!;
    await s.flush();
    expect(s.key).toBeNull();
    expect(s.isEmpty()).toBe(true);
    expect(backend.rows.has(second)).toBe(false);
  });

  it('save of a vanished row is SessionInterrupted', async () => {
    const { backend, make } = setup();
    const s = await make(undefined).load();
    s.set('a', 1);
    await s.save();
    backend.rows.delete(s.key!);
    await expect(s.save()).rejects.toThrow(SessionInterrupted);
  });

  it('retries on key collisions', async () => {
    const { backend, make } = setup();
    const original = backend.exists.bind(backend);
    let calls = 0;
    backend.exists = async (key) => (++calls < 3 ? true : original(key));
    const s = await make(undefined).load();
    await s.save();
    expect(calls).toBe(3);
  });

  it('expiry rules: seconds, browser close, datetimes (ISO, 4.1+)', async () => {
    const { make } = setup();
    const s = await make(undefined, { cookieAge: 100 }).load();
    expect(s.getExpiryAge()).toBe(100);
    expect(s.getExpireAtBrowserClose()).toBe(false);
    s.setExpiry(30);
    expect(s.getExpiryAge()).toBe(30);
    expect(s.getExpiryDate().getTime()).toBe(T0 + 30_000);
    s.setExpiry(0);
    expect(s.getExpireAtBrowserClose()).toBe(true);
    expect(s.getExpiryAge()).toBe(100);
    s.setExpiry(new Date(T0 + 3_600_500));
    expect(s.get('_session_expiry')).toBe('2026-11-24T13:00:00.500000+00:00');
    expect(s.getExpiryAge()).toBe(3600);
    expect(s.getExpiryDate().getTime()).toBe(T0 + 3_600_500);
    s.setExpiry(null);
    expect(s.has('_session_expiry')).toBe(false);
    expect(() => s.setExpiry(-1)).toThrow(RangeError);
    const old = await make(undefined, { djangoVersion: '3.2' }).load();
    expect(() => old.setExpiry(new Date())).toThrow(ImproperlyConfigured);
  });

  it('reads naive ISO expiries in the configured time zone', async () => {
    const { make } = setup();
    const s = await make(undefined, { timeZone: 'America/Chicago' }).load();
    s.set('_session_expiry', '2026-11-24T07:00:00');
    expect(s.getExpiryDate().toISOString()).toBe('2026-11-24T13:00:00.000Z');
  });
});
