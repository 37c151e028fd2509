#!/usr/bin/env node
/**
 * The test command (`npm test`): installs what the tests need from Debian when it is missing,
 * installs every Django line, type-checks, then runs Jest in native ESM mode (the full suite on
 * DJANGO_LINE, test/interop on every line) and prints a closing "N passed, N failed" line.
 * Extra arguments go to Jest (e.g. `npm test -- test/interop`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { DJANGO_LINES, djangoRunner } from './django-lines.mjs';

// Ground truth comes from Debian's Django 3.2, its optional hashers and database drivers, and PHP;
// debootstrap and zstd build and cache the Debian trixie root that runs Django 6.1.
const DEBIAN_PACKAGES = ['debootstrap', 'zstd', 'python3-django', 'python3-argon2', 'python3-bcrypt', 'python3-phpserialize', 'python3-mysqldb', 'python3-psycopg2', 'php-cli', 'php-mysql', 'php-pgsql', 'php-sqlite3', 'nginx-light', 'chromium',
  // Django's cache session engines: redis-py, django-redis (with msgpack), pymemcache, and the servers the tests start.
  'python3-redis', 'python3-django-redis', 'python3-msgpack', 'python3-pymemcache', 'redis-server', 'redis-tools', 'memcached', 'openssl',
  // DRF's TokenAuthentication and SimpleJWT (3.14.0 and 5.2.2 for 3.2); PyJWT with cryptography for the RS/ES algorithms.
  'python3-djangorestframework', 'python3-djangorestframework-simplejwt', 'python3-jwt', 'python3-cryptography'];

// The integration tests need these; started when down, and the run fails if they stay down.
const SERVICES = [
  { name: 'MariaDB', port: 3306, start: ['start-stop-daemon', '--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd'] },
  { name: 'PostgreSQL', port: 5432, start: ['sh', '-c', 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'] },
];

// Every step is bounded (installs, type-check, build: 20 minutes; Jest gets its own, below CI's 90).
function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', timeout: 20 * 60_000, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function missingPackages() {
  return DEBIAN_PACKAGES.filter((pkg) => {
    const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return !q.stdout?.includes('install ok installed');
  });
}

function ensureDebianPackages() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`Missing Debian packages: ${missing.join(' ')}. Install them: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update', '-qq'], { env }) !== 0 || run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env }) !== 0) {
    console.error('apt-get failed; the interop tests cannot run without these packages');
    process.exit(1);
  }
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function ensureServices() {
  for (const service of SERVICES) {
    if (await portOpen(service.port)) continue;
    console.log(`${service.name} is down on 127.0.0.1:${service.port}; starting it`);
    run(service.start[0], service.start.slice(1));
    let up = false;
    for (let i = 0; i < 60 && !up; i++) {
      await new Promise((r) => setTimeout(r, 500));
      up = await portOpen(service.port);
    }
    if (!up) {
      console.error(`${service.name} did not come up on 127.0.0.1:${service.port}; the integration tests need it`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
}

/** Every Django line the suite drives (3.2 from Debian 12; 4.2, 5.2 and 6.1 built once, cached outside the checkout). */
function ensureDjangoLines() {
  for (const line of DJANGO_LINES) {
    try {
      djangoRunner(line);
    } catch (err) {
      console.error(`Django ${line} could not be installed: ${err.message}`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
}

ensureDebianPackages();
ensureDjangoLines();
await ensureServices();

console.log('Type-checking...');
if (run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// The start-up and nginx tests run the built sample exactly as `npm start` does.
console.log('Building (npm run build)...');
if (run('npm', ['run', 'build', '--silent']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

mkdirSync('.tmp', { recursive: true });
const report = '.tmp/jest-report.json';
// The full suite on the primary line (DJANGO_LINE, default 5.2), and test/interop on every other
// line too (DJANGO_INTEROP_LINES, e.g. "" for the primary line only); see jest.config.js.
// Two workers: most of a test's time is a Python, PHP or database process, so a second Jest worker
// overlaps them even on two cores (Jest's default here would be one). `-w N` / `--maxWorkers` override it.
const args = process.argv.slice(2);
const workers = args.some((a) => /^(-w|--maxWorkers|-i|--runInBand)/.test(a)) ? [] : ['--maxWorkers=2'];
const status = run(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--json', `--outputFile=${report}`, ...workers, ...args], {
  // DJANGO_BRIDGE_PACKAGES_BUILT: libs/*/dist is fresh from the build above, so the install matrix
  // (test/packaging) packs it as it is instead of building again.
  env: { ...process.env, DJANGO_INTEROP_LINES: process.env.DJANGO_INTEROP_LINES ?? 'all', NODE_NO_WARNINGS: '1', DJANGO_BRIDGE_PACKAGES_BUILT: '1' },
  timeout: 75 * 60_000,
});
let summary;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(status || 1);
}
const failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
console.log(`\n${summary.numPassedTests} passed, ${failed} failed, ${summary.numPendingTests} skipped`);
process.exit(status !== 0 || failed > 0 || summary.numPassedTests === 0 ? 1 : 0);
