import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule, type InjectionToken, type ModuleMetadata, type OptionalFactoryDependency, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { DjangoAuthService } from './auth/django-auth.service.js';
import { DjangoPermissionsGuard } from './auth/django-permissions.guard.js';
import { DjangoSessionGuard } from './auth/django-session.guard.js';
import { DjangoForwardAuthService } from './auth/django-forward-auth.service.js';
import { DjangoCsrfGuard } from './csrf/django-csrf.guard.js';
import { DjangoCsrfService } from './csrf/django-csrf.service.js';
import { DJANGO_BRIDGE_OPTIONS, DJANGO_BRIDGE_RAW_OPTIONS } from './django-bridge.constants.js';
import { resolveBridgeOptions, type DjangoBridgeOptions } from './django-bridge.options.js';
import { DjangoSessionInterceptor } from './session/django-session.interceptor.js';
import { DjangoSessionService } from './session/django-session.service.js';
import { DjangoBasicStrategy } from './passport/django-basic.strategy.js';
import { DjangoPasswordStrategy } from './passport/django-password.strategy.js';
import { DjangoSessionStrategy } from './passport/django-session.strategy.js';
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
import type { ResolvedBridgeOptions } from './django-bridge.options.js';

export interface DjangoBridgeAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: any[]) => DjangoBridgeOptions | Promise<DjangoBridgeOptions>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Register the module globally (default true), like ConfigModule's isGlobal. */
  isGlobal?: boolean;
}

const SERVICES: Provider[] = [
  { provide: DJANGO_BRIDGE_OPTIONS, useFactory: (raw: DjangoBridgeOptions) => resolveBridgeOptions(raw), inject: [DJANGO_BRIDGE_RAW_OPTIONS] },
  DjangoCaches,
  // The stores behind their tokens: the engine `sessionEngine` names, the users of `userStore` or the database.
  { provide: DjangoSessionStore, useFactory: (o: ResolvedBridgeOptions, caches: DjangoCaches) => new GuardedSessionStore(createSessionStore(o, caches)), inject: [DJANGO_BRIDGE_OPTIONS, DjangoCaches] },
  { provide: DjangoUserStore, useFactory: (o: ResolvedBridgeOptions) => (o.userStore ? new GuardedUserStore(o.userStore) : new TypeOrmUserStore(o.databases!, { userModel: o.userModel, useTz: o.useTz, timeZone: o.timeZone })), inject: [DJANGO_BRIDGE_OPTIONS] },
  DjangoSessionService,
  DjangoCsrfService,
  DjangoAuthService,
  DjangoForwardAuthService,
  DjangoSessionGuard,
  DjangoPermissionsGuard,
  DjangoCsrfGuard,
  DjangoSessionStrategy,
  DjangoPasswordStrategy,
  DjangoBasicStrategy,
  DjangoSocketService,
  // Django's SessionMiddleware: load and save the session around every HTTP handler and resolver.
  { provide: APP_INTERCEPTOR, useClass: DjangoSessionInterceptor },
  // The bridge's errors (401/403/400/503) answered alike on HTTP and GraphQL.
  { provide: APP_FILTER, useClass: DjangoBridgeExceptionFilter },
];
const EXPORTS = [DJANGO_BRIDGE_OPTIONS, DjangoSessionStore, DjangoUserStore, DjangoCaches, DjangoSessionService, DjangoCsrfService, DjangoAuthService, DjangoForwardAuthService, DjangoSessionGuard, DjangoPermissionsGuard, DjangoCsrfGuard, DjangoSocketService];

/** Shares Django's users, sessions and logins with a Nest application. */
@Module({})
export class DjangoBridgeModule implements NestModule {
  /** Every route gets its request-scoped database hints before guards run. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DatabaseHintsMiddleware).forRoutes({ path: '{*splat}', method: RequestMethod.ALL });
  }

  static forRoot(options: DjangoBridgeOptions & { isGlobal?: boolean }): DynamicModule {
    return {
      module: DjangoBridgeModule,
      global: options.isGlobal ?? true,
      providers: [{ provide: DJANGO_BRIDGE_RAW_OPTIONS, useValue: options }, ...SERVICES],
      exports: EXPORTS,
    };
  }

  static forRootAsync(options: DjangoBridgeAsyncOptions): DynamicModule {
    return {
      module: DjangoBridgeModule,
      global: options.isGlobal ?? true,
      imports: options.imports ?? [],
      providers: [{ provide: DJANGO_BRIDGE_RAW_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, ...SERVICES],
      exports: EXPORTS,
    };
  }
}
