import { type ExpiringSessionBackend, type SessionDict, type SessionExpiry } from './session-backend.js';

/**
 * The db engine's semantics in process memory: for unit tests and single-process tools, not for
 * sharing with Django. Data is copied in and out (as a database would), so a test that changes a
 * session after saving it sees the stored copy unchanged.
 */
export class MemorySessionBackend implements ExpiringSessionBackend {
  readonly rows = new Map<string, { session: SessionDict; expireDate: Date }>();

  constructor(private readonly now: () => number = Date.now) {}

  async loadWithExpiry(key: string): Promise<{ session: SessionDict; expireDate: Date } | null> {
    const row = this.rows.get(key);
    return row && row.expireDate.getTime() > this.now() ? { session: structuredClone(row.session), expireDate: row.expireDate } : null;
  }

  async load(key: string): Promise<SessionDict | null> {
    return (await this.loadWithExpiry(key))?.session ?? null;
  }

  async exists(key: string): Promise<boolean> {
    return this.rows.has(key);
  }

  async create(key: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    if (this.rows.has(key)) return null;
    this.rows.set(key, { session: structuredClone(session), expireDate: expiry.expireDate });
    return key;
  }

  async update(key: string, session: SessionDict, expiry: SessionExpiry): Promise<string | null> {
    if (!this.rows.has(key)) return null;
    this.rows.set(key, { session: structuredClone(session), expireDate: expiry.expireDate });
    return key;
  }

  async delete(key: string): Promise<void> {
    this.rows.delete(key);
  }

  async clearExpired(): Promise<number> {
    let n = 0;
    for (const [key, row] of this.rows) if (row.expireDate.getTime() < this.now() && this.rows.delete(key)) n++;
    return n;
  }
}
