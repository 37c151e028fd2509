import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured, MemorySessionBackend } from '@django-bridge/core';
import { DataSource } from 'typeorm';
import { resolveBridgeOptions } from '../django-bridge.options.js';
import { requiredTables } from '../startup/django-tables.js';
import { MemoryUserStore } from '../users/memory-user.store.js';
import { createDrfTokenStore } from './create-drf-token-store.js';
import { GuardedDrfTokenStore } from './guarded-drf-token-store.js';
import { MemoryDrfTokenStore } from './memory-drf-token.store.js';
import { TypeOrmDrfTokenStore } from './typeorm-drf-token.store.js';

const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
const base = { secretKey: 'k', dataSource };

describe('the drfToken option', () => {
  it("defaults to DRF's keyword and table, over the site's databases", () => {
    const o = resolveBridgeOptions(base);
    expect(o.drfToken).toEqual({ keyword: 'Token', table: 'authtoken_token', store: null });
    expect(createDrfTokenStore(o)).toBeInstanceOf(TypeOrmDrfTokenStore);
    expect(resolveBridgeOptions({ ...base, drfToken: { keyword: 'Bearer', table: 'api_token' } }).drfToken).toMatchObject({ keyword: 'Bearer', table: 'api_token' });
  });

  it('guards a store of the application’s own', () => {
    const store = new MemoryDrfTokenStore();
    const o = resolveBridgeOptions({ ...base, drfToken: { store } });
    expect(o.drfToken.store).toBe(store);
    expect(createDrfTokenStore(o)).toBeInstanceOf(GuardedDrfTokenStore);
  });

  it.each([
    [{ keyword: 'Token x' }, /keyword/],
    [{ keyword: '' }, /keyword/],
    [{ keyword: 'Tökén' }, /keyword/],
    [{ table: 'authtoken_token; DROP TABLE x' }, /table/],
    [{ store: {} }, /store must implement DrfTokenStore/],
    [{ keyword: 'Token', secret: 1 }, /unknown field\(s\) secret/],
    ['Token', /must be an object/],
  ])('refuses %j', (drfToken, message) => {
    expect(() => resolveBridgeOptions({ ...base, drfToken: drfToken as never })).toThrow(ImproperlyConfigured);
    expect(() => resolveBridgeOptions({ ...base, drfToken: drfToken as never })).toThrow(message);
  });

  it("needs the table or a store when 'token' is accepted", async () => {
    const noDatabase = { secretKey: 'k', userStore: new MemoryUserStore(), sessionEngine: new MemorySessionBackend() };
    expect(() => resolveBridgeOptions({ ...noDatabase, authentication: ['session', 'token'] })).toThrow(/drfToken.*needs the authtoken_token table/);
    expect(resolveBridgeOptions({ ...noDatabase, authentication: ['token'], drfToken: { store: new MemoryDrfTokenStore() } }).drfToken.store).not.toBeNull();
    // Not accepted: nothing is needed, and a use says what is missing.
    await expect(createDrfTokenStore(resolveBridgeOptions(noDatabase)).findByKey('a')).rejects.toThrow(/authtoken_token/);
  });

  it("has start-up checks look for the token table only when 'token' is accepted and no store is given", () => {
    const tables = (o: object) => requiredTables(resolveBridgeOptions({ ...base, ...o })).map((t) => t.table);
    expect(tables({})).not.toContain('authtoken_token');
    expect(tables({ authentication: ['session', 'token'] })).toContain('authtoken_token');
    expect(tables({ authentication: ['token'], drfToken: { table: 'api_token' } })).toContain('api_token');
    expect(tables({ authentication: ['token'], drfToken: { store: new MemoryDrfTokenStore() } })).not.toContain('authtoken_token');
  });
});
