import { createHash, randomBytes } from 'node:crypto';
import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { ImproperlyConfigured, InvalidPasswordHash } from '../errors.js';
import { optionalDependency } from '../optional-dependency.js';
import { assertEncodablePassword, isEncodablePassword, malformed, maskHash, splitMax, tryDecode, type PasswordHasher, type SafeSummary } from './hasher.js';
import { checkConfiguredFactor, enforceLimit, resolveLimits, type PasswordHashLimits } from './limits.js';

export interface BCryptHasherOptions {
  /** bcrypt cost (log2 rounds); Django uses 12. */
  rounds?: number;
  limits?: Partial<PasswordHashLimits>;
}

export interface DecodedBCryptHash {
  algorithm: string;
  algostr: string;
  checksum: string;
  salt: string;
  workFactor: number;
  hash: string;
  [field: string]: string | number | null;
}

// `$2a$`/`$2b$`/`$2y$`, a two-digit cost, then 22 salt characters (and, in a full hash, 31 more).
const SALT_RE = /^\$(2[aby])\$([0-9]{2})\$([./A-Za-z0-9]{22})/;
const MIN_COST = 4;
const MAX_COST = 31;

type BcryptModule = typeof import('bcrypt');
/** bcrypt is an optional peer (a native addon): loaded on the first bcrypt hash, never for other hashers. */
const loadBcrypt = optionalDependency('bcrypt', 'The bcrypt password hashers (BCryptSHA256PasswordHasher, BCryptPasswordHasher)', () => import('bcrypt'),
  (mod) => ((mod as Partial<BcryptModule>).hash ? mod : (mod as { default?: BcryptModule }).default));

// bcrypt's own base64: the standard bit layout over the alphabet ./A-Za-z0-9 instead of A-Za-z0-9+/.
const STANDARD_B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BCRYPT_B64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function bcryptBase64(bytes: Buffer): string {
  let out = '';
  for (const ch of bytes.toString('base64').replace(/=+$/, '')) out += BCRYPT_B64[STANDARD_B64.indexOf(ch)];
  return out;
}

/**
 * `bcrypt_sha256$$2b$12$<salt><checksum>`: bcrypt over lowercase hex SHA-256 of the password, so
 * long passwords are not cut at 72 bytes (Django's BCryptSHA256PasswordHasher).
 */
export class BCryptSHA256PasswordHasher implements PasswordHasher {
  readonly algorithm: string = 'bcrypt_sha256';
  /** Pre-hash, or null for plain bcrypt. */
  protected readonly digest: 'sha256' | null = 'sha256';
  readonly rounds: number;
  protected readonly limits: Readonly<PasswordHashLimits>;

  constructor(options: BCryptHasherOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.rounds = options.rounds ?? 12;
    if (!Number.isInteger(this.rounds) || this.rounds < MIN_COST || this.rounds > MAX_COST) throw new ImproperlyConfigured(`bcrypt rounds must be an integer from 4 to 31, got ${this.rounds}`);
    checkConfiguredFactor('bcrypt', 'cost', this.rounds, this.limits.bcryptCost, 'bcryptCost');
  }

  /**
   * `bcrypt.gensalt(rounds)`: a complete `$2b$12$...` salt string, 16 random bytes in bcrypt's base64
   * (what the bcrypt package's genSaltSync writes), made here so a salt needs no native addon.
   */
  salt(): string {
    return `$2b$${String(this.rounds).padStart(2, '0')}$${bcryptBase64(randomBytes(16))}`;
  }

