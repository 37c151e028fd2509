/**
 * Where session rows live: Django's `django_session` table through TypeORM, or anything else that
 * keeps Django's semantics. Data goes in and out encoded (`session_data`); expiry is an instant.
 */
export interface SessionBackend {
  /** The encoded data of a live session (expire_date in the future), or null. */
  load(sessionKey: string): Promise<string | null>;
  /** Whether any row has this key, expired or not (Django's `exists`, used to avoid collisions). */
  exists(sessionKey: string): Promise<boolean>;
  /** Insert; false when the key is taken (Django's CreateError). */
  create(sessionKey: string, sessionData: string, expireDate: Date): Promise<boolean>;
  /** Update; false when the row vanished meanwhile (Django's UpdateError). */
  update(sessionKey: string, sessionData: string, expireDate: Date): Promise<boolean>;
  delete(sessionKey: string): Promise<void>;
  /** Deletes expired rows (`clearsessions`); returns how many. */
  clearExpired(): Promise<number>;
}
