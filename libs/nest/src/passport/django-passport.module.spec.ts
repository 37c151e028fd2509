/**
 * DjangoPassportModule beside a bridge that is not global: `register({ imports: [bridge] })` gives
 * the strategies the bridge's services, and a Passport route authenticates a session made for it.
 * Memory stores, so no database is involved.
 */
import { describe, expect, it } from '@jest/globals';
import { MemorySessionBackend } from '@django-bridge/core';
import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DjangoBridgeModule } from '../django-bridge.module.js';
import { createDjangoSessionCookie } from '../testing/django-session-cookie.js';
import { MemoryUserStore } from '../users/memory-user.store.js';
import { DjangoPassportModule } from './django-passport.module.js';
import { DjangoSessionStrategy } from './django-session.strategy.js';

@Controller()
class PassportMeController {
  @Get('me')
  @UseGuards(AuthGuard('django-session'))
  me(@Req() req: { user: { username: string } }) {
    return { username: req.user.username };
  }
}

function localBridge(users = new MemoryUserStore()) {
  return DjangoBridgeModule.forRoot({ secretKey: 'passport-module-spec', sessionEngine: new MemorySessionBackend(), userStore: users, isGlobal: false });
}

describe('DjangoPassportModule', () => {
  it('register({ imports: [bridge] }) works with isGlobal: false; a Passport route takes the session', async () => {
    const users = new MemoryUserStore();
    await users.addUser({ username: 'ada', encodedPassword: '!' });
    const bridge = localBridge(users);
    const ref = await Test.createTestingModule({ imports: [bridge, DjangoPassportModule.register({ imports: [bridge] })], controllers: [PassportMeController] }).compile();
    expect(ref.get(DjangoSessionStrategy)).toBeInstanceOf(DjangoSessionStrategy);
    const app = ref.createNestApplication({ logger: false });
    await app.init();
    try {
      const cookie = await createDjangoSessionCookie(app, { username: 'ada' });
      await request(app.getHttpServer()).get('/me').set('Cookie', cookie.header).expect(200, { username: 'ada' });
      await request(app.getHttpServer()).get('/me').expect(401);
    } finally {
      await app.close();
    }
  });

  it('without it, a bridge that is not global leaves the strategies unresolvable (why register exists)', async () => {
    await expect(Test.createTestingModule({ imports: [localBridge(), DjangoPassportModule] }).compile()).rejects.toThrow(/can't resolve dependencies of the DjangoSessionStrategy/i);
  });

  it('refuses imports that are not an array', () => {
    expect(() => DjangoPassportModule.register({ imports: localBridge() as never })).toThrow(TypeError);
  });
});
