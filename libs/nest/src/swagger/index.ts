/**
 * @django-bridge/nest/swagger: OpenAPI for routes behind the bridge, with @nestjs/swagger (an
 * optional peer; only this entry point imports it).
 */
export { addDjangoSessionAuth, djangoSessionAuthNames, DJANGO_SESSION_SCHEME, DJANGO_CSRF_SCHEME, type DjangoSessionAuthOptions } from './django-session-auth.js';
export { ApiDjangoSession, type ApiDjangoSessionOptions } from './api-django-session.decorator.js';
