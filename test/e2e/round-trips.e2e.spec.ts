/**
 * Round trips per request on each database (SQLite, MariaDB, PostgreSQL), counted on the
 * DataSource itself (statements sent, query runners taken, the pool's own acquisitions), against
 * Django's own schema and a session Django logged in:
 * - a guarded who-am-I with groups and permissions is three statements (session row, user, one
 *   for groups and permissions together) on one pool checkout, and a second ask in the same
 *   request is free; a route that needs neither sends no permission statement;
 * - the permission strings are exactly Django's `get_all_permissions()` (ordinary user, superuser,
 *   inactive user), the groups exactly `user.groups`;
 * - no connection is held while a handler does slow work of its own, and after a storm of ordinary,
 *   aborted and failing requests on Express and Fastify every pool connection is back in the pool.
 * It also prints requests per second of the guarded who-am-I (a figure, not an assertion).
 */
import 'reflect-metadata';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Post, Req, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { CurrentUser, DjangoAuthService, DjangoBridgeModule, djangoEntities, DjangoSessionGuard, DjangoSessionService, OptionalAuth, RequireGroups, RequirePermissions, TypeOrmUserStore, type DjangoUser } from '@django-bridge/nest';
import { cookieHeader, djangoCalls as c, DjangoProject, type DjangoEngine } from '../django/django-project.js';
import { BRIDGE_VERSION } from './support/django-line.js';
import { RoundTripCounter } from './support/round-trip-counter.js';
import { randomEnvSecret } from '../support/random.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Set by the test that checks the pool while a handler sleeps. */
let duringSlowHandler: (() => void) | undefined;

@Controller()
class RoundTripController {
  constructor(
    private readonly auth: DjangoAuthService,
    private readonly sessions: DjangoSessionService,
  ) {}

  @Get('me')
  @UseGuards(DjangoSessionGuard)
  async me(@CurrentUser() user: DjangoUser) {
    const [groups, permissions] = await Promise.all([this.auth.groupNames(user), this.auth.allPermissions(user)]);
    return { username: user.username, groups, permissions: [...permissions].sort() };
  }

  @Get('me/twice')
  @UseGuards(DjangoSessionGuard)
  async twice(@CurrentUser() user: DjangoUser) {
    const first = [...(await this.auth.allPermissions(user))].sort();
    const groups = await this.auth.groupNames(user);
    const again = [...(await this.auth.allPermissions(user))].sort();
    return { same: JSON.stringify(first) === JSON.stringify(again), groups };
  }

  @Get('plain')
  @UseGuards(DjangoSessionGuard)
  plain(@CurrentUser() user: DjangoUser) {
    return { username: user.username };
  }

  @Get('maybe')
  @UseGuards(DjangoSessionGuard)
  @OptionalAuth()
  maybe(@CurrentUser() user: DjangoUser | null) {
    return { username: user?.username ?? null };
  }

  @Get('perm')
  @UseGuards(DjangoSessionGuard)
  @RequirePermissions('notes.add_note')
  perm() {
    return { ok: true };
  }

  @Get('group')
  @UseGuards(DjangoSessionGuard)
  @RequireGroups('editors')
  group() {
    return { ok: true };
  }

  @Get('slow')
  @UseGuards(DjangoSessionGuard)
  async slow(@CurrentUser() user: DjangoUser) {
    await sleep(150);
    duringSlowHandler?.();
    await sleep(150);
    return { username: user.username, permissions: (await this.auth.allPermissions(user)).size };
  }

  @Get('boom')
  @UseGuards(DjangoSessionGuard)
  async boom(@CurrentUser() user: DjangoUser) {
    await this.auth.allPermissions(user);
    throw new Error('the handler failed');
  }

  @Post('boom-early')
  async boomEarly(@Req() req: object) {
    await this.sessions.load(req);
    throw new Error('failed after the session read');
  }
}

/** How many times each finished Express request's Cookie header was read, in order. */
const cookieReads: number[] = [];

function countCookieReads(req: { headers: Record<string, unknown> }, res: { on(event: 'finish', listener: () => void): void }, next: () => void): void {
  let reads = 0;
  req.headers = new Proxy(req.headers, {
    get(target, name) {
      if (name === 'cookie') reads += 1;
      return target[name as string];
    },
  });
  res.on('finish', () => cookieReads.push(reads));
  next();
}

interface RoundTripApp {
  url: string;
  dataSource: DataSource;
  counter: RoundTripCounter;
  close(): Promise<void>;
}

