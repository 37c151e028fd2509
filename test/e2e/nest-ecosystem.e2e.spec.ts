/**
 * The ecosystem entry points against real services, as an application uses them:
 * - @django-bridge/nest/terminus: the health indicator on a Django-migrated SQLite database, on
 *   PostgreSQL behind a TCP proxy this spec opens and closes (up; a closed port; a server that
 *   accepts and never answers, cut at the timeout; up again), on a DataSource destroyed under the
 *   app, and on a real Redis cache started here on a free port (up; stopped; paused).
 * - @django-bridge/nest/testing: the cookie the helper makes is accepted by the Nest app AND by the
 *   real Django (`whoami`), on the db engine with a configured cookie name and on the cache engine
 *   over that Redis.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Controller, Get, HttpCode, Module, Post, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CurrentUser, DjangoBridgeModule, DjangoCsrfGuard, djangoEntities, DjangoSessionGuard, type DjangoBridgeOptions, type DjangoUser } from '@django-bridge/nest';
import { DjangoHealthIndicator } from '@django-bridge/nest/terminus';
import { createDjangoCsrfToken, createDjangoSessionCookie, loginAs } from '@django-bridge/nest/testing';
import { DjangoProject, type DjangoConnection } from '../django/django-project.js';
import { freePort } from '../support/free-port.js';
import { randomEnvSecret } from '../support/random.js';
import { startRedis, type RedisProcess } from '../support/redis-servers.js';
import { BRIDGE_VERSION, LINE } from './support/django-line.js';

const DJANGO_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher'];
const REDIS = 'django.core.cache.backends.redis.RedisCache';
/** Per probe; the checks below must answer within a small multiple of it. */
const PROBE_TIMEOUT = 500;

@Controller()
class AppController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly django: DjangoHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.django.database('django-database', { timeout: PROBE_TIMEOUT }), () => this.django.cache('django-cache', { timeout: PROBE_TIMEOUT })]);
  }

  @Get('me')
  @UseGuards(DjangoSessionGuard)
  me(@CurrentUser() user: DjangoUser) {
    return { id: user.id, username: user.username };
  }

  @Post('me')
  @HttpCode(200)
  @UseGuards(DjangoCsrfGuard, DjangoSessionGuard)
  update(@CurrentUser() user: DjangoUser) {
    return { updated: user.username };
  }
}

interface Started {
  app: INestApplication;
  dataSource: DataSource;
  close(): Promise<void>;
}

