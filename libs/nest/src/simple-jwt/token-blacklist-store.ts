/** A row of token_blacklist_outstandingtoken: a refresh token SimpleJWT issued or saw. */
export interface OutstandingToken {
  /** BigAutoField; drivers may give a bigint as text. */
  id: number | string;
  /** Null when the user is gone (on_delete=SET_NULL) or was not known. */
  userId: number | string | null;
  jti: string;
  /** The signed token, as SimpleJWT stores str(token). */
  token: string;
  createdAt: Date | null;
  expiresAt: Date;
}

export type NewOutstandingToken = Omit<OutstandingToken, 'id'>;

/**
 * The injection token and contract of SimpleJWT's blacklist tables (the token_blacklist app):
 * TypeOrmTokenBlacklistStore on the site's database, MemoryTokenBlacklistStore in unit tests.
 * A store that cannot answer throws DjangoDatabaseUnavailable (a 503), never "not blacklisted".
 */
export abstract class TokenBlacklistStore {
  /** OutstandingToken.objects.create (for_user): a second row with this jti is an error. */
  abstract create(row: NewOutstandingToken): Promise<OutstandingToken>;
  /** OutstandingToken.objects.get_or_create(jti=..., defaults=...) (blacklist(), outstand()). */
  abstract getOrCreate(row: NewOutstandingToken): Promise<OutstandingToken>;
  abstract findByJti(jti: string): Promise<OutstandingToken | null>;
  /** BlacklistedToken.objects.filter(token__jti=jti).exists(). */
  abstract isBlacklisted(jti: string): Promise<boolean>;
  /** BlacklistedToken.objects.get_or_create(token=outstanding): true when this call added it. */
  abstract blacklist(outstanding: OutstandingToken, at?: Date): Promise<boolean>;
}
