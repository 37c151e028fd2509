/**
 * DRF tokens shared live between a real Django (the run's line, with Debian's DRF) and Nest, on
 * SQLite, MariaDB and PostgreSQL, through Express and Fastify: a token Django made works in Nest
 * and one Nest made works in DRF's TokenAuthentication (the project's /drf/me/ view); rotation and
 * deletion on either side are honoured by the other; an inactive user, a malformed header and an
 * unknown key get DRF's own 401 (message and WWW-Authenticate, asked of DRF for each header);
 * @RequirePermissions holds for a token user; a database that stalls or dies is a 503.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { instantToWallTime } from '@django-bridge/core';
import request from 'supertest';
import { djangoCalls as c, DjangoProject, type DjangoEngine } from '../django/django-project.js';
import { djangoProjectAll } from '../django/oracle.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres-server.js';
import { randomEnvSecret } from '../support/random.js';
import { startDrfTokenApp } from './support/drf-token-test-app.js';
import type { AdapterName } from './support/bridge-test-app.js';
import type { ListeningApp } from './support/listening-app.js';
import { BRIDGE_VERSION, LINE } from './support/django-line.js';

const ENGINES: DjangoEngine[] = ['sqlite', 'mysql', 'postgres'];
const ADAPTERS: AdapterName[] = ['express', 'fastify'];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** What DRF's /drf/me/ answered, as the bridge words it: status, message, WWW-Authenticate. */
type Verdict = [number, string | undefined, string | undefined];

/** Header values as bytes (latin-1), sent the same to Django and to Nest. */
const MALFORMED = ['Token', 'token', 'Token a b', 'Token \xff\xfe', 'Token \xed\xa0\x80', 'Token ' + 'f'.repeat(40), 'Token ' + 'a'.repeat(41), 'Token \xc3\xa9', 'Token 1 2 3'];

