import { djangoDefaults, LATEST_DJANGO_VERSION, type DjangoVersion } from '../django-version.js';
import { ImproperlyConfigured, UnknownPasswordHasher } from '../errors.js';
import { Argon2PasswordHasher } from './argon2-hasher.js';
import { BCryptPasswordHasher, BCryptSHA256PasswordHasher } from './bcrypt-hasher.js';
import { CryptPasswordHasher } from './crypt-hasher.js';
import type { PasswordHasher } from './hasher.js';
import { resolveLimits, type PasswordHashLimits } from './limits.js';
import { PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher } from './pbkdf2-hasher.js';
import { MD5PasswordHasher, SHA1PasswordHasher } from './salted-digest-hashers.js';
import { ScryptPasswordHasher } from './scrypt-hasher.js';
import { UnsaltedMD5PasswordHasher, UnsaltedSHA1PasswordHasher } from './unsalted-hashers.js';

export const BUILTIN_HASHER_NAMES = ['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256', 'bcrypt', 'scrypt', 'sha1', 'md5', 'unsalted_sha1', 'unsalted_md5', 'crypt'] as const;
export type BuiltinHasherName = (typeof BUILTIN_HASHER_NAMES)[number];

export interface PasswordHashersOptions {
  /**
   * Like PASSWORD_HASHERS: enabled hashers, preferred first; built-in names or your own
   * PasswordHasher objects. Default: the list of `djangoVersion`. A name that this Django line
   * no longer ships (e.g. 'crypt' with 5.0+) is still allowed, as a site can ship the class itself.
   */
  hashers?: readonly (string | PasswordHasher)[];
  /** Django line whose defaults (list, PBKDF2 iterations, scrypt p) apply; default: the newest. */
  djangoVersion?: DjangoVersion;
  /** PBKDF2 iterations (both PBKDF2 hashers). */
  iterations?: number;
  /** Argon2 costs. hashLength defaults to 16 for 3.2 (argon2-cffi ≤ 21.1 era) and 32 otherwise. */
  argon2?: { timeCost?: number; memoryCost?: number; parallelism?: number; hashLength?: number };
  bcryptRounds?: number;
  scrypt?: { workFactor?: number; blockSize?: number; parallelism?: number };
  /** Caps on work factors read from stored hashes. */
  limits?: Partial<PasswordHashLimits>;
}

/** The enabled hashers of a site: Django's `get_hashers()`, `get_hasher()` and `identify_hasher()`. */
export class PasswordHashers {
  readonly djangoVersion: DjangoVersion;
  readonly hashers: readonly PasswordHasher[];
  readonly limits: Readonly<PasswordHashLimits>;
  private readonly byAlgorithm: ReadonlyMap<string, PasswordHasher>;

  constructor(options: PasswordHashersOptions = {}) {
    const version = options.djangoVersion ?? LATEST_DJANGO_VERSION;
    const defaults = djangoDefaults(version);
    this.djangoVersion = version;
    this.limits = resolveLimits(options.limits);
    const list = options.hashers ?? defaults.passwordHashers;
    if (list.length === 0) throw new ImproperlyConfigured('PasswordHashers needs at least one hasher');
    const build = (name: string): PasswordHasher => {
      const limits = this.limits;
      switch (name as BuiltinHasherName) {
        case 'pbkdf2_sha256': return new PBKDF2PasswordHasher({ iterations: options.iterations ?? defaults.pbkdf2Iterations, limits });
        case 'pbkdf2_sha1': return new PBKDF2SHA1PasswordHasher({ iterations: options.iterations ?? defaults.pbkdf2Iterations, limits });
        case 'argon2': return new Argon2PasswordHasher({ hashLength: version === '3.2' ? 16 : 32, ...options.argon2, limits });
        case 'bcrypt_sha256': return new BCryptSHA256PasswordHasher({ rounds: options.bcryptRounds, limits });
        case 'bcrypt': return new BCryptPasswordHasher({ rounds: options.bcryptRounds, limits });
        // 3.2 has no scrypt hasher; if a 3.2 site adds one, it gets the first (4.0) defaults.
        case 'scrypt': return new ScryptPasswordHasher({ parallelism: defaults.scryptParallelism ?? 1, ...options.scrypt, limits });
        case 'sha1': return new SHA1PasswordHasher();
        case 'md5': return new MD5PasswordHasher();
        case 'unsalted_sha1': return new UnsaltedSHA1PasswordHasher();
        case 'unsalted_md5': return new UnsaltedMD5PasswordHasher();
        case 'crypt': return new CryptPasswordHasher();
        default: throw new ImproperlyConfigured(`Unknown password hasher "${name}" in hashers; use one of ${BUILTIN_HASHER_NAMES.join(', ')} or pass a PasswordHasher object`);
      }
    };
    this.hashers = Object.freeze(list.map((entry) => {
      if (typeof entry === 'string') return build(entry);
      if (!entry || typeof entry.algorithm !== 'string' || !entry.algorithm) throw new ImproperlyConfigured("hasher doesn't specify an algorithm name");
      return entry;
    }));
    // Later duplicates win the lookup, as in Django's dict comprehension.
    this.byAlgorithm = new Map(this.hashers.map((h) => [h.algorithm, h]));
  }

