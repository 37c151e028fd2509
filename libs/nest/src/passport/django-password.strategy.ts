import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { DjangoAuthService } from '../auth/django-auth.service.js';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import type { DjangoUser } from '../users/django-user.js';

/**
 * Passport strategy "django-password": `username` (or the USERNAME_FIELD) and `password` from the
 * body, checked with ModelBackend's rules. Inactive, unknown and wrong-password all fail alike.
 */
@Injectable()
export class DjangoPasswordStrategy extends PassportStrategy(Strategy, 'django-password') {
  constructor(
    private readonly auth: DjangoAuthService,
    @Inject(DJANGO_BRIDGE_OPTIONS) private readonly options: ResolvedBridgeOptions,
  ) {
    super();
  }

  async validate(req: { body?: Record<string, unknown> }): Promise<DjangoUser | false> {
    const body = req.body ?? {};
    const username = body.username ?? body[this.options.userModel.usernameField];
    // A database failure propagates (503 through DjangoBridgeExceptionFilter); it is never a login decision.
    return (await this.auth.authenticate(username, body.password)) ?? false;
  }
}
