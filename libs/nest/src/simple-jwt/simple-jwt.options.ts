import { ImproperlyConfigured, isModernSimpleJwt, JwtBackend, resolveSimpleJwtSettings, type ResolvedSimpleJwtSettings, type SimpleJwtSettings } from '@django-bridge/core';
import type { ResolvedUserModel } from '../users/user-model.js';
import { TokenBlacklistStore } from './token-blacklist-store.js';

/**
 * The `simpleJwt` option: Django's SIMPLE_JWT in camelCase (lifetimes and leeway in seconds), plus
 * whether `rest_framework_simplejwt.token_blacklist` is in INSTALLED_APPS (`blacklist`).
 */
export interface SimpleJwtOptions extends SimpleJwtSettings {
  /** AUTH_HEADER_TYPES; default ['Bearer']. The first names the WWW-Authenticate challenge. */
  authHeaderTypes?: string[];
  /** AUTH_HEADER_NAME, as Django's META key ('HTTP_AUTHORIZATION', the default) or a header name. */
  authHeaderName?: string;
  /** ROTATE_REFRESH_TOKENS; default false. */
  rotateRefreshTokens?: boolean;
  /** BLACKLIST_AFTER_ROTATION; default false (needs `blacklist`). */
  blacklistAfterRotation?: boolean;
  /** UPDATE_LAST_LOGIN; default false. */
  updateLastLogin?: boolean;
  /** CHECK_USER_IS_ACTIVE (5.3+); default true. On 5.2 an inactive user is always refused. */
  checkUserIsActive?: boolean;
  /**
   * The token_blacklist app is installed: refresh tokens are recorded in
   * token_blacklist_outstandingtoken when issued and checked against
   * token_blacklist_blacklistedtoken when used. Default false.
   */
  blacklist?: boolean;
  /** Where the blacklist tables are; default TypeOrmTokenBlacklistStore on the bridge's routed databases. */
  blacklistStore?: TokenBlacklistStore;
}

export interface ResolvedSimpleJwtOptions {
  settings: ResolvedSimpleJwtSettings;
  authHeaderTypes: string[];
  /** The HTTP header, lower-case ('authorization'). */
  authHeader: string;
  rotateRefreshTokens: boolean;
  blacklistAfterRotation: boolean;
  updateLastLogin: boolean;
  checkUserIsActive: boolean;
  blacklist: boolean;
  blacklistStore: TokenBlacklistStore | null;
  /** `Bearer realm="api"`: JWTAuthentication.authenticate_header. */
  challenge: string;
}

function fail(option: string, problem: string): never {
  throw new ImproperlyConfigured(`DjangoBridgeModule option "simpleJwt.${option}" ${problem}`);
}

function flag(options: SimpleJwtOptions, name: keyof SimpleJwtOptions, fallback: boolean): boolean {
  const value = options[name] ?? fallback;
  if (typeof value !== 'boolean') fail(String(name), 'must be true or false');
  return value;
}

/** Django's META key (HTTP_X_API_TOKEN) or a header name (x-api-token), as the header Node reads. */
function headerName(value: unknown): string {
  if (typeof value !== 'string' || !value) fail('authHeaderName', 'must be a header name or a META key such as HTTP_AUTHORIZATION');
  if (/^HTTP_[A-Z0-9_]+$/.test(value)) return value.slice(5).replace(/_/g, '-').toLowerCase();
  if (/^[!#$%&'*+\-.^`|~0-9A-Za-z]+$/.test(value)) return value.toLowerCase();
  fail('authHeaderName', `"${value}" is neither a header name nor a META key such as HTTP_AUTHORIZATION`);
}

/** Checks `simpleJwt` at start-up; undefined leaves SimpleJWT off (the 'jwt' credential then refuses to start). */
export function resolveSimpleJwtOptions(options: SimpleJwtOptions | undefined, context: { secretKey: string; djangoVersion: string; userModel?: ResolvedUserModel }): ResolvedSimpleJwtOptions | null {
  if (options === undefined || options === null) return null;
  if (typeof options !== 'object' || Array.isArray(options)) fail('', 'must be an object of SIMPLE_JWT settings');
  let settings: ResolvedSimpleJwtSettings;
  try {
    settings = resolveSimpleJwtSettings(options, { secretKey: context.secretKey, djangoVersion: context.djangoVersion });
    new JwtBackend(settings).checkKeys();
  } catch (err) {
    if (err instanceof ImproperlyConfigured) throw new ImproperlyConfigured(`DjangoBridgeModule option "simpleJwt": ${err.message}`);
    throw err;
  }
  const types = options.authHeaderTypes ?? ['Bearer'];
  if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string' || !/^[\x21-\x7e]+$/.test(t))) fail('authHeaderTypes', 'must be a non-empty list of words (no spaces), e.g. ["Bearer"]');
  const model = context.userModel;
  if (model && settings.userIdField !== 'id' && settings.userIdField !== 'pk' && settings.userIdField !== model.pkColumn && settings.userIdField !== model.usernameField) {
    fail('userIdField', `"${settings.userIdField}" must be the user model's primary key ("${model.pkColumn}") or USERNAME_FIELD ("${model.usernameField}"): the bridge looks users up by those`);
  }
  const blacklist = flag(options, 'blacklist', false);
  const blacklistAfterRotation = flag(options, 'blacklistAfterRotation', false);
  if (blacklist && settings.jtiClaim === null) fail('jtiClaim', 'cannot be null with the blacklist: outstanding tokens are found by their jti');
  const blacklistStore = options.blacklistStore ?? null;
  if (blacklistStore !== null && !(blacklistStore instanceof TokenBlacklistStore)) fail('blacklistStore', 'must extend TokenBlacklistStore');
  const checkUserIsActive = flag(options, 'checkUserIsActive', true);
  if (!checkUserIsActive && !isModernSimpleJwt(settings.release)) fail('checkUserIsActive', 'needs SimpleJWT 5.3 or later; 5.2 always refuses inactive users');
  return {
    settings,
    authHeaderTypes: [...types],
    authHeader: headerName(options.authHeaderName ?? 'HTTP_AUTHORIZATION'),
    rotateRefreshTokens: flag(options, 'rotateRefreshTokens', false),
    blacklistAfterRotation,
    updateLastLogin: flag(options, 'updateLastLogin', false),
    checkUserIsActive,
    blacklist,
    blacklistStore,
    challenge: `${types[0]} realm="api"`,
  };
}
