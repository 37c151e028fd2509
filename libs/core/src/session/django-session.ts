import { type DjangoVersion } from '../django-version.js';
import { ImproperlyConfigured, SessionNotLoaded } from '../errors.js';
import { wallTimeToInstant } from '../time/time-zone.js';
import { type SessionBackend, type SessionExpiry } from './session-backend.js';
import { isValidSessionKey, MAX_SESSION_KEY_LENGTH, newSessionKey } from './session-key.js';

/** Django's default SESSION_COOKIE_AGE: two weeks. */
export const DEFAULT_SESSION_COOKIE_AGE = 1_209_600;
const EXPIRY_KEY = '_session_expiry';

export interface DjangoSessionOptions {
  /** The engine the session lives in (db, cache, cached_db, signed_cookies or the application's own). */
  backend: SessionBackend;
  /** The site's Django line: a datetime expiry needs 4.1+. */
  djangoVersion?: DjangoVersion;
  /** SESSION_COOKIE_AGE in seconds. */
  cookieAge?: number;
  /** SESSION_EXPIRE_AT_BROWSER_CLOSE. */
  expireAtBrowserClose?: boolean;
  /** TIME_ZONE, used to read naive ISO expiry strings (USE_TZ = False sites). */
  timeZone?: string;
  /** Current time in milliseconds; injectable for tests. */
  now?: () => number;
  /** Accepted shape of incoming keys (default: printable ASCII, 8 characters up to the engine's maxKeyLength). */
  keyPattern?: RegExp;
}

/** Thrown by save() when the row disappeared during the request (Django's SessionInterrupted, HTTP 400). */
export class SessionInterrupted extends Error {
  constructor() {
    super('The session was deleted before the request completed. The user may have logged out in a concurrent request.');
    this.name = 'SessionInterrupted';
  }
}

/**
 * Django's `SessionBase` semantics over a {@link SessionBackend} (the engine): lazy load,
 * accessed/modified flags, flush, cycle_key, create with collision retry, expiry rules. Load once
 * (`await load()`), then read and write synchronously like a dict; `save()` at the end.
 */
export class DjangoSession {
  accessed = false;
  modified = false;
  private sessionKey: string | null;
  private cache: Map<string, unknown> | null = null;

  constructor(
    sessionKey: string | null | undefined,
    private readonly options: DjangoSessionOptions,
  ) {
    const maxLength = options.backend.maxKeyLength ?? MAX_SESSION_KEY_LENGTH;
    this.sessionKey = isValidSessionKey(sessionKey, options.keyPattern, maxLength) ? sessionKey : null;
  }

  /** The session key, or null when there is none (no cookie, invalid, expired, flushed). */
  get key(): string | null {
    return this.sessionKey;
  }

  get isLoaded(): boolean {
    return this.cache !== null;
  }

  /** Reads the stored session once; later calls do nothing. The engine decides what bad data gives. */
  async load(): Promise<this> {
    if (this.cache) return this;
    if (this.sessionKey === null) {
      this.cache = new Map();
      return this;
    }
    const dict = await this.options.backend.load(this.sessionKey);
    if (this.cache) return this; // loaded concurrently
    if (dict === null) this.sessionKey = null;
    this.cache = new Map(Object.entries(dict ?? {}));
    return this;
  }

  private data(): Map<string, unknown> {
    this.accessed = true;
    if (!this.cache) {
      if (this.sessionKey !== null) throw new SessionNotLoaded();
      this.cache = new Map();
    }
    return this.cache;
  }

  get<T = unknown>(key: string, fallback?: T): T | undefined {
    const data = this.data();
    return data.has(key) ? (data.get(key) as T) : fallback;
  }

  has(key: string): boolean {
    return this.data().has(key);
  }

  set(key: string, value: unknown): void {
    this.data().set(key, value);
    this.modified = true;
  }

  delete(key: string): boolean {
    const removed = this.data().delete(key);
    this.modified = true;
    return removed;
  }

  pop<T = unknown>(key: string, fallback?: T): T | undefined {
    const data = this.data();
    if (!data.has(key)) return fallback;
    const value = data.get(key) as T;
    data.delete(key);
    this.modified = true;
    return value;
  }

  setDefault<T>(key: string, value: T): T {
    const data = this.data();
    if (data.has(key)) return data.get(key) as T;
    this.set(key, value);
    return value;
  }

