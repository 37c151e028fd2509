/**
 * GraphQL authenticated like HTTP, against a real Django of the run's line (DJANGO_LINE, default
 * 5.2) sharing the database, the bridge configured for that line: Apollo on
 * Express and Mercurius on Fastify, code-first and schema-first, on SQLite (and Apollo code-first
 * on MariaDB too). Sessions made by Django authenticate resolvers and the reverse, password changes
 * and deactivation end them, permission decorators answer FORBIDDEN, mutations are CSRF-checked
 * (queries are not), a mutation over GET never runs, the errors carry a code and never a stack
 * frame or a password hash, and a database failure is SERVICE_UNAVAILABLE. CSRF cookies and
 * refusal reasons are those the running Django writes and gives.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkCsrfToken, getCsrfToken } from '@django-bridge/core';
import request from 'supertest';
import { cookieHeader, djangoCalls as c, DjangoProject, type Cookies, type DjangoEngine } from '../django/django-project.js';
import { pick, randomInt } from '../support/random.js';
import { startTestApp, type AdapterName } from './support/bridge-test-app.js';
import { BRIDGE_VERSION, csrfCookiePattern, djangoCsrfReasons, lineInfo, nestCsrfMessage, type DjangoCsrfReasons } from './support/django-line.js';
import { startGraphQLApp, type GraphQLDriverName, type GraphQLTestApp, type SchemaStyle } from './support/graphql-test-app.js';

/* Random inputs: seeded, the seed printed (TEST_SEED=<n> replays a run). */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#%&()*+,-./:;<=>?@[]^_{|}~"\\\'éßΩя中€😀';
function randomString(min: number, max: number): string {
  const chars = [...ALPHABET];
  return Array.from({ length: randomInt(min, max + 1) }, () => pick(chars)).join('');
}
/** A SECRET_KEY that can travel in an environment variable (no NUL, no newline). */
const secretKey = `django-insecure-${randomString(30, 40)}`;
const password = (who: string) => `${who}-${randomString(6, 20)}`;

/* ------------------------------------------------------------------------------------------------
 * Helpers.
 * --------------------------------------------------------------------------------------------- */

interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; stacktrace?: string[]; [key: string]: unknown };
}
interface GqlResponse {
  status: number;
  text: string;
  data: Record<string, unknown> | null | undefined;
  errors: GqlError[];
  setCookie: string[];
  cookies: Cookies;
  headers: Record<string, string | string[] | undefined>;
}

