/** A session's data: Django's session dict (`request.session`), as plain JSON-like values. */
export type SessionDict = Record<string, unknown>;

/** When a stored session ends, in the two forms Django's engines use. */
export interface SessionExpiry {
  /** The instant it ends (`get_expiry_date()`, the db engine's `expire_date`). */
  expireDate: Date;
  /** Seconds from now until then (`get_expiry_age()`, the timeout the cache engines give the cache). */
  age: number;
}

/**
 * Where sessions live: one implementation per Django `SESSION_ENGINE` (db, cache, cached_db,
 * signed_cookies) or a store of the application's own. Each engine does its own encoding, as
 * Django's do: the db engine signs `session_data`, the cache engines leave it to the cache's
 * serializer, signed_cookies puts the signed data in the key itself. DjangoSession keeps the
 * request-level semantics (lazy load, flags, flush, cycle_key) on top.
 *
 * Failures: a store that cannot be reached throws (DjangoDatabaseUnavailable, CacheUnavailable),
 * which the Nest layer answers with 503; data that cannot be decoded is Django's "Session data
 * corrupted" case, handled inside the engine as Django does (an empty dict, or no session).
 */
export interface SessionBackend {
  /** The data of a live session, or null when there is none under this key (missing, expired). */
  load(sessionKey: string): Promise<SessionDict | null>;
  /** Whether the key is taken, expired or not (Django's `exists`, used to avoid collisions). */
  exists(sessionKey: string): Promise<boolean>;
  /**
   * Stores a new session; null when the key is taken (Django's CreateError). Returns the key the
   * session is stored under: the given one, except for engines whose key is the data (signed_cookies).
   */
  create(sessionKey: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null>;
  /** Rewrites a session; null when it vanished meanwhile (Django's UpdateError). Returns the key as create does. */
  update(sessionKey: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null>;
  delete(sessionKey: string): Promise<void>;
  /** Deletes expired sessions (`clearsessions`) where the engine keeps any; returns how many. */
  clearExpired(): Promise<number>;
  /** Longest cookie value that can name a session here (default 40, django_session.session_key). */
  readonly maxKeyLength?: number;
}

/**
 * A store that keeps each session's expiry beside it (the db engine): cached_db needs the stored
 * expiry to refill its cache with the right timeout.
 */
export interface ExpiringSessionBackend extends SessionBackend {
  /** The data of a live session with its stored expiry, or null. */
  loadWithExpiry(sessionKey: string): Promise<{ session: SessionDict; expireDate: Date } | null>;
}
