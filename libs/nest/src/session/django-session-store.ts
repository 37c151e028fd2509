import type { SessionBackend } from '@django-bridge/core';

/**
 * Injection token and interface of the session store: the engine chosen by `sessionEngine`
 * (Django's SESSION_ENGINE), a core SessionBackend. Inject it to read or write sessions outside a
 * request (an admin tool, a test); DjangoSessionService uses it for every request.
 */
export const DjangoSessionStore = Symbol.for('@django-bridge/nest:DjangoSessionStore');

export interface DjangoSessionStore extends SessionBackend {}
