import { Inject, Injectable } from '@nestjs/common';
import { ImproperlyConfigured, isModernSimpleJwt, JwtBackend, passwordHashClaim, SIMPLE_JWT_TOKEN_CLASSES, SimpleJwtToken, TokenError } from '@django-bridge/core';
import { DjangoAuthService } from '../auth/django-auth.service.js';
import { DJANGO_BRIDGE_OPTIONS } from '../django-bridge.constants.js';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { DjangoUser } from '../users/django-user.js';
import { DjangoUserStore } from '../users/django-user-store.js';
import { SIMPLE_JWT_MESSAGES as M, SimpleJwtAuthenticationFailed } from './simple-jwt-errors.js';
import type { ResolvedSimpleJwtOptions } from './simple-jwt.options.js';
import { TokenBlacklistStore } from './token-blacklist-store.js';

/** What TokenObtainPairView answers. */
export interface SimpleJwtPair {
  refresh: string;
  access: string;
}

/** What TokenRefreshView answers: a new access token, and a new refresh token under rotation. */
export interface SimpleJwtRefreshed {
  access: string;
  refresh?: string;
}

/** A verified access token and its user: JWTAuthentication's (request.user, request.auth). */
export interface SimpleJwtAuthentication {
  user: DjangoUser;
  token: SimpleJwtToken;
}

const seconds = () => Date.now() / 1000;
const instant = (s: number) => new Date(Math.floor(s * 1000));

/**
 * SimpleJWT's serializers and JWTAuthentication over the bridge's users: obtain a pair, refresh
 * (with ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION), blacklist, and verify an access token.
 * Tokens issued here are accepted by Django's SimpleJWT and the reverse; with `blacklist`, both
 * sides share token_blacklist_outstandingtoken and token_blacklist_blacklistedtoken.
 */
@Injectable()
export class SimpleJwtService {
  private backendOf: JwtBackend | undefined;

  constructor(
    @Inject(DJANGO_BRIDGE_OPTIONS) private readonly options: ResolvedBridgeOptions,
    @Inject(DjangoUserStore) private readonly users: DjangoUserStore,
    @Inject(TokenBlacklistStore) private readonly store: TokenBlacklistStore,
    private readonly auth: DjangoAuthService,
  ) {}

  /** The resolved `simpleJwt` option; using the service without it is a configuration error. */
  get config(): ResolvedSimpleJwtOptions {
    const config = this.options.simpleJwt;
    if (!config) throw new ImproperlyConfigured('SimpleJwtService needs the DjangoBridgeModule option "simpleJwt" (SIMPLE_JWT; {} for its defaults)');
    return config;
  }

  get backend(): JwtBackend {
    return (this.backendOf ??= new JwtBackend(this.config.settings));
  }

  /** JWTAuthentication.authenticate_header. */
  challenge(): string {
    return this.config.challenge;
  }

  private tokenError(err: unknown): never {
    if (err instanceof TokenError) throw SimpleJwtAuthenticationFailed.invalidToken(err.message, this.challenge());
    throw err;
  }

  /** getattr(user, USER_ID_FIELD). */
  private userIdOf(user: DjangoUser): number | string {
    const field = this.config.settings.userIdField;
    return field === this.options.userModel.usernameField && field !== 'id' && field !== this.options.userModel.pkColumn ? user.username : user.id;
  }

  /** User.objects.get(**{USER_ID_FIELD: value}); null for a value that cannot name a user. */
  private async findUser(value: unknown): Promise<DjangoUser | null> {
    const field = this.config.settings.userIdField;
    const byUsername = field === this.options.userModel.usernameField && field !== 'id' && field !== this.options.userModel.pkColumn;
    if (byUsername) return typeof value === 'string' || typeof value === 'number' ? this.users.findByUsername(String(value)) : null;
    const pk = typeof value === 'string' || typeof value === 'number' ? this.users.parsePk(value) : null;
    return pk === null ? null : this.users.findById(pk);
  }

  /** RefreshToken(token) with the blacklist app: the blacklist first, then Token.verify. */
  private async readRefresh(raw: unknown, now: number): Promise<SimpleJwtToken> {
    try {
      const refresh = await SimpleJwtToken.decode('refresh', this.backend, raw, { verify: false, now });
      if (this.config.blacklist) {
        const jti = refresh.jti;
        if (jti === null) throw new TokenError('Token has no id');
        if (await this.store.isBlacklisted(jti)) throw new TokenError(M.blacklisted);
      }
      refresh.verify();
      return refresh;
    } catch (err) {
      this.tokenError(err);
    }
  }

  /** A new OutstandingToken row for a token (for_user, outstand(), blacklist()). */
  private async outstandingRow(token: SimpleJwtToken, signed: string, withUser: boolean, createdAt: boolean) {
    let userId: number | string | null = null;
    if (withUser) {
      const user = await this.findUser(token.userId);
      userId = user ? user.id : null;
    }
    return { userId, jti: token.jti!, token: signed, createdAt: createdAt ? instant(token.currentTime) : null, expiresAt: new Date(token.exp * 1000) };
  }

