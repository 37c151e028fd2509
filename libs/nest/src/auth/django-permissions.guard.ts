import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DjangoRequestContext } from '../context/django-request-context.js';
import { transportRequest } from '../context/execution-transport.js';
import { IS_PUBLIC_KEY, REQUIRED_GROUPS_KEY, REQUIRED_PERMISSIONS_KEY, STAFF_ONLY_KEY, SUPERUSER_ONLY_KEY } from '../django-bridge.constants.js';
import { DjangoNotAuthenticated, DjangoPermissionDenied } from '../errors/bridge-exceptions.js';
import { refusal } from '../errors/refusal.js';
import type { DjangoUser } from '../users/django-user.js';
import { DjangoSocketService } from '../websocket/django-socket.service.js';
import { SocketStates } from '../websocket/socket-state.js';
import { DjangoAuthService } from './django-auth.service.js';
import { routeFlag, routeList } from './route-metadata.js';

/**
 * Authorizes the user an earlier guard found (DjangoSessionGuard, or a Passport guard such as
 * `AuthGuard('django-basic')` that set `request.user`): 401 without a user, 403 when it lacks what
 * the route requires (@RequirePermissions, @RequireGroups, @StaffOnly, @SuperuserOnly), with
 * ModelBackend's rules. Works on HTTP, GraphQL and WebSocket handlers; any other context is
 * refused (override getRequest to add one). Every decision is a protected method.
 */
@Injectable()
export class DjangoPermissionsGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    protected readonly auth: DjangoAuthService,
    protected readonly sockets: DjangoSocketService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (routeFlag(this.reflector, context, IS_PUBLIC_KEY)) return true;
    try {
      const request = this.getRequest(context);
      // On a WebSocket the last check may be the handshake, long ago: without this, a socket whose
      // session was logged out, re-passworded or deactivated in Django would still be authorized here
      // until the next revalidation (forever with revalidateSeconds: 0). Check the socket again, as
      // DjangoSessionGuard does for every message.
      if (context.getType<string>() === 'ws') await this.sockets.revalidate(context.switchToWs().getClient<object>());
      const user = this.currentUser(context, request);
      if (!user) return this.onUnauthenticated(context);
      await this.authorize(context, user);
      return true;
    } catch (err) {
      throw await refusal(context, err);
    }
  }

  /** The request whose user is checked: HTTP request, GraphQL context's `req`, WebSocket handshake. */
  protected getRequest(context: ExecutionContext): object {
    return transportRequest(context, this.constructor.name).request;
  }

  /** The user found before this guard: the socket's last check on a WebSocket, else `request.user`. */
  protected currentUser(context: ExecutionContext, request: object): DjangoUser | null {
    if (context.getType<string>() === 'ws') return SocketStates.get(context.switchToWs().getClient<object>())?.user ?? null;
    return (request as { user?: DjangoUser | null }).user ?? DjangoRequestContext.peek(request)?.user ?? null;
  }

  /** Throws DjangoPermissionDenied unless the user may use the route. */
  async authorize(context: ExecutionContext, user: DjangoUser): Promise<void> {
    if (!(await this.isAllowed(user, context))) this.onForbidden(context, user);
  }

  /** Whether an authenticated user may use the route. */
  protected async isAllowed(user: DjangoUser, context: ExecutionContext): Promise<boolean> {
    if (routeFlag(this.reflector, context, STAFF_ONLY_KEY) && !user.isStaff) return false;
    if (routeFlag(this.reflector, context, SUPERUSER_ONLY_KEY) && !user.isSuperuser) return false;
    const perms = routeList(this.reflector, context, REQUIRED_PERMISSIONS_KEY);
    if (perms.length && !(await this.auth.hasPerms(user, perms))) return false;
    const groups = routeList(this.reflector, context, REQUIRED_GROUPS_KEY);
    if (groups.length) {
      const mine = new Set(await this.auth.groupNames(user));
      if (!groups.every((g) => mine.has(g))) return false;
    }
    return true;
  }

  protected onUnauthenticated(_context: ExecutionContext): never {
    throw new DjangoNotAuthenticated();
  }

  protected onForbidden(_context: ExecutionContext, _user: DjangoUser): never {
    throw new DjangoPermissionDenied();
  }
}
