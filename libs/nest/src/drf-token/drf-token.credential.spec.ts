/**
 * DRF's TokenAuthentication in a real Nest app (Express and Fastify) over in-memory stores:
 * DjangoAuthGuard with ['session', 'token'], @AuthenticateWith('token'), @RequirePermissions,
 * @CurrentCredential, the 'django-token' Passport strategy, and a store that fails or hangs (503).
 * The e2e suite proves the same against real databases and a real Django.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { startMemoryBridgeApp, type AdapterName, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { randomEnvSecret } from '../../../../test/support/random.js';
import type { CredentialMatch } from '../auth/credentials/django-credential.js';
import { DjangoAuthGuard } from '../auth/django-auth.guard.js';
import { AuthenticateWith, CurrentCredential, CurrentUser, Public, RequirePermissions } from '../decorators/auth.decorators.js';
import type { DjangoUser } from '../users/django-user.js';
import { DRF_TOKEN_MESSAGES as M } from './drf-token-header.js';
import { generateDrfTokenKey } from './drf-token-key.js';
import { DrfTokenStore, type DrfToken } from './drf-token-store.js';
import { DrfTokenService } from './drf-token.service.js';
import { MemoryDrfTokenStore } from './memory-drf-token.store.js';

@Controller('t')
@UseGuards(DjangoAuthGuard)
class TokenController {
  @Get('me')
  me(@CurrentUser() user: DjangoUser, @CurrentCredential() match: CredentialMatch | null) {
    const token = match?.auth as DrfToken | null;
    return { username: user.username, credential: match?.credential, key: token?.key ?? null };
  }

  @Get('only-token')
  @AuthenticateWith('token')
  onlyToken(@CurrentUser() user: DjangoUser) {
    return { username: user.username };
  }

  @Get('notes')
  @RequirePermissions('notes.add_note')
  notes() {
    return { ok: true };
  }

  @Get('passport')
  @Public()
  @UseGuards(AuthGuard('django-token'))
  passport(@Req() req: { user: DjangoUser }, @CurrentCredential() match: CredentialMatch | null) {
    return { username: req.user.username, key: (match?.auth as DrfToken | undefined)?.key ?? null };
  }
}

/** A store that fails or never answers, to prove the 503s. */
class BrokenStore extends MemoryDrfTokenStore {
  mode: 'ok' | 'throw' | 'hang' = 'ok';
  override async findByKey(key: string): Promise<DrfToken | null> {
    if (this.mode === 'throw') throw new Error('connection refused at db.internal:5432');
    if (this.mode === 'hang') return new Promise(() => undefined);
    return super.findByKey(key);
  }
}


