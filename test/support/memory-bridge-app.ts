/**
 * The bridge in a Nest testing module over in-memory stores (MemorySessionBackend, MemoryUserStore):
 * no database, no Django, real HTTP through supertest on Express or Fastify. For the unit specs of
 * libs/nest; the e2e suites prove the same layer against real databases and a real Django.
 */
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, HttpException, Inject, Param, Post, Req, UseGuards, type INestApplication, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { MemorySessionBackend, newSessionKey, PasswordHashers, type SessionBackend } from '@django-bridge/core';
import request from 'supertest';
import { BridgeRoutes } from './bridge-routes.js';
import { DjangoAuthService } from '../../libs/nest/src/auth/django-auth.service.js';
import { DjangoPermissionsGuard } from '../../libs/nest/src/auth/django-permissions.guard.js';
import { DjangoSessionGuard } from '../../libs/nest/src/auth/django-session.guard.js';
import { DjangoCsrfGuard } from '../../libs/nest/src/csrf/django-csrf.guard.js';
import { DjangoCsrfService } from '../../libs/nest/src/csrf/django-csrf.service.js';
import { RequireGroups, RequirePermissions, StaffOnly } from '../../libs/nest/src/decorators/auth.decorators.js';
import { DjangoBridgeModule } from '../../libs/nest/src/django-bridge.module.js';
import { DjangoPassportModule } from '@django-bridge/nest/passport';
import type { DjangoBridgeOptions } from '../../libs/nest/src/django-bridge.options.js';
import { DjangoSessionStore } from '../../libs/nest/src/session/django-session-store.js';
import { DjangoSessionService } from '../../libs/nest/src/session/django-session.service.js';
import { MemoryUserStore } from '../../libs/nest/src/users/memory-user.store.js';

export type AdapterName = 'express' | 'fastify';

/** PBKDF2 at 1000 iterations: each login costs a millisecond, not a second (Django's 1.2 million). */
export const CHEAP_ITERATIONS = 1000;
export const cheapHashers = () => new PasswordHashers({ iterations: CHEAP_ITERATIONS });

/** Routes over every part of the bridge the unit specs drive: the shared ones, and these. */
@Controller()
export class UnitController extends BridgeRoutes {
  constructor(auth: DjangoAuthService, sessions: DjangoSessionService, csrf: DjangoCsrfService, @Inject(DjangoSessionStore) private readonly store: SessionBackend) {
    super(auth, sessions, csrf);
  }

  @Get('open')
  open() {
    return { ok: true };
  }

  @Get('can-add-and-delete')
  @UseGuards(DjangoSessionGuard)
  @RequirePermissions('notes.add_note', 'notes.delete_note')
  canAddAndDelete() {
    return { ok: true };
  }

  @Get('agents-and-editors')
  @UseGuards(DjangoSessionGuard)
  @RequireGroups('secret-agents', 'editors')
  agentsAndEditors() {
    return { ok: true };
  }

  @Get('unguarded/staff')
  @UseGuards(DjangoPermissionsGuard)
  @StaffOnly()
  unguardedStaff() {
    return { ok: true };
  }

  /** Reads the session without changing it. */
  @Get('session/read')
  async read(@Req() req: object) {
    const session = await this.sessions.load(req);
    return { key: session.key, cart: session.get('cart', null) };
  }

  @Post('cart')
  @HttpCode(200)
  async cart(@Req() req: object, @Body() body: { item: string }) {
    const session = await this.sessions.load(req);
    session.set('cart', [...session.get<string[]>('cart', [])!, body.item]);
    return { key: session.key, cart: session.get('cart') };
  }

  /** `set_expiry`: seconds, an ISO date, or null. */
  @Post('expiry')
  @HttpCode(200)
  async expiry(@Req() req: object, @Body() body: { seconds?: number; date?: string; reset?: boolean }) {
    const session = await this.sessions.load(req);
    session.set('touched', true);
    session.setExpiry(body.reset ? null : body.date !== undefined ? new Date(body.date) : body.seconds!);
    return { ok: true };
  }

  @Post('flush')
  @HttpCode(200)
  async flush(@Req() req: object) {
    await (await this.sessions.load(req)).flush();
    return { ok: true };
  }

