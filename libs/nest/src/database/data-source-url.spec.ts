import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImproperlyConfigured } from '@django-bridge/core';
import { dataSourceOptionsFromUrl } from './data-source-url.js';
import { DEFAULT_CONNECT_TIMEOUT } from './url-query-options.js';

const dir = mkdtempSync(join(tmpdir(), 'db-url-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, 'CA PEM');
writeFileSync(join(dir, 'cert.pem'), 'CERT PEM');
writeFileSync(join(dir, 'key.pem'), 'KEY PEM');

const pg = (query: string) => dataSourceOptionsFromUrl(`postgres://u@db/site?${query}`) as unknown as Record<string, unknown>;
const my = (query: string) => dataSourceOptionsFromUrl(`mysql://u@db/site?${query}`) as unknown as Record<string, unknown>;
const refusal = (url: string) => {
  try {
    dataSourceOptionsFromUrl(url, 'DATABASE_URL');
  } catch (err) {
    expect(err).toBeInstanceOf(ImproperlyConfigured);
    return (err as Error).message;
  }
  throw new Error(`${url} was accepted`);
};

describe('database URL query options: PostgreSQL (libpq keywords, as psycopg reads OPTIONS)', () => {
  it('maps sslmode to node-postgres TLS settings', () => {
    expect(pg('sslmode=disable').ssl).toBe(false);
    expect(pg('sslmode=require').ssl).toEqual({ rejectUnauthorized: false });
    const verifyCa = pg(`sslmode=verify-ca&sslrootcert=${ca}`).ssl as Record<string, unknown>;
    expect(verifyCa).toMatchObject({ ca: 'CA PEM', rejectUnauthorized: true });
    expect((verifyCa.checkServerIdentity as () => unknown)()).toBeUndefined();
    expect(pg('sslmode=verify-full').ssl).toEqual({ rejectUnauthorized: true });
    expect(pg(`sslmode=verify-full&sslrootcert=${ca}&sslcert=${dir}/cert.pem&sslkey=${dir}/key.pem`).ssl).toEqual({ ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', rejectUnauthorized: true });
  });
  it('verifies the chain for sslmode=require with a root certificate, as libpq does', () => {
    expect(pg(`sslmode=require&sslrootcert=${ca}`).ssl).toMatchObject({ ca: 'CA PEM', rejectUnauthorized: true });
  });
  it('maps connect_timeout (seconds) to connectTimeoutMS, application_name, options and currentSchema', () => {
    expect(pg('connect_timeout=5')).toMatchObject({ connectTimeoutMS: 5000 });
    // Without it, a bound all the same: node-postgres would otherwise wait forever.
    expect(pg('')).toMatchObject({ connectTimeoutMS: DEFAULT_CONNECT_TIMEOUT });
    expect(DEFAULT_CONNECT_TIMEOUT).toBe(5000);
    expect(pg('application_name=cron%20job')).toMatchObject({ applicationName: 'cron job' });
    expect(pg('options=-c%20statement_timeout%3D5000')).toMatchObject({ extra: { options: '-c statement_timeout=5000' } });
    expect(pg('currentSchema=site')).toMatchObject({ extra: { options: '-c search_path=site' } });
  });
  it('keeps the last of a repeated key, as dj-database-url does', () => {
    expect(pg('sslmode=disable&sslmode=require').ssl).toEqual({ rejectUnauthorized: false });
  });
  it('ignores the Django-level settings django-environ reads from the URL, and nothing else', () => {
    expect(pg('conn_max_age=600&conn_health_checks=true')).toEqual(dataSourceOptionsFromUrl('postgres://u@db/site'));
  });
  it.each([
    ['sslmode=prefer', /sslmode=prefer.*cannot fall back/],
    ['sslmode=allow', /sslmode=allow/],
    ['sslmode=on', /sslmode="on" must be/],
    ['sslrootcert=/nonexistent/ca.pem&sslmode=verify-full', /sslrootcert: cannot read "\/nonexistent\/ca.pem" \(ENOENT\)/],
    [`sslrootcert=${ca}`, /need an sslmode/],
    [`sslmode=disable&sslrootcert=${ca}`, /contradicts/],
    ['connect_timeout=soon', /connect_timeout="soon" must be a number of seconds/],
    ['options=x&currentSchema=y', /cannot be combined/],
    ['ssl=true', /query option "ssl" is not supported for PostgreSQL/],
    ['target_session_attrs=read-write', /"target_session_attrs" is not supported for PostgreSQL \(supported: sslmode/],
  ])('refuses ?%s with a message naming it', (query, message) => {
    const text = refusal(`postgres://u@db/site?${query}`);
    expect(text).toMatch(message);
    expect(text).toMatch(/^DATABASE_URL: /);
  });
});

describe('database URL query options: MySQL/MariaDB (mysqlclient connect() arguments)', () => {
  it('maps ssl, ssl-ca (dj-database-url\'s special case) and ssl_mode to mysql2 TLS settings', () => {
    expect(my('ssl=true').ssl).toEqual({ rejectUnauthorized: true });
    expect(my('ssl=false').ssl).toBeUndefined();
    expect(my(`ssl-ca=${ca}`).ssl).toEqual({ ca: 'CA PEM', rejectUnauthorized: true });
    expect(my('ssl_mode=DISABLED').ssl).toBeUndefined();
    expect(my('ssl_mode=REQUIRED').ssl).toEqual({ rejectUnauthorized: false });
    expect(my(`ssl_mode=VERIFY_CA&ssl-ca=${ca}`).ssl).toMatchObject({ ca: 'CA PEM', rejectUnauthorized: true });
    expect(my('ssl_mode=verify_identity').ssl).toEqual({ rejectUnauthorized: true });
  });
  it('maps charset and connect_timeout (seconds) to connectTimeout', () => {
    expect(my('charset=utf8mb4&connect_timeout=3')).toMatchObject({ charset: 'utf8mb4', connectTimeout: 3000 });
    expect(my('')).toMatchObject({ connectTimeout: DEFAULT_CONNECT_TIMEOUT });
  });
  it.each([
    ['ssl_mode=PREFERRED', /PREFERRED.*cannot fall back/],
    ['ssl_mode=sometimes', /ssl_mode="sometimes" must be one of/],
    ['ssl=yes', /ssl="yes" must be true or false/],
    ['ssl=true&ssl_mode=REQUIRED', /cannot be combined/],
    [`ssl=false&ssl-ca=${ca}`, /contradicts/],
    ['charset=utf8;drop', /charset="utf8;drop"/],
    ['connect_timeout=-1', /connect_timeout="-1"/],
    ['sslmode=require', /"sslmode" is not supported for MySQL\/MariaDB \(supported: ssl, ssl-ca, ssl_mode/],
    ['init_command=SET%20x', /"init_command" is not supported/],
    ['timezone=Z', /"timezone" is not supported/],
  ])('refuses ?%s with a message naming it', (query, message) => {
    expect(refusal(`mysql://u@db/site?${query}`)).toMatch(message);
  });
});

describe('database URL query options: SQLite', () => {
  it('maps timeout (seconds, as sqlite3.connect) to better-sqlite3\'s timeout and keeps the path', () => {
    expect(dataSourceOptionsFromUrl('sqlite:////abs/db.sqlite3?timeout=2.5')).toEqual({ type: 'better-sqlite3', database: '/abs/db.sqlite3', timeout: 2500 });
    expect(dataSourceOptionsFromUrl('sqlite:rel.db?')).toEqual({ type: 'better-sqlite3', database: 'rel.db' });
  });
  it('refuses any other parameter', () => {
    expect(refusal('sqlite:////abs/db.sqlite3?sslmode=require')).toMatch(/"sslmode" is not supported for SQLite \(supported: timeout/);
  });
});
