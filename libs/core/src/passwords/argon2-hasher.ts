import { constantTimeCompare } from '../crypto/constant-time-compare.js';
import { ImproperlyConfigured, InvalidPasswordHash } from '../errors.js';
import { optionalDependency } from '../optional-dependency.js';
import { defaultSalt, isEncodablePassword, assertEncodablePassword, malformed, maskHash, mustUpdateSalt, tryDecode, type PasswordHasher, type SafeSummary } from './hasher.js';
import { checkConfiguredFactor, enforceLimit, resolveLimits, type PasswordHashLimits } from './limits.js';

export type Argon2Variety = 'argon2id' | 'argon2i' | 'argon2d';
// libargon2's Argon2_type numbers (argon2.argon2d/i/id), written here so nothing loads argon2 before it hashes.
const TYPES: Record<Argon2Variety, 0 | 1 | 2> = { argon2d: 0, argon2i: 1, argon2id: 2 };

type Argon2Module = typeof import('argon2');
/** argon2 is an optional peer (a native addon): loaded on the first argon2 hash, never for other hashers. */
const loadArgon2 = optionalDependency('argon2', 'The argon2 password hasher (Argon2PasswordHasher)', () => import('argon2'),
  (mod) => ((mod as Partial<Argon2Module>).hash ? mod : (mod as { default?: Argon2Module }).default));
const VERSIONS = new Set([0x10, 0x13]);

export interface Argon2HasherOptions {
  timeCost?: number;
  /** KiB. */
  memoryCost?: number;
  parallelism?: number;
  /**
   * Django takes this from argon2-cffi's DEFAULT_HASH_LENGTH, not from its own code: 16 bytes up to
   * argon2-cffi 21.1, 32 bytes from 21.2 (December 2021). Match the argon2-cffi your Django runs with.
   */
  hashLength?: number;
  limits?: Partial<PasswordHashLimits>;
}

export interface DecodedArgon2Hash {
  algorithm: string;
  hash: string;
  salt: string;
  variety: Argon2Variety;
  version: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  [field: string]: string | number | null;
}

interface ParsedArgon2 {
  decoded: DecodedArgon2Hash;
  saltBytes: Buffer;
  hashBytes: Buffer;
}

// libargon2 reads unpadded standard base64 and refuses non-zero leftover bits; re-encoding and
// comparing gives the same strictness.
function unpaddedB64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64').replace(/=+$/, '') === text ? bytes : undefined;
}

function parseDecimal(text: string): number | undefined {
  // libargon2 accepts leading zeros; the digit limit keeps the number exact.
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : undefined;
}

