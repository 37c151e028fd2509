/** UserAuthorizations: each user object's groups and permissions asked once, in one call where the store can. */
import { describe, expect, it } from '@jest/globals';
import { DjangoUser } from './django-user.js';
import type { DjangoUserStore } from './django-user-store.js';
import { UserAuthorizations } from './user-authorization.js';

function user(): DjangoUser {
  return new DjangoUser({ id: 1, username: 'ann', isActive: true, isStaff: false, isSuperuser: false, lastLogin: null, fields: {} }, { password: '', columns: {} });
}

function store(combined: boolean) {
  const calls: string[] = [];
  let failNext = false;
  const s = {
    parsePk: () => 1,
    findById: async () => null,
    findByUsername: async () => null,
    setPassword: async () => undefined,
    updateLastLogin: async () => undefined,
    async groupNames() {
      calls.push('groups');
      return ['a', 'b'];
    },
    async allPermissions() {
      calls.push('permissions');
      return new Set(['x.y']);
    },
    ...(combined
      ? {
          async groupsAndPermissions() {
            calls.push('both');
            if (failNext) {
              failNext = false;
              throw new Error('down');
            }
            return { groups: ['a', 'b'], permissions: new Set(['x.y']) };
          },
        }
      : {}),
  } as DjangoUserStore;
  return { s, calls, failOnce: () => (failNext = true) };
}

describe('UserAuthorizations', () => {
  it('asks a store that reads both at once a single time per user object', async () => {
    const { s, calls } = store(true);
    const auth = new UserAuthorizations(s);
    const u = user();
    const [groups, perms] = await Promise.all([auth.groupsOf(u), auth.permissionsOf(u)]);
    expect(groups).toEqual(['a', 'b']);
    expect([...perms]).toEqual(['x.y']);
    groups.push('changed by the caller');
    expect(await auth.groupsOf(u)).toEqual(['a', 'b']);
    expect(calls).toEqual(['both']);
    await auth.permissionsOf(user());
    expect(calls).toEqual(['both', 'both']);
  });

  it('asks any other store only for what is needed, once each', async () => {
    const { s, calls } = store(false);
    const auth = new UserAuthorizations(s);
    const u = user();
    await auth.permissionsOf(u);
    await auth.permissionsOf(u);
    expect(calls).toEqual(['permissions']);
    await auth.groupsOf(u);
    await auth.groupsOf(u);
    expect(calls).toEqual(['permissions', 'groups']);
  });

  it('does not remember a failed ask', async () => {
    const { s, calls, failOnce } = store(true);
    const auth = new UserAuthorizations(s);
    const u = user();
    failOnce();
    await expect(auth.permissionsOf(u)).rejects.toThrow('down');
    expect([...(await auth.permissionsOf(u))]).toEqual(['x.y']);
    expect(calls).toEqual(['both', 'both']);
  });
});
