/**
 * Issue 13, item 1: both packages, packed with `npm pack`, installed into fresh Nest applications
 * outside this repository, for Nest 11 and 12 x TypeORM 0.3 and 1 (one npm install each), each
 * with a CommonJS app (built by tsc, plus its Jest + ts-jest test) and an ESM app ("type":
 * "module", NodeNext), each run on Express and on Fastify: a real Django session cookie gets 200
 * and the user, no cookie 401. Set DJANGO_BRIDGE_PACKAGES_BUILT=1 when libs/*\/dist is fresh
 * (the test command builds first); otherwise the libraries are built here.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cookieHeader, djangoCalls as c, DjangoProject } from '../django/django-project.js';
import { BRIDGE_VERSION } from '../e2e/support/django-line.js';
import { randomEnvSecret } from '../support/random.js';
import { CellReport } from './cell-report.js';
import { appPieces, buildApp, installTree, npmInstall, runAppJest, startApp, writeApp, writeTree, type AppPieces, type RunningApp, type Tarballs } from './fresh-app.js';
import WebSocket from 'ws';
import { MODULE_KINDS, PLATFORMS, REFUSED_TREE, selectedTrees, type MatrixTree, type ModuleKind, type Platform } from './matrix.js';
import { savePrebuild } from './local-prebuilds.js';
import { cleanEnv, describeFailure, NPM_CACHE_DIR, runCommand } from './run-command.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MINUTES = 60_000;
const TREES = selectedTrees();

/** Users whose Django-made hashes need the app's own argon2 and bcrypt packages. */
const HASHED_USERS = [
  { username: 'matrix-argon2', hasher: 'argon2' },
  { username: 'matrix-bcrypt', hasher: 'bcrypt_sha256' },
] as const;

type ServerEngine = 'mysql' | 'postgres';
const SERVER_ENGINES: readonly ServerEngine[] = ['mysql', 'postgres'];
const ENGINE_LABEL: Record<ServerEngine, string> = { mysql: 'MariaDB', postgres: 'PostgreSQL' };
const USERNAME = 'matrix-ada';

/** A built app: its directory and how long tsc took. */
interface Built {
  dir: string;
  ms: number;
}

interface TreeJobs {
  /** How long npm install took. */
  install: Promise<number>;
  builds: Record<ModuleKind, Promise<Built>>;
}

/** At most `n` tree preparations at once (two cores: one installs or compiles while another waits on the network). */
function limiter(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (job) => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active += 1;
    try {
      return await job();
    } finally {
      active -= 1;
      queue.shift()?.();
    }
  };
}

