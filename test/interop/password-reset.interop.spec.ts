/**
 * Password-reset links against Django's own PasswordResetTokenGenerator and uidb64 on the line of
 * this run, both ways, with frozen clocks and random (seeded) users and keys: the same token byte
 * for byte, the same second at which it expires, the same refusals after a password change, a
 * login or an e-mail change, under fallback keys (4.1+), sha1 tokens and day-stamped pre-3.1
 * tokens (3.2 only).
 */
import { describe, expect, it } from '@jest/globals';
import { decodeUidb64, encodeUidb64, isDjangoVersion, PasswordResetTokenGenerator, type PasswordResetTokenOptions, type PasswordResetUser } from '@django-bridge/core';
import { djangoInfo } from '../django/django-info.js';
import { djangoAll } from '../django/oracle.js';
import { pick, randomInt, randomSecret, randomText } from '../support/random.js';

const info = djangoInfo();
if (!isDjangoVersion(info.line)) throw new Error(`The bridge does not know Django ${info.line}`);
const version = info.line;
const hasFallbacks = !['3.2', '4.0'].includes(version);
const is32 = version === '3.2';
// The oracle's standalone clock is the process's local time: UTC here.
const EPOCH_2001 = Date.UTC(2001, 0, 1) / 1000;
const TIMEOUT = 259_200;

interface Made {
  uidb64: string;
  token: string;
  timestamp: number;
}

function randomUser(): PasswordResetUser {
  const lastLogin = randomInt(4) === 0 ? null : new Date((1_500_000_000 + randomInt(300_000_000)) * 1000 + randomInt(1000));
  return {
    pk: randomInt(1, 2 ** 31 - 1),
    password: pick(['', '!' + randomText(40), `pbkdf2_sha256$1000000$${randomText(22)}$${randomText(44)}`, randomText(60)]),
    lastLogin,
    email: pick(['', `${randomText(10)}@example.com`, randomText(30)]),
  };
}

/** The op's user: last_login as epoch ms (Django keeps microseconds; ms is what a Date has). */
const wireUser = (u: PasswordResetUser) => ({ pk: u.pk, password: u.password, last_login: u.lastLogin ? u.lastLogin.getTime() : null, email: u.email ?? '' });

const randomNow = () => 1_600_000_000 + randomInt(400_000_000) + randomInt(1000) / 1000;

function ts(options: Partial<PasswordResetTokenOptions> & { secretKey: string }, nowSeconds: number): PasswordResetTokenGenerator {
  return new PasswordResetTokenGenerator({ djangoVersion: version, clock: () => nowSeconds * 1000, ...options });
}

function settings(secretKey: string, extra: Record<string, unknown> = {}) {
  return { SECRET_KEY: secretKey, ...extra };
}

