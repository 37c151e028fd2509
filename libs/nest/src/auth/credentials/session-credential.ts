import { Injectable } from '@nestjs/common';
import { DjangoAuthService } from '../django-auth.service.js';
import type { CredentialMatch, DjangoCredential } from './django-credential.js';

/** The Django session cookie (DRF's SessionAuthentication; the CSRF check stays DjangoCsrfGuard's). */
@Injectable()
export class SessionCredential implements DjangoCredential {
  readonly name = 'session';

  constructor(private readonly auth: DjangoAuthService) {}

  async authenticate(request: object): Promise<CredentialMatch | null> {
    const user = await this.auth.userFromRequest(request);
    return user ? { user, credential: this.name, auth: null } : null;
  }

  challenge(): undefined {
    return undefined;
  }
}
