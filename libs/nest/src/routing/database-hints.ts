import { AsyncLocalStorage } from 'node:async_hooks';
import type { RoutingHints } from './database-router.js';

const storage = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * Request-scoped routing hints. The router recipe keeps a flag in a thread-local; Node serves many
 * requests on one thread, so the flag lives in an AsyncLocalStorage store that follows one request
 * through its awaits (see DatabaseHintsMiddleware) and is invisible to every other request.
 */
export const DatabaseHints = {
  /** Runs `fn` with `hints` as the current hints (nested calls see the merge of both). */
  run<T>(hints: Record<string, unknown>, fn: () => T): T {
    return storage.run({ ...storage.getStore(), ...hints }, fn);
  },

  /** The hints of the running request; an empty object outside one. */
  current(): RoutingHints {
    return storage.getStore() ?? {};
  },

  /** Adds a hint to the current request's hints; false (and nothing set) outside a `run`. */
  set(key: string, value: unknown): boolean {
    const store = storage.getStore();
    if (!store) return false;
    store[key] = value;
    return true;
  },
};
