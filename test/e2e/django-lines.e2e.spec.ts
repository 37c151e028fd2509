/**
 * The bridge against every Django line the suite installs (3.2, 4.2, 5.2, 6.1) on every database
 * (SQLite, MariaDB, PostgreSQL): twelve cells, each a throwaway Django project and one Nest app on
 * the same database. Per cell: Django's logins work in Nest with Django's permissions and groups,
 * Nest's logins work in Django (whose check_password agrees with the stored hash), logout and a
 * password change end sessions on the other side, SECRET_KEY_FALLBACKS rotation (4.2+; refused on
 * both sides for 3.2), CSRF tokens both ways through Django's own CsrfViewMiddleware, and every
 * hasher of the line's default PASSWORD_HASHERS at the work factors that Django applies.
 *
 * Expectations come from the Django that runs (bridge_cli `version`), never from a table here.
 * Django is driven in batches (one Python start-up for many commands) to keep the cells fast.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { djangoDefaults, getCsrfToken, getNewCsrfSecret, type DjangoVersion } from '@django-bridge/core';
import { resolveBridgeOptions } from '@django-bridge/nest';
import request from 'supertest';
import { cookieHeader, djangoCalls as c, DjangoProject, type Cookies, type DjangoEngine, type DjangoVersionInfo } from '../django/django-project.js';
import { DJANGO_LINES, type DjangoLine } from '../django/django-line.js';
import { randomEnvSecret as randomSecret } from '../support/random.js';
import { startTestApp, type TestApp } from './support/bridge-test-app.js';

const ENGINES: DjangoEngine[] = ['sqlite', 'mysql', 'postgres'];
const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';

/** The bridge's djangoVersion for a line (libs/core knows every installed line, 6.1 included). */
function bridgeVersionFor(line: DjangoLine): DjangoVersion {
  return line;
}

