import { getRandomString } from '../crypto/random-string.js';
import { ImproperlyConfigured } from '../errors.js';
import type { PasswordHasher } from './hasher.js';
import { PBKDF2PasswordHasher } from './pbkdf2-hasher.js';
import { getDefaultPasswordHashers, PasswordHashers } from './password-hashers.js';

/** A stored password starting with this can never match (`set_unusable_password`). */
export const UNUSABLE_PASSWORD_PREFIX = '!';
export const UNUSABLE_PASSWORD_SUFFIX_LENGTH = 40;

export interface MakePasswordOptions {
  /** Algorithm name or hasher object; default: the preferred (first) hasher. */
  hasher?: string | PasswordHasher;
  /** Empty or absent: a fresh salt from the hasher, as Django's `salt or hasher.salt()`. */
  salt?: string;
  /** PBKDF2 iterations for this one hash (Django: `hasher.encode(password, salt, iterations)`). */
  iterations?: number;
  hashers?: PasswordHashers;
}

/** `make_password`: null/undefined gives an unusable `!` + 40 random chars; otherwise `hasher.encode`. */
export async function makePassword(password: string | null | undefined, options: MakePasswordOptions = {}): Promise<string> {
  if (password === null || password === undefined) {
    return UNUSABLE_PASSWORD_PREFIX + getRandomString(UNUSABLE_PASSWORD_SUFFIX_LENGTH);
  }
  if (typeof password !== 'string') throw new TypeError(`Password must be a string, got ${typeof password}.`);
  const hasher = (options.hashers ?? getDefaultPasswordHashers()).get(options.hasher ?? 'default');
  const salt = options.salt || hasher.salt();
  if (options.iterations === undefined) return hasher.encode(password, salt);
  if (!(hasher instanceof PBKDF2PasswordHasher)) throw new ImproperlyConfigured(`iterations applies to PBKDF2 hashers only, not "${hasher.algorithm}"`);
  return hasher.encode(password, salt, options.iterations);
}

/** `is_password_usable`: false only for hashes made from a null password. */
export function isPasswordUsable(encoded: string | null | undefined): boolean {
  return encoded === null || encoded === undefined || !encoded.startsWith(UNUSABLE_PASSWORD_PREFIX);
}
