import type { DjangoSession } from '@django-bridge/core';
import type { DjangoUser } from '../users/django-user.js';

/** What the bridge adds to a request: `user` (after DjangoSessionGuard or a Passport guard) and the session. */
export interface DjangoRequest {
  user?: DjangoUser | null;
  djangoSession?: DjangoSession;
}
