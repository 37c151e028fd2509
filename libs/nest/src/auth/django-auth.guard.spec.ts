/**
 * DjangoAuthGuard and DjangoCredentials through a real Nest app (Express and Fastify) over the
 * in-memory stores: credentials are tried in the `authentication` order, the first one a request
 * carries decides (a bad one is a 401 with its WWW-Authenticate challenge, never a fall-through),
 * @AuthenticateWith narrows a route, @RequirePermissions holds for every credential, a failing store
 * is a 503, and an unknown credential name fails start-up.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, Injectable, Post, UseGuards, type OnModuleInit } from '@nestjs/common';
import { DjangoCsrfGuard } from '../csrf/django-csrf.guard.js';
import { DjangoCredentials } from './credentials/django-credentials.js';
import type { CredentialMatch, DjangoCredential } from './credentials/django-credential.js';
import { DjangoAuthGuard } from './django-auth.guard.js';
import { AuthenticateWith, CurrentCredential, CurrentUser, OptionalAuth, RequirePermissions } from '../decorators/auth.decorators.js';
import { DjangoNotAuthenticated } from '../errors/bridge-exceptions.js';
import { DjangoDatabaseUnavailable } from '../database/database-unavailable.js';
import { DjangoUserStore } from '../users/django-user-store.js';
import type { DjangoUser } from '../users/django-user.js';
import { requestHeader } from '../http/http-adapter.js';
import { loginCookie, startMemoryBridgeApp, UnitController, type AdapterName, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { randomEnvSecret } from '../../../../test/support/random.js';

/** `Authorization: Key <username>`: a stand-in for an API key credential, registered by the app. */
@Injectable()
class KeyCredential implements DjangoCredential, OnModuleInit {
  readonly name = 'key';
  readonly csrfExempt = true;

  constructor(
    private readonly credentials: DjangoCredentials,
    private readonly users: DjangoUserStore,
  ) {}

  onModuleInit(): void {
    this.credentials.register(this);
  }

  async authenticate(request: object): Promise<CredentialMatch | null> {
    const header = requestHeader(request, 'authorization');
    if (!header?.startsWith('Key ')) return null;
    const value = header.slice(4);
    if (value === 'down') throw new DjangoDatabaseUnavailable(new Error('store down'));
    const user = await this.users.findByUsername(value);
    if (!user) throw new DjangoNotAuthenticated('Invalid key.', this.challenge());
    return { user, credential: this.name, auth: { key: value } };
  }

  challenge(): string {
    return 'Key realm="test"';
  }
}

@Controller('c')
@UseGuards(DjangoAuthGuard)
class CredentialController {
  @Get('me')
  me(@CurrentUser() user: DjangoUser, @CurrentCredential() match: CredentialMatch | null) {
    return { username: user.username, credential: match?.credential ?? null, auth: match?.auth ?? null };
  }

  @Get('key-only')
  @AuthenticateWith('key')
  keyOnly(@CurrentUser('username') username: string) {
    return { username };
  }

  @Get('session-only')
  @AuthenticateWith('session')
  sessionOnly(@CurrentUser('username') username: string) {
    return { username };
  }

  @Get('perm')
  @RequirePermissions('notes.view_note')
  perm(@CurrentUser('username') username: string) {
    return { username };
  }

  @Post('write')
  @UseGuards(DjangoCsrfGuard)
  @HttpCode(200)
  write(@CurrentUser('username') username: string) {
    return { username };
  }

  @Get('optional')
  @OptionalAuth()
  optional(@CurrentUser() user: DjangoUser | null) {
    return { username: user?.username ?? null };
  }
}

