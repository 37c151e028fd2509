/**
 * Every database I/O has a bound, proven on a real MariaDB server that this file starts on its own
 * port (test/support/private-mariadb-server.ts) and then pauses (SIGSTOP: the kernel still accepts
 * connections, the server answers nothing, as a stalled or failing-over database does) and kills
 * (SIGKILL), with Django's schema migrated by Django itself and a session Django logged in:
 * - during the stall every guarded request and login is a 503 within the bound (databaseTimeout
 *   plus scheduling slack), never a hang; routes that need no database (unguarded ones, with a
 *   session cookie or without; /health within its own timeout) answer at once;
 * - right after SIGCONT the same requests are 200 again, and no pool connection stays wedged;
 * - after SIGKILL and a restart on the same data directory, the sessions made before the faults
 *   (by the bridge and by Django) still work: nothing written before the fault is lost.
 * The same stall on a private PostgreSQL closes the file.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { DjangoAuthService, DjangoBridgeModule, DjangoCsrfService, djangoEntities, DjangoSessionService } from '@django-bridge/nest';
import { DjangoHealthIndicator } from '@django-bridge/nest/terminus';
import { DjangoProject, djangoCalls as c } from '../django/django-project.js';
import { BRIDGE_VERSION } from './support/django-line.js';
import { listenOnLoopback, type ListeningApp } from './support/listening-app.js';
import { BridgeRoutes } from '../support/bridge-routes.js';
import { randomEnvSecret } from '../support/random.js';
import { startPrivateMariaDb, type PrivateMariaDb } from '../support/private-mariadb-server.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres-server.js';

/** The bound under test: the bridge's default databaseTimeout. */
const BOUND = 3_000;
/** What a 503 may take beyond the bound on a loaded 2-core machine (timers, the event loop, HTTP). */
const SLACK = 1_000;
/** The health probe's own timeout. */
const HEALTH_TIMEOUT = 1_000;

/** The shared routes (/public, /me, /login, /logout...) and a /health that probes the database. */
@Controller()
class StallController extends BridgeRoutes {
  constructor(
    auth: DjangoAuthService,
    sessions: DjangoSessionService,
    csrf: DjangoCsrfService,
    private readonly health: HealthCheckService,
    private readonly django: DjangoHealthIndicator,
  ) {
    super(auth, sessions, csrf);
  }

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.django.database('django-database', { timeout: HEALTH_TIMEOUT })]);
  }
}

async function startStallApp(connection: Record<string, unknown>, secretKey: string): Promise<ListeningApp> {
  const dataSource = new DataSource({ ...connection, synchronize: false, logging: false, entities: djangoEntities() } as never);
  await dataSource.initialize();
  @Module({
    imports: [DjangoBridgeModule.forRoot({ secretKey, djangoVersion: BRIDGE_VERSION, dataSource }), TerminusModule],
    controllers: [StallController],
    providers: [DjangoHealthIndicator],
  })
  class StallModule {}
  return listenOnLoopback(await NestFactory.create(StallModule, new ExpressAdapter(), { logger: false }), dataSource);
}

interface Answer {
  status: number;
  ms: number;
  cookie?: string;
}

/** One HTTP request, timed; a request that hangs past 20 s fails the test instead of hanging it. */
async function call(url: string, path: string, options: { cookie?: string; body?: unknown } = {}): Promise<Answer> {
  const start = performance.now();
  const res = await fetch(url + path, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(20_000),
  });
  await res.arrayBuffer();
  const set = res.headers.getSetCookie().find((h) => h.startsWith('sessionid='));
  return { status: res.status, ms: performance.now() - start, cookie: set ? set.split(';')[0] : undefined };
}

function summary(answers: Answer[]): string {
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  const statuses = [...new Set(answers.map((a) => a.status))].join('/');
  return `${answers.length} answers (${statuses}), median ${Math.round(ms[Math.floor(ms.length / 2)])} ms, max ${Math.round(ms[ms.length - 1])} ms`;
}

