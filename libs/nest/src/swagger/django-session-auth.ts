import type { DocumentBuilder } from '@nestjs/swagger';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';

/** Security scheme names the builder helper and the decorator agree on by default. */
export const DJANGO_SESSION_SCHEME = 'django-session';
export const DJANGO_CSRF_SCHEME = 'django-csrf';

export interface DjangoSessionAuthOptions {
  /** SESSION_COOKIE_NAME; default "sessionid". */
  sessionCookieName?: string;
  /** CSRF_HEADER_NAME as a header; default "X-CSRFToken". */
  csrfHeaderName?: string;
  /** Name of the cookie scheme in components.securitySchemes; default "django-session". */
  sessionSchemeName?: string;
  /** Name of the CSRF header scheme; default "django-csrf". */
  csrfSchemeName?: string;
}

/** Anything Nest can resolve the bridge's options from: the application or a TestingModule. */
interface OptionsHost {
  get(token: symbol, options?: { strict?: boolean }): unknown;
}

function isOptionsHost(value: unknown): value is OptionsHost {
  return typeof (value as OptionsHost | undefined)?.get === 'function';
}

/**
 * The names to document. Given the application, they are read from its DjangoBridgeModule, so the
 * document always names the cookie the bridge really reads; plain options (the bridge's own
 * options object fits) are taken as they are.
 */
export function djangoSessionAuthNames(source: DjangoSessionAuthOptions | OptionsHost = {}): Required<DjangoSessionAuthOptions> {
  const given: DjangoSessionAuthOptions = isOptionsHost(source) ? (source.get(DJANGO_BRIDGE_OPTIONS, { strict: false }) as DjangoSessionAuthOptions) : source;
  const names = {
    sessionCookieName: given.sessionCookieName ?? 'sessionid',
    csrfHeaderName: given.csrfHeaderName ?? 'X-CSRFToken',
    sessionSchemeName: given.sessionSchemeName ?? DJANGO_SESSION_SCHEME,
    csrfSchemeName: given.csrfSchemeName ?? DJANGO_CSRF_SCHEME,
  };
  for (const [field, value] of Object.entries(names)) {
    if (typeof value !== 'string' || value === '') throw new TypeError(`addDjangoSessionAuth: ${field} must be a non-empty string`);
  }
  return names;
}

/**
 * Adds Django's session cookie (an `apiKey` in `cookie`) and the CSRF header (an `apiKey` in
 * `header`) to a DocumentBuilder. Pass the application to document the configured names:
 * `addDjangoSessionAuth(new DocumentBuilder(), app)`.
 */
export function addDjangoSessionAuth(builder: DocumentBuilder, source: DjangoSessionAuthOptions | OptionsHost = {}): DocumentBuilder {
  const names = djangoSessionAuthNames(source);
  builder.addApiKey({ type: 'apiKey', in: 'cookie', name: names.sessionCookieName, description: "Django's session cookie (SESSION_COOKIE_NAME), set by a login on the Django site or through the bridge" }, names.sessionSchemeName);
  builder.addApiKey({ type: 'apiKey', in: 'header', name: names.csrfHeaderName, description: "Django's CSRF token (the csrftoken cookie or get_token()), needed by unsafe methods behind DjangoCsrfGuard" }, names.csrfSchemeName);
  return builder;
}
