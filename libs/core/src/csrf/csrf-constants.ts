/** Constants of `django.middleware.csrf` and the defaults of the CSRF_* settings. */
export const CSRF_SECRET_LENGTH = 32;
export const CSRF_TOKEN_LENGTH = 2 * CSRF_SECRET_LENGTH;
/** Lower case first: not the order of the signing base62 alphabet, and the mask arithmetic depends on it. */
export const CSRF_ALLOWED_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Session key holding the secret when CSRF_USE_SESSIONS is on. */
export const CSRF_SESSION_KEY = '_csrftoken';
/** Name of the hidden form field rendered by `{% csrf_token %}`. */
export const CSRF_FORM_FIELD = 'csrfmiddlewaretoken';
/** RFC 7231 safe methods: never checked. */
export const CSRF_SAFE_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Django's default CSRF_* settings (global_settings.py, unchanged from 3.2 to 6.0). */
export const CSRF_DEFAULTS = Object.freeze({
  cookieName: 'csrftoken',
  /** 52 weeks, in seconds. */
  cookieAge: 60 * 60 * 24 * 7 * 52,
  cookiePath: '/',
  cookieDomain: null as string | null,
  cookieSecure: false,
  cookieHttpOnly: false,
  cookieSameSite: 'Lax' as const,
  /** CSRF_HEADER_NAME is 'HTTP_X_CSRFTOKEN' in WSGI terms: the request header X-CSRFToken (any case). */
  headerName: 'X-CSRFToken',
});
