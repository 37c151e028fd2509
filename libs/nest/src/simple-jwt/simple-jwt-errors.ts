import { DjangoNotAuthenticated } from '../errors/bridge-exceptions.js';

/** One token class's refusal in JWTAuthentication's `messages` list. */
export interface SimpleJwtMessage {
  token_class: string;
  token_type: string;
  message: string;
}

/** The JSON body SimpleJWT (through DRF) answers a refusal with. */
export interface SimpleJwtErrorBody {
  detail: string;
  code?: string;
  messages?: SimpleJwtMessage[];
}

/**
 * A 401 from SimpleJWT's rules: `message` is its `detail`, `body` the JSON its views and
 * JWTAuthentication send (detail, code, messages), `challenge` the WWW-Authenticate value.
 */
export class SimpleJwtAuthenticationFailed extends DjangoNotAuthenticated {
  constructor(
    readonly body: SimpleJwtErrorBody,
    challenge?: string,
  ) {
    super(body.detail, challenge, { ...body });
  }

  /** SimpleJWT's InvalidToken: code token_not_valid. */
  static invalidToken(detail: string, challenge?: string, messages?: SimpleJwtMessage[]): SimpleJwtAuthenticationFailed {
    return new SimpleJwtAuthenticationFailed({ detail, code: 'token_not_valid', ...(messages ? { messages } : {}) }, challenge);
  }
}

/** SimpleJWT's and its serializers' user-facing messages (unchanged from 5.2.2 to 5.5.1 unless noted). */
export const SIMPLE_JWT_MESSAGES = {
  noValidType: 'Given token not valid for any token type',
  noUserId: 'Token contained no recognizable user identification',
  userNotFound: 'User not found',
  userInactive: 'User is inactive',
  /** 5.3+, CHECK_REVOKE_TOKEN. */
  passwordChanged: "The user's password has been changed.",
  twoValues: 'Authorization header must contain two space-delimited values',
  blacklisted: 'Token is blacklisted',
  noActiveAccount: 'No active account found with the given credentials',
  /** 5.3+: TokenRefreshSerializer on a user who may no longer log in. */
  noActiveAccountForToken: 'No active account found for the given token.',
} as const;
