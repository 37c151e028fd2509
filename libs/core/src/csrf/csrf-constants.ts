/** Constants of `django.middleware.csrf` and the CSRF_* settings' defaults. */
export const CSRF_SECRET_LENGTH = 32;
export const CSRF_TOKEN_LENGTH = 2 * CSRF_SECRET_LENGTH;
/** Lower case first: a different order from the signing base62 alphabet. */
export const CSRF_ALLOWED_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Session key holding the secret when CSRF_USE_SESSIONS is on. */
export const CSRF_SESSION_KEY = '_csrftoken';
export const CSRF_FORM_FIELD = 'csrfmiddlewaretoken';
export const CSRF_SAFE_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS', 'TRACE'];

/** Django's default CSRF_* settings. */
export const CSRF_DEFAULTS = Object.freeze({
  cookieName: 'csrftoken',
  cookieAge: 31_449_600,
  cookiePath: '/',
  cookieDomain: null as string | null,
  cookieSecure: false,
  cookieHttpOnly: false,
  cookieSameSite: 'Lax' as const,
  /** CSRF_HEADER_NAME 'HTTP_X_CSRFTOKEN', i.e. the request header X-CSRFToken. */
  headerName: 'X-CSRFToken',
});

// Reason strings, as Django 4.0+ words them (403 bodies and logs).
export const REASON_BAD_ORIGIN = (origin: string) => `Origin checking failed - ${origin} does not match any trusted origins.`;
export const REASON_NO_REFERER = 'Referer checking failed - no Referer.';
export const REASON_BAD_REFERER = (referer: string) => `Referer checking failed - ${referer} does not match any trusted origins.`;
export const REASON_NO_CSRF_COOKIE = 'CSRF cookie not set.';
export const REASON_CSRF_TOKEN_MISSING = 'CSRF token missing.';
export const REASON_MALFORMED_REFERER = 'Referer checking failed - Referer is malformed.';
export const REASON_INSECURE_REFERER = 'Referer checking failed - Referer is insecure while host is secure.';
export const REASON_INCORRECT_LENGTH = 'has incorrect length';
export const REASON_INVALID_CHARACTERS = 'has invalid characters';
