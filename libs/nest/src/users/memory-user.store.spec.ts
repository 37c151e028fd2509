/**
 * MemoryUserStore: Django-encoded passwords, and ModelBackend's rules exactly as TypeOrmUserStore
 * applies them. The parity tests run both stores over the same seeded random users, groups and
 * permissions (TypeORM on an in-memory SQLite with auth's tables) and over the same primary keys.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkPassword, ImproperlyConfigured, isPasswordUsable, PasswordHashers } from '@django-bridge/core';
import { DataSource } from 'typeorm';
import { pick, randomInt, randomString, randomText } from '../../../../test/support/random.js';
import { DjangoUser } from './django-user.js';
import { MemoryUserStore } from './memory-user.store.js';
import { TypeOrmUserStore } from './typeorm-user.store.js';

const hashers = new PasswordHashers({ iterations: 1000 });

describe('MemoryUserStore', () => {
  it('stores passwords as makePassword encodes them with its hashers, and unusable ones for null', async () => {
    const store = new MemoryUserStore({ hashers });
    const alice = await store.addUser({ username: 'alice', password: 'pw-ü' });
    const encoded = DjangoUser.passwordOf(alice);
    expect(encoded).toMatch(/^pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/);
    expect(await checkPassword('pw-ü', encoded, { hashers })).toBe(true);
    expect(await checkPassword('pw-u', encoded, { hashers })).toBe(false);
    const nobody = await store.addUser({ username: 'nobody', password: null });
    expect(isPasswordUsable(DjangoUser.passwordOf(nobody))).toBe(false);
    const given = await store.addUser({ username: 'given', encodedPassword: 'md5$salt$0123' });
    expect(DjangoUser.passwordOf(given)).toBe('md5$salt$0123');
    // The hash is never part of the object.
    expect(JSON.stringify(alice)).not.toContain('pbkdf2');
  });

  it('numbers users like an AutoField, refuses duplicate usernames and ids', async () => {
    const store = new MemoryUserStore({ hashers });
    expect((await store.addUser({ username: 'a', password: 'x' })).id).toBe(1);
    expect((await store.addUser({ username: 'b', password: 'x', id: 10 })).id).toBe(10);
    expect((await store.addUser({ username: 'c', password: 'x' })).id).toBe(11);
    await expect(store.addUser({ username: 'a', password: 'x' })).rejects.toThrow(ImproperlyConfigured);
    await expect(store.addUser({ username: 'd', password: 'x', id: '10' })).rejects.toThrow(/id 10 exists/);
    await expect(store.addUser({ username: 'e', password: 'x', id: 'ten' })).rejects.toThrow(ImproperlyConfigured);
    expect(() => store.addGroup('g', ['no-dot'])).toThrow(/app_label\.codename/);
    // Added at the same time: still one user per name.
    const both = await Promise.allSettled([store.addUser({ username: 'twin', password: 'x' }), store.addUser({ username: 'twin', password: 'y' })]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('hands out a new user object on every find: rows change only through the store', async () => {
    const store = new MemoryUserStore({ hashers });
    const added = await store.addUser({ username: 'alice', password: 'x', fields: { email: 'a@example.com' }, lastLogin: new Date(0) });
    const found = (await store.findById(added.id))!;
    expect(found).not.toBe(added);
    found.isSuperuser = true;
    found.fields.email = 'evil@example.com';
    found.lastLogin!.setTime(99);
    expect(await store.findByUsername('alice')).toMatchObject({ isSuperuser: false, fields: { email: 'a@example.com' }, lastLogin: new Date(0) });
    expect(store.updateUser(added.id, { isActive: false, fields: { first_name: 'Al' } })).toBe(true);
    expect(await store.findById(1)).toMatchObject({ isActive: false, fields: { email: 'a@example.com', first_name: 'Al' } });
    expect(store.deleteUser('1')).toBe(true);
    expect(await store.findById(1)).toBeNull();
    expect(store.updateUser(1, { isActive: true })).toBe(false);
  });

  it('setPassword and updateLastLogin write the row and the object', async () => {
    const store = new MemoryUserStore({ hashers });
    const user = await store.addUser({ username: 'alice', password: 'x' });
    await store.setPassword(user, 'argon2$new');
    expect(DjangoUser.passwordOf(user)).toBe('argon2$new');
    expect(DjangoUser.passwordOf((await store.findById(user.id))!)).toBe('argon2$new');
    const when = new Date('2026-06-01T00:00:00Z');
    await store.updateLastLogin(user, when);
    expect(user.lastLogin).toBe(when);
    expect((await store.findById(user.id))!.lastLogin).toEqual(when);
    expect(await store.changePassword(user.id, 'y')).toBe(true);
    expect(await checkPassword('y', DjangoUser.passwordOf((await store.findById(user.id))!), { hashers })).toBe(true);
  });

  it("ModelBackend's rules: own and group permissions, all for an active superuser, none when inactive; sorted groups", async () => {
    const store = new MemoryUserStore({ hashers, groups: { 'secret-agents': ['notes.delete_note'], editors: ['notes.change_note'] }, permissions: ['auth.view_user'] });
    const alice = await store.addUser({ username: 'alice', password: 'x', groups: ['secret-agents', 'editors', 'Zulu'], permissions: ['notes.add_note'] });
    const root = await store.addUser({ username: 'root', password: 'x', isSuperuser: true });
    const sleepy = await store.addUser({ username: 'sleepy', password: 'x', isActive: false, isSuperuser: true, groups: ['editors'], permissions: ['notes.add_note'] });
    expect([...(await store.allPermissions(alice))].sort()).toEqual(['notes.add_note', 'notes.change_note', 'notes.delete_note']);
    expect([...(await store.allPermissions(root))].sort()).toEqual(['auth.view_user', 'notes.add_note', 'notes.change_note', 'notes.delete_note']);
    expect(await store.allPermissions(sleepy)).toEqual(new Set());
    expect(await store.groupNames(alice)).toEqual(['Zulu', 'editors', 'secret-agents']);
    // Group membership is not a permission: an inactive user still has its groups (groupsForUser checks activity).
    expect(await store.groupNames(sleepy)).toEqual(['editors']);
    const plain = new MemoryUserStore({ hashers, permissionsMixin: false });
    const member = await plain.addUser({ username: 'm', password: 'x', groups: ['g'], permissions: ['a.b'], isSuperuser: true });
    expect([await plain.groupNames(member), await plain.allPermissions(member)]).toEqual([[], new Set()]);
  });

  it('UUID and big integer keys: one canonical form, found by any form the model accepts', async () => {
    const uuids = new MemoryUserStore({ hashers, pkType: 'uuid' });
    await expect(uuids.addUser({ username: 'x', password: 'x' })).rejects.toThrow(/needs an id/);
    const m = await uuids.addUser({ username: 'm', password: 'x', id: '0123456789ABCDEF0123456789abcdef' });
    expect(m.id).toBe('01234567-89ab-cdef-0123-456789abcdef');
    expect((await uuids.findById('0123456789abcdef0123456789abcdef'))?.username).toBe('m');
    const big = new MemoryUserStore({ hashers, pkType: 'bigint' });
    const b = await big.addUser({ username: 'b', password: 'x', id: '9007199254740993' });
    expect(b.id).toBe('9007199254740993');
    expect((await big.findById(big.parsePk(' 09007199254740993 ')!))?.username).toBe('b');
  });
});

/** auth's tables as Django's migrations make them on SQLite (the columns the TypeORM store reads). */
const SCHEMA = [
  'CREATE TABLE django_content_type (id integer primary key, app_label varchar(100), model varchar(100))',
  'CREATE TABLE auth_permission (id integer primary key, name varchar(255), content_type_id integer, codename varchar(100))',
  'CREATE TABLE auth_group (id integer primary key, name varchar(150) unique)',
  'CREATE TABLE auth_group_permissions (id integer primary key, group_id integer, permission_id integer)',
  'CREATE TABLE auth_user (id integer primary key, password varchar(128), last_login datetime null, is_superuser bool, username varchar(150) unique, first_name varchar(150), last_name varchar(150), email varchar(254), is_staff bool, is_active bool, date_joined datetime)',
  'CREATE TABLE auth_user_groups (id integer primary key, user_id integer, group_id integer)',
  'CREATE TABLE auth_user_user_permissions (id integer primary key, user_id integer, permission_id integer)',
];

