/**
 * The two servers of the Django-vs-Nest bench and their shared database: a bench-only database on
 * the local MariaDB that Django itself migrates and fills (bench/django/setup_bench.py, which also
 * logs in once through Django's login view), Django under gunicorn (-w = cores) and the built Nest
 * sample, each on a free loopback port, DEBUG off and quiet.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './free-port.mjs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { startProcess } from './django-vs-nest-processes.mjs';

export const PYTHON = '/usr/bin/python3';

async function sql(db, statement) {
  const conn = await createConnection({ host: db.host, port: db.port, user: 'root', connectTimeout: 5000 });
  try {
    await conn.query({ sql: statement, timeout: 30_000 });
  } finally {
    conn.destroy();
  }
}

/** A fresh, empty database for this run (the name is the bench's own; never a user's database). */
export async function createDatabase(db) {
  if (!/^djb_bench\w*$/.test(db.name)) throw new Error(`bench: refusing database name ${db.name}`);
  await sql(db, `DROP DATABASE IF EXISTS \`${db.name}\``);
  await sql(db, `CREATE DATABASE \`${db.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
}

export async function dropDatabase(db) {
  if (!/^djb_bench\w*$/.test(db.name)) return;
  await sql(db, `DROP DATABASE IF EXISTS \`${db.name}\``);
}

const djangoEnv = (root, db, secretKey) => ({
  ...process.env,
  BENCH_DB_NAME: db.name,
  BENCH_DB_HOST: db.host,
  BENCH_DB_PORT: String(db.port),
  BENCH_SECRET_KEY: secretKey,
  DJANGO_SETTINGS_MODULE: 'bench_site.settings',
  PYTHONDONTWRITEBYTECODE: '1',
  PYTHONIOENCODING: 'utf-8',
});

/** migrate, the user with groups and permissions, and one session from Django's own login. */
export function setupWithDjango(root, db, secretKey, account) {
  const dir = join(root, 'bench', 'django');
  const run = spawnSync(PYTHON, [join(dir, 'setup_bench.py')], { cwd: dir, env: djangoEnv(root, db, secretKey), input: JSON.stringify(account), encoding: 'utf8', timeout: 180_000 });
  if (run.error) throw new Error(`bench: Django setup: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`bench: Django setup failed (exit ${run.status}):\n${run.stderr.slice(-3000)}`);
  return JSON.parse(run.stdout);
}

/** Polls url until it answers (any HTTP status) or the process exits or timeoutMs passes. */
async function waitForHttp(url, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return;
    } catch {
      // Not listening yet.
    }
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`bench: ${proc.name} exited before answering:\n${proc.output().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`bench: ${proc.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${proc.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startDjango(root, db, secretKey, workers) {
  const port = await freePort();
  const dir = join(root, 'bench', 'django');
  // Sync workers (gunicorn's default), no access log; errors only.
  const args = ['-m', 'gunicorn', '--workers', String(workers), '--bind', `127.0.0.1:${port}`, '--chdir', dir, '--log-level', 'error', '--timeout', '60', '--graceful-timeout', '5', 'bench_site.wsgi:application'];
  const proc = startProcess('Django (gunicorn)', PYTHON, args, { cwd: dir, env: djangoEnv(root, db, secretKey) });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/health`, proc, 60_000);
  return { name: 'Django', base, proc, pid: proc.child.pid };
}

export async function startNest(root, db, secretKey, tmp, adapter, workers = 1, verifiedSessionCacheMs = 0) {
  // More than one worker: the sample's cluster entry (npm run start:cluster), as gunicorn -w runs Django.
  const main = join(root, 'dist', 'apps', 'sample', workers > 1 ? 'cluster.js' : 'main.js');
  if (!existsSync(main)) throw new Error(`bench: ${main} is missing (npm run build)`);
  const port = await freePort();
  const env = {
    ...process.env,
    DJANGO_DATABASE_URL: `mysql://root@${db.host}:${db.port}/${db.name}`,
    DJANGO_SECRET_KEY: secretKey,
    DJANGO_VERSION: '3.2',
    // dj-database-url's absolute form: sqlite:/// then the absolute path.
    APP_DATABASE_URL: `sqlite:///${join(tmp, 'app.sqlite3')}`,
    HTTP_ADAPTER: adapter,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    NODE_NO_WARNINGS: '1',
    WEB_CONCURRENCY: String(workers),
    // The bench's Django site has no DRF or SimpleJWT tables; the who-am-I path is the session's either way.
    DJANGO_AUTHENTICATION: 'session',
    VERIFIED_SESSION_CACHE_TTL_MS: String(verifiedSessionCacheMs),
  };
  const proc = startProcess(`Nest sample (${adapter}${workers > 1 ? `, ${workers} workers` : ''})`, process.execPath, [main], { cwd: tmp, env });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/health`, proc, 60_000);
  return { name: 'Nest', base, proc, pid: proc.child.pid };
}

/** Debian packages the bench needs, installed when missing (as scripts/test.mjs does). */
export function ensureDebianPackages(packages) {
  const missing = packages.filter((pkg) => !spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed'));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`bench: missing Debian packages: ${missing.join(' ')}. Install them: sudo apt-get install -y ${missing.join(' ')}`);
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
    const run = spawnSync('apt-get', args, { stdio: 'inherit', env, timeout: 15 * 60_000 });
    if (run.status !== 0) throw new Error(`bench: apt-get ${args[0]} failed`);
  }
}