/** Marks a background promise as handled (its test awaits it later), so an early failure is no unhandled rejection. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

describe('install matrix: packed tarballs in fresh Nest apps', () => {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'djb-matrix-'));
  const report = new CellReport();
  const secretKey = randomEnvSecret();
  const jobs = new Map<string, TreeJobs>();
  let django: DjangoProject | undefined;
  let appEnv: Record<string, string> = {};
  let cookie = '';
  /** Django on MariaDB and on PostgreSQL, for the trees with drivers: each one's app environment and session cookie. */
  const serverSites = new Map<ServerEngine, { project: DjangoProject; env: Record<string, string>; cookie: string }>();
  let packed: Tarballs | undefined;

  beforeAll(async () => {
    if (process.env.DJANGO_BRIDGE_PACKAGES_BUILT !== '1') {
      await report.cell('build libs (npm run build)', async () => {
        const r = await runCommand('npm', ['run', 'build', '--workspace', 'libs/core', '--workspace', 'libs/nest'], { cwd: REPO, timeoutMs: 5 * MINUTES });
        if (r.code !== 0) throw new Error(describeFailure('npm run build', r));
      });
    }
    // This checkout's better-sqlite3 was compiled for this Node already: seed the addon cache with it.
    await savePrebuild(REPO);
    const tarballs = await report.cell('npm pack libs/core libs/nest', () => pack(join(root, 'tarballs')));
    packed = tarballs;

    django = DjangoProject.throwaway('sqlite', { secretKey });
    django.batch([c.migrate(), c.createUser({ username: USERNAME, password: 'matrix-pw' }), ...HASHED_USERS.map((u) => c.createUser({ username: u.username, password: 'matrix-pw', hasher: u.hasher }))]);
    const login = django.login(USERNAME, 'matrix-pw');
    expect(login.status).toBe(200);
    cookie = cookieHeader(login.cookies);
    appEnv = { DJANGO_SQLITE_FILE: django.env.name, DJANGO_SECRET_KEY: secretKey, DJANGO_BRIDGE_VERSION: BRIDGE_VERSION, DJANGO_SESSION_COOKIE: cookie, DJANGO_USERNAME: USERNAME };
    if (TREES.some((t) => t.drivers)) {
      for (const engine of SERVER_ENGINES) {
        const project = DjangoProject.throwaway(engine, { secretKey });
        serverSites.set(engine, { project, env: {}, cookie: '' });
        project.batch([c.migrate(), c.createUser({ username: USERNAME, password: 'matrix-pw' })]);
        const made = project.login(USERNAME, 'matrix-pw');
        expect(made.status).toBe(200);
        const { DJANGO_SQLITE_FILE: _sqlite, ...rest } = appEnv;
        serverSites.set(engine, { project, cookie: cookieHeader(made.cookies), env: { ...rest, DJANGO_DATABASE_URL: databaseUrl(project) } });
      }
    }

    // Every tree is prepared in the background, two at a time; each test awaits the step it checks.
    const slot = limiter(2);
    for (const tree of TREES) {
      const prepared = handled(slot(() => prepareTree(tree, tarballs)));
      jobs.set(tree.name, {
        install: handled(prepared.then((p) => p.installMs)),
        builds: { cjs: handled(prepared.then((p) => p.builds.cjs)), esm: handled(prepared.then((p) => p.builds.esm)) },
      });
    }
  }, 10 * MINUTES);

  afterAll(() => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    process.stdout.write(`${report.render(`Install matrix (${seconds}s; npm cache ${NPM_CACHE_DIR}; apps under ${root})`)}\n`);
    django?.dropDatabase();
    for (const site of serverSites.values()) site.project.dropDatabase();
    // DJANGO_BRIDGE_MATRIX_KEEP=1 keeps the apps for a look after a failure.
    if (process.env.DJANGO_BRIDGE_MATRIX_KEEP !== '1') removeInBackground(root);
  });

  /** Install, then build both apps (a failed build is kept for its own test, not thrown here). */
  async function prepareTree(tree: MatrixTree, tarballs: Tarballs): Promise<{ installMs: number; builds: Record<ModuleKind, Promise<Built>> }> {
    const dir = writeTree(root, tree, tarballs);
    const { ms: installMs } = await installTree(dir);
    const builds = {} as Record<ModuleKind, Promise<Built>>;
    for (const kind of MODULE_KINDS) {
      const appDir = writeApp(dir, tree, kind);
      builds[kind] = handled(buildApp(appDir).then(({ ms }) => ({ dir: appDir, ms })));
      await builds[kind].catch(() => undefined);
    }
    return { installMs, builds };
  }

  for (const tree of TREES) {
    describe(`${tree.name} (${describeTree(tree)})`, () => {
      const job = () => jobs.get(tree.name) ?? Promise.reject(new Error('the matrix did not start (see the beforeAll failure)'));

      it('npm install takes both tarballs, strict peers, no --legacy-peer-deps', async () => {
        await report.cell(`${tree.name} npm install`, async () => {
          const ms = await (await job()).install;
          // Without Passport in the app's package.json, nothing may pull @nestjs/passport in.
          const passportDir = join(root, tree.name, 'node_modules', '@nestjs', 'passport');
          if (!tree.passport && existsSync(passportDir)) throw new Error('@nestjs/passport was installed though the app does not depend on it');
          return `npm install took ${(ms / 1000).toFixed(1)}s${tree.passport ? '' : ', no @nestjs/passport in node_modules'}`;
        });
      }, 20 * MINUTES);

      for (const kind of MODULE_KINDS) {
        it(`${kind}: tsc builds the app`, async () => {
          await report.cell(`${tree.name} ${kind} tsc`, async () => `tsc took ${((await (await job()).builds[kind]).ms / 1000).toFixed(1)}s`);
        }, 20 * MINUTES);

        for (const platform of PLATFORMS) {
          const pieces = appPieces(tree, kind);
          const also = [pieces.passport ? 'Passport' : '', pieces.ecosystem ? 'terminus, OpenAPI and a ws gateway' : ''].filter(Boolean).join(', ');
          it(`${kind} on ${platform}: a Django session gets 200 and the user, none gets 401${also ? ` (also ${also})` : ''}`, async () => {
            await report.cell(`${tree.name} ${kind} ${platform}`, async () => {
              const { dir } = await (await job()).builds[kind];
              return checkApp(dir, platform, pieces);
            });
          }, 20 * MINUTES);
        }
      }

      if (tree.drivers) {
        for (const engine of SERVER_ENGINES) {
          const driver = engine === 'mysql' ? 'mysql2' : 'pg';
          it(`cjs on express over ${ENGINE_LABEL[engine]} (${driver} ${tree.dependencies[driver]}): a Django session gets 200, none 401`, async () => {
            await report.cell(`${tree.name} cjs express ${driver}`, async () => {
              const { dir } = await (await job()).builds.cjs;
              const site = serverSites.get(engine);
              if (!site?.cookie) throw new Error(`Django on ${engine} was not set up (see the beforeAll failure)`);
              return checkApp(dir, 'express', { passport: false, ecosystem: false }, site.env, site.cookie);
            });
          }, 20 * MINUTES);
        }
      }

      it("cjs: the app's own Jest + ts-jest test passes", async () => {
        await report.cell(`${tree.name} cjs jest`, async () => {
          await (await job()).install;
          return (await runAppJest(join(root, tree.name, 'cjs'), tree, appEnv)).summary;
        });
      }, 20 * MINUTES);
    });
  }

  it('npm refuses the tarballs next to Nest 10 (outside the peer ranges)', async () => {
    await report.cell(`${REFUSED_TREE.name} npm install --dry-run`, async () => {
      if (!packed) throw new Error('npm pack did not run (see the beforeAll failure)');
      const r = await npmInstall(writeTree(root, REFUSED_TREE, packed), ['--dry-run']);
      const output = `${r.stdout}\n${r.stderr}`;
      const refusal = output.match(/peer @nestjs\/(common|core)@"[^"]*" from @django-bridge\/nest@\S+/);
      if (r.code === 0 || !output.includes('ERESOLVE') || !refusal) throw new Error(describeFailure("npm install --dry-run (expected ERESOLVE on @django-bridge/nest's Nest peer)", r));
      return `ERESOLVE: ${refusal[0]}`;
    });
  }, 20 * MINUTES);

  async function checkApp(appDir: string, platform: Platform, pieces: AppPieces, env = appEnv, sessionCookie = cookie): Promise<string> {
    const cookie = sessionCookie;
    const app = await startApp(appDir, platform, env);
    try {
      const paths = ['/me', ...(pieces.passport ? ['/passport/me'] : [])];
      for (const path of paths) {
        const withSession = await fetch(`${app.url}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
        const body = await withSession.text();
        if (withSession.status !== 200) throw new Error(`GET ${path} with the Django session: ${withSession.status} ${body.slice(0, 200)}\n${app.output()}`);
        expect(JSON.parse(body)).toMatchObject({ username: USERNAME });
        const without = await fetch(`${app.url}${path}`, { signal: AbortSignal.timeout(10_000) });
        if (without.status !== 401) throw new Error(`GET ${path} without a session: ${without.status}, expected 401\n${app.output()}`);
      }
      if (pieces.ecosystem) return [...paths, await checkEcosystem(app)].join(' ');
      return paths.join(' ');
    } finally {
      await app.stop();
    }
  }

  /** terminus's /health, the OpenAPI cookie scheme the app printed, and its ws gateway with and without the cookie. */
  async function checkEcosystem(app: RunningApp): Promise<string> {
    const health = await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(10_000) });
    const body = await health.text();
    if (health.status !== 200) throw new Error(`GET /health: ${health.status} ${body.slice(0, 300)}\n${app.output()}`);
    expect(JSON.parse(body)).toMatchObject({ status: 'ok', info: { 'django-database': { status: 'up' } } });
    const printed = app.output().match(/^openapi (.*)$/m);
    if (!printed) throw new Error(`the app printed no OpenAPI security schemes\n${app.output()}`);
    expect(JSON.parse(printed[1])).toMatchObject({ 'django-session': { type: 'apiKey', in: 'cookie', name: 'sessionid' } });
    const socketUrl = `${app.url.replace(/^http/, 'ws')}/ws`;
    const answer = await wsWhoami(socketUrl, { cookie, origin: app.url });
    expect(answer).toEqual({ event: 'whoami', data: { username: USERNAME } });
    const refused = await wsWhoami(socketUrl, { origin: app.url });
    if (refused !== 401) throw new Error(`ws handshake without a session: ${JSON.stringify(refused)}, expected HTTP 401\n${app.output()}`);
    for (const user of HASHED_USERS) {
      for (const [password, ok] of [['matrix-pw', true], ['wrong-pw', false]] as const) {
        const res = await fetch(`${app.url}/check-password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user.username, password }), signal: AbortSignal.timeout(10_000) });
        const answer = await res.text();
        if (res.status !== 200) throw new Error(`POST /check-password (${user.hasher}): ${res.status} ${answer.slice(0, 300)}\n${app.output()}`);
        expect({ hasher: user.hasher, password, ...JSON.parse(answer) }).toEqual({ hasher: user.hasher, password, ok });
      }
    }
    const jwt = await fetch(`${app.url}/jwt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: USERNAME }), signal: AbortSignal.timeout(10_000) });
    const jwtAnswer = await jwt.text();
    if (jwt.status !== 200) throw new Error(`POST /jwt: ${jwt.status} ${jwtAnswer.slice(0, 300)}\n${app.output()}`);
    expect(JSON.parse(jwtAnswer)).toEqual({ username: USERNAME });
    return `/health /ws ${HASHED_USERS.map((u) => u.hasher).join(' ')} jose`;
  }
});

/** The project's database as the URL a deployment would give the app. */
function databaseUrl(project: DjangoProject): string {
  const c = project.connection();
  if (c.type === 'better-sqlite3') throw new Error('a server database was expected');
  const user = encodeURIComponent(c.username ?? '');
  const auth = c.password ? `${user}:${encodeURIComponent(c.password)}` : user;
  return `${c.type}://${auth}@${c.host}:${c.port}/${c.database}`;
}