describe('MemoryUserStore against TypeOrmUserStore on the same data', () => {
  const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
  const memory = new MemoryUserStore({ hashers });
  let typeorm: TypeOrmUserStore;
  const usernames: string[] = [];

  beforeAll(async () => {
    await ds.initialize();
    for (const sql of SCHEMA) await ds.query(sql);
    typeorm = new TypeOrmUserStore(ds);
    const apps = ['notes', 'auth', 'blog'];
    const perms = Array.from({ length: 12 }, (_, i) => `${pick(apps)}.${randomString('abcdefghij_', 6)}${i}`);
    const types = [...new Set(perms.map((p) => p.split('.')[0]))];
    for (const [i, app] of types.entries()) await ds.query('INSERT INTO django_content_type VALUES (?, ?, ?)', [i + 1, app, 'model']);
    for (const [i, perm] of perms.entries()) await ds.query('INSERT INTO auth_permission VALUES (?, ?, ?, ?)', [i + 1, perm, types.indexOf(perm.split('.')[0]) + 1, perm.split('.')[1]]);
    memory.addPermission(...perms);
    const groups = [...new Set(Array.from({ length: 6 }, () => `${randomString('abcXYZ-_ é', 1 + randomInt(8))}`))];
    for (const [i, name] of groups.entries()) {
      const own = perms.filter(() => randomInt(4) === 0);
      await ds.query('INSERT INTO auth_group VALUES (?, ?)', [i + 1, name]);
      for (const perm of own) await ds.query('INSERT INTO auth_group_permissions (group_id, permission_id) VALUES (?, ?)', [i + 1, perms.indexOf(perm) + 1]);
      memory.addGroup(name, own);
    }
    for (let id = 1; id <= 25; id++) {
      const username = `u${id}-${randomText(6).replace(/\u0000/g, '')}`;
      usernames.push(username);
      const flags = { isActive: randomInt(4) !== 0, isStaff: randomInt(2) === 0, isSuperuser: randomInt(5) === 0 };
      const mine = groups.filter(() => randomInt(3) === 0);
      const own = perms.filter(() => randomInt(5) === 0);
      const user = await memory.addUser({ username, password: null, ...flags, groups: mine, permissions: own });
      await ds.query('INSERT INTO auth_user VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)', [id, DjangoUser.passwordOf(user), flags.isSuperuser ? 1 : 0, username, '', '', '', flags.isStaff ? 1 : 0, flags.isActive ? 1 : 0, '2026-01-01 00:00:00']);
      for (const g of mine) await ds.query('INSERT INTO auth_user_groups (user_id, group_id) VALUES (?, ?)', [id, groups.indexOf(g) + 1]);
      for (const p of own) await ds.query('INSERT INTO auth_user_user_permissions (user_id, permission_id) VALUES (?, ?)', [id, perms.indexOf(p) + 1]);
    }
  });
  afterAll(async () => {
    await ds.destroy();
  });

  it('finds the same users with the same flags, permissions and sorted groups', async () => {
    for (const username of [...usernames, 'nobody', usernames[0].toUpperCase()]) {
      const [a, b] = [await memory.findByUsername(username), await typeorm.findByUsername(username)];
      expect(a && { id: a.id, username: a.username, isActive: a.isActive, isStaff: a.isStaff, isSuperuser: a.isSuperuser, password: DjangoUser.passwordOf(a) }).toEqual(b && { id: b.id, username: b.username, isActive: b.isActive, isStaff: b.isStaff, isSuperuser: b.isSuperuser, password: DjangoUser.passwordOf(b) });
      if (!a || !b) continue;
      expect([username, [...(await memory.allPermissions(a))].sort()]).toEqual([username, [...(await typeorm.allPermissions(b))].sort()]);
      expect([username, await memory.groupNames(a)]).toEqual([username, await typeorm.groupNames(b)]);
    }
  });

  it('reads `_auth_user_id` exactly as the TypeORM store does, and finds the same user by it', async () => {
    const fixed: unknown[] = ['1', 1, ' 7 ', '007', '-1', '1.0', '1e3', '0x10', '', ' ', 'abc', "1' OR '1'='1", null, undefined, true, [1], { id: 1 }, 1.5, NaN, Infinity, '9007199254740993', '99999999999999999999', '-9223372036854775808', '\u0661'];
    const random = Array.from({ length: 200 }, () => (randomInt(2) ? randomText(6) : String(randomInt(-5, 40))));
    for (const value of [...fixed, ...random]) {
      const pk = memory.parsePk(value);
      expect([value, pk]).toEqual([value, typeorm.parsePk(value)]);
      if (pk === null) continue;
      const [a, b] = [await memory.findById(pk), await typeorm.findById(pk)];
      expect([value, a?.username ?? null]).toEqual([value, b?.username ?? null]);
    }
    for (const pkType of ['uuid', 'bigint'] as const) {
      const [m, t] = [new MemoryUserStore({ pkType }), new TypeOrmUserStore(ds, { userModel: { pkType } })];
      for (const value of [...fixed, '0123456789abcdef0123456789ABCDEF', '01234567-89ab-cdef-0123-456789abcdef', '0123-4567', ...random]) expect([pkType, value, m.parsePk(value)]).toEqual([pkType, value, t.parsePk(value)]);
    }
  });
});
