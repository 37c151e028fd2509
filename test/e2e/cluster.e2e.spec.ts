import { nginxConfig, startNginx } from '../support/nginx-config.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD, sharedMariaDb, type SharedDatabases } from './cluster/shared-mariadb.js';
import { onEveryWorker, send, sendUntil, workersAnswering, type WorkerAnswer } from './cluster/worker-http.js';
import { io, type Socket } from 'socket.io-client';
import { SAMPLE_ADAPTERS } from './sample/sample-harness.js';
import { freePort, runSampleExpectingFailure, SAMPLE_CLUSTER, startSampleProcess, type SampleProcess } from './sample/sample-process.js';

/**
 * Scale-out: the built sample as a node:cluster (`npm run start:cluster`, one port, round-robin
 * between workers) and as separate processes behind a real nginx, on shared MariaDB databases with
 * a real Django. Every request goes on a fresh connection, so consecutive requests land on
 * different processes; X-Sample-Worker (SAMPLE_WORKER_HEADER) says which one answered.
 */

const CLUSTER_READY = /cluster listening on (http:\/\/\S+)/;

/** 127.0.0.1 rather than localhost, which may resolve to ::1 first. */
const ipv4 = (url: string) => url.replace('//localhost:', '//127.0.0.1:');

/** Stops a process, SIGKILL after `ms`; resolves with its exit code and signal. */
function stopWithin(child: ChildProcess, ms: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', (code, sig) => (clearTimeout(timer), resolve({ code, signal: sig })));
    child.kill(signal);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A CSRF cookie and token from one process, then a login with them sent until another process answers it. */
async function csrfHereLoginThere(csrfBase: string, loginBase: string, username: string): Promise<{ csrf: WorkerAnswer; login: WorkerAnswer; cookies: Record<string, string> }> {
  const csrf = await send(csrfBase, '/api/csrf');
  expect(csrf.status).toBe(200);
  const cookies = { csrftoken: csrf.setCookies.csrftoken };
  const options = { method: 'POST' as const, cookies, headers: { 'X-CSRFToken': csrf.body.csrfToken }, json: { username, password: PASSWORD } };
  // Each try is a login of its own (a new session); only the one another process answered is kept.
  const login = await sendUntil(loginBase, '/api/login', options, (a) => a.worker !== csrf.worker);
  expect(login.status).toBe(200);
  return { csrf, login, cookies: { ...cookies, sessionid: login.setCookies.sessionid } };
}

describe.each(SAMPLE_ADAPTERS)('the sample as a node:cluster (npm run start:cluster, HTTP_ADAPTER=%s) on shared MariaDB databases', (adapter) => {
  let db: SharedDatabases;
  let dir: string;
  let cluster: SampleProcess;
  let base: string;
  let pids: string[];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    db = sharedMariaDb();
    dir = mkdtempSync(join(tmpdir(), 'djb-cluster-'));
    cluster = await startSampleProcess(dir, { ...db.env, HTTP_ADAPTER: adapter, WEB_CONCURRENCY: '2', DATABASE_POOL_SIZE: '3' }, { entry: SAMPLE_CLUSTER, ready: CLUSTER_READY });
    base = ipv4(cluster.url);
    pids = /with 2 workers \(pids (\d+), (\d+);/.exec(cluster.output())!.slice(1);
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    if (cluster) await stopWithin(cluster.child, 20_000);
    db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('runs WEB_CONCURRENCY workers on one port, the first alone creating what was missing', async () => {
    expect(await workersAnswering(base)).toEqual(new Set(pids));
    // One banner (the first worker's), and the connection budget for max_connections.
    expect(cluster.output().match(/django-bridge sample listening on/g)).toHaveLength(1);
    expect(cluster.output()).toContain('2 workers × 3 = 6 per database');
    expect(cluster.output()).not.toMatch(/\n\s+at /);
  });

  it('accepts on one worker the CSRF token another issued; the login it makes holds on every worker and in Django', async () => {
    const { csrf, login, cookies } = await csrfHereLoginThere(base, base, 'agent');
    expect(csrf.worker).not.toBe(login.worker);
    expect(login.body).toMatchObject({ username: 'agent', groups: ['editors'], permissions: ['notes.add_note', 'notes.delete_note'] });
    for (const me of (await onEveryWorker(base, '/api/me', { cookies }, pids)).values()) expect(me).toMatchObject({ status: 200, body: { username: 'agent' } });
    expect(db.django.whoami({ sessionid: cookies.sessionid })).toMatchObject({ authenticated: true, username: 'agent' });
    // A write with that token, on whichever worker.
    const note = await send(base, '/api/notes', { method: 'POST', cookies, headers: { 'X-CSRFToken': csrf.body.csrfToken }, json: { text: 'from a cluster' } });
    expect(note.status).toBe(201);
  });

  it('honours a logout made on one worker on the worker that made the login, and on every other', async () => {
    // Log in until the logout lands on another worker than the login (a logout cannot be retried).
    for (let attempt = 0; ; attempt++) {
      const { csrf, login, cookies } = await csrfHereLoginThere(base, base, 'plain');
      const logout = await send(base, '/api/logout', { method: 'POST', cookies, headers: { 'X-CSRFToken': csrf.body.csrfToken } });
      expect(logout.status).toBe(204);
      if (logout.worker === login.worker && attempt < 10) continue;
      expect(logout.worker).not.toBe(login.worker);
      for (const me of (await onEveryWorker(base, '/api/me', { cookies }, pids)).values()) expect(me.status).toBe(401);
      expect(db.django.whoami({ sessionid: cookies.sessionid })).toMatchObject({ authenticated: false, session_exists: false });
      break;
    }
  });

  it('accepts a session made by a real Django on every worker, until Django logs it out', async () => {
    const { cookies } = db.django.login('agent', PASSWORD);
    const session = { sessionid: cookies.sessionid };
    for (const me of (await onEveryWorker(base, '/api/me', { cookies: session }, pids)).values()) expect(me).toMatchObject({ status: 200, body: { username: 'agent' } });
    expect(db.django.logout(session).status).toBe(200);
    for (const me of (await onEveryWorker(base, '/api/me', { cookies: session }, pids)).values()) expect(me.status).toBe(401);
  });

  it('socket.io over WebSocket works on any worker (one connection, one worker); long-polling without sticky sessions fails closed', async () => {
    const { cookies } = db.django.login('agent', PASSWORD);
    const cookie = `sessionid=${cookies.sessionid}`;
    // Round-robin spreads these connections over the workers (engine.io answers without X-Sample-Worker).
    for (let i = 0; i < 4; i++) {
      const socket = io(base, { transports: ['websocket'], extraHeaders: { cookie, origin: base }, reconnection: false, timeout: 5000, forceNew: true });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
      expect(await socket.timeout(5000).emitWithAck('whoami', {})).toMatchObject({ username: 'agent' });
      socket.disconnect();
    }
    // Polling is several requests: the handshake's worker knows the socket, another does not.
    const polling = { cookies: { sessionid: cookies.sessionid }, headers: { Origin: base } };
    const handshake = await send(base, '/socket.io/?EIO=4&transport=polling', polling);
    expect(handshake.status).toBe(200);
    const sid = /"sid":"([^"]+)"/.exec(String(handshake.body))![1];
    // A POST (the namespace connect packet) answers at once, where a GET on the handshake's worker would
    // wait for data. engine.io answers its own paths, without X-Sample-Worker: round-robin decides.
    const connectPacket = { ...polling, method: 'POST' as const, text: '40' };
    const answers: WorkerAnswer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await send(base, `/socket.io/?EIO=4&transport=polling&sid=${sid}`, connectPacket));
    for (const answer of answers) expect(answer.status).toBeLessThan(500);
    const elsewhere = answers.find((answer) => answer.status === 400)!;
    expect(elsewhere.body).toEqual({ code: 1, message: 'Session ID unknown' });
  });

  it('replaces a worker that dies, and sessions hold on its replacement', async () => {
    const { cookies } = db.django.login('agent', PASSWORD);
    const [dead, survivor] = pids;
    process.kill(Number(dead), 'SIGKILL');
    let now = new Set<string>();
    for (let i = 0; i < 60 && !(now.size === 2 && !now.has(dead)); i++) {
      await new Promise((r) => setTimeout(r, 500));
      now = await workersAnswering(base, 6);
    }
    expect(now.has(survivor)).toBe(true);
    expect(now.has(dead)).toBe(false);
    expect(now.size).toBe(2);
    expect(cluster.output()).toMatch(new RegExp(`worker ${dead} exited with signal SIGKILL; starting another in 1000 ms`));
    pids = [...now];
    for (const me of (await onEveryWorker(base, '/api/me', { cookies: { sessionid: cookies.sessionid } }, pids)).values()) expect(me).toMatchObject({ status: 200, body: { username: 'agent' } });
  }, 60_000);

  it('on SIGTERM lets a login in flight finish, then every worker and the primary exit (code 0)', async () => {
    const csrf = await send(base, '/api/csrf');
    // The password hash keeps the login busy in its worker while the cluster is told to stop.
    const login = send(base, '/api/login', { method: 'POST', cookies: { csrftoken: csrf.setCookies.csrftoken }, headers: { 'X-CSRFToken': csrf.body.csrfToken }, json: { username: 'agent', password: PASSWORD } });
    await new Promise((r) => setTimeout(r, 150));
    const exit = stopWithin(cluster.child, 20_000);
    expect((await login).status).toBe(200);
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(cluster.output()).toContain('django-bridge sample cluster stopping (SIGTERM)');
    for (const pid of pids) expect(alive(Number(pid))).toBe(false);
  }, 30_000);
});

