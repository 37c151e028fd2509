/**
 * DjangoHealthIndicator in a real Nest app with TerminusModule, over in-memory stores and caches of
 * the application's own that answer, fail or hang: what /health answers (200 or 503, and the
 * details), that a hanging cache is cut at the timeout, and the "not used" answers.
 * The database checks against real databases are in test/e2e/nest-ecosystem.e2e.spec.ts.
 */
import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { CacheUnavailable, MemorySessionBackend, type DjangoCache } from '@django-bridge/core';
import request from 'supertest';
import { DjangoBridgeModule } from '@django-bridge/nest';
import { DjangoHealthIndicator, DJANGO_CACHE_PROBE_KEY } from '@django-bridge/nest/terminus';
import { MemoryUserStore } from '../users/memory-user.store.js';
import { randomEnvSecret } from '../../../../test/support/random.js';

/** A cache whose `has` answers, fails or never answers, recording the keys it was asked about. */
class ScriptedCache implements DjangoCache {
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  readonly asked: string[] = [];
  async get(): Promise<unknown> {
    return undefined;
  }
  async set(): Promise<void> {
    throw new Error('the probe must not write');
  }
  async add(): Promise<boolean> {
    throw new Error('the probe must not write');
  }
  async delete(): Promise<boolean> {
    throw new Error('the probe must not write');
  }
  has(key: string): Promise<boolean> {
    this.asked.push(key);
    if (this.mode === 'fail') return Promise.reject(new CacheUnavailable('default', new Error('connect ECONNREFUSED 127.0.0.1:1')));
    if (this.mode === 'hang') return new Promise(() => undefined);
    return Promise.resolve(false);
  }
  async close(): Promise<void> {}
}

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly django: DjangoHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.django.database(), () => this.django.cache('django-cache', { timeout: 300 })]);
  }

  @Get('sessions')
  @HealthCheck()
  sessions() {
    return this.health.check([() => this.django.cache('sessions', { aliases: ['sessions'], timeout: 300 })]);
  }

  @Get('bad-timeout')
  @HealthCheck()
  badTimeout() {
    return this.health.check([() => this.django.cache('django-cache', { timeout: -1 })]);
  }
}

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function start(caches: Record<string, DjangoCache>): Promise<INestApplication> {
  @Module({ imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController], providers: [DjangoHealthIndicator] })
  class HealthModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [DjangoBridgeModule.forRoot({ secretKey: randomEnvSecret(), sessionEngine: new MemorySessionBackend(), userStore: new MemoryUserStore(), caches }), HealthModule],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  apps.push(app);
  return app;
}

describe('DjangoHealthIndicator', () => {
  it('is up with "not used" details when the bridge has no database and no cache', async () => {
    const app = await start({});
    const res = await request(app.getHttpServer()).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      info: { 'django-database': { status: 'up', used: false, message: 'No database configured' }, 'django-cache': { status: 'up', used: false, message: 'No cache configured' } },
      error: {},
      details: { 'django-database': { status: 'up', used: false, message: 'No database configured' }, 'django-cache': { status: 'up', used: false, message: 'No cache configured' } },
    });
  });

  it('asks every cache `has` on the probe key, writing nothing, and is up when they answer', async () => {
    const a = new ScriptedCache();
    const b = new ScriptedCache();
    const app = await start({ default: a, sessions: b });
    const res = await request(app.getHttpServer()).get('/health');
    expect(res.status).toBe(200);
    expect(res.body.info['django-cache']).toEqual({ status: 'up', caches: { default: { status: 'up', responseTime: expect.any(Number) }, sessions: { status: 'up', responseTime: expect.any(Number) } } });
    expect(a.asked).toEqual([DJANGO_CACHE_PROBE_KEY]);
    expect(b.asked).toEqual([DJANGO_CACHE_PROBE_KEY]);
  });

  it('answers 503 naming the cache that failed', async () => {
    const a = new ScriptedCache();
    const b = new ScriptedCache();
    b.mode = 'fail';
    const app = await start({ default: a, sessions: b });
    const res = await request(app.getHttpServer()).get('/health');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('error');
    expect(res.body.error['django-cache'].status).toBe('down');
    expect(res.body.error['django-cache'].message).toMatch(/^sessions: /);
    expect(res.body.error['django-cache'].caches.default.status).toBe('up');
    expect(res.body.info['django-database'].status).toBe('up');
  });

  it('cuts a cache that never answers at the timeout', async () => {
    const a = new ScriptedCache();
    a.mode = 'hang';
    const app = await start({ default: a });
    const started = Date.now();
    const res = await request(app.getHttpServer()).get('/health');
    const took = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.body.error['django-cache'].message).toBe('default: Cache "default" did not answer within 300 ms');
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(3000);
  });

  it('checks only the aliases asked for, and reports an unknown alias as down', async () => {
    const app = await start({ default: new ScriptedCache() });
    const res = await request(app.getHttpServer()).get('/health/sessions');
    expect(res.status).toBe(503);
    expect(res.body.error.sessions.message).toBe('sessions: no cache alias "sessions" (known: default)');
  });

  it('refuses a timeout that is not a positive whole number', async () => {
    const app = await start({ default: new ScriptedCache() });
    const res = await request(app.getHttpServer()).get('/health/bad-timeout');
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.body)).toContain('timeout must be a positive whole number of milliseconds');
  });
});
