import { type BytesLike } from '../crypto/bytes.js';
import { type HmacAlgorithm } from '../crypto/salted-hmac.js';
import { djangoDefaults, isDjangoVersion, LATEST_DJANGO_VERSION, type DjangoVersion } from '../django-version.js';
import { DjangoBridgeError, ImproperlyConfigured, SerializationError, SignatureExpired } from '../errors.js';
import { limitedSerializer } from '../limits/decode-limits.js';
import { resolveMaxExpandedBytes } from '../limits/expanded-size.js';
import { resolveIntMaxStrDigits } from '../limits/int-max-str-digits.js';
import { JSONSerializer, type Serializer } from '../serializers/serializer.js';
import { dumps, loads } from '../signing/dumps.js';
import { type SessionBackend, type SessionDict } from './session-backend.js';
import { PickleSerializer } from './session-serializers.js';
import { signedCookiePickleSerializer } from './signed-cookie-pickle.js';

/** The salt Django's signed_cookies engine signs with (a literal, not the store's key_salt). */
export const SIGNED_COOKIE_SESSION_SALT = 'django.contrib.sessions.backends.signed_cookies';
/**
 * Browsers drop a cookie whose name and value exceed 4096 bytes (RFC 6265's minimum, Chromium's and
 * Firefox's limit), so no browser sends a longer one back: the default bound on incoming cookies.
 */
export const SIGNED_COOKIE_MAX_LENGTH = 4096;
/**
 * Default cap on a cookie's inflated payload. A 4096-character cookie can inflate to about 3 MB
 * (zlib's ratio tops out near 1000:1); real sessions are a few KB.
 */
export const SIGNED_COOKIE_MAX_DECOMPRESSED_SIZE = 1024 * 1024;

/** What {@link SignedCookieSessionBackendOptions.onOversize} is told. */
export interface OversizeSessionCookie {
  /** Length of the cookie value written. */
  length: number;
  /** Name plus value, what browsers hold against their 4096-byte limit. */
  size: number;
  limit: number;
}

export interface SignedCookieSessionBackendOptions {
  /** SECRET_KEY. */
  secretKey: BytesLike;
  /** SECRET_KEY_FALLBACKS (Django 4.1+). */
  fallbackKeys?: readonly BytesLike[];
  /**
   * SESSION_SERIALIZER: JSONSerializer (default), the core's PickleSerializer for a 3.2-4.2 site on
   * Django's PickleSerializer (read with the safe reader, written with pickleDumps), or a
   * `{ dumps, loads }` of the application's own.
   */
  serializer?: Serializer;
  /** SESSION_COOKIE_AGE: the signature's max_age (Django ignores a per-session expiry here, ticket #19201). */
  cookieAge: number;
  /** The site's Django line (default the newest): 3.2 also reads sha1 signatures; fallbacks need 4.1+, pickle 4.2 or older. */
  djangoVersion?: DjangoVersion;
  /** sha256 (default); sha1 for a 3.2 site with DEFAULT_HASHING_ALGORITHM = 'sha1'. */
  algorithm?: HmacAlgorithm;
  /** Seconds since the epoch; injectable to freeze the signing timestamp. */
  clock?: () => number;
  /**
   * Told when a cookie does not verify or decode (Django resets such a session silently). An
   * expired signature is the normal end of a session and is not reported.
   */
  onCorrupt?: (error: Error) => void;
  /** Longest incoming cookie value read (default 4096); longer ones are no session, unread. */
  maxCookieLength?: number;
  /** Largest inflated payload accepted (default 1 MiB): a zip bomb is refused, not inflated. */
  maxDecompressedSize?: number;
  /** Pickle protocol of PickleSerializer cookies: pickle.HIGHEST_PROTOCOL of the site's Python (default 5). */
  pickleProtocol?: number;
  /** SESSION_COOKIE_NAME, counted in the browser's limit; default "sessionid". */
  cookieName?: string;
  /**
   * Told each time a cookie is written that browsers will drop (name and value over 4096 bytes).
   * Django writes it anyway, and so does this engine; without this callback, one process warning
   * per backend is emitted instead.
   */
  onOversize?: (cookie: OversizeSessionCookie) => void;
  /**
   * Most bytes a cookie's session may take when written back, pickle memo references expanded
   * (default 16 MiB, DEFAULT_MAX_EXPANDED_BYTES; Infinity for none): a larger one is no session.
   */
  maxExpandedBytes?: number;
  /**
   * Python's int_max_str_digits for JSON and pickle cookies, reading and writing (default
   * getIntMaxStrDigits(), 4300; 0 for none): a cookie with a longer integer is no session.
   */
  intMaxStrDigits?: number;
}

/**
 * `django.contrib.sessions.backends.signed_cookies`: no server-side storage; the session key is
 * the session itself, `signing.dumps(session, compress=True, salt=...)`. Create and update return
 * the new cookie value; exists is always false and delete has nothing to remove, as in Django.
 *
 * A cookie that fails to verify or decode is no session (load gives null). Django instead keeps
 * the bad key, loads `{}` and marks the session modified, so its middleware answers with a fresh
 * cookie holding a signed empty dict; here DjangoSession drops the key and the middleware deletes
 * the cookie. Either way the user is anonymous and nothing of the bad cookie is used.
 */
export class SignedCookieSessionBackend implements SessionBackend {
  readonly maxKeyLength: number;
  private readonly serializer: Serializer;
  private readonly djangoVersion: DjangoVersion;
  private readonly legacyAlgorithm: HmacAlgorithm | null;
  private readonly maxDecompressedSize: number;
  private warnedOversize = false;

