/**
 * Database URLs keep their query options on the live servers (MariaDB 127.0.0.1:3306, PostgreSQL
 * 127.0.0.1:5432): each session shows the option took effect, and asking for TLS from a server
 * that offers none fails instead of silently connecting in plain text.
 */
import { describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptionsFromUrl } from '@django-bridge/nest';

async function withConnection<T>(url: string, use: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource({ ...dataSourceOptionsFromUrl(url), synchronize: false, logging: false });
  await ds.initialize();
  try {
    return await use(ds);
  } finally {
    await ds.destroy();
  }
}

describe('database URL options on PostgreSQL', () => {
  it('connects with ?sslmode=disable&connect_timeout= and applies application_name and currentSchema', async () => {
    const rows = await withConnection('postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=5&application_name=bridge-cron&currentSchema=site,public', (ds) =>
      ds.query("SELECT current_setting('application_name') AS app, current_setting('search_path') AS path, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS ssl"),
    );
    expect(rows[0]).toEqual({ app: 'bridge-cron', path: 'site,public', ssl: false });
  });
  it('passes options through to the server', async () => {
    const rows = await withConnection('postgres://postgres@127.0.0.1/postgres?options=-c%20statement_timeout%3D4321', (ds) => ds.query("SELECT current_setting('statement_timeout') AS t"));
    expect(rows[0].t).toBe('4321ms');
  });
  it('?sslmode=require either speaks TLS or fails: never plain text', async () => {
    const outcome = await withConnection('postgres://postgres@127.0.0.1/postgres?sslmode=require&connect_timeout=5', (ds) => ds.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).then(
      (rows) => ({ ssl: rows[0].ssl as boolean }),
      (err: Error) => ({ error: err.message }),
    );
    if ('ssl' in outcome) expect(outcome.ssl).toBe(true);
    else expect(outcome.error).toMatch(/SSL/i);
  });
});

describe('database URL options on MariaDB', () => {
  it('connects with ?ssl_mode=DISABLED&connect_timeout= and applies charset', async () => {
    const rows = await withConnection('mysql://root@127.0.0.1:3306/mysql?ssl_mode=DISABLED&connect_timeout=5&charset=latin1', (ds) =>
      ds.query("SELECT @@character_set_client AS cs, (SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher') AS cipher"),
    );
    expect(rows[0]).toEqual({ cs: 'latin1', cipher: '' });
  });
  it('?ssl=true either speaks verified TLS or fails: never plain text', async () => {
    const outcome = await withConnection('mysql://root@127.0.0.1/mysql?ssl=true&connect_timeout=5', (ds) => ds.query("SELECT VARIABLE_VALUE AS cipher FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'")).then(
      (rows) => ({ cipher: rows[0].cipher as string }),
      (err: Error) => ({ error: err.message }),
    );
    if ('cipher' in outcome) expect(outcome.cipher).not.toBe('');
    else expect(outcome.error).toMatch(/SSL|TLS|certificate|secure connection/i);
  });
});
