import { describe, expect, it } from '@jest/globals';
import { DrfTokenService } from './drf-token.service.js';
import { MemoryDrfTokenStore } from './memory-drf-token.store.js';
import { DrfTokenStore, type DrfToken } from './drf-token-store.js';
import { generateDrfTokenKey, isPossibleDrfTokenKey } from './drf-token-key.js';

describe('DrfTokenService over MemoryDrfTokenStore', () => {
  it('makes keys as Token.generate_key does: 40 lower-case hex digits, never twice', () => {
    const keys = Array.from({ length: 200 }, generateDrfTokenKey);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{40}$/);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('get_or_create: one token per user, the same one on each call', async () => {
    const service = new DrfTokenService(new MemoryDrfTokenStore());
    const first = await service.getOrCreate(7);
    expect(first.created).toBe(true);
    expect(first.token.userId).toBe(7);
    const again = await service.getOrCreate({ id: 7 });
    expect(again).toEqual({ token: first.token, created: false });
    expect(await service.create('7')).toEqual(first.token);
  });

  it('rotate replaces the key and created; delete removes it', async () => {
    const store = new MemoryDrfTokenStore();
    const service = new DrfTokenService(store);
    const before = await service.create(1);
    const rotated = await service.rotate(1);
    expect(rotated.key).not.toBe(before.key);
    expect(store.all()).toEqual([rotated]);
    expect(await store.findByKey(before.key)).toBeNull();
    expect(await service.rotate(2)).toMatchObject({ userId: 2 });
    expect(await service.delete(1)).toBe(true);
    expect(await service.forUser(1)).toBeNull();
    expect(await service.deleteKey((await service.forUser(2))!.key)).toBe(true);
    expect(store.all()).toEqual([]);
  });

  it('reads back a token a concurrent create inserted first, and retries a colliding key once', async () => {
    class Racing extends MemoryDrfTokenStore {
      inserts = 0;
      override async findByUser(userId: number | string): Promise<DrfToken | null> {
        return this.inserts === 0 ? null : super.findByUser(userId);
      }
      override async insert(token: DrfToken): Promise<boolean> {
        this.inserts++;
        // Another request created the user's token between our read and our insert.
        await super.insert({ ...token, key: 'f'.repeat(40) });
        return false;
      }
    }
    expect(await new Racing().getOrCreate(3, () => ({ key: generateDrfTokenKey(), userId: 3, created: new Date() }))).toMatchObject({ created: false, token: { key: 'f'.repeat(40) } });
    const taken = new MemoryDrfTokenStore([{ key: 'a'.repeat(40), userId: 1, created: new Date() }]);
    const made = ['a'.repeat(40), 'b'.repeat(40)];
    expect(await taken.getOrCreate(2, () => ({ key: made.shift()!, userId: 2, created: new Date() }))).toMatchObject({ created: true, token: { key: 'b'.repeat(40) } });
  });

  it('refuses a missing user instead of writing a row for nobody', async () => {
    const service = new DrfTokenService(new MemoryDrfTokenStore());
    await expect(service.create(undefined as never)).rejects.toThrow(TypeError);
    await expect(service.rotate({ id: '' })).rejects.toThrow(TypeError);
  });

  it('looks up only keys a table can hold', () => {
    expect(isPossibleDrfTokenKey(generateDrfTokenKey())).toBe(true);
    for (const bad of ['', 'a'.repeat(41), 'é', 'a b', 'a\u0000', 7, null]) expect(isPossibleDrfTokenKey(bad)).toBe(false);
  });

  it('is the base class a store of the application extends', () => {
    expect(new MemoryDrfTokenStore()).toBeInstanceOf(DrfTokenStore);
  });
});
