import { DrfTokenStore, type DrfToken } from './drf-token-store.js';

/** DRF tokens in memory, for unit tests and examples. Keys compare exactly. */
export class MemoryDrfTokenStore extends DrfTokenStore {
  private readonly byKey = new Map<string, DrfToken>();

  constructor(tokens: DrfToken[] = []) {
    super();
    for (const token of tokens) {
      if (!this.insertNow(token)) throw new Error(`MemoryDrfTokenStore: duplicate token for user ${token.userId} or key`);
    }
  }

  /** Every stored token (copies). */
  all(): DrfToken[] {
    return [...this.byKey.values()].map((t) => ({ ...t }));
  }

  private ofUser(userId: number | string): DrfToken | undefined {
    for (const token of this.byKey.values()) if (String(token.userId) === String(userId)) return token;
    return undefined;
  }

  private insertNow(token: DrfToken): boolean {
    if (this.byKey.has(token.key) || this.ofUser(token.userId)) return false;
    this.byKey.set(token.key, { ...token });
    return true;
  }

  async findByKey(key: string): Promise<DrfToken | null> {
    const token = this.byKey.get(key);
    return token ? { ...token } : null;
  }

  async findByUser(userId: number | string): Promise<DrfToken | null> {
    const token = this.ofUser(userId);
    return token ? { ...token } : null;
  }

  async insert(token: DrfToken): Promise<boolean> {
    return this.insertNow(token);
  }

  async replace(token: DrfToken): Promise<void> {
    const old = this.ofUser(token.userId);
    if (old) this.byKey.delete(old.key);
    this.byKey.delete(token.key);
    this.byKey.set(token.key, { ...token });
  }

  async deleteForUser(userId: number | string): Promise<number> {
    const old = this.ofUser(userId);
    return old && this.byKey.delete(old.key) ? 1 : 0;
  }

  async deleteKey(key: string): Promise<number> {
    return this.byKey.delete(key) ? 1 : 0;
  }
}
