/**
 * The sample's who-am-I over GraphQL (POST /graphql: Apollo on Express, Mercurius on Fastify) and
 * socket.io (event "whoami"), with sessions a real Django made and logins Django then sees.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { cookieHeader, SAMPLE_ADAPTERS, setCookies, startSample, type SampleHarness } from './sample-harness.js';

const PASSWORD = 'correct horse battery staple';

describe.each(SAMPLE_ADAPTERS)('sample realtime and GraphQL on %s', (adapter) => {
  let h: SampleHarness;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    h = await startSample('sqlite', {}, adapter);
    await h.sample.app.listen(0, '127.0.0.1');
    url = (await h.sample.app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
    h.django.createGroup('secret-agents');
    h.django.createUser({ username: 'agent', password: PASSWORD, email: 'agent@example.com', isStaff: true, groups: ['secret-agents'] });
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await h?.close();
  });

  async function graphql(query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; cookies: Record<string, string> }> {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
    return { status: res.status, body: await res.json(), cookies: setCookies({ headers: { 'set-cookie': res.headers.getSetCookie() } }) };
  }

  function connect(headers: Record<string, string>): Promise<{ socket: Socket } | { error: Error & { data?: { code?: string } } }> {
    const socket = io(url, { transports: ['websocket'], extraHeaders: headers, reconnection: false, timeout: 5000 });
    sockets.push(socket);
    return new Promise((resolve) => {
      socket.once('connect', () => resolve({ socket }));
      socket.once('connect_error', (error) => resolve({ error }));
    });
  }

  it('GraphQL { me } without a session is an UNAUTHENTICATED error with no stack', async () => {
    const res = await graphql('{ me { username } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({ message: 'Authentication credentials were not provided or are invalid', extensions: { code: 'UNAUTHENTICATED' } });
    expect(JSON.stringify(res.body)).not.toMatch(/\n|\s+at\s|\.ts:|\.js:/);
  });

  it('GraphQL { me } with a Django-made session answers like GET /api/me', async () => {
    const django = h.django.login('agent', PASSWORD);
    const res = await graphql('{ me { username email isStaff groups permissions } }', { cookie: cookieHeader(django.cookies) });
    expect(res.body).toEqual({ data: { me: { username: 'agent', email: 'agent@example.com', isStaff: true, groups: ['secret-agents'], permissions: [] } } });
    const rest = await h.http().get('/api/me').set('Cookie', cookieHeader(django.cookies)).expect(200);
    expect(rest.body.username).toBe(res.body.data.me.username);
  });

  it('GraphQL login and logout mutations need the CSRF token, and Django sees both', async () => {
    const csrf = await h.http().get('/api/csrf').expect(200);
    const csrfCookies = setCookies(csrf);
    const mutation = `mutation { login(username: "agent", password: "${PASSWORD}") { username } }`;
    const refused = await graphql(mutation, { cookie: cookieHeader(csrfCookies) });
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(refused.cookies.sessionid).toBeUndefined();

    const ok = await graphql(mutation, { cookie: cookieHeader(csrfCookies), 'x-csrftoken': csrf.body.csrfToken });
    expect(ok.body).toEqual({ data: { login: { username: 'agent' } } });
    const cookies = { ...csrfCookies, ...ok.cookies };
    expect(cookies.sessionid).toMatch(/^[a-z0-9]{32}$/);
    expect(h.django.whoami({ sessionid: cookies.sessionid })).toMatchObject({ authenticated: true, username: 'agent' });

    // Login rotated the CSRF secret (Django's rotate_token): the old token is refused, a new one works.
    const stale = await graphql('mutation { logout }', { cookie: cookieHeader(cookies), 'x-csrftoken': csrf.body.csrfToken });
    expect(stale.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const fresh = await h.http().get('/api/csrf').set('Cookie', cookieHeader(cookies)).expect(200);
    const out = await graphql('mutation { logout }', { cookie: cookieHeader(cookies), 'x-csrftoken': fresh.body.csrfToken });
    expect(out.body).toEqual({ data: { logout: true } });
    expect(out.cookies.sessionid).toBe('""');
    expect(h.django.whoami({ sessionid: cookies.sessionid })).toMatchObject({ authenticated: false, session_exists: false });
  });

  it('socket.io: no session or a foreign Origin is refused; a Django session answers whoami', async () => {
    const anonymous = await connect({ origin: url });
    expect('error' in anonymous && anonymous.error.data?.code).toBe('UNAUTHENTICATED');

    const django = h.django.login('agent', PASSWORD);
    const foreign = await connect({ origin: 'https://evil.example', cookie: cookieHeader(django.cookies) });
    expect('error' in foreign && foreign.error.data?.code).toBe('FORBIDDEN');

    const ok = await connect({ origin: url, cookie: cookieHeader(django.cookies) });
    if (!('socket' in ok)) throw ok.error;
    const who = await ok.socket.timeout(5000).emitWithAck('whoami', {});
    expect(who).toMatchObject({ username: 'agent', isStaff: true, groups: ['secret-agents'] });
    expect(JSON.stringify(who)).not.toMatch(/password|pbkdf2/);

    // A logout in Django ends the socket's access at its next guarded message.
    h.django.logout(django.cookies);
    const exception = new Promise((resolve) => ok.socket.once('exception', resolve));
    ok.socket.emit('whoami', {});
    await expect(exception).resolves.toMatchObject({ status: 'error', code: 'UNAUTHENTICATED' });
  });
});
