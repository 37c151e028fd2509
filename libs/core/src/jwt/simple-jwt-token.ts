import { createHash, randomUUID } from 'node:crypto';
import type { JwtBackend, JwtPayload } from './jwt-backend.js';
import { TokenError } from './token-error.js';

/** The token kinds SimpleJWT's views issue (sliding tokens are not ported). */
export type SimpleJwtTokenType = 'access' | 'refresh';

/** SimpleJWT's class names, as JWTAuthentication's error `messages` name them. */
export const SIMPLE_JWT_TOKEN_CLASSES: Record<SimpleJwtTokenType, string> = { access: 'AccessToken', refresh: 'RefreshToken' };

/** What `for_user` reads from a user. */
export interface SimpleJwtSubject {
  /** getattr(user, USER_ID_FIELD): the primary key (or the field the settings name). */
  userId: number | string;
  /** The encoded password hash, for CHECK_REVOKE_TOKEN. */
  password?: string;
}

/** SimpleJWT's get_md5_hash_password: the REVOKE_TOKEN_CLAIM value (upper-case hex MD5 of the hash). */
export function passwordHashClaim(encodedPassword: string): string {
  return createHash('md5').update(encodedPassword, 'utf8').digest('hex').toUpperCase();
}

/** datetime_to_epoch: whole seconds, rounded down. */
function epoch(seconds: number): number {
  return Math.floor(seconds);
}

/**
 * SimpleJWT's Token / AccessToken / RefreshToken: a payload built in SimpleJWT's claim order, or
 * decoded from a string and verified with its rules. `currentTime` (seconds) is the instant the
 * token was made or read, from which `exp` is counted, as in SimpleJWT.
 */
export class SimpleJwtToken {
  private constructor(
    readonly type: SimpleJwtTokenType,
    private readonly backend: JwtBackend,
    readonly payload: JwtPayload,
    readonly currentTime: number,
  ) {}

  private get settings() {
    return this.backend.settings;
  }

  private get lifetime(): number {
    return this.type === 'access' ? this.settings.accessTokenLifetime : this.settings.refreshTokenLifetime;
  }

  /** A new token: {token_type, exp, iat, jti}. */
  static create(type: SimpleJwtTokenType, backend: JwtBackend, now = Date.now() / 1000): SimpleJwtToken {
    const token = new SimpleJwtToken(type, backend, {}, now);
    const s = backend.settings;
    if (s.tokenTypeClaim !== null) token.payload[s.tokenTypeClaim] = type;
    token.setExp();
    token.setIat();
    token.setJti();
    return token;
  }

  /** Token.for_user: a new token with the user id claim (and the password hash under CHECK_REVOKE_TOKEN). */
  static forUser(type: SimpleJwtTokenType, backend: JwtBackend, subject: SimpleJwtSubject, now = Date.now() / 1000): SimpleJwtToken {
    const token = SimpleJwtToken.create(type, backend, now);
    const s = backend.settings;
    // Up to 5.5.0 an integer id stays a JSON number; 5.5.1 writes str(user_id) always.
    token.payload[s.userIdClaim] = typeof subject.userId === 'number' && s.release !== '5.5.1' ? subject.userId : String(subject.userId);
    if (s.checkRevokeToken) token.payload[s.revokeTokenClaim] = passwordHashClaim(subject.password ?? '');
    return token;
  }

  /**
   * A token from its string, signature and PyJWT claims checked. With `verify` (default) also
   * SimpleJWT's Token.verify; a refresh token's blacklist check comes first in SimpleJWT, so a
   * caller with a blacklist decodes with `verify: false`, checks it, then calls verify().
   */
  static async decode(type: SimpleJwtTokenType, backend: JwtBackend, raw: unknown, options: { verify?: boolean; now?: number } = {}): Promise<SimpleJwtToken> {
    const now = options.now ?? Date.now() / 1000;
    const payload = await backend.decode(raw, now);
    const token = new SimpleJwtToken(type, backend, payload, now);
    if (options.verify ?? true) token.verify();
    return token;
  }

  /** Token.verify: an `exp` that has not passed, an id, and the right type. */
  verify(): void {
    this.checkExp();
    const s = this.settings;
    if (s.jtiClaim !== null && !(s.jtiClaim in this.payload)) throw new TokenError('Token has no id');
    if (s.tokenTypeClaim !== null) {
      if (!(s.tokenTypeClaim in this.payload)) throw new TokenError('Token has no type');
      if (this.payload[s.tokenTypeClaim] !== this.type) throw new TokenError('Token has wrong type');
    }
  }

  /** Token.check_exp against the instant the token was read. */
  checkExp(claim = 'exp'): void {
    if (!(claim in this.payload)) throw new TokenError(`Token has no '${claim}' claim`);
    const value = this.payload[claim];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new TokenError(`Token has no '${claim}' claim`);
    if (value <= this.currentTime - this.settings.leeway) throw new TokenError(`Token '${claim}' claim has expired`, true);
  }

  setJti(): void {
    if (this.settings.jtiClaim !== null) this.payload[this.settings.jtiClaim] = randomUUID().replace(/-/g, '');
  }

  setExp(fromTime = this.currentTime, lifetime = this.lifetime): void {
    this.payload.exp = epoch(fromTime + lifetime);
  }

  setIat(atTime = this.currentTime): void {
    this.payload.iat = epoch(atTime);
  }

  /** RefreshToken.access_token: a new access token expiring from this token's time, with its other claims. */
  accessToken(now = Date.now() / 1000): SimpleJwtToken {
    if (this.type !== 'refresh') throw new Error('Only a refresh token makes access tokens');
    const s = this.settings;
    const access = SimpleJwtToken.create('access', this.backend, now);
    access.setExp(this.currentTime);
    const noCopy = new Set<string>(['exp', 'jti', ...(s.tokenTypeClaim !== null ? [s.tokenTypeClaim] : []), ...(s.jtiClaim !== null ? [s.jtiClaim] : []), ...(s.release === '5.5.1' ? ['iat'] : [])]);
    for (const [claim, value] of Object.entries(this.payload)) if (!noCopy.has(claim)) access.payload[claim] = value;
    return access;
  }

  /** The JTI_CLAIM value (null when the token has none or JTI_CLAIM is off). */
  get jti(): string | null {
    const jti = this.settings.jtiClaim === null ? undefined : this.payload[this.settings.jtiClaim];
    return typeof jti === 'string' ? jti : null;
  }

  get exp(): number {
    return this.payload.exp as number;
  }

  /** The USER_ID_CLAIM value as written (number or string), undefined when missing. */
  get userId(): unknown {
    return this.payload[this.settings.userIdClaim];
  }

  /** str(token): signed. */
  sign(): Promise<string> {
    return this.backend.encode(this.payload);
  }
}