describe.each(['express', 'fastify'] as AdapterName[])('DRF tokens through %s', (adapter) => {
  const store = new BrokenStore();
  let t: MemoryBridgeApp;
  let tokens: DrfTokenService;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    t = await startMemoryBridgeApp({
      adapter,
      secretKey: randomEnvSecret(),
      controllers: [TokenController],
      options: { authentication: ['session', 'token'], drfToken: { store }, storeTimeout: 300 },
    });
    tokens = t.app.get(DrfTokenService);
    const alice = await t.users.addUser({ username: 'alice', password: 'pw', permissions: ['notes.add_note'] });
    const bob = await t.users.addUser({ username: 'bob', password: 'pw' });
    const sleepy = await t.users.addUser({ username: 'sleepy', password: 'pw', isActive: false });
    keys.alice = (await tokens.create(alice)).key;
    keys.bob = (await tokens.create(bob)).key;
    keys.sleepy = (await tokens.create(sleepy)).key;
    // A token whose user row is gone (no FK on this store): DRF's select_related finds no token.
    await store.insert({ key: generateDrfTokenKey(), userId: 999, created: new Date() });
    keys.orphan = store.all().find((row) => row.userId === 999)!.key;
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, authorization?: string) => {
    const req = t.http().get(path);
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };
  const refusal = (res: { status: number; body: { message?: string }; headers: Record<string, string> }) => [res.status, res.body.message, res.headers['www-authenticate']];

  it('authenticates `Token <key>` and gives the token row as the credential', async () => {
    const res = await get('/t/me', `Token ${keys.alice}`);
    expect([res.status, res.body]).toEqual([200, { username: 'alice', credential: 'token', key: keys.alice }]);
    expect((await get('/t/only-token', `token ${keys.bob}`)).body).toEqual({ username: 'bob' });
  });

  it.each([
    ['Token', M.noCredentials],
    ['Token a b', M.spaces],
    ['Token 0123456789abcdef0123456789abcdef01234567', M.invalidToken],
    ['Token ' + 'a'.repeat(41), M.invalidToken],
    // UTF-8 on the wire (Node hands it over as latin-1 text): decodes, then no such key.
    [Buffer.from('Token ünïcode', 'utf8').toString('latin1'), M.invalidToken],
  ])('refuses %j with 401, DRF\'s message and WWW-Authenticate: Token', async (header, message) => {
    expect(refusal(await get('/t/me', header))).toEqual([401, message, 'Token']);
  });

  it('refuses invalid UTF-8 bytes with DRF\'s message', async () => {
    const res = await get('/t/me', Buffer.from('Token \xff\xfe', 'latin1').toString('latin1'));
    expect(refusal(res)).toEqual([401, M.invalidCharacters, 'Token']);
  });

  it('refuses an inactive user and a token whose user is gone', async () => {
    expect(refusal(await get('/t/me', `Token ${keys.sleepy}`))).toEqual([401, M.inactive, 'Token']);
    expect(refusal(await get('/t/me', `Token ${keys.orphan}`))).toEqual([401, M.invalidToken, 'Token']);
  });

  it('answers 401 with the token challenge when no credential is present, and passes other schemes by', async () => {
    expect((await get('/t/me')).status).toBe(401);
    expect((await get('/t/me')).headers['www-authenticate']).toBe('Token');
    expect((await get('/t/me', `Bearer ${keys.alice}`)).status).toBe(401);
  });

  it('holds @RequirePermissions for a token user: 200 with the permission, 403 without', async () => {
    expect((await get('/t/notes', `Token ${keys.alice}`)).status).toBe(200);
    expect((await get('/t/notes', `Token ${keys.bob}`)).status).toBe(403);
  });

  it('sees rotation and deletion at once', async () => {
    const carol = await t.users.addUser({ username: 'carol', password: 'pw' });
    const first = await tokens.create(carol);
    expect(await tokens.create(carol)).toEqual(first);
    const second = await tokens.rotate(carol);
    expect(second.key).toMatch(/^[0-9a-f]{40}$/);
    expect(second.key).not.toBe(first.key);
    expect(refusal(await get('/t/me', `Token ${first.key}`))).toEqual([401, M.invalidToken, 'Token']);
    expect((await get('/t/me', `Token ${second.key}`)).body.username).toBe('carol');
    expect(await tokens.forUser(carol)).toEqual(second);
    expect(await tokens.delete(carol)).toBe(true);
    expect(await tokens.delete(carol)).toBe(false);
    expect(await tokens.forUser(carol)).toBeNull();
    expect(refusal(await get('/t/me', `Token ${second.key}`))).toEqual([401, M.invalidToken, 'Token']);
  });

  it("authenticates through Passport's 'django-token' strategy, with DRF's refusals", async () => {
    expect((await get('/t/passport', `Token ${keys.bob}`)).body).toEqual({ username: 'bob', key: keys.bob });
    expect(refusal(await get('/t/passport', `Token ${keys.sleepy}`))).toEqual([401, M.inactive, 'Token']);
    expect((await get('/t/passport')).status).toBe(401);
  });

  it('answers 503, never 500 or a login decision, when the store fails or hangs', async () => {
    try {
      store.mode = 'throw';
      const failed = await get('/t/me', `Token ${keys.alice}`);
      expect(failed.status).toBe(503);
      expect(JSON.stringify(failed.body)).not.toContain('db.internal');
      store.mode = 'hang';
      const started = Date.now();
      expect((await get('/t/me', `Token ${keys.alice}`)).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      store.mode = 'ok';
    }
    expect((await get('/t/me', `Token ${keys.alice}`)).status).toBe(200);
  });

  it('provides the store it was given, guarded', () => {
    expect(t.app.get(DrfTokenStore)).not.toBe(store);
  });
});
