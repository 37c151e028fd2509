import type { ResolvedBridgeOptions } from '../django-bridge.options.js';
import { MemoryTokenBlacklistStore } from './memory-token-blacklist.store.js';
import type { TokenBlacklistStore } from './token-blacklist-store.js';
import { TypeOrmTokenBlacklistStore } from './typeorm-token-blacklist.store.js';

/**
 * The TokenBlacklistStore provider: `simpleJwt.blacklistStore`, else the token_blacklist tables on
 * the routed databases. Without databases (and so without `blacklist`, which the options refuse
 * then) an empty memory store that nothing writes to.
 */
export function createTokenBlacklistStore(o: ResolvedBridgeOptions): TokenBlacklistStore {
  if (o.simpleJwt?.blacklistStore) return o.simpleJwt.blacklistStore;
  if (!o.databases) return new MemoryTokenBlacklistStore();
  return new TypeOrmTokenBlacklistStore(o.databases, { userPkType: o.userModel.pkType, useTz: o.useTz, timeZone: o.timeZone, timeout: o.databaseTimeout });
}
