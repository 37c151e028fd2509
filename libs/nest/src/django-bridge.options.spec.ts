import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured } from '@django-bridge/core';
import { DataSource } from 'typeorm';
import { resolveBridgeOptions, type DjangoBridgeOptions } from './django-bridge.options.js';
import { dataSourceOptionsFromUrl } from './database/data-source-url.js';
import { parseClearSessionsArgs } from './cli/clear-sessions.js';

const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
const base: DjangoBridgeOptions = { secretKey: 'k', dataSource };

describe('resolveBridgeOptions', () => {
  it("fills Django's defaults", () => {
    const o = resolveBridgeOptions(base);
    expect(o).toMatchObject({
      sessionCookieName: 'sessionid', sessionCookieAge: 1209600, sessionCookiePath: '/', sessionCookieHttpOnly: true, sessionCookieSameSite: 'Lax',
      sessionCookieSecure: false, sessionSaveEveryRequest: false, sessionExpireAtBrowserClose: false, sessionSerializer: 'json',
      sessionSalt: 'django.contrib.sessions.SessionStore', authenticationBackends: ['django.contrib.auth.backends.ModelBackend'],
      useTz: true, timeZone: 'UTC', djangoVersion: '6.1', csrfCookieName: 'csrftoken', csrfHeaderName: 'X-CSRFToken', csrfCookieAge: 31449600,
    });
    expect(o.hashers.preferred.algorithm).toBe('pbkdf2_sha256');
    expect(o.passwordUpgrade).toBe('django');
    expect(o.userModel.table).toBe('auth_user');
  });

  it("accepts PHP's session ids, and only those, with the php serializer unless told otherwise", () => {
    expect(resolveBridgeOptions(base).sessionKeyPattern).toBeUndefined();
    const php = resolveBridgeOptions({ ...base, sessionSerializer: 'php' }).sessionKeyPattern!;
    for (const key of ['0123456789abcdef', 'abcdefghijklmnopqrstuv', 'AZaz09,-AZaz09,-', 'abcdefghijklmnopqrstuvwxyz012345']) expect(php.test(key)).toBe(true);
    for (const key of ['abc.defgh', 'abc def gh', 'abc_defgh', 'abcdefgh!']) expect(php.test(key)).toBe(false);
    const own = /^[a-f0-9]+$/;
    expect(resolveBridgeOptions({ ...base, sessionSerializer: 'php', sessionKeyPattern: own }).sessionKeyPattern).toBe(own);
  });

  it.each([
    [{ secretKey: '' }, 'secretKey'],
    [{ secretKey: undefined }, 'secretKey'],
    [{ dataSource: undefined }, 'dataSource'],
    [{ dataSource: {} }, 'dataSource'],
    [{ djangoVersion: '2.2' }, 'djangoVersion'],
    [{ secretKeyFallbacks: [''] }, 'secretKeyFallbacks'],
    [{ secretKeyFallbacks: ['old'], djangoVersion: '4.0' }, 'secretKeyFallbacks'],
    [{ sessionCookieName: 'bad name' }, 'sessionCookieName'],
    [{ sessionCookieAge: -5 }, 'sessionCookieAge'],
    [{ sessionCookieSameSite: 'lax' }, 'sessionCookieSameSite'],
    [{ sessionSerializer: 'yaml' }, 'sessionSerializer'],
    [{ sessionStoreClass: 'bad class!' }, 'sessionStoreClass'],
    [{ authenticationBackends: [] }, 'authenticationBackends'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ passwordHashers: ['sha3'] }, 'passwordHashers'],
    [{ userModel: { table: 'users; DROP TABLE x' } }, 'userModel'],
    [{ csrfTrustedOrigins: ['example.com'] }, 'csrfTrustedOrigins'],
    [{ csrfCookieAge: 0 }, 'csrfCookieAge'],
    [{ databases: { default: dataSource } }, 'dataSource'],
    [{ dataSource: undefined, databases: { shared: dataSource } }, 'databases'],
    [{ dataSource: undefined, databases: { default: {} } }, 'databases'],
    [{ dataSource: undefined, databases: { default: dataSource }, databaseRouters: [{}] }, 'databases'],
    [{ databaseRouters: [{ dbForRead: () => null }] }, 'databaseRouters'],
    [{ databaseHints: 'path' }, 'databaseHints'],
    [{ userModel: { model: 'not a label' } }, 'userModel'],
    [{ userModel: { dateTimeColumns: ['not_loaded'] } }, 'userModel'],
    [{ passwordWorkFactors: { iterations: 0 } }, 'passwordWorkFactors.iterations'],
    [{ passwordWorkFactors: { iterations: '600000' } }, 'passwordWorkFactors.iterations'],
    [{ passwordWorkFactors: { argon2: { memory: 1 } } }, 'passwordWorkFactors.argon2.memory'],
    [{ passwordWorkFactors: { scrypt: { parallelism: 1.5 } } }, 'passwordWorkFactors.scrypt.parallelism'],
    [{ passwordWorkFactors: { rounds: 12 } }, 'passwordWorkFactors.rounds'],
    [{ passwordUpgrade: 'sometimes' }, 'passwordUpgrade'],
  ])('%p stops start-up naming %s', (patch, option) => {
    expect(() => resolveBridgeOptions({ ...base, ...(patch as object) } as DjangoBridgeOptions)).toThrow(ImproperlyConfigured);
    expect(() => resolveBridgeOptions({ ...base, ...(patch as object) } as DjangoBridgeOptions)).toThrow(`"${option}"`);
  });

  it('refuses a Django line it does not know, listing the known ones and the way out', () => {
    expect(() => resolveBridgeOptions({ ...base, djangoVersion: '6.2' as never })).toThrow(/"6\.2" is not one of 3\.2, 4\.0, 4\.1, 4\.2, 5\.0, 5\.1, 5\.2, 6\.0, 6\.1; .*passwordWorkFactors/);
  });

  it("takes explicit work factors over the line's", () => {
    const o = resolveBridgeOptions({ ...base, djangoVersion: '5.2', passwordWorkFactors: { iterations: 1_234_567, scrypt: { parallelism: 2 } } });
    expect(o.hashers.preferred.mustUpdate('pbkdf2_sha256$1000000$abcdefghijklmnopqrstuv$aGFzaA==')).toBe(true);
    expect(o.hashers.preferred.mustUpdate('pbkdf2_sha256$1234567$abcdefghijklmnopqrstuv$aGFzaA==')).toBe(false);
    expect(resolveBridgeOptions({ ...base }).hashers.preferred.mustUpdate('pbkdf2_sha256$1500000$abcdefghijklmnopqrstuv$aGFzaA==')).toBe(false);
  });

  it('wraps one DataSource as the "default" alias, or takes DATABASES with routers', () => {
    const single = resolveBridgeOptions(base);
    expect(single.databases!.aliases).toEqual(['default']);
    expect(single.dataSource).toBe(dataSource);
    const other = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    const routed = resolveBridgeOptions({ secretKey: 'k', databases: { default: other, usersandsessions: dataSource }, databaseRouters: [{ dbForRead: () => 'usersandsessions' }] });
    expect(routed.dataSource).toBe(other);
    expect(routed.databases!.forRead({ appLabel: 'auth', modelName: 'user' })).toBe(dataSource);
    expect(routed.databaseHints({ method: 'GET', originalUrl: '/admin/x?y=1' })).toEqual({ path: '/admin/x', method: 'GET' });
  });

  it('derives the session salt from a custom store class and legacy acceptance from djangoVersion', () => {
    expect(resolveBridgeOptions({ ...base, sessionStoreClass: 'Outer.MyStore' }).sessionSalt).toBe('django.contrib.sessions.Outer.MyStore');
    expect(resolveBridgeOptions({ ...base, djangoVersion: '4.2' }).hashers.preferred).toMatchObject({ iterations: 600000 });
  });
});

