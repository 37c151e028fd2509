import type { DjangoUser } from '../users/django-user.js';

/** What the bridge adds to a request: `user`, after DjangoSessionGuard or a Passport guard (absent for anonymous requests). */
export interface DjangoRequest {
  user?: DjangoUser;
}
