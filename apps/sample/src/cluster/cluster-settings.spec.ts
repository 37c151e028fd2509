import { describe, expect, it } from '@jest/globals';
import { loadSampleConfig, SampleConfigError } from '../config/sample.config.js';
import { loadClusterSettings } from './cluster-settings.js';
import { RestartBackoff } from './restart-backoff.js';

const SERVERS = { DJANGO_DATABASE_URL: 'mysql://root@127.0.0.1:3306/django', APP_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/app', DJANGO_SECRET_KEY: 'a-long-secret-key' };

function settings(env: NodeJS.ProcessEnv, cores = 4) {
  return loadClusterSettings(env, loadSampleConfig(env), cores);
}

function refusal(env: NodeJS.ProcessEnv): SampleConfigError {
  try {
    settings(env);
  } catch (err) {
    if (err instanceof SampleConfigError) return err;
    throw err;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe('loadClusterSettings', () => {
  it('runs one worker per core unless WEB_CONCURRENCY says otherwise', () => {
    expect(settings(SERVERS, 4).workers).toBe(4);
    expect(settings(SERVERS, 0).workers).toBe(1);
    expect(settings({ ...SERVERS, WEB_CONCURRENCY: ' 3 ' }).workers).toBe(3);
    for (const bad of ['0', '-2', '1.5', 'many', '257']) expect(refusal({ ...SERVERS, WEB_CONCURRENCY: bad }).variable).toBe('WEB_CONCURRENCY');
  });

  it('refuses an in-memory SQLite database anywhere: each worker would have its own', () => {
    expect(refusal({ ...SERVERS, DJANGO_DATABASE_URL: 'sqlite::memory:' }).variable).toBe('DJANGO_DATABASE_URL');
    expect(refusal({ ...SERVERS, APP_DATABASE_URL: 'sqlite::memory:' }).variable).toBe('APP_DATABASE_URL');
    expect(refusal({ ...SERVERS, DJANGO_DATABASE_REPLICA_URLS: 'sqlite::memory:' }).message).toMatch(/^DJANGO_DATABASE_REPLICA_URLS is an in-memory SQLite database: each worker would have its own/);
  });

  it('says that SQLite files and the embedded demo are shared on this host only', () => {
    const embedded = settings({});
    expect(embedded.warnings).toEqual([
      expect.stringMatching(/^DJANGO_DATABASE_URL is a SQLite file: the workers share it on this host only/),
      expect.stringMatching(/^APP_DATABASE_URL is a SQLite file/),
      'no DJANGO_DATABASE_URL: every worker uses the embedded demo databases and the demo SECRET_KEY',
    ]);
    expect(embedded.connections).toBeNull();
    expect(settings(SERVERS).warnings).toEqual([]);
  });

  it('counts the connections the workers may open per database, for max_connections', () => {
    expect(settings({ ...SERVERS, WEB_CONCURRENCY: '4' }).connections).toBe(
      'each worker opens up to 10 connections per MySQL/PostgreSQL database (DATABASE_POOL_SIZE, driver default): 4 workers × 10 = 40 per database, which its server\'s max_connections must allow',
    );
    expect(settings({ ...SERVERS, WEB_CONCURRENCY: '8', DATABASE_POOL_SIZE: '5' }).connections).toMatch(/up to 5 connections .*\(DATABASE_POOL_SIZE\): 8 workers × 5 = 40 per database/);
  });
});

describe('RestartBackoff', () => {
  it('doubles the delay per crash in a row up to the ceiling, and starts over after a stable run', () => {
    const backoff = new RestartBackoff(1000, 8000, 30_000);
    expect([0, 10, 10, 10, 10, 10].map((uptime) => backoff.next(uptime))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoff.next(30_000)).toBe(1000);
    expect(backoff.next(5)).toBe(2000);
  });

  it('refuses settings that would loop without a pause', () => {
    expect(() => new RestartBackoff(0)).toThrow(RangeError);
    expect(() => new RestartBackoff(1000, 500)).toThrow(RangeError);
  });
});