  update(values: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(values)) this.data().set(k, v);
    this.modified = true;
  }

  keys(): string[] {
    return [...this.data().keys()];
  }

  /** A plain-object copy of the data. */
  toObject(): Record<string, unknown> {
    return Object.fromEntries(this.data());
  }

  /** Empties the data but keeps the key (Django's `clear`). */
  clear(): void {
    this.accessed = true;
    this.cache = new Map();
    this.modified = true;
  }

  /** No key and no data: the middleware then deletes the cookie. */
  isEmpty(): boolean {
    return this.sessionKey === null && (this.cache === null || this.cache.size === 0);
  }

  /** Removes the data and the stored row and drops the key (logout). */
  async flush(): Promise<void> {
    this.clear();
    await this.deleteStored();
    this.sessionKey = null;
  }

  /** Keeps the data under a new key and deletes the old row (login, against session fixation). */
  async cycleKey(): Promise<void> {
    const data = new Map(this.data());
    const oldKey = this.sessionKey;
    await this.create();
    this.cache = data;
    if (oldKey) await this.options.backend.delete(oldKey);
  }

  /** Draws new keys until one is free and stores the current data under it. */
  async create(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const key = newSessionKey();
      if (await this.options.backend.exists(key)) continue;
      this.sessionKey = key;
      const stored = await this.options.backend.create(key, this.snapshot(), this.expiry());
      if (stored !== null) {
        this.sessionKey = stored;
        this.modified = true;
        return;
      }
    }
    throw new Error('Unable to create a new session key');
  }

  /** Writes the session: creates it when it has no key yet; SessionInterrupted if it vanished meanwhile. */
  async save(): Promise<void> {
    if (this.sessionKey === null) return this.create();
    const stored = await this.options.backend.update(this.sessionKey, this.snapshot(), this.expiry());
    if (stored === null) throw new SessionInterrupted();
    this.sessionKey = stored;
  }

  private async deleteStored(): Promise<void> {
    if (this.sessionKey !== null) await this.options.backend.delete(this.sessionKey);
  }

  private snapshot(): Record<string, unknown> {
    return Object.fromEntries(this.cache ?? new Map());
  }

  /** Both forms of the expiry, computed at one instant so they agree. */
  private expiry(): SessionExpiry {
    const now = this.now();
    return { expireDate: this.getExpiryDate(now), age: this.getExpiryAge(now) };
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private cookieAge(): number {
    return this.options.cookieAge ?? DEFAULT_SESSION_COOKIE_AGE;
  }

  /**
   * `set_expiry`: seconds of inactivity, 0 for "at browser close", a Date (stored as an ISO string,
   * Django 4.1+), or null to fall back to the global policy.
   */
  setExpiry(value: number | Date | null): void {
    if (value === null) {
      if (this.has(EXPIRY_KEY)) this.delete(EXPIRY_KEY);
      return;
    }
    if (value instanceof Date) {
      const version = this.options.djangoVersion;
      if (version === '3.2' || version === '4.0') {
        throw new ImproperlyConfigured(`Django ${version} cannot keep a datetime expiry in a JSON session; pass seconds instead`);
      }
      // Python's isoformat() of an aware UTC datetime: microseconds only when non-zero.
      const iso = value.toISOString();
      const ms = iso.slice(20, 23);
      this.set(EXPIRY_KEY, `${iso.slice(0, 19)}${ms === '000' ? '' : `.${ms}000`}+00:00`);
      return;
    }
    if (!Number.isInteger(value) || value < 0) throw new RangeError('Session expiry must be a non-negative number of seconds');
    this.set(EXPIRY_KEY, value);
  }

  private expiryInstant(expiry: unknown): number | null {
    if (expiry instanceof Date) return expiry.getTime();
    if (typeof expiry === 'string') {
      const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(expiry);
      if (!m) return null;
      const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0), Math.floor(Number((m[7] ?? '0').padEnd(6, '0')) / 1000));
      if (!m[8]) return wallTimeToInstant(this.options.timeZone ?? 'UTC', wall);
      if (m[8] === 'Z') return wall;
      const sign = m[8][0] === '-' ? -1 : 1;
      const digits = m[8].slice(1).replace(':', '');
      return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return null;
  }

  /** `get_expiry_age`: seconds until expiry, counted from now (or `modification`). */
  getExpiryAge(modification = this.now()): number {
    const expiry = this.get(EXPIRY_KEY);
    if (!expiry) return this.cookieAge();
    const instant = this.expiryInstant(expiry);
    if (instant === null) return typeof expiry === 'number' ? expiry : this.cookieAge();
    return Math.floor((instant - modification) / 1000);
  }

  /** `get_expiry_date`: the instant the stored row expires. */
  getExpiryDate(modification = this.now()): Date {
    const expiry = this.cache?.get(EXPIRY_KEY);
    const instant = this.expiryInstant(expiry);
    if (instant !== null) return new Date(instant);
    const seconds = typeof expiry === 'number' && expiry > 0 ? expiry : this.cookieAge();
    return new Date(modification + seconds * 1000);
  }

  /** `get_expire_at_browser_close`. */
  getExpireAtBrowserClose(): boolean {
    const expiry = this.get(EXPIRY_KEY);
    if (expiry === undefined || expiry === null) return this.options.expireAtBrowserClose ?? false;
    return expiry === 0;
  }
}
