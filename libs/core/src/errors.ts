/**
 * Typed errors of the core. Every failure the core can see in untrusted input ends in one of these
 * (never a bare TypeError or RangeError), so callers can fail closed with one `instanceof` check.
 */
export class DjangoBridgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Signature missing, malformed or not made with any accepted key (Django's `BadSignature`). */
export class BadSignature extends DjangoBridgeError {}

/** Valid signature, but older than `maxAge` (Django's `SignatureExpired`, a `BadSignature`). */
export class SignatureExpired extends BadSignature {}

/** Bytes that do not decode to a value: base64, zlib, JSON, PHP or pickle syntax, size limits. */
export class SerializationError extends DjangoBridgeError {}

/** Session data that could not be verified or decoded (wraps the cause). */
export class SuspiciousSession extends DjangoBridgeError {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

/**
 * A value pickleDumps cannot write: outside the safe pickle subset the reader accepts (Python's
 * `pickle.PicklingError`). Nothing is written; a `SerializationError`, like the other writers' refusals.
 */
export class PicklingError extends SerializationError {}

/**
 * Session data read synchronously before the session was loaded: a programming error, not bad
 * input. The message names the ways out (await load(); in Nest, @LoadSession() or
 * sessionLoading: 'eager').
 */
export class SessionNotLoaded extends DjangoBridgeError {
  constructor() {
    super('Session not loaded: await session.load() first (in Nest: mark the handler @LoadSession() or @CurrentSession(), await DjangoSessionService.load(req), or set sessionLoading: \'eager\')');
  }
}

/** A password hash string that names no enabled hasher. */
export class UnknownPasswordHasher extends DjangoBridgeError {}

/** A password hash string whose fields are malformed or whose work factors exceed the configured caps. */
export class InvalidPasswordHash extends DjangoBridgeError {}

/** A CSRF token of the wrong length or alphabet (Django's `InvalidTokenFormat`). */
export class InvalidCsrfTokenFormat extends DjangoBridgeError {}

/** Options that cannot work (empty key, unknown algorithm, unsupported Django version...). */
export class ImproperlyConfigured extends DjangoBridgeError {}

/**
 * A cache could not be reached or did not answer in time (connection refused, timeout, cluster
 * down). The Nest layer answers it with 503; it is never taken for a missing session or a login.
 */
export class CacheUnavailable extends DjangoBridgeError {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}
