import type { DjangoUser } from '../users/django-user.js';

// `request.user` is the Django user on Express (and for Passport, which types it as Express.User),
// so handlers read `req.user.username` without a cast.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends DjangoUser {}
    interface Request {
      user?: User;
    }
  }
}

export {};
