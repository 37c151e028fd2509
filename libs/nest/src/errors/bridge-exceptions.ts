import { ForbiddenException, UnauthorizedException } from '@nestjs/common';

/** No valid Django session (or credentials) on a route that needs a user: 401 / UNAUTHENTICATED. */
export class DjangoNotAuthenticated extends UnauthorizedException {
  constructor(
    message = 'Authentication credentials were not provided or are invalid',
    /** The WWW-Authenticate value (DRF's authenticate_header: "Token", 'Bearer realm="api"'). */
    readonly challenge?: string,
    /** DRF's own error body (`detail`, SimpleJWT's `code` and `messages`), added to the bridge's answer. */
    readonly drfBody?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** An authenticated user who lacks what the route requires: 403 / FORBIDDEN. */
export class DjangoPermissionDenied extends ForbiddenException {
  constructor(message = 'You do not have permission to perform this action') {
    super(message);
  }
}

/** Django's CSRF (or WebSocket Origin) check refused the request, with Django's reason: 403 / FORBIDDEN. */
export class DjangoCsrfFailure extends ForbiddenException {
  constructor(readonly reason: string) {
    super(`CSRF verification failed. ${reason}`);
  }
}

/**
 * A guard or decorator met an execution context it cannot authenticate (a microservice, a custom
 * transport). Refused, never allowed: the message names the type and the way to support it.
 */
export class DjangoUnsupportedContext extends ForbiddenException {
  constructor(
    readonly contextType: string,
    component: string,
  ) {
    super(
      `${component} cannot authenticate a "${contextType}" context (supported: http, graphql, ws). ` +
        `Extend ${component} and override getRequest(context) to return the request carrying the Django session cookie, or mark the handler @Public().`,
    );
  }
}