describe.each(ENGINES)(`DRF tokens on %s (Django ${LINE})`, (engine) => {
  const secretKey = randomEnvSecret();
  let django: DjangoProject;
  const drf = (requests: Json[]) => djangoProjectAll<Json>(django, requests as never);
  /** GET /drf/me/ through the whole Django stack with this Authorization value. */
  const drfMe = (authorization?: string) => ({ op: 'project_request', path: '/drf/me/', headers: authorization === undefined ? {} : { Authorization: Buffer.from(authorization, 'latin1') } });
  const drfVerdict = (answer: Json): Verdict => [answer.status, answer.body?.detail ?? answer.body?.username, answer.headers['www-authenticate']];

  beforeAll(() => {
    django = DjangoProject.throwaway(engine, { secretKey });
    django.batch([
      c.migrate(),
      c.createUser({ username: 'alice', password: 'alice-pw', permissions: ['notes.add_note'] }),
      c.createUser({ username: 'bob', password: 'bob-pw' }),
      c.createUser({ username: 'sleepy', password: 'sleepy-pw' }),
    ]);
  }, 180_000);
  afterAll(() => {
    django?.dropDatabase();
  });

  describe.each(ADAPTERS)('through %s', (adapter) => {
    let t: ListeningApp;
    const get = (path: string, authorization?: string) => (authorization === undefined ? request(t.url).get(path) : request(t.url).get(path).set('Authorization', authorization));
    const nestVerdict = (res: { status: number; body: Json; headers: Json }): Verdict => [res.status, res.body.message ?? res.body.username, res.headers['www-authenticate']];
    const nest = (username: string, action: 'create' | 'rotate' | 'delete' | 'get') =>
      action === 'create' ? request(t.url).post(`/tokens/${username}`) : action === 'rotate' ? request(t.url).post(`/tokens/${username}/rotate`) : action === 'delete' ? request(t.url).delete(`/tokens/${username}`) : request(t.url).get(`/tokens/${username}`);

    beforeAll(async () => {
      t = await startDrfTokenApp(adapter, django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION });
      drf([{ op: 'drf_token_delete', username: 'alice' }, { op: 'drf_token_delete', username: 'bob' }]);
      django.setActive('sleepy', true);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('accepts a token Django made, with the token row as the credential', async () => {
      const [made, row] = drf([{ op: 'drf_token_create', username: 'alice' }, { op: 'drf_token_row', username: 'alice' }]);
      expect(made.created).toBe(true);
      const res = await get('/me', `Token ${made.key}`);
      expect([res.status, res.body]).toEqual([200, { username: 'alice', credential: 'token', key: made.key }]);
      // Nest reads Django's row: same key, owner and instant.
      const ours = (await nest('alice', 'get')).body.token;
      expect(ours).toMatchObject({ key: made.key, userId: row.user_id });
      expect(Math.abs(Date.parse(ours.created) - Date.parse(row.created))).toBeLessThan(1);
      // get_or_create in Nest finds Django's token rather than making a second one.
      expect((await nest('alice', 'create')).body).toMatchObject({ created: false, token: { key: made.key } });
    });

    it('makes tokens DRF accepts, in the shape Django writes them', async () => {
      const made = (await nest('bob', 'create')).body;
      expect(made).toMatchObject({ created: true, token: { key: expect.stringMatching(/^[0-9a-f]{40}$/) } });
      const [me, authenticated, row] = drf([drfMe(`Token ${made.token.key}`), { op: 'drf_authenticate', header: `Token ${made.token.key}` }, { op: 'drf_token_row', username: 'bob' }]);
      expect(drfVerdict(me)).toEqual([200, 'bob', undefined]);
      expect(authenticated).toEqual({ user: 'bob', key: made.token.key });
      expect(Date.parse(row.created)).toBe(Date.parse(made.token.created));
      expect(Math.abs(Date.parse(row.created) - Date.now())).toBeLessThan(60_000);
      // Django's own get_or_create finds it.
      expect(drf([{ op: 'drf_token_create', username: 'bob' }])[0]).toEqual({ key: made.token.key, created: false });
    });

    it('honours a rotation and a deletion made by either side', async () => {
      const before = (await nest('bob', 'create')).body.token.key;
      const rotated = (await nest('bob', 'rotate')).body.token.key;
      expect(rotated).not.toBe(before);
      const [oldInDrf, newInDrf] = drf([drfMe(`Token ${before}`), drfMe(`Token ${rotated}`)]);
      expect(drfVerdict(oldInDrf)).toEqual([401, 'Invalid token.', 'Token']);
      expect(drfVerdict(newInDrf)).toEqual([200, 'bob', undefined]);

      const [djangoRotated] = drf([{ op: 'drf_token_rotate', username: 'bob' }]);
      expect(djangoRotated.old).toBe(rotated);
      expect(nestVerdict(await get('/me', `Token ${rotated}`))).toEqual([401, 'Invalid token.', 'Token']);
      expect((await get('/me', `Token ${djangoRotated.key}`)).body).toMatchObject({ username: 'bob', key: djangoRotated.key });

      expect((await nest('bob', 'delete')).body).toEqual({ deleted: true });
      expect(drfVerdict(drf([drfMe(`Token ${djangoRotated.key}`)])[0])).toEqual([401, 'Invalid token.', 'Token']);
      const [again] = drf([{ op: 'drf_token_create', username: 'bob' }]);
      expect((await get('/me', `Token ${again.key}`)).status).toBe(200);
      drf([{ op: 'drf_token_delete', username: 'bob' }]);
      expect(nestVerdict(await get('/me', `Token ${again.key}`))).toEqual([401, 'Invalid token.', 'Token']);
      expect((await nest('bob', 'get')).body).toEqual({ token: null });
    });

    it('refuses the token of a user Django deactivated, as DRF does', async () => {
      const key = (await nest('sleepy', 'create')).body.token.key;
      expect((await get('/me', `Token ${key}`)).status).toBe(200);
      django.setActive('sleepy', false);
      try {
        const [theirs] = drf([drfMe(`Token ${key}`)]);
        expect(drfVerdict(theirs)).toEqual([401, 'User inactive or deleted.', 'Token']);
        expect(nestVerdict(await get('/me', `Token ${key}`))).toEqual(drfVerdict(theirs));
      } finally {
        django.setActive('sleepy', true);
      }
    });

    it("answers every malformed or unknown header with DRF's own 401", async () => {
      const theirs = drf(MALFORMED.map((header) => drfMe(header))).map(drfVerdict);
      const ours: Verdict[] = [];
      for (const header of MALFORMED) ours.push(nestVerdict(await get('/me', header)));
      expect(ours).toEqual(theirs);
      for (const [status, , challenge] of ours) expect([status, challenge]).toEqual([401, 'Token']);
    });

    it('compares an upper-cased key as the database does, like DRF', async () => {
      const key = (await nest('alice', 'create')).body.token.key as string;
      const upper = `Token ${key.toUpperCase()}`;
      const [theirs] = drf([drfMe(upper)]);
      const ours = nestVerdict(await get('/me', upper));
      expect(ours[0]).toBe(theirs.status);
      // MySQL/MariaDB's case-insensitive collation matches; SQLite and PostgreSQL do not.
      expect(ours[0]).toBe(engine === 'mysql' ? 200 : 401);
    });

    it('holds @RequirePermissions for a token user, and the django-token Passport strategy', async () => {
      const alice = (await nest('alice', 'create')).body.token.key;
      const bob = (await nest('bob', 'create')).body.token.key;
      expect([(await get('/notes', `Token ${alice}`)).status, (await get('/notes', `Token ${bob}`)).status]).toEqual([200, 403]);
      expect((await get('/passport/token', `Token ${bob}`)).body).toEqual({ username: 'bob' });
      expect(nestVerdict(await get('/passport/token', 'Token nope'))).toEqual([401, 'Invalid token.', 'Token']);
      // No credential at all: 401 with the token challenge (the session has none).
      expect(nestVerdict(await get('/me'))[2]).toBe('Token');
      expect((await get('/me')).status).toBe(401);
    });
  });
});

describe.each(ENGINES)(`DRF token dates with USE_TZ = False on %s (Django ${LINE})`, (engine) => {
  const secretKey = randomEnvSecret();
  const timeZone = 'America/New_York';
  let django: DjangoProject;
  let t: ListeningApp;

  beforeAll(async () => {
    django = DjangoProject.throwaway(engine, { secretKey, useTz: false, timeZone });
    django.batch([c.migrate(), c.createUser({ username: 'alice', password: 'alice-pw' }), c.createUser({ username: 'bob', password: 'bob-pw' })]);
    t = await startDrfTokenApp('express', django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, useTz: false, timeZone });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    django?.dropDatabase();
  });

  /** Django's naive local `created` (isoformat) as wall-clock milliseconds, to compare with an instant's wall time. */
  const wallOf = (isoformat: string) => Date.parse(`${isoformat}Z`);
  const nestWall = (iso: string) => instantToWallTime(timeZone, Date.parse(iso));

  it('reads the naive local `created` Django wrote, and writes its own the same way', async () => {
    const [made] = djangoProjectAll<Json>(django, [{ op: 'drf_token_create', username: 'alice' }]);
    const ours = (await request(t.url).get('/tokens/alice')).body.token;
    const bob = (await request(t.url).post('/tokens/bob')).body.token;
    const [aliceRow, bobRow, me] = djangoProjectAll<Json>(django, [{ op: 'drf_token_row', username: 'alice' }, { op: 'drf_token_row', username: 'bob' }, { op: 'project_request', path: '/drf/me/', headers: { Authorization: `Token ${bob.key}` } }]);
    expect(ours.key).toBe(made.key);
    // Django keeps microseconds, the bridge milliseconds.
    expect(Math.abs(nestWall(ours.created) - wallOf(aliceRow.created))).toBeLessThan(1);
    expect(Math.abs(nestWall(bob.created) - wallOf(bobRow.created))).toBeLessThan(1);
    expect(Math.abs(Date.parse(bob.created) - Date.now())).toBeLessThan(60_000);
    expect(me.status).toBe(200);
    expect((await request(t.url).get('/me').set('Authorization', `Token ${made.key}`)).body.username).toBe('alice');
  });
});

