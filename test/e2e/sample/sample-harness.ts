import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadSampleConfig, type SampleConfig } from '../../../apps/sample/src/config/sample.config.js';
import { createSampleApp, type SampleApp } from '../../../apps/sample/src/sample-app.js';
import { DjangoProject } from '../../django/django-project.js';
export { cookieHeader } from '../../django/django-project.js';
import { BRIDGE_VERSION } from '../support/django-line.js';
import { randomEnvSecret } from '../../support/random.js';

export type SampleEngine = 'sqlite' | 'mysql' | 'postgres';
/** HTTP_ADAPTER: the Nest HTTP platform the sample runs on. */
export type SampleAdapter = SampleConfig['httpAdapter'];
export const SAMPLE_ADAPTERS: SampleAdapter[] = ['express', 'fastify'];

export interface SampleHarness {
  engine: SampleEngine;
  config: SampleConfig;
  sample: SampleApp;
  /** supertest over the running Nest app. */
  http: () => ReturnType<typeof request>;
  /** The real Django project on the same Django database. */
  django: DjangoProject;
  env: Record<string, string>;
  close(): Promise<void>;
}

function serverUrl(engine: 'mysql' | 'postgres', name: string): string {
  return engine === 'mysql' ? `mysql://root@127.0.0.1:3306/${name}` : `postgres://postgres@127.0.0.1:5432/${name}`;
}

/** `app.init()`, and on Fastify the routes and plugins made ready, so supertest can send requests. */
export async function initSample(sample: SampleApp): Promise<void> {
  try {
    await sample.app.init();
    const adapter = sample.app.getHttpAdapter();
    if (adapter.getType() === 'fastify') await (adapter.getInstance() as { ready(): PromiseLike<unknown> }).ready();
  } catch (err) {
    // A route the router refuses fails here, with the databases open: close them, or Jest never exits.
    await sample.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The sample on a fresh Django database and a fresh app database: SQLite files (the sample creates
 * both schemas and the demo accounts, as `npm start` does), or MariaDB / PostgreSQL (Django migrates
 * the Django database itself; the sample creates the app database's local auth tables), on the
 * given HTTP platform (kept in `env`, so a restart with `startSampleAgain` uses it too). The Django
 * is the run's line (DJANGO_LINE, default 5.2) and the sample's DJANGO_VERSION names that line.
 */
export async function startSample(engine: SampleEngine, extraEnv: Record<string, string> = {}, adapter: SampleAdapter = 'express'): Promise<SampleHarness> {
  const secretKey = randomEnvSecret();
  const cleanups: (() => void | Promise<void>)[] = [];
  let django: DjangoProject;
  let env: Record<string, string>;
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'djb-sample-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    env = { DJANGO_DATABASE_URL: `sqlite:${join(dir, 'django.sqlite3')}`, APP_DATABASE_URL: `sqlite:${join(dir, 'app.sqlite3')}`, DJANGO_SECRET_KEY: secretKey };
    django = new DjangoProject({ engine: 'sqlite', name: join(dir, 'django.sqlite3'), secretKey });
  } else {
    django = DjangoProject.throwaway(engine, { secretKey });
    django.migrate();
    cleanups.push(() => void django.dropDatabase());
    const appDb = DjangoProject.throwaway(engine, { secretKey });
    appDb.run('create_database');
    cleanups.push(() => void appDb.dropDatabase());
    env = { DJANGO_DATABASE_URL: serverUrl(engine, django.env.name), APP_DATABASE_URL: serverUrl(engine, appDb.env.name), DJANGO_SECRET_KEY: secretKey };
  }
  env = { ...env, DJANGO_VERSION: BRIDGE_VERSION, HTTP_ADAPTER: adapter, ...extraEnv };
  const config = loadSampleConfig(env);
  let sample: SampleApp;
  try {
    sample = await createSampleApp(config, { logger: false });
    await initSample(sample);
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup();
    throw err;
  }
  return {
    engine,
    config,
    sample,
    http: () => request(sample.app.getHttpServer()),
    django,
    env,
    close: async () => {
      await sample.close();
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

/** Cookies set by a response, by name (value only). */
export function setCookies(res: { headers: Record<string, unknown> }): Record<string, string> {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  return Object.fromEntries(list.map((c: string) => c.split(';', 1)[0]).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The sample again on databases a harness already prepared (a restart with other settings). */
export async function startSampleAgain(env: Record<string, string>): Promise<{ sample: SampleApp; http: () => ReturnType<typeof request>; close(): Promise<void> }> {
  const sample = await createSampleApp(loadSampleConfig(env), { logger: false });
  await initSample(sample);
  return { sample, http: () => request(sample.app.getHttpServer()), close: () => sample.close() };
}