describe('a cluster refuses what its workers cannot share, and stops when a worker cannot start', () => {
  let dir: string;
  beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'djb-cluster-refusals-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [{ DJANGO_DATABASE_URL: 'sqlite::memory:', DJANGO_SECRET_KEY: 'a-long-secret-key' }, /^Configuration error: DJANGO_DATABASE_URL is an in-memory SQLite database: each worker would have its own/m],
    [{ APP_DATABASE_URL: 'sqlite::memory:' }, /^Configuration error: APP_DATABASE_URL is an in-memory SQLite database/m],
    [{ WEB_CONCURRENCY: '0' }, /^Configuration error: WEB_CONCURRENCY must be a whole number of workers \(1-256\), not "0"/m],
    [{ WEB_CONCURRENCY: 'four' }, /^Configuration error: WEB_CONCURRENCY must be/m],
    [{ DJANGO_DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' }, /^Configuration error: DJANGO_SECRET_KEY is required/m],
  ])('%j: exit 1 before forking, naming the variable', async (env, message) => {
    const { code, output } = await runSampleExpectingFailure(dir, env, SAMPLE_CLUSTER);
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/listening on/);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('exits 1 with one line when its first worker cannot reach the database, leaving no worker behind', async () => {
    const port = await freePort(); // nothing listens there
    const { code, output } = await runSampleExpectingFailure(dir, { DJANGO_DATABASE_URL: `mysql://root@127.0.0.1:${port}/x`, DJANGO_SECRET_KEY: 'a-long-secret-key', WEB_CONCURRENCY: '2' }, SAMPLE_CLUSTER);
    expect(code).toBe(1);
    expect(output).toMatch(/^django-bridge sample could not start: /m);
    const worker = /^django-bridge sample cluster could not start: worker (\d+) exited with code 1$/m.exec(output);
    expect(worker).not.toBeNull();
    expect(alive(Number(worker![1]))).toBe(false);
    expect(output).not.toMatch(/\n\s+at /);
  });
});

/** nginx round-robin over the sample's processes, as a load balancer in front of several hosts would be. */
function balancerConfig(dir: string, port: number, appPorts: number[]): string {
  return nginxConfig(dir, `
  upstream sample {
${appPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=30s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://sample;
      proxy_set_header Host $http_host;
      proxy_connect_timeout 2s;
      proxy_read_timeout 15s;
    }
  }`);
}

describe('the sample as separate processes behind a real nginx, on shared MariaDB databases', () => {
  let db: SharedDatabases;
  let dir: string;
  let a: SampleProcess;
  let b: SampleProcess;
  let nginx: ChildProcess;
  let front: string;
  let pa: string;
  let pb: string;

  beforeAll(async () => {
    db = sharedMariaDb();
    dir = mkdtempSync(join(tmpdir(), 'djb-processes-'));
    mkdirSync(join(dir, 'tmp'));
    // One after the other: the first creates the app database's tables, the second finds them.
    a = await startSampleProcess(dir, db.env);
    b = await startSampleProcess(dir, db.env);
    [pa, pb] = [String(a.child.pid), String(b.child.pid)];
    const port = await freePort();
    nginx = await startNginx(dir, port, balancerConfig(dir, port, [a.port, b.port]));
    front = `http://127.0.0.1:${port}`;
  }, 180_000);

  afterAll(async () => {
    if (nginx) await stopWithin(nginx, 5_000);
    await Promise.all([a, b].filter(Boolean).map((p) => stopWithin(p.child, 15_000)));
    db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('nginx hands requests to both processes', async () => {
    expect(await workersAnswering(front)).toEqual(new Set([pa, pb]));
  });

  it('a CSRF token from process A logs in on B; A, nginx and Django honour that session; a logout on B is honoured on A', async () => {
    const { csrf, login, cookies } = await csrfHereLoginThere(ipv4(a.url), ipv4(b.url), 'agent');
    expect([csrf.worker, login.worker]).toEqual([pa, pb]);
    expect(await send(ipv4(a.url), '/api/me', { cookies })).toMatchObject({ status: 200, worker: pa, body: { username: 'agent' } });
    for (const me of (await onEveryWorker(front, '/api/me', { cookies }, [pa, pb])).values()) expect(me).toMatchObject({ status: 200, body: { username: 'agent' } });
    expect(db.django.whoami({ sessionid: cookies.sessionid })).toMatchObject({ authenticated: true, username: 'agent' });

    expect(await send(ipv4(b.url), '/api/logout', { method: 'POST', cookies, headers: { 'X-CSRFToken': csrf.body.csrfToken } })).toMatchObject({ status: 204, worker: pb });
    expect(await send(ipv4(a.url), '/api/me', { cookies })).toMatchObject({ status: 401, worker: pa });
    for (const me of (await onEveryWorker(front, '/api/me', { cookies }, [pa, pb])).values()) expect(me.status).toBe(401);
  });

  it('accepts a real Django session on every process; with one process stopped, nginx serves it from the other', async () => {
    const { cookies } = db.django.login('agent', PASSWORD);
    const session = { sessionid: cookies.sessionid };
    for (const me of (await onEveryWorker(front, '/api/me', { cookies: session }, [pa, pb])).values()) expect(me).toMatchObject({ status: 200, body: { username: 'agent' } });
    await stopWithin(a.child, 15_000);
    for (let i = 0; i < 6; i++) expect(await send(front, '/api/me', { cookies: session })).toMatchObject({ status: 200, worker: pb, body: { username: 'agent' } });
  }, 30_000);
});
