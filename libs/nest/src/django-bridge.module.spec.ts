/**
 * DjangoBridgeModule's API as Nest users call it: forRoot, forRootAsync with each of useFactory,
 * useClass and useExisting (with imports, inject, extraProviders), isGlobal, registerGlobals, and
 * @InjectDjangoBridgeOptions(). Memory stores, so no database is involved.
 */
import { describe, expect, it } from '@jest/globals';
import { ImproperlyConfigured, MemorySessionBackend } from '@django-bridge/core';
import { Controller, Get, Inject, Injectable, Module, UseInterceptors, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DjangoBridgeModule } from './django-bridge.module.js';
import type { DjangoBridgeOptionsFactory } from './django-bridge.module-options.js';
import type { DjangoBridgeOptions, ResolvedBridgeOptions } from './django-bridge.options.js';
import { InjectDjangoBridgeOptions } from './inject-django-bridge-options.decorator.js';
import { DjangoSessionStore } from './session/django-session-store.js';
import { DjangoUserStore } from './users/django-user-store.js';
import { MemoryUserStore } from './users/memory-user.store.js';
import { DatabaseHintsMiddleware } from './routing/database-hints.middleware.js';
import { DjangoAuthService } from './auth/django-auth.service.js';
import { SecretKeyMonitor } from './startup/secret-key-monitor.js';
import { DjangoSessionInterceptor } from './session/django-session.interceptor.js';
import { CurrentSession } from './decorators/auth.decorators.js';
import request from 'supertest';

const SECRET = 'module-spec-secret';
const SETTINGS = Symbol('SETTINGS');

function bridgeOptions(cookieName = 'sid'): DjangoBridgeOptions {
  return { secretKey: SECRET, sessionEngine: new MemorySessionBackend(), userStore: new MemoryUserStore(), sessionCookieName: cookieName };
}

@Module({ providers: [{ provide: SETTINGS, useValue: { cookieName: 'from-settings' } }], exports: [SETTINGS] })
class SettingsModule {}

@Injectable()
class OptionsFromSettings implements DjangoBridgeOptionsFactory {
  constructor(@Inject(SETTINGS) private readonly settings: { cookieName: string }) {}
  createDjangoBridgeOptions(): DjangoBridgeOptions {
    return bridgeOptions(this.settings.cookieName);
  }
}

@Module({ imports: [SettingsModule], providers: [OptionsFromSettings], exports: [OptionsFromSettings] })
class OptionsModule {}

@Injectable()
class NeedsOptions {
  constructor(@InjectDjangoBridgeOptions() readonly options: ResolvedBridgeOptions) {}
}

async function compile(bridge: DynamicModule, providers: Provider[] = []) {
  return Test.createTestingModule({ imports: [bridge], providers: [NeedsOptions, ...providers] }).compile();
}

function providerTokens(module: DynamicModule): unknown[] {
  return (module.providers ?? []).map((p) => (typeof p === 'function' ? p : (p as { provide: unknown }).provide));
}

describe('DjangoBridgeModule.forRoot', () => {
  it('resolves the options and the stores, global by default, and keeps the module extras out of the options', async () => {
    const options = bridgeOptions();
    const bridge = DjangoBridgeModule.forRoot({ ...options, registerGlobals: true });
    expect(bridge.module).toBe(DjangoBridgeModule);
    expect(bridge.global).toBe(true);
    const ref = await compile(bridge);
    const resolved = ref.get(NeedsOptions).options;
    expect(resolved).toMatchObject({ secretKey: SECRET, sessionCookieName: 'sid', sessionCookieAge: 1_209_600 });
    expect(resolved).not.toHaveProperty('registerGlobals');
    expect(resolved.userStore).toBe(options.userStore);
    expect(ref.get(DjangoUserStore)).toBeDefined();
    expect(ref.get(DjangoSessionStore)).toBeDefined();
    expect(ref.get(DjangoAuthService)).toBeInstanceOf(DjangoAuthService);
    await ref.close();
  });

  it('gives SecretKeyMonitor the threshold of startupChecks.secretKeyWarningAfter', async () => {
    const ref = await compile(DjangoBridgeModule.forRoot({ ...bridgeOptions(), startupChecks: { secretKeyWarningAfter: 3 } }));
    expect(ref.get(SecretKeyMonitor).threshold).toBe(3);
    await ref.close();
    const byDefault = await compile(DjangoBridgeModule.forRoot(bridgeOptions()));
    expect(byDefault.get(SecretKeyMonitor).threshold).toBe(20);
    await byDefault.close();
  });

  it('isGlobal: false makes a module that is not global', () => {
    expect(DjangoBridgeModule.forRoot({ ...bridgeOptions(), isGlobal: false }).global).toBe(false);
  });

  it('an invalid option stops start-up naming it', async () => {
    await expect(compile(DjangoBridgeModule.forRoot({ ...bridgeOptions(), sessionCookieAge: -1 }))).rejects.toThrow('DjangoBridgeModule option "sessionCookieAge" must be a positive number of seconds');
  });
});

