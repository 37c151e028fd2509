import type { DjangoUser } from './django-user.js';
import type { UserAuthorization } from './user-authorization.js';

/**
 * Injection token and interface of the user store: Django's users, groups and permissions with
 * ModelBackend's rules. The default is TypeOrmUserStore over the site's database; give
 * `userStore` to DjangoBridgeModule for another (an in-memory one in unit tests, an API client).
 */
export const DjangoUserStore = Symbol.for('@django-bridge/nest:DjangoUserStore');

export interface DjangoUserStore {
  /** A primary key from `_auth_user_id` as this model keeps it, or null when it cannot be one. */
  parsePk(value: unknown): number | string | null;
  findById(id: number | string): Promise<DjangoUser | null>;
  /** `get_by_natural_key`: exact match on USERNAME_FIELD. */
  findByUsername(username: string): Promise<DjangoUser | null>;
  /** The user's group names, sorted. */
  groupNames(user: DjangoUser): Promise<string[]>;
  /** ModelBackend.get_all_permissions: "app_label.codename". */
  allPermissions(user: DjangoUser): Promise<Set<string>>;
  /**
   * Optional: both of the above in one round trip (TypeOrmUserStore: one statement). When a store
   * has it, the bridge's first ask of either brings both; without it, each is asked on its own.
   */
  groupsAndPermissions?(user: DjangoUser): Promise<UserAuthorization>;
  /** Stores a new encoded password (and sets it on the user object). */
  setPassword(user: DjangoUser, encoded: string): Promise<void>;
  /** Django's `update_last_login`. */
  updateLastLogin(user: DjangoUser, now?: Date): Promise<void>;
}
