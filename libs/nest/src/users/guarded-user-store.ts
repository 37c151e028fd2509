import { DjangoDatabaseUnavailable } from '../database/database-unavailable.js';
import { DEFAULT_STORE_TIMEOUT, guardStore } from '../database/store-deadline.js';
import type { DjangoUser } from './django-user.js';
import type { DjangoUserStore } from './django-user-store.js';
import type { UserAuthorization } from './user-authorization.js';

/**
 * Wraps a user store of the application's own so that whatever it throws reaches the application
 * as the bridge's typed failure (503), as GuardedSessionStore does for session stores: without it,
 * an API client or cache behind `userStore` that fails would answer 500. TypeOrmUserStore guards
 * its own queries already. Each call is bounded by `timeoutMs` (the `storeTimeout` option): one that
 * does not settle in time is a 503 as well.
 */
export class GuardedUserStore implements DjangoUserStore {
  /** Present only when the inner store has it, so that the bridge still asks a store without it one thing at a time. */
  readonly groupsAndPermissions?: (user: DjangoUser) => Promise<UserAuthorization>;

  constructor(
    readonly inner: DjangoUserStore,
    readonly timeoutMs: number = DEFAULT_STORE_TIMEOUT,
  ) {
    if (typeof inner.groupsAndPermissions === 'function') this.groupsAndPermissions = (user) => this.guard('groupsAndPermissions', () => inner.groupsAndPermissions!(user));
  }

  private guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return guardStore(this.timeoutMs, `The user store's ${what}`, operation);
  }

  parsePk(value: unknown): number | string | null {
    try {
      return this.inner.parsePk(value);
    } catch (err) {
      throw err instanceof DjangoDatabaseUnavailable ? err : new DjangoDatabaseUnavailable(err);
    }
  }

  findById(id: number | string): Promise<DjangoUser | null> {
    return this.guard('findById', () => this.inner.findById(id));
  }

  findByUsername(username: string): Promise<DjangoUser | null> {
    return this.guard('findByUsername', () => this.inner.findByUsername(username));
  }

  groupNames(user: DjangoUser): Promise<string[]> {
    return this.guard('groupNames', () => this.inner.groupNames(user));
  }

  allPermissions(user: DjangoUser): Promise<Set<string>> {
    return this.guard('allPermissions', () => this.inner.allPermissions(user));
  }

  setPassword(user: DjangoUser, encoded: string): Promise<void> {
    return this.guard('setPassword', () => this.inner.setPassword(user, encoded));
  }

  updateLastLogin(user: DjangoUser, now?: Date): Promise<void> {
    return this.guard('updateLastLogin', () => this.inner.updateLastLogin(user, now));
  }
}
