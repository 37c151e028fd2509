/**
 * A Nest app over the bridge for the password-reset and signed-cookie e2e tests, on Express or
 * Fastify: the shared routes (login, /me) plus reset links and signed cookies.
 */
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, NotFoundException, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { CurrentUser, DjangoAuthService, DjangoBridgeModule, DjangoCsrfService, DjangoPasswordResetService, DjangoSessionGuard, DjangoSessionService, DjangoSignedCookies, djangoEntities, SignedCookie, type DjangoBridgeOptions, type DjangoUser } from '@django-bridge/nest';
import type { DjangoConnection } from '../../django/django-project.js';
import { BridgeRoutes } from '../../support/bridge-routes.js';
import type { AdapterName } from './bridge-test-app.js';
import { listenOnLoopback, type ListeningApp } from './listening-app.js';

@Controller()
class LinksController extends BridgeRoutes {
  constructor(
    auth: DjangoAuthService,
    sessions: DjangoSessionService,
    csrf: DjangoCsrfService,
    private readonly resets: DjangoPasswordResetService,
    private readonly cookies: DjangoSignedCookies,
  ) {
    super(auth, sessions, csrf);
  }

  /** A link for a user, as a Nest "forgot password" view would e-mail it. */
  @Get('reset-link/:username')
  async resetLink(@Param('username') username: string) {
    const user = await this.auth.users.findByUsername(username);
    if (!user) throw new NotFoundException();
    return this.resets.makeLink(user);
  }

  @Get('reset/:uidb64/:token')
  async checkLink(@Param('uidb64') uidb64: string, @Param('token') token: string) {
    const user = await this.resets.userForLink(uidb64, token);
    return { valid: user !== null, username: user?.username ?? null };
  }

  @Post('reset/:uidb64/:token')
  @HttpCode(200)
  async confirm(@Param('uidb64') uidb64: string, @Param('token') token: string, @Body() body: { password?: unknown }) {
    const user = await this.resets.confirm(uidb64, token, body?.password as string);
    return { valid: true, username: user.username, password_changed: true };
  }

  /** PasswordChangeView: the new password, and this session stays logged in. */
  @Post('password')
  @HttpCode(200)
  @UseGuards(DjangoSessionGuard)
  async changePassword(@Req() req: object, @CurrentUser() user: DjangoUser, @Body() body: { password: string }) {
    await this.resets.setPassword(user, body.password, { request: req });
    return { ok: true };
  }

  @Get('cookie/set')
  setCookie(@Res({ passthrough: true }) res: object, @Query('value') value: string, @Query('salt') salt?: string, @Query('maxAge') maxAge?: string) {
    this.cookies.set(res, 'greeting', value, { salt, maxAge: maxAge === undefined ? undefined : Number(maxAge), httpOnly: true, sameSite: 'Lax' });
    return { ok: true };
  }

  @Get('cookie/get')
  getCookie(@SignedCookie('greeting', { salt: 'hello', maxAge: 3600 }) value: string) {
    return { value };
  }

  @Get('cookie/get-or-default')
  getCookieOrDefault(@SignedCookie('greeting', { salt: 'hello', maxAge: 3600, default: null }) value: string | null) {
    return { value };
  }

  @Get('cookie/read')
  readCookie(@Req() req: object, @Query('salt') salt?: string, @Query('maxAge') maxAge?: string) {
    return { value: this.cookies.get(req, 'greeting', { salt, maxAge: maxAge === undefined ? undefined : Number(maxAge), default: null }) };
  }
}

export async function startLinksApp(adapter: AdapterName, connection: DjangoConnection, options: Omit<DjangoBridgeOptions, 'dataSource'>): Promise<ListeningApp> {
  const dataSource = new DataSource({ ...connection, synchronize: false, logging: false, entities: djangoEntities() } as never);
  await dataSource.initialize();

  @Module({ imports: [DjangoBridgeModule.forRoot({ ...options, dataSource })], controllers: [LinksController] })
  class LinksModule {}

  const app = await NestFactory.create(LinksModule, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  return listenOnLoopback(app, dataSource);
}