  /** Another request logs out meanwhile: the row is gone when this one saves. */
  @Post('interrupted')
  @HttpCode(200)
  async interrupted(@Req() req: object) {
    const session = await this.sessions.load(req);
    await this.store.delete(session.key!);
    session.set('cart', ['late']);
    return { ok: true };
  }

  @Post('csrf/post')
  @HttpCode(200)
  @UseGuards(DjangoCsrfGuard)
  csrfPost() {
    return { ok: true };
  }

  @Get('csrf/get')
  @UseGuards(DjangoCsrfGuard)
  csrfGet() {
    return { ok: true };
  }

  @Post('cart-then-fail')
  async cartThenFail(@Req() req: object) {
    (await this.sessions.load(req)).set('cart', ['lost']);
    throw new Error('boom at secret.ts:12');
  }

  /** Changes the session, then answers with an HttpException of that status. */
  @Post('cart-then/:status')
  async cartThenStatus(@Req() req: object, @Param('status') status: string) {
    (await this.sessions.load(req)).set('cart', [`after ${status}`]);
    throw new HttpException('refused', Number(status));
  }
}

export interface MemoryBridgeApp {
  app: INestApplication;
  sessions: SessionBackend;
  users: MemoryUserStore;
  /** A supertest client on the app's server. */
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface MemoryBridgeAppOptions {
  adapter?: AdapterName;
  /** Options on top of secretKey, the two stores and cheap password hashing. */
  options?: Partial<DjangoBridgeOptions>;
  sessions?: SessionBackend;
  users?: MemoryUserStore;
  /** DjangoSessionGuard as APP_GUARD. */
  globalGuard?: boolean;
  controllers?: Type<unknown>[];
  providers?: Provider[];
}

/** Builds and starts the testing module; nothing listens until supertest makes a request. */
export async function startMemoryBridgeApp(opts: MemoryBridgeAppOptions & { secretKey: string }): Promise<MemoryBridgeApp> {
  const sessions = opts.sessions ?? new MemorySessionBackend();
  const users = opts.users ?? new MemoryUserStore({ hashers: cheapHashers() });
  const bridge = DjangoBridgeModule.forRoot({ secretKey: opts.secretKey, sessionEngine: sessions, userStore: users, passwordWorkFactors: { iterations: CHEAP_ITERATIONS }, ...opts.options });
  const moduleRef = await Test.createTestingModule({
    imports: [bridge, DjangoPassportModule],
    controllers: opts.controllers ?? [UnitController],
    providers: [...(opts.globalGuard ? [{ provide: APP_GUARD, useExisting: DjangoSessionGuard }] : []), ...(opts.providers ?? [])],
  }).compile();
  const adapter = opts.adapter ?? 'express';
  const app = moduleRef.createNestApplication(adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false });
  await app.init();
  if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return {
    app,
    sessions,
    users,
    http: () => request(app.getHttpServer()),
    close: () => app.close(),
  };
}

/** The Set-Cookie headers of a response, by cookie name. */
export function setCookies(res: { headers: Record<string, unknown> }): Record<string, string> {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  return Object.fromEntries(list.map((header) => [header.slice(0, header.indexOf('=')), header]));
}

/** The value of a Set-Cookie header. */
export function cookieValue(header: string | undefined): string | undefined {
  return header === undefined ? undefined : header.slice(header.indexOf('=') + 1, header.indexOf(';') < 0 ? undefined : header.indexOf(';'));
}

/** Stores a session straight into an engine (as Django's login would have), returning its key. */
export async function plantSession(engine: SessionBackend, data: Record<string, unknown>, ageSeconds = 3600): Promise<string> {
  const key = newSessionKey();
  const stored = await engine.create(key, data, { expireDate: new Date(Date.now() + ageSeconds * 1000), age: ageSeconds });
  if (stored === null) throw new Error('session key collision');
  return stored;
}

/** Logs in through POST /login and returns the request cookie header for the new session. */
export async function loginCookie(t: MemoryBridgeApp, username: string, password: string): Promise<string> {
  const res = await t.http().post('/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${res.text}`);
  return `sessionid=${cookieValue(setCookies(res).sessionid)}`;
}
