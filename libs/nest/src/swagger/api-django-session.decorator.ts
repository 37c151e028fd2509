import { applyDecorators } from '@nestjs/common';
import { ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { DJANGO_CSRF_SCHEME, DJANGO_SESSION_SCHEME } from './django-session-auth.js';

export interface ApiDjangoSessionOptions {
  /** Also require the CSRF header (routes behind DjangoCsrfGuard that change state). Default false. */
  csrf?: boolean;
  /** Scheme names, when addDjangoSessionAuth was given other ones. */
  sessionSchemeName?: string;
  csrfSchemeName?: string;
}

/** The body DjangoBridgeExceptionFilter answers refusals with (Nest's default error body). */
const ERROR_BODY = {
  type: 'object',
  required: ['statusCode', 'message', 'error'],
  properties: { statusCode: { type: 'integer' }, message: { type: 'string' }, error: { type: 'string' } },
} as const;

function refusal(status: number, description: string, error: string) {
  return ApiResponse({ status, description, schema: { ...ERROR_BODY, properties: { ...ERROR_BODY.properties }, required: [...ERROR_BODY.required], example: { statusCode: status, message: description, error } } });
}

/**
 * Documents a route (or controller) behind DjangoSessionGuard: the session cookie scheme, and the
 * answers the bridge gives instead of the handler's: 401 without a valid session, 403 without the
 * permission (or on a CSRF failure), 503 when Django's database or cache does not answer.
 */
export function ApiDjangoSession(options: ApiDjangoSessionOptions = {}): ClassDecorator & MethodDecorator {
  const session = options.sessionSchemeName ?? DJANGO_SESSION_SCHEME;
  const csrf = options.csrfSchemeName ?? DJANGO_CSRF_SCHEME;
  // One requirement object holding both schemes means "cookie AND header" in OpenAPI; two would mean "either".
  const security = options.csrf ? ApiSecurity({ [session]: [], [csrf]: [] }) : ApiSecurity(session);
  return applyDecorators(
    security,
    refusal(401, 'Not logged in: no valid Django session', 'Unauthorized'),
    refusal(403, options.csrf ? 'Logged in without the permission, or the CSRF check failed' : 'Logged in without the permission', 'Forbidden'),
    refusal(503, "Django's session store (database or cache) is unavailable", 'Service Unavailable'),
  ) as ClassDecorator & MethodDecorator;
}
