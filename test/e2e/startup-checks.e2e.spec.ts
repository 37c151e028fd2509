/**
 * Misconfiguration fails at start-up with one clear line, on real SQLite, MariaDB and PostgreSQL:
 * a DataSource never initialized, a database that stops answering (a closed port, after the
 * documented retries), a database without Django's tables; and a wrong secretKey, which cannot
 * be seen at start-up, logs one warning once Django's sessions keep failing their signature.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ImproperlyConfigured } from '@django-bridge/core';
import { DjangoBridgeModule, type DjangoBridgeOptions } from '@django-bridge/nest';
import { Logger, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, connect, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { cookieHeader, djangoCalls as c, DjangoProject, type DjangoConnection, type DjangoEngine } from '../django/django-project.js';
import { startTestApp } from './support/bridge-test-app.js';
import { BRIDGE_VERSION } from './support/django-line.js';
import { randomEnvSecret as randomSecret, randomToken } from '../support/random.js';

const ENGINES: DjangoEngine[] = ['sqlite', 'mysql', 'postgres'];

afterEach(() => {
  jest.restoreAllMocks();
});

/** Builds an app around the bridge and runs its start-up; the error it fails with, or null. */
async function startupError(options: DjangoBridgeOptions): Promise<unknown> {
  @Module({ imports: [DjangoBridgeModule.forRoot(options)] })
  class AppModule {}
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    await app.init();
    return null;
  } catch (err) {
    return err;
  } finally {
    await app?.close().catch(() => undefined);
  }
}

/** The lines the bridge logged at `level` while `run` ran. */
async function logged(level: 'error' | 'warn', run: () => Promise<unknown>): Promise<{ result: unknown; lines: string[] }> {
  const spy = jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
  const result = await run();
  const lines = spy.mock.calls.map((call) => String(call[0]));
  spy.mockRestore();
  return { result, lines };
}

