import { type BytesLike } from '../crypto/bytes.js';
import { djangoDefaults, type DjangoVersion } from '../django-version.js';
import { type HmacAlgorithm } from '../crypto/salted-hmac.js';
import { DjangoBridgeError, SuspiciousSession } from '../errors.js';
import { limitedSerializer as limitedSigningSerializer } from '../limits/decode-limits.js';
import { checkExpandedSize, resolveMaxExpandedBytes } from '../limits/expanded-size.js';
import { resolveIntMaxStrDigits } from '../limits/int-max-str-digits.js';
import { parsePythonBytesLiteral, phpUnserialize } from '../serializers/php/index.js';
import { unpickle } from '../serializers/pickle/index.js';
import { pythonJsonLoads } from '../serializers/python-json.js';
import { JSONSerializer, type Serializer } from '../serializers/serializer.js';
import { dumps, loads } from '../signing/dumps.js';
import { checkSize } from '../signing/signer.js';
import { legacyDecode, legacyEncode, legacySaltFor } from './legacy-session-data.js';
import { asSessionDict, PhpSessionSerializer, PickleSerializer, resolveSessionSerializer, type SessionSerializerName } from './session-serializers.js';

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

export interface EncodeSessionDataOptions extends SessionDataCommon {
  /**
   * Python's int_max_str_digits for the json serializer: json.dumps refuses longer integers
   * (IntegerTooLong). Default getIntMaxStrDigits() (4300); 0 for no limit. Give the same value as
   * for decoding, so that a session read is a session that can be saved.
   */
  intMaxStrDigits?: number;
}

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
  /**
   * Most bytes the decoded session may take when it is saved again, every pickle memo reference
   * expanded: measured as PHP serialize() output for the php serializer, as JSON otherwise (custom
   * serializers included). Default 16 MiB (DEFAULT_MAX_EXPANDED_BYTES); Infinity for no limit. A
   * larger session is corrupted data (SuspiciousSession caused by ExpandedSizeExceeded).
   */
  maxExpandedBytes?: number;
  /**
   * Python's int_max_str_digits for the json and pickle serializers: integers written with more
   * digits are refused, as the site's Python refuses them. Default getIntMaxStrDigits() (4300); 0
   * for no limit; otherwise at least 640.
   */
  intMaxStrDigits?: number;
}

function isPhp(serializer: Serializer): boolean {
  return serializer === PhpSessionSerializer;
}

/**
 * `SessionBase.encode`: what Django stores in `django_session.session_data` (and the file backend).
 * JSON is signed and compressed with the session salt; php is the raw php_serialize text.
 */
export function encodeSessionData(session: Record<string, unknown>, options: EncodeSessionDataOptions): string {
  const given = resolveSessionSerializer(options.serializer);
  const serializer = given === JSONSerializer && options.intMaxStrDigits !== undefined ? limitedSigningSerializer(given, { intMaxStrDigits: options.intMaxStrDigits }) : given;
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
    const serializer = limitedSerializer(resolveSessionSerializer(options.serializer), options);
    if (serializer.php) return asSessionDict(serializer.loads(Buffer.from(text, 'utf8')));
    return asSessionDict(decodeSigned(text, serializer, options));
  } catch (err) {
    if (err instanceof SuspiciousSession) throw err;
    if (err instanceof DjangoBridgeError) throw new SuspiciousSession(`Session data corrupted: ${err.message}`, err);
    throw new SuspiciousSession('Session data corrupted', err);
  }
}

/**
 * The session's serializer reading with the decode limits of `options`; its output is measured
 * against maxExpandedBytes in the format a save writes (PHP for php, JSON for every other).
 */
function limitedSerializer(serializer: Serializer, options: DecodeSessionDataOptions): Serializer & { php: boolean } {
  const maxExpandedBytes = resolveMaxExpandedBytes(options.maxExpandedBytes);
  const intMaxStrDigits = resolveIntMaxStrDigits(options.intMaxStrDigits);
  if (isPhp(serializer)) {
    // PhpSessionSerializer.loads, with the budget: rows may hold the text of a Python bytes literal.
    const loads = (data: Buffer): unknown => phpUnserialize(parsePythonBytesLiteral(data.toString('utf8')) ?? data, { maxExpandedBytes });
    return { dumps: serializer.dumps, loads, php: true };
  }
  if (serializer === PickleSerializer) {
    return { dumps: serializer.dumps, loads: (data) => unpickle(data, { maxExpandedBytes, intMaxStrDigits }), php: false };
  }
  const read = serializer === JSONSerializer ? (data: Buffer) => pythonJsonLoads(data.toString('latin1'), { intMaxStrDigits }) : (data: Buffer) => serializer.loads(data);
  const loads = (data: Buffer): unknown => {
    const value = read(data);
    if (maxExpandedBytes !== Infinity) checkExpandedSize(value, { maxBytes: maxExpandedBytes, format: 'json', what: 'Session data' });
    return value;
  };
  return { dumps: serializer.dumps, loads, php: false };
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
