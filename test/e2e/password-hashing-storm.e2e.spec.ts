/**
 * A login storm past the passwordHashing bounds, live: a real Django on MariaDB made the users (its
 * own line's PBKDF2 work factor, so each hash takes real time), and the bridge runs at most one hash
 * with three waiting. The excess is a 503 with Retry-After (never a 500, never a 401 that would read
 * as a wrong password), the admitted logins finish with sessions Django accepts, the unguarded route
 * keeps answering throughout, and the slots are free again afterwards. Then the same for the
 * Passport strategies and for a queue whose waits time out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DjangoProject } from '../django/django-project.js';
import { randomEnvSecret } from '../support/random.js';
import { startTestApp, type AdapterName, type TestApp } from './support/bridge-test-app.js';

const BUSY = { statusCode: 503, message: 'Too many logins at once; try again shortly', error: 'Service Unavailable' };

interface Answer {
  status: number;
  body: unknown;
  retryAfter?: string;
  sessionid?: string;
}

function answer(res: request.Response): Answer {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const session = cookies.find((c) => c.startsWith('sessionid='));
  return { status: res.status, body: res.body, retryAfter: res.headers['retry-after'], sessionid: session?.slice('sessionid='.length, session.indexOf(';')) };
}

/** GET /public every 20 ms until `until` settles; every answer's status and time. */
async function probe(url: string, until: Promise<unknown>): Promise<{ status: number; ms: number }[]> {
  let done = false;
  void until.finally(() => (done = true));
  const seen: { status: number; ms: number }[] = [];
  while (!done) {
    const started = performance.now();
    const res = await request(url).get('/public');
    seen.push({ status: res.status, ms: performance.now() - started });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return seen;
}

/** Every refusal is the bridge's 503 with a Retry-After of whole seconds >= 1. */
function expectBusy(refused: Answer[]) {
  for (const r of refused) {
    expect(r.body).toEqual(BUSY);
    expect(r.retryAfter).toMatch(/^[1-9]\d*$/);
  }
}

describe.each(['express', 'fastify'] as AdapterName[])('a login storm through %s', (adapter) => {
  const secretKey = randomEnvSecret();
  let django: DjangoProject;
  let t: TestApp;
  let timeouts: TestApp;

  beforeAll(async () => {
    django = DjangoProject.throwaway('mysql', { secretKey });
    django.migrate();
    for (const name of ['alice', 'bob', 'carol']) django.createUser({ username: name, password: `${name}-pw` });
    const line = django.version();
    const options = { secretKey, djangoVersion: line.line as never };
    t = await startTestApp(adapter, django.connection(), { ...options, passwordHashing: { concurrency: 1, queueLimit: 3 } });
    timeouts = await startTestApp(adapter, django.connection(), { ...options, passwordHashing: { concurrency: 1, queueLimit: 50, queueTimeout: 150 } });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await timeouts?.close();
    django?.dropDatabase();
  });

  it('the excess gets 503 + Retry-After, the rest log in with sessions Django accepts, /public keeps answering', async () => {
    // Right passwords, a wrong one and an unknown user: each costs a hash, so each may be refused.
    const attempts = Array.from({ length: 24 }, (_, i) => (i % 6 === 4 ? { username: 'bob', password: 'wrong' } : i % 6 === 5 ? { username: 'nobody', password: 'x' } : { username: ['alice', 'bob', 'carol'][i % 3], password: `${['alice', 'bob', 'carol'][i % 3]}-pw` }));
    const storm = Promise.all(attempts.map((body) => request(t.url).post('/login').send(body).then(answer)));
    const [answers, probes] = await Promise.all([storm, probe(t.url, storm)]);

    expect(answers.every((a) => [200, 401, 503].includes(a.status))).toBe(true);
    const refused = answers.filter((a) => a.status === 503);
    const decided = answers.filter((a) => a.status !== 503);
    // At most 1 running + 3 waiting when the burst arrives: most of it is refused, the admitted ones all decided.
    expect(refused.length).toBeGreaterThan(0);
    expect(decided.length).toBeGreaterThanOrEqual(4);
    expectBusy(refused);
    // A refused login never sets a session cookie; a wrong password or unknown user is a 401, never a 200.
    expect(refused.filter((r) => r.sessionid !== undefined)).toEqual([]);
    answers.forEach((a, i) => {
      if (a.status === 200) expect(a.body).toMatchObject({ username: attempts[i].username });
      if (a.status === 200) expect(attempts[i].password).toBe(`${attempts[i].username}-pw`);
    });
    for (const ok of answers.filter((a) => a.status === 200)) expect(django.whoami({ sessionid: ok.sessionid! })).toMatchObject({ authenticated: true });

    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((p) => p.status === 200)).toBe(true);
    // eslint-disable-next-line no-console
    console.log(`${adapter}: ${decided.length} decided, ${refused.length} refused; /public ${probes.length} probes, max ${Math.max(...probes.map((p) => p.ms)).toFixed(0)} ms`);

    // Every slot was given back: a login now just works.
    expect((await request(t.url).post('/login').send({ username: 'alice', password: 'alice-pw' })).status).toBe(200);
  });

  it('the Passport password and Basic strategies answer a storm with 503, never 500', async () => {
    const basic = `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`;
    const storm = Promise.all([
      ...Array.from({ length: 10 }, () => request(t.url).post('/passport/login').send({ username: 'carol', password: 'carol-pw' }).then(answer)),
      ...Array.from({ length: 10 }, () => request(t.url).get('/basic').set('Authorization', basic).then(answer)),
    ]);
    const answers = await storm;
    expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expectBusy(refused);
  });

  it('a login that waits past queueTimeout gets 503 too; the ones that got a slot log in', async () => {
    const storm = Promise.all(Array.from({ length: 8 }, () => request(timeouts.url).post('/login').send({ username: 'alice', password: 'alice-pw' }).then(answer)));
    const answers = await storm;
    expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    // Each hash at Django's work factor takes far longer than 150 ms / 8, so some waits time out.
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expectBusy(refused);
  });
});