describe(`password-reset tokens against Django ${version}`, () => {
  it('Django and the bridge make the same token and uidb64 for random users, and each accepts the other', () => {
    const cases = Array.from({ length: 40 }, () => ({ user: randomUser(), key: randomSecret(), now: randomNow() }));
    const made = djangoAll<Made>(cases.map((c) => ({ op: 'password_reset_make', user: wireUser(c.user), now: c.now, settings: settings(c.key) })));
    const ours = cases.map((c) => ts({ secretKey: c.key }, c.now).makeToken(c.user));
    const checks = djangoAll<boolean>(cases.map((c, i) => ({ op: 'password_reset_check', user: wireUser(c.user), token: ours[i], now: c.now + randomInt(TIMEOUT), settings: settings(c.key) })));
    cases.forEach((c, i) => {
      expect(ours[i]).toBe(made[i].token);
      expect(encodeUidb64(c.user.pk)).toBe(made[i].uidb64);
      expect(decodeUidb64(made[i].uidb64)).toBe(String(c.user.pk));
      expect(ts({ secretKey: c.key }, c.now + randomInt(TIMEOUT)).checkToken(c.user, made[i].token)).toBe(true);
      expect(checks[i]).toBe(true);
    });
  });

  it('expires at the same second (PASSWORD_RESET_TIMEOUT), both ways', () => {
    const user = randomUser();
    const key = randomSecret();
    const now = Math.floor(randomNow());
    const timeout = pick([60, 3600, TIMEOUT, randomInt(1, 1_000_000)]);
    const [made] = djangoAll<Made>([{ op: 'password_reset_make', user: wireUser(user), now, settings: settings(key) }]);
    const offsets = [timeout - 1, timeout, timeout + 0.999, timeout + 1, timeout + 2];
    const theirs = djangoAll<boolean>(offsets.map((o) => ({ op: 'password_reset_check', user: wireUser(user), token: made.token, now: now + o, settings: settings(key, { PASSWORD_RESET_TIMEOUT: timeout }) })));
    const ours = offsets.map((o) => ts({ secretKey: key, timeout }, now + o).checkToken(user, made.token));
    expect(ours).toEqual(theirs);
    expect(ours).toEqual([true, true, true, false, false]);
  });

  it('refuses a token after a password change, a login, an e-mail change, or for another user, as Django does', () => {
    const user = randomUser();
    const key = randomSecret();
    const now = randomNow();
    const token = ts({ secretKey: key }, now).makeToken(user);
    const variants: PasswordResetUser[] = [
      { ...user, password: user.password + 'x' },
      { ...user, lastLogin: new Date(now * 1000 + 5000) },
      { ...user, email: (user.email ?? '') + 'x' },
      { ...user, pk: Number(user.pk) + 1 },
      // The same second of last_login: still valid (microseconds are dropped).
      { ...user, lastLogin: user.lastLogin && new Date(Math.floor(user.lastLogin.getTime() / 1000) * 1000) },
    ];
    const theirs = djangoAll<boolean>(variants.map((v) => ({ op: 'password_reset_check', user: wireUser(v), token, now, settings: settings(key) })));
    const ours = variants.map((v) => ts({ secretKey: key }, now).checkToken(v, token));
    expect(ours).toEqual(theirs);
    expect(ours).toEqual([false, false, false, false, true]);
  });

  it('refuses tampered and malformed tokens, as Django does', () => {
    const user = randomUser();
    const key = randomSecret();
    const now = randomNow();
    const token = ts({ secretKey: key }, now).makeToken(user);
    const [stamp, hash] = token.split('-');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);
    const bad = [flip(hash, randomInt(hash.length)).replace(/^/, `${stamp}-`), `${flip(stamp, randomInt(stamp.length))}-${hash}`, token.toUpperCase(), `0${token}`, ` ${token}`, `${token}-`, `${stamp}-`, `-${hash}`, `${stamp}${hash}`, `${'1'.repeat(14)}-${hash}`, `+${token}`, `${stamp}_-${hash}`, token.slice(0, -1), `${token}0`, randomText(30)];
    const theirs = djangoAll<boolean>(bad.map((t) => ({ op: 'password_reset_check', user: wireUser(user), token: t, now, settings: settings(key) })));
    expect(bad.map((t) => ts({ secretKey: key }, now).checkToken(user, t))).toEqual(theirs);
    expect(theirs.every((ok) => ok === false)).toBe(true);
  });

  it('uidb64: the same pk from Django and the bridge for any text, malformed ones included', () => {
    const inputs = ['MQ', 'MTIz', 'MTIz=', 'MTIz==', 'M', 'MQ==', 'M Q', 'M!Q', '_w', '-_', 'w4k', '4pyT', 'MTIz\u00e9', 'MTI', 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA'];
    // Real Django answers with the pk it would look up; the standalone op gives the decoded text through a user-less path.
    const theirs = djangoAll<string | null>(inputs.map((uidb64) => ({ op: 'password_reset_uidb64_decode', uidb64 })));
    expect(inputs.map((u) => decodeUidb64(u))).toEqual(theirs);
  });

  (hasFallbacks ? it : it.skip)('accepts tokens of SECRET_KEY_FALLBACKS (4.1+), both ways', () => {
    const user = randomUser();
    const [oldKey, newKey] = [randomSecret(), randomSecret()];
    const now = randomNow();
    const [made] = djangoAll<Made>([{ op: 'password_reset_make', user: wireUser(user), now, settings: settings(oldKey) }]);
    const ours = ts({ secretKey: oldKey }, now).makeToken(user);
    const [theirs, unrelated] = djangoAll<boolean>([
      { op: 'password_reset_check', user: wireUser(user), token: ours, now, settings: settings(newKey, { SECRET_KEY_FALLBACKS: [randomSecret(), oldKey] }) },
      { op: 'password_reset_check', user: wireUser(user), token: ours, now, settings: settings(newKey, { SECRET_KEY_FALLBACKS: [randomSecret()] }) },
    ]);
    expect(theirs).toBe(true);
    expect(unrelated).toBe(false);
    expect(ts({ secretKey: newKey, secretKeyFallbacks: [randomSecret(), oldKey] }, now).checkToken(user, made.token)).toBe(true);
    expect(ts({ secretKey: newKey, secretKeyFallbacks: [randomSecret()] }, now).checkToken(user, made.token)).toBe(false);
  });

  (is32 ? it : it.skip)('3.2: sha1 tokens (DEFAULT_HASHING_ALGORITHM) both ways, and sha256 sites still accept them', () => {
    const user = randomUser();
    const key = randomSecret();
    const now = randomNow();
    const [sha1] = djangoAll<Made>([{ op: 'password_reset_make', user: wireUser(user), now, settings: settings(key, { DEFAULT_HASHING_ALGORITHM: 'sha1' }) }]);
    expect(ts({ secretKey: key, algorithm: 'sha1' }, now).makeToken(user)).toBe(sha1.token);
    expect(ts({ secretKey: key }, now).checkToken(user, sha1.token)).toBe(true);
    const ours = ts({ secretKey: key, algorithm: 'sha1' }, now).makeToken(user);
    const [theirs] = djangoAll<boolean>([{ op: 'password_reset_check', user: wireUser(user), token: ours, now, settings: settings(key) }]);
    expect(theirs).toBe(true);
  });

  it('day-stamped (pre-3.1) tokens: accepted on 3.2 as Django 3.2 does, refused elsewhere', () => {
    const user = randomUser();
    const key = randomSecret();
    const nowSeconds = Math.floor(randomNow());
    const days = Math.floor((nowSeconds - EPOCH_2001) / 86400) - randomInt(5);
    // A token whose timestamp is `days` (under four base36 digits), as Django 3.0 stamped them.
    const old = ts({ secretKey: key }, EPOCH_2001 + days).makeToken(user);
    expect(old.split('-')[0].length).toBeLessThan(4);
    const offsets = [0, 3600, 86400 * 3, 86400 * 4];
    const theirs = djangoAll<boolean>(offsets.map((o) => ({ op: 'password_reset_check', user: wireUser(user), token: old, now: nowSeconds + o, settings: settings(key) })));
    expect(offsets.map((o) => ts({ secretKey: key }, nowSeconds + o).checkToken(user, old))).toEqual(theirs);
    if (!is32) expect(theirs.every((ok) => !ok)).toBe(true);
  });
});