/** A fresh database with no tables at all, as an app pointed at the wrong database sees it. */
async function emptyDatabase(engine: DjangoEngine, like: DjangoConnection): Promise<{ connection: DjangoConnection; drop(): Promise<void> }> {
  if (engine === 'sqlite') return { connection: { ...like, database: ':memory:' }, drop: async () => undefined };
  const name = `djb_startup_empty_${randomToken(8).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const admin = await new DataSource({ ...like, database: engine === 'postgres' ? 'postgres' : undefined } as never).initialize();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.destroy();
  return {
    connection: { ...like, database: name },
    async drop() {
      const again = await new DataSource({ ...like, database: engine === 'postgres' ? 'postgres' : undefined } as never).initialize();
      await again.query(`DROP DATABASE IF EXISTS ${name}`);
      await again.destroy();
    },
  };
}

/** A TCP relay to the real database, so the test can close "the database's" port under the app. */
async function relayTo(port: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.each(ENGINES)('start-up checks on %s', (engine) => {
  const secretKey = randomSecret();
  let django: DjangoProject;

  beforeAll(() => {
    django = DjangoProject.throwaway(engine, { secretKey });
    django.batch([c.migrate(), c.createUser({ username: 'ann', password: 'ann-pw' })]);
  });
  afterAll(() => {
    django?.dropDatabase();
  });

  it('refuses a DataSource that was never initialized, naming the fix (no TypeError, no 503 later)', async () => {
    const dataSource = new DataSource({ ...django.connection(), synchronize: false } as never);
    const { result, lines } = await logged('error', () => startupError({ secretKey, djangoVersion: BRIDGE_VERSION, dataSource }));
    const message = 'DjangoBridgeModule: the DataSource of database "default" was never initialized; call "await dataSource.initialize()" before the app starts, or let TypeOrmModule create it and inject it with forRootAsync';
    expect(result).toBeInstanceOf(ImproperlyConfigured);
    expect((result as Error).message).toBe(message);
    expect(lines).toEqual([message]);
  });

  it('refuses a database without Django\'s tables, naming the table and "manage.py migrate"', async () => {
    const empty = await emptyDatabase(engine, django.connection());
    const dataSource = await new DataSource({ ...empty.connection, synchronize: false } as never).initialize();
    try {
      const { result, lines } = await logged('error', () => startupError({ secretKey, djangoVersion: BRIDGE_VERSION, dataSource }));
      const message = 'DjangoBridgeModule: table "django_session" does not exist in database "default" (sessionEngine \'db\' reads it); run "manage.py migrate" for the Django site, or point the bridge at the site\'s database';
      expect(result).toBeInstanceOf(ImproperlyConfigured);
      expect((result as Error).message).toBe(message);
      expect(lines).toEqual([message]);
      // Sessions elsewhere: the user table is the first thing missing then.
      const signed = await logged('error', () => startupError({ secretKey, djangoVersion: BRIDGE_VERSION, dataSource, sessionEngine: 'signed_cookies' }));
      expect((signed.result as Error).message).toMatch(/^DjangoBridgeModule: table "auth_user" does not exist in database "default" \(userModel reads it\); run "manage\.py migrate"/);
      // And an app that must start with the database in any state can say so.
      expect(await startupError({ secretKey, djangoVersion: BRIDGE_VERSION, dataSource, startupChecks: false })).toBeNull();
    } finally {
      await dataSource.destroy();
      await empty.drop();
    }
  });

  it('starts on the migrated database', async () => {
    const dataSource = await new DataSource({ ...django.connection(), synchronize: false } as never).initialize();
    try {
      expect(await startupError({ secretKey, djangoVersion: BRIDGE_VERSION, dataSource })).toBeNull();
    } finally {
      await dataSource.destroy();
    }
  });

  if (engine !== 'sqlite') {
    it('retries a database that stopped answering (its port closed), then fails with one line', async () => {
      const real = django.connection();
      const relay = await relayTo(real.port!);
      const dataSource = await new DataSource({ ...real, port: relay.port, synchronize: false, ...(engine === 'postgres' ? { connectTimeoutMS: 2000 } : { connectTimeout: 2000 }) } as never).initialize();
      await relay.close();
      try {
        const started = Date.now();
        const { result, lines } = await logged('error', () => startupError({ secretKey, djangoVersion: BRIDGE_VERSION, dataSource }));
        const elapsed = Date.now() - started;
        expect(result).toBeInstanceOf(ImproperlyConfigured);
        // The default policy: 5 attempts, waiting 250, 500, 1000 and 2000 ms, all within 10 s.
        expect((result as Error).message).toMatch(new RegExp(`^DjangoBridgeModule: database "default" \\(${real.type}\\) did not answer after 5 attempts in \\d+\\.\\d s: .+ \\(see the "startupChecks" option\\)$`));
        expect(lines).toEqual([(result as Error).message]);
        expect(elapsed).toBeGreaterThanOrEqual(3700);
        expect(elapsed).toBeLessThan(11_000);
        // A shorter policy is honoured.
        const quick = await logged('error', () => startupError({ secretKey, djangoVersion: BRIDGE_VERSION, dataSource, startupChecks: { retries: 1, retryDelay: 10, timeout: 2000 } }));
        expect((quick.result as Error).message).toMatch(/did not answer after 2 attempts in/);
      } finally {
        await dataSource.destroy().catch(() => undefined);
      }
    }, 30_000);
  }

  it('a wrong secretKey: Django\'s sessions fail their signature, and the 20th in a row logs one warning naming secretKey', async () => {
    const login = django.login('ann', 'ann-pw');
    const app = await startTestApp('express', django.connection(), { secretKey: randomSecret(), djangoVersion: BRIDGE_VERSION });
    try {
      const warnings = await logged('warn', async () => {
        for (let i = 0; i < 19; i++) expect((await request(app.url).get('/me').set('Cookie', cookieHeader(login.cookies))).status).toBe(401);
      });
      expect(warnings.lines.filter((l) => l.includes('secretKey'))).toEqual([]);
      const more = await logged('warn', async () => {
        for (let i = 0; i < 21; i++) expect((await request(app.url).get('/me').set('Cookie', cookieHeader(login.cookies))).status).toBe(401);
      });
      expect(more.lines.filter((l) => l.includes('secretKey'))).toEqual(['20 sessions in a row failed their signature check: is "secretKey" the Django SECRET_KEY of the site (and "secretKeyFallbacks" its SECRET_KEY_FALLBACKS)?']);
    } finally {
      await app.close();
    }
  });
});
