import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { SimpleJwtCredential } from '../simple-jwt/simple-jwt-credential.js';
import type { DjangoUser } from '../users/django-user.js';

/**
 * Passport strategy "django-jwt": SimpleJWT's `Authorization: Bearer <access token>`. No header
 * (or another scheme) fails quietly so another strategy may run; a bad token throws SimpleJWT's
 * 401 (with its WWW-Authenticate), a database failure its 503.
 */
@Injectable()
export class DjangoJwtStrategy extends PassportStrategy(Strategy, 'django-jwt') {
  constructor(private readonly credential: SimpleJwtCredential) {
    super();
  }

  async validate(req: object): Promise<DjangoUser | false> {
    const match = await this.credential.authenticate(req);
    return match ? match.user : false;
  }
}
