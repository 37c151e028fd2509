import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { DjangoAuthService } from '../auth/django-auth.service.js';
import { toHttpError } from '../session/django-session.interceptor.js';
import type { DjangoUser } from '../users/django-user.js';

/** Passport strategy "django-session": the user of the Django session cookie (`AuthGuard('django-session')`). */
@Injectable()
export class DjangoSessionStrategy extends PassportStrategy(Strategy, 'django-session') {
  constructor(private readonly auth: DjangoAuthService) {
    super();
  }

  async validate(req: object): Promise<DjangoUser | false> {
    try {
      return (await this.auth.userFromRequest(req)) ?? false;
    } catch (err) {
      throw toHttpError(err);
    }
  }
}
