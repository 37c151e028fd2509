import { type BytesLike } from '../crypto/bytes.js';
import { djangoDefaults, type DjangoVersion } from '../django-version.js';
import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { type HmacAlgorithm, saltedHmac } from '../crypto/salted-hmac.js';

const KEY_SALT = 'django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash';

/**
 * `AbstractBaseUser.get_session_auth_hash()`: hex HMAC of the stored password hash string. Stored in
 * the session as `_auth_user_hash`; any password change (a rehash on login too) invalidates it.
 */
export function sessionAuthHash(passwordHash: string, secretKey: BytesLike, algorithm: HmacAlgorithm = 'sha256'): string {
  return saltedHmac(KEY_SALT, passwordHash, secretKey, algorithm).toString('hex');
}

export interface VerifySessionAuthHashOptions {
  secretKey: BytesLike;
  /** SECRET_KEY_FALLBACKS: a match under one of them means "valid, but re-key the session" (4.1.8+). */
  fallbackKeys?: readonly BytesLike[];
  /** Algorithm of current hashes; sha256 unless a 3.1/3.2 site set DEFAULT_HASHING_ALGORITHM = 'sha1'. */
  algorithm?: HmacAlgorithm;
  /** Django 3.1/3.2 also accept the legacy sha1 hash (made with SECRET_KEY) without upgrading it. */
  acceptLegacySha1?: boolean;
  /** The site's Django line; sets `acceptLegacySha1` (true for 3.2) when that is not given. */
  djangoVersion?: DjangoVersion;
}

/**
 * - `current`: matches under SECRET_KEY (or the 3.2 legacy sha1 form): keep the session as it is.
 * - `fallback`: matches under a fallback key: Django 4.1.8+ cycles the session key and stores the
 *   current hash.
 * - `invalid`: missing or stale: Django flushes the session and the user is anonymous.
 */
export type SessionAuthHashStatus = 'current' | 'fallback' | 'invalid';

export function verifySessionAuthHash(stored: unknown, passwordHash: string, options: VerifySessionAuthHashOptions): SessionAuthHashStatus {
  if (typeof stored !== 'string' || stored.length === 0) return 'invalid';
  const algorithm = options.algorithm ?? 'sha256';
  if (constantTimeCompare(stored, sessionAuthHash(passwordHash, options.secretKey, algorithm))) return 'current';
  const acceptLegacySha1 = options.acceptLegacySha1 ?? (options.djangoVersion ? djangoDefaults(options.djangoVersion).acceptsLegacySha1 : false);
  if (acceptLegacySha1 && constantTimeCompare(stored, sessionAuthHash(passwordHash, options.secretKey, 'sha1'))) return 'current';
  // An empty fallback key would make hashes anyone can compute; never accept one.
  for (const key of (options.fallbackKeys ?? []).filter((k) => k.length > 0)) {
    if (constantTimeCompare(stored, sessionAuthHash(passwordHash, key, algorithm))) return 'fallback';
  }
  return 'invalid';
}