async function startApp(adapter: 'express' | 'fastify', connection: Record<string, unknown>, secretKey: string): Promise<RoundTripApp> {
  const dataSource = new DataSource({ ...connection, synchronize: false, logging: false, entities: djangoEntities() } as never);
  await dataSource.initialize();
  const counter = new RoundTripCounter(dataSource);
  @Module({ imports: [DjangoBridgeModule.forRoot({ secretKey, djangoVersion: BRIDGE_VERSION, dataSource })], controllers: [RoundTripController] })
  class RoundTripModule {}
  const app: INestApplication = await NestFactory.create(RoundTripModule, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  if (adapter === 'express') app.use(countCookieReads);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return {
    url,
    dataSource,
    counter,
    async close() {
      await app.close();
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    },
  };
}

async function get(url: string, path: string, cookie?: string): Promise<{ status: number; body: any }> {
  const send = () => fetch(url + path, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(20_000) });
  // A kept-alive socket the server closed while a slow Django step ran is reset on reuse: once more on a fresh one.
  const res = await send().catch((err: { cause?: { code?: string } }) => {
    if (err?.cause?.code === 'ECONNRESET') return send();
    throw err;
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A request whose client goes away after `afterMs` (before or while the bridge queries). */
function aborted(url: string, path: string, cookie: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest(url + path, { headers: { cookie } });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    req.end();
    setTimeout(() => {
      req.destroy();
      resolve();
    }, afterMs);
  });
}

/** Waits until every connection the pool made is idle again (or 5 s pass), then reads it. */
async function settledPool(counter: RoundTripCounter): Promise<{ total: number; free: number } | null> {
  const until = Date.now() + 5_000;
  let pool = counter.pool();
  while (pool && pool.free !== pool.total && Date.now() < until) {
    await sleep(20);
    pool = counter.pool();
  }
  return pool;
}

describe.each(['sqlite', 'mysql', 'postgres'] as DjangoEngine[])('round trips on %s', (engine) => {
  const secretKey = randomEnvSecret();
  let django: DjangoProject;
  let t: RoundTripApp;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    django = DjangoProject.throwaway(engine, { secretKey });
    const [, , , , , , alice, root, bob] = django.batch([
      c.migrate(),
      c.createGroup('editors', ['notes.change_note', 'notes.view_note']),
      c.createGroup('readers', ['notes.view_note']),
      c.createUser({ username: 'alice', password: 'alice-pw', groups: ['readers', 'editors'], permissions: ['notes.add_note', 'notes.change_note', 'auth.view_user'] }),
      c.createUser({ username: 'root', password: 'root-pw', isSuperuser: true, groups: ['readers'] }),
      c.createUser({ username: 'bob', password: 'bob-pw' }),
      c.login('alice', 'alice-pw'),
      c.login('root', 'root-pw'),
      c.login('bob', 'bob-pw'),
    ] as const);
    cookies.alice = cookieHeader(alice.cookies);
    cookies.root = cookieHeader(root.cookies);
    cookies.bob = cookieHeader(bob.cookies);
    t = await startApp('express', django.connection() as never, secretKey);
  });
  afterAll(async () => {
    await t?.close();
    django?.dropDatabase();
  });

  it('answers a guarded who-am-I with groups and permissions in three statements on one checkout', async () => {
    for (const name of ['alice', 'root', 'bob']) {
      t.counter.take();
      const res = await get(t.url, '/me', cookies[name]);
      const trips = t.counter.take();
      expect(res.status).toBe(200);
      expect(res.body.permissions).toEqual(django.permissions(name));
      expect(res.body.groups).toEqual([...django.getUser(name).groups].sort());
      expect(trips.statements).toBe(3);
      expect(trips.runners).toBe(1);
      if (engine !== 'sqlite') expect(trips.acquires).toBe(1);
    }
  });

  it('asks for groups and permissions once per request, and not at all when the route needs neither', async () => {
    const expectTrips = async (path: string, cookie: string | undefined, status: number, statements: number) => {
      t.counter.take();
      const res = await get(t.url, path, cookie);
      const trips = t.counter.take();
      expect({ path, status: res.status, statements: trips.statements }).toEqual({ path, status, statements });
      expect(trips.runners).toBeLessThanOrEqual(1);
      return res;
    };
    expect((await expectTrips('/me/twice', cookies.alice, 200, 3)).body).toEqual({ same: true, groups: ['editors', 'readers'] });
    await expectTrips('/plain', cookies.alice, 200, 2);
    await expectTrips('/maybe', cookies.alice, 200, 2);
    await expectTrips('/maybe', undefined, 200, 0);
    await expectTrips('/perm', cookies.alice, 200, 3);
    await expectTrips('/perm', cookies.bob, 403, 3);
    // An active superuser has every permission without asking the database.
    await expectTrips('/perm', cookies.root, 200, 2);
    await expectTrips('/group', cookies.alice, 200, 3);
    await expectTrips('/group', cookies.root, 403, 3);
  });

  it('reads the Cookie header once per request', async () => {
    for (const path of ['/me', '/perm', '/maybe']) {
      cookieReads.length = 0;
      expect((await get(t.url, path, cookies.alice)).status).toBe(200);
      await sleep(20);
      expect({ path, reads: cookieReads }).toEqual({ path, reads: [1] });
    }
  });

  it('reads groups and permissions as Django does for ordinary, superuser and inactive users', async () => {
    const store = new TypeOrmUserStore(t.dataSource);
    django.batch([c.createUser({ username: 'idle', password: 'idle-pw', groups: ['editors'], permissions: ['notes.add_note'], isActive: false })]);
    for (const name of ['alice', 'root', 'bob', 'idle']) {
      const user = (await store.findByUsername(name))!;
      const { groups, permissions } = await store.groupsAndPermissions(user);
      expect({ name, permissions: [...permissions].sort() }).toEqual({ name, permissions: django.permissions(name) });
      expect({ name, groups }).toEqual({ name, groups: [...django.getUser(name).groups].sort() });
      // The separate calls agree with the combined one.
      expect(await store.groupNames(user)).toEqual(groups);
      expect([...(await store.allPermissions(user))].sort()).toEqual([...permissions].sort());
    }
  });

  it('holds no connection while a handler does slow work of its own', async () => {
    let seen: { total: number; free: number } | null | undefined;
    duringSlowHandler = () => {
      seen = t.counter.pool();
    };
    try {
      t.counter.take();
      const res = await get(t.url, '/slow', cookies.alice);
      expect(res.status).toBe(200);
      if (engine !== 'sqlite') {
        expect(seen!.total).toBeGreaterThan(0);
        expect(seen!.free).toBe(seen!.total);
      }
      // The guard's two statements on one checkout, the handler's later one on another.
      expect(t.counter.take()).toMatchObject({ statements: 3, runners: 2 });
    } finally {
      duringSlowHandler = undefined;
    }
  });

  it.each(['express', 'fastify'] as const)('leaks no connection on %s after ordinary, aborted and failing requests', async (adapter) => {
    const app = adapter === 'express' ? t : await startApp(adapter, django.connection() as never, secretKey);
    try {
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 120; i += 1) {
        const cookie = [cookies.alice, cookies.root, cookies.bob][i % 3];
        switch (i % 6) {
          case 0:
            work.push(get(app.url, '/me', cookie));
            break;
          case 1:
            work.push(aborted(app.url, '/me', cookie, i % 4));
            break;
          case 2:
            work.push(get(app.url, '/boom', cookie));
            break;
          case 3:
            work.push(fetch(app.url + '/boom-early', { method: 'POST', headers: { cookie } }).then((r) => r.text()));
            break;
          case 4:
            work.push(get(app.url, '/perm', 'sessionid=doesnotexist'));
            break;
          default:
            work.push(aborted(app.url, '/slow', cookie, 50));
        }
      }
      await Promise.all(work);
      const pool = await settledPool(app.counter);
      if (engine !== 'sqlite') {
        expect(pool!.total).toBeGreaterThan(0);
        expect(pool!.free).toBe(pool!.total);
      }
      // And the app still answers, with the same round trips.
      await sleep(400);
      app.counter.take();
      expect((await get(app.url, '/me', cookies.alice)).status).toBe(200);
      expect(app.counter.take()).toMatchObject({ statements: 3, runners: 1 });
    } finally {
      if (app !== t) await app.close();
    }
  });

  it('prints requests per second of the guarded who-am-I', async () => {
    const seconds = 3;
    const concurrency = 16;
    t.counter.take();
    let done = 0;
    const until = Date.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          const res = await fetch(t.url + '/me', { headers: { cookie: cookies.alice } });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`status ${res.status}`);
          done += 1;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const trips = t.counter.take();
    process.stdout.write(
      `[round-trips] ${engine} GET /me (groups + permissions), ${concurrency} concurrent, ${seconds} s in process: ${Math.round(done / elapsed)} req/s; per request ${(trips.statements / done).toFixed(2)} statements, ${(trips.runners / done).toFixed(2)} runners, ${(trips.acquires / done).toFixed(2)} pool acquisitions\n`,
    );
    expect(done).toBeGreaterThan(0);
  });
});
