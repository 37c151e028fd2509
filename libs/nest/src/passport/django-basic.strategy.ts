import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import { DjangoAuthService } from '../auth/django-auth.service.js';
import { requestHeader } from '../http/http-adapter.js';
import type { DjangoUser } from '../users/django-user.js';

/** Username and password of an `Authorization: Basic` header, or null if it has none or is malformed. */
export function parseBasicAuthorization(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

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