  /** `salt` is a bcrypt salt string such as `$2b$12$abcdefghijklmnopqrstuu` (longer strings: first 29 chars used). */
  async encode(password: string, salt: string): Promise<string> {
    assertEncodablePassword(password);
    const match = SALT_RE.exec(salt);
    if (!match) throw new InvalidPasswordHash('bcrypt salt must look like $2b$12$ followed by 22 characters of ./A-Za-z0-9');
    const [, prefix, costText] = match;
    const cost = Number(costText);
    if (cost < MIN_COST || cost > MAX_COST) throw new InvalidPasswordHash(`bcrypt cost must be from 4 to 31, got ${cost}`);
    enforceLimit(this.algorithm, 'cost', cost, this.limits.bcryptCost, 'bcryptCost');
    let secret: Buffer;
    if (this.digest) {
      secret = Buffer.from(createHash(this.digest).update(password, 'utf8').digest('hex'), 'ascii');
    } else {
      // Every byte counts, NUL included, as in pyca/bcrypt 4+ (Django 6.1's bcrypt 4.2 hashes
      // "a\0b" and refuses "a" for it; pyca/bcrypt 3.x raised instead). Node's bcrypt takes a
      // Buffer's length, so it does not stop at the first NUL the way a C string would.
      secret = Buffer.from(password, 'utf8');
    }
    // Node's bcrypt does not take `$2y$` (same algorithm as `$2b$`); pyca/bcrypt keeps the caller's prefix.
    const bcrypt = await loadBcrypt();
    const computed = await bcrypt.hash(secret, `$${prefix === '2y' ? '2b' : prefix}$${salt.slice(4, 29)}`);
    return `${this.algorithm}$$${prefix}${computed.slice(3)}`;
  }

  decode(encoded: string): DecodedBCryptHash {
    const parts = splitMax(encoded, '$', 4);
    if (parts.length !== 5) throw malformed(this.algorithm, 'expected 5 fields');
    const [algorithm, empty, algostr, workFactorText, data] = parts;
    if (algorithm !== this.algorithm) throw malformed(this.algorithm, `algorithm is "${algorithm}"`);
    if (empty !== '' || !/^2[aby]$/.test(algostr) || !/^[0-9]{2}$/.test(workFactorText)) throw malformed(this.algorithm, 'bad bcrypt prefix');
    if (!/^[./A-Za-z0-9]{53}$/.test(data)) throw malformed(this.algorithm, 'bad salt or checksum');
    return { algorithm, algostr, checksum: data.slice(22), salt: data.slice(0, 22), workFactor: Number(workFactorText), hash: data.slice(22) };
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    const decoded = tryDecode(() => this.decode(encoded));
    if (!decoded || !isEncodablePassword(password)) return false;
    if (decoded.workFactor < MIN_COST || decoded.workFactor > MAX_COST) return false;
    enforceLimit(this.algorithm, 'cost', decoded.workFactor, this.limits.bcryptCost, 'bcryptCost');
    return constantTimeCompare(encoded, await this.encode(password, encoded.slice(this.algorithm.length + 1)));
  }

  safeSummary(encoded: string): SafeSummary {
    const d = this.decode(encoded);
    return { algorithm: d.algorithm, 'work factor': d.workFactor, salt: maskHash(d.salt), checksum: maskHash(d.checksum) };
  }

  mustUpdate(encoded: string): boolean {
    const decoded = tryDecode(() => this.decode(encoded));
    return decoded !== undefined && decoded.workFactor !== this.rounds;
  }

  /** Each cost step doubles the work: run 2^(rounds - stored) - 1 more hashes at the stored cost. */
  async hardenRuntime(password: string, encoded: string): Promise<void> {
    const decoded = tryDecode(() => this.decode(encoded));
    if (!decoded || !isEncodablePassword(password) || decoded.workFactor < MIN_COST) return;
    const salt = encoded.slice(this.algorithm.length + 1, this.algorithm.length + 30);
    for (let extra = 2 ** (this.rounds - decoded.workFactor) - 1; extra > 0; extra--) await this.encode(password, salt);
  }
}

/** `bcrypt$$2b$12$...`: bcrypt on the raw UTF-8 password, cut at 72 bytes (Django's BCryptPasswordHasher). */
export class BCryptPasswordHasher extends BCryptSHA256PasswordHasher {
  override readonly algorithm: string = 'bcrypt';
  protected override readonly digest: 'sha256' | null = null;
}
