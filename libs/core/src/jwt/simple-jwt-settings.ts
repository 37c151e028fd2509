import { ImproperlyConfigured } from '../errors.js';

/** The algorithms SimpleJWT's TokenBackend allows (ALLOWED_ALGORITHMS); never "none". */
export const SIMPLE_JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const;
export type SimpleJwtAlgorithm = (typeof SIMPLE_JWT_ALGORITHMS)[number];

/**
 * The SimpleJWT behaviour that is ported, by the release that has it (read from 5.2.2, 5.5.0, 5.5.1):
 * - '5.2' (up to 5.2.x): every decode failure reads "Token is invalid or expired"; no
 *   CHECK_REVOKE_TOKEN / CHECK_USER_IS_ACTIVE; a rotated refresh token is recorded only when blacklisted.
 * - '5.5.0' (5.3 to 5.5.0): "Token is invalid" / "Token is expired", CHECK_REVOKE_TOKEN and
 *   CHECK_USER_IS_ACTIVE, a refresh checks that the user may still log in, rotation records the new
 *   refresh token (outstand()); an integer user id is still a JSON number and an access token made
 *   from a refresh token copies its `iat`.
 * - '5.5.1' (5.5.1 and later): as 5.5.0, but the user id is always written as a string and an
 *   access token keeps its own `iat`.
 */
export type SimpleJwtRelease = '5.2' | '5.5.0' | '5.5.1';

/** The ported behaviour of an installed SimpleJWT version ("5.2.2", "5.4.0", "5.5.1", ...); null for one before 5.0. */
export function simpleJwtRelease(version: string): SimpleJwtRelease | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(String(version));
  if (!m) return null;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (major < 5) return null;
  if (major === 5 && minor < 3) return '5.2';
  if (major === 5 && (minor < 5 || (minor === 5 && patch === 0))) return '5.5.0';
  return '5.5.1';
}

/** 5.3 and later: the split messages, CHECK_REVOKE_TOKEN, CHECK_USER_IS_ACTIVE, outstand(). */
export function isModernSimpleJwt(release: SimpleJwtRelease): boolean {
  return release !== '5.2';
}

/** SIMPLE_JWT, in camelCase; every field optional with SimpleJWT's default. Lifetimes in seconds. */
export interface SimpleJwtSettings {
  /** SIGNING_KEY: default the Django SECRET_KEY. A PEM private key for the RS/ES families. */
  signingKey?: string;
  /** VERIFYING_KEY: the PEM public key (or certificate) for the RS/ES families; unused by HS. */
  verifyingKey?: string;
  /** ALGORITHM; default 'HS256'. Only this algorithm is accepted on decode. */
  algorithm?: SimpleJwtAlgorithm;
  /** AUDIENCE: written as `aud` and required on decode when set; default none. */
  audience?: string | string[] | null;
  /** ISSUER: written as `iss` and required on decode when set; default none. */
  issuer?: string | null;
  /** LEEWAY in seconds; default 0. */
  leeway?: number;
  /** ACCESS_TOKEN_LIFETIME in seconds; default 300 (5 minutes). */
  accessTokenLifetime?: number;
  /** REFRESH_TOKEN_LIFETIME in seconds; default 86400 (1 day). */
  refreshTokenLifetime?: number;
  /** USER_ID_FIELD: the user model field written into tokens; default 'id'. */
  userIdField?: string;
  /** USER_ID_CLAIM; default 'user_id'. */
  userIdClaim?: string;
  /** TOKEN_TYPE_CLAIM; default 'token_type'; null to neither write nor check it. */
  tokenTypeClaim?: string | null;
  /** JTI_CLAIM; default 'jti'; null to not require it (the blacklist needs it). */
  jtiClaim?: string | null;
  /** CHECK_REVOKE_TOKEN (5.3+): tokens carry a hash of the password and die when it changes; default false. */
  checkRevokeToken?: boolean;
  /** REVOKE_TOKEN_CLAIM (5.3+); default 'hash_password'. */
  revokeTokenClaim?: string;
  /**
   * The installed SimpleJWT version (e.g. "5.5.0"): its behaviour is followed (see SimpleJwtRelease).
   * Default: 5.2.2 with Django 3.2 (Debian bookworm's), the newest behaviour (5.5.1) otherwise.
   */
  release?: string;
}

export interface ResolvedSimpleJwtSettings {
  signingKey: string;
  verifyingKey: string;
  algorithm: SimpleJwtAlgorithm;
  audience: string | string[] | null;
  issuer: string | null;
  leeway: number;
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
  userIdField: string;
  userIdClaim: string;
  tokenTypeClaim: string | null;
  jtiClaim: string | null;
  checkRevokeToken: boolean;
  revokeTokenClaim: string;
  release: SimpleJwtRelease;
}

/** The default release for a Django line: 3.2's SimpleJWT (Debian's 5.2.2) cannot be newer than 5.2.x. */
export function simpleJwtReleaseFor(djangoVersion: string | undefined): SimpleJwtRelease {
  return djangoVersion === '3.2' ? '5.2' : '5.5.1';
}

