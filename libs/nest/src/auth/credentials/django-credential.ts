import type { DjangoUser } from '../../users/django-user.js';

/** Who a credential proved, and with what: DRF's `(request.user, request.auth)`. */
export interface CredentialMatch {
  user: DjangoUser;
  /** The credential's name ('session', 'token', 'jwt', ...). */
  credential: string;
  /** What proved it: the token row, the verified JWT claims; null for a session. */
  auth: unknown;
  /** Set by DjangoCredentials from the credential's `csrfExempt`. */
  csrfExempt?: boolean;
}

/**
 * One way a request can prove its user, like one of DRF's authentication classes. `authenticate`
 * answers null when the request does not carry this credential at all (the next one is tried), and
 * throws DjangoNotAuthenticated (with this credential's challenge) when it carries one that fails:
 * a bad token is a 401, never a fall-through to another credential. A store that is down throws
 * DjangoDatabaseUnavailable (503); it is never read as "no credential".
 */
export interface DjangoCredential {
  readonly name: string;
  /**
   * True for a credential sent in a header that no cross-site form or script can set (a DRF token,
   * a JWT): DjangoCsrfGuard then lets its requests through, as DRF checks CSRF for sessions only.
   * Leave it unset for anything carried by a cookie.
   */
  readonly csrfExempt?: boolean;
  authenticate(request: object): Promise<CredentialMatch | null>;
  /** DRF's `authenticate_header`: the WWW-Authenticate value of a 401; undefined for none (the session). */
  challenge(): string | undefined;
}
