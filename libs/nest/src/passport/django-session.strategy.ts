import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { DjangoAuthService } from '../auth/django-auth.service.js';
import type { DjangoUser } from '../users/django-user.js';

/** Passport strategy "django-session": the user of the Django session cookie (`AuthGuard('django-session')`). */
@Injectable()
export class DjangoSessionStrategy extends PassportStrategy(Strategy, 'django-session') {
  constructor(private readonly auth: DjangoAuthService) {
    super();
  }

  async validate(req: object): Promise<DjangoUser | false> {
    // A database failure propagates (503 through DjangoBridgeExceptionFilter); it is never a login decision.
    return (await this.auth.userFromRequest(req)) ?? false;
  }
}
