/**
 * The sample's API credentials against a real Django (the run's line) on the same SQLite database,
 * over Express and Fastify: GET /api/me with `Authorization: Token` (DRF) and `Bearer` (SimpleJWT)
 * made by Django; POST /api/token/ and /api/token/refresh/ answering as SimpleJWT's views, with
 * pairs Django's JWTAuthentication accepts and Django's pairs refreshed here; and the password-reset
 * link of Django's e-mail (`/reset/<uidb64>/<token>/` and its JSON twin), good once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { djangoProject, djangoProjectAll } from '../../django/oracle.js';
import { SAMPLE_ADAPTERS, setCookies, startSample, type SampleHarness } from './sample-harness.js';

interface Pair {
  refresh: string;
  access: string;
}

describe.each(SAMPLE_ADAPTERS)('the sample on %s: DRF tokens, SimpleJWT and password-reset links', (adapter) => {
  let h: SampleHarness;
  let djangoKey: string;
  let djangoPair: Pair;

  beforeAll(async () => {
    h = await startSample('sqlite', {}, adapter);
    h.django.createUser({ username: 'api-user', password: 'api-password-1' });
    h.django.createUser({ username: 'off-user', password: 'off-password-1', isActive: false });
    [{ key: djangoKey }, djangoPair] = djangoProjectAll<unknown>(h.django, [
      { op: 'drf_token_create', username: 'api-user' },
      { op: 'jwt_obtain_pair', username: 'api-user' },
    ]) as [{ key: string }, Pair];
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('GET /api/me takes a DRF token and a SimpleJWT access token that Django made', async () => {
    const byToken = await h.http().get('/api/me').set('Authorization', `Token ${djangoKey}`);
    expect([byToken.status, byToken.body.username]).toEqual([200, 'api-user']);
    const byJwt = await h.http().get('/api/me').set('Authorization', `Bearer ${djangoPair.access}`);
    expect([byJwt.status, byJwt.body.username]).toEqual([200, 'api-user']);
  });

  it('refuses bad credentials with 401 and the scheme, never a 500', async () => {
    const cases: [string, string][] = [
      [`Token ${'0'.repeat(40)}`, 'Token'],
      ['Token', 'Token'],
      [`Token ${djangoKey} extra`, 'Token'],
      [`Bearer ${djangoPair.access.slice(0, -2)}xx`, 'Bearer realm="api"'],
      [`Bearer ${djangoPair.refresh}`, 'Bearer realm="api"'],
      ['Bearer', 'Bearer realm="api"'],
    ];
    for (const [header, scheme] of cases) {
      const res = await h.http().get('/api/me').set('Authorization', header);
      expect([header, res.status, res.headers['www-authenticate']]).toEqual([header, 401, scheme]);
      // DRF clients read {"detail"}; SimpleJWT's also carry its code.
      expect(typeof res.body.detail).toBe('string');
      if (scheme.startsWith('Bearer') && header !== 'Bearer') expect(res.body.code).toBe('token_not_valid');
    }
    const unknownKey = await h.http().get('/api/me').set('Authorization', `Token ${'0'.repeat(40)}`);
    expect(unknownKey.body).toMatchObject({ statusCode: 401, detail: 'Invalid token.', message: 'Invalid token.' });
    const none = await h.http().get('/api/me');
    expect([none.status, none.headers['www-authenticate'], none.body.detail]).toEqual([401, 'Token', 'Authentication credentials were not provided.']);
  });

  it('POST /api/token/ answers as TokenObtainPairView, and Django accepts the pair', async () => {
    const res = await h.http().post('/api/token/').send({ username: 'api-user', password: 'api-password-1' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access', 'refresh']);
    const [auth, refreshed] = djangoProjectAll<Record<string, unknown>>(h.django, [
      { op: 'jwt_authenticate', header: `Bearer ${res.body.access}` },
      { op: 'jwt_refresh', refresh: res.body.refresh },
    ]);
    expect(auth.user).toBe('api-user');
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body as object)).toEqual(['access']);

    const wrong = await h.http().post('/api/token/').send({ username: 'api-user', password: 'nope' });
    expect([wrong.status, wrong.body]).toEqual([401, { detail: 'No active account found with the given credentials' }]);
    const inactive = await h.http().post('/api/token/').send({ username: 'off-user', password: 'off-password-1' });
    expect(inactive.status).toBe(401);
    const missing = await h.http().post('/api/token/').send({ username: '' });
    expect([missing.status, missing.body]).toEqual([400, { username: ['This field may not be blank.'], password: ['This field is required.'] }]);
  });

  it('POST /api/token/refresh/ answers as TokenRefreshView for a pair Django issued', async () => {
    const res = await h.http().post('/api/token/refresh/').send({ refresh: djangoPair.refresh });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['access']);
    expect(djangoProject<Record<string, unknown>>(h.django, { op: 'jwt_authenticate', header: `Bearer ${res.body.access}` }).user).toBe('api-user');
    const asAccess = await h.http().post('/api/token/refresh/').send({ refresh: djangoPair.access });
    expect(asAccess.status).toBe(401);
    expect(asAccess.body.code).toBe('token_not_valid');
    const missing = await h.http().post('/api/token/refresh/').send({});
    expect([missing.status, missing.body]).toEqual([400, { refresh: ['This field is required.'] }]);
  });

  it("takes the reset link of Django's e-mail once, on the page and its JSON twin", async () => {
    h.django.createUser({ username: `reset-${adapter}`, password: 'old-password-1' });
    const link = djangoProject<{ uidb64: string; token: string }>(h.django, { op: 'password_reset_make', username: `reset-${adapter}` });
    const page = await h.http().get(`/reset/${link.uidb64}/${link.token}/`);
    expect([page.status, page.headers['referrer-policy']]).toEqual([200, 'no-referrer']);
    expect(page.text).toContain('Set a new password');
    expect((await h.http().get('/api/password-reset/check').query(link)).body).toEqual({ valid: true });

    const csrf = await h.http().get('/api/csrf');
    const cookie = `csrftoken=${setCookies(csrf).csrftoken}`;
    const confirm = (body: object) => h.http().post('/api/password-reset/confirm').set('Cookie', cookie).set('X-CSRFToken', csrf.body.csrfToken).send(body);
    const short = await confirm({ ...link, password: 'short' });
    expect([short.status, short.body.password]).toEqual([400, ['This password is too short. It must contain at least 8 characters.']]);
    expect((await h.http().post('/api/password-reset/confirm').send({ ...link, password: 'new-password-1' })).status).toBe(403); // no CSRF token
    const done = await confirm({ ...link, password: 'new-password-1' });
    expect([done.status, done.body]).toEqual([200, { detail: 'Password has been reset.' }]);
    expect(h.django.login(`reset-${adapter}`, 'new-password-1').status).toBe(200);

    const again = await confirm({ ...link, password: 'another-password-1' });
    expect(again.status).toBe(400);
    expect((await h.http().get('/api/password-reset/check').query(link)).body).toEqual({ valid: false });
    expect((await h.http().get('/api/password-reset/check').query({ uidb64: '!!', token: 'x' })).body).toEqual({ valid: false });
  });
});
