import type { SessionBackend, SessionDict, SessionExpiry } from '@django-bridge/core';
import { guardDatabase } from '../database/database-unavailable.js';

/**
 * Wraps the configured engine so that whatever it throws reaches the application as one of the
 * bridge's typed failures (503), never a raw error and a 500: a store of the application's own
 * may throw anything.
 */
export class GuardedSessionStore implements SessionBackend {
  readonly maxKeyLength: number | undefined;

  constructor(readonly inner: SessionBackend) {
    this.maxKeyLength = inner.maxKeyLength;
  }

  load(key: string): Promise<SessionDict | null> {
    return guardDatabase(() => this.inner.load(key));
  }

  exists(key: string): Promise<boolean> {
    return guardDatabase(() => this.inner.exists(key));
  }

  create(key: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    return guardDatabase(() => this.inner.create(key, session, expiry));
  }

  update(key: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    return guardDatabase(() => this.inner.update(key, session, expiry));
  }

  delete(key: string): Promise<void> {
    return guardDatabase(() => this.inner.delete(key));
  }

  clearExpired(): Promise<number> {
    return guardDatabase(() => this.inner.clearExpired());
  }
}
