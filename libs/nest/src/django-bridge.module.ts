import { ConfigurableModuleBuilder, Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { DjangoAuthService } from './auth/django-auth.service.js';
import { DjangoPermissionsGuard } from './auth/django-permissions.guard.js';
import { DjangoSessionGuard } from './auth/django-session.guard.js';
import { DjangoAuthGuard } from './auth/django-auth.guard.js';
import { DjangoCredentials } from './auth/credentials/django-credentials.js';
import { SessionCredential } from './auth/credentials/session-credential.js';
import { createDrfTokenStore } from './drf-token/create-drf-token-store.js';
import { DrfTokenCredential } from './drf-token/drf-token.credential.js';
import { DrfTokenService } from './drf-token/drf-token.service.js';
import { DrfTokenStore } from './drf-token/drf-token-store.js';
import { createTokenBlacklistStore } from './simple-jwt/create-token-blacklist-store.js';
import { SimpleJwtCredential } from './simple-jwt/simple-jwt-credential.js';
import { SimpleJwtService } from './simple-jwt/simple-jwt.service.js';
import { TokenBlacklistStore } from './simple-jwt/token-blacklist-store.js';
import { DjangoForwardAuthService } from './auth/django-forward-auth.service.js';
import { DjangoCsrfGuard } from './csrf/django-csrf.guard.js';
import { DjangoCsrfService } from './csrf/django-csrf.service.js';
import { DJANGO_BRIDGE_GLOBALS, DJANGO_BRIDGE_OPTIONS, DJANGO_BRIDGE_RAW_OPTIONS } from './django-bridge.constants.js';
import { resolveBridgeOptions, type DjangoBridgeOptions, type ResolvedBridgeOptions } from './django-bridge.options.js';
import { checkAsyncOptions, resolveGlobals, type DjangoBridgeAsyncOptions, type DjangoBridgeGlobals, type DjangoBridgeModuleExtras, type DjangoBridgeModuleOptions } from './django-bridge.module-options.js';
import { DjangoSessionInterceptor } from './session/django-session.interceptor.js';
import { DjangoSessionService } from './session/django-session.service.js';
import { DatabaseHintsMiddleware } from './routing/database-hints.middleware.js';
import { DjangoBridgeExceptionFilter } from './errors/django-bridge.filter.js';
import { DjangoSocketService } from './websocket/django-socket.service.js';
import { DjangoCaches } from './cache/django-caches.js';
import { DjangoSessionStore } from './session/django-session-store.js';
import { createSessionStore } from './session/session-engine.js';
import { GuardedSessionStore } from './session/guarded-session-store.js';
import { DjangoUserStore } from './users/django-user-store.js';
import { GuardedUserStore } from './users/guarded-user-store.js';
import { TypeOrmUserStore } from './users/typeorm-user.store.js';
import { SecretKeyMonitor } from './startup/secret-key-monitor.js';
import { DjangoStartupChecks } from './startup/startup-checks.js';
import { DjangoPasswordResetService } from './password-reset/django-password-reset.service.js';
import { DjangoSignedCookies } from './signed-cookies/django-signed-cookies.service.js';

const SERVICES: Provider[] = [
  { provide: DJANGO_BRIDGE_OPTIONS, useFactory: (raw: DjangoBridgeOptions) => resolveBridgeOptions(raw), inject: [DJANGO_BRIDGE_RAW_OPTIONS] },
  DjangoCaches,
  { provide: SecretKeyMonitor, useFactory: (o: ResolvedBridgeOptions) => new SecretKeyMonitor(o.startupChecks.secretKeyWarningAfter), inject: [DJANGO_BRIDGE_OPTIONS] },
  // The stores behind their tokens: the engine `sessionEngine` names, the users of `userStore` or the database.
  // An engine of the application's own is bounded by storeTimeout; the bridge's engines bound each of their own I/O.
  { provide: DjangoSessionStore, useFactory: (o: ResolvedBridgeOptions, caches: DjangoCaches, monitor: SecretKeyMonitor) => new GuardedSessionStore(createSessionStore(o, caches, monitor), typeof o.sessionEngine === 'string' ? undefined : o.storeTimeout), inject: [DJANGO_BRIDGE_OPTIONS, DjangoCaches, SecretKeyMonitor] },
  { provide: DjangoUserStore, useFactory: (o: ResolvedBridgeOptions) => (o.userStore ? new GuardedUserStore(o.userStore, o.storeTimeout) : new TypeOrmUserStore(o.databases!, { userModel: o.userModel, useTz: o.useTz, timeZone: o.timeZone, timeout: o.databaseTimeout })), inject: [DJANGO_BRIDGE_OPTIONS] },
  DjangoSessionService,
  DjangoCsrfService,
  DjangoAuthService,
  DjangoForwardAuthService,
  DjangoSessionGuard,
  SessionCredential,
  // DRF's authtoken_token: the application's `drfToken.store` or the table on the routed databases.
  { provide: DrfTokenStore, useFactory: (o: ResolvedBridgeOptions) => createDrfTokenStore(o), inject: [DJANGO_BRIDGE_OPTIONS] },
  DrfTokenCredential,
  DrfTokenService,
  { provide: TokenBlacklistStore, useFactory: (o: ResolvedBridgeOptions) => createTokenBlacklistStore(o), inject: [DJANGO_BRIDGE_OPTIONS] },
  SimpleJwtService,
  SimpleJwtCredential,
  DjangoCredentials,
  DjangoAuthGuard,
  DjangoPermissionsGuard,
  DjangoCsrfGuard,
  DjangoSocketService,
  DjangoStartupChecks,
  DjangoPasswordResetService,
  DjangoSignedCookies,
];
const EXPORTS = [DJANGO_BRIDGE_OPTIONS, DjangoSessionStore, DjangoUserStore, DjangoCaches, SecretKeyMonitor, DjangoSessionService, DjangoCsrfService, DjangoAuthService, DjangoForwardAuthService, DjangoSessionGuard, DjangoCredentials, DjangoAuthGuard, DjangoPermissionsGuard, DjangoCsrfGuard, DjangoSocketService, DjangoPasswordResetService, DjangoSignedCookies, DrfTokenStore, DrfTokenCredential, DrfTokenService, TokenBlacklistStore, SimpleJwtService, SimpleJwtCredential];

/** The global enhancers that `registerGlobals` leaves on. */
function globalProviders(globals: DjangoBridgeGlobals): Provider[] {
  return [
    // Django's SessionMiddleware: load and save the session around every HTTP handler and resolver.
    ...(globals.interceptor ? [{ provide: APP_INTERCEPTOR, useClass: DjangoSessionInterceptor }] : []),
    // The bridge's errors (401/403/400/503) answered alike on HTTP and GraphQL.
    ...(globals.filter ? [{ provide: APP_FILTER, useClass: DjangoBridgeExceptionFilter }] : []),
  ];
}

/**
 * Nest's own builder makes the options provider (useValue, useFactory, useClass, useExisting) the
 * way every Nest module does; the extras shape the module and are never part of the options.
 */
const { ConfigurableModuleClass: OptionsModule } = new ConfigurableModuleBuilder<DjangoBridgeOptions>({ optionsInjectionToken: DJANGO_BRIDGE_RAW_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createDjangoBridgeOptions')
  .setExtras<DjangoBridgeModuleExtras>({ isGlobal: true, registerGlobals: true, extraProviders: [] }, (definition, extras) => {
    const globals = resolveGlobals(extras.registerGlobals);
    return {
      ...definition,
      module: DjangoBridgeModule,
      global: extras.isGlobal ?? true,
      providers: [...(definition.providers ?? []), ...(extras.extraProviders ?? []), { provide: DJANGO_BRIDGE_GLOBALS, useValue: globals }, ...SERVICES, ...globalProviders(globals)],
      exports: EXPORTS,
    };
  })
  .build();

/**
 * Shares Django's users, sessions and logins with a Nest application. `forRoot(options)` or
 * `forRootAsync({ useFactory | useClass | useExisting, imports, inject, extraProviders })`, both
 * with `isGlobal` (default true) and `registerGlobals` (default true).
 */
@Module({})
export class DjangoBridgeModule implements NestModule {
  constructor(@Inject(DJANGO_BRIDGE_GLOBALS) private readonly globals: DjangoBridgeGlobals) {}

  /** Every route gets its request-scoped database hints before guards run (unless `registerGlobals` leaves it off). */
  configure(consumer: MiddlewareConsumer): void {
    if (this.globals.middleware) consumer.apply(DatabaseHintsMiddleware).forRoutes({ path: '{*splat}', method: RequestMethod.ALL });
  }

  static forRoot(options: DjangoBridgeModuleOptions): DynamicModule {
    return OptionsModule.forRoot(options);
  }

  static forRootAsync(options: DjangoBridgeAsyncOptions): DynamicModule {
    checkAsyncOptions(options);
    return OptionsModule.forRootAsync(options);
  }
}
