/**
 * The start-up checks' parts on their own: the retry policy, the secret-key monitor, the table
 * checks (an in-memory SQLite). test/e2e/startup-checks.e2e.spec.ts runs them on every database.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { BadSignature, encodeSessionData, MemorySessionBackend, SerializationError, SuspiciousSession } from '@django-bridge/core';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { resolveBridgeOptions, type DjangoBridgeOptions } from '../django-bridge.options.js';
import { MemoryUserStore } from '../users/memory-user.store.js';
import { MonitoredSessionCodec } from '../session/monitored-session-codec.js';
import { RetriesExhausted, retrying } from './retry.js';
import { isSignatureFailure, SecretKeyMonitor } from './secret-key-monitor.js';
import { resolveStartupChecks } from './startup-check-options.js';
import { DjangoStartupChecks } from './startup-checks.js';

afterEach(() => {
  jest.restoreAllMocks();
});

describe('retrying', () => {
  it('retries with doubling waits until the operation answers', async () => {
    const started = Date.now();
    let calls = 0;
    const answer = await retrying(async () => (++calls < 3 ? Promise.reject(new Error('refused')) : 'up'), { retries: 4, retryDelay: 20, timeout: 5000 });
    expect({ answer, calls }).toEqual({ answer: 'up', calls: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40 - 5);
  });

  it('gives up after the retries with the last error and the attempt count', async () => {
    const failure = await retrying(() => Promise.reject(new Error('connect ECONNREFUSED')), { retries: 2, retryDelay: 1, timeout: 5000 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RetriesExhausted);
    expect(failure).toMatchObject({ attempts: 3, message: 'connect ECONNREFUSED' });
  });

  it('never waits past the budget, even for an operation that hangs', async () => {
    const started = Date.now();
    const failure = await retrying(() => new Promise<never>(() => undefined), { retries: 10, retryDelay: 10, timeout: 300 }).catch((e: unknown) => e);
    expect((failure as Error).message).toMatch(/^no answer within \d+ ms$/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('resolveStartupChecks', () => {
  it('documents its defaults and refuses nonsense', () => {
    expect(resolveStartupChecks(undefined)).toEqual({ enabled: true, retries: 4, retryDelay: 250, timeout: 10_000, secretKeyWarningAfter: 20 });
    expect(resolveStartupChecks(false).enabled).toBe(false);
    expect(resolveStartupChecks({ retries: 0 })).toMatchObject({ retries: 0, timeout: 10_000 });
    expect(() => resolveStartupChecks({ retries: -1 })).toThrow('DjangoBridgeModule option "startupChecks.retries" must be a whole number (0 or more)');
    expect(() => resolveStartupChecks({ tries: 3 } as never)).toThrow('"startupChecks.tries" is not one of retries, retryDelay, timeout, secretKeyWarningAfter');
  });
});

describe('SecretKeyMonitor', () => {
  it('warns once after the threshold of failures in a row, and a success starts over', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const monitor = new SecretKeyMonitor(3);
    monitor.failed('session data');
    monitor.failed('session data');
    monitor.verified();
    monitor.failed('session data');
    monitor.failed('session data');
    expect(warn).not.toHaveBeenCalled();
    monitor.failed('session auth hash');
    for (let i = 0; i < 10; i++) monitor.failed('session data');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/^3 session auth hashes in a row failed their signature check: is "secretKey" the Django SECRET_KEY of the site \(and "secretKeyFallbacks" its SECRET_KEY_FALLBACKS\)\?$/);
  });

  it('takes its threshold from startupChecks.secretKeyWarningAfter (default 20, 0 never warns)', () => {
    expect(resolveStartupChecks(undefined).secretKeyWarningAfter).toBe(20);
    expect(resolveStartupChecks({ secretKeyWarningAfter: 5 }).secretKeyWarningAfter).toBe(5);
    expect(resolveStartupChecks(false).secretKeyWarningAfter).toBe(20);
    expect(() => resolveStartupChecks({ secretKeyWarningAfter: -1 })).toThrow('"startupChecks.secretKeyWarningAfter" must be a whole number (0 or more)');
    expect(() => new SecretKeyMonitor(1.5)).toThrow(RangeError);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    warn.mockClear();
    const never = new SecretKeyMonitor(0);
    for (let i = 0; i < 100; i++) never.failed('session data');
    expect(warn).not.toHaveBeenCalled();
    expect(never.failuresInARow).toBe(100);
  });

  it('counts bad signatures, not bad bytes behind a good one', () => {
    expect(isSignatureFailure(new SuspiciousSession('x', new BadSignature('Signature does not match')))).toBe(true);
    expect(isSignatureFailure(new SuspiciousSession('x', new SerializationError('bad json')))).toBe(false);
  });

  it('hears from the session codec', () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const monitor = new SecretKeyMonitor(5);
    const reported: Error[] = [];
    const codec = new MonitoredSessionCodec({ secretKey: 'right' }, (e) => reported.push(e), monitor);
    const wrong = encodeSessionData({ a: 1 }, { secretKey: 'wrong' });
    expect(codec.decode(wrong)).toEqual({});
    expect(codec.decode(wrong)).toEqual({});
    expect(monitor.failuresInARow).toBe(2);
    expect(reported).toHaveLength(2);
    expect(codec.decode(encodeSessionData({ a: 1 }, { secretKey: 'right' }))).toEqual({ a: 1 });
    expect(monitor.failuresInARow).toBe(0);
  });
});

describe('DjangoStartupChecks on SQLite', () => {
  const run = (options: DjangoBridgeOptions) => new DjangoStartupChecks(resolveBridgeOptions(options)).onModuleInit();
  const quiet = () => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

  it('refuses a DataSource that was never initialized, with one line', async () => {
    const error = quiet();
    const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await expect(run({ secretKey: 'k', dataSource })).rejects.toThrow('DjangoBridgeModule: the DataSource of database "default" was never initialized; call "await dataSource.initialize()" before the app starts, or let TypeOrmModule create it and inject it with forRootAsync');
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('names the first missing table, then a missing column, and passes on a migrated schema', async () => {
    quiet();
    const dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    try {
      await expect(run({ secretKey: 'k', dataSource })).rejects.toThrow('DjangoBridgeModule: table "django_session" does not exist in database "default" (sessionEngine \'db\' reads it); run "manage.py migrate" for the Django site');
      await dataSource.query('CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, session_data text, expire_date datetime)');
      await dataSource.query('CREATE TABLE auth_user (id integer PRIMARY KEY, password varchar(128), last_login datetime, username varchar(150), is_active bool, is_staff bool, is_superuser bool, first_name text, last_name text, date_joined datetime)');
      await expect(run({ secretKey: 'k', dataSource })).rejects.toThrow(/table "auth_user" in database "default" lacks a column userModel reads \(.*no such column: "email"\); check the "userModel" option/);
      await dataSource.query('ALTER TABLE auth_user ADD COLUMN email text');
      await expect(run({ secretKey: 'k', dataSource })).rejects.toThrow('table "auth_user_groups" does not exist');
      await expect(run({ secretKey: 'k', dataSource, userModel: { permissionsMixin: false } })).resolves.toBeUndefined();
    } finally {
      await dataSource.destroy();
    }
  });

  it('checks nothing for stores that keep no rows, or with startupChecks: false', async () => {
    const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await expect(run({ secretKey: 'k', dataSource, startupChecks: false })).resolves.toBeUndefined();
    await expect(run({ secretKey: 'k', dataSource, sessionEngine: 'signed_cookies', userStore: new MemoryUserStore() })).resolves.toBeUndefined();
    await expect(run({ secretKey: 'k', sessionEngine: new MemorySessionBackend(), userStore: new MemoryUserStore() })).resolves.toBeUndefined();
  });
});
