import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, REQUIRED_GROUPS_KEY, REQUIRED_PERMISSIONS_KEY, STAFF_ONLY_KEY, SUPERUSER_ONLY_KEY } from '../django-bridge.constants.js';
import { toHttpError } from '../session/django-session.interceptor.js';
import type { DjangoUser } from '../users/django-user.js';
import { DjangoAuthService } from './django-auth.service.js';

/**
 * Authorizes `request.user` set by an earlier guard (e.g. `AuthGuard('django-basic')`): 401 without
 * a user, 403 when it lacks what the route requires (@RequirePermissions, @RequireGroups,
 * @StaffOnly, @SuperuserOnly), with ModelBackend's rules.
 */
@Injectable()
export class DjangoPermissionsGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    protected readonly auth: DjangoAuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || this.flag(context, IS_PUBLIC_KEY)) return true;
    const user = context.switchToHttp().getRequest<{ user?: DjangoUser | null }>().user;
    if (!user) return this.onUnauthenticated(context);
    try {
      if (!(await this.isAllowed(user, context))) return this.onForbidden(context, user);
    } catch (err) {
      throw toHttpError(err);
    }
    return true;
  }

  /** Whether an authenticated user may use the route. */
  protected async isAllowed(user: DjangoUser, context: ExecutionContext): Promise<boolean> {
    if (this.flag(context, STAFF_ONLY_KEY) && !user.isStaff) return false;
    if (this.flag(context, SUPERUSER_ONLY_KEY) && !user.isSuperuser) return false;
    const perms = this.list(context, REQUIRED_PERMISSIONS_KEY);
    if (perms.length && !(await this.auth.hasPerms(user, perms))) return false;
    const groups = this.list(context, REQUIRED_GROUPS_KEY);
    if (groups.length) {
      const mine = new Set(await this.auth.groupNames(user));
      if (!groups.every((g) => mine.has(g))) return false;
    }
    return true;
  }

  protected onUnauthenticated(_context: ExecutionContext): never {
    throw new UnauthorizedException('Authentication credentials were not provided or are invalid');
  }

  protected onForbidden(_context: ExecutionContext, _user: DjangoUser): never {
    throw new ForbiddenException('You do not have permission to perform this action');
  }

  protected flag(context: ExecutionContext, key: string): boolean {
    return this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]) === true;
  }

  protected list(context: ExecutionContext, key: string): string[] {
    return [...(this.reflector.get<string[]>(key, context.getClass()) ?? []), ...(this.reflector.get<string[]>(key, context.getHandler()) ?? [])];
  }
}
