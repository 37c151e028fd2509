import type { DjangoUser } from './django-user.js';
import type { DjangoUserStore } from './django-user-store.js';

/** A user's group names (sorted) and ModelBackend permissions ("app_label.codename"). */
export interface UserAuthorization {
  groups: string[];
  permissions: Set<string>;
}

/**
 * Asks the user store for each user object's groups and permissions once. The bridge makes a
 * fresh user object for every request (findById), so this is a per-request cache, as Django's
 * `_perm_cache` on request.user: a second guard, resolver or handler asking again is free. With a
 * store that reads both in one statement (TypeOrmUserStore), the first ask of either brings both;
 * with another store, each is asked only when someone needs it. A failed ask is not remembered.
 */
export class UserAuthorizations {
  private readonly both = new WeakMap<DjangoUser, Promise<UserAuthorization>>();
  private readonly groups = new WeakMap<DjangoUser, Promise<string[]>>();
  private readonly permissions = new WeakMap<DjangoUser, Promise<Set<string>>>();

  constructor(private readonly store: DjangoUserStore) {}

  permissionsOf(user: DjangoUser): Promise<Set<string>> {
    const store = this.store;
    if (store.groupsAndPermissions) return remember(this.both, user, () => store.groupsAndPermissions!(user)).then((a) => a.permissions);
    return remember(this.permissions, user, () => store.allPermissions(user));
  }

  /** A copy each time: callers may sort or change it. */
  async groupsOf(user: DjangoUser): Promise<string[]> {
    const store = this.store;
    if (store.groupsAndPermissions) return [...(await remember(this.both, user, () => store.groupsAndPermissions!(user))).groups];
    return [...(await remember(this.groups, user, () => store.groupNames(user)))];
  }
}

function remember<T>(cache: WeakMap<DjangoUser, Promise<T>>, user: DjangoUser, load: () => Promise<T>): Promise<T> {
  let pending = cache.get(user);
  if (!pending) {
    pending = Promise.resolve().then(load);
    cache.set(user, pending);
    const mine = pending;
    mine.catch(() => {
      if (cache.get(user) === mine) cache.delete(user);
    });
  }
  return pending;
}
