import { type DjangoCache } from './django-cache.js';

/**
 * Django's LocMemCache semantics in process memory, for unit tests and single-process tools (it is
 * not shared with Django). Values are copied in and out, as a real cache serializes them.
 */
export class MemoryDjangoCache implements DjangoCache {
  readonly entries = new Map<string, { value: unknown; expiresAt: number | null }>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): { value: unknown } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private put(key: string, value: unknown, timeout: number | null): void {
    if (timeout !== null && timeout <= 0) {
      this.entries.delete(key);
      return;
    }
    this.entries.set(key, { value: structuredClone(value), expiresAt: timeout === null ? null : this.now() + timeout * 1000 });
  }

  async get(key: string): Promise<unknown> {
    const entry = this.live(key);
    return entry ? structuredClone(entry.value) : undefined;
  }

  async set(key: string, value: unknown, timeout: number | null): Promise<void> {
    this.put(key, value, timeout);
  }

  async add(key: string, value: unknown, timeout: number | null): Promise<boolean> {
    if (this.live(key)) return false;
    this.put(key, value, timeout);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.entries.delete(key);
  }

  async has(key: string): Promise<boolean> {
    return this.live(key) !== undefined;
  }

  async close(): Promise<void> {}
}
