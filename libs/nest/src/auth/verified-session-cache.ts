import { ImproperlyConfigured } from '@django-bridge/core';
import { DjangoUser } from '../users/django-user.js';

/**
 * The verifiedSessionCache option: for how long, and for how many sessions, a session whose user
 * was verified against the database may be trusted again without asking it.
 */
export interface VerifiedSessionCacheOptions {
  /** Milliseconds a verification is trusted: the longest a change made outside this process goes unseen. */
  ttl: number;
  /** Most sessions remembered; the least recently used goes first. */
  maxEntries: number;
}

interface Entry {
  user: DjangoUser;
  userId: string;
  until: number;
}

/**
 * An in-process memory of sessions recently verified (session row read, user found and allowed,
 * session auth hash matching), so that a guard can skip the session and user queries on the next
 * requests with the same cookie. Bounded by size (least recently used evicted) and by age (`ttl`).
 *
 * What it costs in freshness: a logout, password change, deactivation or permission change made
 * by Django or another process is seen once the entry ages out, at most `ttl` later. What this
 * process does itself is seen at once: a bridge logout, login or flush forgets the session, and a
 * password the bridge writes forgets every session of that user.
 */
export class VerifiedSessionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly options: VerifiedSessionCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A copy of the user a fresh entry holds for this session key, else undefined (an aged entry is
   * dropped). Each hit gets its own copy, so a handler that changes its user changes no other request's.
   */
  get(sessionKey: string): DjangoUser | undefined {
    const entry = this.entries.get(sessionKey);
    if (!entry) return undefined;
    this.entries.delete(sessionKey);
    if (entry.until <= this.now()) return undefined;
    this.entries.set(sessionKey, entry); // most recently used last
    return DjangoUser.copyOf(entry.user);
  }

  /** Remembers a verified session; `ttlCap` (ms) shortens the entry for a session that ends sooner. */
  set(sessionKey: string, user: DjangoUser, ttlCap = Infinity): void {
    const ttl = Math.min(this.options.ttl, ttlCap);
    if (!(ttl > 0)) return;
    this.entries.delete(sessionKey);
    // A snapshot: the request that verified the session may go on to change its own user object.
    this.entries.set(sessionKey, { user: DjangoUser.copyOf(user), userId: String(user.id), until: this.now() + ttl });
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Forgets one session (logout, login, flush, re-key). */
  forget(sessionKey: string | null | undefined): void {
    if (sessionKey) this.entries.delete(sessionKey);
  }

  /** Forgets every session of a user (a password the bridge changed). */
  forgetUser(userId: unknown): void {
    const id = String(userId);
    for (const [key, entry] of this.entries) if (entry.userId === id) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The option as given: false/undefined (off) or both bounds as positive whole numbers. */
export function resolveVerifiedSessionCache(value: unknown): VerifiedSessionCacheOptions | false {
  if (value === undefined || value === false) return false;
  const fail = (problem: string): never => {
    throw new ImproperlyConfigured(`DjangoBridgeModule option "verifiedSessionCache" ${problem}`);
  };
  if (!value || typeof value !== 'object') fail('must be false or { ttl, maxEntries }');
  const { ttl, maxEntries, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length) fail(`has unknown field(s) ${Object.keys(rest).join(', ')} (use ttl, maxEntries)`);
  // Both bounds are required: an unbounded cache of verified sessions is a login that never ends.
  if (!Number.isSafeInteger(ttl) || (ttl as number) <= 0) fail('.ttl must be a positive whole number of milliseconds');
  if (!Number.isSafeInteger(maxEntries) || (maxEntries as number) <= 0) fail('.maxEntries must be a positive whole number');
  return { ttl: ttl as number, maxEntries: maxEntries as number };
}