async function startApp(connection: DjangoConnection | Record<string, unknown>, options: Omit<DjangoBridgeOptions, 'dataSource'>): Promise<Started> {
  const dataSource = await new DataSource({ ...connection, synchronize: false, logging: false, entities: djangoEntities() } as never).initialize();
  @Module({ imports: [DjangoBridgeModule.forRoot({ ...options, dataSource }), TerminusModule.forRoot({ logger: false })], controllers: [AppController], providers: [DjangoHealthIndicator] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  return {
    app,
    dataSource,
    async close() {
      await app.close();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

/** GET /health, timed. */
async function health(app: INestApplication): Promise<{ status: number; body: Record<string, any>; ms: number }> {
  const started = Date.now();
  const res = await request(app.getHttpServer()).get('/health');
  return { status: res.status, body: res.body, ms: Date.now() - started };
}

/**
 * A TCP proxy to a real server on a port of its own: `close()` leaves a closed port (connections
 * refused, open ones cut), `silent` accepts and never answers, `open()` serves again.
 */
class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  silent = false;

  private constructor(
    readonly port: number,
    private readonly target: number,
  ) {}

  static async start(target: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.open();
    return proxy;
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  }

  open(): Promise<void> {
    const server = createServer((client) => {
      this.track(client);
      if (this.silent) return;
      const upstream = this.track(connect(this.target, '127.0.0.1'));
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Cuts every connection and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.destroy();
});

describe(`Django ${LINE} on SQLite, a Redis cache`, () => {
  const secretKey = randomEnvSecret();
  let project: DjangoProject;
  let aliceId: number;
  let t: Started;

  beforeAll(async () => {
    project = DjangoProject.throwaway('sqlite', { line: LINE, secretKey, hashers: DJANGO_HASHERS, sessionCookieName: 'djsession' });
    project.migrate();
    aliceId = project.createUser({ username: 'alice', password: 'wonderland' }).id;
    project.createUser({ username: 'bob', password: 'builder' });
    t = await startApp(project.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, sessionCookieName: 'djsession', caches: { default: { backend: REDIS, location: redis.url(), connectTimeout: 300, commandTimeout: 300 } } });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    project?.dropDatabase();
  });

  it('testing helper: Django and the Nest app both take the cookie for the user it names', async () => {
    const cookie = await createDjangoSessionCookie(t.app, { username: 'alice' });
    expect(cookie.name).toBe('djsession');
    const django = project.whoami({ djsession: cookie.value });
    expect(django).toMatchObject({ authenticated: true, id: aliceId, username: 'alice', session_exists: true });
    expect(project.decodeSession(cookie.value)).toMatchObject({ _auth_user_id: String(aliceId), _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' });
    const res = await request(t.app.getHttpServer()).get('/me').set('Cookie', cookie.header);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: aliceId, username: 'alice' });
    // And Django's own logout ends it for the Nest app too.
    project.logout({ djsession: cookie.value });
    expect((await request(t.app.getHttpServer()).get('/me').set('Cookie', cookie.header)).status).toBe(401);
  });

  it('testing helper: loginAs by primary key; a password changed in Django logs the session out on both sides', async () => {
    const bob = project.getUser('bob');
    const headers = await loginAs(t.app, { userId: bob.id });
    const value = headers.Cookie.slice('djsession='.length);
    expect(project.whoami({ djsession: value })).toMatchObject({ authenticated: true, username: 'bob' });
    project.setPassword('bob', 'changed');
    expect(project.whoami({ djsession: value }).authenticated).toBe(false);
    expect((await request(t.app.getHttpServer()).get('/me').set(headers)).status).toBe(401);
  });

  it('testing helper: createDjangoCsrfToken passes DjangoCsrfGuard in Nest and CsrfViewMiddleware in Django', async () => {
    const session = await createDjangoSessionCookie(t.app, { username: 'alice' });
    const csrf = await createDjangoCsrfToken(t.app, { session });
    expect(csrf.headerName).toBe('X-CSRFToken');
    expect(csrf.headers.Cookie).toBe(`${csrf.cookie}; ${session.header}`);
    const post = await request(t.app.getHttpServer()).post('/me').set(csrf.headers);
    expect({ status: post.status, body: post.body }).toEqual({ status: 200, body: { updated: 'alice' } });
    // No token, or a cookie without its token: refused with Django's reasons.
    const noToken = await request(t.app.getHttpServer()).post('/me').set('Cookie', csrf.headers.Cookie);
    expect(noToken.status).toBe(403);
    const csrfValue = (csrf.cookie as string).slice('csrftoken='.length);
    const django = project.csrfPost({ djsession: session.value, csrftoken: csrfValue }, { token: csrf.token });
    expect(django).toMatchObject({ status: 200, body: { ok: true, user: { authenticated: true, username: 'alice' } } });
    expect(project.csrfPost({ djsession: session.value, csrftoken: csrfValue }).status).toBe(403);
  });

  it('health: the database and the cache are up', async () => {
    const res = await health(t.app);
    expect(res.status).toBe(200);
    expect(res.body.info['django-database']).toEqual({ status: 'up', databases: { default: { status: 'up', responseTime: expect.any(Number) } } });
    expect(res.body.info['django-cache']).toEqual({ status: 'up', caches: { default: { status: 'up', responseTime: expect.any(Number) } } });
  });

  it('health: a paused Redis (accepts, never answers) is down within the timeout, and up after', async () => {
    redis.pause();
    try {
      const res = await health(t.app);
      expect(res.status).toBe(503);
      expect(res.body.error['django-cache'].status).toBe('down');
      expect(res.body.error['django-cache'].message).toMatch(/^default: /);
      expect(res.body.info['django-database'].status).toBe('up');
      expect(res.ms).toBeLessThan(PROBE_TIMEOUT * 4);
    } finally {
      redis.resume();
    }
    let last = await health(t.app);
    for (let i = 0; i < 20 && last.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      last = await health(t.app);
    }
    expect(last.status).toBe(200);
  });

  it('health: a stopped Redis is down, quickly', async () => {
    await redis.stop();
    try {
      const res = await health(t.app);
      expect(res.status).toBe(503);
      expect(res.body.error['django-cache'].message).toMatch(/^default: /);
      expect(res.ms).toBeLessThan(PROBE_TIMEOUT * 4);
    } finally {
      await redis.start();
    }
  });

  it('health: a DataSource destroyed under the app is down, naming the alias', async () => {
    const other = await startApp(project.connection(), { secretKey, djangoVersion: BRIDGE_VERSION });
    try {
      await other.dataSource.destroy();
      const res = await health(other.app);
      expect(res.status).toBe(503);
      expect(res.body.error['django-database']).toMatchObject({ status: 'down', message: 'default: the DataSource of "default" is not initialized' });
      // No cache configured: reported up, as not used.
      expect(res.body.info['django-cache']).toEqual({ status: 'up', used: false, message: 'No cache configured' });
    } finally {
      await other.close();
    }
  });
});

describe(`Django ${LINE}, cache session engine on Redis`, () => {
  const secretKey = randomEnvSecret();
  let base: DjangoProject;
  let project: DjangoProject;
  let t: Started;

  beforeAll(async () => {
    base = DjangoProject.throwaway('sqlite', { line: LINE, secretKey, hashers: DJANGO_HASHERS });
    base.migrate();
    base.createUser({ username: 'carol', password: 'singer' });
    project = base.withSettings({ sessionEngine: 'cache', cacheBackend: REDIS, cacheLocation: redis.url(2) });
    t = await startApp(base.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, sessionEngine: 'cache', caches: { default: { backend: REDIS, location: redis.url(2) } } });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    // The original project owns the file; withSettings shares it.
    base?.dropDatabase();
  });

  it('testing helper: the session lands in Redis, where Django reads it', async () => {
    const cookie = await createDjangoSessionCookie(t.app, { username: 'carol' });
    expect(project.whoami({ sessionid: cookie.value })).toMatchObject({ authenticated: true, username: 'carol', session_exists: true });
    expect(project.sessionRow(cookie.value)).toBeNull();
    expect((await request(t.app.getHttpServer()).get('/me').set('Cookie', cookie.header)).body.username).toBe('carol');
  });
});

describe(`Django ${LINE} on PostgreSQL behind a proxy`, () => {
  const secretKey = randomEnvSecret();
  let project: DjangoProject;
  let proxy: TcpProxy;
  let t: Started;

  beforeAll(async () => {
    project = DjangoProject.throwaway('postgres', { line: LINE, secretKey, hashers: DJANGO_HASHERS });
    project.migrate();
    project.createUser({ username: 'dora', password: 'explorer' });
    proxy = await TcpProxy.start(5432);
    t = await startApp({ ...project.connection(), port: proxy.port, connectTimeoutMS: 300 }, { secretKey, djangoVersion: BRIDGE_VERSION });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    project?.dropDatabase();
  });

  it('up; a closed port is down quickly; a silent server is cut at the timeout; up again', async () => {
    expect((await health(t.app)).status).toBe(200);

    await proxy.close();
    const closed = await health(t.app);
    expect(closed.status).toBe(503);
    expect(closed.body.error['django-database'].status).toBe('down');
    expect(closed.body.error['django-database'].message).toMatch(/^default: /);
    expect(closed.ms).toBeLessThan(PROBE_TIMEOUT * 4);

    proxy.silent = true;
    await proxy.open();
    const silent = await health(t.app);
    expect(silent.status).toBe(503);
    expect(silent.body.error['django-database'].message).toMatch(/^default: /);
    expect(silent.ms).toBeGreaterThanOrEqual(250);
    expect(silent.ms).toBeLessThan(PROBE_TIMEOUT * 4);
    await proxy.close();

    proxy.silent = false;
    await proxy.open();
    let last = await health(t.app);
    for (let i = 0; i < 20 && last.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      last = await health(t.app);
    }
    expect(last.status).toBe(200);
    // The testing helper works over the same connection, and Django agrees.
    const cookie = await createDjangoSessionCookie(t.app, { username: 'dora' });
    expect(project.whoami({ sessionid: cookie.value })).toMatchObject({ authenticated: true, username: 'dora' });
  });
});
