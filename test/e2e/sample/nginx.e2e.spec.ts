import { nginxConfig, startNginx } from '../../support/nginx-config.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SECRET_KEY } from '../../../apps/sample/src/config/sample.config.js';
import { DEMO_ACCOUNTS } from '../../../apps/sample/src/database/demo-data.js';
import { DjangoProject } from '../../django/django-project.js';
import { BRIDGE_VERSION } from '../support/django-line.js';
import { basic, SAMPLE_ADAPTERS } from './sample-harness.js';
import { freePort, REPO_DIR, runSampleExpectingFailure, startSampleProcess, type SampleProcess } from './sample-process.js';

const { demo, reader } = DEMO_ACCOUNTS;

/** nginx in front of the sample: static files under /secret/ guarded by auth_request to /auth/check. */
function sampleNginxConfig(dir: string, port: number, appPort: number): string {
  return nginxConfig(dir, `
  types { text/html html; text/plain txt; }
  server {
    listen 127.0.0.1:${port};
    root ${join(REPO_DIR, 'apps', 'sample', 'public')};

    # Served by nginx from disk, for Django users in secret-agents (session cookie or Basic).
    location /secret/ {
      auth_request /_auth/secret-agents;
      auth_request_set $remote_user_name $upstream_http_x_remote_user;
      add_header X-Served-For $remote_user_name always;
    }
    # The same files for staff only, to show a second rule.
    location /staff/ {
      alias ${join(REPO_DIR, 'apps', 'sample', 'public', 'secret')}/;
      auth_request /_auth/staff;
    }
    location = /_auth/secret-agents {
      internal;
      proxy_pass http://127.0.0.1:${appPort}/auth/check?group=secret-agents&realm=Top%20Secret;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
    }
    location = /_auth/staff {
      internal;
      proxy_pass http://127.0.0.1:${appPort}/auth/check?staff=1;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
    }
    location / {
      proxy_pass http://127.0.0.1:${appPort};
      proxy_set_header Host $http_host;
    }
  }`);
}

function cookiesOf(res: Response): Record<string, string> {
  return Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';', 1)[0]).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

describe.each(SAMPLE_ADAPTERS)('the built sample (npm start, HTTP_ADAPTER=%s) behind a real nginx with auth_request', (adapter) => {
  let dir: string;
  let app: SampleProcess;
  let nginx: ChildProcess;
  let base: string;
  let django: DjangoProject;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'djb-nginx-'));
    mkdirSync(join(dir, 'tmp'));
    // No DJANGO_DATABASE_URL: the embedded SQLite databases under ./var, as on a fresh machine.
    // DJANGO_VERSION names the run's Django line, which checks the schema and logins below.
    app = await startSampleProcess(dir, { DJANGO_VERSION: BRIDGE_VERSION, HTTP_ADAPTER: adapter });
    const port = await freePort();
    nginx = await startNginx(dir, port, sampleNginxConfig(dir, port, app.port));
    base = `http://127.0.0.1:${port}`;
    django = new DjangoProject({ engine: 'sqlite', name: join(dir, 'var', 'django.sqlite3'), secretKey: DEMO_SECRET_KEY });
  }, 120_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the URL and the demo credentials, and created the Django schema Django itself accepts', async () => {
    expect(app.output()).toMatch(/listening on http:\/\/localhost:\d+/);
    for (const account of Object.values(DEMO_ACCOUNTS)) expect(app.output()).toContain(`${account.username} / ${account.password}`);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // The platform HTTP_ADAPTER names answers: only Express announces itself.
    expect((await fetch(`${app.url}/health`)).headers.get('x-powered-by')).toBe(adapter === 'express' ? 'Express' : null);
    expect(django.login(demo.username, demo.password).status).toBe(200);
  });

  it('serves protected static files only to users the forward-auth endpoint accepts (Basic)', async () => {
    const anonymous = await fetch(`${base}/secret/plans.txt`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="Top Secret", charset="UTF-8"');
    expect(await anonymous.text()).not.toContain('usual place');

    const member = await fetch(`${base}/secret/plans.txt`, { headers: { Authorization: basic(demo.username, demo.password) } });
    expect(member.status).toBe(200);
    expect(await member.text()).toBe(readFileSync(join(REPO_DIR, 'apps', 'sample', 'public', 'secret', 'plans.txt'), 'utf8'));
    expect(member.headers.get('x-served-for')).toBe(demo.username);

    expect((await fetch(`${base}/secret/plans.txt`, { headers: { Authorization: basic(reader.username, reader.password) } })).status).toBe(403);
    expect((await fetch(`${base}/secret/plans.txt`, { headers: { Authorization: basic(demo.username, 'wrong') } })).status).toBe(401);
    expect((await fetch(`${base}/staff/plans.txt`, { headers: { Authorization: basic(demo.username, demo.password) } })).status).toBe(200);
    expect((await fetch(`${base}/staff/plans.txt`, { headers: { Authorization: basic(reader.username, reader.password) } })).status).toBe(403);
  });

  it('accepts a session cookie from a login through nginx or from Django, until logout', async () => {
    const csrf = await fetch(`${base}/api/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    let cookies = cookiesOf(csrf);
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken, Cookie: `csrftoken=${cookies.csrftoken}` },
      body: JSON.stringify({ username: demo.username, password: demo.password }),
    });
    expect(login.status).toBe(200);
    cookies = { ...cookies, ...cookiesOf(login) };
    const cookie = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    const page = await fetch(`${base}/secret/`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Top Secret</h1>');

    const fromDjango = django.login(demo.username, demo.password);
    expect((await fetch(`${base}/secret/plans.txt`, { headers: { Cookie: `sessionid=${fromDjango.cookies.sessionid}` } })).status).toBe(200);
    const readerSession = django.login(reader.username, reader.password);
    expect((await fetch(`${base}/secret/plans.txt`, { headers: { Cookie: `sessionid=${readerSession.cookies.sessionid}` } })).status).toBe(403);

    const logout = await fetch(`${base}/api/logout`, { method: 'POST', headers: { Cookie: cookie, 'X-CSRFToken': cookies.csrftoken } });
    expect(logout.status).toBe(204);
    expect((await fetch(`${base}/secret/plans.txt`, { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('fails closed when the app is down: nginx answers 5xx, never the file', async () => {
    await app.stop();
    const res = await fetch(`${base}/secret/plans.txt`, { headers: { Authorization: basic(demo.username, demo.password) } });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(await res.text()).not.toContain('usual place');
  });
});

describe.each(SAMPLE_ADAPTERS)('start-up errors of the built sample on %s', (adapter) => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DJANGO_SESSION_SERIALIZER: 'yaml' }, 'DJANGO_SESSION_SERIALIZER'],
    [{ DJANGO_DATABASE_URL: 'mongodb://x/y', DJANGO_SECRET_KEY: 'a-long-secret-key' }, 'DJANGO_DATABASE_URL'],
    [{ DJANGO_DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' }, 'DJANGO_SECRET_KEY'],
    [{ HTTP_ADAPTER: 'koa' }, 'HTTP_ADAPTER'],
  ])('%j: exit 1 naming %s, no stack trace', async (env, variable) => {
    const dir = mkdtempSync(join(tmpdir(), 'djb-start-'));
    try {
      const { code, output } = await runSampleExpectingFailure(dir, { HTTP_ADAPTER: adapter, ...env });
      expect(code).toBe(1);
      expect(output).toMatch(new RegExp(`^Configuration error: ${variable} `, 'm'));
      expect(output).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
