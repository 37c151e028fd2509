#!/usr/bin/env node
/**
 * `npm run bench:django`: Django and the Nest sample side by side (issue 15). Debian's Django 3.2
 * under gunicorn (-w = cores) and the built sample run on one bench-only MariaDB database, with one
 * session that Django's own login made; each scenario runs alternately on Django and on Nest, for
 * several rounds, and the medians, spread and Nest/Django ratios are printed and written to
 * bench/results/django-vs-nest.json and .md (django-vs-nest.quick.* with --quick), with issue 15's
 * targets as PASS/FAIL lines (reported, not an exit status: figures on a shared machine are not a test).
 *
 * Options: --quick (1 round of 3 s), --rounds N, --seconds S, --connections C (default 16),
 * --adapter express|fastify, --nest-workers N (default 1; more runs the sample's cluster entry, as
 * gunicorn -w runs Django), --verified-session-cache MS (the sample's verifiedSessionCache, with its
 * own target), --only KEY,KEY (whoami, guard, health, healthCookie, login, storm), --no-build (use
 * dist/ as it is), --keep-db (leave djb_bench behind). Runs with --quick, --only or the cache write
 * files of their own (django-vs-nest.verified-cache.only.json, ...), never the full results'.
 * Environment: BENCH_DB_HOST / BENCH_DB_PORT (127.0.0.1:3306), BENCH_NEST_GUARD_PATH (the Nest route
 * for "the guard alone", default /api/session: the session guard with no group or permission lookup).
 * Exit status: 0 when every scenario was measured, 1 when the bench itself failed.
 */
import { spawnSync } from 'node:child_process';
import { pbkdf2, pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProbe, wrk } from './django-vs-nest-load.mjs';
import { commandCpuMs, killAllNow, stopAll, treeCpuMs, treeRss } from './django-vs-nest-processes.mjs';
import { checkTargets, markdown, summarise, textTable } from './django-vs-nest-report.mjs';
import { createDatabase, dropDatabase, ensureDebianPackages, setupWithDjango, startDjango, startNest } from './django-vs-nest-servers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');

