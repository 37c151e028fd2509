/**
 * DjangoPermissionsGuard through a real Nest app over in-memory stores: @RequirePermissions (all of
 * them, own or through a group, every one for an active superuser), @RequireGroups (membership of
 * every group listed), @StaffOnly and @SuperuserOnly, after DjangoSessionGuard or a Passport guard;
 * changes to a user are seen on its next request; a failing permission lookup is a 503.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cheapHashers, loginCookie, startMemoryBridgeApp, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { randomEnvSecret } from '../../../../test/support/random.js';
import type { DjangoUser } from '../users/django-user.js';
import { MemoryUserStore } from '../users/memory-user.store.js';

const FORBIDDEN = { statusCode: 403, message: 'You do not have permission to perform this action', error: 'Forbidden' };

/** Fails the permission and group lookups on demand. */
class FlakyUserStore extends MemoryUserStore {
  failing = false;
  override async allPermissions(user: DjangoUser) {
    if (this.failing) throw new Error('permissions API down (secret-token)');
    return super.allPermissions(user);
  }
  override async groupNames(user: DjangoUser) {
    if (this.failing) throw new Error('groups API down (secret-token)');
    return super.groupNames(user);
  }
}

describe('DjangoPermissionsGuard', () => {
  const users = new FlakyUserStore({ hashers: cheapHashers(), groups: { 'secret-agents': ['notes.delete_note'], editors: ['notes.change_note'] }, permissions: ['auth.view_user'] });
  let t: MemoryBridgeApp;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    t = await startMemoryBridgeApp({ secretKey: randomEnvSecret(), users });
    await users.addUser({ username: 'alice', password: 'alice-pw', isStaff: true, groups: ['secret-agents'], permissions: ['notes.add_note'] });
    await users.addUser({ username: 'bob', password: 'bob-pw' });
    await users.addUser({ username: 'root', password: 'root-pw', isStaff: true, isSuperuser: true });
    await users.addUser({ username: 'eve', password: 'eve-pw', groups: ['editors', 'secret-agents'] });
    for (const name of ['alice', 'bob', 'root', 'eve']) cookies[name] = await loginCookie(t, name, `${name}-pw`);
  });
  afterAll(async () => {
    await t?.close();
  });

  const status = async (path: string, who: string) => (await t.http().get(path).set('Cookie', who ? cookies[who] : '')).status;

  it("answers 403 to users who lack what the route requires, with ModelBackend's rules", async () => {
    const table: [string, string, number][] = [
      ['/can-add-note', 'bob', 403], ['/can-add-note', 'alice', 200], ['/can-add-note', 'root', 200], ['/can-add-note', 'eve', 403], ['/can-add-note', '', 401],
      // Both permissions: alice's own add_note and her group's delete_note.
      ['/can-add-and-delete', 'alice', 200], ['/can-add-and-delete', 'eve', 403], ['/can-add-and-delete', 'root', 200],
      ['/agents', 'alice', 200], ['/agents', 'bob', 403], ['/agents', 'eve', 200],
      // Groups are membership: a superuser is in none, and every listed group is required.
      ['/agents', 'root', 403], ['/agents-and-editors', 'eve', 200], ['/agents-and-editors', 'alice', 403],
      ['/staff', 'alice', 200], ['/staff', 'bob', 403], ['/staff', 'root', 200],
      ['/superuser', 'root', 200], ['/superuser', 'alice', 403], ['/superuser', '', 401],
    ];
    const answers = [];
    for (const [path, who] of table) answers.push([path, who, await status(path, who)]);
    expect(answers).toEqual(table);
    expect((await t.http().get('/staff').set('Cookie', cookies.bob)).body).toEqual(FORBIDDEN);
  });

  it("reports the user's permissions and sorted groups; a superuser has every known permission", async () => {
    expect((await t.http().get('/me').set('Cookie', cookies.alice)).body).toMatchObject({ permissions: ['notes.add_note', 'notes.delete_note'], groups: ['secret-agents'] });
    expect((await t.http().get('/me').set('Cookie', cookies.eve)).body).toMatchObject({ permissions: ['notes.change_note', 'notes.delete_note'], groups: ['editors', 'secret-agents'] });
    expect((await t.http().get('/me').set('Cookie', cookies.root)).body).toMatchObject({ permissions: ['auth.view_user', 'notes.add_note', 'notes.change_note', 'notes.delete_note'], groups: [] });
  });

  it('sees a change to the user on its next request (the user is read afresh each request)', async () => {
    const bob = (await users.findByUsername('bob'))!;
    users.updateUser(bob.id, { groups: ['secret-agents'], isStaff: true });
    try {
      expect([await status('/agents', 'bob'), await status('/staff', 'bob')]).toEqual([200, 200]);
    } finally {
      users.updateUser(bob.id, { groups: [], isStaff: false });
    }
    expect([await status('/agents', 'bob'), await status('/staff', 'bob')]).toEqual([403, 403]);
  });

  it('authorizes the user of a Passport guard (HTTP Basic), and refuses when no guard found one', async () => {
    expect((await t.http().get('/basic/agents').auth('alice', 'alice-pw')).body).toEqual({ username: 'alice' });
    expect((await t.http().get('/basic/agents').auth('bob', 'bob-pw')).status).toBe(403);
    expect((await t.http().get('/basic/agents').auth('bob', 'nope')).status).toBe(401);
    // Alone it authenticates nobody: a session cookie is not enough without DjangoSessionGuard before it.
    expect(await status('/unguarded/staff', 'alice')).toBe(401);
  });

  it('a failing permission or group lookup is a 503, not a 403', async () => {
    users.failing = true;
    try {
      for (const path of ['/can-add-note', '/agents']) {
        const res = await t.http().get(path).set('Cookie', cookies.alice);
        expect([path, res.status]).toEqual([path, 503]);
        expect(res.text).not.toContain('secret');
      }
    } finally {
      users.failing = false;
    }
    expect(await status('/can-add-note', 'alice')).toBe(200);
  });
});
