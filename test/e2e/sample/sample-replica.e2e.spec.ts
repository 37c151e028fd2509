import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadSampleConfig } from '../../../apps/sample/src/config/sample.config.js';
import { DEMO_ACCOUNTS } from '../../../apps/sample/src/database/demo-data.js';
import { createSampleApp, type SampleApp } from '../../../apps/sample/src/sample-app.js';
import { randomEnvSecret } from '../../support/random.js';
import { cookieHeader, initSample, SAMPLE_ADAPTERS, setCookies } from './sample-harness.js';
import { BRIDGE_VERSION } from '../support/django-line.js';

/**
 * DJANGO_DATABASE_REPLICA_URLS: user and session reads go to the replica, writes to the primary.
 * The "replica" is a copy of the primary's file that replication never updates, so every read
 * shows which database answered.
 */
describe.each(SAMPLE_ADAPTERS)('sample on %s with a read replica of the Django database', (adapter) => {
  const dir = mkdtempSync(join(tmpdir(), 'djb-replica-'));
  const env = { DJANGO_DATABASE_URL: `sqlite:${join(dir, 'django.sqlite3')}`, APP_DATABASE_URL: `sqlite:${join(dir, 'app.sqlite3')}`, DJANGO_SECRET_KEY: randomEnvSecret(), DJANGO_VERSION: BRIDGE_VERSION, HTTP_ADAPTER: adapter };
  let sample: SampleApp;
  const { demo } = DEMO_ACCOUNTS;

  beforeAll(async () => {
    // First start: the primary gets the schema and the demo accounts; then "replicate" it once.
    await (await createSampleApp(loadSampleConfig(env), { logger: false })).close();
    copyFileSync(join(dir, 'django.sqlite3'), join(dir, 'replica.sqlite3'));
    sample = await createSampleApp(loadSampleConfig({ ...env, DJANGO_DATABASE_REPLICA_URLS: `sqlite:${join(dir, 'replica.sqlite3')}` }), { logger: false });
    await initSample(sample);
  }, 120_000);

  afterAll(async () => {
    await sample?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads sessions and users from the replica and writes sessions to the primary', async () => {
    const http = () => request(sample.app.getHttpServer());
    const replica = sample.databases.all.usersandsessions_replica1;
    const primary = sample.databases.django;
    const csrf = await http().get('/api/csrf').expect(200);
    const cookies = setCookies(csrf);
    const login = await http().post('/api/login').set('Cookie', cookieHeader(cookies)).set('X-CSRFToken', csrf.body.csrfToken).send({ username: demo.username, password: demo.password }).expect(200);
    const session = setCookies(login).sessionid;
    expect(await primary.query('SELECT session_key FROM django_session WHERE session_key = ?', [session])).toHaveLength(1);
    expect(await replica.query('SELECT session_key FROM django_session WHERE session_key = ?', [session])).toHaveLength(0);

    // Not replicated yet: the replica does not know the session.
    await http().get('/api/me').set('Cookie', `sessionid=${session}`).expect(401);

    // Replication catches up; the replica's copy of the user is what the API shows.
    const [row] = await primary.query('SELECT session_key, session_data, expire_date FROM django_session WHERE session_key = ?', [session]);
    await replica.query('INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)', [row.session_key, row.session_data, row.expire_date]);
    await replica.query("UPDATE auth_user SET email = 'seen-on-replica@example.com' WHERE username = ?", [demo.username]);
    const me = await http().get('/api/me').set('Cookie', `sessionid=${session}`).expect(200);
    expect(me.body).toMatchObject({ username: demo.username, email: 'seen-on-replica@example.com' });
  });
});
