import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';
import { ConnectionLease, ownCheckout, type Checkout } from './connection-lease.js';

const storage = new AsyncLocalStorage<Map<DataSource, ConnectionLease>>();

/**
 * The bridge's connections of one request, one lease per DataSource (see ConnectionLease). The
 * scope follows the request through its awaits (AsyncLocalStorage), so the stores, which see only
 * keys and ids, still share the request's connection; DatabaseHintsMiddleware opens it for every
 * HTTP request. Outside a scope every statement takes its own connection, as before.
 */
export const RequestConnections = {
  /** Runs `fn` in a connection scope of its own (or the current one, when already inside one). */
  run<T>(fn: () => T): T {
    return storage.getStore() ? fn() : storage.run(new Map(), fn);
  },

  /** Whether the caller runs inside a scope. */
  active(): boolean {
    return storage.getStore() !== undefined;
  },

  /** How the next statement on `dataSource` gets its connection: the request's lease, or its own. */
  checkout(dataSource: DataSource): Checkout {
    const leases = storage.getStore();
    if (!leases) return ownCheckout(dataSource);
    let lease = leases.get(dataSource);
    if (!lease) leases.set(dataSource, (lease = new ConnectionLease(dataSource)));
    return lease.checkout();
  },
};
