import { DjangoDatabaseUnavailable, guardDatabase } from '../database/database-unavailable.js';
import type { DjangoUser } from './django-user.js';
import type { DjangoUserStore } from './django-user-store.js';

/**
 * Wraps a user store of the application's own so that whatever it throws reaches the application
 * as the bridge's typed failure (503), as GuardedSessionStore does for session stores: without it,
 * an API client or cache behind `userStore` that fails would answer 500. TypeOrmUserStore guards
 * its own queries already.
 */
export class GuardedUserStore implements DjangoUserStore {
  constructor(readonly inner: DjangoUserStore) {}

  parsePk(value: unknown): number | string | null {
    try {
      return this.inner.parsePk(value);
    } catch (err) {
      throw err instanceof DjangoDatabaseUnavailable ? err : new DjangoDatabaseUnavailable(err);
    }
  }

  findById(id: number | string): Promise<DjangoUser | null> {
    return guardDatabase(() => this.inner.findById(id));
  }

  findByUsername(username: string): Promise<DjangoUser | null> {
    return guardDatabase(() => this.inner.findByUsername(username));
  }

  groupNames(user: DjangoUser): Promise<string[]> {
    return guardDatabase(() => this.inner.groupNames(user));
  }

  allPermissions(user: DjangoUser): Promise<Set<string>> {
    return guardDatabase(() => this.inner.allPermissions(user));
  }

  setPassword(user: DjangoUser, encoded: string): Promise<void> {
    return guardDatabase(() => this.inner.setPassword(user, encoded));
  }

  updateLastLogin(user: DjangoUser, now?: Date): Promise<void> {
    return guardDatabase(() => this.inner.updateLastLogin(user, now));
  }
}