describe(`DRF tokens on a PostgreSQL that stalls and dies (Django ${LINE})`, () => {
  const secretKey = randomEnvSecret();
  let pg: PrivatePostgres;
  let django: DjangoProject;
  let t: ListeningApp | undefined;
  let key: string;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    django = DjangoProject.throwaway('postgres', { secretKey, port: pg.port, name: 'djb_drf_down' });
    django.batch([c.migrate(), c.createUser({ username: 'alice', password: 'alice-pw' })]);
    key = djangoProjectAll<Json>(django, [{ op: 'drf_token_create', username: 'alice' }])[0].key;
    t = await startDrfTokenApp('express', django.connection(), { secretKey, djangoVersion: BRIDGE_VERSION, databaseTimeout: 1_000 });
  }, 180_000);
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await pg?.close();
  });

  const me = () => request(t!.url).get('/me').set('Authorization', `Token ${key}`);

  it('is a 503 (not a 500, not a 401) while the server is stopped or gone, and 200 once it is back', async () => {
    expect((await me()).status).toBe(200);
    pg.pause();
    try {
      const started = performance.now();
      const stalled = await me();
      expect([stalled.status, JSON.stringify(stalled.body)]).toEqual([503, expect.not.stringContaining('authtoken')]);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect((await request(t!.url).post('/tokens/alice/rotate')).status).toBe(503);
    } finally {
      pg.resume();
    }
    const current = async () => {
      let res: Json = { status: 0 };
      for (let i = 0; i < 50 && res.status !== 200; i++) {
        res = await request(t!.url).get('/tokens/alice');
        if (res.status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(res.status).toBe(200);
      return res.body.token.key as string;
    };
    // The rotation sent before the stall may have landed when the server resumed: ask which key is current.
    key = await current();
    expect((await me()).status).toBe(200);
    await pg.kill();
    expect((await me()).status).toBe(503);
    await pg.start();
    key = await current();
    const res = await me();
    expect([res.status, res.body.username]).toEqual([200, 'alice']);
  }, 90_000);
});
