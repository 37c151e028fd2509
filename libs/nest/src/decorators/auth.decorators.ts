import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { DjangoSession } from '@django-bridge/core';
import { DjangoRequestContext } from '../context/django-request-context.js';
import { transportRequest } from '../context/execution-transport.js';
import { AUTHENTICATE_WITH_KEY, IS_PUBLIC_KEY, LOADS_SESSION_KEY, OPTIONAL_AUTH_KEY, REQUIRED_GROUPS_KEY, REQUIRED_PERMISSIONS_KEY, STAFF_ONLY_KEY, SUPERUSER_ONLY_KEY } from '../django-bridge.constants.js';
import type { CredentialMatch } from '../auth/credentials/django-credential.js';
import type { DjangoUser } from '../users/django-user.js';
import { SocketStates } from '../websocket/socket-state.js';

/** Skips DjangoSessionGuard (when it is installed globally). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
/** Resolves the user when there is one, but lets anonymous requests through (the user is then null). */
export const OptionalAuth = () => SetMetadata(OPTIONAL_AUTH_KEY, true);
/** ModelBackend permissions ("app_label.codename"), all required; 403 otherwise. */
export const RequirePermissions = (...permissions: string[]) => SetMetadata(REQUIRED_PERMISSIONS_KEY, permissions);
/** Membership of every listed group (by name); 403 otherwise. */
export const RequireGroups = (...groups: string[]) => SetMetadata(REQUIRED_GROUPS_KEY, groups);
/** `is_staff` users only. */
export const StaffOnly = () => SetMetadata(STAFF_ONLY_KEY, true);
/** `is_superuser` users only. */
export const SuperuserOnly = () => SetMetadata(SUPERUSER_ONLY_KEY, true);

/**
 * The credentials DjangoAuthGuard accepts on this route or class, in order (DRF's
 * `authentication_classes`), instead of the module's `authentication` option.
 */
export const AuthenticateWith = (...credentials: string[]) => SetMetadata(AUTHENTICATE_WITH_KEY, credentials);

/** DRF's `request.auth`: which credential proved the user and what it carried (token row, JWT claims), or null. */
export const CurrentCredential = createParamDecorator((_: unknown, ctx: ExecutionContext): CredentialMatch | null => {
  const target = transportRequest(ctx, 'CurrentCredential');
  return DjangoRequestContext.peek(target.request)?.credential ?? null;
});

/** The user a guard found for this HTTP request, GraphQL operation or WebSocket message, or null. */
export function currentUser(context: ExecutionContext): DjangoUser | null {
  const target = transportRequest(context, 'CurrentUser');
  if (target.transport === 'ws') return SocketStates.get(target.client!)?.user ?? null;
  return (target.request as { user?: DjangoUser | null }).user ?? DjangoRequestContext.peek(target.request)?.user ?? null;
}

/**
 * The authenticated Django user, or null; `@CurrentUser('username')` picks a field. Works in
 * controllers, resolvers and gateways; refuses any other context.
 */
export const CurrentUser = createParamDecorator((field: keyof DjangoUser | undefined, ctx: ExecutionContext) => {
  const user = currentUser(ctx);
  return field && user ? user[field] : user;
});

/**
 * Marks a handler (or every handler of a controller or resolver class) as one that reads the
 * session, so the session interceptor loads it before the handler runs. `@CurrentSession()`
 * marks its handler itself; use this where the handler reaches the session another way
 * (`DjangoSessionService.forRequest(req)`).
 */
export const LoadSession = () => SetMetadata(LOADS_SESSION_KEY, true);

const currentSessionParam = createParamDecorator((_: unknown, ctx: ExecutionContext): DjangoSession | undefined => {
  const target = transportRequest(ctx, 'CurrentSession');
  if (target.transport === 'ws') return SocketStates.get(target.client!)?.session;
  return DjangoRequestContext.peek(target.request)?.session;
});

/**
 * The request's Django session, loaded before the handler runs (the decorator marks its handler
 * with LoadSession: sessions otherwise load lazily); on a WebSocket, the session of the socket's
 * last check.
 */
export function CurrentSession(): ParameterDecorator {
  const param = currentSessionParam();
  return (target, key, index) => {
    param(target, key, index);
    const handler = key === undefined ? undefined : (target as Record<string | symbol, unknown>)[key];
    if (typeof handler === 'function') Reflect.defineMetadata(LOADS_SESSION_KEY, true, handler);
  };
}
