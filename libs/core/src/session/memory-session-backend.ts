import { type SessionBackend } from './session-backend.js';

/** A SessionBackend in process memory: for tests and single-process tools, not for sharing with Django. */
export class MemorySessionBackend implements SessionBackend {
  readonly rows = new Map<string, { sessionData: string; expireDate: Date }>();

  constructor(private readonly now: () => number = Date.now) {}

  async load(key: string): Promise<string | null> {
    const row = this.rows.get(key);
    return row && row.expireDate.getTime() > this.now() ? row.sessionData : null;
  }

  async exists(key: string): Promise<boolean> {
    return this.rows.has(key);
  }

  async create(key: string, sessionData: string, expireDate: Date): Promise<boolean> {
    if (this.rows.has(key)) return false;
    this.rows.set(key, { sessionData, expireDate });
    return true;
  }

  async update(key: string, sessionData: string, expireDate: Date): Promise<boolean> {
    if (!this.rows.has(key)) return false;
    this.rows.set(key, { sessionData, expireDate });
    return true;
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
