import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { transportRequest } from '../context/execution-transport.js';
import { IS_PUBLIC_KEY, OPTIONAL_AUTH_KEY } from '../django-bridge.constants.js';
import { DjangoNotAuthenticated } from '../errors/bridge-exceptions.js';
import { refusal } from '../errors/refusal.js';
import type { DjangoUser } from '../users/django-user.js';
import { DjangoSocketService } from '../websocket/django-socket.service.js';
import { DjangoAuthService } from './django-auth.service.js';
import { DjangoPermissionsGuard } from './django-permissions.guard.js';
import { routeFlag } from './route-metadata.js';

/**
 * Authenticates with the Django session cookie, then has DjangoPermissionsGuard authorize: 401
 * (GraphQL UNAUTHENTICATED) without a valid session, 403 (FORBIDDEN) when the user lacks what the
 * route requires, 503 when the database is down. HTTP requests and GraphQL operations are checked
 * once per request; each guarded WebSocket message re-checks the socket's session and user. Any
 * other context is refused: override getRequest to support it. Per route, per class or global,
 * with @Public() and @OptionalAuth() as opt-outs; every decision is a protected method.
 */
@Injectable()
export class DjangoSessionGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    protected readonly auth: DjangoAuthService,
    protected readonly permissions: DjangoPermissionsGuard,
    protected readonly sockets: DjangoSocketService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (routeFlag(this.reflector, context, IS_PUBLIC_KEY)) return true;
    try {
      const user = await this.authenticate(context, this.getRequest(context));
      if (!user) {
        if (routeFlag(this.reflector, context, OPTIONAL_AUTH_KEY)) return true;
        return this.onUnauthenticated(context);
      }
      await this.permissions.authorize(context, user);
      return true;
    } catch (err) {
      throw await refusal(context, err);
    }
  }

  /** The request carrying the session cookie: HTTP request, GraphQL context's `req`, WebSocket handshake. */
  protected getRequest(context: ExecutionContext): object {
    return transportRequest(context, this.constructor.name).request;
  }

  /** The session's user; on a WebSocket, the socket checked again now. Sets `request.user` for Passport-style code. */
  protected async authenticate(context: ExecutionContext, request: object): Promise<DjangoUser | null> {
    if (context.getType<string>() === 'ws') return this.sockets.revalidate(context.switchToWs().getClient<object>());
    const user = await this.auth.userFromRequest(request);
    (request as Express.Request).user = user ?? undefined;
    return user;
  }

  protected onUnauthenticated(_context: ExecutionContext): never {
    throw new DjangoNotAuthenticated();
  }
}