/** A burst of guarded requests, logins and logouts as a stalled server sees them, side by side. */
async function burst(url: string, cookies: string[], password: string) {
  const guarded = Array.from({ length: 40 }, (_, i) => call(url, '/me', { cookie: cookies[i % cookies.length] }));
  const logins = Array.from({ length: 8 }, () => call(url, '/login', { body: { username: 'alice', password } }));
  const logouts = [call(url, '/logout', { cookie: cookies[0], body: {} })];
  // Unguarded routes need no database, with a session cookie or without (sessions load lazily).
  const open = Array.from({ length: 10 }, (_, i) => call(url, '/public', i % 2 ? { cookie: cookies[i % cookies.length] } : {}));
  const health = Array.from({ length: 3 }, () => call(url, '/health'));
  return { guarded: await Promise.all([...guarded, ...logins, ...logouts]), open: await Promise.all(open), health: await Promise.all(health) };
}

function expectBounded(phase: string, b: Awaited<ReturnType<typeof burst>>) {
  // eslint-disable-next-line no-console
  console.log(`${phase}: guarded ${summary(b.guarded)}; unguarded ${summary(b.open)}; /health ${summary(b.health)}`);
  for (const a of b.guarded) {
    expect(a.status).toBe(503);
    expect(a.ms).toBeLessThan(BOUND + SLACK);
  }
  for (const a of b.open) {
    expect(a.status).toBe(200);
    expect(a.ms).toBeLessThan(SLACK);
  }
  for (const a of b.health) {
    expect(a.status).toBe(503);
    expect(a.ms).toBeLessThan(HEALTH_TIMEOUT + SLACK);
  }
}

/** `count` sessions of alice's, each made by a login through the bridge, one after the other. */
async function logins(url: string, count: number, password: string): Promise<string[]> {
  const made: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = await call(url, '/login', { body: { username: 'alice', password } });
    expect(a.status).toBe(200);
    made.push(a.cookie!);
  }
  return made;
}

/** Polls until `path` answers 200; how long that took after `since`. */
async function firstSuccess(url: string, cookie: string, since: number): Promise<number> {
  for (;;) {
    const a = await call(url, '/me', { cookie });
    if (a.status === 200) return performance.now() - since;
    if (performance.now() - since > 10_000) throw new Error(`no 200 within 10 s of the database coming back (last ${a.status})`);
  }
}

