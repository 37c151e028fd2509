/** @django-bridge/nest: Django's users, sessions and logins in a NestJS application. */
export * from '@django-bridge/core';
export { DjangoBridgeModule, type DjangoBridgeAsyncOptions } from './django-bridge.module.js';
export { resolveBridgeOptions, type DjangoBridgeOptions, type ResolvedBridgeOptions } from './django-bridge.options.js';
export * from './django-bridge.constants.js';
export { DjangoSessionService, SessionStoreUnavailable } from './session/django-session.service.js';
export { DjangoSessionInterceptor } from './session/django-session.interceptor.js';
export { TypeOrmSessionStore, type TypeOrmSessionStoreOptions } from './session/typeorm-session.store.js';
export { DjangoAuthService } from './auth/django-auth.service.js';
export { DjangoSessionGuard } from './auth/django-session.guard.js';
export { Public, OptionalAuth, RequirePermissions, RequireGroups, StaffOnly, SuperuserOnly, CurrentUser } from './decorators/auth.decorators.js';
export { TypeOrmUserStore, type TypeOrmUserStoreOptions } from './users/typeorm-user.store.js';
export { resolveUserModel, type UserModelOptions, type ResolvedUserModel } from './users/user-model.js';
export type { DjangoUser } from './users/django-user.js';
export * from './entities/django-entities.js';
export { toDatabaseDateTime, fromDatabaseDateTime, dialectOf, type DialectName, type DateTimeConvention } from './database/database-dialect.js';
export { DjangoSessionStrategy } from './passport/django-session.strategy.js';
export { DjangoPasswordStrategy } from './passport/django-password.strategy.js';
export { DjangoBasicStrategy, parseBasicAuthorization } from './passport/django-basic.strategy.js';
