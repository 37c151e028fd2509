import { describe, expect, it } from '@jest/globals';
import { checkPassword } from './check-password.js';
import { makePassword } from './make-password.js';
import { PasswordHashers } from './password-hashers.js';
import { mayUpgradePassword, type PasswordUpgradePolicy } from './upgrade-policy.js';

// Small work factors: the rules are the same at Django's, only slower.
const site = (iterations: number, more: ConstructorParameters<typeof PasswordHashers>[0] = {}) => new PasswordHashers({ djangoVersion: '5.2', iterations, ...more });

async function rewrites(policy: PasswordUpgradePolicy, stored: string, hashers: PasswordHashers): Promise<boolean> {
  let rewritten = false;
  expect(await checkPassword('pw', stored, { hashers, upgrade: policy, setter: () => (rewritten = true) })).toBe(true);
  return rewritten;
}

describe('password upgrade policy', () => {
  it("'django' never rewrites, 'always' rewrites whatever Django would", async () => {
    const old = await makePassword('pw', { hashers: site(1000) });
    expect(await rewrites('django', old, site(2000))).toBe(false);
    expect(await rewrites('always', old, site(2000))).toBe(true);
    expect(await rewrites('always', await makePassword('pw', { hashers: site(3000) }), site(2000))).toBe(true);
  });

  it("'stronger' raises a work factor and never lowers one", async () => {
    expect(await rewrites('stronger', await makePassword('pw', { hashers: site(1000) }), site(2000))).toBe(true);
    expect(await rewrites('stronger', await makePassword('pw', { hashers: site(3000) }), site(2000))).toBe(false);
    const bcrypt = (rounds: number) => site(1000, { hashers: ['bcrypt_sha256'], bcryptRounds: rounds });
    expect(await rewrites('stronger', await makePassword('pw', { hashers: bcrypt(4) }), bcrypt(5))).toBe(true);
    expect(await rewrites('stronger', await makePassword('pw', { hashers: bcrypt(5) }), bcrypt(4))).toBe(false);
    const scrypt = (p: number) => site(1000, { hashers: ['scrypt'], scrypt: { workFactor: 1024, parallelism: p } });
    expect(await rewrites('stronger', await makePassword('pw', { hashers: scrypt(1) }), scrypt(5))).toBe(true);
    expect(await rewrites('stronger', await makePassword('pw', { hashers: scrypt(5) }), scrypt(1))).toBe(false);
    // One factor up and one down is neither: left alone.
    const mixed = (n: number, p: number) => site(1000, { hashers: ['scrypt'], scrypt: { workFactor: n, parallelism: p } });
    expect(await rewrites('stronger', await makePassword('pw', { hashers: mixed(2048, 1) }), mixed(1024, 2))).toBe(false);
  });

  it("'stronger' replaces legacy algorithms but never switches between modern ones", async () => {
    const md5 = await makePassword('pw', { hashers: site(1000, { hashers: ['md5'] }) });
    expect(await rewrites('stronger', md5, site(1000, { hashers: ['pbkdf2_sha256', 'md5'] }))).toBe(true);
    const argon2 = await makePassword('pw', { hashers: site(1000, { hashers: ['argon2'], argon2: { timeCost: 1, memoryCost: 64, parallelism: 1 } }) });
    expect(await rewrites('stronger', argon2, site(1000, { hashers: ['pbkdf2_sha256', 'argon2'] }))).toBe(false);
    expect(await rewrites('always', argon2, site(1000, { hashers: ['pbkdf2_sha256', 'argon2'] }))).toBe(true);
  });

  it("'stronger' never rewrites an argon2 hash for its length alone, and keeps the length when it raises", async () => {
    const argon = (timeCost: number, hashLength: number) => site(1000, { hashers: ['argon2'], argon2: { timeCost, memoryCost: 64, parallelism: 1, hashLength } });
    const short = await makePassword('pw', { hashers: argon(1, 16) });
    // Django's must_update says yes (another hash length), the policy no.
    expect(argon(1, 32).mustUpdate(short)).toBe(true);
    expect(await rewrites('stronger', short, argon(1, 32))).toBe(false);
    expect(await rewrites('stronger', short, argon(2, 32))).toBe(false);
    expect(await rewrites('stronger', short, argon(2, 16))).toBe(true);
  });

  /** 20 alternating logins, Django (Django's own rule) and the bridge (`policy`), on one stored hash; the rewrites. */
  async function alternate(django: PasswordHashers, bridge: PasswordHashers, policy: PasswordUpgradePolicy): Promise<number> {
    let stored = await makePassword('pw', { hashers: django });
    let count = 0;
    for (let i = 0; i < 20; i++) {
      const [hashers, upgrade] = i % 2 === 0 ? [django, 'always' as const] : [bridge, policy];
      await checkPassword('pw', stored, { hashers, upgrade, setter: async (raw) => ((stored = await makePassword(raw, { hashers })), count++) });
    }
    return count;
  }

  it('the default never ping-pongs, whichever side is newer; always does', async () => {
    const newer = site(2000);
    const older = site(1000);
    // Django newer than the bridge's configuration (Django 6.1, bridge set to 5.2), and the reverse.
    expect(await alternate(newer, older, 'django')).toBe(0);
    expect(await alternate(older, newer, 'django')).toBe(0);
    expect(await alternate(newer, older, 'always')).toBe(19);
    expect(await alternate(older, newer, 'always')).toBe(19);
  });

  it("'stronger' never ping-pongs while the bridge is configured at or below Django", async () => {
    expect(await alternate(site(2000), site(1000), 'stronger')).toBe(0);
    expect(await alternate(site(2000), site(2000), 'stronger')).toBe(0);
    // Configured above Django it raises, Django lowers again: the documented limit of 'stronger'.
    expect(await alternate(site(1000), site(2000), 'stronger')).toBe(19);
  });

  it('mayUpgradePassword answers for hashers without work factors too', () => {
    const hashers = site(1000, { hashers: ['pbkdf2_sha256', 'sha1', 'unsalted_md5'] });
    expect(mayUpgradePassword('stronger', 'sha1$abc$0123', hashers.get('sha1'), hashers.preferred)).toBe(true);
    expect(mayUpgradePassword('stronger', 'not a hash', hashers.preferred, hashers.preferred)).toBe(false);
  });
});
