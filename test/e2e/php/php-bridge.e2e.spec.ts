/**
 * One django_session table shared by three real programs: Django of the run's line (DJANGO_LINE,
 * default 5.2) with django-php-bridge's php_serialize engine, PHP 8.2 serving test/php/app.php on
 * contrib/php, and the Nest sample with DJANGO_SESSION_SERIALIZER=php and DJANGO_VERSION naming
 * that line. Each logs users in and out; the others must agree, on SQLite, MariaDB and PostgreSQL.
 * Nothing is mocked.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeSessionData, newSessionKey, sessionAuthHash } from '@django-bridge/core';
import { djangoCalls as c, DjangoProject } from '../../django/django-project.js';
import { pdoEnv, startPhpApp, type PhpApp } from '../../php/php.js';
import { setCookies, startSample, startSampleAgain, type SampleHarness } from '../sample/sample-harness.js';
import { randomToken } from '../../support/random.js';

const COOKIE = 'PHPSESSID';
const PASSWORD = `pw-${randomToken(12)}-é`;
const FAR_FUTURE = '2099-01-01 00:00:00';

interface Views {
  nest: number;
  php: number;
  /** Django's request.user.is_authenticated, or "error" when Django itself raised. */
  django: boolean | 'error';
}

describe.each(['sqlite', 'mysql', 'postgres'] as const)('Django, PHP and Nest share one session table on %s', (engine) => {
  let h: SampleHarness;
  let django: DjangoProject;
  let php: PhpApp;
  let userId: number;

  beforeAll(async () => {
    h = await startSample(engine, { DJANGO_SESSION_SERIALIZER: 'php', DJANGO_SESSION_COOKIE_NAME: COOKIE });
    django = new DjangoProject({ ...h.django.env, sessionSerializer: 'php', sessionCookieName: COOKIE });
    userId = django.createUser({ username: 'alice', password: PASSWORD, email: 'alice@example.com', permissions: ['notes.add_note'] }).id;
    django.createUser({ username: 'bob', password: PASSWORD });
    php = await startPhpApp({ ...pdoEnv(django.connection()), DJB_SECRET_KEY: h.env.DJANGO_SECRET_KEY });
  }, 180_000);

  afterAll(async () => {
    await php?.close();
    await h?.close();
  });

  async function phpLogin(app: PhpApp, username = 'alice', password = PASSWORD): Promise<string> {
    const res = await app.http().post('/login').send({ username, password }).expect(200);
    expect(res.body).toMatchObject({ id: userId, username: 'alice', email: 'alice@example.com', is_active: true });
    return setCookies(res)[COOKIE];
  }

  async function nestLogin(): Promise<string> {
    const csrf = await h.http().get('/api/csrf').expect(200);
    const res = await h.http().post('/api/login').set('Cookie', `csrftoken=${setCookies(csrf).csrftoken}`).set('X-CSRFToken', csrf.body.csrfToken).send({ username: 'alice', password: PASSWORD }).expect(200);
    return setCookies(res)[COOKIE];
  }

  function djangoLogin(): string {
    const res = django.login('alice', PASSWORD);
    expect(res.status).toBe(200);
    return res.cookies[COOKIE];
  }

  /** Who each side thinks the cookie belongs to: HTTP status for Nest and PHP, Django's answer. */
  async function views(key: string, app = php): Promise<Views> {
    const nest = await h.http().get('/api/me').set('Cookie', `${COOKIE}=${key}`);
    const fromPhp = await app.http().get('/me').set('Cookie', `${COOKIE}=${key}`);
    let who: ReturnType<DjangoProject['whoami']> | 'error';
    try {
      who = django.whoami({ [COOKIE]: key });
    } catch {
      who = 'error';
    }
    if (nest.status === 200) expect(nest.body).toMatchObject({ id: userId, username: 'alice', permissions: ['notes.add_note'] });
    if (fromPhp.status === 200) expect(fromPhp.body).toMatchObject({ id: userId, username: 'alice' });
    if (who !== 'error' && who.authenticated) expect(who).toMatchObject({ id: userId, username: 'alice' });
    return { nest: nest.status, php: fromPhp.status, django: who === 'error' ? 'error' : who.authenticated };
  }

  const EVERYONE: Views = { nest: 200, php: 200, django: true };
  const NOBODY: Views = { nest: 401, php: 401, django: false };

  function insertRow(key: string, data: string, expire = FAR_FUTURE): void {
    django.sql('INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s)', [key, data, expire]);
  }

  it('PHP logs in: the row is php_serialize with a string user id, and Nest and Django accept it', async () => {
    const key = await phpLogin(php);
    // Debian's php.ini (production values): session.sid_length 26, sid_bits_per_character 5.
    expect(key).toMatch(/^[0-9a-v]{26}$/);
    const row = django.sessionRow(key)!;
    expect(row.session_data).toMatch(new RegExp(`^a:3:\\{s:13:"_auth_user_id";s:${String(userId).length}:"${userId}";s:18:"_auth_user_backend";s:41:"django.contrib.auth.backends.ModelBackend";s:15:"_auth_user_hash";s:64:"[0-9a-f]{64}";\\}$`));
    expect(await views(key)).toEqual(EVERYONE);
    // Django's last_login moved, as Django's own login would have moved it.
    expect(django.getUser('alice').last_login).toBeTruthy();
  });

  it('logging in again: the same user keeps the session id (as Django), another user gets a fresh, empty one', async () => {
    const key = await phpLogin(php);
    const again = await php.http().post('/login').set('Cookie', `${COOKIE}=${key}`).send({ username: 'alice', password: PASSWORD }).expect(200);
    expect(setCookies(again)[COOKIE]).toBeUndefined();
    expect(await views(key)).toEqual(EVERYONE);
    // Django itself keeps the key for the same user too.
    expect(django.login('alice', PASSWORD, { [COOKIE]: key }).cookies[COOKIE]).toBe(key);
    django.createUser({ username: 'carol', password: PASSWORD });
    const carol = await php.http().post('/login').set('Cookie', `${COOKIE}=${key}`).send({ username: 'carol', password: PASSWORD }).expect(200);
    expect(carol.body.username).toBe('carol');
    const fresh = setCookies(carol)[COOKIE];
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(key);
    expect(django.sessionRow(key)).toBeNull();
  });

  it('anonymous PHP requests, and bodies that are not JSON objects, leave no session row and no error', async () => {
    const count = () => Number(django.sql('SELECT COUNT(*) AS n FROM django_session').rows![0].n);
    const before = count();
    for (let i = 0; i < 3; i++) await php.http().get('/me').expect(401);
    await php.http().post('/login').set('Content-Type', 'application/json').send('"just a string"').expect(401);
    await php.http().post('/session').set('Content-Type', 'application/json').send('"not an object"').expect(200);
    expect(count()).toBe(before);
  });

  it('Nest logs in: PHP and Django read the session, and the key stays Django-style', async () => {
    const key = await nestLogin();
    expect(key).toMatch(/^[a-z0-9]{32}$/);
    expect(await views(key)).toEqual(EVERYONE);
    const session = await php.http().get('/session').set('Cookie', `${COOKIE}=${key}`).expect(200);
    expect(session.body.data).toMatchObject({ _auth_user_id: String(userId), _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' });
  });

  it('Django logs in: Nest and PHP read the session', async () => {
    const key = djangoLogin();
    expect(django.sessionRow(key)!.session_data).toMatch(/^a:3:\{/);
    expect(await views(key)).toEqual(EVERYONE);
  });

  it.each(['php', 'nest', 'django'] as const)('logout on the %s side ends the session for all three', async (side) => {
    for (const login of [() => phpLogin(php), nestLogin, async () => djangoLogin()]) {
      const key = await login();
      expect(await views(key)).toEqual(EVERYONE);
      if (side === 'php') {
        await php.http().post('/logout').set('Cookie', `${COOKIE}=${key}`).expect(204);
      } else if (side === 'nest') {
        const csrf = await h.http().get('/api/csrf').expect(200);
        await h.http().post('/api/logout').set('Cookie', `${COOKIE}=${key}; csrftoken=${setCookies(csrf).csrftoken}`).set('X-CSRFToken', csrf.body.csrfToken).expect(204);
      } else {
        expect(django.logout({ [COOKIE]: key }).status).toBe(200);
      }
      expect(django.sessionRow(key)).toBeNull();
      expect(await views(key)).toEqual(NOBODY);
    }
  });

  it('a password change on one side ends sessions made on the others (session auth hash)', async () => {
    const key = await phpLogin(php);
    const other = await nestLogin();
    django.setPassword('alice', `${PASSWORD}-new`);
    expect(await views(key)).toEqual(NOBODY);
    expect(await views(other)).toEqual(NOBODY);
    django.setPassword('alice', PASSWORD);
    expect(await views(await phpLogin(php))).toEqual(EVERYONE);
  });

  it('PHP after a SECRET_KEY rotation: sessions hashed under the old key (a fallback) are accepted and re-keyed', async () => {
    const oldKey = h.env.DJANGO_SECRET_KEY;
    const rotated = await startPhpApp({ ...pdoEnv(django.connection()), DJB_SECRET_KEY: `${oldKey}-rotated`, DJB_SECRET_KEY_FALLBACKS: oldKey });
    const noFallback = await startPhpApp({ ...pdoEnv(django.connection()), DJB_SECRET_KEY: `${oldKey}-rotated` });
    try {
      const key = await phpLogin(php);
      expect((await noFallback.http().get('/me').set('Cookie', `${COOKIE}=${key}`)).status).toBe(401);
      const key2 = await phpLogin(php);
      const res = await rotated.http().get('/me').set('Cookie', `${COOKIE}=${key2}`).expect(200);
      const newKey = setCookies(res)[COOKIE];
      expect(newKey).toBeTruthy();
      expect(newKey).not.toBe(key2);
      expect(django.sessionRow(key2)).toBeNull();
      const hash = decodeSessionData(django.sessionRow(newKey)!.session_data, { secretKey: 'unused', serializer: 'php' })._auth_user_hash;
      expect(hash).toBe(sessionAuthHash(django.getUser('alice').password, `${oldKey}-rotated`));
    } finally {
      await rotated.close();
      await noFallback.close();
    }
  });

  it('PHP refuses wrong passwords, unknown and inactive users with one answer', async () => {
    for (const [username, password] of [['alice', 'wrong'], ['nobody', PASSWORD]]) {
      expect((await php.http().post('/login').send({ username, password }).expect(401)).body).toEqual({ detail: 'Invalid username or password.' });
    }
    django.setActive('bob', false);
    expect((await php.http().post('/login').send({ username: 'bob', password: PASSWORD }).expect(401)).body).toEqual({ detail: 'Invalid username or password.' });
  });

  it('session data PHP writes is what Django and the Nest core read: byte strings, lists and int-keyed arrays', async () => {
    const key = await phpLogin(php);
    const data = { text: 'é 😀 "quoted" \\ ;}', list: [1, 2, 3], sparse: { 1: 'a', 3: 'b' }, nested: { a: [true, null, 1.5] } };
    await php.http().post('/session').set('Cookie', `${COOKIE}=${key}`).send(data).expect(200);
    const raw = django.sessionRow(key)!.session_data;
    expect(raw).toContain(`s:4:"text";s:${Buffer.byteLength(data.text)}:"${data.text}";`);
    expect(raw).toContain('s:6:"sparse";a:2:{i:1;s:1:"a";i:3;s:1:"b";}');
    expect(decodeSessionData(raw, { secretKey: 'unused', serializer: 'php' })).toMatchObject(data);
    expect(django.decodeSession(key)).toEqual(decodeSessionData(raw, { secretKey: 'unused', serializer: 'php' }));
    expect(await views(key)).toEqual(EVERYONE);
  });

  it('ids PHP generates under other sid_length and sid_bits_per_character settings work everywhere', async () => {
    for (const [length, bits, pattern] of [[40, 5, /^[0-9a-v]{40}$/], [32, 4, /^[0-9a-f]{32}$/], [22, 4, /^[0-9a-f]{22}$/]] as const) {
      const other = await startPhpApp({ ...pdoEnv(django.connection()), DJB_SECRET_KEY: h.env.DJANGO_SECRET_KEY }, { 'session.sid_length': String(length), 'session.sid_bits_per_character': String(bits) });
      try {
        const key = await phpLogin(other);
        expect(key).toMatch(pattern);
        expect(await views(key, other)).toEqual(EVERYONE);
      } finally {
        await other.close();
      }
    }
  });

  it('PHP refuses settings whose ids the others could not read back (sid_bits_per_character 6, sid_length over 40)', async () => {
    for (const ini of [{ 'session.sid_bits_per_character': '6' }, { 'session.sid_length': '48' }] as Record<string, string>[]) {
      const other = await startPhpApp({ ...pdoEnv(django.connection()), DJB_SECRET_KEY: h.env.DJANGO_SECRET_KEY }, ini);
      try {
        const res = await other.http().post('/login').send({ username: 'alice', password: PASSWORD });
        expect(res.status).toBe(500);
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(other.stderr()).toMatch(/sid_bits_per_character must be 4 or 5|sid_length must be at most 40/);
      } finally {
        await other.close();
      }
    }
  });

  it("a row Python 3 Django wrote through django-php-bridge (b'a:...') is read by all three", async () => {
    const source = django.sessionRow(await phpLogin(php))!.session_data;
    const key = newSessionKey();
    insertRow(key, `b'${source.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`);
    expect(await views(key)).toEqual(EVERYONE);
  });

  it('malformed PHP data never becomes a login, and no side answers with an error page', async () => {
    const good = django.sessionRow(await phpLogin(php))!.session_data;
    const withExtra = (extra: string) => good.replace(/^a:3:/, 'a:4:').replace(/}$/, `s:1:"x";${extra}}`);
    const malformed = {
      object: withExtra('O:8:"stdClass":1:{s:1:"a";i:1;}'),
      serializable: withExtra('C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}'),
      reference: withExtra('R:2;'),
      valueReference: withExtra('r:2;'),
      truncated: good.slice(0, -12),
      longerThanLength: good.replace(/s:(\d+):"(\d+)"/, (_m, n, id) => `s:${n}:"${id}0"`),
      shorterThanLength: good.replace(/s:(\d+):"(\d+)"/, (_m, n, id) => `s:${Number(n) + 1}:"${id}"`),
      wrongCount: good.replace(/^a:3:/, 'a:5:'),
      trailing: `${good}s:1:"x";`,
      objectAsUser: good.replace(/s:13:"_auth_user_id";s:\d+:"\d+";/, 's:13:"_auth_user_id";O:8:"stdClass":0:{}'),
      intKeyedUserArray: good.replace(/s:13:"_auth_user_id";s:\d+:"\d+";/, `s:13:"_auth_user_id";a:1:{i:0;i:${userId};}`),
      notAnArray: 's:5:"hello";',
    };
    const seen: Record<string, Views> = {};
    const keys = Object.keys(malformed).map(() => newSessionKey());
    django.batch(Object.values(malformed).map((data, i) => c.sql('INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s)', [keys[i], data, FAR_FUTURE])));
    for (const [i, name] of Object.keys(malformed).entries()) seen[name] = await views(keys[i]);
    expect(seen).toEqual(Object.fromEntries(Object.keys(malformed).map((name) =>
      // Well-formed PHP, but an array where Django wants an id: Django itself raises
      // (ValidationError, a 500); Nest and PHP answer 401.
      [name, name === 'intKeyedUserArray' ? { ...NOBODY, django: 'error' } : NOBODY])));
    // A bare PHP integer user id (old PHP code) is still a login, as Django accepts it.
    const intId = newSessionKey();
    insertRow(intId, good.replace(/s:13:"_auth_user_id";s:\d+:"\d+";/, `s:13:"_auth_user_id";i:${userId};`));
    expect(await views(intId)).toEqual(EVERYONE);
  });

  it('ids outside PHP\'s alphabet or length are not sessions, even when a row exists', async () => {
    const good = django.sessionRow(await phpLogin(php))!.session_data;
    const keys = ['abc.defghijk', 'abcdefghijk!', 'abcdefg'];
    django.batch(keys.map((key) => c.sql('INSERT INTO django_session (session_key, session_data, expire_date) VALUES (%s, %s, %s)', [key, good, FAR_FUTURE])));
    for (const key of keys) {
      const nest = await h.http().get('/api/me').set('Cookie', `${COOKIE}=${key}`);
      const fromPhp = await php.http().get('/me').set('Cookie', `${COOKIE}=${key}`);
      expect([key, nest.status, fromPhp.status]).toEqual([key, 401, 401]);
    }
  });

  it('naive expire_date in a configured zone: PHP, Nest and Django agree on when a session ends', async () => {
    const zone = 'Asia/Kolkata';
    const zoned = { ...pdoEnv(django.connection()), DJB_SECRET_KEY: h.env.DJANGO_SECRET_KEY, DJB_TIME_ZONE: zone };
    const shortLived = await startPhpApp({ ...zoned, DJB_COOKIE_AGE: '4' });
    const phpZoned = await startPhpApp(zoned);
    const nestZoned = await startSampleAgain({ ...h.env, DJANGO_USE_TZ: 'false', DJANGO_TIME_ZONE: zone });
    const djangoZoned = new DjangoProject({ ...django.env, useTz: false, timeZone: zone });
    try {
      const key = await phpLogin(shortLived);
      if (engine !== 'postgres') {
        // Wall time in Kolkata (UTC+5:30), as PHP code writing date() with that date.timezone would.
        const written = Date.parse(`${django.sessionRow(key)!.expire_date.replace(' ', 'T').slice(0, 19)}Z`);
        expect(Math.abs(written - (Date.now() + 4000 + 5.5 * 3600_000))).toBeLessThan(3000);
      }
      const see = async () => ({
        nest: (await nestZoned.http().get('/api/me').set('Cookie', `${COOKIE}=${key}`)).status,
        php: (await phpZoned.http().get('/me').set('Cookie', `${COOKIE}=${key}`)).status,
        django: djangoZoned.whoami({ [COOKIE]: key }).authenticated,
      });
      expect(await see()).toEqual(EVERYONE);
      await new Promise((r) => setTimeout(r, 5000));
      // Read as UTC, the row would still look valid for five and a half hours.
      expect(await see()).toEqual(NOBODY);
      // And the other way: Nest writes the zone's wall time, PHP reads it.
      const csrf = await nestZoned.http().get('/api/csrf').expect(200);
      const login = await nestZoned.http().post('/api/login').set('Cookie', `csrftoken=${setCookies(csrf).csrftoken}`).set('X-CSRFToken', csrf.body.csrfToken).send({ username: 'alice', password: PASSWORD }).expect(200);
      const nestKey = setCookies(login)[COOKIE];
      expect((await phpZoned.http().get('/me').set('Cookie', `${COOKIE}=${nestKey}`)).status).toBe(200);
      expect(djangoZoned.whoami({ [COOKIE]: nestKey }).authenticated).toBe(true);
    } finally {
      await shortLived.close();
      await phpZoned.close();
      await nestZoned.close();
    }
  }, 60_000);

  it('PHP never prints a warning or a trace for any of this', () => {
    expect(php.stderr()).not.toMatch(/PHP (Warning|Fatal|Notice|Deprecated)|Stack trace/);
  });
});

describe('PHP with its database down', () => {
  it('answers 503 without a trace, and no one is logged in', async () => {
    const app = await startPhpApp({ DJB_DSN: 'mysql:host=127.0.0.1;port=1;dbname=none', DJB_DB_USER: 'root', DJB_SECRET_KEY: 'some-secret-key' });
    try {
      for (const req of [app.http().get('/me').set('Cookie', `${COOKIE}=${newSessionKey()}`), app.http().post('/login').send({ username: 'alice', password: 'x' })]) {
        const res = await req;
        expect(res.status).toBe(503);
        expect(res.text).toBe('{"detail":"Service unavailable."}');
      }
    } finally {
      await app.close();
    }
  });
});