describe('DjangoBridgeModule.forRootAsync', () => {
  it('useFactory with imports and inject', async () => {
    const bridge = DjangoBridgeModule.forRootAsync({ imports: [SettingsModule], inject: [SETTINGS], useFactory: async (s: { cookieName: string }) => bridgeOptions(s.cookieName) });
    expect(bridge.global).toBe(true);
    const ref = await compile(bridge);
    expect(ref.get(NeedsOptions).options.sessionCookieName).toBe('from-settings');
    expect(ref.get(DjangoSessionStore)).toBeDefined();
    await ref.close();
  });

  it('useFactory with isGlobal: false (the existing callers keep working)', async () => {
    const bridge = DjangoBridgeModule.forRootAsync({ isGlobal: false, useFactory: () => bridgeOptions('plain') });
    expect(bridge.global).toBe(false);
    const ref = await Test.createTestingModule({ imports: [bridge] }).compile();
    expect(ref.get(DjangoUserStore, { strict: false })).toBeDefined();
    await ref.close();
  });

  it('useClass, whose dependencies come from extraProviders', async () => {
    const bridge = DjangoBridgeModule.forRootAsync({ useClass: OptionsFromSettings, extraProviders: [{ provide: SETTINGS, useValue: { cookieName: 'from-class' } }] });
    const ref = await compile(bridge);
    expect(ref.get(NeedsOptions).options.sessionCookieName).toBe('from-class');
    await ref.close();
  });

  it('useExisting, a factory an imported module provides', async () => {
    const ref = await compile(DjangoBridgeModule.forRootAsync({ imports: [OptionsModule], useExisting: OptionsFromSettings }));
    expect(ref.get(NeedsOptions).options.sessionCookieName).toBe('from-settings');
    await ref.close();
  });

  it('refuses async options without exactly one way to make the options', () => {
    expect(() => DjangoBridgeModule.forRootAsync({} as never)).toThrow(new ImproperlyConfigured('DjangoBridgeModule forRootAsync needs exactly one of useFactory, useClass or useExisting'));
    expect(() => DjangoBridgeModule.forRootAsync({ useFactory: () => bridgeOptions(), useClass: OptionsFromSettings })).toThrow('(got useFactory and useClass)');
    expect(() => DjangoBridgeModule.forRootAsync({ useFactory: 'nope' as never })).toThrow('useFactory must be a function');
  });
});

describe('registerGlobals', () => {
  const middlewareOf = async (bridge: DynamicModule) => {
    const ref = await compile(bridge);
    const applied: unknown[] = [];
    const consumer = { apply: (...m: unknown[]) => (applied.push(...m), { forRoutes: () => consumer }) };
    ref.get(DjangoBridgeModule).configure(consumer as never);
    await ref.close();
    return applied;
  };

  it('by default installs the session interceptor, the filter and the hints middleware', async () => {
    const bridge = DjangoBridgeModule.forRoot(bridgeOptions());
    expect(providerTokens(bridge)).toEqual(expect.arrayContaining([APP_INTERCEPTOR, APP_FILTER]));
    expect(await middlewareOf(bridge)).toEqual([DatabaseHintsMiddleware]);
  });

  it('false installs none of them, on forRoot and forRootAsync', async () => {
    for (const bridge of [DjangoBridgeModule.forRoot({ ...bridgeOptions(), registerGlobals: false }), DjangoBridgeModule.forRootAsync({ registerGlobals: false, useFactory: () => bridgeOptions() })]) {
      expect(providerTokens(bridge)).not.toContain(APP_INTERCEPTOR);
      expect(providerTokens(bridge)).not.toContain(APP_FILTER);
      expect(await middlewareOf(bridge)).toEqual([]);
    }
  });

  it('picks each one, the others staying on', async () => {
    const bridge = DjangoBridgeModule.forRoot({ ...bridgeOptions(), registerGlobals: { interceptor: false } });
    expect(providerTokens(bridge)).not.toContain(APP_INTERCEPTOR);
    expect(providerTokens(bridge)).toContain(APP_FILTER);
    expect(await middlewareOf(bridge)).toEqual([DatabaseHintsMiddleware]);
    expect(() => DjangoBridgeModule.forRoot({ ...bridgeOptions(), registerGlobals: { interceptors: false } as never })).toThrow('DjangoBridgeModule option "registerGlobals.interceptors" is not one of interceptor, filter, middleware');
  });

  it('without the global interceptor, a controller applies DjangoSessionInterceptor itself', async () => {
    @Controller()
    class Counter {
      @Get('count')
      @UseInterceptors(DjangoSessionInterceptor)
      count(@CurrentSession() session: { get(k: string, d?: unknown): unknown; set(k: string, v: unknown): void }) {
        const n = Number(session.get('n', 0)) + 1;
        session.set('n', n);
        return { n };
      }
    }
    const ref = await Test.createTestingModule({ imports: [DjangoBridgeModule.forRoot({ ...bridgeOptions(), registerGlobals: false })], controllers: [Counter] }).compile();
    const app = ref.createNestApplication({ logger: false });
    await app.init();
    const first = await request(app.getHttpServer()).get('/count').expect(200);
    expect(first.body).toEqual({ n: 1 });
    const cookie = String(first.headers['set-cookie']).split(';')[0];
    expect((await request(app.getHttpServer()).get('/count').set('Cookie', cookie).expect(200)).body).toEqual({ n: 2 });
    await app.close();
  });
});