  /** The first hasher: used for new hashes and as the target of upgrades. */
  get preferred(): PasswordHasher {
    return this.hashers[0];
  }

  /** `get_hasher`: 'default' is the preferred one, an object is returned as is. */
  get(algorithm: string | PasswordHasher = 'default'): PasswordHasher {
    if (typeof algorithm !== 'string') return algorithm;
    if (algorithm === 'default') return this.preferred;
    const hasher = this.byAlgorithm.get(algorithm);
    if (!hasher) throw new UnknownPasswordHasher(`Unknown password hashing algorithm ${describe(algorithm)}. Is it in the enabled hashers?`);
    return hasher;
  }

  /** `identify_hasher`: which enabled hasher wrote `encoded`; throws UnknownPasswordHasher. */
  identify(encoded: string): PasswordHasher {
    if (typeof encoded !== 'string') throw new UnknownPasswordHasher('Password hash is not a string');
    return this.get(algorithmOf(encoded));
  }

  has(algorithm: string): boolean {
    return this.byAlgorithm.has(algorithm);
  }

  /**
   * Whether a correct login with this hash should store a new one (the setter condition of
   * check_password): another hasher than the preferred one, or its must_update. Unusable: false.
   */
  mustUpdate(encoded: string, preferred: string | PasswordHasher = 'default'): boolean {
    if (typeof encoded !== 'string' || encoded.startsWith('!')) return false;
    const target = this.get(preferred);
    const algorithm = algorithmOf(encoded);
    if (!this.byAlgorithm.has(algorithm) || algorithm !== target.algorithm) return true;
    return target.mustUpdate(encoded);
  }
}

/** The algorithm name a hash string claims, with Django's special cases for pre-1.4 unsalted hashes. */
export function algorithmOf(encoded: string): string {
  if ((encoded.length === 32 && !encoded.includes('$')) || (encoded.length === 37 && encoded.startsWith('md5$$'))) return 'unsalted_md5';
  if (encoded.length === 46 && encoded.startsWith('sha1$$')) return 'unsalted_sha1';
  const at = encoded.indexOf('$');
  return at < 0 ? encoded : encoded.slice(0, at);
}

// An unidentifiable "algorithm" may be a whole hash: never echo much of it into logs.
function describe(algorithm: string): string {
  return algorithm.length <= 32 ? JSON.stringify(algorithm) : `${JSON.stringify(algorithm.slice(0, 12))}… (${algorithm.length} chars)`;
}

let shared: PasswordHashers | undefined;

/** The registry used when a function gets no `hashers` option: newest Django defaults. */
export function getDefaultPasswordHashers(): PasswordHashers {
  shared ??= new PasswordHashers();
  return shared;
}

/** Replace the shared registry (e.g. once at start-up from your settings); undefined resets it. */
export function setDefaultPasswordHashers(hashers: PasswordHashers | undefined): void {
  shared = hashers;
}

/** `get_hasher(name)` on the given or shared registry. */
export function getHasher(algorithm: string | PasswordHasher = 'default', hashers: PasswordHashers = getDefaultPasswordHashers()): PasswordHasher {
  return hashers.get(algorithm);
}

/** `identify_hasher(encoded)` on the given or shared registry. */
export function identifyHasher(encoded: string, hashers: PasswordHashers = getDefaultPasswordHashers()): PasswordHasher {
  return hashers.identify(encoded);
}
