import { type BytesLike } from '../crypto/bytes.js';
import { type HmacAlgorithm } from '../crypto/salted-hmac.js';
import { djangoDefaults, type DjangoVersion } from '../django-version.js';
import { DjangoBridgeError } from '../errors.js';
import { JSONSerializer, type Serializer } from '../serializers/serializer.js';
import { dumps, loads } from '../signing/dumps.js';
import { asSessionDict } from './session-serializers.js';
import { type SessionBackend, type SessionDict } from './session-backend.js';

/** The salt Django's signed_cookies engine signs with. */
export const SIGNED_COOKIE_SESSION_SALT = 'django.contrib.sessions.backends.signed_cookies';
/** Browsers keep cookies up to about 4 KB (RFC 6265's minimum, 4096 bytes for name, value and attributes). */
export const SIGNED_COOKIE_MAX_LENGTH = 4096;

export interface SignedCookieSessionBackendOptions {
  /** SECRET_KEY. */
  secretKey: BytesLike;
  /** SECRET_KEY_FALLBACKS (Django 4.1+). */
  fallbackKeys?: readonly BytesLike[];
  /** SESSION_SERIALIZER; JSON by default. */
  serializer?: Serializer;
  /** SESSION_COOKIE_AGE: the signature's max_age (Django ignores a per-session expiry here, ticket #19201). */
  cookieAge: number;
  /** The site's Django line: 3.2 also reads sha1 signatures. */
  djangoVersion?: DjangoVersion;
  /** sha256 (default); sha1 for a 3.2 site with DEFAULT_HASHING_ALGORITHM = 'sha1'. */
  algorithm?: HmacAlgorithm;
  /** Seconds since the epoch; injectable to freeze the signing timestamp. */
  clock?: () => number;
  /** Told when a cookie does not verify or decode (Django resets such a session silently). */
  onCorrupt?: (error: Error) => void;
}

/**
 * `django.contrib.sessions.backends.signed_cookies`: no server-side storage; the session key is
 * the session itself, `signing.dumps(session, compress=True, salt=...)`. Create and update return
 * the new cookie value; delete has nothing to remove. A cookie that fails to verify or decode is
 * no session.
 */
export class SignedCookieSessionBackend implements SessionBackend {
  readonly maxKeyLength = SIGNED_COOKIE_MAX_LENGTH;

  constructor(private readonly options: SignedCookieSessionBackendOptions) {}

  private get legacyAlgorithm(): HmacAlgorithm | null {
    const o = this.options;
    return o.algorithm === 'sha1' || (o.djangoVersion && djangoDefaults(o.djangoVersion).acceptsLegacySha1) ? 'sha1' : null;
  }

  async load(sessionKey: string): Promise<SessionDict | null> {
    const o = this.options;
    try {
      const value = loads(sessionKey, {
        key: o.secretKey,
        fallbackKeys: o.fallbackKeys,
        salt: SIGNED_COOKIE_SESSION_SALT,
        serializer: o.serializer ?? JSONSerializer,
        algorithm: o.algorithm,
        legacyAlgorithm: this.legacyAlgorithm,
        maxAge: o.cookieAge,
        clock: o.clock,
        maxSize: SIGNED_COOKIE_MAX_LENGTH,
      });
      return asSessionDict(value);
    } catch (err) {
      if (!(err instanceof DjangoBridgeError)) throw err;
      o.onCorrupt?.(err);
      return null;
    }
  }

  async exists(): Promise<boolean> {
    return false;
  }

  private sign(session: SessionDict): string {
    const o = this.options;
    return dumps(session, { key: o.secretKey, salt: SIGNED_COOKIE_SESSION_SALT, serializer: o.serializer ?? JSONSerializer, compress: true, algorithm: o.algorithm, clock: o.clock });
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
