#!/usr/bin/env node
/**
 * Real Django of every line the suite proves, from Debian's archive (../shared/docs/modern-django.md):
 * 3.2 is Debian 12's python3-django; 4.2 (trixie) and 5.2 (sid) are pure-Python packages unpacked
 * into a folder and put on PYTHONPATH for the machine's Python 3.11; 6.1 (experimental) needs
 * Python 3.12+, so it lives in a Debian trixie root (debootstrap) whose own Python runs it.
 *
 * Everything is cached outside the checkout (DJANGO_BRIDGE_CACHE, default ~/.cache/django-bridge),
 * pinned to exact package versions, and rebuilt when absent. A line that cannot be installed fails
 * loudly. `node scripts/django-lines.mjs [LINE ...]` provisions lines and prints how to run each.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DJANGO_LINES = ['3.2', '4.2', '5.2', '6.1'];

/** Exact versions: a later upload must not change the tests under us. */
// DRF and SimpleJWT come with each suite's own PyJWT (pure Python; the system python3-cryptography 38
// under it gives the RS/ES algorithms), so a token is checked as a site on that suite checks it.
const PINS = {
  '4.2': {
    suite: 'trixie',
    packages: {
      'python3-django': '3:4.2.28-0+deb13u2',
      'python3-djangorestframework': '3.16.0-1',
      'python3-djangorestframework-simplejwt': '5.5.0-1',
      'python3-jwt': '2.10.1-2+deb13u1',
    },
  },
  '5.2': {
    suite: 'sid',
    packages: {
      'python3-django': '3:5.2.18-2',
      'python3-asgiref': '3.12.1-1',
      'python3-sqlparse': '0.5.5-2',
      'python3-djangorestframework': '3.18.3+ds1-1',
      'python3-djangorestframework-simplejwt': '5.5.1-3',
      'python3-jwt': '2.15.1-1',
    },
  },
  '6.1': {
    suite: 'experimental',
    packages: {
      'python3-django': '3:6.1.1-1',
      'python3-djangorestframework-simplejwt': '5.5.0-1',
      'python3-jwt': '2.10.1-2+deb13u1',
      'python3-cryptography': '43.0.0-3+deb13u1',
    },
    // trixie's DRF 3.16 fails on Django 6.x (it imports django.utils.cache.cc_delim_re, gone in 6.0):
    // sid's pure-Python .deb goes into the root instead, its dependencies from trixie.
    fromSid: { 'python3-djangorestframework': '3.18.3+ds1-1' },
    extra: ['python3-argon2', 'python3-bcrypt', 'python3-pymysql', 'python3-psycopg2', 'python3-phpserialize', 'python3-redis', 'python3-django-redis', 'python3-pymemcache', 'python3-msgpack'],
  },
};

export function cacheDir() {
  return process.env.DJANGO_BRIDGE_CACHE || join(homedir(), '.cache', 'django-bridge');
}

