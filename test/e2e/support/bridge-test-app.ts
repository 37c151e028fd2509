/** A small Nest app over the bridge, started on Express or Fastify, for end-to-end tests. */
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post, Req, UseGuards } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { CurrentUser, djangoEntities, DjangoAuthService, DjangoCsrfGuard, DjangoCsrfService, DjangoBridgeModule, DjangoSessionGuard, DjangoSessionService, type DjangoBridgeOptions, type DjangoUser } from '@django-bridge/nest';
import { DjangoPassportModule } from '@django-bridge/nest/passport';
import type { DjangoConnection } from '../../django/django-project.js';
import { BridgeRoutes, userView } from '../../support/bridge-routes.js';
import { listenOnLoopback, type ListeningApp } from './listening-app.js';

export type AdapterName = 'express' | 'fastify';

const view = userView;

/** The shared routes, and those the e2e suites add (Passport, raw user, CSRF login). */
@Controller()
class TestController extends BridgeRoutes {
  constructor(auth: DjangoAuthService, sessions: DjangoSessionService, csrf: DjangoCsrfService) {
    super(auth, sessions, csrf);
  }

  /** The user object itself, as a careless controller would return it. */
  @Get('me/raw')
  @UseGuards(DjangoSessionGuard)
  meRaw(@CurrentUser() user: DjangoUser) {
    return user;
  }

  @Get('passport/me')
  @UseGuards(AuthGuard('django-session'))
  passportMe(@Req() req: { user: DjangoUser }) {
    return view(req.user);
  }

  @Post('passport/login')
  @HttpCode(200)
  @UseGuards(AuthGuard('django-password'))
  async passportLogin(@Req() req: { user: DjangoUser }) {
    await this.auth.login(req, req.user);
    return view(req.user);
  }

  @Get('basic')
  @UseGuards(AuthGuard('django-basic'))
  basic(@Req() req: { user: DjangoUser }) {
    return view(req.user);
  }

  @Post('cart')
  @HttpCode(200)
  async cart(@Req() req: object, @Body() body: { item: string }) {
    const session = await this.sessions.load(req);
    session.set('cart', [...session.get<string[]>('cart', [])!, body.item]);
    return { cart: session.get('cart') };
  }

  @Post('csrf/post')
  @HttpCode(200)
  @UseGuards(DjangoCsrfGuard, DjangoSessionGuard)
  csrfPost(@CurrentUser() user: DjangoUser) {
    return { ok: true, username: user.username };
  }

  @Post('csrf/login')
  @HttpCode(200)
  @UseGuards(DjangoCsrfGuard)
  async csrfLogin(@Req() req: object, @Body() body: { username?: unknown; password?: unknown }) {
    return this.login(req, body);
  }

  @Post('cart-then-fail')
  async cartThenFail(@Req() req: object) {
    (await this.sessions.load(req)).set('cart', ['lost']);
    throw new Error('boom');
  }
}

export type TestApp = ListeningApp;

const DJANGO_DATA_SOURCE = Symbol('DJANGO_DATA_SOURCE');

/** Starts the app; `wiring: 'async'` configures the bridge with forRootAsync and an injected DataSource. */
export async function startTestApp(adapter: AdapterName, connection: DjangoConnection, options: Omit<DjangoBridgeOptions, 'dataSource'>, wiring: 'sync' | 'async' = 'sync', globalGuard = false): Promise<TestApp> {
  const dataSource = new DataSource({ ...connection, synchronize: false, logging: false, entities: djangoEntities() } as never);
  await dataSource.initialize();

  @Module({ providers: [{ provide: DJANGO_DATA_SOURCE, useValue: dataSource }], exports: [DJANGO_DATA_SOURCE] })
  class DatabaseModule {}

  const bridge =
    wiring === 'sync'
      ? DjangoBridgeModule.forRoot({ ...options, dataSource })
      : DjangoBridgeModule.forRootAsync({ imports: [DatabaseModule], inject: [DJANGO_DATA_SOURCE], useFactory: async (ds: DataSource) => ({ ...options, dataSource: ds }) });

  @Module({ imports: [bridge, DjangoPassportModule], controllers: [TestController], providers: globalGuard ? [{ provide: APP_GUARD, useExisting: DjangoSessionGuard }] : [] })
  class TestModule {}

  const app = await NestFactory.create(TestModule, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  return listenOnLoopback(app, dataSource);
}
