import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { DjangoUser } from './django-user.js';

const hash = 'pbkdf2_sha256$260000$abcdefghijklmnopqrstuv$0123456789abcdefghijklmnopqrstuvwxyzABCDE=';

describe('DjangoUser', () => {
  const user = new DjangoUser(
    { id: 7, username: 'alice', isActive: true, isStaff: true, isSuperuser: false, lastLogin: new Date('2026-01-02T03:04:05Z'), fields: { email: 'a@example.com', date_joined: new Date('2025-01-01T00:00:00Z') } },
    { password: hash, columns: { api_key: 'secret-api-key' } },
  );

  it('never shows the hash or a secret column: JSON, spread, keys, inspect', () => {
    for (const shown of [JSON.stringify(user), JSON.stringify({ ...user }), inspect(user, { depth: 5, showHidden: true }), Object.keys(user).join(',')]) {
      expect(shown).not.toContain('pbkdf2');
      expect(shown).not.toContain('secret-api-key');
    }
    expect('password' in user).toBe(false);
    expect(JSON.parse(JSON.stringify(user))).toEqual({ id: 7, username: 'alice', isActive: true, isStaff: true, isSuperuser: false, lastLogin: '2026-01-02T03:04:05.000Z', fields: { email: 'a@example.com', date_joined: '2025-01-01T00:00:00.000Z' } });
  });

  it('keeps the hash and secret columns for the bridge, and takes a new hash', () => {
    expect(DjangoUser.passwordOf(user)).toBe(hash);
    expect(DjangoUser.secretColumnOf(user, 'api_key')).toBe('secret-api-key');
    DjangoUser.setPasswordOf(user, 'argon2$new');
    expect(DjangoUser.passwordOf(user)).toBe('argon2$new');
    expect(DjangoUser.secretColumnOf(user, 'api_key')).toBe('secret-api-key');
  });
});
