/** One row of `authtoken_token` (DRF's Token model). */
export interface DrfToken {
  /** 40 hex characters; the primary key. */
  key: string;
  /** `user_id`: the user's primary key as the user model keeps it. */
  userId: number | string;
  /** `created` (auto_now_add). */
  created: Date;
}

/** What `getOrCreate` found: Django's `(token, created)` of `Token.objects.get_or_create(user=user)`. */
export interface DrfTokenGetOrCreate {
  token: DrfToken;
  created: boolean;
}

/**
 * Injection token and base class of DRF token storage: `authtoken_token`, one token per user.
 * The default is TypeOrmDrfTokenStore over the site's databases; give `drfToken.store` for another
 * (MemoryDrfTokenStore in unit tests). Failures of the storage surface as DjangoDatabaseUnavailable.
 */
export abstract class DrfTokenStore {
  /** `Token.objects.get(key=key)`: the token, or null. */
  abstract findByKey(key: string): Promise<DrfToken | null>;

  /** `Token.objects.filter(user=user).first()`; `access: 'write'` reads where writes go (get_or_create does). */
  abstract findByUser(userId: number | string, access?: 'read' | 'write'): Promise<DrfToken | null>;

  /** Inserts a row; false when the user already has a token (or, once in 2^160, the key is taken). */
  abstract insert(token: DrfToken): Promise<boolean>;

  /**
   * Replaces the user's token with this one in one atomic step (DRF has no rotate: it is
   * `filter(user=user).delete()` then `create(user=user)`, as `drf_create_token --reset` does).
   */
  abstract replace(token: DrfToken): Promise<void>;

  /** `Token.objects.filter(user=user).delete()`: how many rows went (0 or 1). */
  abstract deleteForUser(userId: number | string): Promise<number>;

  /** `Token.objects.filter(key=key).delete()`. */
  abstract deleteKey(key: string): Promise<number>;

  /**
   * `get_or_create(user=user)`: the user's token, or a new one. A concurrent create that wins the
   * race is read back, as Django does after its IntegrityError.
   */
  async getOrCreate(userId: number | string, make: () => DrfToken): Promise<DrfTokenGetOrCreate> {
    const found = await this.findByUser(userId, 'write');
    if (found) return { token: found, created: false };
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = make();
      if (await this.insert(token)) return { token, created: true };
      const raced = await this.findByUser(userId, 'write');
      if (raced) return { token: raced, created: false };
      // No row for the user: the new key itself collided; a fresh one is tried once.
    }
    throw new Error('Could not create a DRF token: the generated keys were taken');
  }
}