  /** TokenObtainPairSerializer after authenticate(): RefreshToken.for_user, its access token, UPDATE_LAST_LOGIN. */
  async obtainPair(user: DjangoUser, now = seconds()): Promise<SimpleJwtPair> {
    const config = this.config;
    const refresh = SimpleJwtToken.forUser('refresh', this.backend, { userId: this.userIdOf(user), password: DjangoUser.passwordOf(user) }, now);
    const signed = await refresh.sign();
    if (config.blacklist) await this.store.create({ userId: user.id, jti: refresh.jti!, token: signed, createdAt: instant(now), expiresAt: new Date(refresh.exp * 1000) });
    const access = await refresh.accessToken(now).sign();
    if (config.updateLastLogin) await this.users.updateLastLogin(user);
    return { refresh: signed, access };
  }

  /** TokenObtainPairView: a username and password through the authentication backend, then obtainPair. */
  async obtainPairWithPassword(username: unknown, password: unknown, now = seconds()): Promise<SimpleJwtPair> {
    const user = await this.auth.authenticate(username, password);
    if (!user || (!user.isActive && (!isModernSimpleJwt(this.config.settings.release) || this.config.checkUserIsActive))) {
      // DRF's own AuthenticationFailed: the body is the detail alone.
      throw new SimpleJwtAuthenticationFailed({ detail: M.noActiveAccount }, this.challenge());
    }
    return this.obtainPair(user, now);
  }

  /** TokenRefreshSerializer: a new access token; under ROTATE_REFRESH_TOKENS a new refresh token too. */
  async refresh(raw: unknown, now = seconds()): Promise<SimpleJwtRefreshed> {
    const config = this.config;
    const modern = isModernSimpleJwt(config.settings.release);
    const refresh = await this.readRefresh(raw, now);
    if (modern) {
      const userId = refresh.userId;
      if (userId !== undefined && userId !== null && userId !== '' && userId !== 0) {
        const user = await this.findUser(userId);
        // SimpleJWT 5.3+ raises DoesNotExist (a 500) for a deleted user; refused here instead.
        if (!user || (config.checkUserIsActive && !user.isActive)) throw new SimpleJwtAuthenticationFailed({ detail: M.noActiveAccountForToken }, this.challenge());
      }
    }
    const access = await refresh.accessToken(now).sign();
    if (!config.rotateRefreshTokens) return { access };
    if (config.blacklistAfterRotation && config.blacklist) await this.blacklistToken(refresh, now);
    refresh.setJti();
    refresh.setExp();
    refresh.setIat();
    const signed = await refresh.sign();
    // 5.3+ records the rotated token at once (outstand()); 5.2 leaves it to a later blacklist().
    if (config.blacklist && modern) await this.store.getOrCreate(await this.outstandingRow(refresh, signed, true, true));
    return { access, refresh: signed };
  }

  /** BlacklistMixin.blacklist on a verified refresh token. */
  private async blacklistToken(refresh: SimpleJwtToken, now: number): Promise<boolean> {
    const modern = isModernSimpleJwt(this.config.settings.release);
    const outstanding = await this.store.getOrCreate(await this.outstandingRow(refresh, await refresh.sign(), modern, modern));
    return this.store.blacklist(outstanding, instant(now));
  }

  /** TokenBlacklistView: the refresh token (verified, not yet blacklisted) is blacklisted. */
  async blacklist(raw: unknown, now = seconds()): Promise<void> {
    if (!this.config.blacklist) throw new ImproperlyConfigured('SimpleJwtService.blacklist needs simpleJwt.blacklist: true (the token_blacklist app)');
    const refresh = await this.readRefresh(raw, now);
    await this.blacklistToken(refresh, now);
  }

  /**
   * JWTAuthentication.get_validated_token and get_user: an access token (AUTH_TOKEN_CLASSES is
   * AccessToken) and its active user; every refusal is a 401 with SimpleJWT's body.
   */
  async verifyAccess(raw: unknown, now = seconds()): Promise<SimpleJwtAuthentication> {
    const config = this.config;
    const challenge = this.challenge();
    let token: SimpleJwtToken;
    try {
      token = await SimpleJwtToken.decode('access', this.backend, raw, { now });
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      throw SimpleJwtAuthenticationFailed.invalidToken(M.noValidType, challenge, [{ token_class: SIMPLE_JWT_TOKEN_CLASSES.access, token_type: 'access', message: err.message }]);
    }
    if (!(config.settings.userIdClaim in token.payload)) throw SimpleJwtAuthenticationFailed.invalidToken(M.noUserId, challenge);
    const user = await this.findUser(token.userId);
    if (!user) throw new SimpleJwtAuthenticationFailed({ detail: M.userNotFound, code: 'user_not_found' }, challenge);
    if (!user.isActive && (!isModernSimpleJwt(config.settings.release) || config.checkUserIsActive)) throw new SimpleJwtAuthenticationFailed({ detail: M.userInactive, code: 'user_inactive' }, challenge);
    if (config.settings.checkRevokeToken && token.payload[config.settings.revokeTokenClaim] !== passwordHashClaim(DjangoUser.passwordOf(user))) {
      throw new SimpleJwtAuthenticationFailed({ detail: M.passwordChanged, code: 'password_changed' }, challenge);
    }
    return { user, token };
  }
}
