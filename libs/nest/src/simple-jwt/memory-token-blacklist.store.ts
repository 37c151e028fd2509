import { TokenBlacklistStore, type NewOutstandingToken, type OutstandingToken } from './token-blacklist-store.js';

/** The blacklist tables in memory, for unit tests and single-process tools. */
export class MemoryTokenBlacklistStore extends TokenBlacklistStore {
  private readonly outstanding = new Map<string, OutstandingToken>();
  /** outstanding id -> blacklisted_at. */
  private readonly blacklisted = new Map<string, Date>();
  private nextId = 1;

  async create(row: NewOutstandingToken): Promise<OutstandingToken> {
    if (this.outstanding.has(row.jti)) throw new Error(`UNIQUE constraint failed: token_blacklist_outstandingtoken.jti (${row.jti})`);
    const saved = { ...row, id: this.nextId++ };
    this.outstanding.set(row.jti, saved);
    return { ...saved };
  }

  async getOrCreate(row: NewOutstandingToken): Promise<OutstandingToken> {
    return (await this.findByJti(row.jti)) ?? this.create(row);
  }

  async findByJti(jti: string): Promise<OutstandingToken | null> {
    const row = this.outstanding.get(jti);
    return row ? { ...row } : null;
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    const row = this.outstanding.get(jti);
    return !!row && this.blacklisted.has(String(row.id));
  }

  async blacklist(outstanding: OutstandingToken, at = new Date()): Promise<boolean> {
    if (this.blacklisted.has(String(outstanding.id))) return false;
    this.blacklisted.set(String(outstanding.id), at);
    return true;
  }

  /** Tests: forget a user's link, as on_delete=SET_NULL does. */
  rows(): OutstandingToken[] {
    return [...this.outstanding.values()].map((r) => ({ ...r }));
  }
}
