import { ImproperlyConfigured } from '@django-bridge/core';
import { availableParallelism } from 'node:os';
import { PasswordHashingBusy } from './password-hashing-busy.js';

/** How many password hashes run at once and how many may wait (DjangoBridgeOptions.passwordHashing). */
export interface PasswordHashingOptions {
  /**
   * Hashes computed at the same time. Default: min(UV_THREADPOOL_SIZE (libuv's default 4), the
   * cores Node may use): more hashes than pool threads only queue inside libuv, more than cores only
   * add latency for every other route. On machines with fewer cores than pool threads a thread also
   * stays free for file, DNS and zlib work.
   */
  concurrency?: number;
  /** Hashes that may wait for a slot; one more is refused at once (503). Default 16 x concurrency. */
  queueLimit?: number;
  /** Milliseconds a hash may wait for a slot before it is refused (503). Default 10000. */
  queueTimeout?: number;
}

export type ResolvedPasswordHashingOptions = Required<PasswordHashingOptions>;

/** libuv's default pool size, used when UV_THREADPOOL_SIZE is unset or not a number libuv accepts. */
const LIBUV_DEFAULT_POOL = 4;
const LIBUV_MAX_POOL = 1024;
export const DEFAULT_QUEUE_TIMEOUT = 10_000;
const FIELDS: readonly string[] = ['concurrency', 'queueLimit', 'queueTimeout'];

/** The thread pool size libuv uses for this process (it reads UV_THREADPOOL_SIZE once, at first use). */
export function libuvThreadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.UV_THREADPOOL_SIZE;
  const size = raw === undefined ? NaN : Number.parseInt(raw, 10);
  return Number.isSafeInteger(size) && size > 0 ? Math.min(size, LIBUV_MAX_POOL) : LIBUV_DEFAULT_POOL;
}

/** The default concurrency: min(libuv pool, cores). */
export function defaultHashingConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  return Math.max(1, Math.min(libuvThreadPoolSize(env), availableParallelism()));
}

/** A bad passwordHashing value: `option` names the field (passwordHashing.concurrency, ...). */
export class PasswordHashingOptionError extends ImproperlyConfigured {
  constructor(
    readonly option: string,
    readonly problem: string,
  ) {
    super(`${option} ${problem}`);
  }
}

/** Checks and completes the options; a bad value throws PasswordHashingOptionError (start-up fails). */
export function resolvePasswordHashingOptions(given: PasswordHashingOptions | undefined, env: NodeJS.ProcessEnv = process.env): ResolvedPasswordHashingOptions {
  if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) throw new PasswordHashingOptionError('passwordHashing', 'must be an object { concurrency, queueLimit, queueTimeout }');
  const options = given ?? {};
  for (const key of Object.keys(options)) {
    if (!FIELDS.includes(key)) throw new PasswordHashingOptionError(`passwordHashing.${key}`, `is not an option (use ${FIELDS.join(', ')})`);
  }
  // A typo must never mean "unbounded": only whole numbers in range pass.
  const whole = (field: keyof PasswordHashingOptions, min: number, fallback: number): number => {
    const value = options[field];
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < min) throw new PasswordHashingOptionError(`passwordHashing.${field}`, `must be a whole number >= ${min}, not ${JSON.stringify(value) ?? String(value)}`);
    return value;
  };
  const concurrency = whole('concurrency', 1, defaultHashingConcurrency(env));
  return {
    concurrency,
    // 0 is allowed: no waiting at all, a busy pool answers 503 at once.
    queueLimit: whole('queueLimit', 0, 16 * concurrency),
    queueTimeout: whole('queueTimeout', 1, DEFAULT_QUEUE_TIMEOUT),
  };
}

interface Waiter {
  start: () => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Bounds the password hashes computed at once. PBKDF2, scrypt, argon2 and bcrypt all run on libuv's
 * thread pool: unbounded, a login storm fills every pool thread (file, DNS and zlib work then waits
 * behind the hashes) and oversubscribes the cores, so the event loop, and every other route, waits
 * for CPU. Here at most `concurrency` hashes run; up to `queueLimit` more wait in arrival order, each
 * at most `queueTimeout` ms; past either bound the caller gets PasswordHashingBusy and nothing is
 * hashed. Never call run() from inside run(): the inner hash would wait for the slot the outer holds.
 */
export class PasswordHashingLimiter {
  readonly concurrency: number;
  readonly queueLimit: number;
  readonly queueTimeout: number;
  private running = 0;
  private readonly waiting: Waiter[] = [];
  /** Moving average of the time a slot is held, for Retry-After. */
  private averageMs = 0;

  constructor(options?: PasswordHashingOptions) {
    const resolved = resolvePasswordHashingOptions(options);
    this.concurrency = resolved.concurrency;
    this.queueLimit = resolved.queueLimit;
    this.queueTimeout = resolved.queueTimeout;
  }

  /** Hashes running now. */
  get active(): number {
    return this.running;
  }

  /** Hashes waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `hash` when a slot is free; its result or error is passed on, and the slot is freed either way. */
  async run<T>(hash: () => Promise<T> | T): Promise<T> {
    if (this.running >= this.concurrency) await this.wait();
    else this.running++;
    const started = performance.now();
    try {
      return await hash();
    } finally {
      const took = performance.now() - started;
      this.averageMs = this.averageMs === 0 ? took : this.averageMs * 0.8 + took * 0.2;
      this.release();
    }
  }

  /** Seconds until a slot is likely free: the queue ahead drained at the measured pace, at least 1. */
  retryAfter(): number {
    const rounds = (this.waiting.length + this.running) / this.concurrency;
    return Math.max(1, Math.ceil((rounds * this.averageMs) / 1000));
  }

  private wait(): Promise<void> {
    if (this.waiting.length >= this.queueLimit) return Promise.reject(new PasswordHashingBusy('queue-full', this.retryAfter()));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        // The slot passes straight from release() to this waiter: `running` stays counted.
        start: resolve,
        timer: setTimeout(() => {
          const at = this.waiting.indexOf(waiter);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(new PasswordHashingBusy('queue-timeout', this.retryAfter()));
        }, this.queueTimeout),
      };
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.running--;
      return;
    }
    clearTimeout(next.timer);
    next.start();
  }
}
