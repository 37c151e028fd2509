import { ImproperlyConfigured } from './errors.js';

/** Django release lines whose formats and defaults this library reproduces. */
export const DJANGO_VERSIONS = ['3.2', '4.0', '4.1', '4.2', '5.0', '5.1', '5.2', '6.0', '6.1'] as const;
export type DjangoVersion = (typeof DJANGO_VERSIONS)[number];

/** The newest supported line; defaults follow it unless a `djangoVersion` is given. */
export const LATEST_DJANGO_VERSION: DjangoVersion = '6.1';

/** Per-line defaults that change stored formats (see ../shared/docs/django-compat.md and Django's release notes). */
export interface DjangoVersionDefaults {
  /** PBKDF2PasswordHasher.iterations (and PBKDF2SHA1). */
  pbkdf2Iterations: number;
  /** ScryptPasswordHasher.parallelism (p); null where Django has no scrypt hasher. */
  scryptParallelism: number | null;
  /** Default PASSWORD_HASHERS, by algorithm name, preferred first. */
  passwordHashers: readonly string[];
  /** 3.1/3.2 also accept SHA-1 signatures, pre-3.1 sessions and sha1 session auth hashes. */
  acceptsLegacySha1: boolean;
  /** SECRET_KEY_FALLBACKS exists (4.1+; the session auth hash honours it from 4.1.8). */
  supportsSecretKeyFallbacks: boolean;
  /** CSRF cookie written as the 32-char secret (4.1+) rather than a 64-char masked token. */
  csrfCookieIsSecret: boolean;
}

const DEFAULT_LIST_32 = ['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256'];
const DEFAULT_LIST_40 = ['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256', 'scrypt'];

const TABLE: Record<DjangoVersion, DjangoVersionDefaults> = {
  '3.2': { pbkdf2Iterations: 260_000, scryptParallelism: null, passwordHashers: DEFAULT_LIST_32, acceptsLegacySha1: true, supportsSecretKeyFallbacks: false, csrfCookieIsSecret: false },
  '4.0': { pbkdf2Iterations: 320_000, scryptParallelism: 1, passwordHashers: DEFAULT_LIST_40, acceptsLegacySha1: false, supportsSecretKeyFallbacks: false, csrfCookieIsSecret: false },
  '4.1': { pbkdf2Iterations: 390_000, scryptParallelism: 1, passwordHashers: DEFAULT_LIST_40, acceptsLegacySha1: false, supportsSecretKeyFallbacks: true, csrfCookieIsSecret: true },
  '4.2': { pbkdf2Iterations: 600_000, scryptParallelism: 1, passwordHashers: DEFAULT_LIST_40, acceptsLegacySha1: false, supportsSecretKeyFallbacks: true, csrfCookieIsSecret: true },
  '5.0': { pbkdf2Iterations: 720_000, scryptParallelism: 1, passwordHashers: DEFAULT_LIST_40, acceptsLegacySha1: false, supportsSecretKeyFallbacks: true, csrfCookieIsSecret: true },
  '5.1': { pbkdf2Iterations: 870_000, scryptParallelism: 5, passwordHashers: DEFAULT_LIST_40, acceptsLegacySha1: false, supportsSecretKeyFallbacks: true, csrfCookieIsSecret: true },
  '5.2': { pbkdf2Iterations: 1_000_000, scryptParallelism: 5, passwordHashers: DEFAULT_LIST_40, acceptsLegacySha1: false, supportsSecretKeyFallbacks: true, csrfCookieIsSecret: true },
  '6.0': { pbkdf2Iterations: 1_200_000, scryptParallelism: 5, passwordHashers: DEFAULT_LIST_40, acceptsLegacySha1: false, supportsSecretKeyFallbacks: true, csrfCookieIsSecret: true },
  // Read off Debian's python3-django 6.1.1: PBKDF2 1,500,000; scrypt 2^14/8/5; argon2 2/102400/8; bcrypt 12.
  '6.1': { pbkdf2Iterations: 1_500_000, scryptParallelism: 5, passwordHashers: DEFAULT_LIST_40, acceptsLegacySha1: false, supportsSecretKeyFallbacks: true, csrfCookieIsSecret: true },
};

export function isDjangoVersion(value: unknown): value is DjangoVersion {
  return typeof value === 'string' && (DJANGO_VERSIONS as readonly string[]).includes(value);
}

/** Defaults for a release line; throws ImproperlyConfigured naming the bad value. */
export function djangoDefaults(version: DjangoVersion | string = LATEST_DJANGO_VERSION): DjangoVersionDefaults {
  if (!isDjangoVersion(version)) {
    throw new ImproperlyConfigured(`djangoVersion "${version}" is not supported; use one of ${DJANGO_VERSIONS.join(', ')} (for another line, the nearest one, with its work factors set explicitly)`);
  }
  return TABLE[version];
}
