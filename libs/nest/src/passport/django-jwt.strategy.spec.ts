import { describe, expect, it } from '@jest/globals';
import { DjangoNotAuthenticated } from '../errors/bridge-exceptions.js';
import type { SimpleJwtCredential } from '../simple-jwt/simple-jwt-credential.js';
import { DjangoUser } from '../users/django-user.js';
import { DjangoJwtStrategy } from './django-jwt.strategy.js';

const alice = new DjangoUser({ id: 1, username: 'alice', isActive: true, isStaff: false, isSuperuser: false, lastLogin: null, fields: {} }, { password: '', columns: {} });

describe('DjangoJwtStrategy', () => {
  it("gives the credential's user, fails quietly without one, and lets a bad token's 401 through", async () => {
    const credential = {
      authenticate: async (req: { headers: { authorization?: string } }) => {
        if (!req.headers.authorization) return null;
        if (req.headers.authorization === 'Bearer good') return { user: alice, credential: 'jwt', auth: {} };
        throw new DjangoNotAuthenticated('Given token not valid for any token type', 'Bearer realm="api"');
      },
    } as unknown as SimpleJwtCredential;
    const strategy = new DjangoJwtStrategy(credential);
    await expect(strategy.validate({ headers: { authorization: 'Bearer good' } })).resolves.toBe(alice);
    await expect(strategy.validate({ headers: {} })).resolves.toBe(false);
    await expect(strategy.validate({ headers: { authorization: 'Bearer bad' } })).rejects.toBeInstanceOf(DjangoNotAuthenticated);
  });
});
