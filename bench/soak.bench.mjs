#!/usr/bin/env node
/**
 * Soak test (`npm run soak`, which builds first): load without loss. The built sample app
 * (dist/apps/sample/main.js) runs as its own process over a private MariaDB that Django itself
 * migrated and filled with users; SOAK_CONCURRENCY clients (default 16) send guarded requests
 * (GET /api/me), logins and logouts (with Django's CSRF token) and /health for SOAK_SECONDS
 * (default 240). Then:
 * - errors must be 0: every answer is the expected one (200, 204 for a logout), no network error;
 * - the app's RSS at the end of the load is within SOAK_RSS_GROWTH (default 1.5x) of its RSS after
 *   the warm-up (SOAK_WARMUP_SECONDS, default 20), and the series is printed;
 * - in the database, every session that should exist (logged in, not logged out) exists and every
 *   logged-out one is gone; and a sample of each still answers 200 / 401 over HTTP.
 * Exits 1 when any check fails. Figures go to stdout (and SOAK_REPORT=<file> as JSON).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from './free-port.mjs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { djangoRunner } from '../scripts/django-lines.mjs';
import { startSoakMariaDb } from './soak-mariadb.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = join(ROOT, 'dist', 'apps', 'sample', 'main.js');
const CLI = join(ROOT, 'test', 'django', 'project', 'bridge_cli.py');

const number = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
};
const SECONDS = number('SOAK_SECONDS', 240);
const CONCURRENCY = number('SOAK_CONCURRENCY', 16);
const USERS = number('SOAK_USERS', 20);
const WARMUP = Math.min(number('SOAK_WARMUP_SECONDS', 20), SECONDS / 4);
const RSS_GROWTH = number('SOAK_RSS_GROWTH', 1.5);
const LINE = process.env.DJANGO_LINE ?? '5.2';
const SECRET_KEY = `soak-${Math.random().toString(36).slice(2)}-${'k'.repeat(40)}`;
const DATABASE = 'djb_soak';
const PASSWORD = 'soak-password';

const failures = [];
const check = (name, ok, detail) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
  if (!ok) failures.push(name);
};

/** Runs bridge_cli.py commands in one Django process (the line's own Python), as test/django does. */
function django(port, commands) {
  const runner = djangoRunner(LINE);
  const env = { ...process.env, ...runner.env, DJANGO_DB_ENGINE: 'mysql', DJANGO_DB_NAME: DATABASE, DJANGO_DB_HOST: '127.0.0.1', DJANGO_DB_PORT: String(port), DJANGO_SECRET_KEY: SECRET_KEY, PYTHONIOENCODING: 'utf-8' };
  const run = spawnSync(runner.command[0], [...runner.command.slice(1), CLI], { input: JSON.stringify({ command: 'batch', commands }), encoding: 'utf8', cwd: dirname(CLI), env, timeout: 300_000, maxBuffer: 64 << 20 });
  const answer = (() => {
    try {
      return JSON.parse(run.stdout);
    } catch {
      return null;
    }
  })();
  if (run.status !== 0 || !answer || answer.error !== undefined) throw new Error(`soak: Django ${LINE} failed: ${answer?.error ?? run.stdout}\n${run.stderr}`);
  return answer.ok;
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

/** One request; the answer's status, new cookies and time. Network failures are answers too (status 0). */
async function send(base, method, path, cookies = {}, body) {
  const start = performance.now();
  const cookieHeader = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
  const headers = { ...(cookieHeader ? { cookie: cookieHeader } : {}), ...(cookies.csrftoken && method === 'POST' ? { 'x-csrftoken': cookies.csrftoken } : {}), ...(body ? { 'content-type': 'application/json' } : {}) };
  try {
    const res = await fetch(base + path, { method, headers, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    const set = {};
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const at = pair.indexOf('=');
      set[pair.slice(0, at)] = pair.slice(at + 1);
    }
    return { status: res.status, set, text, ms: performance.now() - start };
  } catch (err) {
    return { status: 0, set: {}, text: String(err?.message ?? err), ms: performance.now() - start };
  }
}

class Stats {
  constructor() {
    this.byAction = {};
    this.errors = 0;
    this.examples = [];
  }
  record(action, answer, expected) {
    const s = (this.byAction[action] ??= { count: 0, ms: [] });
    s.count += 1;
    s.ms.push(answer.ms);
    if (answer.status !== expected) {
      this.errors += 1;
      if (this.examples.length < 10) this.examples.push(`${action}: ${answer.status} (expected ${expected}) ${answer.text.slice(0, 160)}`);
    }
    return answer.status === expected;
  }
  summary() {
    return Object.entries(this.byAction).map(([action, s]) => {
      const ms = s.ms.sort((a, b) => a - b);
      const at = (q) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]);
      return { action, count: s.count, p50: at(0.5), p99: at(0.99), max: Math.round(ms[ms.length - 1]) };
    });
  }
}