const CLAIM = /^[\x21-\x7e]+$/;
const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

function fail(field: string, problem: string): never {
  throw new ImproperlyConfigured(`SimpleJWT setting "${field}" ${problem}`);
}

function seconds(field: string, value: unknown, fallback: number, positive: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) fail(field, `must be a ${positive ? 'positive' : 'non-negative'} number of seconds`);
  return value;
}

function claimName(field: string, value: unknown, fallback: string | null, nullable: boolean): string | null {
  if (value === undefined) return fallback;
  if (value === null && nullable) return null;
  if (typeof value !== 'string' || !CLAIM.test(value)) fail(field, 'must be a claim name (printable ASCII, no spaces)');
  return value;
}

/**
 * SimpleJWT's settings with its defaults, checked the way its TokenBackend checks them, and a
 * little further: a settings mistake fails at start-up, never as a token accepted or a 500 later.
 */
export function resolveSimpleJwtSettings(settings: SimpleJwtSettings | undefined, defaults: { secretKey: string; djangoVersion?: string }): ResolvedSimpleJwtSettings {
  const s = settings ?? {};
  if (typeof s !== 'object' || Array.isArray(s)) fail('SIMPLE_JWT', 'must be an object');
  const algorithm = s.algorithm ?? 'HS256';
  if (!(SIMPLE_JWT_ALGORITHMS as readonly string[]).includes(algorithm)) fail('algorithm', `"${String(algorithm)}" is not one of ${SIMPLE_JWT_ALGORITHMS.join(', ')} (SimpleJWT refuses others, "none" included)`);
  const hmac = algorithm.startsWith('HS');
  const signingKey = s.signingKey ?? (hmac ? defaults.secretKey : '');
  const verifyingKey = s.verifyingKey ?? '';
  if (typeof signingKey !== 'string') fail('signingKey', 'must be a string');
  if (typeof verifyingKey !== 'string') fail('verifyingKey', 'must be a string');
  if (hmac) {
    if (!signingKey) fail('signingKey', `is required for ${algorithm} (default: the secret key)`);
    // PyJWT refuses a PEM as an HMAC secret: it is how a public key becomes a forgery key.
    if (PEM.test(signingKey) || /^ssh-(rsa|ed25519|dss) /.test(signingKey)) fail('signingKey', `looks like an asymmetric key; ${algorithm} needs a shared secret (use RS*/ES* for keys)`);
  } else {
    if (!verifyingKey) fail('verifyingKey', `is required for ${algorithm}: the PEM public key tokens are checked with`);
    if (!PEM.test(verifyingKey)) fail('verifyingKey', 'must be a PEM public key or certificate');
    if (signingKey && !PEM.test(signingKey)) fail('signingKey', `must be a PEM private key for ${algorithm} (or be left out to only verify)`);
  }
  const audience = s.audience ?? null;
  if (audience !== null && !(typeof audience === 'string' && audience) && !(Array.isArray(audience) && audience.length > 0 && audience.every((a) => typeof a === 'string' && a))) fail('audience', 'must be a non-empty string or list of strings');
  const issuer = s.issuer ?? null;
  if (issuer !== null && (typeof issuer !== 'string' || !issuer)) fail('issuer', 'must be a non-empty string');
  const release = s.release === undefined ? simpleJwtReleaseFor(defaults.djangoVersion) : simpleJwtRelease(s.release);
  if (release === null) fail('release', `"${String(s.release)}" is not a SimpleJWT version of 5.0 or later (e.g. "5.5.1")`);
  const checkRevokeToken = s.checkRevokeToken ?? false;
  if (typeof checkRevokeToken !== 'boolean') fail('checkRevokeToken', 'must be a boolean');
  if (checkRevokeToken && !isModernSimpleJwt(release)) fail('checkRevokeToken', 'needs SimpleJWT 5.3 or later; 5.2 has no CHECK_REVOKE_TOKEN');
  const userIdField = s.userIdField ?? 'id';
  if (typeof userIdField !== 'string' || !/^[A-Za-z_]\w*$/.test(userIdField)) fail('userIdField', 'must be a model field name');
  return {
    signingKey,
    verifyingKey,
    algorithm,
    audience: Array.isArray(audience) ? [...audience] : audience,
    issuer,
    leeway: seconds('leeway', s.leeway, 0, false),
    accessTokenLifetime: seconds('accessTokenLifetime', s.accessTokenLifetime, 300, true),
    refreshTokenLifetime: seconds('refreshTokenLifetime', s.refreshTokenLifetime, 86_400, true),
    userIdField,
    userIdClaim: claimName('userIdClaim', s.userIdClaim, 'user_id', false)!,
    tokenTypeClaim: claimName('tokenTypeClaim', s.tokenTypeClaim, 'token_type', true),
    jtiClaim: claimName('jtiClaim', s.jtiClaim, 'jti', true),
    checkRevokeToken,
    revokeTokenClaim: claimName('revokeTokenClaim', s.revokeTokenClaim, 'hash_password', false)!,
    release,
  };
}