describe.each<AdapterName>(['express', 'fastify'])('DjangoAuthGuard over %s', (adapter) => {
  let t: MemoryBridgeApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function start(authentication?: string[]): Promise<MemoryBridgeApp> {
    t = await startMemoryBridgeApp({ secretKey: randomEnvSecret(), adapter, options: authentication ? { authentication } : {}, controllers: [CredentialController, UnitController], providers: [KeyCredential] });
    await t.users.addUser({ username: 'alice', password: 'pw-alice' });
    await t.users.addUser({ username: 'bob', password: 'pw-bob', permissions: ['notes.view_note'] });
    await t.users.addUser({ username: 'off', password: 'pw-off', isActive: false });
    return t;
  }

  it('takes the first credential the request carries, in the option order, and says which', async () => {
    const app = await start(['session', 'key']);
    const cookie = await loginCookie(app, 'alice', 'pw-alice');
    expect((await app.http().get('/c/me').set('Cookie', cookie)).body).toEqual({ username: 'alice', credential: 'session', auth: null });
    expect((await app.http().get('/c/me').set('Authorization', 'Key bob')).body).toEqual({ username: 'bob', credential: 'key', auth: { key: 'bob' } });
    // Both: the session comes first in the option, so it decides.
    expect((await app.http().get('/c/me').set('Cookie', cookie).set('Authorization', 'Key bob')).body.username).toBe('alice');
  });

  it('refuses a bad credential with its challenge, never falling through to the next one', async () => {
    const app = await start(['key', 'session']);
    const cookie = await loginCookie(app, 'alice', 'pw-alice');
    const res = await app.http().get('/c/me').set('Cookie', cookie).set('Authorization', 'Key nobody');
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('Invalid key.');
    expect(res.headers['www-authenticate']).toBe('Key realm="test"');
    // No credential at all: 401 with the first challenge among the accepted credentials.
    const none = await app.http().get('/c/me');
    expect([none.status, none.headers['www-authenticate']]).toEqual([401, 'Key realm="test"']);
  });

  it('answers 503, not 401 or 500, when a credential store is down', async () => {
    const app = await start(['session', 'key']);
    const res = await app.http().get('/c/me').set('Authorization', 'Key down');
    expect(res.status).toBe(503);
  });

  it('narrows a route with @AuthenticateWith', async () => {
    const app = await start(['session', 'key']);
    const cookie = await loginCookie(app, 'alice', 'pw-alice');
    expect((await app.http().get('/c/key-only').set('Cookie', cookie)).status).toBe(401);
    expect((await app.http().get('/c/key-only').set('Authorization', 'Key alice')).body).toEqual({ username: 'alice' });
    const sessionOnly = await app.http().get('/c/session-only').set('Authorization', 'Key alice');
    expect([sessionOnly.status, sessionOnly.headers['www-authenticate']]).toEqual([401, undefined]);
  });

  it('applies @RequirePermissions to every credential', async () => {
    const app = await start(['session', 'key']);
    expect((await app.http().get('/c/perm').set('Authorization', 'Key alice')).status).toBe(403);
    expect((await app.http().get('/c/perm').set('Authorization', 'Key bob')).body).toEqual({ username: 'bob' });
    const bobCookie = await loginCookie(app, 'bob', 'pw-bob');
    expect((await app.http().get('/c/perm').set('Cookie', bobCookie)).status).toBe(200);
  });

  it('lets @OptionalAuth routes through without a credential, but not with a bad one', async () => {
    const app = await start(['session', 'key']);
    expect((await app.http().get('/c/optional')).body).toEqual({ username: null });
    expect((await app.http().get('/c/optional').set('Authorization', 'Key nobody')).status).toBe(401);
  });

  it('lets a header credential write without a CSRF token, as DRF does, but never a session cookie', async () => {
    const app = await start(['session', 'key']);
    const cookie = await loginCookie(app, 'alice', 'pw-alice');
    expect((await app.http().post('/c/write').set('Authorization', 'Key alice')).body).toEqual({ username: 'alice' });
    const refused = await app.http().post('/c/write').set('Cookie', cookie);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/^CSRF verification failed/);
  });

  it('accepts only the session by default', async () => {
    const app = await start();
    expect((await app.http().get('/c/me').set('Authorization', 'Key alice')).status).toBe(401);
  });

  it('fails start-up on an unknown credential name', async () => {
    await expect(start(['session', 'kerberos'])).rejects.toThrow(/Unknown credential "kerberos"/);
  });
});