describe('database URLs', () => {
  it('reads dj-database-url style URLs', () => {
    expect(dataSourceOptionsFromUrl('mysql://u:p%40ss@db.local:3307/site')).toEqual({ type: 'mysql', host: 'db.local', port: 3307, username: 'u', password: 'p@ss', database: 'site', connectTimeout: 5000 });
    expect(dataSourceOptionsFromUrl('postgresql://127.0.0.1/site')).toMatchObject({ type: 'postgres', port: 5432, username: 'postgres', database: 'site' });
    expect(dataSourceOptionsFromUrl('sqlite:data/db.sqlite3')).toEqual({ type: 'better-sqlite3', database: 'data/db.sqlite3' });
    expect(dataSourceOptionsFromUrl('sqlite:////abs/db.sqlite3')).toEqual({ type: 'better-sqlite3', database: '/abs/db.sqlite3' });
    expect(dataSourceOptionsFromUrl('sqlite:///rel.db')).toEqual({ type: 'better-sqlite3', database: 'rel.db' });
  });
  it.each(['', 'nonsense', 'oracle://x/y', 'mysql://host', 'sqlite:'])('refuses %p', (url) => {
    expect(() => dataSourceOptionsFromUrl(url, 'DJANGO_DATABASE_URL')).toThrow(/DJANGO_DATABASE_URL/);
  });
  it('parses clearsessions arguments', () => {
    expect(parseClearSessionsArgs(['--url', 'sqlite:x.db', '--no-use-tz', '--time-zone', 'Europe/Paris'], {})).toEqual({ url: 'sqlite:x.db', useTz: false, timeZone: 'Europe/Paris', table: 'django_session' });
    expect(parseClearSessionsArgs([], { DJANGO_DATABASE_URL: 'sqlite:y.db' }).url).toBe('sqlite:y.db');
    expect(() => parseClearSessionsArgs([], {})).toThrow(/--url/);
    expect(() => parseClearSessionsArgs(['--bogus'], {})).toThrow(/Unknown argument/);
  });
});