describe('a stalled, then killed, private MariaDB', () => {
  const secretKey = randomEnvSecret();
  const password = 'alice-stall-pw';
  let db: PrivateMariaDb;
  let django: DjangoProject;
  let app: ListeningApp | undefined;
  const cookies: string[] = [];
  let djangoCookie: string;

  beforeAll(async () => {
    db = await startPrivateMariaDb();
    django = DjangoProject.throwaway('mysql', { secretKey, port: db.port, name: 'djb_stall' });
    django.batch([c.migrate(), c.createUser({ username: 'alice', password })]);
    const login = django.login('alice', password);
    expect(login.status).toBe(200);
    djangoCookie = `sessionid=${login.cookies.sessionid}`;
    app = await startStallApp(django.connection() as unknown as Record<string, unknown>, secretKey);
    cookies.push(...(await logins(app.url, 4, password)));
    cookies.push(djangoCookie);
    for (const cookie of cookies) expect((await call(app.url, '/me', { cookie })).status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await db?.close();
  });

  it('answers every guarded request and login with a 503 within the bound while the server is stopped, the rest at once', async () => {
    db.pause();
    try {
      const first = await burst(app!.url, cookies, password);
      expectBounded('stall, first burst', first);
      // Once a statement has timed out, the stall is known: requests fail without waiting for the bound.
      const second = await burst(app!.url, cookies, password);
      expectBounded('stall, second burst', second);
      expect(second.guarded.filter((a) => a.ms < 500).length).toBeGreaterThan(second.guarded.length / 2);
    } finally {
      db.resume();
    }
  }, 60_000);

  it('is 200 again right after SIGCONT, with no connection of the pool left wedged', async () => {
    db.pause();
    await burst(app!.url, cookies, password);
    const resumed = performance.now();
    db.resume();
    const recovery = await firstSuccess(app!.url, cookies[1], resumed);
    // eslint-disable-next-line no-console
    console.log(`recovery after SIGCONT: first 200 after ${Math.round(recovery)} ms`);
    expect(recovery).toBeLessThan(1_000);
    // More requests side by side than the pool has connections: none waits behind a dead one.
    const after = await Promise.all(Array.from({ length: 40 }, (_, i) => call(app!.url, '/me', { cookie: cookies[1 + (i % (cookies.length - 1))] })));
    // eslint-disable-next-line no-console
    console.log(`after SIGCONT: ${summary(after)}`);
    for (const a of after) expect(a.status).toBe(200);
    expect((await call(app!.url, '/health')).status).toBe(200);
    const login = await call(app!.url, '/login', { body: { username: 'alice', password } });
    expect(login.status).toBe(200);
    cookies.push(login.cookie!);
  }, 60_000);

  it('after SIGKILL is a 503 at once, and after a restart on the same data directory every earlier session still works', async () => {
    await db.kill();
    const down = await Promise.all(Array.from({ length: 20 }, (_, i) => call(app!.url, '/me', { cookie: cookies[1 + (i % (cookies.length - 1))] })));
    // eslint-disable-next-line no-console
    console.log(`killed: ${summary(down)}`);
    for (const a of down) {
      expect(a.status).toBe(503);
      expect(a.ms).toBeLessThan(BOUND + SLACK);
    }
    await db.start();
    const restarted = performance.now();
    const recovery = await firstSuccess(app!.url, cookies[1], restarted);
    // eslint-disable-next-line no-console
    console.log(`recovery after restart: first 200 after ${Math.round(recovery)} ms`);
    // cookies[0] was logged out during the first stall only if that logout reached the server; it answered 503, so the session stands.
    for (const cookie of cookies) expect((await call(app!.url, '/me', { cookie })).status).toBe(200);
    // Django reads the same rows.
    expect(django.whoami({ sessionid: djangoCookie.split('=')[1] })).toMatchObject({ authenticated: true, username: 'alice' });
    expect(django.whoami({ sessionid: cookies[1].split('=')[1] })).toMatchObject({ authenticated: true, username: 'alice' });
    // Logging out works again and removes the row.
    expect((await call(app!.url, '/logout', { cookie: cookies[1], body: {} })).status).toBe(200);
    expect(await db.sql('SELECT session_key FROM django_session WHERE session_key = ?', [cookies[1].split('=')[1]], 'djb_stall')).toEqual([]);
  }, 90_000);
});

describe('a stalled private PostgreSQL', () => {
  const secretKey = randomEnvSecret();
  const password = 'bob-stall-pw';
  let pg: PrivatePostgres;
  let django: DjangoProject;
  let app: ListeningApp | undefined;
  const cookies: string[] = [];

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    django = DjangoProject.throwaway('postgres', { secretKey, port: pg.port, name: 'djb_stall' });
    django.batch([c.migrate(), c.createUser({ username: 'alice', password })]);
    app = await startStallApp(django.connection() as unknown as Record<string, unknown>, secretKey);
    cookies.push(...(await logins(app.url, 3, password)));
  }, 180_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await pg?.close();
  });

  it('is a 503 within the bound during the stall and 200 right after SIGCONT; sessions survive a SIGKILL and restart', async () => {
    pg.pause();
    let resumed = 0;
    try {
      expectBounded('postgres stall, first burst', await burst(app!.url, cookies, password));
      expectBounded('postgres stall, second burst', await burst(app!.url, cookies, password));
    } finally {
      resumed = performance.now();
      pg.resume();
    }
    const recovery = await firstSuccess(app!.url, cookies[1], resumed);
    // eslint-disable-next-line no-console
    console.log(`postgres recovery after SIGCONT: first 200 after ${Math.round(recovery)} ms`);
    expect(recovery).toBeLessThan(1_000);
    for (const a of await Promise.all(Array.from({ length: 30 }, (_, i) => call(app!.url, '/me', { cookie: cookies[1 + (i % 2)] })))) expect(a.status).toBe(200);
    await pg.kill();
    for (const a of await Promise.all(Array.from({ length: 10 }, () => call(app!.url, '/me', { cookie: cookies[1] })))) expect(a.status).toBe(503);
    await pg.start();
    await firstSuccess(app!.url, cookies[1], performance.now());
    for (const cookie of cookies.slice(1)) expect((await call(app!.url, '/me', { cookie })).status).toBe(200);
  }, 120_000);
});
