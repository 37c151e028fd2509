import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { DjangoRequestContext } from '../context/django-request-context.js';
import { DrfTokenCredential } from '../drf-token/drf-token.credential.js';
import type { DjangoUser } from '../users/django-user.js';

/**
 * Passport strategy "django-token": DRF's TokenAuthentication (`Authorization: Token <key>`, the
 * keyword of `drfToken.keyword`). No such header fails the strategy, so the next one of
 * `AuthGuard([...])` is tried; a malformed header, unknown key or inactive user is DRF's 401 (with
 * `WWW-Authenticate`), never passed over. The token row is @CurrentCredential()'s `auth`.
 */
@Injectable()
export class DjangoTokenStrategy extends PassportStrategy(Strategy, 'django-token') {
  constructor(private readonly credential: DrfTokenCredential) {
    super();
  }

  async validate(req: object): Promise<DjangoUser | false> {
    // A database failure propagates (503 through DjangoBridgeExceptionFilter); it is never a login decision.
    const match = await this.credential.authenticate(req);
    if (!match) return false;
    DjangoRequestContext.of(req).credential = match;
    return match.user;
  }
}
