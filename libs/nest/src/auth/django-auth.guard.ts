import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { transportRequest } from '../context/execution-transport.js';
import { AUTHENTICATE_WITH_KEY, IS_PUBLIC_KEY, OPTIONAL_AUTH_KEY } from '../django-bridge.constants.js';
import { DjangoNotAuthenticated, DjangoUnsupportedContext } from '../errors/bridge-exceptions.js';
import { refusal } from '../errors/refusal.js';
import type { DjangoUser } from '../users/django-user.js';
import { DjangoSocketService } from '../websocket/django-socket.service.js';
import { DjangoCredentials } from './credentials/django-credentials.js';
import { DjangoPermissionsGuard } from './django-permissions.guard.js';
import { routeFlag } from './route-metadata.js';

/**
 * DjangoSessionGuard for every credential: authenticates with the first credential the request
 * carries of those the route accepts (@AuthenticateWith, else the `authentication` option: session
 * cookie, DRF token, SimpleJWT bearer), then has DjangoPermissionsGuard authorize, so
 * @RequirePermissions and friends hold whatever proved the user. 401 with the credential's
 * WWW-Authenticate challenge when none does, 403 when the user lacks what the route requires.
 * A WebSocket message is checked against its socket's session (when the route accepts sessions);
 * every decision is a protected method.
 */
@Injectable()
export class DjangoAuthGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    protected readonly credentials: DjangoCredentials,
    protected readonly permissions: DjangoPermissionsGuard,
    protected readonly sockets: DjangoSocketService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (routeFlag(this.reflector, context, IS_PUBLIC_KEY)) return true;
    try {
      const names = this.acceptedCredentials(context);
      const user = await this.authenticate(context, this.getRequest(context), names);
      if (!user) {
        if (routeFlag(this.reflector, context, OPTIONAL_AUTH_KEY)) return true;
        return this.onUnauthenticated(context, names);
      }
      await this.permissions.authorize(context, user);
      return true;
    } catch (err) {
      throw await refusal(context, err);
    }
  }

  /** The credential names this route accepts, in order. */
  protected acceptedCredentials(context: ExecutionContext): readonly string[] | undefined {
    return this.reflector.getAllAndOverride<string[] | undefined>(AUTHENTICATE_WITH_KEY, [context.getHandler(), context.getClass()]);
  }

  /** The request carrying the credentials: HTTP request, GraphQL context's `req`, WebSocket handshake. */
  protected getRequest(context: ExecutionContext): object {
    return transportRequest(context, this.constructor.name).request;
  }

  /** The proven user, set as `request.user` for Passport-style code; on a WebSocket, the socket's session checked again. */
  protected async authenticate(context: ExecutionContext, request: object, names: readonly string[] | undefined): Promise<DjangoUser | null> {
    if (context.getType<string>() === 'ws') {
      // A socket is authenticated by its handshake's session; other credentials are not re-checked per message.
      if (!(names ?? this.credentials.list().map((c) => c.name)).includes('session')) throw new DjangoUnsupportedContext('ws (without the session credential)', this.constructor.name);
      return this.sockets.revalidate(context.switchToWs().getClient<object>());
    }
    const match = await this.credentials.authenticate(request, names);
    (request as Express.Request).user = match?.user ?? undefined;
    return match?.user ?? null;
  }

  protected onUnauthenticated(_context: ExecutionContext, names: readonly string[] | undefined): never {
    const challenge = this.credentials.challenge(names);
    // With a header credential accepted, DRF clients also get DRF's own {"detail"}.
    throw new DjangoNotAuthenticated(undefined, challenge, challenge ? { detail: 'Authentication credentials were not provided.' } : undefined);
  }
}
