import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured } from '@django-bridge/core';
import type { DataSource } from 'typeorm';
import { AppLabelRouter } from './app-label.router.js';
import { DatabaseHints } from './database-hints.js';
import { DjangoDatabases } from './django-databases.js';
import { DJANGO_MODELS } from './django-model.js';
import { PrimaryReplicaRouter } from './primary-replica.router.js';
import { pathIsUnder } from './request-path.js';

// Routing only looks at aliases; a stand-in with the two members DjangoDatabases checks is enough.
const fake = (name: string) => ({ name, query: async () => [], options: { type: 'better-sqlite3' } }) as unknown as DataSource;
const note = { appLabel: 'notes', modelName: 'note' };

describe('DjangoDatabases (ConnectionRouter)', () => {
  const dbs = { default: fake('default'), usersandsessions: fake('shared'), replica1: fake('r1'), replica2: fake('r2') };

  it('asks routers in order and falls back to the default alias', () => {
    const databases = new DjangoDatabases({ databases: dbs, routers: [new AppLabelRouter({ database: 'usersandsessions' })] });
    expect(databases.aliasForRead(DJANGO_MODELS.user)).toBe('usersandsessions');
    expect(databases.aliasForWrite(DJANGO_MODELS.session)).toBe('usersandsessions');
    expect(databases.aliasForRead(DJANGO_MODELS.contentType)).toBe('usersandsessions');
    expect(databases.aliasForRead(note)).toBe('default');
    expect(databases.forWrite(note)).toBe(dbs.default);
  });

  it('lets a later router answer when an earlier one abstains', () => {
    const databases = new DjangoDatabases({ databases: dbs, routers: [new AppLabelRouter({ database: 'usersandsessions' }), new PrimaryReplicaRouter({ replicas: ['replica1'] })] });
    expect(databases.aliasForRead(note)).toBe('replica1');
    expect(databases.aliasForWrite(note)).toBe('default');
    expect(databases.aliasForRead(DJANGO_MODELS.user)).toBe('usersandsessions');
  });

  it('refuses an alias no DataSource has, and a missing default', () => {
    const databases = new DjangoDatabases({ databases: dbs, routers: [{ dbForRead: () => 'nowhere' }] });
    expect(() => databases.forRead(note)).toThrow(/"nowhere", which is not one of the configured databases/);
    expect(() => new DjangoDatabases({ databases: { shared: fake('x') } })).toThrow(ImproperlyConfigured);
    expect(() => new DjangoDatabases({ databases: { default: {} as DataSource } })).toThrow(/databases.default must be a TypeORM DataSource/);
    expect(() => new DjangoDatabases({ databases: dbs, routers: [{} as never] })).toThrow(/neither dbForRead nor dbForWrite/);
  });

  it('passes request hints (AsyncLocalStorage) merged under per-call hints', async () => {
    const seen: unknown[] = [];
    const databases = new DjangoDatabases({ databases: dbs, routers: [{ dbForRead: (_m, hints) => (seen.push(hints), null) }] });
    databases.aliasForRead(note);
    await DatabaseHints.run({ path: '/admin/x', user: 1 }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      databases.aliasForRead(note, { user: 2 });
      DatabaseHints.set('extra', true);
      await DatabaseHints.run({ nested: true }, async () => databases.aliasForRead(note));
    });
    expect(seen).toEqual([{}, { path: '/admin/x', user: 2 }, { path: '/admin/x', user: 1, extra: true, nested: true }]);
    expect(DatabaseHints.set('outside', 1)).toBe(false);
    expect(DatabaseHints.current()).toEqual({});
  });

  it('keeps concurrent requests’ hints apart', async () => {
    const databases = new DjangoDatabases({ databases: dbs, routers: [new AppLabelRouter({ database: 'usersandsessions', bypass: (h) => h.admin === true })] });
    const request = (admin: boolean, delay: number) =>
      DatabaseHints.run({ admin }, async () => {
        await new Promise((r) => setTimeout(r, delay));
        return databases.aliasForRead(DJANGO_MODELS.user);
      });
    expect(await Promise.all([request(true, 20), request(false, 5), request(true, 1), request(false, 15)])).toEqual(['default', 'usersandsessions', 'default', 'usersandsessions']);
  });
});

describe('AppLabelRouter (the users-and-sessions recipe)', () => {
  it('abstains under the bypass (the admin exception) and for other apps', () => {
    const router = new AppLabelRouter({ database: 'usersandsessions', bypass: (h) => typeof h.path === 'string' && pathIsUnder(h.path, '/admin') });
    expect(router.dbForRead(DJANGO_MODELS.user, { path: '/api/me' })).toBe('usersandsessions');
    expect(router.dbForRead(DJANGO_MODELS.user, { path: '/admin/api/me' })).toBeNull();
    expect(router.dbForWrite(DJANGO_MODELS.session, { path: '/admin' })).toBeNull();
    expect(router.dbForRead(note, {})).toBeNull();
  });

  it('reads from a random replica, writes to the primary, and pins reads with { primary: true }', () => {
    let next = 0;
    const draws = [0.1, 0.9, 0.5];
    const router = new AppLabelRouter({ database: 'shared', replicas: ['r1', 'r2'], random: () => draws[next++ % draws.length] });
    expect([router.dbForRead(DJANGO_MODELS.user, {}), router.dbForRead(DJANGO_MODELS.user, {}), router.dbForRead(DJANGO_MODELS.user, {})]).toEqual(['r1', 'r2', 'r2']);
    expect(router.dbForWrite(DJANGO_MODELS.user, {})).toBe('shared');
    expect(router.dbForRead(DJANGO_MODELS.user, { primary: true })).toBe('shared');
  });

  it('routes a custom app label (AUTH_USER_MODEL in "accounts")', () => {
    const router = new AppLabelRouter({ database: 'shared', appLabels: ['accounts', 'sessions'] });
    expect(router.dbForRead({ appLabel: 'accounts', modelName: 'member' }, {})).toBe('shared');
    expect(router.dbForRead(DJANGO_MODELS.user, {})).toBeNull();
    expect(() => new AppLabelRouter({} as never)).toThrow(ImproperlyConfigured);
  });
});

describe('PrimaryReplicaRouter', () => {
  it('reads from replicas and writes to the primary', () => {
    const router = new PrimaryReplicaRouter({ primary: 'primary', replicas: ['a', 'b'], random: () => 0.99 });
    expect(router.dbForRead(note, {})).toBe('b');
    expect(router.dbForRead(note, { primary: true })).toBe('primary');
    expect(router.dbForWrite()).toBe('primary');
    expect(() => new PrimaryReplicaRouter({ replicas: [] })).toThrow(ImproperlyConfigured);
  });
});

describe('pathIsUnder', () => {
  it.each([
    ['/admin', true],
    ['/admin/', true],
    ['/admin/api/me?x=1', true],
    ['/ADMIN/api/me', true],
    ['/%61dmin/api/me', true],
    ['//admin/api', true],
    ['/administrator', false],
    ['/api/admin', false],
    ['/', false],
    ['/%E0%A4%A/admin', false],
  ])('%s → %s', (path, expected) => {
    expect(pathIsUnder(path, '/admin')).toBe(expected);
  });
});