/**
 * `argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>`: the PHC string of argon2-cffi behind
 * Django's prefix. Verification uses the variety and parameters written in the hash.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  readonly algorithm = 'argon2';
  readonly timeCost: number;
  readonly memoryCost: number;
  readonly parallelism: number;
  readonly hashLength: number;
  private readonly limits: Readonly<PasswordHashLimits>;

  constructor(options: Argon2HasherOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.timeCost = options.timeCost ?? 2;
    this.memoryCost = options.memoryCost ?? 102_400;
    this.parallelism = options.parallelism ?? 8;
    this.hashLength = options.hashLength ?? 32;
    for (const [name, value] of Object.entries({ timeCost: this.timeCost, memoryCost: this.memoryCost, parallelism: this.parallelism, hashLength: this.hashLength })) {
      if (!Number.isSafeInteger(value) || value < 1) throw new ImproperlyConfigured(`argon2.${name} must be a positive integer, got ${value}`);
    }
    if (this.hashLength < 4 || this.memoryCost < 8 * this.parallelism) throw new ImproperlyConfigured('argon2 needs hashLength >= 4 and memoryCost >= 8 * parallelism');
    checkConfiguredFactor('argon2', 'memory cost', this.memoryCost, this.limits.argon2MemoryCost, 'argon2MemoryCost');
    checkConfiguredFactor('argon2', 'time cost', this.timeCost, this.limits.argon2TimeCost, 'argon2TimeCost');
    checkConfiguredFactor('argon2', 'parallelism', this.parallelism, this.limits.argon2Parallelism, 'argon2Parallelism');
  }

  salt(): string {
    return defaultSalt();
  }

  async encode(password: string, salt: string): Promise<string> {
    assertEncodablePassword(password);
    // Django passes its salt straight to argon2-cffi (no `$` check); libargon2 wants 8 bytes or more.
    const saltBytes = Buffer.from(salt, 'utf8');
    if (saltBytes.length < 8) throw new InvalidPasswordHash('argon2 salt must be at least 8 bytes');
    const params = { variety: 'argon2id' as const, version: 0x13, memoryCost: this.memoryCost, timeCost: this.timeCost, parallelism: this.parallelism };
    const hash = await this.raw(password, saltBytes, params, this.hashLength);
    const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
    return `argon2$argon2id$v=19$m=${this.memoryCost},t=${this.timeCost},p=${this.parallelism}$${b64(saltBytes)}$${b64(hash)}`;
  }

  private parse(encoded: string): ParsedArgon2 {
    const parts = encoded.split('$');
    if (parts[0] !== this.algorithm) throw malformed(this.algorithm, `algorithm is "${parts[0]}"`);
    // The version field is optional in PHC strings (absent means 0x10), as libargon2 reads them.
    let versionText = 'v=16';
    if (parts.length === 6) versionText = parts.splice(2, 1)[0];
    if (parts.length !== 5) throw malformed(this.algorithm, 'wrong number of fields');
    const [, variety, paramsText, saltText, hashText] = parts;
    if (!Object.hasOwn(TYPES, variety)) throw malformed(this.algorithm, `unknown variety "${variety}"`);
    const versionMatch = /^v=([0-9]+)$/.exec(versionText);
    const version = versionMatch ? parseDecimal(versionMatch[1]) : undefined;
    if (version === undefined || !VERSIONS.has(version)) throw malformed(this.algorithm, 'bad version');
    const params = /^m=([0-9]+),t=([0-9]+),p=([0-9]+)$/.exec(paramsText);
    const [memoryCost, timeCost, parallelism] = (params ?? []).slice(1).map(parseDecimal);
    if (memoryCost === undefined || timeCost === undefined || parallelism === undefined) throw malformed(this.algorithm, 'bad parameters');
    if (timeCost < 1 || parallelism < 1 || memoryCost < 8 * parallelism) throw malformed(this.algorithm, 'parameters below argon2 minimums');
    const saltBytes = unpaddedB64(saltText);
    const hashBytes = unpaddedB64(hashText);
    if (!saltBytes || saltBytes.length < 8) throw malformed(this.algorithm, 'bad salt');
    if (!hashBytes || hashBytes.length < 4 || hashBytes.length > 1024) throw malformed(this.algorithm, 'bad hash');
    const decoded: DecodedArgon2Hash = {
      algorithm: this.algorithm, hash: hashText, salt: saltBytes.toString('latin1'), variety: variety as Argon2Variety,
      version, memoryCost, timeCost, parallelism,
    };
    return { decoded, saltBytes, hashBytes };
  }

  decode(encoded: string): DecodedArgon2Hash {
    return this.parse(encoded).decoded;
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    const parsed = tryDecode(() => this.parse(encoded));
    if (!parsed || !isEncodablePassword(password)) return false;
    const d = parsed.decoded;
    enforceLimit('argon2', 'memory cost', d.memoryCost, this.limits.argon2MemoryCost, 'argon2MemoryCost');
    enforceLimit('argon2', 'time cost', d.timeCost, this.limits.argon2TimeCost, 'argon2TimeCost');
    enforceLimit('argon2', 'parallelism', d.parallelism, this.limits.argon2Parallelism, 'argon2Parallelism');
    await loadArgon2(); // outside the try: a missing argon2 is a MissingOptionalDependency, not a wrong password
    let hash: Buffer;
    try {
      hash = await this.raw(password, parsed.saltBytes, d, parsed.hashBytes.length);
    } catch {
      return false; // argon2-cffi's VerificationError is a False in Django too
    }
    return constantTimeCompare(hash, parsed.hashBytes);
  }

  safeSummary(encoded: string): SafeSummary {
    const d = this.decode(encoded);
    return {
      algorithm: d.algorithm, variety: d.variety, version: d.version, 'memory cost': d.memoryCost,
      'time cost': d.timeCost, parallelism: d.parallelism, salt: maskHash(d.salt), hash: maskHash(d.hash),
    };
  }

  mustUpdate(encoded: string): boolean {
    const parsed = tryDecode(() => this.parse(encoded));
    if (!parsed) return false;
    const p = parsed.decoded;
    // Django compares argon2-cffi Parameters: type, version, hash length and the three costs.
    return p.variety !== 'argon2id' || p.version !== 0x13 || parsed.hashBytes.length !== this.hashLength
      || p.timeCost !== this.timeCost || p.memoryCost !== this.memoryCost || p.parallelism !== this.parallelism
      || mustUpdateSalt(p.salt);
  }

  async hardenRuntime(): Promise<void> {
    // As in Django: argon2's cost is too multi-dimensional to top up sensibly.
  }

  private async raw(password: string, salt: Buffer, p: { variety: Argon2Variety; version: number; memoryCost: number; timeCost: number; parallelism: number }, hashLength: number): Promise<Buffer> {
    const argon2 = await loadArgon2();
    return argon2.hash(Buffer.from(password, 'utf8'), {
      raw: true, salt, type: TYPES[p.variety], version: p.version,
      memoryCost: p.memoryCost, timeCost: p.timeCost, parallelism: p.parallelism, hashLength,
    });
  }
}