function fail(message) {
  throw new Error(`Django line setup failed: ${message}`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, timeout: 900_000, ...options });
  if (result.error) fail(`${cmd}: ${result.error.message}`);
  if (result.status !== 0) fail(`${cmd} ${args.join(' ')} exited ${result.status}: ${(result.stderr || result.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  return result.stdout;
}

/** The archive URI the machine's own apt sources use (never hard-coded). */
function archiveUri() {
  const files = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list'];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const deb822 = /^URIs:\s*(\S+)/m.exec(text.split(/\n\s*\n/).find((stanza) => /Suites:.*\bbookworm\b(?!-)/.test(stanza)) ?? '');
    if (deb822) return deb822[1];
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
    if (oneLine) return oneLine[1];
  }
  fail('no Debian archive URI in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list');
}

function ensureDebianPackage(name) {
  const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  if (q.stdout?.includes('install ok installed')) return;
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', name], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** apt with a private configuration: trixie and sid lists of our own, the machine's sources untouched. */
function privateApt() {
  const root = join(cacheDir(), 'apt');
  for (const dir of ['lists/partial', 'cache/archives/partial', 'etc']) mkdirSync(join(root, dir), { recursive: true });
  const uri = archiveUri();
  writeFileSync(join(root, 'etc', 'sources.list'), ['trixie', 'sid'].map((suite) => `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${uri} ${suite} main\n`).join(''));
  const options = ['-o', `Dir::Etc::sourcelist=${join(root, 'etc', 'sources.list')}`, '-o', 'Dir::Etc::sourceparts=-', '-o', `Dir::State::Lists=${join(root, 'lists')}`, '-o', `Dir::Cache=${join(root, 'cache')}`];
  run('apt-get', [...options, 'update', '-qq']);
  return { options, root };
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * One builder at a time per cached line: several test runs (Jest workers, other sessions) may find
 * the same line missing at once, and two builders in one staging folder break each other. The lock
 * is a folder holding the builder's pid; a dead builder's lock is taken over. After waiting, the
 * line another process just built is used as it is (`ready()`).
 */
function withBuildLock(name, ready, build) {
  const lock = join(cacheDir(), `${name}.lock`);
  const deadline = Date.now() + 40 * 60_000;
  mkdirSync(cacheDir(), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // just created: its pid is being written
    }
    if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) fail(`another process (pid ${holder}) has been building ${name} for 40 minutes; remove ${lock} if it is gone`);
    sleepSync(2000);
  }
  try {
    return ready() ?? build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** 4.2 and 5.2: the pinned .debs unpacked into one folder. */
function ensureUnpackedLine(line) {
  const dir = join(cacheDir(), `django-${line}`);
  const sitePackages = join(dir, 'usr', 'lib', 'python3', 'dist-packages');
  const specs = Object.entries(PINS[line].packages).map(([name, version]) => `${name}=${version}`);
  // The marker lists what the folder holds: a folder unpacked from another pin list is rebuilt.
  const marker = specs.join('\n') + '\n';
  const ready = () => (existsSync(join(dir, '.complete')) && readFileSync(join(dir, '.complete'), 'utf8') === marker ? sitePackages : undefined);
  return ready() ?? withBuildLock(`django-${line}`, ready, () => unpackLine(line, dir, specs, marker, sitePackages));
}

function unpackLine(line, dir, specs, marker, sitePackages) {
  const apt = privateApt();
  const work = join(cacheDir(), `download-${line}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  run('apt-get', [...apt.options, 'download', ...specs], { cwd: work });
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  for (const deb of readdirSync(work).filter((f) => f.endsWith('.deb'))) run('dpkg', ['-x', join(work, deb), staging]);
  writeFileSync(join(staging, '.complete'), marker);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  rmSync(work, { recursive: true, force: true });
  return sitePackages;
}

/** 6.1: a trixie root with Python 3.13 and Django from experimental; packed as .tar.zst for the next run. */
function ensureRootLine(line) {
  const dir = join(cacheDir(), `django-${line}-root`);
  const archive = `${dir}.tar.zst`;
  const pin = PINS[line];
  const specs = Object.entries(pin.packages).map(([name, version]) => `${name}=${version}`);
  const sidSpecs = Object.entries(pin.fromSid ?? {}).map(([name, version]) => `${name}=${version}`);
  // The marker lists what the root holds: a root built from another package list is rebuilt.
  const marker = [...specs, ...sidSpecs.map((spec) => `sid:${spec}`), ...pin.extra].join('\n') + '\n';
  const current = () => existsSync(join(dir, '.complete')) && readFileSync(join(dir, '.complete'), 'utf8') === marker;
  if (current()) return dir;
  return withBuildLock(`django-${line}-root`, () => (current() ? dir : undefined), () => buildRoot(line, dir, archive, pin, specs, sidSpecs, marker, current));
}