function cookiesFrom(setCookie: string[]): Cookies {
  const out: Cookies = {};
  for (const c of setCookie) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

interface GqlOptions {
  variables?: Record<string, unknown>;
  cookies?: Cookies;
  headers?: Record<string, string>;
  method?: 'POST' | 'GET';
}

async function gql(t: GraphQLTestApp, query: string, o: GqlOptions = {}): Promise<GqlResponse> {
  const cookie = o.cookies ? cookieHeader(o.cookies) : '';
  let req;
  if (o.method === 'GET') {
    // Apollo's CSRF prevention wants a preflight header on GET; Mercurius ignores it.
    req = request(t.url).get('/graphql').query({ query, ...(o.variables ? { variables: JSON.stringify(o.variables) } : {}) }).set('apollo-require-preflight', 'true');
  } else {
    req = request(t.url).post('/graphql').set('Content-Type', 'application/json').send(JSON.stringify({ query, variables: o.variables ?? {} }));
  }
  if (cookie) req = req.set('Cookie', cookie);
  for (const [k, v] of Object.entries(o.headers ?? {})) req = req.set(k, v);
  const res = await req;
  let body: { data?: Record<string, unknown> | null; errors?: GqlError[] } = {};
  try {
    body = JSON.parse(res.text);
  } catch {
    body = {};
  }
  const raw = res.headers['set-cookie'] as unknown as string[] | string | undefined;
  const setCookie = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return { status: res.status, text: res.text, data: body.data, errors: body.errors ?? [], setCookie, cookies: cookiesFrom(setCookie), headers: res.headers };
}

/** No stack frame, source path or driver detail anywhere in the response text. */
function expectNoStack(res: GqlResponse): void {
  expect(res.text).not.toMatch(/file:\/\/|node_modules|\/work\/|\.[cm]?[jt]s:\d+|\bat [\w.<>]+ \(|\n\s+at /);
  for (const e of res.errors) for (const line of e.extensions?.stacktrace ?? []) expect(line).not.toMatch(/^\s*at /);
}

/** The one error on `field`, with this code; its message; no stack anywhere. */
function expectFieldError(res: GqlResponse, field: string, code: string): string {
  const mine = res.errors.filter((e) => e.path?.[0] === field);
  expect([field, mine.map((e) => e.extensions?.code)]).toEqual([field, [code]]);
  expect(res.data?.[field] ?? null).toBeNull();
  expectNoStack(res);
  return mine[0].message;
}

function expectNoErrors(res: GqlResponse): void {
  expect(res.errors).toEqual([]);
  expect(res.status).toBe(200);
}

/** How many times an operation read the session row and the user row. */
function reads(queries: string[]): { sessionReads: number; userReads: number } {
  return {
    sessionReads: queries.filter((q) => /^SELECT\b.*\bFROM\s+\W?django_session\b/is.test(q.trim())).length,
    userReads: queries.filter((q) => /^SELECT\b.*\bFROM\s+\W?auth_user\W?\s+WHERE/is.test(q.trim())).length,
  };
}

const USER = 'id username isStaff isSuperuser groups permissions userJson';
const ME = `query { me { ${USER} } }`;
const LOGIN = `mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { ${USER} } }`;

/** A CSRF token and its cookie, from the `csrfToken` query (which needs neither). */
async function csrfPair(t: GraphQLTestApp, cookies: Cookies = {}): Promise<{ token: string; cookies: Cookies }> {
  const res = await gql(t, '{ csrfToken }', { cookies });
  expectNoErrors(res);
  const token = res.data!.csrfToken as string;
  const cookie = res.cookies.csrftoken ?? cookies.csrftoken;
  expect(token).toMatch(/^[a-zA-Z0-9]{64}$/);
  expect(cookie).toMatch(csrfCookiePattern(info)); // 64-char masked before 4.1, the 32-char secret after.
  return { token, cookies: { ...cookies, csrftoken: cookie } };
}

/* ------------------------------------------------------------------------------------------------
 * One Django project per engine, shared by every cell on it.
 * --------------------------------------------------------------------------------------------- */

const PASSWORDS = { alice: password('alice'), bob: password('bob'), root: password('root'), sleepy: password('sleepy') };
const projects = new Map<DjangoEngine, DjangoProject>();
const info = lineInfo();
/** How this Django words CSRF refusals (asked once, of the first project). */
let csrfReasons: DjangoCsrfReasons | undefined;

function djangoOn(engine: DjangoEngine): DjangoProject {
  let django = projects.get(engine);
  if (!django) {
    django = DjangoProject.throwaway(engine, { secretKey });
    projects.set(engine, django);
    django.batch([
      c.migrate(),
      c.createGroup('secret-agents', ['notes.delete_note']),
      c.createUser({ username: 'alice', password: PASSWORDS.alice, email: 'a@example.com', isStaff: true, groups: ['secret-agents'], permissions: ['notes.add_note', 'auth.view_user'] }),
      c.createUser({ username: 'bob', password: PASSWORDS.bob }),
      c.createUser({ username: 'root', password: PASSWORDS.root, isStaff: true, isSuperuser: true }),
      c.createUser({ username: 'sleepy', password: PASSWORDS.sleepy, isActive: false }),
    ]);
    csrfReasons ??= djangoCsrfReasons(django);
  }
  return django;
}

afterAll(() => {
  for (const django of projects.values()) django.dropDatabase();
});

const CELLS: [GraphQLDriverName, SchemaStyle, DjangoEngine][] = [
  ['apollo', 'code-first', 'sqlite'],
  ['apollo', 'schema-first', 'sqlite'],
  ['mercurius', 'code-first', 'sqlite'],
  ['mercurius', 'schema-first', 'sqlite'],
  ['apollo', 'code-first', 'mysql'],
];

describe.each(CELLS)('GraphQL: %s, %s, on %s', (driver, style, engine) => {
  const cell = `${driver}-${style}-${engine}`.replace(/[^a-z]/g, '');
  let django: DjangoProject;
  let t: GraphQLTestApp;
  let g: GraphQLTestApp;

  beforeAll(async () => {
    django = djangoOn(engine);
    t = await startGraphQLApp(django.connection(), { driver, style, bridge: { secretKey, djangoVersion: BRIDGE_VERSION } });
    // Apollo's global-guard app also runs on the driver's default context ({ req } only).
    g = await startGraphQLApp(django.connection(), { driver, style, globalGuard: true, defaultContext: true, bridge: { secretKey, djangoVersion: BRIDGE_VERSION } });
  });
  afterAll(async () => {
    await t?.close();
    await g?.close();
  });

  const login = (username: keyof typeof PASSWORDS) => django.login(username, PASSWORDS[username]);

  it('without a cookie: guarded fields are UNAUTHENTICATED with no stack, @OptionalAuth is null without error', async () => {
    const res = await gql(t, ME);
    expect(expectFieldError(res, 'me', 'UNAUTHENTICATED')).toBe('Authentication credentials were not provided or are invalid');
    expect(res.status).toBe(200);
    for (const field of ['canAddNote', 'agents', 'staff', 'superuser']) expectFieldError(await gql(t, `{ ${field} }`), field, 'UNAUTHENTICATED');
    const maybe = await gql(t, `{ maybe { username } sessionKeys { key keys } }`);
    expectNoErrors(maybe);
    expect(maybe.data).toEqual({ maybe: null, sessionKeys: { key: null, keys: [] } });
    // A garbage cookie is no session either, and costs no 500.
    expectFieldError(await gql(t, ME, { cookies: { sessionid: "x' OR '1'='1" } }), 'me', 'UNAUTHENTICATED');
  });

  it('a session made by Django: the right user, with Django\'s groups and permissions, and no password hash anywhere', async () => {
    for (const who of ['alice', 'bob', 'root'] as const) {
      const session = login(who);
      expect(session.status).toBe(200);
      const res = await gql(t, `query { me { ${USER} } maybe { username } sessionKeys { key keys } }`, { cookies: session.cookies });
      expectNoErrors(res);
      const whoami = django.whoami(session.cookies);
      const me = res.data!.me as Record<string, unknown>;
      expect(me).toMatchObject({ id: String(whoami.id), username: who, isStaff: whoami.is_staff, isSuperuser: whoami.is_superuser });
      expect(me.permissions).toEqual(django.permissions(who));
      expect(me.permissions).toEqual([...whoami.permissions].sort());
      expect(me.groups).toEqual([...whoami.groups].sort());
      expect(res.data!.maybe).toEqual({ username: who });
      expect(res.data!.sessionKeys).toEqual({ key: session.cookies.sessionid, keys: ['_auth_user_backend', '_auth_user_hash', '_auth_user_id'] });
      const json = me.userJson as string;
      expect(JSON.parse(json)).toMatchObject({ username: who, isStaff: whoami.is_staff });
      expect(json).not.toMatch(/password|pbkdf2|argon2|bcrypt|sha1\$/i);
      expect(res.text).not.toContain(django.getUser(who).password);
      expect(res.text).not.toMatch(/pbkdf2/);
    }
    expect((await gql(t, `{ me { groups permissions } }`, { cookies: login('alice').cookies })).data!.me).toEqual({ groups: ['secret-agents'], permissions: ['auth.view_user', 'notes.add_note', 'notes.delete_note'] });
  });

  it('a password change or a deactivation in Django ends the session: UNAUTHENTICATED (and the stale session is flushed)', async () => {
    const username = `carol${cell}`;
    const pw = password('carol');
    django.createUser({ username, password: pw });
    const first = django.login(username, pw);
    expectNoErrors(await gql(t, ME, { cookies: first.cookies }));
    django.setPassword(username, `${pw}-changed`);
    const afterChange = await gql(t, ME, { cookies: first.cookies });
    expectFieldError(afterChange, 'me', 'UNAUTHENTICATED');
    // get_user() flushed the session whose hash no longer matches, and the response deletes the
    // cookie, as Django's SessionMiddleware does after any response.
    expect(django.sessionRow(first.cookies.sessionid)).toBeNull();
    expect(afterChange.setCookie.find((c) => c.startsWith('sessionid='))).toBe('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax');

    const second = django.login(username, `${pw}-changed`);
    expectNoErrors(await gql(t, ME, { cookies: second.cookies }));
    django.setActive(username, false);
    expectFieldError(await gql(t, ME, { cookies: second.cookies }), 'me', 'UNAUTHENTICATED');
    expect((await gql(t, '{ maybe { username } }', { cookies: second.cookies })).data).toEqual({ maybe: null });
    django.setActive(username, true);
    expectNoErrors(await gql(t, ME, { cookies: second.cookies }));
    django.deleteUser(username);
    expectFieldError(await gql(t, ME, { cookies: second.cookies }), 'me', 'UNAUTHENTICATED');
  });

  // SECRET_KEY_FALLBACKS exists from 4.1: on 3.2 there is no rotation to share (both sides refuse
  // the setting, as django-interop.e2e.spec.ts shows), so this case runs on 4.1+ lines only.
  if (info.features.secret_key_fallbacks) {
    it('SECRET_KEY rotation: a session signed with a fallback key is re-keyed, and a refused field still sends the new cookie', async () => {
      const newKey = `${secretKey}-rotated-${randomString(4, 8)}`;
      const rotated = await startGraphQLApp(django.connection(), { driver, style, bridge: { secretKey: newKey, secretKeyFallbacks: [secretKey], djangoVersion: BRIDGE_VERSION } });
      try {
        const djangoWithNewKey = new DjangoProject({ ...django.env, secretKey: newKey });
        for (const [query, field, code] of [[ME, 'me', null], ['{ staff }', 'staff', 'FORBIDDEN']] as const) {
          const old = login('bob').cookies;
          const res = await gql(rotated, query, { cookies: old });
          if (code) expectFieldError(res, field, code);
          else expectNoErrors(res);
          // Django 4.1.8+ cycles the key and stores the hash under the new SECRET_KEY; the response
          // must carry the new key, refused or not, or the user is logged out (the old row is gone).
          const renewed = res.cookies.sessionid;
          expect([field, renewed]).toEqual([field, expect.stringMatching(/^[a-z0-9]{32}$/)]);
          expect(renewed).not.toBe(old.sessionid);
          expect(django.sessionRow(old.sessionid)).toBeNull();
          expect(djangoWithNewKey.whoami({ sessionid: renewed })).toMatchObject({ authenticated: true, username: 'bob' });
          expect((await gql(rotated, ME, { cookies: { sessionid: renewed } })).data!.me).toMatchObject({ username: 'bob' });
        }
      } finally {
        await rotated.close();
      }
    });
  }

  it('parallel root fields asking for a CSRF token all get tokens of the one secret the cookie stores', async () => {
    const res = await gql(t, '{ a: csrfToken b: csrfToken c: csrfToken }');
    expectNoErrors(res);
    expect(res.setCookie.filter((c) => c.startsWith('csrftoken='))).toHaveLength(1);
    for (const token of Object.values(res.data!)) expect(checkCsrfToken(res.cookies.csrftoken, token)).toBe(true);
  });

  it('parallel root fields that write one new session create it once (CSRF_USE_SESSIONS)', async () => {
    const app = await startGraphQLApp(django.connection(), { driver, style, bridge: { secretKey, djangoVersion: BRIDGE_VERSION, csrfUseSessions: true } });
    try {
      app.queries.length = 0;
      const res = await gql(app, '{ a: csrfToken b: csrfToken c: csrfToken }');
      expectNoErrors(res);
      const writes = app.queries.filter((q) => /^\s*(INSERT|UPDATE|DELETE)\b.*django_session/is.test(q));
      expect(writes.filter((q) => /^\s*INSERT/i.test(q))).toHaveLength(1);
      expect(res.cookies.csrftoken).toBeUndefined();
      const sessionid = res.cookies.sessionid;
      expect(sessionid).toMatch(/^[a-z0-9]{32}$/);
      const stored = django.decodeSession(sessionid);
      expect(Object.keys(stored)).toEqual(['_csrftoken']);
      // Every token handed out belongs to the one stored secret, and a mutation accepts it.
      for (const token of Object.values(res.data!)) expect(checkCsrfToken(stored._csrftoken, token)).toBe(true);
      const ok = await gql(app, LOGIN, { variables: { u: 'bob', p: PASSWORDS.bob }, cookies: { sessionid }, headers: { 'X-CSRFToken': res.data!.c as string } });
      expectNoErrors(ok);
      expect(django.whoami({ sessionid: ok.cookies.sessionid })).toMatchObject({ authenticated: true, username: 'bob' });
    } finally {
      await app.close();
    }
  });

  it('permission decorators answer FORBIDDEN to users who lack what the field requires', async () => {
    const cookies = { bob: login('bob').cookies, alice: login('alice').cookies, root: login('root').cookies };
    const cases: [string, keyof typeof cookies, boolean][] = [
      ['canAddNote', 'bob', false], ['canAddNote', 'alice', true], ['canAddNote', 'root', true],
      ['agents', 'bob', false], ['agents', 'alice', true], ['agents', 'root', false],
      ['staff', 'bob', false], ['staff', 'alice', true], ['staff', 'root', true],
      ['superuser', 'bob', false], ['superuser', 'alice', false], ['superuser', 'root', true],
    ];
    for (const [field, who, allowed] of cases) {
      const res = await gql(t, `{ ${field} }`, { cookies: cookies[who] });
      if (allowed) {
        expectNoErrors(res);
        expect([field, who, res.data![field]]).toEqual([field, who, true]);
      } else {
        expect(expectFieldError(res, field, 'FORBIDDEN')).toBe('You do not have permission to perform this action');
      }
    }
  });

  it('several guarded root fields in one operation all succeed on one session lookup', async () => {
    const session = login('alice');
    t.queries.length = 0;
    const res = await gql(t, `{ me { username } maybe { username } canAddNote agents staff sessionKeys { key } csrfToken }`, { cookies: session.cookies });
    expectNoErrors(res);
    expect(res.data).toMatchObject({ me: { username: 'alice' }, maybe: { username: 'alice' }, canAddNote: true, agents: true, staff: true, sessionKeys: { key: session.cookies.sessionid } });
    expect(reads(t.queries)).toEqual({ sessionReads: 1, userReads: 1 });
    // Fields without a guard read the session through the interceptor alone: still once.
    t.queries.length = 0;
    const unguarded = await gql(t, `{ sessionKeys { key } csrfToken a: sessionKeys { keys } }`, { cookies: session.cookies });
    expectNoErrors(unguarded);
    expect(reads(t.queries)).toEqual({ sessionReads: 1, userReads: 0 });
    // Several FORBIDDEN and allowed fields side by side: each answers for itself.
    const mixed = await gql(t, `{ me { username } superuser staff }`, { cookies: login('bob').cookies });
    expect(mixed.data).toEqual({ me: { username: 'bob' }, superuser: null, staff: null });
    expect(mixed.errors.map((e) => [e.path?.[0], e.extensions?.code]).sort()).toEqual([['staff', 'FORBIDDEN'], ['superuser', 'FORBIDDEN']]);
  });

  it('the login mutation sets the session cookie on the HTTP response, and Django sees the user', async () => {
    const pair = await csrfPair(t);
    const lastLogin = django.getUser('bob').last_login;
    const res = await gql(t, LOGIN, { variables: { u: 'bob', p: PASSWORDS.bob }, cookies: pair.cookies, headers: { 'X-CSRFToken': pair.token } });
    expectNoErrors(res);
    expect(res.data!.login).toMatchObject({ username: 'bob', isStaff: false });
    expect((res.data!.login as { userJson: string }).userJson).not.toMatch(/password|pbkdf2/i);
    const sessionid = res.cookies.sessionid;
    expect(sessionid).toMatch(/^[a-z0-9]{32}$/);
    expect(res.setCookie.find((c) => c.startsWith('sessionid='))).toMatch(/; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/);
    expect(String(res.headers.vary)).toMatch(/\bCookie\b/);
    // login() rotates the CSRF token.
    expect(res.cookies.csrftoken).toMatch(csrfCookiePattern(info));
    expect(res.cookies.csrftoken).not.toBe(pair.cookies.csrftoken);
    const who = django.whoami({ sessionid });
    expect(who).toMatchObject({ authenticated: true, username: 'bob', session_exists: true });
    expect(django.decodeSession(sessionid)).toMatchObject({ _auth_user_id: String(who.id), _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' });
    expect(django.getUser('bob').last_login).not.toBe(lastLogin);
    // And the Nest side accepts it too.
    expect((await gql(t, ME, { cookies: { sessionid } })).data!.me).toMatchObject({ username: 'bob' });

    // Wrong, unknown and inactive logins are refused alike, and set no session.
    for (const [u, p] of [['bob', 'nope'], ['nobody', 'x'], ['sleepy', PASSWORDS.sleepy]]) {
      const fresh = await csrfPair(t);
      const bad = await gql(t, LOGIN, { variables: { u, p }, cookies: fresh.cookies, headers: { 'X-CSRFToken': fresh.token } });
      expect([u, expectFieldError(bad, 'login', 'UNAUTHENTICATED')]).toEqual([u, 'Invalid credentials']);
      expect(bad.cookies.sessionid).toBeUndefined();
    }
  });

  it('the logout mutation ends the Django session and deletes the cookie', async () => {
    const session = login('bob');
    expect(session.cookies.csrftoken).toBeDefined();
    const res = await gql(t, 'mutation { logout }', { cookies: session.cookies, headers: { 'X-CSRFToken': session.cookies.csrftoken } });
    expectNoErrors(res);
    expect(res.data).toEqual({ logout: true });
    expect(res.setCookie.find((c) => c.startsWith('sessionid='))).toBe('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax');
    expect(django.whoami(session.cookies)).toMatchObject({ authenticated: false, session_exists: false });
    expectFieldError(await gql(t, ME, { cookies: session.cookies }), 'me', 'UNAUTHENTICATED');
  });

  it('a session mutation is saved where Django reads it', async () => {
    const session = login('bob');
    const headers = { 'X-CSRFToken': session.cookies.csrftoken };
    const item = randomString(1, 12);
    const res = await gql(t, 'mutation Add($i: String!) { addToCart(item: $i) }', { variables: { i: item }, cookies: session.cookies, headers });
    expectNoErrors(res);
    expect(res.data).toEqual({ addToCart: [item] });
    expect(res.cookies.sessionid).toBe(session.cookies.sessionid);
    expect(django.decodeSession(session.cookies.sessionid).cart).toEqual([item]);
    expect(django.whoami(session.cookies).username).toBe('bob');
    expectFieldError(await gql(t, 'mutation { addToCart(item: "x") }', { headers: {} }), 'addToCart', 'FORBIDDEN');
  });

  it('later mutation fields of one operation see an earlier login or logout', async () => {
    const pair = await csrfPair(t);
    const item = randomString(1, 12);
    const both = await gql(t, `mutation Both($u: String!, $p: String!, $i: String!) { login(username: $u, password: $p) { username } addToCart(item: $i) }`, { variables: { u: 'bob', p: PASSWORDS.bob, i: item }, cookies: pair.cookies, headers: { 'X-CSRFToken': pair.token } });
    expectNoErrors(both);
    expect(both.data).toEqual({ login: { username: 'bob' }, addToCart: [item] });
    const sessionid = both.cookies.sessionid;
    expect(both.setCookie.filter((c) => c.startsWith('sessionid='))).toHaveLength(1);
    expect(django.decodeSession(sessionid)).toMatchObject({ cart: [item] });
    expect(django.whoami({ sessionid }).username).toBe('bob');

    const session = login('bob');
    const out = await gql(t, 'mutation { logout addToCart(item: "after") }', { cookies: session.cookies, headers: { 'X-CSRFToken': session.cookies.csrftoken } });
    expect(out.data).toEqual({ logout: true, addToCart: null });
    expectFieldError(out, 'addToCart', 'UNAUTHENTICATED');
    expect(out.setCookie.filter((c) => c.startsWith('sessionid='))).toEqual(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax']);
    expect(django.whoami(session.cookies)).toMatchObject({ authenticated: false, session_exists: false });
  });

  it('mutations need the CSRF token and a same-site Origin: FORBIDDEN with Django\'s reason, and nothing happens', async () => {
    const pair = await csrfPair(t);
    const vars = { u: 'bob', p: PASSWORDS.bob };
    const lastLogin = django.getUser('bob').last_login;
    const refused = async (o: GqlOptions, reason: string) => {
      const res = await gql(t, LOGIN, { variables: vars, ...o });
      expect(expectFieldError(res, 'login', 'FORBIDDEN')).toBe(nestCsrfMessage(reason));
      expect(res.cookies.sessionid).toBeUndefined();
    };
    // The token reasons are the running Django's own (3.2 words them all alike).
    await refused({}, csrfReasons!.noCookie);
    await refused({ cookies: pair.cookies }, csrfReasons!.missing);
    await refused({ cookies: pair.cookies, headers: { 'X-CSRFToken': getCsrfToken(pair.token.slice(32)) } }, csrfReasons!.headerIncorrect);
    await refused({ cookies: pair.cookies, headers: { 'X-CSRFToken': pair.token, Origin: 'http://evil.example' } }, 'Origin checking failed - http://evil.example does not match any trusted origins.');
    // Behind a TLS proxy: a foreign Origin, an http Origin, and no Origin nor Referer at all.
    const https = { 'X-Forwarded-Proto': 'https', Host: 'app.example' };
    await refused({ cookies: pair.cookies, headers: { ...https, 'X-CSRFToken': pair.token, Origin: 'https://evil.example' } }, 'Origin checking failed - https://evil.example does not match any trusted origins.');
    await refused({ cookies: pair.cookies, headers: { ...https, 'X-CSRFToken': pair.token, Origin: 'http://app.example' } }, 'Origin checking failed - http://app.example does not match any trusted origins.');
    await refused({ cookies: pair.cookies, headers: { ...https, 'X-CSRFToken': pair.token } }, 'Referer checking failed - no Referer.');
    await refused({ cookies: pair.cookies, headers: { ...https, 'X-CSRFToken': pair.token, Referer: 'https://evil.example/page' } }, 'Referer checking failed - https://evil.example/page does not match any trusted origins.');
    expect(django.getUser('bob').last_login).toBe(lastLogin);
    // Control: the same requests with the site's own Origin pass.
    const controls: Record<string, string>[] = [{ 'X-CSRFToken': pair.token, Origin: t.url }, { ...https, 'X-CSRFToken': pair.token, Origin: 'https://app.example' }, { ...https, 'X-CSRFToken': pair.token, Referer: 'https://app.example/page' }];
    for (const headers of controls) {
      const ok = await gql(t, LOGIN, { variables: vars, cookies: pair.cookies, headers });
      expectNoErrors(ok);
      expect(django.whoami({ sessionid: ok.cookies.sessionid })).toMatchObject({ username: 'bob' });
    }
  });

  it('queries need no CSRF token, even cross-site', async () => {
    const session = login('alice');
    const res = await gql(t, `{ me { username } staff }`, { cookies: { sessionid: session.cookies.sessionid }, headers: { 'X-Forwarded-Proto': 'https', Host: 'app.example', Origin: 'https://evil.example' } });
    expectNoErrors(res);
    expect(res.data).toEqual({ me: { username: 'alice' }, staff: true });
  });

  it('a mutation sent with GET is refused and never runs', async () => {
    const pair = await csrfPair(t);
    const session = login('bob');
    const lastLogin = django.getUser('bob').last_login;
    for (const [query, cookies] of [
      [`mutation { login(username: "bob", password: ${JSON.stringify(PASSWORDS.bob)}) { username } }`, pair.cookies],
      ['mutation { logout }', session.cookies],
    ] as const) {
      const res = await gql(t, query, { method: 'GET', cookies, headers: { 'X-CSRFToken': cookies.csrftoken ?? pair.token, Origin: t.url } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.data ?? null).toBeNull();
      expect(res.errors.length).toBeGreaterThan(0);
      expect(res.cookies.sessionid).toBeUndefined();
      // (The driver's own refusal: Apollo, with development stack traces on, shows its frames here.)
    }
    expect(django.getUser('bob').last_login).toBe(lastLogin);
    expect(django.whoami(session.cookies)).toMatchObject({ authenticated: true, username: 'bob' });
    // A query over GET is fine.
    const get = await gql(t, '{ me { username } }', { method: 'GET', cookies: session.cookies });
    expectNoErrors(get);
    expect(get.data).toEqual({ me: { username: 'bob' } });
  });

  it('with DjangoSessionGuard as APP_GUARD: undecorated fields need a session, @Public and @OptionalAuth ones answer', async () => {
    const anonymous = await gql(g, '{ ping maybe { username } }');
    expectNoErrors(anonymous);
    expect(anonymous.data).toEqual({ ping: 'pong', maybe: null });
    expect(expectFieldError(await gql(g, '{ secret }'), 'secret', 'UNAUTHENTICATED')).toBe('Authentication credentials were not provided or are invalid');
    const both = await gql(g, '{ ping secret }');
    expect(both.data).toEqual({ ping: 'pong', secret: null });
    expectFieldError(both, 'secret', 'UNAUTHENTICATED');
    expectFieldError(await gql(g, '{ sessionKeys { key } }'), 'sessionKeys', 'UNAUTHENTICATED');

    const session = login('bob');
    const res = await gql(g, '{ ping secret maybe { username } }', { cookies: session.cookies });
    expectNoErrors(res);
    expect(res.data).toEqual({ ping: 'pong', secret: 'secret of bob', maybe: { username: 'bob' } });
    expectFieldError(await gql(g, '{ staff }', { cookies: session.cookies }), 'staff', 'FORBIDDEN');

    // @Public() skips the session guard, not the CSRF guard.
    const vars = { u: 'bob', p: PASSWORDS.bob };
    expectFieldError(await gql(g, LOGIN, { variables: vars }), 'login', 'FORBIDDEN');
    const pair = await csrfPair(g);
    const loggedIn = await gql(g, LOGIN, { variables: vars, cookies: pair.cookies, headers: { 'X-CSRFToken': pair.token } });
    expectNoErrors(loggedIn);
    // (On Apollo this app uses the driver's default context: the cookie still reaches the response.)
    expect(django.whoami({ sessionid: loggedIn.cookies.sessionid })).toMatchObject({ authenticated: true, username: 'bob' });
    expect((await gql(g, '{ secret }', { cookies: { sessionid: loggedIn.cookies.sessionid } })).data).toEqual({ secret: 'secret of bob' });
  });

  it('a GraphQL context whose `req` is not a request fails closed: guarded fields and mutations are FORBIDDEN', async () => {
    const broken = await startGraphQLApp(django.connection(), { driver, style, contextWithoutRequest: true, bridge: { secretKey, djangoVersion: BRIDGE_VERSION } });
    try {
      const session = login('root');
      for (const field of ['me { username }', 'maybe { username }', 'staff', 'csrfToken']) {
        const res = await gql(broken, `{ ${field} }`, { cookies: session.cookies });
        const name = field.split(' ')[0];
        // csrfToken is @Public (no session guard), but the class's CSRF guard cannot read the request either.
        // The client learns only the refusal; the developer's explanation is logged.
        expect(expectFieldError(res, name, 'FORBIDDEN')).toBe('This transport is not supported (graphql)');
      }
      const lastLogin = django.getUser('bob').last_login;
      const res = await gql(broken, LOGIN, { variables: { u: 'bob', p: PASSWORDS.bob }, cookies: session.cookies, headers: { 'X-CSRFToken': session.cookies.csrftoken } });
      expectFieldError(res, 'login', 'FORBIDDEN');
      expect(res.cookies.sessionid).toBeUndefined();
      expect(django.getUser('bob').last_login).toBe(lastLogin);
    } finally {
      await broken.close();
    }
  });

  it('while the database is down: SERVICE_UNAVAILABLE with no stack and no driver detail; then it recovers', async () => {
    const session = login('bob');
    const pair = await csrfPair(t);
    await t.dataSource.destroy();
    try {
      for (const [query, field, o] of [
        [ME, 'me', { cookies: session.cookies }],
        ['{ maybe { username } }', 'maybe', { cookies: session.cookies }],
        ['{ sessionKeys { key } }', 'sessionKeys', { cookies: session.cookies }],
        [LOGIN, 'login', { variables: { u: 'bob', p: PASSWORDS.bob }, cookies: pair.cookies, headers: { 'X-CSRFToken': pair.token } }],
      ] as [string, string, GqlOptions][]) {
        const res = await gql(t, query, o);
        expect([field, expectFieldError(res, field, 'SERVICE_UNAVAILABLE')]).toEqual([field, 'Session store unavailable; try again later']);
        expect(res.text).not.toMatch(/establish|typeorm|sqlite|mysql|maria|ECONNREFUSED|DataSource|Connection/i);
        expect(res.cookies.sessionid).toBeUndefined();
      }
    } finally {
      await t.dataSource.initialize();
    }
    expect((await gql(t, ME, { cookies: session.cookies })).data!.me).toMatchObject({ username: 'bob' });
  });
});

describe('the same refusals over HTTP commit the session too (DjangoBridgeExceptionFilter)', () => {
  it.each(['express', 'fastify'] as AdapterName[])('through %s', async (adapter) => {
    const django = djangoOn('sqlite');
    // 4.1+: the app runs under a new key with the old one as fallback (SECRET_KEY_FALLBACKS); 3.2 has
    // no fallbacks, so there the app keeps the one key and the re-keying part is left out.
    const rotation = info.features.secret_key_fallbacks;
    const newKey = rotation ? `${secretKey}-http-${randomString(4, 8)}` : secretKey;
    const app = await startTestApp(adapter, django.connection(), rotation ? { secretKey: newKey, secretKeyFallbacks: [secretKey], djangoVersion: BRIDGE_VERSION } : { secretKey, djangoVersion: BRIDGE_VERSION });
    try {
      if (rotation) {
        // A 403 on a session signed with a fallback key still carries the re-keyed cookie.
        const old = django.login('bob', PASSWORDS.bob).cookies;
        const forbidden = await request(app.url).get('/staff').set('Cookie', cookieHeader(old));
        expect(forbidden.status).toBe(403);
        expect(forbidden.body).toEqual({ statusCode: 403, message: 'You do not have permission to perform this action', error: 'Forbidden' });
        const renewed = cookiesFrom(forbidden.headers['set-cookie'] as unknown as string[]).sessionid;
        expect(renewed).toMatch(/^[a-z0-9]{32}$/);
        expect(renewed).not.toBe(old.sessionid);
        expect((await request(app.url).get('/me').set('Cookie', `sessionid=${renewed}`)).body).toMatchObject({ username: 'bob' });
      } else {
        const forbidden = await request(app.url).get('/staff').set('Cookie', cookieHeader(django.login('bob', PASSWORDS.bob).cookies));
        expect([forbidden.status, forbidden.headers['set-cookie']]).toEqual([403, undefined]);
      }
      // A 401 after get_user() flushed a stale session deletes the cookie.
      const username = `hugo${adapter}`;
      const [, stale] = django.batch([c.createUser({ username, password: 'hugo-pw' }), c.login(username, 'hugo-pw'), c.setPassword(username, 'hugo-pw-2')]);
      const unauthenticated = await request(app.url).get('/me').set('Cookie', cookieHeader(stale.cookies));
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers['set-cookie']).toEqual(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax']);
      // Without a cookie a 401 sets none.
      const anonymous = await request(app.url).get('/me');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['set-cookie']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
