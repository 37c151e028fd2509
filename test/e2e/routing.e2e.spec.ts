import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppLabelRouter, CurrentUser, DatabaseHints, DjangoBridgeModule, djangoEntities, DjangoSessionGuard, pathIsUnder } from '@django-bridge/nest';
import { djangoCalls as c, DjangoProject } from '../django/django-project.js';
import { BRIDGE_VERSION } from './support/django-line.js';
import { randomEnvSecret } from '../support/random.js';

@Controller()
class WhoController {
  @Get(['me', 'admin/me'])
  @UseGuards(DjangoSessionGuard)
  me(@CurrentUser('username') username: string) {
    return { username, hints: DatabaseHints.current() };
  }
}

/**
 * The router recipe through DjangoBridgeModule on both HTTP adapters: two real Django databases
 * of the run's line (DJANGO_LINE, default 5.2), the bridge configured for it,
 * request-scoped hints from the module's middleware, and many interleaved requests that must
 * never see each other's routing.
 */
describe.each(['express', 'fastify'] as const)('database routing over %s', (adapter) => {
  const secretKey = randomEnvSecret();
  const shared = DjangoProject.throwaway('sqlite', { secretKey });
  const local = DjangoProject.throwaway('sqlite', { secretKey });
  let app: INestApplication;
  let sources: DataSource[] = [];
  let sam: string;
  let ada: string;

  beforeAll(async () => {
    sam = shared.batch([c.migrate(), c.createUser({ username: 'sam', password: 'pw-sam-1' }), c.login('sam', 'pw-sam-1')])[2].cookies.sessionid;
    ada = local.batch([c.migrate(), c.createUser({ username: 'ada', password: 'pw-ada-1' }), c.login('ada', 'pw-ada-1')])[2].cookies.sessionid;
    sources = [new DataSource({ ...shared.connection(), entities: djangoEntities() } as never), new DataSource({ ...local.connection(), entities: djangoEntities() } as never)];
    await Promise.all(sources.map((s) => s.initialize()));
    @Module({
      imports: [
        DjangoBridgeModule.forRoot({
          secretKey,
          djangoVersion: BRIDGE_VERSION,
          databases: { default: sources[1], usersandsessions: sources[0] },
          databaseRouters: [new AppLabelRouter({ database: 'usersandsessions', bypass: (h) => pathIsUnder(String(h.path), '/admin') })],
        }),
      ],
      controllers: [WhoController],
    })
    class RoutingModule {}
    app = await NestFactory.create(RoutingModule, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
    await app.init();
    if (adapter === 'fastify') await (app.getHttpAdapter().getInstance() as { ready(): Promise<void> }).ready();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all(sources.filter((s) => s.isInitialized).map((s) => s.destroy()));
    shared.dropDatabase();
    local.dropDatabase();
  });

  const get = (path: string, session: string) => request(app.getHttpServer()).get(path).set('Cookie', `sessionid=${session}`);

  it('routes users and sessions to the shared database, and to the local one under /admin', async () => {
    const me = await get('/me', sam).expect(200);
    expect(me.body).toEqual({ username: 'sam', hints: { path: '/me', method: 'GET' } });
    await get('/admin/me', sam).expect(401);
    expect((await get('/admin/me', ada).expect(200)).body.username).toBe('ada');
    await get('/me', ada).expect(401);
  });

  it('keeps concurrent requests apart', async () => {
    const calls = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? (['/me', sam, 'sam'] as const) : (['/admin/me', ada, 'ada'] as const)));
    const answers = await Promise.all(calls.map(([path, session]) => get(path, session)));
    expect(answers.map((a) => [a.status, a.body.username])).toEqual(calls.map(([, , user]) => [200, user]));
  });
});
