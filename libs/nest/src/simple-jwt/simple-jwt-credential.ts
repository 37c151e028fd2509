import { Injectable } from '@nestjs/common';
import type { CredentialMatch, DjangoCredential } from '../auth/credentials/django-credential.js';
import { requestHeader } from '../http/http-adapter.js';
import { SIMPLE_JWT_MESSAGES, SimpleJwtAuthenticationFailed } from './simple-jwt-errors.js';
import { parseSimpleJwtHeader } from './simple-jwt-header.js';
import { SimpleJwtService } from './simple-jwt.service.js';

/**
 * SimpleJWT's JWTAuthentication as the bridge's 'jwt' credential: `Authorization: Bearer <access>`
 * (AUTH_HEADER_TYPES, AUTH_HEADER_NAME). `auth` of the match is the token's verified claims.
 */
@Injectable()
export class SimpleJwtCredential implements DjangoCredential {
  readonly name = 'jwt';
  // An Authorization header no cross-site request can set: DRF checks CSRF for sessions only.
  readonly csrfExempt = true;

  constructor(private readonly jwt: SimpleJwtService) {}

  async authenticate(request: object): Promise<CredentialMatch | null> {
    const config = this.jwt.config;
    const header = parseSimpleJwtHeader(requestHeader(request, config.authHeader), config.authHeaderTypes);
    if (header.kind === 'absent') return null;
    if (header.kind === 'invalid') throw new SimpleJwtAuthenticationFailed({ detail: SIMPLE_JWT_MESSAGES.twoValues, code: 'bad_authorization_header' }, config.challenge);
    const { user, token } = await this.jwt.verifyAccess(header.token);
    return { user, credential: this.name, auth: token.payload };
  }

  /** JWTAuthentication.authenticate_header: `Bearer realm="api"` (the first AUTH_HEADER_TYPES). */
  challenge(): string {
    return this.jwt.config.challenge;
  }
}
