/**
 * A Nest app over the bridge for the SimpleJWT e2e tests, on Express or Fastify: routes behind
 * DjangoAuthGuard (session and jwt), one needing a Django permission, and SimpleJWT's obtain and
 * refresh views with their request and response bodies.
 */
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AuthenticateWith, CurrentCredential, CurrentUser, DjangoAuthGuard, DjangoBridgeModule, djangoEntities, RequirePermissions, SimpleJwtAuthenticationFailed, SimpleJwtService, type CredentialMatch, type DjangoBridgeOptions, type DjangoUser } from '@django-bridge/nest';
import type { DjangoConnection } from '../../django/django-project.js';
import type { AdapterName } from './bridge-test-app.js';
import { listenOnLoopback, type ListeningApp } from './listening-app.js';

interface Reply {
  status?(code: number): unknown;
  code?(code: number): unknown;
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

/** SimpleJWT's views answer a refusal with their own body and the Bearer challenge. */
async function asView<T>(res: Reply, work: () => Promise<T>): Promise<T | object> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof SimpleJwtAuthenticationFailed)) throw err;
    if (typeof res.code === 'function') res.code(401);
    else res.status!(401);
    if (err.challenge) (res.header ?? res.setHeader)!.call(res, 'WWW-Authenticate', err.challenge);
    return err.body;
  }
}

@Controller()
class JwtController {
  constructor(private readonly jwt: SimpleJwtService) {}

  @Get('me')
  @UseGuards(DjangoAuthGuard)
  me(@CurrentUser() user: DjangoUser, @CurrentCredential() credential: CredentialMatch) {
    return { username: user.username, credential: credential.credential };
  }

  @Get('jwt-only')
  @UseGuards(DjangoAuthGuard)
  @AuthenticateWith('jwt')
  jwtOnly(@CurrentUser() user: DjangoUser) {
    return { username: user.username };
  }

  @Get('notes')
  @UseGuards(DjangoAuthGuard)
  @RequirePermissions('notes.view_note')
  notes(@CurrentUser() user: DjangoUser) {
    return { username: user.username, notes: [] };
  }

  @Post('api/token')
  @HttpCode(200)
  obtain(@Body() body: { username?: unknown; password?: unknown }, @Res({ passthrough: true }) res: Reply) {
    return asView(res, () => this.jwt.obtainPairWithPassword(body?.username, body?.password));
  }

  @Post('api/token/refresh')
  @HttpCode(200)
  refresh(@Body() body: { refresh?: unknown }, @Res({ passthrough: true }) res: Reply) {
    return asView(res, () => this.jwt.refresh(body?.refresh));
  }
}

export async function startJwtApp(adapter: AdapterName, connection: DjangoConnection, options: Omit<DjangoBridgeOptions, 'dataSource'>): Promise<ListeningApp> {
  const dataSource = new DataSource({ ...connection, synchronize: false, logging: false, entities: djangoEntities() } as never);
  await dataSource.initialize();
  const { Module } = await import('@nestjs/common');

  @Module({ imports: [DjangoBridgeModule.forRoot({ ...options, dataSource })], controllers: [JwtController] })
  class JwtModule {}

  const app = await NestFactory.create(JwtModule, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  return listenOnLoopback(app, dataSource);
}