/** Opens a ws socket and asks "whoami": the answer frame, or the HTTP status of a refused handshake. */
function wsWhoami(url: string, headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: 10_000 });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no whoami answer from ${url} within 10 s`));
    }, 10_000);
    const done = (value: unknown) => {
      clearTimeout(timer);
      ws.terminate();
      resolve(value);
    };
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.once('unexpected-response', (_req, res) => done(res.statusCode));
    ws.once('open', () => ws.send(JSON.stringify({ event: 'whoami', data: {} })));
    ws.once('message', (raw) => done(JSON.parse(String(raw)) as unknown));
  });
}

/** The pins worth naming in a test title. */
function describeTree(tree: MatrixTree): string {
  const d = tree.dependencies;
  const parts = [`Nest ${d['@nestjs/core']}`, `TypeORM ${d.typeorm}`, `better-sqlite3 ${d['better-sqlite3']}`, `reflect-metadata ${d['reflect-metadata']}`, `rxjs ${d.rxjs}`];
  if (tree.passport) parts.push(`@nestjs/passport ${d['@nestjs/passport']}`, `passport ${d.passport}`, `passport-custom ${d['passport-custom']}`);
  if (tree.ecosystem) parts.push(`terminus ${d['@nestjs/terminus']}`, `swagger ${d['@nestjs/swagger']}`, `websockets ${d['@nestjs/websockets']}`);
  return parts.join(', ');
}

/**
 * Deletes the apps (six node_modules trees, ~1 GB: half a minute on a busy disk) in a detached
 * `rm -rf` that finishes on its own, so the run does not wait for it.
 */
function removeInBackground(dir: string): void {
  if (!dir.startsWith(join(tmpdir(), 'djb-matrix-'))) throw new Error(`refusing to delete ${dir}`);
  spawn('rm', ['-rf', dir], { detached: true, stdio: 'ignore' }).unref();
}

/** `npm pack` of both workspaces into `dir`: the files a registry would serve. */
async function pack(dir: string): Promise<Tarballs> {
  mkdirSync(dir, { recursive: true });
  const r = await runCommand('npm', ['pack', '--workspace', 'libs/core', '--workspace', 'libs/nest', '--pack-destination', dir, '--json', '--loglevel=error'], { cwd: REPO, timeoutMs: 3 * MINUTES, env: cleanEnv() });
  if (r.code !== 0) throw new Error(describeFailure('npm pack', r));
  const packed = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { name: string; filename: string }[];
  const file = (name: string) => {
    const entry = packed.find((p) => p.name === name);
    if (!entry) throw new Error(`npm pack did not pack ${name}`);
    return join(dir, entry.filename);
  };
  return { core: file('@django-bridge/core'), nest: file('@django-bridge/nest') };
}