  constructor(private readonly options: SignedCookieSessionBackendOptions) {
    const o = options;
    const version = o.djangoVersion ?? LATEST_DJANGO_VERSION;
    if (!isDjangoVersion(version)) throw new ImproperlyConfigured(`djangoVersion "${String(version)}" is not a known Django line`);
    this.djangoVersion = version;
    const defaults = djangoDefaults(version);
    if (!(typeof o.cookieAge === 'number' && Number.isFinite(o.cookieAge) && o.cookieAge >= 0)) throw new ImproperlyConfigured('cookieAge (SESSION_COOKIE_AGE) must be a number of seconds');
    if (o.fallbackKeys?.length && !defaults.supportsSecretKeyFallbacks) throw new ImproperlyConfigured(`Django ${version} has no SECRET_KEY_FALLBACKS (4.1+)`);
    if (o.algorithm === 'sha1' && !defaults.acceptsLegacySha1) throw new ImproperlyConfigured(`algorithm 'sha1' is DEFAULT_HASHING_ALGORITHM, which Django ${version} does not have (3.1/3.2 only)`);
    // 3.1/3.2's Signer always also accepts sha1 (its legacy_algorithm), whatever it signs with.
    this.legacyAlgorithm = defaults.acceptsLegacySha1 ? 'sha1' : null;
    this.maxKeyLength = positiveInteger(o.maxCookieLength ?? SIGNED_COOKIE_MAX_LENGTH, 'maxCookieLength');
    this.maxDecompressedSize = positiveInteger(o.maxDecompressedSize ?? SIGNED_COOKIE_MAX_DECOMPRESSED_SIZE, 'maxDecompressedSize');
    const serializer = o.serializer ?? JSONSerializer;
    const limits = { maxExpandedBytes: resolveLimit(() => resolveMaxExpandedBytes(o.maxExpandedBytes)), intMaxStrDigits: o.intMaxStrDigits === undefined ? undefined : resolveIntMaxStrDigits(o.intMaxStrDigits) };
    // The shared PickleSerializer is read-only (the db engine never needs to write one); this engine
    // must. The pickle reader measures its own result; every other serializer is measured after it.
    this.serializer = serializer === PickleSerializer ? signedCookiePickleSerializer({ djangoVersion: version, protocol: o.pickleProtocol, limits }) : limitedSerializer(serializer, limits, 'Session cookie data');
  }

  async load(sessionKey: string): Promise<SessionDict | null> {
    const o = this.options;
    try {
      const value = loads(sessionKey, {
        key: o.secretKey,
        fallbackKeys: o.fallbackKeys,
        salt: SIGNED_COOKIE_SESSION_SALT,
        serializer: this.serializer,
        algorithm: o.algorithm,
        legacyAlgorithm: this.legacyAlgorithm,
        maxAge: o.cookieAge,
        clock: o.clock,
        maxSize: this.maxKeyLength,
        maxDecompressedSize: this.maxDecompressedSize,
      });
      return asSignedSession(value);
    } catch (err) {
      // Like Django, any failure past this point resets the session; nothing else may escape.
      if (!(err instanceof SignatureExpired)) o.onCorrupt?.(err instanceof DjangoBridgeError ? err : new SerializationError(`Session cookie could not be read: ${(err as Error)?.message ?? String(err)}`));
      return null;
    }
  }

  async exists(): Promise<boolean> {
    return false;
  }

  /** `_get_session_key`: the signed session; the cookie is written whatever its size, as Django does. */
  private sign(session: SessionDict): string {
    const o = this.options;
    const value = dumps(session, { key: o.secretKey, salt: SIGNED_COOKIE_SESSION_SALT, serializer: this.serializer, compress: true, algorithm: o.algorithm, clock: o.clock });
    const size = (o.cookieName ?? 'sessionid').length + value.length;
    if (size > SIGNED_COOKIE_MAX_LENGTH) this.reportOversize({ length: value.length, size, limit: SIGNED_COOKIE_MAX_LENGTH });
    return value;
  }

  private reportOversize(cookie: OversizeSessionCookie): void {
    if (this.options.onOversize) return this.options.onOversize(cookie);
    if (this.warnedOversize) return;
    this.warnedOversize = true;
    process.emitWarning(`A signed_cookies session cookie is ${cookie.size} bytes (name and value), over the ${cookie.limit} browsers keep: they drop it and the session change is lost. Keep less in the session, or use another SESSION_ENGINE.`, { code: 'DJANGO_BRIDGE_SESSION_COOKIE_TOO_LARGE' });
  }

  async create(_sessionKey: string, session: SessionDict): Promise<string> {
    return this.sign(session);
  }

  async update(_sessionKey: string, session: SessionDict): Promise<string> {
    return this.sign(session);
  }

  async delete(): Promise<void> {}

  async clearExpired(): Promise<number> {
    return 0;
  }
}

/** A bad budget is a configuration error here, as every other option of this constructor. */
function resolveLimit(resolve: () => number): number {
  try {
    return resolve();
  } catch (err) {
    throw new ImproperlyConfigured((err as Error).message);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new ImproperlyConfigured(`${name} must be a positive whole number`);
  return value;
}

/** A signed value that can be a session: a plain dict (JSON object, unpickled dict), nothing else. */
function asSignedSession(value: unknown): SessionDict {
  if (value === null || typeof value !== 'object') throw new SerializationError('Session cookie data is not a dict');
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new SerializationError('Session cookie data is not a dict');
  return value as SessionDict;
}
