import { Injectable, type ExecutionContext } from '@nestjs/common';
import { IS_PUBLIC_KEY, OPTIONAL_AUTH_KEY } from '../django-bridge.constants.js';
import { toHttpError } from '../session/django-session.interceptor.js';
import type { DjangoUser } from '../users/django-user.js';
import { DjangoPermissionsGuard } from './django-permissions.guard.js';

/**
 * Authenticates requests with the Django session cookie, then authorizes like
 * DjangoPermissionsGuard: 401 without a valid session, 403 when the user lacks what the route
 * requires, 503 when the database is down. Use per route or as a global guard, with @Public() and
 * @OptionalAuth() as opt-outs. Every decision is a protected method to override.
 */
@Injectable()
export class DjangoSessionGuard extends DjangoPermissionsGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || this.flag(context, IS_PUBLIC_KEY)) return true;
    const req = context.switchToHttp().getRequest<{ user?: DjangoUser | null }>();
    let user: DjangoUser | null;
    try {
      user = await this.resolveUser(req);
    } catch (err) {
      throw toHttpError(err);
    }
    req.user = user;
    if (!user) {
      if (this.flag(context, OPTIONAL_AUTH_KEY)) return true;
      return this.onUnauthenticated(context);
    }
    return super.canActivate(context);
  }

  protected resolveUser(req: object): Promise<DjangoUser | null> {
    return this.auth.userFromRequest(req);
  }
}
