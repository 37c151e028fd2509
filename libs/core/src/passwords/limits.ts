import { ImproperlyConfigured, InvalidPasswordHash } from '../errors.js';

/**
 * Ceilings on the work factors read from a stored hash. A hash is data: whoever can write the
 * password column could otherwise make one login burn minutes of CPU or gigabytes of memory.
 * The defaults sit well above Django's newest defaults, so real hashes always pass.
 */
export interface PasswordHashLimits {
  /** PBKDF2 iterations (Django 6.0 default: 1,200,000). */
  pbkdf2Iterations: number;
  /** bcrypt cost, log2 of the rounds (Django default: 12). */
  bcryptCost: number;
  /** Argon2 memory in KiB (Django default: 102,400). */
  argon2MemoryCost: number;
  /** Argon2 passes (Django default: 2). */
  argon2TimeCost: number;
  /** Argon2 lanes (Django default: 8). */
  argon2Parallelism: number;
  /** scrypt memory in bytes, 128·N·r (Django default: 16 MiB). */
  scryptMemory: number;
  /** scrypt p: the CPU time grows linearly with it (Django default: 5). */
  scryptParallelism: number;
}

export const DEFAULT_PASSWORD_HASH_LIMITS: Readonly<PasswordHashLimits> = Object.freeze({
  pbkdf2Iterations: 20_000_000,
  bcryptCost: 16,
  argon2MemoryCost: 1024 * 1024,
  argon2TimeCost: 20,
  argon2Parallelism: 64,
  scryptMemory: 256 * 1024 * 1024,
  scryptParallelism: 64,
});

export function resolveLimits(limits: Partial<PasswordHashLimits> = {}): Readonly<PasswordHashLimits> {
  const merged = { ...DEFAULT_PASSWORD_HASH_LIMITS, ...limits };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new ImproperlyConfigured(`limits.${name} must be a positive integer, got ${String(value)}`);
  }
  return Object.freeze(merged);
}

/** Refuses a stored work factor above its cap, naming both. */
export function enforceLimit(algorithm: string, factor: string, value: number, cap: number, limitName: keyof PasswordHashLimits): void {
  if (value > cap) {
    throw new InvalidPasswordHash(`${algorithm} hash refused: ${factor} ${value} exceeds the configured cap of ${cap} (limits.${limitName})`);
  }
}

/** Configured defaults must themselves respect the caps, or every new hash would be refused. */
export function checkConfiguredFactor(algorithm: string, factor: string, value: number, cap: number, limitName: keyof PasswordHashLimits): void {
  if (value > cap) {
    throw new ImproperlyConfigured(`${algorithm} ${factor} ${value} exceeds limits.${limitName} (${cap})`);
  }
}
