import { pbkdf2, type Pbkdf2Digest } from '../crypto/pbkdf2.js';
import { b64Encode } from '../crypto/base64.js';
import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { djangoDefaults } from '../django-version.js';
import { ImproperlyConfigured, InvalidPasswordHash } from '../errors.js';
import { checkEncodeArgs, defaultSalt, isEncodablePassword, malformed, maskHash, mustUpdateSalt, parseCanonicalInt, splitMax, tryDecode, type PasswordHasher, type SafeSummary } from './hasher.js';
import { checkConfiguredFactor, enforceLimit, resolveLimits, type PasswordHashLimits } from './limits.js';

export interface Pbkdf2HasherOptions {
  /** Defaults to the newest Django's count (see django-version.ts). */
  iterations?: number;
  limits?: Partial<PasswordHashLimits>;
}

export interface DecodedPbkdf2Hash {
  algorithm: string;
  hash: string;
  iterations: number;
  salt: string;
  [field: string]: string | number | null;
}

/** `pbkdf2_sha256$<iterations>$<salt>$<base64 digest>` (Django's PBKDF2PasswordHasher). */
export class PBKDF2PasswordHasher implements PasswordHasher {
  readonly algorithm: string = 'pbkdf2_sha256';
  protected readonly digest: Pbkdf2Digest = 'sha256';
  readonly iterations: number;
  protected readonly limits: Readonly<PasswordHashLimits>;

  constructor(options: Pbkdf2HasherOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.iterations = options.iterations ?? djangoDefaults().pbkdf2Iterations;
    if (!Number.isSafeInteger(this.iterations) || this.iterations < 1) throw new ImproperlyConfigured(`PBKDF2 iterations must be a positive integer, got ${this.iterations}`);
    checkConfiguredFactor('PBKDF2', 'iterations', this.iterations, this.limits.pbkdf2Iterations, 'pbkdf2Iterations');
  }

  salt(): string {
    return defaultSalt();
  }

  async encode(password: string, salt: string, iterations?: number): Promise<string> {
    checkEncodeArgs(password, salt);
    // Django: `iterations or self.iterations`, so 0 means the default too.
    const count = iterations || this.iterations;
    if (!Number.isSafeInteger(count) || count < 1) throw new InvalidPasswordHash(`PBKDF2 iterations must be a positive integer, got ${count}`);
    enforceLimit(this.algorithm, 'iterations', count, this.limits.pbkdf2Iterations, 'pbkdf2Iterations');
    const digest = await pbkdf2(password, salt, count, 0, this.digest);
    return `${this.algorithm}$${count}$${salt}$${b64Encode(digest)}`;
  }

  decode(encoded: string): DecodedPbkdf2Hash {
    const parts = splitMax(encoded, '$', 3);
    if (parts.length !== 4) throw malformed(this.algorithm, 'expected 4 fields');
    const [algorithm, iterationsText, salt, hash] = parts;
    if (algorithm !== this.algorithm) throw malformed(this.algorithm, `algorithm is "${algorithm}"`);
    const iterations = parseCanonicalInt(iterationsText);
    if (iterations === undefined || iterations < 1) throw malformed(this.algorithm, 'iterations is not a positive integer');
    if (!salt) throw malformed(this.algorithm, 'empty salt');
    return { algorithm, hash, iterations, salt };
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    const decoded = tryDecode(() => this.decode(encoded));
    if (!decoded || !isEncodablePassword(password)) return false;
    enforceLimit(this.algorithm, 'iterations', decoded.iterations, this.limits.pbkdf2Iterations, 'pbkdf2Iterations');
    return constantTimeCompare(encoded, await this.encode(password, decoded.salt, decoded.iterations));
  }

  safeSummary(encoded: string): SafeSummary {
    const decoded = this.decode(encoded);
    return { algorithm: decoded.algorithm, iterations: decoded.iterations, salt: maskHash(decoded.salt), hash: maskHash(decoded.hash) };
  }

  mustUpdate(encoded: string): boolean {
    const decoded = tryDecode(() => this.decode(encoded));
    if (!decoded) return false;
    // `!=`, not `<`: a stronger stored count is brought back to the configured one too, as Django does.
    return decoded.iterations !== this.iterations || mustUpdateSalt(decoded.salt);
  }

  async hardenRuntime(password: string, encoded: string): Promise<void> {
    const decoded = tryDecode(() => this.decode(encoded));
    if (!decoded || !isEncodablePassword(password)) return;
    const extra = this.iterations - decoded.iterations;
    if (extra > 0) await this.encode(password, decoded.salt, extra);
  }
}

/** `pbkdf2_sha1$...`: same layout with HMAC-SHA1 (Django's PBKDF2SHA1PasswordHasher). */
export class PBKDF2SHA1PasswordHasher extends PBKDF2PasswordHasher {
  override readonly algorithm: string = 'pbkdf2_sha1';
  protected override readonly digest: Pbkdf2Digest = 'sha1';
}
