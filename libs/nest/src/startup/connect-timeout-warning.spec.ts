/**
 * The start-up warning for a DataSource of the application's own without a connect timeout: one
 * line per such database, naming the option, logged by DjangoStartupChecks even with
 * startupChecks off. DataSources are real TypeORM ones, never initialized (nothing connects).
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptionsFromUrl } from '../database/data-source-url.js';
import { resolveBridgeOptions } from '../django-bridge.options.js';
import { missingConnectTimeout } from './connect-timeout-warning.js';
import { DjangoStartupChecks } from './startup-checks.js';

afterEach(() => {
  jest.restoreAllMocks();
});

const pg: DataSourceOptions = { type: 'postgres', host: '127.0.0.1', port: 5432, username: 'postgres', database: 'site' };
const my: DataSourceOptions = { type: 'mysql', host: '127.0.0.1', port: 3306, username: 'root', database: 'site' };

/** The warnings DjangoStartupChecks logs at start-up for these databases. */
async function warningsFor(databases: Record<string, DataSourceOptions>): Promise<string[]> {
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const sources = Object.fromEntries(Object.entries(databases).map(([alias, o]) => [alias, new DataSource(o)]));
  await new DjangoStartupChecks(resolveBridgeOptions({ secretKey: 'k', databases: sources, startupChecks: false })).onModuleInit();
  return warn.mock.calls.map((call) => String(call[0]));
}

describe('connect-timeout warning', () => {
  it('names connectTimeoutMS for PostgreSQL and connectTimeout for MySQL/MariaDB, once per database', async () => {
    const warnings = await warningsFor({ default: pg, users: my, legacy: { ...my, type: 'mariadb' } });
    expect(warnings).toEqual([
      'The DataSource of database "default" (postgres) has no "connectTimeoutMS": node-postgres waits for a connection without limit, holding a pool slot while the server is stalled. Set connectTimeoutMS (e.g. connectTimeoutMS: 5000) in its options, or build it with dataSourceOptionsFromUrl, which sets one.',
      'The DataSource of database "users" (mysql) has no "connectTimeout": mysql2 waits up to 10 s for a connection, holding a pool slot while the server is stalled. Set connectTimeout (e.g. connectTimeout: 5000) in its options, or build it with dataSourceOptionsFromUrl, which sets one.',
      'The DataSource of database "legacy" (mariadb) has no "connectTimeout": mysql2 waits up to 10 s for a connection, holding a pool slot while the server is stalled. Set connectTimeout (e.g. connectTimeout: 5000) in its options, or build it with dataSourceOptionsFromUrl, which sets one.',
    ]);
  });

  it('is silent when the timeout is set (in the options or the driver\'s extra), for URL-built DataSources and for SQLite', async () => {
    expect(
      await warningsFor({
        default: { ...pg, connectTimeoutMS: 3000 },
        a: { ...pg, extra: { connectionTimeoutMillis: 3000 } },
        b: { ...my, connectTimeout: 3000 },
        c: { ...my, extra: { connectTimeout: 3000 } },
        d: dataSourceOptionsFromUrl('postgres://postgres@127.0.0.1:5432/site'),
        e: dataSourceOptionsFromUrl('mysql://root@127.0.0.1:3306/site'),
        f: { type: 'better-sqlite3', database: ':memory:' },
      }),
    ).toEqual([]);
    expect(missingConnectTimeout(new DataSource(pg))).toBe('connectTimeoutMS');
  });
});
