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
import { buildApp, installTree, npmInstall, runAppJest, startApp, writeApp, writeTree, type Tarballs } from './fresh-app.js';
import { MATRIX_TREES, MODULE_KINDS, PLATFORMS, REFUSED_TREE, type MatrixTree, type ModuleKind, type Platform } from './matrix.js';
import { savePrebuild } from './local-prebuilds.js';
import { cleanEnv, describeFailure, NPM_CACHE_DIR, runCommand } from './run-command.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MINUTES = 60_000;
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
    django.batch([c.migrate(), c.createUser({ username: USERNAME, password: 'matrix-pw' })]);
    const login = django.login(USERNAME, 'matrix-pw');
    expect(login.status).toBe(200);
    cookie = cookieHeader(login.cookies);
    appEnv = { DJANGO_SQLITE_FILE: django.env.name, DJANGO_SECRET_KEY: secretKey, DJANGO_BRIDGE_VERSION: BRIDGE_VERSION, DJANGO_SESSION_COOKIE: cookie, DJANGO_USERNAME: USERNAME };

    // Every tree is prepared in the background, two at a time; each test awaits the step it checks.
    const slot = limiter(2);
    for (const tree of MATRIX_TREES) {
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

  for (const tree of MATRIX_TREES) {
    describe(`${tree.name} (Nest ${tree.dependencies['@nestjs/core']}, TypeORM ${tree.dependencies.typeorm}${tree.passport ? ', @nestjs/passport ' + tree.dependencies['@nestjs/passport'] : ''})`, () => {
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
          it(`${kind} on ${platform}: a Django session gets 200 and the user, none gets 401`, async () => {
            await report.cell(`${tree.name} ${kind} ${platform}`, async () => {
              const { dir } = await (await job()).builds[kind];
              return checkApp(dir, platform, tree.passport && kind === 'cjs');
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

  async function checkApp(appDir: string, platform: Platform, passport: boolean): Promise<string> {
    const app = await startApp(appDir, platform, appEnv);
    try {
      const paths = ['/me', ...(passport ? ['/passport/me'] : [])];
      for (const path of paths) {
        const withSession = await fetch(`${app.url}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
        const body = await withSession.text();
        if (withSession.status !== 200) throw new Error(`GET ${path} with the Django session: ${withSession.status} ${body.slice(0, 200)}\n${app.output()}`);
        expect(JSON.parse(body)).toMatchObject({ username: USERNAME });
        const without = await fetch(`${app.url}${path}`, { signal: AbortSignal.timeout(10_000) });
        if (without.status !== 401) throw new Error(`GET ${path} without a session: ${without.status}, expected 401\n${app.output()}`);
      }
      return paths.join(' ');
    } finally {
      await app.stop();
    }
  }
});

/**
 * Deletes the apps (four node_modules trees, ~700 MB: half a minute on a busy disk) in a detached
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
