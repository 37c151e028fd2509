import type { SessionBackend, SessionDict, SessionExpiry } from '@django-bridge/core';
import { guardStore } from '../database/store-deadline.js';

/**
 * Wraps the configured engine so that whatever it throws reaches the application as one of the
 * bridge's typed failures (503), never a raw error and a 500: a store of the application's own
 * may throw anything. With `timeoutMs` (the `storeTimeout` option, for engines of the application's
 * own), a call that does not settle in time is a 503 too, so a hung store cannot hang requests.
 */
export class GuardedSessionStore implements SessionBackend {
  readonly maxKeyLength: number | undefined;

  constructor(
    readonly inner: SessionBackend,
    readonly timeoutMs?: number,
  ) {
    this.maxKeyLength = inner.maxKeyLength;
  }

  private guard<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return guardStore(this.timeoutMs, `The session store's ${what}`, operation);
  }

  load(key: string): Promise<SessionDict | null> {
    return this.guard('load', () => this.inner.load(key));
  }

  exists(key: string): Promise<boolean> {
    return this.guard('exists', () => this.inner.exists(key));
  }

  create(key: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    return this.guard('create', () => this.inner.create(key, session, expiry));
  }

  update(key: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    return this.guard('update', () => this.inner.update(key, session, expiry));
  }

  delete(key: string): Promise<void> {
    return this.guard('delete', () => this.inner.delete(key));
  }

  clearExpired(): Promise<number> {
    // Maintenance (clearsessions), not a request: not bounded by the request timeout.
    return guardStore(undefined, 'clearExpired', () => this.inner.clearExpired());
  }
}
