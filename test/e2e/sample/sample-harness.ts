import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadSampleConfig, type SampleConfig } from '../../../apps/sample/src/config/sample.config.js';
import { createSampleApp, type SampleApp } from '../../../apps/sample/src/sample-app.js';
import { DjangoProject } from '../../django/django-project.js';
export { cookieHeader } from '../../django/django-project.js';
import { randomEnvSecret } from '../../support/random.js';

export type SampleEngine = 'sqlite' | 'mysql' | 'postgres';

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

/**
 * The sample on a fresh Django database and a fresh app database: SQLite files (the sample creates
 * both schemas and the demo accounts, as `npm start` does), or MariaDB / PostgreSQL (Django migrates
 * the Django database itself; the sample creates the app database's local auth tables).
 */
export async function startSample(engine: SampleEngine, extraEnv: Record<string, string> = {}): Promise<SampleHarness> {
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
  env = { ...env, DJANGO_VERSION: '3.2', ...extraEnv };
  const config = loadSampleConfig(env);
  let sample: SampleApp;
  try {
    sample = await createSampleApp(config, { logger: false });
    await sample.app.init();
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
  await sample.app.init();
  return { sample, http: () => request(sample.app.getHttpServer()), close: () => sample.close() };
}