function buildRoot(line, dir, archive, pin, specs, sidSpecs, marker, current) {
  rmSync(dir, { recursive: true, force: true });
  if (existsSync(archive)) {
    mkdirSync(dir, { recursive: true });
    const unpacked = spawnSync('tar', ['--zstd', '-xf', archive, '-C', dir], { stdio: 'inherit', timeout: 300_000 });
    if (unpacked.status === 0 && current()) return dir;
    rmSync(dir, { recursive: true, force: true });
    rmSync(archive, { force: true });
  }
  if (process.getuid?.() !== 0) fail(`Django ${line} needs a Debian trixie root, which only root can build (debootstrap, chroot)`);
  ensureDebianPackage('debootstrap');
  ensureDebianPackage('zstd');
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  const uri = archiveUri();
  console.log(`Building a Debian trixie root for Django ${line} (once; cached in ${cacheDir()})...`);
  run('debootstrap', ['--variant=minbase', '--include=python3', 'trixie', staging, uri]);
  // experimental's InRelease has been served past its Valid-Until; apt refuses it without this.
  writeFileSync(join(staging, 'etc', 'apt', 'sources.list'), `deb ${uri} trixie main\ndeb [check-valid-until=no] ${uri} experimental main\n`);
  const chrootEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
  run('chroot', [staging, 'apt-get', '-o', 'Acquire::Check-Valid-Until=false', 'update', '-qq'], { env: chrootEnv });
  // sid's .debs are fetched with the private apt and installed by the root's apt as local files.
  const incoming = join(staging, 'tmp', 'sid-debs');
  mkdirSync(incoming, { recursive: true });
  if (sidSpecs.length) run('apt-get', [...privateApt().options, 'download', ...sidSpecs], { cwd: incoming });
  const localDebs = readdirSync(incoming).filter((f) => f.endsWith('.deb')).map((f) => `/tmp/sid-debs/${f}`);
  run('chroot', [staging, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...specs, ...localDebs, ...pin.extra], { env: chrootEnv });
  rmSync(incoming, { recursive: true, force: true });
  run('chroot', [staging, 'apt-get', 'clean'], { env: chrootEnv });
  rmSync(join(staging, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
  mkdirSync(join(staging, 'var', 'lib', 'apt', 'lists', 'partial'), { recursive: true });
  writeFileSync(join(staging, '.complete'), marker);
  renameSync(staging, dir);
  run('tar', ['--zstd', '-cf', `${archive}.partial`, '-C', dir, '.']);
  renameSync(`${archive}.partial`, archive);
  return dir;
}

/**
 * How to run Python with a Django line: the command and environment. Paths outside the root stay
 * visible: the root's own dynamic loader runs its Python in this filesystem (no chroot), so the
 * test project, its SQLite files and 127.0.0.1's databases are reached as from the machine.
 */
export function djangoRunner(line) {
  if (!DJANGO_LINES.includes(line)) fail(`unknown Django line "${line}"; known: ${DJANGO_LINES.join(', ')}`);
  // Bytecode goes to a mirror tree in the cache, never into the checkout: the unpacked 4.2/5.2
  // packages ship no .pyc, and compiling Django at every start-up doubled each call's cost.
  const bytecode = { PYTHONPYCACHEPREFIX: join(cacheDir(), 'pycache') };
  if (line === '3.2') return { line, command: ['/usr/bin/python3'], env: bytecode };
  if (PINS[line].suite !== 'experimental') return { line, command: ['/usr/bin/python3'], env: { PYTHONPATH: ensureUnpackedLine(line), ...bytecode } };
  const root = ensureRootLine(line);
  const python = readdirSync(join(root, 'usr', 'bin')).filter((f) => /^python3\.\d+$/.test(f)).sort().pop();
  if (!python) fail(`no python3.x in ${root}/usr/bin`);
  const libs = [join(root, 'lib', 'x86_64-linux-gnu'), join(root, 'usr', 'lib', 'x86_64-linux-gnu')].join(':');
  return {
    line,
    command: [join(root, 'lib64', 'ld-linux-x86-64.so.2'), '--library-path', libs, join(root, 'usr', 'bin', python)],
    env: { PYTHONHOME: join(root, 'usr'), PYTHONNOUSERSITE: '1', ...bytecode },
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const lines = process.argv.slice(2).length ? process.argv.slice(2) : DJANGO_LINES;
  for (const line of lines) {
    const runner = djangoRunner(line);
    const probe = spawnSync(runner.command[0], [...runner.command.slice(1), '-c', 'import django, sys; print(django.get_version(), sys.version.split()[0])'], { encoding: 'utf8', env: { ...process.env, ...runner.env }, timeout: 60_000 });
    if (probe.status !== 0) fail(`Django ${line} does not start: ${probe.stderr.trim().split('\n').pop()}`);
    console.log(`Django ${line}: ${probe.stdout.trim()}  (${Object.entries(runner.env).map(([k, v]) => `${k}=${v} `).join('')}${runner.command.join(' ')})`);
  }
}
