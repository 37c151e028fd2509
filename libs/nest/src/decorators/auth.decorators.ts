import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { IS_PUBLIC_KEY, OPTIONAL_AUTH_KEY, REQUIRED_GROUPS_KEY, REQUIRED_PERMISSIONS_KEY, STAFF_ONLY_KEY, SUPERUSER_ONLY_KEY } from '../django-bridge.constants.js';
import type { DjangoUser } from '../users/django-user.js';

/** Skips DjangoSessionGuard (when it is installed globally). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
/** Resolves the user when there is one, but lets anonymous requests through (`request.user` is null). */
export const OptionalAuth = () => SetMetadata(OPTIONAL_AUTH_KEY, true);
/** ModelBackend permissions ("app_label.codename"), all required; 403 otherwise. */
export const RequirePermissions = (...permissions: string[]) => SetMetadata(REQUIRED_PERMISSIONS_KEY, permissions);
/** Membership of every listed group (by name); 403 otherwise. */
export const RequireGroups = (...groups: string[]) => SetMetadata(REQUIRED_GROUPS_KEY, groups);
/** `is_staff` users only. */
export const StaffOnly = () => SetMetadata(STAFF_ONLY_KEY, true);
/** `is_superuser` users only. */
export const SuperuserOnly = () => SetMetadata(SUPERUSER_ONLY_KEY, true);

/** The authenticated Django user (`request.user`), or null; `@CurrentUser('username')` picks a field. */
export const CurrentUser = createParamDecorator((field: keyof DjangoUser | undefined, ctx: ExecutionContext) => {
  const user = ctx.switchToHttp().getRequest<{ user?: DjangoUser | null }>().user ?? null;
  return field && user ? user[field] : user;
});

/** The request's Django session (load it first: the session interceptor does when a cookie is present). */
export const CurrentSession = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<{ djangoSession?: unknown }>().djangoSession);