function setCookies(setCookie: string[] | string | undefined): Cookies {
  const out: Cookies = {};
  for (const header of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const pair = header.split(';')[0];
    const eq = pair.indexOf('=');
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** The work factors written into a Django hash string, by algorithm. */
function hashFactors(encoded: string): Record<string, number | string> {
  const parts = encoded.split('$');
  switch (parts[0]) {
    case 'pbkdf2_sha256':
    case 'pbkdf2_sha1':
      return { iterations: Number(parts[1]) };
    case 'argon2': {
      // argon2$argon2id$v=19$m=102400,t=2,p=8$salt$hash (unpadded base64: 4 chars per 3 bytes)
      const params = Object.fromEntries(parts[3].split(',').map((kv) => kv.split('=')));
      return { variety: parts[1], t: Number(params.t), m: Number(params.m), p: Number(params.p), hash_len: Math.floor((parts[5].length * 3) / 4) };
    }
    case 'bcrypt_sha256':
      // bcrypt_sha256$$2b$12$...
      return { rounds: Number(parts[3]) };
    case 'scrypt':
      // scrypt$n$salt$r$p$hash
      return { n: Number(parts[1]), r: Number(parts[3]), p: Number(parts[4]) };
    default:
      return {};
  }
}

/** What the running Django says a fresh hash of each algorithm carries. */
function expectedFactors(info: DjangoVersionInfo, algorithm: string): Record<string, number | string> {
  switch (algorithm) {
    case 'pbkdf2_sha256':
      return { iterations: info.pbkdf2_iterations };
    case 'pbkdf2_sha1':
      return { iterations: info.pbkdf2_sha1_iterations };
    case 'argon2':
      return { variety: 'argon2id', t: info.argon2!.t, m: info.argon2!.m, p: info.argon2!.p, hash_len: info.argon2!.hash_len };
    case 'bcrypt_sha256':
      return { rounds: info.bcrypt_rounds };
    case 'scrypt':
      return { ...info.scrypt! };
    default:
      throw new Error(`no expectation for ${algorithm}`);
  }
}

function atLeast(info: DjangoVersionInfo, major: number, minor: number): boolean {
  const [ma, mi] = info.version.split('.').map(Number);
  return ma > major || (ma === major && mi >= minor);
}

/** Seconds spent per line (all three databases), printed at the end. */
const timings: Record<string, Record<string, number>> = {};

afterAll(() => {
  const lines = Object.entries(timings).map(([line, cells]) => `  Django ${line}: ${Object.entries(cells).map(([engine, s]) => `${engine} ${s.toFixed(1)} s`).join(', ')}; total ${Object.values(cells).reduce((a, b) => a + b, 0).toFixed(1)} s`);
  if (lines.length) console.log(`django-lines timings (scenario per cell, excluding database drop):\n${lines.join('\n')}`);
});

describe.each(DJANGO_LINES)('Django %s', (line) => {
  const bridgeVersion = bridgeVersionFor(line);
  let info: DjangoVersionInfo;
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'djb-lines-'));
    // `version` needs no database; any project of this line answers it.
    info = new DjangoProject({ engine: 'sqlite', name: join(scratch, 'unused.sqlite3'), secretKey: randomSecret(), line }).version();
  }, 60_000);
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('is the line it claims, with the defaults the bridge gives it', () => {
    expect(info.line).toBe(line);
    expect(info.version.startsWith(`${line}.`)).toBe(true);
    // With DJANGO_HASHERS unset, the project runs the line's own default list.
    expect(info.password_hashers).toEqual(info.default_password_hashers);
    expect(djangoDefaults(bridgeVersion).passwordHashers).toEqual(info.default_password_hashers);
    expect(djangoDefaults(bridgeVersion).pbkdf2Iterations).toBe(info.pbkdf2_iterations);
    expect(djangoDefaults(bridgeVersion).supportsSecretKeyFallbacks).toBe(info.features.secret_key_fallbacks);
  });

  it('refuses what this line lacks with a clear error, not a crash inside Django', () => {
    const base = { engine: 'sqlite' as const, name: join(scratch, 'refused.sqlite3'), secretKey: randomSecret(), line };
    const refused: [Partial<ConstructorParameters<typeof DjangoProject>[0]>, RegExp][] = [];
    if (!info.features.secret_key_fallbacks) refused.push([{ secretKeyFallbacks: ['old-key'] }, /SECRET_KEY_FALLBACKS exists from Django 4\.1 on/]);
    if (!info.features.default_hashing_algorithm) refused.push([{ defaultHashingAlgorithm: 'sha1' }, /Django 4\.0 removed the DEFAULT_HASHING_ALGORITHM setting/]);
    if (!info.features.pickle_serializer) refused.push([{ sessionSerializer: 'pickle' }, /Django 5\.0 removed PickleSerializer/]);
    if (atLeast(info, 5, 1)) refused.push([{ hashers: ['django.contrib.auth.hashers.SHA1PasswordHasher'] }, /Django 5\.1 removed django\.contrib\.auth\.hashers\.SHA1PasswordHasher/]);
    expect(refused.length).toBeGreaterThan(0);
    // All refusals at once: one process, every reason named.
    const all = new DjangoProject({ ...base, ...Object.assign({}, ...refused.map(([env]) => env)) });
    let message = '';
    try {
      all.version();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(new RegExp(`NotSupportedByThisDjango: Django ${info.version.replace(/\./g, '\\.')} cannot run this configuration`));
    for (const [, reason] of refused) expect(message).toMatch(reason);
    // Refused up front: no frame of Django itself in the traceback.
    expect(message).not.toMatch(/packages\/django\//);
  });

  describe.each(ENGINES)('on %s', (engine) => {
    const secretKey = randomSecret();
    const newKey = randomSecret();
    let django: DjangoProject;
    let t: TestApp;
    let rotated: TestApp | undefined;
    // Everything observed in the scenario below; the tests assert on it.
    const o: Record<string, any> = {};

    beforeAll(async () => {
      const started = Date.now();
      django = DjangoProject.throwaway(engine, { secretKey, line });
      const hasherUsers = info.default_password_hashers.map((algorithm) => ({ username: `h-${algorithm}`, password: `${algorithm}-pw-ü`, algorithm }));

      // 1. Django: schema, users, Django-made sessions and a Django CSRF token, one process.
      const fixed = [
        c.migrate(),
        c.createGroup('secret-agents', ['notes.delete_note']),
        c.createUser({ username: 'alice', password: 'alice-pw-ü', isStaff: true, groups: ['secret-agents'], permissions: ['notes.add_note', 'auth.view_user'] }),
        c.createUser({ username: 'bob', password: 'bob-pw' }),
        c.createUser({ username: 'carol', password: 'carol-pw' }),
        // An outdated hash on purpose: the bridge (passwordUpgrade 'stronger') raises it at login.
        c.createUser({ username: 'weak', password: 'weak-pw', hasher: 'pbkdf2_sha256', iterations: 1000 }),
        c.login('alice', 'alice-pw-ü'),
        c.login('bob', 'bob-pw'),
        c.login('carol', 'carol-pw'),
        c.csrfToken(),
        // Made under the old SECRET_KEY, for the rotation (4.2+).
        c.login('bob', 'bob-pw'),
      ] as const;
      const first = django.batch([...fixed, ...hasherUsers.map((u) => c.createUser({ username: u.username, password: u.password, hasher: u.algorithm }))]);
      const [, , , , , weakCreated, aliceLogin, bobDjango, carolLogin, djangoCsrf, oldSession] = first;
      const hasherCreated = first.slice(fixed.length).map((r, i) => ({ ...hasherUsers[i], hash: (r as { passwordHash: string }).passwordHash }));
      Object.assign(o, { weakCreated, aliceLogin, bobDjango, carolLogin, djangoCsrf, hasherCreated });

      // 2. Nest: one app for the cell.
      t = await startTestApp('express', django.connection(), { secretKey, djangoVersion: bridgeVersion, passwordUpgrade: 'stronger' });
      const get = (path: string, cookies: Cookies = {}) => request(t.url).get(path).set('Cookie', cookieHeader(cookies));
      const post = (path: string, body: object, cookies: Cookies = {}, headers: Record<string, string> = {}) => request(t.url).post(path).set('Cookie', cookieHeader(cookies)).set(headers).send(body);
      const nestLogin = async (username: string, password: string) => {
        const res = await post('/login', { username, password });
        return { status: res.status, body: res.body, cookies: setCookies(res.headers['set-cookie']) };
      };

      o.aliceMe = (await get('/me', aliceLogin.cookies)).body;
      o.nestBob = await nestLogin('bob', 'bob-pw');
      o.nestBobForDjangoLogout = await nestLogin('bob', 'bob-pw');
      o.nestWeak = await nestLogin('weak', 'weak-pw');
      o.nestLogoutOfDjango = (await post('/logout', {}, bobDjango.cookies)).status;
      o.carolMeBefore = (await get('/me', carolLogin.cookies)).status;
      o.hasherLogins = [];
      for (const u of hasherCreated) o.hasherLogins.push(await nestLogin(u.username, u.password));
      // Django's CSRF cookie and token (from get_token) through the bridge's guard, with Django's session.
      const withDjangoCsrf = { sessionid: aliceLogin.cookies.sessionid, csrftoken: djangoCsrf.cookies.csrftoken };
      const djangoTokenInNest = await post('/csrf/post', {}, withDjangoCsrf, { 'X-CSRFToken': djangoCsrf.body.token });
      const djangoCookieAsFormInNest = await request(t.url).post('/csrf/post').set('Cookie', cookieHeader(withDjangoCsrf)).type('form').send({ csrfmiddlewaretoken: djangoCsrf.body.token });
      const wrongToken = getCsrfToken(getNewCsrfSecret());
      const wrongTokenInNest = await post('/csrf/post', {}, withDjangoCsrf, { 'X-CSRFToken': wrongToken });
      o.djangoCsrfInNest = { header: [djangoTokenInNest.status, djangoTokenInNest.body], form: djangoCookieAsFormInNest.status, wrong: [wrongTokenInNest.status, wrongTokenInNest.body.message] };
      const nestCsrf = await get('/csrf');
      o.nestCsrf = { cookie: setCookies(nestCsrf.headers['set-cookie']).csrftoken, token: nestCsrf.body.csrfToken as string };

      // 3. Django: what it makes of everything Nest did, one process.
      const checks = [
        c.whoami(o.nestBob.cookies),
        c.decodeSession(o.nestBob.cookies.sessionid),
        c.checkPassword('bob', 'bob-pw'),
        c.whoami(o.nestWeak.cookies),
        c.checkPassword('weak', 'weak-pw'),
        c.whoami(bobDjango.cookies),
        c.logout(o.nestBobForDjangoLogout.cookies),
        c.whoami(o.nestBobForDjangoLogout.cookies),
        c.setPassword('carol', 'carol-new-pw'),
        c.csrfPost({ csrftoken: o.nestCsrf.cookie }, { token: o.nestCsrf.token }),
        c.csrfPost({ csrftoken: o.nestCsrf.cookie, sessionid: o.nestBob.cookies.sessionid }, { formToken: o.nestCsrf.token }),
        c.csrfPost({ csrftoken: o.nestCsrf.cookie }, { token: wrongToken }),
        c.csrfPost({ csrftoken: o.nestCsrf.cookie }),
      ] as const;
      const second = django.batch([...checks, ...o.hasherLogins.map((l: { cookies: Cookies }) => c.whoami(l.cookies)), ...hasherCreated.map((u) => c.checkPassword(u.username, u.password))]);
      const [bobWho, bobSession, bobPassword, weakWho, weakPassword, djangoSessionAfterNestLogout, djangoLogout, nestSessionAfterDjangoLogout, , csrfHeader, csrfForm, csrfWrong, csrfMissing] = second;
      const rest = second.slice(checks.length);
      Object.assign(o, {
        bobWho, bobSession, bobPassword, weakWho, weakPassword, djangoSessionAfterNestLogout, djangoLogout, nestSessionAfterDjangoLogout,
        csrfInDjango: { header: csrfHeader, form: csrfForm, wrong: csrfWrong, missing: csrfMissing },
        hasherWho: rest.slice(0, hasherCreated.length),
        hasherAfter: rest.slice(hasherCreated.length),
      });

      // 4. Nest: what it makes of what Django did.
      o.nestAfterDjangoLogout = (await get('/me', o.nestBobForDjangoLogout.cookies)).status;
      o.carolMeAfter = (await get('/me', carolLogin.cookies)).status;

      // 5. SECRET_KEY rotation: Nest with the new key and the old one as fallback, then Django with the new key.
      if (info.features.secret_key_fallbacks) {
        rotated = await startTestApp('express', django.connection(), { secretKey: newKey, secretKeyFallbacks: [secretKey], djangoVersion: bridgeVersion });
        const res = await request(rotated.url).get('/me').set('Cookie', cookieHeader(oldSession.cookies));
        const rekeyed = setCookies(res.headers['set-cookie']).sessionid;
        const nestLoginUnderNewKey = setCookies((await request(rotated.url).post('/login').send({ username: 'bob', password: 'bob-pw' })).headers['set-cookie']).sessionid;
        const rotatedDjango = new DjangoProject({ ...django.env, secretKey: newKey, secretKeyFallbacks: [secretKey] });
        const [rekeyedWho, oldWho, newLoginWho] = rotatedDjango.batch([c.whoami({ sessionid: rekeyed }), c.whoami(oldSession.cookies), c.whoami({ sessionid: nestLoginUnderNewKey })]);
        // Without the fallback: what Nest wrote is under the new key alone.
        const strictDjango = new DjangoProject({ ...django.env, secretKey: newKey });
        const [rekeyedStrict] = strictDjango.batch([c.whoami({ sessionid: rekeyed })]);
        o.rotation = { status: res.status, user: res.body.username, oldKey: oldSession.cookies.sessionid, rekeyed, rekeyedWho, oldWho, newLoginWho, rekeyedStrict };
      } else {
        o.rotation = {
          // The options DjangoBridgeModule.forRoot resolves (NestFactory would exit the process on the error).
          nest: (() => {
            try {
              resolveBridgeOptions({ secretKey: newKey, secretKeyFallbacks: [secretKey], djangoVersion: bridgeVersion, dataSource: t.dataSource });
              return 'accepted';
            } catch (err) {
              return (err as Error).message;
            }
          })(),
          django: (() => {
            try {
              new DjangoProject({ ...django.env, secretKey: newKey, secretKeyFallbacks: [secretKey] }).whoami({});
              return 'ran';
            } catch (err) {
              return (err as Error).message;
            }
          })(),
        };
      }
      (timings[line] ??= {})[engine] = (Date.now() - started) / 1000;
    }, 180_000);

    afterAll(async () => {
      await rotated?.close();
      await t?.close();
      django?.dropDatabase();
    });

    it("a Django login is accepted by Nest, with Django's permissions and groups", () => {
      expect(o.aliceLogin.status).toBe(200);
      expect(o.aliceLogin.body.permissions).toEqual(['auth.view_user', 'notes.add_note', 'notes.delete_note']);
      expect(o.aliceMe).toEqual({ id: o.aliceLogin.body.id, username: 'alice', isStaff: true, isSuperuser: false, permissions: o.aliceLogin.body.permissions, groups: o.aliceLogin.body.groups });
      expect(o.aliceMe.groups).toEqual(['secret-agents']);
    });

    it('a Nest login is accepted by Django, and the stored hash verifies in Django', () => {
      expect(o.nestBob.status).toBe(200);
      expect(o.nestBob.cookies.sessionid).toMatch(/^[a-z0-9]{32}$/);
      expect(o.bobWho).toMatchObject({ authenticated: true, username: 'bob', session_exists: true });
      expect(o.bobSession).toMatchObject({ _auth_user_id: String(o.bobWho.id), _auth_user_backend: MODEL_BACKEND });
      expect(o.bobPassword).toMatchObject({ ok: true, algorithm: 'pbkdf2_sha256', must_update: false });
      // The outdated hash, rewritten by the bridge at login, is exactly what this Django writes itself.
      expect(hashFactors(o.weakCreated.passwordHash)).toEqual({ iterations: 1000 });
      expect(o.nestWeak.status).toBe(200);
      expect(o.weakWho).toMatchObject({ authenticated: true, username: 'weak', session_exists: true });
      expect(o.weakPassword).toMatchObject({ ok: true, algorithm: info.password_hashers[0], must_update: false });
      expect(hashFactors(o.weakPassword.password_hash)).toEqual(expectedFactors(info, info.password_hashers[0]));
    });

    it('logout on either side ends the session for the other', () => {
      expect(o.nestLogoutOfDjango).toBe(200);
      expect(o.djangoSessionAfterNestLogout).toMatchObject({ authenticated: false, session_exists: false });
      expect(o.djangoLogout.status).toBe(200);
      expect(o.nestSessionAfterDjangoLogout).toMatchObject({ authenticated: false, session_exists: false });
      expect(o.nestAfterDjangoLogout).toBe(401);
    });

    it('a password change in Django ends the Nest session', () => {
      expect([o.carolMeBefore, o.carolMeAfter]).toEqual([200, 401]);
    });

    if (line === '3.2') {
      it('SECRET_KEY_FALLBACKS: 3.2 has none, and both sides refuse it', () => {
        expect(o.rotation.nest).toMatch(/secretKeyFallbacks" is not supported by Django 3\.2/);
        expect(o.rotation.django).toMatch(/NotSupportedByThisDjango: .*SECRET_KEY_FALLBACKS exists from Django 4\.1 on/);
      });
    } else {
      it('SECRET_KEY_FALLBACKS rotation: an old-key session works in Nest, and Django accepts what Nest writes', () => {
        expect([o.rotation.status, o.rotation.user]).toEqual([200, 'bob']);
        // Nest re-keys the session under the new key, as Django 4.1.8+ does.
        expect(o.rotation.rekeyed).toMatch(/^[a-z0-9]{32}$/);
        expect(o.rotation.rekeyed).not.toBe(o.rotation.oldKey);
        expect(o.rotation.rekeyedWho).toMatchObject({ authenticated: true, username: 'bob', session_exists: true });
        expect(o.rotation.oldWho).toMatchObject({ authenticated: false, session_exists: false });
        expect(o.rotation.newLoginWho).toMatchObject({ authenticated: true, username: 'bob' });
        expect(o.rotation.rekeyedStrict).toMatchObject({ authenticated: true, username: 'bob' });
      });
    }

    it("CSRF both ways: Nest's token passes Django's CsrfViewMiddleware, Django's passes Nest's guard", () => {
      // The cookie form Nest writes is the line's: a 64-char masked token before 4.1, the 32-char secret after.
      expect(o.nestCsrf.cookie).toMatch(info.features.csrf_cookie_masked_by_default ? /^[a-zA-Z0-9]{64}$/ : /^[a-zA-Z0-9]{32}$/);
      expect(o.djangoCsrf.cookies.csrftoken).toMatch(info.features.csrf_cookie_masked_by_default ? /^[a-zA-Z0-9]{64}$/ : /^[a-zA-Z0-9]{32}$/);
      expect(o.nestCsrf.token).toMatch(/^[a-zA-Z0-9]{64}$/);
      expect([o.csrfInDjango.header.status, o.csrfInDjango.header.body]).toEqual([200, { ok: true, user: expect.objectContaining({ authenticated: false }) }]);
      expect([o.csrfInDjango.form.status, o.csrfInDjango.form.body.user?.username]).toEqual([200, 'bob']);
      // Refusals, with Django's own reasons (which changed in 4.0)...
      expect(o.csrfInDjango.wrong.status).toBe(403);
      expect(o.csrfInDjango.missing.status).toBe(403);
      expect(o.csrfInDjango.wrong.body.reason).toBe(line === '3.2' ? 'CSRF token missing or incorrect.' : "CSRF token from the 'X-Csrftoken' HTTP header incorrect.");
      expect(o.csrfInDjango.missing.body.reason).toBe(line === '3.2' ? 'CSRF token missing or incorrect.' : 'CSRF token missing.');
      // ...and Django's cookie and token accepted by Nest, a wrong token refused.
      expect(o.djangoCsrfInNest.header).toEqual([200, { ok: true, username: 'alice' }]);
      expect(o.djangoCsrfInNest.form).toBe(200);
      expect(o.djangoCsrfInNest.wrong[0]).toBe(403);
    });

    // Nest words its refusal as the configured line does (3.2's single reason, 4.0+'s precise ones).
    it("Nest's CSRF refusal gives the reason this Django gives", () => {
      expect(o.djangoCsrfInNest.wrong).toEqual([403, `CSRF verification failed. ${o.csrfInDjango.wrong.body.reason}`]);
    });

    it("every default hasher: users Django creates at the line's work factors log in through Nest, and stay as they are", () => {
      expect(o.hasherCreated.map((u: { algorithm: string }) => u.algorithm)).toEqual(info.default_password_hashers);
      o.hasherCreated.forEach((u: { username: string; algorithm: string; hash: string }, i: number) => {
        expect([u.algorithm, u.hash.split('$')[0], hashFactors(u.hash)]).toEqual([u.algorithm, u.algorithm, expectedFactors(info, u.algorithm)]);
        expect([u.algorithm, o.hasherLogins[i].status, o.hasherLogins[i].body?.username]).toEqual([u.algorithm, 200, u.username]);
        expect([u.algorithm, o.hasherWho[i]]).toEqual([u.algorithm, expect.objectContaining({ authenticated: true, username: u.username })]);
        // Not rewritten by the bridge ('stronger' never swaps between modern algorithms), and still Django's.
        expect([u.algorithm, o.hasherAfter[i].ok, o.hasherAfter[i].password_hash]).toEqual([u.algorithm, true, u.hash]);
      });
    });
  });
});
