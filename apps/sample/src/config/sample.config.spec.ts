import { describe, expect, it } from '@jest/globals';
import { DEMO_SECRET_KEY, EMBEDDED_APP_DATABASE_URL, EMBEDDED_DJANGO_DATABASE_URL, loadSampleConfig, SampleConfigError } from './sample.config.js';

describe('loadSampleConfig', () => {
  it('defaults to the embedded SQLite databases on port 3000', () => {
    expect(loadSampleConfig({})).toEqual({
      djangoDatabaseUrl: EMBEDDED_DJANGO_DATABASE_URL,
      djangoReplicaUrls: [],
      appDatabaseUrl: EMBEDDED_APP_DATABASE_URL,
      embedded: true,
      secretKey: DEMO_SECRET_KEY,
      secretKeyFallbacks: [],
      sessionCookieName: 'sessionid',
      sessionSerializer: 'json',
      djangoVersion: '6.1',
      useTz: true,
      timeZone: 'UTC',
      port: 3000,
      host: '127.0.0.1',
      httpAdapter: 'express',
      passwords: { hashers: undefined, workFactors: {}, upgrade: 'django' },
    });
  });

  it('reads the password settings: PASSWORD_HASHERS (names or Django paths), work factors, the upgrade policy', () => {
    const config = loadSampleConfig({
      DJANGO_PASSWORD_HASHERS: 'django.contrib.auth.hashers.Argon2PasswordHasher, pbkdf2_sha256',
      DJANGO_PBKDF2_ITERATIONS: '870000',
      DJANGO_ARGON2_HASH_LENGTH: '16',
      DJANGO_SCRYPT_PARALLELISM: '1',
      DJANGO_BCRYPT_ROUNDS: '13',
      DJANGO_PASSWORD_UPGRADE: 'Stronger',
    });
    expect(config.passwords).toEqual({ hashers: ['argon2', 'pbkdf2_sha256'], workFactors: { iterations: 870000, bcryptRounds: 13, argon2: { hashLength: 16 }, scrypt: { parallelism: 1 } }, upgrade: 'stronger' });
  });

  it.each([
    ['DJANGO_PASSWORD_HASHERS', 'sha3'],
    ['DJANGO_PASSWORD_HASHERS', 'django.contrib.auth.hashers.FooHasher'],
    ['DJANGO_PASSWORD_HASHERS', ' , '],
    ['DJANGO_PBKDF2_ITERATIONS', 'many'],
    ['DJANGO_ARGON2_MEMORY_COST', '0'],
    ['DJANGO_PASSWORD_UPGRADE', 'sometimes'],
  ])('%s=%p stops start-up naming it', (variable, value) => {
    expect(() => loadSampleConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}`));
  });

  it('reads every variable', () => {
    const config = loadSampleConfig({
      DJANGO_DATABASE_URL: 'mysql://root@127.0.0.1:3306/django',
      DJANGO_DATABASE_REPLICA_URLS: 'mysql://ro@replica1/django, mysql://ro@replica2/django',
      APP_DATABASE_URL: 'postgres://app@127.0.0.1/app',
      DJANGO_SECRET_KEY: 'new-secret-key',
      DJANGO_SECRET_KEY_FALLBACKS: 'old-key-1, old-key-2',
      DJANGO_SESSION_COOKIE_NAME: 'PHPSESSID',
      DJANGO_SESSION_SERIALIZER: 'php',
      DJANGO_VERSION: '4.2',
      DJANGO_USE_TZ: 'false',
      DJANGO_TIME_ZONE: 'Europe/Berlin',
      PORT: '8080',
      HTTP_ADAPTER: 'Fastify',
    });
    expect(config).toMatchObject({
      embedded: false,
      djangoReplicaUrls: ['mysql://ro@replica1/django', 'mysql://ro@replica2/django'],
      secretKeyFallbacks: ['old-key-1', 'old-key-2'],
      sessionCookieName: 'PHPSESSID',
      sessionSerializer: 'php',
      djangoVersion: '4.2',
      useTz: false,
      timeZone: 'Europe/Berlin',
      port: 8080,
      httpAdapter: 'fastify',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ DJANGO_DATABASE_URL: 'mysql://root@127.0.0.1/x' }, 'DJANGO_SECRET_KEY'],
    [{ DJANGO_DATABASE_URL: 'oracle://x/y', DJANGO_SECRET_KEY: 'long-enough-key' }, 'DJANGO_DATABASE_URL'],
    [{ DJANGO_DATABASE_URL: 'mysql://host', DJANGO_SECRET_KEY: 'long-enough-key' }, 'DJANGO_DATABASE_URL'],
    [{ APP_DATABASE_URL: 'not a url' }, 'APP_DATABASE_URL'],
    [{ DJANGO_DATABASE_REPLICA_URLS: 'redis://x' }, 'DJANGO_DATABASE_REPLICA_URLS'],
    [{ DJANGO_SECRET_KEY: 'short' }, 'DJANGO_SECRET_KEY'],
    [{ DJANGO_SECRET_KEY_FALLBACKS: 'a-key,,b-key' }, 'DJANGO_SECRET_KEY_FALLBACKS'],
    [{ DJANGO_SECRET_KEY_FALLBACKS: 'old-key', DJANGO_VERSION: '3.2' }, 'DJANGO_SECRET_KEY_FALLBACKS'],
    [{ DJANGO_SESSION_COOKIE_NAME: 'bad name;' }, 'DJANGO_SESSION_COOKIE_NAME'],
    [{ DJANGO_SESSION_SERIALIZER: 'pickle' }, 'DJANGO_SESSION_SERIALIZER'],
    [{ DJANGO_VERSION: '2.2' }, 'DJANGO_VERSION'],
    [{ DJANGO_USE_TZ: 'maybe' }, 'DJANGO_USE_TZ'],
    [{ DJANGO_TIME_ZONE: 'Mars/Olympus' }, 'DJANGO_TIME_ZONE'],
    [{ HTTP_ADAPTER: 'koa' }, 'HTTP_ADAPTER'],
    [{ HTTP_ADAPTER: 'express,fastify' }, 'HTTP_ADAPTER'],
  ])('%j stops start-up naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadSampleConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SampleConfigError);
    expect((error as SampleConfigError).variable).toBe(variable);
    expect((error as Error).message.startsWith(`${variable} `)).toBe(true);
  });
});
