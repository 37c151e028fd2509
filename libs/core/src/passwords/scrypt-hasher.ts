import { scrypt as nodeScrypt } from 'node:crypto';
import { b64Encode } from '../crypto/base64.js';
import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { djangoDefaults } from '../django-version.js';
import { ImproperlyConfigured, InvalidPasswordHash } from '../errors.js';
import { checkEncodeArgs, defaultSalt, isEncodablePassword, malformed, maskHash, parseCanonicalInt, splitMax, tryDecode, type PasswordHasher, type SafeSummary } from './hasher.js';
import { checkConfiguredFactor, enforceLimit, resolveLimits, type PasswordHashLimits } from './limits.js';

export interface ScryptHasherOptions {
  /** N, a power of two (Django: 2^14). */
  workFactor?: number;
  /** r (Django: 8). */
  blockSize?: number;
  /** p (Django: 1 in 4.0–5.0, 5 from 5.1). */
  parallelism?: number;
  limits?: Partial<PasswordHashLimits>;
}

export interface DecodedScryptHash {
  algorithm: string;
  workFactor: number;
  salt: string;
  blockSize: number;
  parallelism: number;
  hash: string;
  [field: string]: string | number | null;
}

const DKLEN = 64;

/** OpenSSL's scrypt needs 128·r·(N+2) bytes for V plus 128·r·p for B; `maxmem` must cover both. */
export function scryptMemory(n: number, r: number, p: number): number {
  return 128 * r * (n + 2) + 128 * r * p;
}

function isPowerOfTwo(n: number): boolean {
  return n > 1 && Number.isSafeInteger(n) && (n & (n - 1)) === 0 && n < 2 ** 31;
}

/** `scrypt$<N>$<salt>$<r>$<p>$<base64 of 64 bytes>` (Django 4.0+'s ScryptPasswordHasher). */
export class ScryptPasswordHasher implements PasswordHasher {
  readonly algorithm = 'scrypt';
  readonly workFactor: number;
  readonly blockSize: number;
  readonly parallelism: number;
  private readonly limits: Readonly<PasswordHashLimits>;

  constructor(options: ScryptHasherOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.workFactor = options.workFactor ?? 2 ** 14;
    this.blockSize = options.blockSize ?? 8;
    this.parallelism = options.parallelism ?? djangoDefaults().scryptParallelism ?? 5;
    if (!isPowerOfTwo(this.workFactor)) throw new ImproperlyConfigured(`scrypt.workFactor must be a power of two above 1, got ${this.workFactor}`);
    for (const [name, value] of [['blockSize', this.blockSize], ['parallelism', this.parallelism]] as const) {
      if (!Number.isSafeInteger(value) || value < 1) throw new ImproperlyConfigured(`scrypt.${name} must be a positive integer, got ${value}`);
    }
    checkConfiguredFactor('scrypt', 'memory', scryptMemory(this.workFactor, this.blockSize, this.parallelism), this.limits.scryptMemory, 'scryptMemory');
    checkConfiguredFactor('scrypt', 'parallelism', this.parallelism, this.limits.scryptParallelism, 'scryptParallelism');
  }

  salt(): string {
    return defaultSalt();
  }

  async encode(password: string, salt: string, n?: number, r?: number, p?: number): Promise<string> {
    checkEncodeArgs(password, salt);
    // Django: `n or self.work_factor` and so on, so 0 means the default.
    const N = n || this.workFactor;
    const R = r || this.blockSize;
    const P = p || this.parallelism;
    if (!isPowerOfTwo(N)) throw new InvalidPasswordHash(`scrypt N must be a power of two above 1, got ${N}`);
    if (!Number.isSafeInteger(R) || R < 1 || !Number.isSafeInteger(P) || P < 1) throw new InvalidPasswordHash('scrypt r and p must be positive integers');
    const memory = scryptMemory(N, R, P);
    enforceLimit(this.algorithm, 'memory (128·N·r bytes)', memory, this.limits.scryptMemory, 'scryptMemory');
    enforceLimit(this.algorithm, 'parallelism', P, this.limits.scryptParallelism, 'scryptParallelism');
    const key = await new Promise<Buffer>((resolve, reject) => {
      // maxmem: exactly what OpenSSL will ask for plus slack, never more than the configured cap.
      const maxmem = Math.min(memory + 1024 * 1024, this.limits.scryptMemory + 1024 * 1024);
      nodeScrypt(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), DKLEN, { N, r: R, p: P, maxmem }, (err, derived) => (err ? reject(err) : resolve(derived)));
    });
    return `${this.algorithm}$${N}$${salt}$${R}$${P}$${b64Encode(key)}`;
  }

  decode(encoded: string): DecodedScryptHash {
    const parts = splitMax(encoded, '$', 6);
    if (parts.length !== 6) throw malformed(this.algorithm, 'expected 6 fields');
    const [algorithm, nText, salt, rText, pText, hash] = parts;
    if (algorithm !== this.algorithm) throw malformed(this.algorithm, `algorithm is "${algorithm}"`);
    const [workFactor, blockSize, parallelism] = [nText, rText, pText].map(parseCanonicalInt);
    if (workFactor === undefined || blockSize === undefined || parallelism === undefined) throw malformed(this.algorithm, 'N, r and p must be integers');
    if (!isPowerOfTwo(workFactor) || blockSize < 1 || parallelism < 1) throw malformed(this.algorithm, 'N must be a power of two, r and p positive');
    if (!salt) throw malformed(this.algorithm, 'empty salt');
    return { algorithm, workFactor, salt, blockSize, parallelism, hash };
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    const d = tryDecode(() => this.decode(encoded));
    if (!d || !isEncodablePassword(password)) return false;
    enforceLimit(this.algorithm, 'memory (128·N·r bytes)', scryptMemory(d.workFactor, d.blockSize, d.parallelism), this.limits.scryptMemory, 'scryptMemory');
    enforceLimit(this.algorithm, 'parallelism', d.parallelism, this.limits.scryptParallelism, 'scryptParallelism');
    let recomputed: string;
    try {
      recomputed = await this.encode(password, d.salt, d.workFactor, d.blockSize, d.parallelism);
    } catch (err) {
      if (err instanceof InvalidPasswordHash) throw err;
      return false; // parameters OpenSSL refuses (e.g. N too large for r): hashlib raises, we fail closed
    }
    return constantTimeCompare(encoded, recomputed);
  }

  safeSummary(encoded: string): SafeSummary {
    const d = this.decode(encoded);
    return { algorithm: d.algorithm, 'work factor': d.workFactor, 'block size': d.blockSize, parallelism: d.parallelism, salt: maskHash(d.salt), hash: maskHash(d.hash) };
  }

  /** N, r or p differ (Django checks no salt length for scrypt). */
  mustUpdate(encoded: string): boolean {
    const d = tryDecode(() => this.decode(encoded));
    return d !== undefined && (d.workFactor !== this.workFactor || d.blockSize !== this.blockSize || d.parallelism !== this.parallelism);
  }

  async hardenRuntime(): Promise<void> {
    // As in Django: no sensible top-up for scrypt.
  }
}
