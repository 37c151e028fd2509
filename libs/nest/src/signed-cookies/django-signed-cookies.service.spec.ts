import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { signCookieValue } from '@django-bridge/core';
import { setCookies, startMemoryBridgeApp, type AdapterName, type MemoryBridgeApp } from '../../../../test/support/memory-bridge-app.js';
import { DjangoSignedCookies } from './django-signed-cookies.service.js';
import { SignedCookie } from './signed-cookie.decorator.js';

const secretKey = 'unit-cookie-key';

@Controller('c')
class CookieController {
  constructor(private readonly cookies: DjangoSignedCookies) {}

  @Get('set')
  set(@Res({ passthrough: true }) res: object, @Query('v') v: string) {
    this.cookies.set(res, 'pref', v, { salt: 'ui', maxAge: 60, secure: true });
    this.cookies.set(res, 'pref', `${v}!`, { salt: 'ui', maxAge: 60, secure: true });
    this.cookies.set(res, 'other', 'x');
    return { ok: true };
  }

  @Get('strict')
  strict(@SignedCookie('pref', { salt: 'ui', maxAge: 60 }) value: string) {
    return { value };
  }

  @Get('lenient')
  lenient(@SignedCookie('pref', { salt: 'ui', maxAge: 60, default: 'none' }) value: string) {
    return { value };
  }

  @Get('service')
  service(@Req() req: object) {
    return { value: this.cookies.get(req, 'pref', { salt: 'ui', default: null }) };
  }
}

let app: MemoryBridgeApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe.each<AdapterName>(['express', 'fastify'])('DjangoSignedCookies on %s', (adapter) => {
  it('sets (the last set of a name wins), reads back through the decorator and the service', async () => {
    app = await startMemoryBridgeApp({ secretKey, adapter, controllers: [CookieController] });
    const res = await app.http().get('/c/set').query({ v: 'dark mode' });
    const cookies = setCookies(res);
    expect(Object.keys(cookies).sort()).toEqual(['other', 'pref']);
    expect(cookies.pref).toMatch(/^pref="dark mode!:[^"]+"; expires=.*; Max-Age=60; Path=\/; Secure$/);
    const cookie = cookies.pref.slice(0, cookies.pref.indexOf(';'));
    expect((await app.http().get('/c/strict').set('Cookie', cookie)).body).toEqual({ value: 'dark mode!' });
    expect((await app.http().get('/c/service').set('Cookie', cookie)).body).toEqual({ value: 'dark mode!' });
  });

  it.each([
    ['missing', ''],
    ['tampered', 'pref=v:1r31eq:AAAA'],
    ['signed for another salt', `pref=${signCookieValue('pref', 'v', { key: secretKey, salt: 'other' })}`],
    ['expired', `pref=${signCookieValue('pref', 'v', { key: secretKey, salt: 'ui', clock: () => Date.now() / 1000 - 120 })}`],
    ['signed with another key', `pref=${signCookieValue('pref', 'v', { key: 'not-ours', salt: 'ui' })}`],
  ])('%s: 400 without a default, the default with one', async (_, cookie) => {
    app = await startMemoryBridgeApp({ secretKey, adapter, controllers: [CookieController] });
    const strict = await app.http().get('/c/strict').set('Cookie', cookie);
    expect(strict.status).toBe(400);
    expect(strict.body.message).toMatch(/Signed cookie "pref" (is missing|has a bad signature|has expired)/);
    expect((await app.http().get('/c/lenient').set('Cookie', cookie)).body).toEqual({ value: 'none' });
  });
});
