import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { DjangoAuthService } from '../auth/django-auth.service.js';
import { parseBasicAuthorization } from '../auth/basic-authorization.js';
import { requestHeader } from '../http/http-adapter.js';
import type { DjangoUser } from '../users/django-user.js';

/**
 * Passport strategy "django-basic": HTTP Basic against Django users, like Django's mod_wsgi
 * `check_password` (unknown and inactive users fail, the hash may be upgraded). Combine with
 * @RequireGroups for `groups_for_user`-style checks.
 */
@Injectable()
export class DjangoBasicStrategy extends PassportStrategy(Strategy, 'django-basic') {
  constructor(private readonly auth: DjangoAuthService) {
    super();
  }

  async validate(req: object): Promise<DjangoUser | false> {
    const credentials = parseBasicAuthorization(requestHeader(req, 'authorization'));
    if (!credentials) return false;
    // A database failure propagates (503 through DjangoBridgeExceptionFilter); it is never a login decision.
    return (await this.auth.authenticate(credentials.username, credentials.password)) ?? false;
  }
}