function parseArgs(argv) {
  const options = { quick: false, rounds: 3, seconds: 15, connections: 16, adapter: 'express', build: true, keepDb: false, nestWorkers: 1, verifiedSessionCache: 0, only: null };
  const positive = (name, raw) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`bench: ${name} needs a positive whole number, not "${raw}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') Object.assign(options, { quick: true, rounds: 1, seconds: 3 });
    else if (arg === '--rounds') options.rounds = positive(arg, argv[++i]);
    else if (arg === '--seconds') options.seconds = positive(arg, argv[++i]);
    else if (arg === '--connections') options.connections = positive(arg, argv[++i]);
    else if (arg === '--nest-workers') options.nestWorkers = positive(arg, argv[++i]);
    else if (arg === '--adapter') {
      options.adapter = argv[++i];
      if (!['express', 'fastify'].includes(options.adapter)) throw new Error('bench: --adapter is express or fastify');
    } else if (arg === '--verified-session-cache') options.verifiedSessionCache = positive(arg, argv[++i]);
    else if (arg === '--only') options.only = String(argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--keep-db') options.keepDb = true;
    else throw new Error(`bench: unknown option ${arg} (see the comment at the top of bench/django-vs-nest.mjs)`);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const CORES = availableParallelism();
const THREADS = 2;
/** The process name of the database server whose CPU each request also costs. */
const DB_SERVER_COMMAND = process.env.BENCH_DB_COMMAND || 'mariadbd';
const DB = { host: process.env.BENCH_DB_HOST || '127.0.0.1', port: Number(process.env.BENCH_DB_PORT || 3306), name: 'djb_bench' };
const NEST_GUARD_PATH = process.env.BENCH_NEST_GUARD_PATH || '/api/session';
const SECRET_KEY = `bench-${randomBytes(24).toString('hex')}`;
const ACCOUNT = { username: 'bench', password: 'bench-password' };
const WARMUP_SECONDS = options.quick ? 1 : 2;

// Every step is bounded; this is the bench as a whole (setup, build and the rounds, with slack).
const perRun = options.seconds + WARMUP_SECONDS / options.rounds + 3;
const BUDGET_MS = (20 * 60 + 6 * 2 * options.rounds * perRun * 1.5) * 1000;

async function answer(base, path, { method = 'GET', headers = {}, body } = {}) {
  const res = await fetch(base + path, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, cookies: Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';')[0].split(/=(.*)/s).slice(0, 2))) };
}

function expect(condition, message) {
  if (!condition) throw new Error(`bench: ${message}`);
}

/**
 * Both servers must answer the same thing for the same session before anything is timed: a
 * benchmark of 401s or 403s would be meaningless.
 */
async function verify(server, paths, session, user) {
  const cookie = `csrftoken=${session.csrftoken}; sessionid=${session.sessionid}`;
  const me = await answer(server.base, '/api/me', { headers: { cookie } });
  expect(me.status === 200, `${server.name} GET /api/me with Django's session answered ${me.status}: ${me.text.slice(0, 300)}`);
  expect(me.json.username === user.username, `${server.name} /api/me names ${me.json.username}, not ${user.username}`);
  for (const field of ['groups', 'permissions']) {
    const got = JSON.stringify([...me.json[field]].sort());
    expect(got === JSON.stringify(user[field]), `${server.name} /api/me ${field} ${got}, Django's login said ${JSON.stringify(user[field])}`);
  }
  const anonymous = await answer(server.base, '/api/me');
  expect(anonymous.status === 401, `${server.name} GET /api/me without a session answered ${anonymous.status}`);
  const guard = await answer(server.base, paths.guard, { headers: { cookie } });
  expect(guard.status === 200, `${server.name} GET ${paths.guard} with the session answered ${guard.status}: ${guard.text.slice(0, 300)}`);
  const guardAnonymous = await answer(server.base, paths.guard);
  expect(guardAnonymous.status === 401, `${server.name} GET ${paths.guard} without a session answered ${guardAnonymous.status}`);
  for (const headers of [{}, { cookie }]) {
    const health = await answer(server.base, '/health', { headers });
    expect(health.status === 200, `${server.name} GET /health answered ${health.status}`);
  }
  // The login as a browser sends it: the CSRF cookie from GET /api/csrf and its token in X-CSRFToken.
  const csrf = await answer(server.base, '/api/csrf');
  expect(csrf.status === 200 && csrf.cookies.csrftoken && typeof csrf.json?.csrfToken === 'string', `${server.name} GET /api/csrf answered ${csrf.status} ${csrf.text.slice(0, 200)}`);
  const login = { method: 'POST', body: JSON.stringify(ACCOUNT), headers: { cookie: `csrftoken=${csrf.cookies.csrftoken}`, 'x-csrftoken': csrf.json.csrfToken, 'content-type': 'application/json' } };
  const loggedIn = await answer(server.base, '/api/login', login);
  expect(loggedIn.status === 200 && loggedIn.cookies.sessionid, `${server.name} POST /api/login answered ${loggedIn.status}: ${loggedIn.text.slice(0, 300)}`);
  const forged = await answer(server.base, '/api/login', { ...login, headers: { ...login.headers, 'x-csrftoken': 'x'.repeat(64) } });
  expect(forged.status === 403, `${server.name} POST /api/login with a wrong CSRF token answered ${forged.status}, not 403`);
  return { method: 'POST', body: login.body, headers: login.headers };
}

/**
 * Hashes per second with one hash per core running at once (libuv's pool), the best of 3 rounds of
 * 4 per core: what the cores give when used together, which on SMT siblings or a busy host is less
 * than cores x one hash alone.
 */
async function parallelHashRate(iterations) {
  const salt = randomBytes(16).toString('base64');
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const one = () => new Promise((resolve, reject) => pbkdf2(ACCOUNT.password, salt, iterations, 32, 'sha256', (err) => (err ? reject(err) : resolve())));
    await Promise.all(Array.from({ length: CORES }, async () => {
      for (let i = 0; i < 4; i++) await one();
    }));
    best = Math.max(best, (CORES * 4 * 1000) / (performance.now() - started));
  }
  return best;
}