async function main() {
  if (!existsSync(SAMPLE)) throw new Error(`soak: ${SAMPLE} is missing; run "npm run soak" (it builds first) or "npm run build"`);
  const dir = mkdtempSync(join(tmpdir(), 'djb-soak-'));
  const db = await startSoakMariaDb();
  let app = null;
  try {
    const t0 = performance.now();
    const usernames = Array.from({ length: USERS }, (_, i) => `soak${i}`);
    // Django's own schema and users; cheap PBKDF2 so logins measure the bridge, not the hash.
    django(db.port, [{ command: 'migrate', verbosity: 0 }, ...usernames.map((username) => ({ command: 'create_user', username, password: PASSWORD, iterations: 1000 }))]);
    console.log(`Django ${LINE} migrated ${DATABASE} on the private MariaDB (port ${db.port}) with ${USERS} users in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const port = await freePort();
    const log = join(dir, 'sample.log');
    const env = { ...process.env, DJANGO_DATABASE_URL: `mysql://root@127.0.0.1:${db.port}/${DATABASE}`, DJANGO_SECRET_KEY: SECRET_KEY, DJANGO_VERSION: LINE, APP_DATABASE_URL: `sqlite:///${join(dir, 'app.sqlite3')}`, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' };
    const out = [];
    app = spawn(process.execPath, [SAMPLE], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    app.stdout.on('data', (d) => out.push(String(d)));
    app.stderr.on('data', (d) => out.push(String(d)));
    const base = `http://127.0.0.1:${port}`;
    const up = Date.now() + 30_000;
    while ((await send(base, 'GET', '/health')).status !== 200) {
      if (Date.now() > up || app.exitCode !== null) throw new Error(`soak: the sample did not start:\n${out.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`sample app (pid ${app.pid}) on ${base}; ${CONCURRENCY} clients for ${SECONDS} s (warm-up ${WARMUP} s)`);

    const stats = new Stats();
    const live = new Map(); // session key -> cookies (csrftoken, sessionid)
    const loggedOut = new Set();
    const rss = [{ at: 0, rss: rssOf(app.pid) }];
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    let warmRss = null;
    const sampler = setInterval(() => {
      const at = Math.round((performance.now() - started) / 1000);
      rss.push({ at, rss: rssOf(app.pid) });
      if (warmRss === null && at >= WARMUP) warmRss = rss[rss.length - 1].rss;
    }, 5_000);

    const client = async (n) => {
      const mine = []; // this client's live sessions: no other client logs them out under it
      const csrf = await send(base, 'GET', '/api/csrf');
      stats.record('csrf', csrf, 200);
      const anonymous = { csrftoken: csrf.set.csrftoken };
      let i = 0;
      while (performance.now() < deadline) {
        i += 1;
        const roll = Math.random();
        if (mine.length === 0 || roll < 0.12) {
          const username = usernames[(n + i) % usernames.length];
          const res = await send(base, 'POST', '/api/login', anonymous, { username, password: PASSWORD });
          if (stats.record('login', res, 200) && res.set.sessionid) {
            const cookies = { csrftoken: res.set.csrftoken ?? anonymous.csrftoken, sessionid: res.set.sessionid };
            mine.push(cookies);
            live.set(cookies.sessionid, cookies);
          }
        } else if (roll < 0.22) {
          const [cookies] = mine.splice(Math.floor(Math.random() * mine.length), 1);
          const res = await send(base, 'POST', '/api/logout', cookies);
          if (stats.record('logout', res, 204)) {
            live.delete(cookies.sessionid);
            loggedOut.add(cookies.sessionid);
          } else mine.push(cookies);
        } else if (roll < 0.26) {
          stats.record('health', await send(base, 'GET', '/health'), 200);
        } else {
          stats.record('me', await send(base, 'GET', '/api/me', mine[Math.floor(Math.random() * mine.length)]), 200);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, n) => client(n)));
    clearInterval(sampler);
    const endRss = rssOf(app.pid);
    rss.push({ at: Math.round((performance.now() - started) / 1000), rss: endRss });
    warmRss ??= rss[1]?.rss ?? rss[0].rss;
    const elapsed = (performance.now() - started) / 1000;
    const total = Object.values(stats.byAction).reduce((a, s) => a + s.count, 0);

    console.log(`\n${total} requests in ${elapsed.toFixed(0)} s (${Math.round(total / elapsed)}/s)`);
    console.table(stats.summary());
    console.log(`RSS (s: MB): ${rss.map((r) => `${r.at}: ${(r.rss / 1048576).toFixed(0)}`).join(', ')}`);
    check('errors', stats.errors === 0, `${stats.errors} unexpected answers${stats.examples.length ? `:\n  ${stats.examples.join('\n  ')}` : ''}`);
    check('rss flat', endRss <= warmRss * RSS_GROWTH, `start ${mb(rss[0].rss)}, after warm-up ${mb(warmRss)}, end ${mb(endRss)} (bound ${RSS_GROWTH}x after warm-up)`);

    // Nothing lost, nothing left behind: the rows as the database holds them.
    const rows = await db.sql('SELECT session_key FROM django_session', [], DATABASE);
    const stored = new Set(rows.map((r) => r.session_key));
    const missing = [...live.keys()].filter((k) => !stored.has(k));
    const lingering = [...loggedOut].filter((k) => stored.has(k));
    check('sessions kept', missing.length === 0, `${live.size - missing.length} of ${live.size} live sessions have their row${missing.length ? ` (missing: ${missing.slice(0, 5).join(', ')})` : ''}`);
    check('logouts gone', lingering.length === 0, `${loggedOut.size - lingering.length} of ${loggedOut.size} logged-out sessions have no row${lingering.length ? ` (still there: ${lingering.slice(0, 5).join(', ')})` : ''}`);
    check('no stray rows', stored.size === live.size, `${stored.size} rows, ${live.size} live sessions`);
    const sample = (list, n) => list.sort(() => Math.random() - 0.5).slice(0, n);
    let wrong = 0;
    for (const cookies of sample([...live.values()], 200)) if ((await send(base, 'GET', '/api/me', cookies)).status !== 200) wrong += 1;
    for (const key of sample([...loggedOut], 200)) if ((await send(base, 'GET', '/api/me', { sessionid: key })).status !== 401) wrong += 1;
    check('sessions answer', wrong === 0, `${wrong} of up to 200 live (200) and 200 logged-out (401) sessions answered otherwise`);

    const report = { seconds: Math.round(elapsed), concurrency: CONCURRENCY, users: USERS, requests: total, perSecond: Math.round(total / elapsed), errors: stats.errors, actions: stats.summary(), rss: { startMb: +(rss[0].rss / 1048576).toFixed(1), warmMb: +(warmRss / 1048576).toFixed(1), endMb: +(endRss / 1048576).toFixed(1), series: rss.map((r) => [r.at, +(r.rss / 1048576).toFixed(1)]) }, sessions: { live: live.size, loggedOut: loggedOut.size, rows: stored.size, missing: missing.length, lingering: lingering.length }, failures };
    if (process.env.SOAK_REPORT) writeFileSync(process.env.SOAK_REPORT, JSON.stringify(report, null, 2));
  } finally {
    if (app && app.exitCode === null) {
      app.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      if (app.exitCode === null) app.kill('SIGKILL');
    }
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failures.length) {
    console.log(`\nsoak FAILED: ${failures.join(', ')}`);
    process.exit(1);
  }
  console.log('\nsoak passed');
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
