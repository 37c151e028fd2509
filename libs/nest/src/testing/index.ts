/**
 * @django-bridge/nest/testing: helpers for an application's own end-to-end tests (log a user in,
 * get a cookie both the application and Django accept).
 */
export { createDjangoCsrfToken, type DjangoCsrfToken, type DjangoCsrfTokenOptions } from './django-csrf-token.js';
export { createDjangoSessionCookie, loginAs, type DjangoBridgeHost, type DjangoLoginTarget, type DjangoSessionCookie, type DjangoSessionCookieOptions } from './django-session-cookie.js';
