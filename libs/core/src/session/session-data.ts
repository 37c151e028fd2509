import { type BytesLike } from '../crypto/bytes.js';
import { djangoDefaults, type DjangoVersion } from '../django-version.js';
import { type HmacAlgorithm } from '../crypto/salted-hmac.js';
import { DjangoBridgeError, SuspiciousSession } from '../errors.js';
import { type Serializer } from '../serializers/serializer.js';
import { dumps, loads } from '../signing/dumps.js';
import { checkSize } from '../signing/signer.js';
import { legacyDecode, legacyEncode, legacySaltFor } from './legacy-session-data.js';
import { asSessionDict, PhpSessionSerializer, resolveSessionSerializer, type SessionSerializerName } from './session-serializers.js';

/** `SessionBase.key_salt` for Django's own stores: "django.contrib.sessions." + class `__qualname__`. */
export const DEFAULT_SESSION_SALT = 'django.contrib.sessions.SessionStore';

interface SessionDataCommon {
  /** SECRET_KEY. */
  secretKey: BytesLike;
  /** json (default), php (raw php_serialize text, unsigned, as django-php-bridge stores it) or pickle (read only). */
  serializer?: SessionSerializerName | Serializer;
  /** key_salt: "django.contrib.sessions." + the store class's `__qualname__` for custom stores. */
  salt?: string;
  /** sha256 (default). sha1 reproduces a 3.1/3.2 site with DEFAULT_HASHING_ALGORITHM = 'sha1'. */
  algorithm?: HmacAlgorithm;
  /** Seconds since the epoch; injectable to freeze the signing timestamp. */
  clock?: () => number;
}

export interface EncodeSessionDataOptions extends SessionDataCommon {}

export interface DecodeSessionDataOptions extends SessionDataCommon {
  /** SECRET_KEY_FALLBACKS, tried in order (Django 4.1+). */
  fallbackKeys?: readonly BytesLike[];
  /** Also read what only Django 3.1/3.2 read: sha1 signatures and the pre-3.1 format. */
  acceptLegacy?: boolean;
  /** The site's Django line; sets `acceptLegacy` (true for 3.2) when that is not given. */
  djangoVersion?: DjangoVersion;
  /** Salt of the pre-3.1 format; derived from `salt` by default. */
  legacySalt?: string;
  /** Longest session text accepted. */
  maxSize?: number;
  /** Largest inflated payload accepted. */
  maxDecompressedSize?: number;
}

function isPhp(serializer: Serializer): boolean {
  return serializer === PhpSessionSerializer;
}

/**
 * `SessionBase.encode`: what Django stores in `django_session.session_data` (and the file backend).
 * JSON is signed and compressed with the session salt; php is the raw php_serialize text.
 */
export function encodeSessionData(session: Record<string, unknown>, options: EncodeSessionDataOptions): string {
  const serializer = resolveSessionSerializer(options.serializer);
  const dict = asSessionDict(session);
  if (isPhp(serializer)) return Buffer.from(serializer.dumps(dict)).toString('utf8');
  const salt = options.salt ?? DEFAULT_SESSION_SALT;
  if (options.algorithm === 'sha1') {
    // Django 3.1/3.2 with DEFAULT_HASHING_ALGORITHM = 'sha1' write the pre-3.1 format.
    return legacyEncode(serializer.dumps(dict), options.secretKey, legacySaltFor(salt));
  }
  return dumps(dict, { key: options.secretKey, salt, serializer, compress: true, algorithm: options.algorithm, clock: options.clock });
}

/**
 * `SessionBase.decode`, failing closed: where Django logs "Session data corrupted" and returns {},
 * this throws SuspiciousSession (with the cause) so the caller can treat the session as empty.
 */
export function decodeSessionData(text: string, options: DecodeSessionDataOptions): Record<string, unknown> {
  try {
    checkSize(text, options.maxSize);
    const serializer = resolveSessionSerializer(options.serializer);
    if (isPhp(serializer)) return asSessionDict(serializer.loads(Buffer.from(text, 'utf8')));
    return asSessionDict(decodeSigned(text, serializer, options));
  } catch (err) {
    if (err instanceof SuspiciousSession) throw err;
    if (err instanceof DjangoBridgeError) throw new SuspiciousSession(`Session data corrupted: ${err.message}`, err);
    throw new SuspiciousSession('Session data corrupted', err);
  }
}

function decodeSigned(text: string, serializer: Serializer, options: DecodeSessionDataOptions): unknown {
  const salt = options.salt ?? DEFAULT_SESSION_SALT;
  const algorithm = options.algorithm ?? 'sha256';
  // Only 3.1/3.2 (sha1 sites included) read sha1 signatures and the pre-3.1 format.
  const acceptLegacy = options.acceptLegacy ?? (options.djangoVersion ? djangoDefaults(options.djangoVersion).acceptsLegacySha1 : false);
  const legacy = acceptLegacy || algorithm === 'sha1';
  try {
    return loads(text, {
      key: options.secretKey,
      fallbackKeys: options.fallbackKeys,
      salt,
      serializer,
      algorithm,
      legacyAlgorithm: legacy ? 'sha1' : null,
      maxSize: options.maxSize,
      maxDecompressedSize: options.maxDecompressedSize,
    });
  } catch (err) {
    if (!legacy) throw err;
    // Django 3.2 falls back to the pre-3.1 format on any failure of the signed one.
    const keys = [options.secretKey, ...(options.fallbackKeys ?? []).filter((k) => k.length > 0)];
    try {
      return legacyDecode(text, keys, options.legacySalt ?? legacySaltFor(salt), serializer);
    } catch {
      throw err;
    }
  }
}