/** One PBKDF2-SHA256 hash in this process: the fastest of 5, the cost without other work in the way. */
function hashInNode(iterations) {
  const salt = randomBytes(16).toString('base64');
  pbkdf2Sync(ACCOUNT.password, salt, 1000, 32, 'sha256');
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    pbkdf2Sync(ACCOUNT.password, salt, iterations, 32, 'sha256');
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function measure(servers, scenarios, tmp) {
  const runs = Object.fromEntries(scenarios.map((s) => [s.key, { django: [], nest: [] }]));
  // Scenarios of one `group` (the unguarded route with and without a cookie) are measured in
  // turn within each round, so their ratio compares runs seconds apart, not minutes.
  const batches = [];
  for (const scenario of scenarios) {
    const batch = scenario.group && batches.find((b) => b[0].group === scenario.group);
    if (batch) batch.push(scenario);
    else batches.push([scenario]);
  }
  for (const batch of batches) {
    const load = (scenario, side, seconds, tag) => wrk({ url: servers[side].base + scenario.paths[side], seconds, threads: THREADS, connections: scenario.connections ?? options.connections, shape: scenario.shape[side], dir: tmp, tag });
    // wrk's last requests are still queued in the server when wrk stops (gunicorn's backlog, libuv's
    // hash queue): one more request of the same kind returns once they are done, so the next run
    // starts on an idle server.
    const drain = async (scenario, side) => {
      const { method = 'GET', headers = {}, body } = scenario.shape[side];
      const res = await fetch(servers[side].base + scenario.paths[side], { method, headers, body, signal: AbortSignal.timeout(120_000) });
      await res.arrayBuffer();
    };
    for (const scenario of batch) {
      console.log(`\n${scenario.label}: ${scenario.paths.django} on Django, ${scenario.paths.nest} on Nest`);
      for (const side of ['django', 'nest']) {
        await load(scenario, side, WARMUP_SECONDS, `${scenario.key}-${side}-warmup`);
        await drain(scenario, side);
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      // Alternate who goes first, so a drift in the machine's load does not favour one side.
      const order = round % 2 === 0 ? ['django', 'nest'] : ['nest', 'django'];
      for (const side of order) {
        for (const scenario of round % 2 === 0 ? batch : [...batch].reverse()) {
          await sleep(1000);
          const probe = scenario.probe ? startProbe(`${servers[side].base}/health`) : undefined;
          const cpuBefore = treeCpuMs(servers[side].pid);
          const dbBefore = commandCpuMs(DB_SERVER_COMMAND);
          const result = await load(scenario, side, options.seconds, `${scenario.key}-${side}-${round}`);
          // The server's own CPU per answer: far steadier than req/s when other work shares the cores.
          result.cpuMsPerRequest = (treeCpuMs(servers[side].pid) - cpuBefore) / Math.max(1, result.requests);
          // The database server's share, which the same cores pay for.
          result.dbCpuMsPerRequest = (commandCpuMs(DB_SERVER_COMMAND) - dbBefore) / Math.max(1, result.requests);
          result.load1 = loadavg()[0];
          if (probe) result.probe = await probe.stop();
          await drain(scenario, side);
          runs[scenario.key][side].push(result);
          const probeText = result.probe ? `, /health probe p50 ${result.probe.p50.toFixed(1)} p99 ${result.probe.p99.toFixed(1)} ms (${result.probe.count} probes)` : '';
          const bad = result.non2xx + result.errors ? `, ${result.non2xx} non-2xx, ${result.errors} socket errors` : '';
          const tag = batch.length > 1 ? ` ${scenario.key}` : '';
          console.log(`  round ${round + 1} ${side.padEnd(6)}${tag} ${result.rps.toFixed(1).padStart(8)} req/s  p50 ${result.p50.toFixed(1)} p99 ${result.p99.toFixed(1)} ms  CPU ${result.cpuMsPerRequest.toFixed(2)} ms/req (database ${result.dbCpuMsPerRequest.toFixed(2)})${probeText}${bad}`);
        }
      }
    }
  }
  return runs;
}

let cleaning = null;
let tmp = null;
async function cleanup() {
  cleaning ??= (async () => {
    await stopAll();
    if (!options.keepDb) await dropDatabase(DB).catch((err) => console.error(`bench: could not drop ${DB.name}: ${err.message}`));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, stopping the servers`);
    cleanup().finally(() => process.exit(130));
  });
}
process.once('exit', killAllNow);

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`bench: over its ${Math.round(BUDGET_MS / 60000)}-minute budget; stopping`);
    cleanup().finally(() => process.exit(1));
  }, BUDGET_MS);
  watchdog.unref();

  ensureDebianPackages(['wrk', 'python3-gunicorn', 'python3-django', 'python3-mysqldb']);
  if (options.build) {
    console.log('Building (npm run build)...');
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', timeout: 15 * 60_000 });
    if (build.status !== 0) throw new Error('bench: npm run build failed');
  }
  tmp = mkdtempSync(join(tmpdir(), 'djb-bench-'));

  await createDatabase(DB).catch((err) => {
    throw new Error(`bench: MariaDB on ${DB.host}:${DB.port} (root, no password) is needed: ${err.message}`);
  });
  const setup = setupWithDjango(ROOT, DB, SECRET_KEY, ACCOUNT);
  console.log(`Django ${setup.django} migrated ${DB.name} on ${DB.host}:${DB.port}, made user "${setup.user.username}" (${setup.user.groups.length} groups, ${setup.user.permissions.length} permissions) and logged in once`);
  const nodeMs = hashInNode(setup.iterations);
  const hash = { algorithm: setup.algorithm, iterations: setup.iterations, nodeMs, pythonMs: setup.hashMs, nestCeiling: (CORES * 1000) / nodeMs, djangoCeiling: (CORES * 1000) / setup.hashMs, parallelRate: await parallelHashRate(setup.iterations) };

  const servers = {
    django: await startDjango(ROOT, DB, SECRET_KEY, CORES),
    nest: await startNest(ROOT, DB, SECRET_KEY, tmp, options.adapter, options.nestWorkers, options.verifiedSessionCache),
  };
  console.log(`Django under gunicorn -w ${CORES} on ${servers.django.base}; the Nest sample (${options.adapter}) on ${servers.nest.base}`);

  const paths = { django: { guard: '/guard' }, nest: { guard: NEST_GUARD_PATH } };
  const loginShape = { django: await verify(servers.django, paths.django, setup, setup.user), nest: await verify(servers.nest, paths.nest, setup, setup.user) };
  const cookie = { cookie: `csrftoken=${setup.csrftoken}; sessionid=${setup.sessionid}` };
  const same = (shape) => ({ django: shape, nest: shape });
  const scenarios = [
    { key: 'whoami', label: '(a) who-am-I, groups + permissions', paths: { django: '/api/me', nest: '/api/me' }, shape: same({ headers: cookie }) },
    // The guard and the unguarded route with and without a cookie are compared with each other: measured in turn.
    { key: 'guard', label: '(b) the guard alone', paths: { django: '/guard', nest: NEST_GUARD_PATH }, shape: same({ headers: cookie }), group: 'ratios' },
    { key: 'health', label: '(c) unguarded, no cookie', paths: { django: '/health', nest: '/health' }, shape: same({}), group: 'ratios' },
    { key: 'healthCookie', label: '(c) unguarded, session cookie', paths: { django: '/health', nest: '/health' }, shape: same({ headers: cookie }), group: 'ratios' },
    { key: 'login', label: `(d) login, ${CORES} at a time`, paths: { django: '/api/login', nest: '/api/login' }, shape: loginShape, connections: CORES },
    { key: 'storm', label: `(e) login storm, ${options.connections} at a time`, paths: { django: '/api/login', nest: '/api/login' }, shape: loginShape, probe: true },
  ];

  const loadBefore = loadavg();
  const rssBefore = { django: treeRss(servers.django.pid), nest: treeRss(servers.nest.pid) };
  const chosen = options.only ? scenarios.filter((s) => options.only.includes(s.key)) : scenarios;
  if (options.only && chosen.length !== options.only.length) throw new Error(`bench: --only takes ${scenarios.map((s) => s.key).join(', ')}`);
  const runs = await measure(servers, chosen, tmp);
  // Again after the load: a slower hash now means the machine was busier than at the start.
  hash.nodeMsAfter = hashInNode(setup.iterations);
  // The ceiling takes the faster of the two: the hash's own cost, not the machine's other work.
  hash.nestCeiling = (CORES * 1000) / Math.min(hash.nodeMs, hash.nodeMsAfter);
  const rss = { django: { before: rssBefore.django, after: treeRss(servers.django.pid) }, nest: { before: rssBefore.nest, after: treeRss(servers.nest.pid) } };

  const results = {
    date: new Date().toISOString(),
    // The load average before and after: other work on the machine skews the figures.
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: CORES, node: process.version, loadBefore, loadAfter: loadavg() },
    django: setup.django,
    config: { quick: options.quick, rounds: options.rounds, seconds: options.seconds, threads: THREADS, connections: options.connections, workers: CORES, adapter: options.adapter, nestWorkers: options.nestWorkers, verifiedSessionCache: options.verifiedSessionCache, only: options.only, cores: CORES, nestGuardPath: NEST_GUARD_PATH },
    hash,
    rss,
    scenarios: Object.fromEntries(chosen.map((s) => [s.key, { label: s.label, paths: s.paths, django: summarise(runs[s.key].django), nest: summarise(runs[s.key].nest), runs: runs[s.key] }])),
  };
  results.targets = checkTargets(results);

  console.log(`\n${textTable(results)}`);
  mkdirSync(RESULTS, { recursive: true });
  // A --quick smoke check never replaces the last full results.
  // So do a run with the verified-session cache and one of a few scenarios: each has its own files.
  const name = ['django-vs-nest', options.verifiedSessionCache ? 'verified-cache' : '', options.only ? 'only' : '', options.quick ? 'quick' : ''].filter(Boolean).join('.');
  writeFileSync(join(RESULTS, `${name}.json`), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(RESULTS, `${name}.md`), markdown(results));
  console.log(`\nWritten: bench/results/${name}.json and bench/results/${name}.md`);
}

try {
  await main();
  await cleanup();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  await cleanup();
  process.exitCode = 1;
}
