import { ImproperlyConfigured } from '@django-bridge/core';
import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { DrfTokenStore, type DrfToken } from './drf-token-store.js';
import { GuardedDrfTokenStore } from './guarded-drf-token-store.js';
import { TypeOrmDrfTokenStore } from './typeorm-drf-token.store.js';

/** Stands in when the bridge has no database and no `drfToken.store`: every use says what to configure. */
class UnconfiguredDrfTokenStore extends DrfTokenStore {
  private fail(): never {
    throw new ImproperlyConfigured('DRF tokens need the authtoken_token table (give dataSource or databases) or DjangoBridgeModule option "drfToken.store"');
  }
  async findByKey(): Promise<DrfToken | null> {
    return this.fail();
  }
  async findByUser(): Promise<DrfToken | null> {
    return this.fail();
  }
  async insert(): Promise<boolean> {
    return this.fail();
  }
  async replace(): Promise<void> {
    return this.fail();
  }
  async deleteForUser(): Promise<number> {
    return this.fail();
  }
  async deleteKey(): Promise<number> {
    return this.fail();
  }
}

/** The DrfTokenStore provider: the application's store (bounded by storeTimeout), else the table on the routed databases. */
export function createDrfTokenStore(o: ResolvedBridgeOptions): DrfTokenStore {
  const { store, table } = o.drfToken;
  if (store) return new GuardedDrfTokenStore(store, o.storeTimeout);
  if (!o.databases) return new UnconfiguredDrfTokenStore();
  return new TypeOrmDrfTokenStore(o.databases, { table, userPkType: o.userModel.pkType, useTz: o.useTz, timeZone: o.timeZone, timeout: o.databaseTimeout });
}
