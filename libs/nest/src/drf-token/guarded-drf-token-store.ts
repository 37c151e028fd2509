import { guardStore } from '../database/store-deadline.js';
import { DrfTokenStore, type DrfToken } from './drf-token-store.js';

/**
 * A token store of the application's own (`drfToken.store`), bounded by `storeTimeout` and with
 * whatever it throws turned into DjangoDatabaseUnavailable (503), as GuardedUserStore does: a
 * failing store is never a 500, nor read as "no such token".
 */
export class GuardedDrfTokenStore extends DrfTokenStore {
  constructor(
    readonly inner: DrfTokenStore,
    readonly timeoutMs?: number,
  ) {
    super();
  }

  private guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return guardStore(this.timeoutMs, `The DRF token store's ${what}`, operation);
  }

  findByKey(key: string): Promise<DrfToken | null> {
    return this.guard('findByKey', () => this.inner.findByKey(key));
  }

  findByUser(userId: number | string, access?: 'read' | 'write'): Promise<DrfToken | null> {
    return this.guard('findByUser', () => this.inner.findByUser(userId, access));
  }

  insert(token: DrfToken): Promise<boolean> {
    return this.guard('insert', () => this.inner.insert(token));
  }

  replace(token: DrfToken): Promise<void> {
    return this.guard('replace', () => this.inner.replace(token));
  }

  deleteForUser(userId: number | string): Promise<number> {
    return this.guard('deleteForUser', () => this.inner.deleteForUser(userId));
  }

  deleteKey(key: string): Promise<number> {
    return this.guard('deleteKey', () => this.inner.deleteKey(key));
  }
}
