import type { Type } from '@nestjs/common';
import type { DjangoCredential } from './django-credential.js';
import { SessionCredential } from './session-credential.js';
import { DrfTokenCredential } from '../../drf-token/drf-token.credential.js';
import { SimpleJwtCredential } from '../../simple-jwt/simple-jwt-credential.js';

/**
 * The bridge's credentials by the name the `authentication` option and @AuthenticateWith use.
 * Each is a provider of DjangoBridgeModule; an application adds its own with
 * DjangoCredentials.register.
 */
export const CREDENTIAL_TYPES: Record<string, Type<DjangoCredential>> = {
  session: SessionCredential,
  token: DrfTokenCredential,
  jwt: SimpleJwtCredential,
};
