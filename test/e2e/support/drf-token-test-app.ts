/**
 * A Nest app whose routes accept DRF tokens (DjangoAuthGuard, authentication ['session', 'token']),
 * with test-only routes that make, rotate and delete a user's token through DrfTokenService.
 */
import 'reflect-metadata';
import { Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Req, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CurrentCredential, CurrentUser, DjangoAuthGuard, DjangoBridgeModule, djangoEntities, DjangoUserStore, Public, RequirePermissions, type CredentialMatch, type DjangoBridgeOptions, type DjangoUser } from '@django-bridge/nest';
import { DjangoPassportModule } from '@django-bridge/nest/passport';
import { DrfTokenService, type DrfToken } from '../../../libs/nest/src/drf-token/index.js';
import type { DjangoConnection } from '../../django/django-project.js';
import type { AdapterName } from './bridge-test-app.js';
import { listenOnLoopback, type ListeningApp } from './listening-app.js';

const tokenView = (token: DrfToken | null) => token && { key: token.key, userId: token.userId, created: token.created.toISOString() };

@Controller()
@UseGuards(DjangoAuthGuard)
class DrfTokenController {
  constructor(
    private readonly tokens: DrfTokenService,
    @Inject(DjangoUserStore) private readonly users: DjangoUserStore,
  ) {}

  @Get('me')
  me(@CurrentUser() user: DjangoUser, @CurrentCredential() match: CredentialMatch | null) {
    return { username: user.username, credential: match?.credential ?? null, key: (match?.auth as DrfToken | null)?.key ?? null };
  }

  @Get('notes')
  @RequirePermissions('notes.add_note')
  notes(@CurrentUser() user: DjangoUser) {
    return { username: user.username };
  }

  @Get('passport/token')
  @Public()
  @UseGuards(AuthGuard('django-token'))
  passport(@Req() req: { user: DjangoUser }) {
    return { username: req.user.username };
  }

  private async user(username: string): Promise<DjangoUser> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new NotFoundException(username);
    return user;
  }

  @Get('tokens/:username')
  @Public()
  async forUser(@Param('username') username: string) {
    return { token: tokenView(await this.tokens.forUser(await this.user(username))) };
  }

  @Post('tokens/:username')
  @Public()
  @HttpCode(200)
  async create(@Param('username') username: string) {
    const { token, created } = await this.tokens.getOrCreate(await this.user(username));
    return { token: tokenView(token), created };
  }

  @Post('tokens/:username/rotate')
  @Public()
  @HttpCode(200)
  async rotate(@Param('username') username: string) {
    return { token: tokenView(await this.tokens.rotate(await this.user(username))) };
  }

  @Delete('tokens/:username')
  @Public()
  async remove(@Param('username') username: string) {
    return { deleted: await this.tokens.delete(await this.user(username)) };
  }
}

export async function startDrfTokenApp(adapter: AdapterName, connection: DjangoConnection, options: Omit<DjangoBridgeOptions, 'dataSource'>): Promise<ListeningApp> {
  const dataSource = new DataSource({ ...connection, synchronize: false, logging: false, entities: djangoEntities() } as never);
  await dataSource.initialize();

  @Module({ imports: [DjangoBridgeModule.forRoot({ authentication: ['session', 'token'], ...options, dataSource }), DjangoPassportModule], controllers: [DrfTokenController] })
  class DrfTokenTestModule {}

  const app = await NestFactory.create(DrfTokenTestModule, adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  return listenOnLoopback(app, dataSource);
}
