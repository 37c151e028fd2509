import { DjangoBridgeError } from '../errors.js';
import { isModernSimpleJwt, type SimpleJwtRelease } from './simple-jwt-settings.js';

/**
 * SimpleJWT's TokenError: a token that is malformed, forged, expired or of the wrong kind. The
 * message is SimpleJWT's own (user-facing, as its views and JWTAuthentication send it).
 */
export class TokenError extends DjangoBridgeError {
  constructor(
    message: string,
    /** The signature or the `exp` claim says the token is past its lifetime. */
    readonly expired = false,
  ) {
    super(message);
  }
}

/** The message of a token the backend could not decode, in each release's words. */
export function undecodableMessage(release: SimpleJwtRelease, expired: boolean): string {
  if (!isModernSimpleJwt(release)) return 'Token is invalid or expired';
  return expired ? 'Token is expired' : 'Token is invalid';
}
